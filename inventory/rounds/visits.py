"""Restock visits (巡回補充): a volunteer counts what is left at a location and adds packages.

One visit is one business record: what people took since the last count leaves the location
as consumption (a count above expectation comes back as a "found" adjustment), and the added
packages arrive by transfer from the storeroom. A storeroom that cannot cover the additions
does not stop the count from being recorded: the shortfall is kept on the visit for the office.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from inventory.core import idempotency
from inventory.core.checks import (
    check_occurred_at,
    check_quantity,
    clean_note,
    is_row_id,
)
from inventory.core.clock import utcnow
from inventory.core.db import db
from inventory.core.errors import InvalidDate, InvalidValue
from inventory.rounds.empty_reports import close_reports
from inventory.rounds.errors import NoPlacementItem
from inventory.rounds.models import RestockVisit
from inventory.stock.catalog import require_location
from inventory.stock.errors import (
    InsufficientStock,
    RetiredLocation,
    UnknownLocation,
)
from inventory.stock.ledger import create_record, lock_levels, move, record_outflow
from inventory.stock.models import (
    AdjustmentReason,
    Item,
    ItemKind,
    Location,
    LocationKind,
    MovementKind,
    RecordKind,
    StockLevel,
    StockRecord,
)

# More packages than this at one dispenser is a typing mistake, not a count.
MAX_PACKAGES_AT_A_LOCATION = 1000
# How long ago a visit may have happened when it is recorded: an offline phone replays within days.
MAX_VISIT_AGE = timedelta(days=30)
FLAGS = ("dispenser_broken", "leaflets_missing", "location_closed", "other")
# Built once: the restock form runs these on every scan by a volunteer.
_PLACEMENT_ITEM = (
    sa.select(Item).where(Item.kind == ItemKind.PACKAGE.value, Item.active).order_by(Item.id).limit(1)
)
_STOREROOMS = (
    sa.select(Location)
    .where(Location.kind == LocationKind.STOREROOM.value, Location.active)
    .order_by(Location.id)
)
_DEFAULT_STOREROOM = _STOREROOMS.limit(1)
_INSERT_VISIT = sa.insert(RestockVisit.__table__).returning(RestockVisit.__table__.c.id)
_PLACEMENT_ITEM_ID = _PLACEMENT_ITEM.with_only_columns(Item.id).scalar_subquery()
_DEFAULT_STOREROOM_ID = _DEFAULT_STOREROOM.with_only_columns(Location.id).scalar_subquery()
# Everything a visit needs to know before it writes, in one statement: the visit runs inside
# SQLite's one write lock, where every round trip makes the next volunteer wait.
_PLACE = sa.select(Location.kind, Location.active, _PLACEMENT_ITEM_ID, _DEFAULT_STOREROOM_ID).where(
    Location.id == sa.bindparam("location_id")
)


def _level_of_placement_item(location_id):
    return (
        sa.select(StockLevel.qty)
        .where(StockLevel.location_id == location_id, StockLevel.item_id == _PLACEMENT_ITEM_ID)
        .scalar_subquery()
    )


# What the restock form proposes, in one statement: it is read on every volunteer's scan.
_SUGGESTION = sa.select(
    _PLACEMENT_ITEM_ID,
    _level_of_placement_item(sa.bindparam("location_id")),
    _level_of_placement_item(_DEFAULT_STOREROOM_ID),
)
_LAST_VISIT = (
    sa.select(RestockVisit.visited_at, RestockVisit.counted, RestockVisit.added)
    .where(RestockVisit.location_id == sa.bindparam("location_id"))
    # A reversed visit was a mistake: the form shows the last one that stands.
    .where(~sa.exists().where(StockRecord.reverses_record_id == RestockVisit.record_id))
    .order_by(RestockVisit.visited_at.desc(), RestockVisit.id.desc())
    .limit(1)
)
_STOREROOM_CHOICES = _STOREROOMS.with_only_columns(Location.id, Location.name)


@dataclass(frozen=True)
class VisitResult:
    """What a visit recorded: consumption, found, added, what the storeroom could not cover."""

    visit_id: int
    record_id: int
    location_id: int
    expected: int
    counted: int
    consumed: int
    found: int
    added: int
    added_unrecorded: int
    level_after: int
    replayed: bool


def placement_item() -> Item:
    """The item that is placed at locations: the first active package item (配置用パッケージ)."""
    item = db.session.scalar(_PLACEMENT_ITEM)
    if item is None:
        raise NoPlacementItem()
    return item


def active_storerooms() -> list[sa.Row]:
    """The storerooms a volunteer may take packages from, oldest first: (id, name) rows."""
    return list(db.session.execute(_STOREROOM_CHOICES))


def default_storeroom() -> Location | None:
    """The storeroom volunteers restock from when there is only one (the first active one)."""
    return db.session.scalar(_DEFAULT_STOREROOM)


def _check_flags(flags) -> str:
    flags = sorted(set(flags or ()))
    unknown = [f for f in flags if f not in FLAGS]
    if unknown:
        raise InvalidValue("unknown flag", field="flags")
    return ",".join(flags)


def record_visit(
    location_id: int,
    *,
    counted: int,
    added: int,
    flags=(),
    note: str = "",
    storeroom_id: int | None = None,
    occurred_at: datetime | None = None,
    max_age: timedelta | None = MAX_VISIT_AGE,
    recorded_by: int | None = None,
    idempotency_key: str | None,
) -> VisitResult:
    """Record one restock visit in one transaction (once per idempotency key).

    `occurred_at` is when the volunteer was there: an offline replay arriving a day late keeps
    its original time.
    """
    check_quantity(counted, field="counted", minimum=0, maximum=MAX_PACKAGES_AT_A_LOCATION)
    check_quantity(added, field="added", minimum=0, maximum=MAX_PACKAGES_AT_A_LOCATION)
    flag_text = _check_flags(flags)
    note = clean_note(note)
    when = check_occurred_at(occurred_at)
    if max_age is not None and when < utcnow() - max_age:
        # A phone's clock set months back, or a visit kept on a phone for weeks: refused with a
        # message on the phone (its outbox keeps it under "needs attention"), never booked silently
        # on a day far from the truth. Records of older rounds (demo data) pass max_age=None.
        raise InvalidDate(occurred_at, field="occurred_at", reason="visit_too_old")
    place: dict[str, sa.Row | None] = {}  # the location as the fingerprint read it, for the work

    def payload() -> dict:
        # The visit as it will be recorded, not as the route phrased it: the form names the
        # storeroom and the API leaves it to the default, and a time arrives with whatever
        # offset the phone used. Read in the visit's own transaction, before its key is claimed.
        place["row"] = row = _place_row(location_id)
        default_source = row[3] if row is not None else None
        return dict(
            location=location_id,
            counted=counted,
            added=added,
            flags=flag_text,
            note=note,
            storeroom=storeroom_id if storeroom_id is not None else default_source,
            at=None if occurred_at is None else when.replace(tzinfo=UTC),
        )

    stored: dict[str, object] = {}  # the visit row as written, for the answer

    def work(session):
        row = place["row"] if "row" in place else _place_row(location_id)  # no key: no fingerprint
        item_id, source_id = _place_for_visit(location_id, storeroom_id, row)
        # Both balance rows locked up front, in the order every stock service uses: a concurrent
        # visit cannot count against a stale balance, and a transfer or delivery between the
        # same two places cannot hold one of them while waiting for the other (a deadlock).
        # The count itself is kept on the visit row (expected, counted) written below.
        sources = [(source_id, item_id)] if added and source_id is not None else []
        expected = lock_levels([(location_id, item_id), *sources])[(location_id, item_id)]
        record = create_record(
            RecordKind.RESTOCK_VISIT,
            occurred_at=when,
            recorded_by=recorded_by,
            location_id=location_id,
            note=note,
        )
        if counted < expected:
            record_outflow(
                record, location_id, item_id, expected - counted, MovementKind.CONSUMPTION, field="counted"
            )
        elif counted > expected:
            move(
                record,
                item_id,
                counted - expected,
                kind=MovementKind.ADJUSTMENT,
                to_location_id=location_id,
                note=AdjustmentReason.FOUND.value,
                field="counted",
            )
        moved, unrecorded = 0, added
        if added and source_id is not None:
            try:
                move(
                    record,
                    item_id,
                    added,
                    kind=MovementKind.TRANSFER,
                    from_location_id=source_id,
                    to_location_id=location_id,
                    field="added",
                )
                moved, unrecorded = added, 0
            except InsufficientStock:
                pass  # the refused conditional UPDATE changed nothing; the count still counts
        stored.update(
            record_id=record.id,
            location_id=location_id,
            storeroom_id=source_id,
            item_id=item_id,
            visited_at=when,
            visitor_id=recorded_by,
            expected=expected,
            counted=counted,
            added=moved,
            added_unrecorded=unrecorded,
            flags=flag_text,
            note=note,
        )
        stored["id"] = db.session.scalar(_INSERT_VISIT, stored)
        if counted or added:
            # Packs were found or brought: visitors' reports of empty are answered, in this transaction.
            close_reports(session, location_id, stored["id"], when)
        return record.id

    record_id, replayed = idempotency.run("record_visit", idempotency_key, payload, work)
    if not replayed:
        return visit_result_of(RestockVisit(**stored))
    # A replayed key answers with what the first submission stored.
    visit = db.session.scalar(sa.select(RestockVisit).where(RestockVisit.record_id == record_id))
    if visit is None:
        raise InvalidValue("not a visit", field="idempotency_key")
    return visit_result_of(visit, replayed=True)


def _place_row(location_id) -> sa.Row | None:
    """The location's (kind, active), the placement item's and the default storeroom's ids, or None."""
    return (
        db.session.execute(_PLACE, {"location_id": location_id}).first() if is_row_id(location_id) else None
    )


def _place_for_visit(location_id, storeroom_id, row: sa.Row | None) -> tuple[int, int | None]:
    """Check the location can be restocked; return the placement item and the storeroom's ids."""
    if row is None:
        raise UnknownLocation(location_id)
    kind, active, item_id, source_id = row
    if not active:
        raise RetiredLocation(location_id)
    if kind == LocationKind.STOREROOM.value:
        raise InvalidValue("a storeroom is not restocked", field="location_id")
    if item_id is None:
        raise NoPlacementItem()
    if storeroom_id is not None:
        source_id = require_location(storeroom_id, field="storeroom_id", storeroom=True).id
    return item_id, source_id


def visit_result_of(visit: RestockVisit, *, replayed: bool = False) -> VisitResult:
    """Describe a stored visit: what was consumed, found and added, and the level it left."""
    consumed = visit.expected - visit.counted if visit.counted < visit.expected else 0
    found = visit.counted - visit.expected if visit.counted > visit.expected else 0
    return VisitResult(
        visit_id=visit.id,
        record_id=visit.record_id,
        location_id=visit.location_id,
        expected=visit.expected,
        counted=visit.counted,
        consumed=consumed,
        found=found,
        added=visit.added,
        added_unrecorded=visit.added_unrecorded,
        level_after=visit.counted + visit.added,
        replayed=replayed,
    )


def last_visit(location_id: int) -> sa.Row | None:
    """The most recent visit to a location: a (visited_at, counted, added) row, or None."""
    return db.session.execute(_LAST_VISIT, {"location_id": location_id}).first()


def recent_visits(location_id: int, limit: int = 10) -> list[RestockVisit]:
    """The latest visits to a location, newest first."""
    return list(
        db.session.scalars(
            sa.select(RestockVisit)
            .where(RestockVisit.location_id == location_id)
            .order_by(RestockVisit.visited_at.desc(), RestockVisit.id.desc())
            .limit(limit)
        )
    )


@dataclass(frozen=True)
class Suggestion:
    """What the form proposes: what should be there, and how many to add."""

    expected: int
    target: int
    storeroom_available: int
    suggested_added: int


def suggest(location: Location | sa.Row) -> Suggestion:
    """Suggest adding up to the target level, but never more than the storeroom holds."""
    item_id, expected, available = db.session.execute(_SUGGESTION, {"location_id": location.id}).one()
    if item_id is None:
        return Suggestion(expected=0, target=location.target_level, storeroom_available=0, suggested_added=0)
    expected, available = expected or 0, available or 0
    return Suggestion(
        expected=expected,
        target=location.target_level,
        storeroom_available=available,
        suggested_added=min(max(location.target_level - expected, 0), available),
    )
