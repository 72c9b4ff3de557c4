"""The stock ledger and what writes to it: items and locations, receipts, assembly, transfers, stocktakes, reversals."""
