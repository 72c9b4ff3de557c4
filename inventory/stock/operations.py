"""Stock changing inside the organisation: assembly (袋詰め), transfers, adjustments, stocktakes."""

from __future__ import annotations

from datetime import datetime

from inventory.core.checks import MAX_QUANTITY, check_occurred_at, check_quantity
from inventory.core.errors import InvalidQuantity, InvalidValue
from inventory.stock.catalog import recipe_of, require_item, require_location
from inventory.stock.errors import DuplicateLine, NoLines, NoRecipe
from inventory.stock.ledger import (
    RecordResult,
    create_record,
    lock_levels,
    move,
    record_count,
    run_service,
)
from inventory.stock.lines import check_lines
from inventory.stock.models import AdjustmentReason, ItemKind, MovementKind, RecordKind

# Reasons a person may give for an adjustment; `stocktake` is reserved for counted differences.
MANUAL_REASONS = tuple(r.value for r in AdjustmentReason if r != AdjustmentReason.STOCKTAKE)


def assemble_packages(
    storeroom_id: int,
    package_item_id: int,
    quantity: int,
    *,
    occurred_at: datetime | None = None,
    note: str = "",
    recorded_by: int | None = None,
    idempotency_key: str | None,
) -> RecordResult:
    """Turn components into `quantity` packages at a storeroom by the package's recipe.

    The result's record_id is the assembly's: label printing hangs off it.
    """
    check_quantity(quantity)
    when = check_occurred_at(occurred_at)
    payload = dict(storeroom=storeroom_id, item=package_item_id, quantity=quantity, at=occurred_at, note=note)

    def work(_session):
        require_location(storeroom_id, field="storeroom_id", storeroom=True)
        package = require_item(package_item_id)
        recipe = recipe_of(package.id)
        if package.kind != ItemKind.PACKAGE or not recipe:
            raise NoRecipe(package.id)
        # Every balance it changes, locked up front in the one order all stock services use.
        lock_levels([(storeroom_id, package.id), *((storeroom_id, component.id) for component, _ in recipe)])
        record = create_record(
            RecordKind.ASSEMBLY,
            occurred_at=when,
            recorded_by=recorded_by,
            location_id=storeroom_id,
            note=note,
        )
        for component, per_package in recipe:
            move(
                record,
                component.id,
                per_package * quantity,
                kind=MovementKind.ASSEMBLY_CONSUME,
                from_location_id=storeroom_id,
                field="quantity",
            )
        move(record, package.id, quantity, kind=MovementKind.ASSEMBLY_PRODUCE, to_location_id=storeroom_id)
        return record

    return run_service("assemble_packages", idempotency_key, payload, work)


def transfer_stock(
    from_location_id: int,
    to_location_id: int,
    lines,
    *,
    occurred_at: datetime | None = None,
    note: str = "",
    recorded_by: int | None = None,
    idempotency_key: str | None,
) -> RecordResult:
    """Move (item_id, quantity) lines from one location to another."""
    lines = check_lines(lines)
    when = check_occurred_at(occurred_at)
    if from_location_id == to_location_id:
        raise InvalidValue("same location", field="to_location_id")
    payload = dict(source=from_location_id, target=to_location_id, lines=lines, note=note, at=occurred_at)

    def work(_session):
        require_location(from_location_id, field="from_location_id")
        require_location(to_location_id, field="to_location_id")
        for index, line in enumerate(lines):
            require_item(line.item_id, field=f"lines-{index}-item_id")
        # Both ends of every line locked up front, in the one order all stock services use: a
        # restock visit or a delivery between the same places waits here instead of deadlocking.
        lock_levels(
            (location, line.item_id) for line in lines for location in (from_location_id, to_location_id)
        )
        record = create_record(
            RecordKind.TRANSFER,
            occurred_at=when,
            recorded_by=recorded_by,
            location_id=from_location_id,
            note=note,
        )
        for index, line in enumerate(lines):
            move(
                record,
                line.item_id,
                line.quantity,
                kind=MovementKind.TRANSFER,
                from_location_id=from_location_id,
                to_location_id=to_location_id,
                field=f"lines-{index}-quantity",
            )
        return record

    return run_service("transfer_stock", idempotency_key, payload, work)


def adjust_stock(
    location_id: int,
    item_id: int,
    change: int,
    reason: str,
    *,
    occurred_at: datetime | None = None,
    note: str = "",
    recorded_by: int | None = None,
    idempotency_key: str | None,
) -> RecordResult:
    """Add (change > 0) or remove (change < 0) stock at a location for a stated reason."""
    if isinstance(change, bool) or not isinstance(change, int) or change == 0 or abs(change) > MAX_QUANTITY:
        raise InvalidQuantity(change, field="change", minimum=-MAX_QUANTITY, maximum=MAX_QUANTITY)
    if reason not in MANUAL_REASONS:
        raise InvalidValue("unknown reason", field="reason")
    when = check_occurred_at(occurred_at)
    payload = dict(
        location=location_id, item=item_id, change=change, reason=reason, note=note, at=occurred_at
    )

    def work(_session):
        require_location(location_id)
        require_item(item_id)
        record = create_record(
            RecordKind.ADJUSTMENT,
            occurred_at=when,
            recorded_by=recorded_by,
            location_id=location_id,
            note=note,
            reason=reason,
        )
        sides = {"to_location_id": location_id} if change > 0 else {"from_location_id": location_id}
        move(record, item_id, abs(change), kind=MovementKind.ADJUSTMENT, field="change", **sides)
        return record

    return run_service("adjust_stock", idempotency_key, payload, work)


def _check_counts(counts) -> list[tuple[int, int]]:
    pairs = list(counts.items()) if isinstance(counts, dict) else [tuple(c) for c in counts or ()]
    seen = set()
    for index, (item_id, counted) in enumerate(pairs):
        check_quantity(counted, field=f"counts-{index}-counted", minimum=0)
        if item_id in seen:
            raise DuplicateLine(item_id, field=f"counts-{index}-item_id")
        seen.add(item_id)
    if not pairs:
        raise NoLines("counts")
    return pairs


def take_stock(
    location_id: int,
    counts,
    *,
    occurred_at: datetime | None = None,
    note: str = "",
    recorded_by: int | None = None,
    idempotency_key: str | None,
) -> RecordResult:
    """Record a count of some items at a location; each counted difference becomes an adjustment.

    `counts` is {item_id: counted} or (item_id, counted) pairs. Items not counted are left alone,
    and a count equal to the balance records the count but no movement.
    """
    pairs = _check_counts(counts)
    when = check_occurred_at(occurred_at)
    payload = dict(location=location_id, counts=pairs, note=note, at=occurred_at)

    def work(_session):
        require_location(location_id)
        for index, (item_id, _counted) in enumerate(pairs):
            require_item(item_id, field=f"counts-{index}-item_id")
        # Locked (in the one order all stock services use) so that a movement committed
        # meanwhile cannot slip between reading a balance and adjusting it.
        levels = lock_levels((location_id, item_id) for item_id, _counted in pairs)
        record = create_record(
            RecordKind.STOCKTAKE,
            occurred_at=when,
            recorded_by=recorded_by,
            location_id=location_id,
            note=note,
            reason=AdjustmentReason.STOCKTAKE.value,
        )
        for item_id, counted in pairs:
            expected = levels[(location_id, item_id)]
            record_count(record, location_id, item_id, expected=expected, counted=counted)
            if counted > expected:
                move(
                    record,
                    item_id,
                    counted - expected,
                    kind=MovementKind.ADJUSTMENT,
                    to_location_id=location_id,
                )
            elif counted < expected:
                move(
                    record,
                    item_id,
                    expected - counted,
                    kind=MovementKind.ADJUSTMENT,
                    from_location_id=location_id,
                )
        return record

    return run_service("take_stock", idempotency_key, payload, work)
