"""A school contact's pages: her locations, what was brought, and the refill form.

Every id in a URL is checked against the school's own links: another school's location or
request is "not found" (404), never "forbidden", so ids reveal nothing.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from inventory.accounts.models import Role
from inventory.core.errors import DomainError
from inventory.requests import schools
from inventory.requests import services as requests
from inventory.requests.queries import school_location_view, school_request

from ..auth.access import roles_required
from . import bp
from .forms import RefillForm
from .messages import attach_request_error

school_required = roles_required(Role.SCHOOL)


def _own_location_or_404(location_id: int):
    for location in schools.locations_of(current_user.id):
        if location.id == location_id:
            return location
    abort(404)


@bp.route("/school")
@school_required
def school_home():
    """The school's locations with the level now and a way to ask for a refill."""
    views = [school_location_view(location) for location in schools.locations_of(current_user.id)]
    return render_template("requests/school_home.html", views=views)


@bp.route("/school/locations/<row_id:location_id>", methods=["GET", "POST"])
@school_required
def school_location(location_id: int):
    """One of the school's locations: level, visits, its refill requests and the refill form."""
    location = _own_location_or_404(location_id)
    form = RefillForm()
    message = None
    if location.active and form.validate_on_submit():
        try:
            result = requests.create_refill_request(
                location.id,
                quantity=form.quantity.data,
                needed_on=form.needed_on.data,
                note=form.note.data or "",
                requested_by=current_user.id,
                idempotency_key=form.idempotency_key.data,
            )
        except DomainError as error:
            message = attach_request_error(form, error)
        else:
            flash(_("Thank you. Your request has been sent to the office."), "success")
            return redirect(url_for(".school_request_page", request_id=result.request_id))
    return render_template(
        "requests/school_location.html", view=school_location_view(location), form=form, message=message
    )


@bp.route("/school/requests/<row_id:request_id>")
@school_required
def school_request_page(request_id: int):
    """One of the school's refill requests: its status, and the reason if it was cancelled."""
    locations = {location.id: location for location in schools.locations_of(current_user.id)}
    pack_request = school_request(request_id, locations)
    if pack_request is None:
        abort(404)
    return render_template(
        "requests/school_request.html", r=pack_request, location=locations[pack_request.location_id]
    )
