"""The views of the public blueprint (see the package's docstring)."""

from __future__ import annotations

import re
from urllib.parse import urlencode

from flask import current_app, redirect, render_template, request, send_from_directory, url_for
from flask_login import current_user

from inventory.core.clock import local_today
from inventory.rounds import scans
from inventory.rounds.empty_reports import report_location
from inventory.rounds.errors import ReportTokenUsed, TooManyReports
from inventory.rounds.models import ReportKind
from inventory.rounds.public_places import public_places
from inventory.stock.catalog import find_location_by_code
from inventory.stock.errors import RetiredLocation, UnknownLocation
from inventory.stock.models import LocationKind

from ..extensions import csrf
from ..requests.public_views import address_key
from . import bp
from .report_token import issue_token, read_token

# Link previews, crawlers and scripts fetch the page without a person behind them.
_NOT_A_PERSON = re.compile(
    r"bot|crawl|spider|slurp|preview|externalhit|curl|wget|python-|httpclient|go-http", re.IGNORECASE
)
REPORT_KINDS = {kind.value for kind in ReportKind}


def _counts_as_a_scan(location) -> bool:
    """Whether this view is a visitor's scan: the reach of a placement, never staff, probes or bots."""
    return (
        location.active
        and not current_user.is_authenticated
        and request.method == "GET"
        and not _NOT_A_PERSON.search(request.user_agent.string or "")
    )


def _reportable(location) -> bool:
    """Whether visitors can report this location empty: an active placement point."""
    return bool(location.active and location.kind != LocationKind.STOREROOM.value)


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
    return render_template(
        "public/support.html",
        location=location,
        unknown=False,
        login_url=login_url,
        report_token=issue_token(location.id) if _reportable(location) else None,
    )


@bp.route("/l/<code>/report", methods=["POST"])
@csrf.exempt  # cookie-free: the signed token in the form stands in for the session's CSRF token
def report(code: str):
    """Record a visitor's one tap: the packs here are gone, or running low. No cookie, nothing personal."""
    location = find_location_by_code(code)
    if location is None:
        return render_template("public/support.html", location=None, unknown=True), 404
    if not _reportable(location):
        return _report_page(location, "retired", 410)
    kind = request.form.get("kind", "")
    nonce = read_token(request.form.get("token"), location.id)
    if kind not in REPORT_KINDS or nonce is None:
        return _report_page(location, "expired", 400)
    try:
        report_location(location.id, kind=kind, address_key=address_key(), token_nonce=nonce)
    except ReportTokenUsed:
        pass  # a double tap or a replay: the first one counted, this one is not stored again
    except TooManyReports:
        return _report_page(location, "too_many", 429)
    except (UnknownLocation, RetiredLocation):
        return _report_page(location, "retired", 410)
    return redirect(url_for(".reported", code=location.code), 303)


@bp.route("/l/<code>/reported")
def reported(code: str):
    """The thanks after a report: passed on, and the consultation window."""
    location = find_location_by_code(code)
    if location is None:
        return render_template("public/support.html", location=None, unknown=True), 404
    return _report_page(location, "thanks", 200)


def _report_page(location, state: str, status: int):
    return render_template("public/reported.html", location=location, state=state), status


@bp.route("/support")
def support():
    """The same support content without a location: the general QR on leaflet cards."""
    return render_template(
        "public/support.html", location=None, unknown=False, login_url=url_for("auth.login")
    )


@bp.route("/where")
def where():
    """Where free packs are: public placement points by area, no map tiles, no cookie."""
    return render_template("public/where.html", areas=public_places(), today=local_today(), map_url=_map_url)


def _map_url(place) -> str | None:
    """A search for the address that the phone's map app opens; nothing loads until it is tapped."""
    if not place.address:
        return None
    return "https://www.google.com/maps/search/?" + urlencode({"api": "1", "query": place.address})


@bp.route("/favicon.ico")
def favicon():
    """The small icon browsers ask for at the root of every site (a static file, cached a day)."""
    return send_from_directory(
        current_app.static_folder or "static",
        "favicon.ico",
        mimetype="image/vnd.microsoft.icon",
        max_age=86400,
    )
