"""Reversing a business record as a whole, and the reversals that are refused."""

from __future__ import annotations

import pytest

from inventory.stock import operations, receipts, reversal
from inventory.stock.errors import InsufficientStock, NotReversible, UnknownRecord
from inventory.stock.ledger import verify_balances


def test_reversing_a_donation_takes_its_stock_back_out_and_names_each_movement(
    app, items, storeroom, donate, level, new_key
):
    donation = donate(12)
    result = reversal.reverse_record(donation.record_id, note="二重入力", idempotency_key=new_key())
    assert result.kind == "reversal"
    assert [(m.kind, m.reverses_id, m.from_location_id, m.to_location_id) for m in result.movements] == [
        ("reversal", donation.movements[0].id, storeroom.id, None)
    ]
    assert level(storeroom, items.pack) == 0
    assert verify_balances() == []


def test_reversing_an_assembly_restores_components_and_removes_packages(
    app, items, storeroom, donate, level, new_key
):
    donate(5, items.pack)
    donate(5, items.leaflet)
    assembly = operations.assemble_packages(storeroom.id, items.package, 5, idempotency_key=new_key())
    reversal.reverse_record(assembly.record_id, idempotency_key=new_key())
    assert (
        level(storeroom, items.pack),
        level(storeroom, items.leaflet),
        level(storeroom, items.package),
    ) == (5, 5, 0)


def test_reversing_a_stocktake_undoes_its_differences(app, items, storeroom, donate, level, new_key):
    donate(10)
    count = operations.take_stock(storeroom.id, {items.pack: 4}, idempotency_key=new_key())
    reversal.reverse_record(count.record_id, idempotency_key=new_key())
    assert level(storeroom, items.pack) == 10


def test_a_reversal_of_a_reversal_is_refused(app, items, donate, ledger_counts, new_key):
    undo = reversal.reverse_record(donate(3).record_id, idempotency_key=new_key())
    before = ledger_counts()
    with pytest.raises(NotReversible) as refused:
        reversal.reverse_record(undo.record_id, idempotency_key=new_key())
    assert refused.value.reason == "is_reversal"
    assert ledger_counts() == before


def test_a_record_cannot_be_reversed_twice(app, items, donate, ledger_counts, new_key):
    donation = donate(3)
    reversal.reverse_record(donation.record_id, idempotency_key=new_key())
    before = ledger_counts()
    with pytest.raises(NotReversible) as refused:
        reversal.reverse_record(donation.record_id, idempotency_key=new_key())
    assert refused.value.reason == "already_reversed"
    assert ledger_counts() == before


def test_a_reversal_racing_past_the_check_is_stopped_by_the_unique_record(
    app, items, donate, ledger_counts, new_key, monkeypatch
):
    # Two staff clicking at once: both pass reversal_of() before either commits. The UNIQUE
    # reverses_record_id stops the second, and the error it raises must be the one caught.
    donation = donate(3)
    reversal.reverse_record(donation.record_id, idempotency_key=new_key())
    before = ledger_counts()
    monkeypatch.setattr(reversal, "reversal_of", lambda record_id: None)
    with pytest.raises(NotReversible) as refused:
        reversal.reverse_record(donation.record_id, idempotency_key=new_key())
    assert refused.value.reason == "already_reversed"
    assert ledger_counts() == before


def test_reversing_a_donation_whose_packs_were_already_placed_is_refused_with_the_reason(
    app, items, storeroom, point, donate, ledger_counts, new_key
):
    donation = donate(10, items.package)
    operations.transfer_stock(storeroom.id, point.id, [(items.package, 8)], idempotency_key=new_key())
    before = ledger_counts()
    with pytest.raises(InsufficientStock) as refused:
        reversal.reverse_record(donation.record_id, idempotency_key=new_key())
    assert str(refused.value) == "stock moved on"
    assert (refused.value.available, refused.value.requested) == (2, 10)
    assert refused.value.location_id == storeroom.id and refused.value.item_id == items.package
    assert ledger_counts() == before


def test_reversing_an_unknown_or_empty_record_is_refused(app, items, storeroom, donate, new_key):
    donate(1)
    with pytest.raises(UnknownRecord):
        reversal.reverse_record(424242, idempotency_key=new_key())
    empty = operations.take_stock(storeroom.id, {items.pack: 1}, idempotency_key=new_key())
    with pytest.raises(NotReversible) as refused:
        reversal.reverse_record(empty.record_id, idempotency_key=new_key())
    assert refused.value.reason == "nothing_to_reverse"


def test_a_purchase_can_be_reversed_while_its_stock_is_still_there(app, items, storeroom, level, new_key):
    from datetime import date

    purchase = receipts.record_purchase(
        storeroom.id,
        date.today(),
        [(items.leaflet, 100, 12)],
        vendor="北見紙工",
        funding="own_funds",
        idempotency_key=new_key(),
    )
    reversal.reverse_record(purchase.record_id, idempotency_key=new_key())
    assert level(storeroom, items.leaflet) == 0
