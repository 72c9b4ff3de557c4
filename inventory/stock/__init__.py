"""The stock ledger and what writes to it: items, locations, receipts, assembly, stocktakes, reversals."""
