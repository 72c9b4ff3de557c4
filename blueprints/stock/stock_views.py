"""Reading the ledger: the stock overview, the movement history and one record's page."""

from __future__ import annotations

from flask import render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from inventory.accounts.models import Role
from inventory.stock import queries as stock_queries

from ..auth.access import roles_required, staff_required
from . import bp
from .common import day_bounds, filter_values, item_choices, location_choices, or_404
from .forms import HistoryFilterForm, OverviewFilterForm

HISTORY_PAGE_SIZE = 50


@bp.route("/")
@roles_required(Role.ADMIN, Role.STAFF, Role.VOLUNTEER)
def overview():
    """Balances per location and item, low stock highlighted; volunteers may look, not change."""
    filters = OverviewFilterForm(formdata=request.args)
    filters.location_id.choices = location_choices(blank=_("All"))
    filters.item_id.choices = item_choices(blank=_("All"))
    values = filter_values(filters)
    rows = stock_queries.stock_overview(
        location_id=values["location_id"], item_id=values["item_id"], low_only=bool(values["low"])
    )
    return render_template(
        "stock/overview.html", rows=rows, filters=filters, can_change=current_user.is_staff
    )


@bp.route("/history")
@staff_required
def history():
    """Every movement, newest first, filtered by location, item, kind and Japanese dates."""
    filters = HistoryFilterForm(formdata=request.args)
    filters.location_id.choices = location_choices(include_retired=True, blank=_("All"))
    filters.item_id.choices = item_choices(include_retired=True, blank=_("All"))
    values = filter_values(filters)
    since, until = day_bounds(values["since"], values["until"])
    cursor = request.args.get("cursor") or None
    page = stock_queries.movement_history(
        location_id=values["location_id"],
        item_id=values["item_id"],
        kind=values["kind"],
        since=since,
        until=until,
        limit=HISTORY_PAGE_SIZE,
        cursor=cursor,
    )
    args = {key: value for key, value in request.args.items() if key != "cursor" and value}
    next_url = url_for(".history", **args, cursor=page.next_cursor) if page.next_cursor else None
    first_url = url_for(".history", **args) if cursor else None
    return render_template(
        "stock/history.html", page=page, filters=filters, next_url=next_url, first_url=first_url
    )


@bp.route("/records/<row_id:record_id>")
@staff_required
def record(record_id: int):
    """One business record: its movements, what it reverses and what reversed it."""
    header = or_404(stock_queries.get_record, record_id)
    return render_template(
        "stock/record.html", record=header, movements=stock_queries.record_movements(header.id)
    )
