"""Imports every module that defines tables, so the metadata (and migrations) see them all."""
from . import accounts, settings  # noqa: F401
from . import catalog, idempotency, ledger, receipts, scans  # noqa: F401
