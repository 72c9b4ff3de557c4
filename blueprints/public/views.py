"""The views of the public blueprint (see the package's docstring)."""

from __future__ import annotations

import re

from flask import current_app, render_template, request, send_from_directory, url_for
from flask_login import current_user

from inventory.rounds import scans
from inventory.stock.catalog import find_location_by_code

from . import bp

# Link previews, crawlers and scripts fetch the page without a person behind them.
_NOT_A_PERSON = re.compile(
    r"bot|crawl|spider|slurp|preview|externalhit|curl|wget|python-|httpclient|go-http", re.IGNORECASE
)


def _counts_as_a_scan(location) -> bool:
    """Whether this view is a visitor's scan: the reach of a placement, never staff, probes or bots."""
    return (
        location.active
        and not current_user.is_authenticated
        and request.method == "GET"
        and not _NOT_A_PERSON.search(request.user_agent.string or "")
    )


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
    if _counts_as_a_scan(location):
        scans.count_scan(location.id)
    login_url = url_for("auth.login", next=url_for(".location_page", code=location.code))
    return render_template("public/support.html", location=location, unknown=False, login_url=login_url)


@bp.route("/support")
def support():
    """The same support content without a location: the general QR on leaflet cards."""
    return render_template(
        "public/support.html", location=None, unknown=False, login_url=url_for("auth.login")
    )


@bp.route("/favicon.ico")
def favicon():
    """The small icon browsers ask for at the root of every site (a static file, cached a day)."""
    return send_from_directory(
        current_app.static_folder or "static",
        "favicon.ico",
        mimetype="image/vnd.microsoft.icon",
        max_age=86400,
    )
