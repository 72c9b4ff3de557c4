"""The office's side: the request queue, recording a request, fulfilling, cancelling, printing.

Personal data is shown on one page only (`personal`), on purpose: opening it, or printing the
address label, writes an access entry. Lists and the request page show that an address is on
file, never the address. Nothing personal goes into a URL, a flash message or a log line.
"""

from __future__ import annotations

import contextlib

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

import labels
from inventory.core.errors import DomainError, NotFound
from inventory.requests import parcels as request_printing
from inventory.requests import personal_data, schools
from inventory.requests import services as requests
from inventory.requests.errors import NoPersonalData
from inventory.requests.models import PackRequest, RequestKind
from inventory.requests.queries import (
    STATUS_FILTERS,
    count_requests,
    list_requests,
    visits_for,
)
from inventory.rounds.visits import default_storeroom, placement_item
from inventory.settings.organisation import get_settings
from inventory.stock import catalog

from ..auth.access import admin_required, staff_required
from ..forms import CsrfOnlyForm, optional_row_id
from ..printing.messages import label_message, loss_messages
from ..printing.views import pdf_response
from ..stock.common import item_choices, location_choices, with_fresh_key
from . import bp
from .forms import (
    AddressLabelForm,
    CancelForm,
    FulfilForm,
    SchoolLinkForm,
    StaffRequestForm,
)
from .messages import attach_request_error, request_message


def _request_or_404(request_id: int) -> PackRequest:
    try:
        return requests.get_request(request_id)
    except NotFound:
        abort(404)


def _placement_choices(blank):
    return [("", blank)] + [
        (location.id, catalog_label(location))
        for location in catalog.list_locations(include_retired=True)
        if not location.is_storeroom
    ]


def catalog_label(location) -> str:
    """A location as one line: name — spot."""
    return location.name + (f" — {location.spot}" if location.spot else "")


@bp.route("/requests")
@staff_required
def queue():
    """The queue: open requests oldest first (or a chosen status), and the counts per location."""
    status = request.args.get("status") or "open"
    status = status if status in STATUS_FILTERS else "open"
    kind = request.args.get("kind") if request.args.get("kind") in {k.value for k in RequestKind} else None
    location_id = optional_row_id(request.args.get("location"))
    rows = list_requests(status=status, kind=kind, location_id=location_id)
    return render_template(
        "requests/queue.html",
        rows=rows,
        counts=count_requests(),
        status=status,
        kind=kind,
        location_id=location_id,
        statuses=STATUS_FILTERS,
    )


@bp.route("/requests/new", methods=["GET", "POST"])
@staff_required
def new():
    """Record a person's request that came by phone, LINE, e-mail, the cafe or in person."""
    form = StaffRequestForm()
    form.location_id.choices = _placement_choices(_("— not known —"))
    message = None
    if form.validate_on_submit():
        try:
            result = requests.create_individual_request(
                quantity=form.quantity.data,
                delivery=form.delivery.data,
                channel=form.channel.data,
                location_id=form.location_id.data,
                recorded_by=current_user.id,
                idempotency_key=form.idempotency_key.data,
                **form.mail_data(),
            )
        except DomainError as error:
            message = attach_request_error(form, error)
        else:
            flash(_("Request #%(id)d was recorded.", id=result.request_id), "success")
            return redirect(url_for(".detail", request_id=result.request_id))
    return render_template("requests/new.html", form=form, message=message)


def fulfil_form(pack_request, formdata=None) -> FulfilForm:
    """The fulfil form with its choices: storerooms, items, and visits that could have brought it."""
    form = FulfilForm(formdata=formdata)
    form.storeroom_id.choices = location_choices(storeroom=True)
    form.item_id.choices = item_choices()
    form.visit_id.choices = [("", _("— not on a visit: deliver from the storeroom —"))] + [
        (
            visit.id,
            _(
                "Visit on %(date)s: %(added)d added",
                date=visit.visited_at.strftime("%Y-%m-%d"),
                added=visit.added,
            ),
        )
        for visit in visits_for(pack_request)
    ]
    if formdata is None:
        storeroom = default_storeroom()
        form.storeroom_id.data = storeroom.id if storeroom else None
        with contextlib.suppress(NotFound):  # no package item yet: staff pick one
            form.item_id.data = placement_item().id
        form.quantity.data = pack_request.quantity
    return form


def render_detail(pack_request, *, fulfil=None, cancel=None, message=None, status=200):
    """The request page: its facts (no personal data), and the next steps it can take."""
    location = catalog.get_location(pack_request.location_id) if pack_request.location_id else None
    has_personal = pack_request.id in personal_data.with_personal_data([pack_request.id])
    return render_template(
        "requests/detail.html",
        r=pack_request,
        location=location,
        has_personal=has_personal,
        fulfil_form=with_fresh_key(fulfil or fulfil_form(pack_request)),
        cancel_form=with_fresh_key(cancel or CancelForm(formdata=None)),
        action_form=CsrfOnlyForm(),
        message=message,
        sender_name=current_sender(),
    ), status


def current_sender() -> str:
    """The sender printed on mail labels (empty: printing is refused until an admin sets one)."""
    return get_settings().sender_name


@bp.route("/requests/<row_id:request_id>")
@staff_required
def detail(request_id: int):
    """One request and its next steps."""
    return render_detail(_request_or_404(request_id))


@bp.route("/requests/<row_id:request_id>/personal")
@staff_required
def personal(request_id: int):
    """Show the name and address (a logged read), with the label and slip to print."""
    pack_request = _request_or_404(request_id)
    view = personal_data.read_personal(pack_request.id, viewer_id=current_user.id)
    if view is None:
        flash(request_message(NoPersonalData("none")), "info")
        return redirect(url_for(".detail", request_id=pack_request.id))
    response = current_app.make_response(
        render_template(
            "requests/personal.html",
            r=pack_request,
            personal=view,
            label_form=AddressLabelForm(),
            action_form=CsrfOnlyForm(),
            sender_name=current_sender(),
            label_warnings=loss_messages(
                request_printing.address_label_losses(
                    view, font_path=current_app.config.get("LABEL_FONT_PATH")
                )
            ),
        )
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/requests/<row_id:request_id>/plan", methods=["POST"])
@staff_required
def plan(request_id: int):
    """Put a school refill on a round."""
    pack_request = _request_or_404(request_id)
    if not CsrfOnlyForm().validate_on_submit():
        abort(400)
    try:
        requests.plan_request(pack_request.id, by=current_user.id)
    except DomainError as error:
        flash(request_message(error), "error")
    else:
        flash(_("The request is planned for a round."), "success")
    return redirect(url_for(".detail", request_id=pack_request.id))


@bp.route("/requests/<row_id:request_id>/fulfil", methods=["POST"])
@staff_required
def fulfil(request_id: int):
    """Fulfil: stock leaves the storeroom (or arrives at the school), once."""
    pack_request = _request_or_404(request_id)
    form = fulfil_form(pack_request, formdata=request.form)
    message = None
    if form.validate_on_submit():
        visit_id = form.visit_id.data if pack_request.kind == RequestKind.REFILL else None
        try:
            result = requests.fulfil_request(
                pack_request.id,
                by=current_user.id,
                storeroom_id=form.storeroom_id.data,
                item_id=form.item_id.data,
                quantity=form.quantity.data,
                visit_id=visit_id,
                idempotency_key=form.idempotency_key.data,
            )
        except DomainError as error:
            message = attach_request_error(form, error)
        else:
            flash(
                _("This form had already been sent. It was recorded once; nothing was added.")
                if result.replayed
                else _("The request is fulfilled."),
                "success",
            )
            return redirect(url_for(".detail", request_id=pack_request.id))
    return render_detail(_request_or_404(request_id), fulfil=form, message=message, status=422)


@bp.route("/requests/<row_id:request_id>/cancel", methods=["POST"])
@staff_required
def cancel(request_id: int):
    """Cancel an open request with a reason."""
    pack_request = _request_or_404(request_id)
    form = CancelForm()
    message = None
    if form.validate_on_submit():
        try:
            requests.cancel_request(
                pack_request.id,
                reason=form.reason.data,
                by=current_user.id,
                idempotency_key=form.idempotency_key.data,
            )
        except DomainError as error:
            message = attach_request_error(form, error)
        else:
            flash(_("The request was cancelled."), "success")
            return redirect(url_for(".detail", request_id=pack_request.id))
    return render_detail(_request_or_404(request_id), cancel=form, message=message, status=422)


def _print_refused(pack_request, error) -> object:
    flash(request_message(error) if isinstance(error, DomainError) else label_message(error), "error")
    return redirect(url_for(".detail", request_id=pack_request.id))


@bp.route("/requests/<row_id:request_id>/address-label.pdf", methods=["POST"])
@staff_required
def address_label(request_id: int):
    """The address label on a label sheet (a logged read of the personal data)."""
    pack_request = _request_or_404(request_id)
    form = AddressLabelForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        pdf = request_printing.address_label_pdf(
            pack_request.id,
            viewer_id=current_user.id,
            layout=form.layout.data,
            skip=form.skip.data or 0,
            font_path=current_app.config.get("LABEL_FONT_PATH"),
        )
    except (DomainError, labels.LabelError) as error:
        return _print_refused(pack_request, error)
    return pdf_response(pdf, f"address-{pack_request.id}.pdf")


@bp.route("/requests/<row_id:request_id>/packing-slip.pdf", methods=["POST"])
@staff_required
def packing_slip(request_id: int):
    """The discreet packing slip (A6)."""
    pack_request = _request_or_404(request_id)
    if not CsrfOnlyForm().validate_on_submit():
        abort(400)
    try:
        pdf = request_printing.packing_slip_pdf(
            pack_request.id, font_path=current_app.config.get("LABEL_FONT_PATH")
        )
    except (DomainError, labels.LabelError) as error:
        return _print_refused(pack_request, error)
    return pdf_response(pdf, f"slip-{pack_request.id}.pdf")


# ---- administrators ------------------------------------------------------------------------


@bp.route("/requests/access-log")
@admin_required
def access_log():
    """Who looked at which request's personal data, and when (the data itself is not here)."""
    return render_template("requests/access_log.html", rows=personal_data.access_log())


def _link_form(formdata=None) -> SchoolLinkForm:
    form = SchoolLinkForm(formdata=formdata)
    form.user_id.choices = [("", _("— choose —"))] + [
        (u.id, f"{u.name} ({u.username})") for u in schools.school_users()
    ]
    form.location_id.choices = _placement_choices(_("— choose —"))
    return form


@bp.route("/school-links", methods=["GET", "POST"])
@admin_required
def school_links():
    """Which school account sees which locations."""
    form = _link_form(request.form if request.method == "POST" else None)
    message = None
    if form.validate_on_submit():
        try:
            schools.link(form.user_id.data, form.location_id.data)
        except DomainError as error:
            message = (
                _("This account is already linked to this location.")
                if error.field == "location_id" and "already" in str(error)
                else request_message(error)
            )
        else:
            flash(_("The school account is linked to the location."), "success")
            return redirect(url_for(".school_links"))
    return render_template(
        "requests/school_links.html",
        form=form,
        links=schools.list_links(),
        action_form=CsrfOnlyForm(),
        message=message,
    )


@bp.route("/school-links/<row_id:link_id>/remove", methods=["POST"])
@admin_required
def remove_school_link(link_id: int):
    """Unlink a school account from a location."""
    if not CsrfOnlyForm().validate_on_submit():
        abort(400)
    try:
        schools.unlink(link_id)
    except NotFound:
        abort(404)
    flash(_("The link was removed."), "success")
    return redirect(url_for(".school_links"))
