"""Reading the ledger for people: the dashboard, the fiscal-year report, CSV exports."""
