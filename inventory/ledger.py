"""The stock ledger: business records, append-only movements, balances kept beside them.

The primitives here (create_record, move, record_outflow, record_count) only add and flush:
they run inside the unit of work of the service that calls them, so a refusal anywhere rolls
the whole business record back.
"""
from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Mapped, Session, mapped_column

from . import idempotency
from .db import db, in_check, utcnow
from .stock_errors import InsufficientStock, UnknownRecord
from .stock_input import check_quantity, clean_note


class RecordKind(enum.StrEnum):
    """The business action a record stands for."""

    DONATION = "donation"
    PURCHASE = "purchase"
    ASSEMBLY = "assembly"
    TRANSFER = "transfer"
    ADJUSTMENT = "adjustment"
    STOCKTAKE = "stocktake"
    REVERSAL = "reversal"
    # For the restock rounds and requests that compose the primitives below.
    RESTOCK_VISIT = "restock_visit"
    REQUEST = "request"


class MovementKind(enum.StrEnum):
    """What one movement did; the kind fixes which sides (from/to) it has."""

    RECEIPT_DONATION = "receipt_donation"
    RECEIPT_PURCHASE = "receipt_purchase"
    ASSEMBLY_CONSUME = "assembly_consume"
    ASSEMBLY_PRODUCE = "assembly_produce"
    TRANSFER = "transfer"
    ADJUSTMENT = "adjustment"
    CONSUMPTION = "consumption"
    MAILED = "mailed"
    HANDED_OVER = "handed_over"
    DISCARDED = "discarded"
    REVERSAL = "reversal"


class AdjustmentReason(enum.StrEnum):
    """Why an adjustment was made; stocktakes record `stocktake`."""

    DAMAGED = "damaged"
    LOST = "lost"
    FOUND = "found"
    EXPIRED = "expired"
    CORRECTION = "correction"
    STOCKTAKE = "stocktake"


INFLOW_KINDS = (MovementKind.RECEIPT_DONATION, MovementKind.RECEIPT_PURCHASE,
                MovementKind.ASSEMBLY_PRODUCE)
OUTFLOW_KINDS = (MovementKind.ASSEMBLY_CONSUME, MovementKind.CONSUMPTION, MovementKind.MAILED,
                 MovementKind.HANDED_OVER, MovementKind.DISCARDED)
# The outflows other modules (restock visits, requests) record with record_outflow().
USER_OUTFLOW_KINDS = (MovementKind.CONSUMPTION, MovementKind.MAILED, MovementKind.HANDED_OVER,
                      MovementKind.DISCARDED)


class StockRecord(db.Model):
    """The header of one business action; its movements stand or fall (and are reversed) together."""

    __tablename__ = "stock_record"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(20))
    # Where the action happened (the storeroom of a receipt, the source of a transfer), for lists.
    location_id: Mapped[int | None] = mapped_column(sa.ForeignKey("location.id"))
    occurred_at: Mapped[datetime]
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)
    recorded_by: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    reason: Mapped[str | None] = mapped_column(sa.String(20))
    note: Mapped[str] = mapped_column(sa.String(500), default="")
    # UNIQUE: a record is reversed at most once, even by two staff clicking at the same moment.
    reverses_record_id: Mapped[int | None] = mapped_column(sa.ForeignKey("stock_record.id"),
                                                           unique=True)

    __table_args__ = (
        sa.CheckConstraint(in_check("kind", RecordKind), name="kind_known"),
        sa.CheckConstraint("reason IS NULL OR " + in_check("reason", AdjustmentReason), name="reason_known"),
        sa.CheckConstraint("(kind = 'reversal') = (reverses_record_id IS NOT NULL)",
                           name="reversal_names_record"),
        sa.Index("ix_stock_record_kind_occurred_at", "kind", "occurred_at"),
    )


class StockMovement(db.Model):
    """One quantity of one item moving between locations (None = outside). Never updated or deleted."""

    __tablename__ = "stock_movement"

    id: Mapped[int] = mapped_column(primary_key=True)
    record_id: Mapped[int] = mapped_column(sa.ForeignKey("stock_record.id"), index=True)
    item_id: Mapped[int] = mapped_column(sa.ForeignKey("item.id"))
    quantity: Mapped[int]
    from_location_id: Mapped[int | None] = mapped_column(sa.ForeignKey("location.id"))
    to_location_id: Mapped[int | None] = mapped_column(sa.ForeignKey("location.id"))
    kind: Mapped[str] = mapped_column(sa.String(20))
    occurred_at: Mapped[datetime]
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)
    recorded_by: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    note: Mapped[str] = mapped_column(sa.String(500), default="")
    # UNIQUE: a movement can be reversed only once.
    reverses_id: Mapped[int | None] = mapped_column(sa.ForeignKey("stock_movement.id"), unique=True)

    __table_args__ = (
        sa.CheckConstraint("quantity > 0", name="quantity_positive"),
        sa.CheckConstraint(in_check("kind", MovementKind), name="kind_known"),
        sa.CheckConstraint("from_location_id IS NOT NULL OR to_location_id IS NOT NULL",
                           name="has_a_side"),
        sa.CheckConstraint("from_location_id IS NULL OR to_location_id IS NULL "
                           "OR from_location_id <> to_location_id", name="sides_differ"),
        sa.CheckConstraint(
            f"({in_check('kind', INFLOW_KINDS)} AND from_location_id IS NULL) "
            f"OR ({in_check('kind', OUTFLOW_KINDS)} AND to_location_id IS NULL) "
            "OR (kind = 'transfer' AND from_location_id IS NOT NULL AND to_location_id IS NOT NULL) "
            "OR kind IN ('adjustment', 'reversal')", name="sides_match_kind"),
        sa.CheckConstraint("(kind = 'reversal') = (reverses_id IS NOT NULL)",
                           name="reversal_names_movement"),
        # The history page reads one location's movements newest first, each side along its
        # own index, with or without a kind (see stock_queries.movement_history).
        sa.Index("ix_stock_movement_from_at", "from_location_id", "occurred_at", "id"),
        sa.Index("ix_stock_movement_to_at", "to_location_id", "occurred_at", "id"),
        sa.Index("ix_stock_movement_from_kind_at", "from_location_id", "kind", "occurred_at", "id"),
        sa.Index("ix_stock_movement_to_kind_at", "to_location_id", "kind", "occurred_at", "id"),
        sa.Index("ix_stock_movement_item_at", "item_id", "occurred_at", "id"),
        sa.Index("ix_stock_movement_occurred_at", "occurred_at", "id"),
    )


class StockLevel(db.Model):
    """The balance of one item at one location, changed in the same transaction as its movements."""

    __tablename__ = "stock_level"

    location_id: Mapped[int] = mapped_column(sa.ForeignKey("location.id"), primary_key=True)
    item_id: Mapped[int] = mapped_column(sa.ForeignKey("item.id"), primary_key=True)
    qty: Mapped[int] = mapped_column(default=0)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    # The backstop behind the conditional updates: no code path can make a balance negative.
    __table_args__ = (sa.CheckConstraint("qty >= 0", name="qty_not_negative"),)


class StockCount(db.Model):
    """What was counted of an item at a location during a stocktake (or a restock visit)."""

    __tablename__ = "stock_count"

    id: Mapped[int] = mapped_column(primary_key=True)
    record_id: Mapped[int] = mapped_column(sa.ForeignKey("stock_record.id"))
    location_id: Mapped[int] = mapped_column(sa.ForeignKey("location.id"))
    item_id: Mapped[int] = mapped_column(sa.ForeignKey("item.id"))
    expected: Mapped[int]
    counted: Mapped[int]

    __table_args__ = (
        sa.UniqueConstraint("record_id", "item_id", name="uq_stock_count_record_item"),
        sa.CheckConstraint("expected >= 0 AND counted >= 0", name="not_negative"),
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


# ---- balances ----------------------------------------------------------------------------

def _insert(session: Session):
    return (postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert)


# Built once: balances are read on every restock form and suggestion.
_STOCK_OF = sa.select(StockLevel.qty).where(StockLevel.location_id == sa.bindparam("location_id"),
                                            StockLevel.item_id == sa.bindparam("item_id"))


def stock_of(location_id: int, item_id: int) -> int:
    """The current balance of an item at a location (0 when it never had any)."""
    return db.session.scalar(_STOCK_OF, {"location_id": location_id, "item_id": item_id}) or 0


def lock_level(location_id: int, item_id: int) -> int:
    """Make sure the balance row exists, lock it (PostgreSQL) and return its quantity.

    For services that read a balance and then act on the difference (stocktake, counted visits).
    On SQLite the IMMEDIATE transaction already excludes other writers.
    """
    session = db.session
    session.execute(_insert(session)(StockLevel).values(
        location_id=location_id, item_id=item_id, qty=0, updated_at=utcnow())
        .on_conflict_do_nothing(index_elements=["location_id", "item_id"]))
    return session.scalar(sa.select(StockLevel.qty).where(
        StockLevel.location_id == location_id, StockLevel.item_id == item_id).with_for_update())


def _take(location_id: int, item_id: int, quantity: int, field: str) -> None:
    # The WHERE makes the check and the change one statement: two takers can never both pass.
    result = db.session.execute(
        sa.update(StockLevel)
        .where(StockLevel.location_id == location_id, StockLevel.item_id == item_id,
               StockLevel.qty >= quantity)
        .values(qty=StockLevel.qty - quantity, updated_at=utcnow())
        .execution_options(synchronize_session=False))
    if result.rowcount != 1:
        raise InsufficientStock(available=stock_of(location_id, item_id), requested=quantity,
                                item=item_id, location=location_id, field=field)


def _put(location_id: int, item_id: int, quantity: int) -> None:
    session = db.session
    insert = _insert(session)(StockLevel).values(location_id=location_id, item_id=item_id,
                                                  qty=quantity, updated_at=utcnow())
    session.execute(insert.on_conflict_do_update(
        index_elements=["location_id", "item_id"],
        set_={"qty": StockLevel.qty + insert.excluded.qty, "updated_at": insert.excluded.updated_at}))


# ---- primitives (inside the caller's unit of work) ---------------------------------------

def create_record(kind: str, *, occurred_at: datetime, recorded_by: int | None = None,
                  location_id: int | None = None, note: str | None = "", reason: str | None = None,
                  reverses_record_id: int | None = None) -> StockRecord:
    """Add the header of a business record and flush it (for its id)."""
    record = StockRecord(kind=RecordKind(kind).value, occurred_at=occurred_at,
                         recorded_by=recorded_by, location_id=location_id, note=clean_note(note),
                         reason=reason, reverses_record_id=reverses_record_id)
    db.session.add(record)
    db.session.flush()
    return record


def move(record: StockRecord, item_id: int, quantity: int, *, kind: str,
         from_location_id: int | None = None, to_location_id: int | None = None,
         note: str | None = "", reverses_id: int | None = None,
         field: str = "quantity") -> StockMovement:
    """Record one movement of a record and change both balances; raise InsufficientStock if short."""
    check_quantity(quantity, field=field)
    if from_location_id is not None:
        _take(from_location_id, item_id, quantity, field)
    if to_location_id is not None:
        _put(to_location_id, item_id, quantity)
    movement = StockMovement(record_id=record.id, item_id=item_id, quantity=quantity,
                             from_location_id=from_location_id, to_location_id=to_location_id,
                             kind=MovementKind(kind).value, occurred_at=record.occurred_at,
                             recorded_at=record.recorded_at, recorded_by=record.recorded_by,
                             note=clean_note(note), reverses_id=reverses_id)
    db.session.add(movement)
    db.session.flush()
    return movement


def record_outflow(record: StockRecord, location_id: int, item_id: int, quantity: int, kind: str,
                   *, note: str | None = "", field: str = "quantity") -> StockMovement:
    """Record stock leaving the system at a location: consumed there, mailed, handed over, discarded."""
    if kind not in {k.value for k in USER_OUTFLOW_KINDS}:
        raise ValueError(f"not an outflow kind: {kind}")
    return move(record, item_id, quantity, kind=kind, from_location_id=location_id, note=note,
                field=field)


def record_count(record: StockRecord, location_id: int, item_id: int, *, expected: int,
                 counted: int) -> StockCount:
    """Keep what was counted (and what the ledger expected) as part of a record."""
    count = StockCount(record_id=record.id, location_id=location_id, item_id=item_id,
                       expected=expected, counted=counted)
    db.session.add(count)
    db.session.flush()
    return count


# ---- results -----------------------------------------------------------------------------

def load_result(record_id: int, *, replayed: bool = False) -> RecordResult:
    """Build the result of a record from what is stored (so a replay returns the same thing)."""
    record = db.session.get(StockRecord, record_id)
    if record is None:
        raise UnknownRecord(record_id)
    movements = db.session.scalars(sa.select(StockMovement).where(
        StockMovement.record_id == record_id).order_by(StockMovement.id))
    return RecordResult(
        record_id=record.id, kind=record.kind, occurred_at=record.occurred_at, replayed=replayed,
        movements=tuple(MovementInfo(m.id, m.kind, m.item_id, m.quantity, m.from_location_id,
                                     m.to_location_id, m.reverses_id) for m in movements))


def run_service(action: str, idempotency_key: str | None, payload,
                work: Callable[[Session], StockRecord]) -> RecordResult:
    """Run a record-writing service once per key in one unit of work and return its result."""
    record_id, replayed = idempotency.run(action, idempotency_key, payload,
                                          lambda session: work(session).id)
    return load_result(record_id, replayed=replayed)


# ---- verification ------------------------------------------------------------------------

def ledger_balances() -> dict[tuple[int, int], int]:
    """Every balance as the ledger computes it: sum in minus sum out per (location, item)."""
    m = StockMovement.__table__.c
    inflow = sa.select(m.to_location_id.label("location_id"), m.item_id,
                       m.quantity.label("delta")).where(m.to_location_id.is_not(None))
    outflow = sa.select(m.from_location_id.label("location_id"), m.item_id,
                        (-m.quantity).label("delta")).where(m.from_location_id.is_not(None))
    both = sa.union_all(inflow, outflow).subquery()
    rows = db.session.execute(sa.select(both.c.location_id, both.c.item_id, sa.func.sum(both.c.delta))
                              .group_by(both.c.location_id, both.c.item_id))
    return {(location_id, item_id): int(total) for location_id, item_id, total in rows}


def verify_balances() -> list[BalanceDifference]:
    """Recompute every balance from the ledger and return where StockLevel disagrees."""
    expected = ledger_balances()
    levels = {(row.location_id, row.item_id): row.qty
              for row in db.session.execute(sa.select(StockLevel.location_id, StockLevel.item_id,
                                                      StockLevel.qty))}
    differences = []
    for key in sorted(set(expected) | set(levels)):
        ledger_qty, level_qty = expected.get(key, 0), levels.get(key, 0)
        if ledger_qty != level_qty:
            differences.append(BalanceDifference(key[0], key[1], ledger_qty, level_qty))
    return differences
