"""The views of the outcome pages (see the package's docstring)."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from inventory.core.clock import local_today
from inventory.core.errors import DomainError
from inventory.outcomes import queries, services
from inventory.outcomes.models import HEARD_AT_LOCATION, Channel, HeardVia
from inventory.settings.organisation import fiscal_year_of
from inventory.stock import catalog
from inventory.stock.models import LocationKind

from ..auth.access import admin_required, staff_required
from ..forms import CsrfOnlyForm
from ..reports.forms import YearForm
from ..stock.common import _location_label
from . import bp
from .forms import CafeForm, ConsultationForm, DestinationForm, MonthlySheetForm, read_count
from .messages import attach, outcome_message
from .names import CHANNELS, HEARD_VIA
from .tables import chosen_version, outcome_section


def _placement_points():
    """Active placement points (not storerooms), for "a pack from which location"."""
    return [
        location for location in catalog.list_locations() if location.kind != LocationKind.STOREROOM.value
    ]


def _done(result, message: str) -> str:
    if result.replayed:
        return _("This form had already been sent. It was recorded once; nothing was added.")
    return message


@bp.route("/consultations/new", methods=["GET", "POST"])
@staff_required
def quick_entry():
    """Record one consultation in three taps; the choices start from the last entry."""
    form = ConsultationForm()
    form.location_id.choices = [("", _("— choose —"))] + [
        (location.id, _location_label(location)) for location in _placement_points()
    ]
    form.referrals.choices = [(d.id, d.name) for d in services.list_destinations()]
    if not form.is_submitted():
        defaults = queries.quick_defaults(current_user.id)
        form.channel.data = defaults["channel"]
        form.age.data = "new" if defaults["is_new"] else "continuing"
        form.heard_via.data = defaults["heard_via"]
        form.location_id.data = defaults["location_id"]
    message = None
    if form.validate_on_submit():
        heard = form.heard_via.data
        try:
            result = services.record_consultation(
                occurred_on=form.occurred_on.data,
                channel=form.channel.data,
                is_new=form.age.data == "new",
                heard_via=heard,
                # The location box stays filled when she heard of us another way; it counts only here.
                location_id=form.location_id.data if heard in HEARD_AT_LOCATION else None,
                referrals=form.referrals.data or [],
                note=form.note.data or "",
                recorded_by=current_user.id,
                idempotency_key=form.idempotency_key.data,
            )
        except DomainError as error:
            message = attach(form, error)
        else:
            flash(
                _done(
                    result,
                    _(
                        "Recorded: %(channel)s, %(age)s, %(heard)s.",
                        channel=CHANNELS[form.channel.data],
                        age=_("new") if form.age.data == "new" else _("continuing"),
                        heard=HEARD_VIA[heard],
                    ),
                ),
                "success",
            )
            return redirect(url_for(".quick_entry"))
    return render_template(
        "outcomes/quick.html", form=form, message=message, recent=queries.recent_tallies(10)
    )


def _sheet_layout():
    """The rows (how she heard, a pack per location) and columns (channel × new/continuing) of the sheet."""
    rows = [(HeardVia.PACK.value, location.id, _location_label(location)) for location in _placement_points()]
    rows += [(h.value, None, HEARD_VIA[h.value]) for h in HeardVia if h != HeardVia.PACK]
    columns = [(c.value, is_new) for c in Channel for is_new in (True, False)]
    return rows, columns


@bp.route("/consultations/monthly", methods=["GET", "POST"])
@staff_required
def monthly_entry():
    """Enter a month of a paper tally sheet: counts per channel, new or continuing, how she heard."""
    form = MonthlySheetForm()
    rows, columns = _sheet_layout()
    destinations = services.list_destinations()
    errors: dict[str, str] = {}
    message = None
    if form.validate_on_submit():
        cells, referrals = {}, {}
        for heard, location_id, _label in rows:
            for channel, is_new in columns:
                name = services.cell_name(channel, is_new, heard, location_id)
                value, error = read_count(request.form.get(name))
                if error:
                    errors[name] = error
                elif value:
                    cells[(channel, is_new, heard, location_id)] = value
        for destination in destinations:
            name = f"ref-{destination.id}"
            value, error = read_count(request.form.get(name))
            if error:
                errors[name] = error
            elif value:
                referrals[destination.id] = value
        if errors:
            message = _("Some boxes need a correction. Nothing was recorded.")
        else:
            try:
                result = services.record_month(
                    month=form.month.data,
                    cells=cells,
                    referrals=referrals,
                    note=form.note.data or "",
                    recorded_by=current_user.id,
                    idempotency_key=form.idempotency_key.data,
                )
            except DomainError as error:
                if error.field and (error.field.startswith("c-") or error.field.startswith("ref-")):
                    errors[error.field] = outcome_message(error)
                    message = _("Some boxes need a correction. Nothing was recorded.")
                else:
                    message = attach(form, error)
            else:
                flash(
                    _done(
                        result,
                        _(
                            "The tally of %(month)s was recorded: %(consultations)d consultations, "
                            "%(referrals)d referrals.",
                            month=form.month.data.strftime("%Y-%m"),
                            consultations=sum(cells.values()),
                            referrals=sum(referrals.values()),
                        ),
                    ),
                    "success",
                )
                return redirect(url_for(".monthly_entry"))
    return render_template(
        "outcomes/monthly.html",
        form=form,
        rows=rows,
        columns=columns,
        destinations=destinations,
        errors=errors,
        message=message,
        values=request.form if request.method == "POST" else {},
        cell_name=services.cell_name,
        channels=CHANNELS,
    )


@bp.route("/cafe", methods=["GET", "POST"])
@staff_required
def cafe():
    """Record a drop-in cafe session and its visits; list this year's sessions."""
    form = CafeForm()
    message = None
    if form.validate_on_submit():
        try:
            result = services.record_cafe_session(
                held_on=form.held_on.data,
                visits=form.visits.data,
                note=form.note.data or "",
                recorded_by=current_user.id,
                idempotency_key=form.idempotency_key.data,
            )
        except DomainError as error:
            message = attach(form, error)
        else:
            flash(_done(result, _("The cafe session was recorded.")), "success")
            return redirect(url_for(".cafe"))
    year = fiscal_year_of(local_today())
    return render_template(
        "outcomes/cafe.html",
        form=form,
        message=message,
        sessions=queries.cafe_sessions(year),
        fiscal_year=year,
    )


@bp.route("/figures")
@staff_required
def figures():
    """The outcome figures of a fiscal year, for the city (exact) or for publication."""
    form = YearForm(formdata=request.args)
    version = chosen_version(request.args.get("version"))
    if not form.validate():
        return render_template("outcomes/figures.html", form=form, section=None, version=version), 400
    year = form.year.data if form.year.data is not None else fiscal_year_of(local_today())
    form.year.data = year
    section = outcome_section(
        version=version, figures=queries.outcome_figures(year, publication=version == "public")
    )
    return render_template("outcomes/figures.html", form=form, section=section, version=version)


@bp.route("/destinations", methods=["GET", "POST"])
@admin_required
def destinations():
    """The list of referral destinations: add one, retire or restore one."""
    form = DestinationForm()
    if form.validate_on_submit():
        try:
            services.add_destination(form.name.data)
        except DomainError as error:
            attach(form, error)
        else:
            flash(_("The referral destination was added."), "success")
            return redirect(url_for(".destinations"))
    return render_template(
        "outcomes/destinations.html",
        form=form,
        action_form=CsrfOnlyForm(),
        destinations=services.list_destinations(include_retired=True),
    )


@bp.route("/destinations/<row_id:destination_id>/active", methods=["POST"])
@admin_required
def set_destination_active(destination_id: int):
    """Retire a destination (past referrals stay counted) or restore it."""
    form = CsrfOnlyForm()
    if form.validate_on_submit():
        try:
            services.set_destination_active(destination_id, request.form.get("active") == "1")
        except DomainError as error:
            flash(outcome_message(error), "error")
        else:
            flash(_("The list of referral destinations was saved."), "success")
    return redirect(url_for(".destinations"))
