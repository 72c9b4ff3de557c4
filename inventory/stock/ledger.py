"""The stock ledger: business records, append-only movements, balances kept beside them.

The primitives here (create_record, move, record_outflow, record_count) only write inside the
unit of work of the service that calls them, so a refusal anywhere rolls the whole business
record back. They write with plain INSERT/UPDATE statements rather than ORM objects: a restock
visit holds SQLite's one write lock while they run, so every statement saved is time saved for
the next volunteer in the queue.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy.orm import Session

from inventory.core import idempotency
from inventory.core.checks import check_quantity, clean_note
from inventory.core.clock import utcnow
from inventory.core.db import db
from inventory.reports.closing import refuse_if_closed
from inventory.stock.errors import InsufficientStock, UnknownRecord
from inventory.stock.models import (
    MovementKind,
    RecordKind,
    StockCount,
    StockLevel,
    StockMovement,
    StockRecord,
)

# The outflows other modules (restock visits, requests) record with record_outflow().
USER_OUTFLOW_KINDS = (
    MovementKind.CONSUMPTION,
    MovementKind.MAILED,
    MovementKind.HANDED_OVER,
    MovementKind.DISCARDED,
)


@dataclass(frozen=True)
class MovementInfo:
    """A plain copy of one movement of a result."""

    id: int
    kind: str
    item_id: int
    quantity: int
    from_location_id: int | None
    to_location_id: int | None
    reverses_id: int | None


@dataclass(frozen=True)
class RecordResult:
    """What a stock service recorded: the record id, its movements, and whether it was a replay."""

    record_id: int
    kind: str
    occurred_at: datetime
    movements: tuple[MovementInfo, ...]
    replayed: bool = False


@dataclass(frozen=True)
class BalanceDifference:
    """A balance that disagrees with the ledger."""

    location_id: int
    item_id: int
    ledger_qty: int
    level_qty: int


_level = StockLevel.__table__.c
# Built once: balances are read on every restock form and suggestion.
_STOCK_OF = sa.select(_level.qty).where(
    _level.location_id == sa.bindparam("location_id"), _level.item_id == sa.bindparam("item_id")
)
# The WHERE makes the check and the change one statement: two takers can never both pass.
_TAKE = (
    sa.update(StockLevel.__table__)
    .where(
        _level.location_id == sa.bindparam("at"),
        _level.item_id == sa.bindparam("item"),
        _level.qty >= sa.bindparam("quantity"),
    )
    .values(qty=_level.qty - sa.bindparam("quantity"), updated_at=sa.bindparam("now"))
)
# The upserts are written out: SQLite and PostgreSQL share this ON CONFLICT syntax, and
# SQLAlchemy cannot cache its own ON CONFLICT constructs, so it would compile them per call.
_NOW = sa.bindparam("now", type_=sa.DateTime())
_PUT = sa.text(
    "INSERT INTO stock_level (location_id, item_id, qty, updated_at) VALUES (:at, :item, :quantity, :now) "
    "ON CONFLICT (location_id, item_id) DO UPDATE "
    "SET qty = stock_level.qty + excluded.qty, updated_at = excluded.updated_at"
).bindparams(_NOW)
# The no-op update of an existing row is what locks it (PostgreSQL); RETURNING reads it.
_LOCK = sa.text(
    "INSERT INTO stock_level (location_id, item_id, qty, updated_at) VALUES (:at, :item, 0, :now) "
    "ON CONFLICT (location_id, item_id) DO UPDATE SET qty = stock_level.qty "
    "RETURNING qty"
).bindparams(_NOW)


def stock_of(location_id: int, item_id: int) -> int:
    """The current balance of an item at a location (0 when it never had any)."""
    return db.session.scalar(_STOCK_OF, {"location_id": location_id, "item_id": item_id}) or 0


def lock_level(location_id: int, item_id: int) -> int:
    """Make sure the balance row exists, lock it (PostgreSQL) and return its quantity.

    For services that read a balance and then act on the difference (stocktake, counted visits).
    On SQLite the IMMEDIATE transaction already excludes other writers.
    """
    return db.session.scalar(_LOCK, {"at": location_id, "item": item_id, "now": utcnow()})


def lock_levels(pairs: Iterable[tuple[int, int]]) -> dict[tuple[int, int], int]:
    """Lock the balance rows of (location_id, item_id) pairs in one fixed order; return their quantities.

    Every service that changes more than one balance calls this first, before any move: when all
    take their row locks sorted by (location_id, item_id), two of them can wait for each other
    but never in a circle, so PostgreSQL never has to abort one as a deadlock (a restock visit
    and a transfer used to lock a location and its storeroom in opposite orders). Missing rows
    are created at 0, as lock_level() does. On SQLite the IMMEDIATE transaction already
    excludes other writers; the statements only read the quantities.
    """
    return {pair: lock_level(*pair) for pair in sorted(set(pairs))}


def _take(location_id: int, item_id: int, quantity: int, field: str) -> None:
    # An UPDATE runs on a cursor; Session.execute is only typed to return a Result.
    taken = cast(
        "sa.CursorResult[Any]",
        db.session.execute(
            _TAKE, {"at": location_id, "item": item_id, "quantity": quantity, "now": utcnow()}
        ),
    )
    if taken.rowcount != 1:
        raise InsufficientStock(
            available=stock_of(location_id, item_id),
            requested=quantity,
            item=item_id,
            location=location_id,
            field=field,
        )


def _put(location_id: int, item_id: int, quantity: int) -> None:
    db.session.execute(_PUT, {"at": location_id, "item": item_id, "quantity": quantity, "now": utcnow()})


@dataclass(frozen=True)
class RecordHeader:
    """A record just written: its id, and what each of its movements copies from it."""

    id: int
    occurred_at: datetime
    recorded_at: datetime
    recorded_by: int | None


_INSERT_RECORD = sa.insert(StockRecord.__table__).returning(StockRecord.__table__.c.id)
_INSERT_MOVEMENT = sa.insert(StockMovement.__table__)
_INSERT_COUNT = sa.insert(StockCount.__table__)


def create_record(
    kind: str,
    *,
    occurred_at: datetime,
    recorded_by: int | None = None,
    location_id: int | None = None,
    note: str | None = "",
    reason: str | None = None,
    reverses_record_id: int | None = None,
    date_field: str = "occurred_at",
) -> RecordHeader:
    """Write the header of a business record; its id is what the movements and details refer to.

    Every stock service writes its record here, so this is where a record dated in a closed
    fiscal year is refused (YearClosed on `date_field`), inside the service's transaction.
    """
    refuse_if_closed(occurred_at, field=date_field)
    recorded_at = utcnow()
    record_id = db.session.execute(
        _INSERT_RECORD,
        {
            "kind": RecordKind(kind).value,
            "occurred_at": occurred_at,
            "recorded_at": recorded_at,
            "recorded_by": recorded_by,
            "location_id": location_id,
            "note": clean_note(note),
            "reason": reason,
            "reverses_record_id": reverses_record_id,
        },
    ).scalar_one()
    return RecordHeader(record_id, occurred_at, recorded_at, recorded_by)


def move(
    record: RecordHeader,
    item_id: int,
    quantity: int,
    *,
    kind: str,
    from_location_id: int | None = None,
    to_location_id: int | None = None,
    note: str | None = "",
    reverses_id: int | None = None,
    field: str = "quantity",
) -> None:
    """Record one movement of a record and change both balances; raise InsufficientStock if short."""
    check_quantity(quantity, field=field)
    if from_location_id is not None:
        _take(from_location_id, item_id, quantity, field)
    if to_location_id is not None:
        _put(to_location_id, item_id, quantity)
    db.session.execute(
        _INSERT_MOVEMENT,
        {
            "record_id": record.id,
            "item_id": item_id,
            "quantity": quantity,
            "from_location_id": from_location_id,
            "to_location_id": to_location_id,
            "kind": MovementKind(kind).value,
            "occurred_at": record.occurred_at,
            "recorded_at": record.recorded_at,
            "recorded_by": record.recorded_by,
            "note": clean_note(note),
            "reverses_id": reverses_id,
        },
    )


def record_outflow(
    record: RecordHeader,
    location_id: int,
    item_id: int,
    quantity: int,
    kind: str,
    *,
    note: str | None = "",
    field: str = "quantity",
) -> None:
    """Record stock leaving the system at a location: consumed there, mailed, handed over, discarded."""
    if kind not in {k.value for k in USER_OUTFLOW_KINDS}:
        raise ValueError(f"not an outflow kind: {kind}")
    move(record, item_id, quantity, kind=kind, from_location_id=location_id, note=note, field=field)


def record_count(
    record: RecordHeader, location_id: int, item_id: int, *, expected: int, counted: int
) -> None:
    """Keep what was counted (and what the ledger expected) as part of a record."""
    db.session.execute(
        _INSERT_COUNT,
        {
            "record_id": record.id,
            "location_id": location_id,
            "item_id": item_id,
            "expected": expected,
            "counted": counted,
        },
    )


def load_result(record_id: int, *, replayed: bool = False) -> RecordResult:
    """Build the result of a record from what is stored (so a replay returns the same thing)."""
    record = db.session.get(StockRecord, record_id)
    if record is None:
        raise UnknownRecord(record_id)
    movements = db.session.scalars(
        sa.select(StockMovement).where(StockMovement.record_id == record_id).order_by(StockMovement.id)
    )
    return RecordResult(
        record_id=record.id,
        kind=record.kind,
        occurred_at=record.occurred_at,
        replayed=replayed,
        movements=tuple(
            MovementInfo(
                m.id, m.kind, m.item_id, m.quantity, m.from_location_id, m.to_location_id, m.reverses_id
            )
            for m in movements
        ),
    )


def run_service(
    action: str, idempotency_key: str | None, payload, work: Callable[[Session], RecordHeader]
) -> RecordResult:
    """Run a record-writing service once per key in one unit of work and return its result."""
    record_id, replayed = idempotency.run(action, idempotency_key, payload, lambda session: work(session).id)
    return load_result(record_id, replayed=replayed)


def ledger_balances() -> dict[tuple[int, int], int]:
    """Every balance as the ledger computes it: sum in minus sum out per (location, item)."""
    m = StockMovement.__table__.c
    inflow = sa.select(m.to_location_id.label("location_id"), m.item_id, m.quantity.label("delta")).where(
        m.to_location_id.is_not(None)
    )
    outflow = sa.select(
        m.from_location_id.label("location_id"), m.item_id, (-m.quantity).label("delta")
    ).where(m.from_location_id.is_not(None))
    both = sa.union_all(inflow, outflow).subquery()
    rows = db.session.execute(
        sa.select(both.c.location_id, both.c.item_id, sa.func.sum(both.c.delta)).group_by(
            both.c.location_id, both.c.item_id
        )
    )
    return {(location_id, item_id): int(total) for location_id, item_id, total in rows}


def verify_balances() -> list[BalanceDifference]:
    """Recompute every balance from the ledger and return where StockLevel disagrees."""
    expected = ledger_balances()
    levels = {
        (row.location_id, row.item_id): row.qty
        for row in db.session.execute(sa.select(StockLevel.location_id, StockLevel.item_id, StockLevel.qty))
    }
    differences = []
    for key in sorted(set(expected) | set(levels)):
        ledger_qty, level_qty = expected.get(key, 0), levels.get(key, 0)
        if ledger_qty != level_qty:
            differences.append(BalanceDifference(key[0], key[1], ledger_qty, level_qty))
    return differences
