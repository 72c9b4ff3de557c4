"""Helpers the stock views share: choices for select boxes, item lines, errors, links."""

from __future__ import annotations

import re
import uuid
from datetime import date, datetime, timedelta

from flask import abort, url_for
from flask_babel import gettext as _
from wtforms import Form

from inventory.core.clock import start_of_day_utc
from inventory.core.errors import DomainError, NotFound
from inventory.stock import catalog
from inventory.stock.errors import InsufficientStock
from inventory.stock.ledger import RecordResult

from ..domain_messages import attach_error, message_for

FIRST_DAY, LAST_DAY = date(1990, 1, 1), date(2999, 12, 31)
RECEIPT_PAGES = {"donation": ".donation", "purchase": ".purchase", "assembly": ".assembly_result"}


def or_404(load, *args):
    """Call a loader; a record that does not exist becomes a 404 page."""
    try:
        return load(*args)
    except NotFound:
        abort(404)


def with_fresh_key(form):
    """A writing form shown empty on a POST (a second form on the page) still needs its one-time key."""
    if not form.idempotency_key.data:
        form.idempotency_key.data = uuid.uuid4().hex
    return form


def record_url(kind: str, record_id: int) -> str:
    """The page of a business record: its own page for receipts and assemblies, else the generic one."""
    return url_for(RECEIPT_PAGES.get(kind, ".record"), record_id=record_id)


# ---- select boxes ------------------------------------------------------------------------


def _location_label(location) -> str:
    label = location.name + (f" — {location.spot}" if location.spot else "")
    return label if location.active else _("%(name)s (retired)", name=label)


def location_choices(*, storeroom: bool = False, include_retired: bool = False, blank=None) -> list:
    """(id, label) pairs of locations, optionally storerooms only, with an optional blank first."""
    locations = catalog.list_locations(
        kind="storeroom" if storeroom else None, include_retired=include_retired
    )
    pairs = [(location.id, _location_label(location)) for location in locations]
    return ([("", blank)] if blank else []) + pairs


def item_choices(*, kind: str | None = None, include_retired: bool = False, blank=None) -> list:
    """(id, name) pairs of items, optionally of one kind, with an optional blank first."""
    pairs = [
        (item.id, item.name if item.active else _("%(name)s (retired)", name=item.name))
        for item in catalog.list_items(include_retired=include_retired)
        if kind is None or item.kind == kind
    ]
    return ([("", blank)] if blank else []) + pairs


def set_line_choices(lines_field, choices) -> None:
    """Give every line's item box the same choices."""
    for entry in lines_field:
        entry.form.item_id.choices = choices


# ---- lines and errors --------------------------------------------------------------------


def filled_lines(lines_field, names_in_order=("item_id", "quantity")) -> tuple[list[tuple], list[int]]:
    """The lines someone filled in (blank ones skipped), and the form position of each.

    The service numbers lines as it got them; `positions` maps its numbers back to the form's.
    """
    lines, positions = [], []
    for position, entry in enumerate(lines_field):
        if entry.form.is_blank():
            continue
        lines.append(tuple(entry.form[name].data for name in names_in_order))
        positions.append(position)
    return lines, positions


def refusal_message(
    form: Form, error: DomainError, positions: list[int] | None = None, prefix: str = "lines"
) -> str | None:
    """Put a refused action's message on the field it names (line numbers mapped); else return it."""
    if positions is not None and error.field:
        match = re.fullmatch(rf"{prefix}-(\d+)-(\w+)", error.field)
        if match and int(match.group(1)) < len(positions):
            error.field = f"{prefix}-{positions[int(match.group(1))]}-{match.group(2)}"
    if isinstance(error, InsufficientStock) and error.field is None:
        return (
            message_for(error)
            + " "
            + _("Some of this stock has been used or moved since. Reverse the later records first.")
        )
    return attach_error(form, error)


def recorded_flash(result: RecordResult, done: str) -> str:
    """The message after a write: what was done, or that a resent form changed nothing."""
    if result.replayed:
        return _("This form had already been sent. It was recorded once; nothing was added.")
    return done


# ---- filters -----------------------------------------------------------------------------


def filter_values(form: Form) -> dict:
    """The filter values that are valid; a box with a mistake is ignored (and shows its error)."""
    form.validate()
    return {field.name: (None if field.errors or field.data in ("", None) else field.data) for field in form}


def day_bounds(since: date | None, until: date | None) -> tuple[datetime | None, datetime | None]:
    """Japanese calendar days (both included) as naive UTC bounds [since, until).

    A bound outside the years any record can have (year 1, year 9999) is no bound at all.
    """
    since = since if since and FIRST_DAY <= since <= LAST_DAY else None
    until = until if until and FIRST_DAY <= until <= LAST_DAY else None
    return (
        start_of_day_utc(since) if since else None,
        start_of_day_utc(until + timedelta(days=1)) if until else None,
    )
