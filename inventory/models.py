"""Imports every module that defines tables, so the metadata (and migrations) see them all."""
from . import accounts, settings  # noqa: F401
from . import api_tokens, catalog, idempotency, ledger, receipts, scans, visits  # noqa: F401
from . import printing  # noqa: F401
from . import personal_data, public_requests, requests, retention, schools  # noqa: F401
