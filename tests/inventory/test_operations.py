"""Assembly, transfers, adjustments and stocktakes through the real services."""

from __future__ import annotations

from datetime import timedelta

import pytest

from inventory.core.clock import utcnow
from inventory.core.errors import InvalidDate, InvalidQuantity, InvalidValue
from inventory.stock import catalog, operations
from inventory.stock.errors import (
    DuplicateLine,
    InsufficientStock,
    NoRecipe,
    RetiredLocation,
    WrongLocationKind,
)


def test_assembling_packages_consumes_the_recipe_and_returns_the_assembly_record(
    app, items, storeroom, donate, level, new_key
):
    donate(30, items.pack)
    donate(25, items.leaflet)
    result = operations.assemble_packages(storeroom.id, items.package, 20, idempotency_key=new_key())
    assert result.kind == "assembly" and result.record_id
    assert sorted((m.kind, m.item_id, m.quantity) for m in result.movements) == sorted(
        [
            ("assembly_consume", items.pack, 20),
            ("assembly_consume", items.leaflet, 20),
            ("assembly_produce", items.package, 20),
        ]
    )
    assert (
        level(storeroom, items.pack),
        level(storeroom, items.leaflet),
        level(storeroom, items.package),
    ) == (10, 5, 20)


def test_assembling_more_packages_than_leaflets_allow_is_refused_and_nothing_is_recorded(
    app, items, storeroom, donate, ledger_counts, new_key
):
    donate(30, items.pack)
    donate(4, items.leaflet)
    before = ledger_counts()
    with pytest.raises(InsufficientStock) as refused:
        operations.assemble_packages(storeroom.id, items.package, 5, idempotency_key=new_key())
    assert (refused.value.available, refused.value.requested) == (4, 5)
    assert refused.value.item_id == items.leaflet and refused.value.location_id == storeroom.id
    assert ledger_counts() == before


def test_assembling_an_item_without_a_recipe_or_away_from_a_storeroom_is_refused(
    app, items, storeroom, point, ledger_counts, new_key
):
    before = ledger_counts()
    with pytest.raises(NoRecipe):
        operations.assemble_packages(storeroom.id, items.pack, 1, idempotency_key=new_key())
    with pytest.raises(WrongLocationKind):
        operations.assemble_packages(point.id, items.package, 1, idempotency_key=new_key())
    assert ledger_counts() == before


def test_a_transfer_moves_stock_between_locations(app, items, storeroom, point, donate, level, new_key):
    donate(10, items.package)
    result = operations.transfer_stock(
        storeroom.id, point.id, [(items.package, 6)], idempotency_key=new_key()
    )
    assert [(m.kind, m.from_location_id, m.to_location_id) for m in result.movements] == [
        ("transfer", storeroom.id, point.id)
    ]
    assert (level(storeroom, items.package), level(point, items.package)) == (4, 6)


@pytest.mark.parametrize("case", ["short", "same place", "retired target", "zero", "far future"])
def test_a_refused_transfer_writes_nothing(
    app, items, storeroom, point, donate, ledger_counts, new_key, case
):
    donate(3, items.package)
    target, quantity, when = point.id, 4 if case == "short" else 1, None
    if case == "same place":
        target = storeroom.id
    elif case == "retired target":
        catalog.set_location_active(point.id, False)
    elif case == "zero":
        quantity = 0
    elif case == "far future":
        when = utcnow() + timedelta(days=3)
    expected = {
        "short": InsufficientStock,
        "same place": InvalidValue,
        "retired target": RetiredLocation,
        "zero": InvalidQuantity,
        "far future": InvalidDate,
    }[case]
    before = ledger_counts()
    with pytest.raises(expected):
        operations.transfer_stock(
            storeroom.id, target, [(items.package, quantity)], occurred_at=when, idempotency_key=new_key()
        )
    assert ledger_counts() == before


def test_an_adjustment_adds_or_removes_stock_with_a_reason(app, items, storeroom, donate, level, new_key):
    donate(10)
    operations.adjust_stock(storeroom.id, items.pack, -3, "damaged", idempotency_key=new_key())
    operations.adjust_stock(storeroom.id, items.pack, 1, "found", idempotency_key=new_key())
    assert level(storeroom, items.pack) == 8


@pytest.mark.parametrize(
    "change, reason, error",
    [
        (-11, "lost", InsufficientStock),
        (0, "lost", InvalidQuantity),
        (10**12, "found", InvalidQuantity),
        (2, "stocktake", InvalidValue),
        (2, "whim", InvalidValue),
    ],
)
def test_a_refused_adjustment_writes_nothing(
    app, items, storeroom, donate, ledger_counts, new_key, change, reason, error
):
    donate(10)
    before = ledger_counts()
    with pytest.raises(error):
        operations.adjust_stock(storeroom.id, items.pack, change, reason, idempotency_key=new_key())
    assert ledger_counts() == before


def test_a_stocktake_changes_only_the_counted_items(app, items, storeroom, donate, level, new_key):
    donate(10, items.pack)
    donate(50, items.leaflet)
    donate(7, items.package)
    result = operations.take_stock(storeroom.id, {items.pack: 8, items.package: 9}, idempotency_key=new_key())
    assert sorted(
        (m.item_id, m.quantity, m.from_location_id, m.to_location_id) for m in result.movements
    ) == sorted([(items.pack, 2, storeroom.id, None), (items.package, 2, None, storeroom.id)])
    assert all(m.kind == "adjustment" for m in result.movements)
    assert (
        level(storeroom, items.pack),
        level(storeroom, items.leaflet),
        level(storeroom, items.package),
    ) == (8, 50, 9)


def test_a_stocktake_that_matches_records_the_count_but_no_movement(
    app, items, storeroom, donate, ledger_counts, new_key
):
    donate(10)
    before = ledger_counts()
    result = operations.take_stock(
        storeroom.id, [(items.pack, 10), (items.leaflet, 0)], idempotency_key=new_key()
    )
    assert result.movements == ()
    after = ledger_counts()
    assert after["stock_movement"] == before["stock_movement"]
    assert after["stock_count"] == before["stock_count"] + 2


def test_a_stocktake_with_a_bad_count_writes_nothing(app, items, storeroom, donate, ledger_counts, new_key):
    donate(10)
    before = ledger_counts()
    with pytest.raises(InvalidQuantity):
        operations.take_stock(storeroom.id, {items.pack: -1}, idempotency_key=new_key())
    with pytest.raises(DuplicateLine):
        operations.take_stock(storeroom.id, [(items.pack, 1), (items.pack, 2)], idempotency_key=new_key())
    assert ledger_counts() == before
