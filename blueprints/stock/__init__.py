"""The staff pages of the stock ledger: items, locations, receipts, operations, overview, history.

Each view parses its form, checks the role and the object (404 for unknown ids), calls one
service in `inventory`, then flashes and redirects or re-renders the form with its errors
(status 200, including refusals like not enough stock).
"""

from __future__ import annotations

from flask import Blueprint

from . import names
from .common import record_url

bp = Blueprint("stock", __name__, url_prefix="/stock")
# Globals rather than a context processor, so imported macros (stock/_macros.html) see them too.
bp.add_app_template_global(names.name_of, "name_of")
bp.add_app_template_global(record_url, "record_url")

from . import catalog_views, operation_views, receipt_views, stock_views  # noqa: E402,F401  (routes)
