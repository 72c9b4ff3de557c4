"""JSON API v1: locations, stock, and restock visits (what the phone's offline queue and other tools use).

Two ways in: the browser session with its CSRF token in the X-CSRFToken header, or a personal
token (`Authorization: Bearer tp_…`) an admin issued. Token requests carry no cookie, so they
need no CSRF token; session requests always do.
"""

from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")

from . import views  # noqa: E402,F401  (routes register on bp)
