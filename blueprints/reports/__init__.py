"""Reports for the NPO and the city: dashboard, one location's figures, the fiscal-year report, CSV.

Every page reads; nothing here writes. The figures come from `inventory.reports`,
`inventory.dashboard` and `inventory.exports`; charts are inline SVG drawn by `charts`.
"""

from flask import Blueprint

bp = Blueprint("reports", __name__, url_prefix="/reports")

from . import views  # noqa: E402,F401  (routes register on bp)
