"""Stock changing inside the organisation: assembly, transfers, adjustments, stocktakes, reversals."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from inventory.core.errors import DomainError
from inventory.stock import catalog, operations, reversal
from inventory.stock import queries as stock_queries
from inventory.stock.models import ItemKind

from ..auth.access import staff_required
from . import bp
from .common import (
    filled_lines,
    item_choices,
    location_choices,
    or_404,
    record_url,
    recorded_flash,
    refusal_message,
    set_line_choices,
)
from .forms import AdjustForm, AssembleForm, ReverseForm, StocktakeForm, TransferForm


@bp.route("/assemble", methods=["GET", "POST"])
@staff_required
def assemble():
    """Assemble packages at a storeroom from their components."""
    form = AssembleForm()
    form.storeroom_id.choices = location_choices(storeroom=True)
    form.item_id.choices = item_choices(kind="package")
    message = None
    if form.validate_on_submit():
        try:
            result = operations.assemble_packages(
                form.storeroom_id.data,
                form.item_id.data,
                form.quantity.data,
                note=form.note.data or "",
                recorded_by=current_user.id,
                idempotency_key=form.idempotency_key.data,
            )
        except DomainError as error:
            message = refusal_message(form, error)
        else:
            flash(recorded_flash(result, _("The packages were assembled.")), "success")
            return redirect(url_for(".assembly_result", record_id=result.record_id))
    recipes = [
        (item, catalog.recipe_of(item.id)) for item in catalog.list_items() if item.kind == ItemKind.PACKAGE
    ]
    return render_template("stock/assemble.html", form=form, recipes=recipes, message=message)


@bp.route("/assemble/<row_id:record_id>")
@staff_required
def assembly_result(record_id: int):
    """What one assembly used and made. Label printing for the packages hangs off this record id."""
    record = or_404(stock_queries.get_record, record_id)
    if record.kind != "assembly":
        abort(404)
    return render_template(
        "stock/assembly_result.html", record=record, movements=stock_queries.record_movements(record.id)
    )


@bp.route("/transfer", methods=["GET", "POST"])
@staff_required
def transfer():
    """Move item lines from one location to another."""
    form = TransferForm()
    form.from_location_id.choices = location_choices()
    form.to_location_id.choices = location_choices(blank=_("— choose —"))
    set_line_choices(form.lines, item_choices(blank=_("— choose —")))
    message = None
    if form.validate_on_submit():
        lines, positions = filled_lines(form.lines)
        try:
            result = operations.transfer_stock(
                form.from_location_id.data,
                form.to_location_id.data,
                lines,
                note=form.note.data or "",
                recorded_by=current_user.id,
                idempotency_key=form.idempotency_key.data,
            )
        except DomainError as error:
            message = refusal_message(form, error, positions)
        else:
            flash(recorded_flash(result, _("The transfer was recorded.")), "success")
            return redirect(url_for(".record", record_id=result.record_id))
    return render_template("stock/transfer.html", form=form, message=message)


@bp.route("/adjust", methods=["GET", "POST"])
@staff_required
def adjust():
    """Add or remove stock at a location for a stated reason."""
    form = AdjustForm()
    form.location_id.choices = location_choices()
    form.item_id.choices = item_choices()
    message = None
    if form.validate_on_submit():
        try:
            result = operations.adjust_stock(
                form.location_id.data,
                form.item_id.data,
                form.change.data,
                form.reason.data,
                note=form.note.data or "",
                recorded_by=current_user.id,
                idempotency_key=form.idempotency_key.data,
            )
        except DomainError as error:
            message = refusal_message(form, error)
        else:
            flash(recorded_flash(result, _("The adjustment was recorded.")), "success")
            return redirect(url_for(".record", record_id=result.record_id))
    return render_template("stock/adjust.html", form=form, message=message)


@bp.route("/stocktake")
@staff_required
def stocktake():
    """Choose the location to count."""
    return render_template("stock/stocktake_choose.html", locations=catalog.list_locations())


@bp.route("/stocktake/<row_id:location_id>", methods=["GET", "POST"])
@staff_required
def stocktake_location(location_id: int):
    """Count a location: one box per item beside its balance; only filled boxes count."""
    location = or_404(catalog.get_location, location_id)
    items = {item.id: item for item in catalog.list_items()}
    balances = {
        row.item_id: row.qty
        for row in stock_queries.stock_overview(location_id=location.id, include_retired=True)
    }
    form = StocktakeForm(data={"counts": [{"item_id": item_id} for item_id in items]})
    message = None
    if form.validate_on_submit():
        counts, positions = [], []
        for position, entry in enumerate(form.counts):
            if entry.form.counted.data is not None:
                counts.append((entry.form.item_id.data, entry.form.counted.data))
                positions.append(position)
        try:
            result = operations.take_stock(
                location.id,
                counts,
                note=form.note.data or "",
                recorded_by=current_user.id,
                idempotency_key=form.idempotency_key.data,
            )
        except DomainError as error:
            message = refusal_message(form, error, positions, prefix="counts")
        else:
            flash(
                recorded_flash(result, _("The count was recorded. Differences became adjustments.")),
                "success",
            )
            return redirect(url_for(".record", record_id=result.record_id))
    return render_template(
        "stock/stocktake.html", form=form, location=location, items=items, balances=balances, message=message
    )


@bp.route("/records/<row_id:record_id>/reverse", methods=["GET", "POST"])
@staff_required
def reverse(record_id: int):
    """Ask, then reverse a whole record; a refusal says why."""
    record = or_404(stock_queries.get_record, record_id)
    form = ReverseForm()
    message = None
    if form.validate_on_submit():
        try:
            result = reversal.reverse_record(
                record.id,
                note=form.note.data or "",
                recorded_by=current_user.id,
                idempotency_key=form.idempotency_key.data,
            )
        except DomainError as error:
            message = refusal_message(form, error)
        else:
            flash(recorded_flash(result, _("The record was reversed.")), "success")
            return redirect(record_url(record.kind, record.id))
    return render_template(
        "stock/reverse.html",
        form=form,
        record=record,
        message=message,
        movements=stock_queries.record_movements(record.id),
    )
