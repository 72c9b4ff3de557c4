"""Donations (寄付) and purchases (購入): lists with filters, the entry forms, the detail pages."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from inventory.core.errors import DomainError
from inventory.stock import queries as stock_queries
from inventory.stock import receipts

from ..auth.access import staff_required
from . import bp, names
from .common import (
    day_bounds,
    filled_lines,
    filter_values,
    item_choices,
    location_choices,
    or_404,
    recorded_flash,
    refusal_message,
    set_line_choices,
)
from .forms import DonationForm, PurchaseForm, ReceiptFilterForm

PAGE_SIZE = 50


def _page() -> int:
    """The page number of a list (1 when missing or nonsense)."""
    page = request.args.get("page", type=int) or 1
    return page if 1 <= page <= 10_000 else 1


def _receipt_list(kind: str):
    """The list page of donations or purchases, filtered by the query string."""
    filters = ReceiptFilterForm(formdata=request.args)
    group = "donor_kind" if kind == "donation" else "funding"
    filters.kind.choices = [("", _l("All")), *names.choices(group)]
    filters.kind.label.text = _("Donor") if kind == "donation" else _("Paid from")
    filters.storeroom_id.choices = location_choices(storeroom=True, include_retired=True, blank=_("All"))
    values = filter_values(filters)
    since, until = day_bounds(values["since"], values["until"])
    page = _page()
    query = stock_queries.list_donations if kind == "donation" else stock_queries.list_purchases
    extra = {"donor_kind" if kind == "donation" else "funding": values["kind"]}
    rows = query(
        since=since,
        until=until,
        storeroom_id=values["storeroom_id"],
        limit=PAGE_SIZE,
        offset=(page - 1) * PAGE_SIZE,
        **extra,
    )
    args = {key: value for key, value in request.args.items() if key != "page"}
    older = url_for(request.endpoint, **args, page=page + 1) if len(rows) == PAGE_SIZE else None
    newer = url_for(request.endpoint, **args, page=page - 1) if page > 1 else None
    return render_template(
        "stock/receipts.html", kind=kind, rows=rows, filters=filters, older=older, newer=newer
    )


def _receipt_form(form):
    """Fill the storeroom and item boxes of a receipt form."""
    form.storeroom_id.choices = location_choices(storeroom=True)
    set_line_choices(form.lines, item_choices(kind="supply", blank=_("— choose —")))
    return form


@bp.route("/donations")
@staff_required
def donations():
    """List donations by period, donor kind and storeroom."""
    return _receipt_list("donation")


@bp.route("/purchases")
@staff_required
def purchases():
    """List purchases by period, funding and storeroom."""
    return _receipt_list("purchase")


@bp.route("/donations/new", methods=["GET", "POST"])
@staff_required
def new_donation():
    """Record a donation of several item lines into a storeroom."""
    form = _receipt_form(DonationForm())
    message = None
    if form.validate_on_submit():
        lines, positions = filled_lines(form.lines)
        try:
            result = receipts.receive_donation(
                form.storeroom_id.data,
                form.occurred_on.data,
                lines,
                donor_kind=form.donor_kind.data,
                donor_name=form.donor_name.data or "",
                note=form.note.data or "",
                recorded_by=current_user.id,
                idempotency_key=form.idempotency_key.data,
            )
        except DomainError as error:
            message = refusal_message(form, error, positions)
        else:
            flash(recorded_flash(result, _("The donation was recorded.")), "success")
            return redirect(url_for(".donation", record_id=result.record_id))
    return render_template("stock/receipt_form.html", form=form, kind="donation", message=message)


@bp.route("/purchases/new", methods=["GET", "POST"])
@staff_required
def new_purchase():
    """Record a purchase of several item lines, with unit costs, into a storeroom."""
    form = _receipt_form(PurchaseForm())
    message = None
    if form.validate_on_submit():
        lines, positions = filled_lines(form.lines, ("item_id", "quantity", "unit_cost_yen"))
        try:
            result = receipts.record_purchase(
                form.storeroom_id.data,
                form.occurred_on.data,
                lines,
                vendor=form.vendor.data,
                funding=form.funding.data,
                receipt_number=form.receipt_number.data or "",
                note=form.note.data or "",
                recorded_by=current_user.id,
                idempotency_key=form.idempotency_key.data,
            )
        except DomainError as error:
            message = refusal_message(form, error, positions)
        else:
            flash(recorded_flash(result, _("The purchase was recorded.")), "success")
            return redirect(url_for(".purchase", record_id=result.record_id))
    return render_template("stock/receipt_form.html", form=form, kind="purchase", message=message)


@bp.route("/donations/<row_id:record_id>")
@staff_required
def donation(record_id: int):
    """One donation with its lines and, if any, its reversal."""
    return render_template("stock/receipt.html", receipt=or_404(stock_queries.get_donation, record_id))


@bp.route("/purchases/<row_id:record_id>")
@staff_required
def purchase(record_id: int):
    """One purchase with its lines, costs and, if any, its reversal."""
    return render_template("stock/receipt.html", receipt=or_404(stock_queries.get_purchase, record_id))
