"""The views of the rounds blueprint (see the package's docstring)."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask import (
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    send_from_directory,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf.csrf import generate_csrf

from inventory.core.clock import utcnow
from inventory.core.db import db
from inventory.core.errors import DomainError
from inventory.rounds import empty_reports, visits
from inventory.rounds import plan as rounds
from inventory.rounds.models import RestockVisit
from inventory.stock.catalog import find_location_by_code
from inventory.stock.models import Location

from ..auth.access import roles_required
from ..domain_messages import attach_error
from . import bp
from .forms import RestockForm

round_roles = roles_required("admin", "staff", "volunteer")


def restock_form(suggestion: visits.Suggestion, formdata=None) -> RestockForm:
    """The restock form for a location, pre-filled with the suggested number to add."""
    form = RestockForm(formdata=formdata, data={"added": suggestion.suggested_added})
    storerooms = visits.active_storerooms()
    form.storeroom_id.choices = [(storeroom.id, storeroom.name) for storeroom in storerooms]
    if formdata is None and storerooms:
        form.storeroom_id.data = storerooms[0].id
    return form


def render_restock(
    location: sa.Row, form: RestockForm | None = None, message: str | None = None, status: int = 200
):
    """Show the restock page: the location, its last visit, what should be there, the form."""
    suggestion = visits.suggest(location)
    form = form or restock_form(suggestion)
    return render_template(
        "rounds/restock.html",
        location=location,
        form=form,
        message=message,
        suggestion=suggestion,
        last=visits.last_visit(location.id),
        open_report=empty_reports.open_reports(location.id).get(location.id),
    ), status


def _parse_time(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


@bp.route("/l/<code>/visit", methods=["POST"])
@round_roles
def record_visit(code: str):
    """Record a restock visit from the form (also replays sent by the phone later)."""
    location = find_location_by_code(code)
    if location is None:
        abort(404)
    form = restock_form(visits.suggest(location), formdata=request.form)
    # 422 for a refused visit, so the phone's queue knows a replay was not recorded.
    if not form.validate_on_submit():
        return render_restock(location, form, status=422)
    try:
        result = visits.record_visit(
            location.id,
            counted=form.counted.data,
            added=form.added.data,
            flags=form.flags.data,
            note=form.note.data or "",
            storeroom_id=form.storeroom_id.data,
            occurred_at=_parse_time(form.occurred_at.data),
            recorded_by=current_user.id,
            idempotency_key=form.idempotency_key.data,
        )
    except DomainError as error:
        message = attach_error(form, error)
        return render_restock(location, form, message, status=422)
    if result.added_unrecorded:
        flash(
            _(
                "The count was recorded, but the storeroom records have only %(available)d packages, "
                "so the %(added)d added were not recorded. Please tell the office.",
                available=visits.suggest(location).storeroom_available,
                added=result.added_unrecorded,
            ),
            "error",
        )
    return redirect(url_for(".visit_done", visit_id=result.visit_id))


@bp.route("/visits/<row_id:visit_id>")
@round_roles
def visit_done(visit_id: int):
    """Confirm what a visit recorded and point to the next location due."""
    visit = db.session.get(RestockVisit, visit_id)
    if visit is None or (not current_user.is_staff and visit.visitor_id != current_user.id):
        abort(404)
    result = visits.visit_result_of(visit)
    plan = [row for row in rounds.round_plan() if row.location_id != visit.location_id]
    return render_template(
        "rounds/done.html",
        visit=visit,
        result=result,
        location=db.session.get(Location, visit.location_id),
        next_row=plan[0] if plan else None,
    )


@bp.route("/rounds")
@round_roles
def plan():
    """The round plan: locations by urgency, with a carry list for the ones ticked."""
    rows = rounds.round_plan()
    chosen = {int(v) for v in request.args.getlist("location") if v.isdigit()}
    return render_template(
        "rounds/plan.html", rows=rows, chosen=chosen, carry=rounds.carry_list(rows, chosen), now=utcnow()
    )


@bp.route("/rounds/outbox")
@round_roles
def outbox():
    """The visits kept on this phone: drawn by static/offline.js from the phone's own storage."""
    return render_template("rounds/outbox.html")


@bp.route("/rounds/csrf-token")
@round_roles
def csrf_token():
    """A CSRF token for this login session, fetched fresh by the phone before it sends its outbox.

    Signed out, this answers with the redirect to sign in (the phone does not follow it), so a
    saved visit waits for the volunteer to sign in again instead of being sent into a login page.
    """
    response = jsonify(csrf_token=generate_csrf())
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/sw.js")
def service_worker():
    """The service worker, served from the root so it may cover every page of the app."""
    response = send_from_directory(current_app.static_folder, "sw.js", max_age=0)
    response.headers["Service-Worker-Allowed"] = "/"
    return response
