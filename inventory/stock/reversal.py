"""Undoing a business record as a whole: one reversing movement per original, naming it."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from inventory.core.checks import check_occurred_at
from inventory.core.db import db
from inventory.stock.errors import InsufficientStock, NotReversible, UnknownRecord
from inventory.stock.ledger import RecordResult, create_record, lock_levels, move, run_service
from inventory.stock.models import MovementKind, RecordKind, StockMovement, StockRecord


def reversal_of(record_id: int) -> StockRecord | None:
    """The record that reversed this one, if any."""
    return db.session.scalar(sa.select(StockRecord).where(StockRecord.reverses_record_id == record_id))


def reverse_record(
    record_id: int,
    *,
    note: str = "",
    occurred_at: datetime | None = None,
    recorded_by: int | None = None,
    idempotency_key: str | None,
) -> RecordResult:
    """Reverse every movement of a record; refuse reversals, twice-reversed and emptied-out stock.

    Reversing a receipt whose stock has since moved on raises InsufficientStock (field None,
    message "stock moved on"): the balance would go negative, so the later records must be
    reversed first.
    """
    when = check_occurred_at(occurred_at)
    payload = dict(record=record_id, note=note, at=occurred_at)

    def work(session):
        original = db.session.get(StockRecord, record_id) if isinstance(record_id, int) else None
        if original is None:
            raise UnknownRecord(record_id)
        if original.kind == RecordKind.REVERSAL:
            raise NotReversible(record_id, "is_reversal")
        if reversal_of(record_id) is not None:
            raise NotReversible(record_id, "already_reversed")
        movements = list(
            session.scalars(
                sa.select(StockMovement)
                .where(StockMovement.record_id == record_id)
                .order_by(StockMovement.id)
            )
        )
        if not movements:
            raise NotReversible(record_id, "nothing_to_reverse")
        # Balance rows locked in the one order every service uses, so a reversal never deadlocks.
        lock_levels(
            (place, movement.item_id)
            for movement in movements
            for place in (movement.from_location_id, movement.to_location_id)
            if place is not None
        )
        try:
            record = create_record(
                RecordKind.REVERSAL,
                occurred_at=when,
                recorded_by=recorded_by,
                location_id=original.location_id,
                note=note,
                reverses_record_id=record_id,
            )
        except IntegrityError:
            # Someone reversed it between our check and our insert (the UNIQUE caught it).
            raise NotReversible(record_id, "already_reversed") from None
        for original_movement in movements:
            try:
                move(
                    record,
                    original_movement.item_id,
                    original_movement.quantity,
                    kind=MovementKind.REVERSAL,
                    from_location_id=original_movement.to_location_id,
                    to_location_id=original_movement.from_location_id,
                    reverses_id=original_movement.id,
                    field=None,
                )
            except InsufficientStock as short:
                raise InsufficientStock(
                    available=short.available,
                    requested=short.requested,
                    item=short.item_id,
                    location=short.location_id,
                    field=None,
                    message="stock moved on",
                ) from None
        return record

    return run_service("reverse_record", idempotency_key, payload, work)
