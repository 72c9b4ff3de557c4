"""The views of the public blueprint (see the package's docstring)."""

from __future__ import annotations

from flask import render_template, request, url_for
from flask_login import current_user

from inventory.rounds import scans
from inventory.stock.catalog import find_location_by_code

from . import bp


@bp.route("/l/<code>")
# Printed QR codes upper-case the whole URL (a smaller code); links in the app use /l/.
@bp.route("/L/<code>", endpoint="printed_location_page")
def location_page(code: str):
    """Show the support page (visitors) or the location's page (signed-in staff and volunteers)."""
    location = find_location_by_code(code)
    if location is None:
        return render_template("public/support.html", location=None, unknown=True), 404
    if current_user.is_authenticated and current_user.role != "school":
        from ..rounds.views import render_restock

        return render_restock(location)
    # The reach of a placement: visitors' page views only, never staff rounds nor HEAD probes.
    if location.active and not current_user.is_authenticated and request.method == "GET":
        scans.count_scan(location.id)
    login_url = url_for("auth.login", next=url_for(".location_page", code=location.code))
    return render_template("public/support.html", location=location, unknown=False, login_url=login_url)


@bp.route("/support")
def support():
    """The same support content without a location: the general QR on leaflet cards."""
    return render_template(
        "public/support.html", location=None, unknown=False, login_url=url_for("auth.login")
    )
