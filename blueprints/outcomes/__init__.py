"""The outcome side for staff: consultation tallies (quick and monthly), the cafe, the figures.

Each writing view parses its form, calls one service in `inventory.outcomes` and flashes and
redirects, or re-renders the form with the refusal on its field. Staff only; the list of
referral destinations is the admin's.
"""

from flask import Blueprint

bp = Blueprint("outcomes", __name__, url_prefix="/outcomes")

from . import names, views  # noqa: E402,F401  (routes register on bp)
from .tables import outcome_section  # noqa: E402

# The fiscal-year report includes templates/reports/_outcomes.html, which asks for its tables here.
bp.add_app_template_global(outcome_section, "outcome_section")
bp.add_app_template_global(names, "outcome_names")  # type: ignore[arg-type]
