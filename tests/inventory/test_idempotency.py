"""One-time keys: the same submission twice, or at once, records once."""

from __future__ import annotations

import threading
from datetime import date, timedelta

import pytest

from inventory.core.errors import IdempotencyConflict, InvalidValue
from inventory.stock import catalog, operations, receipts

YESTERDAY = date.today() - timedelta(days=1)


def _donate(storeroom, items, key, quantity=5):
    return receipts.receive_donation(
        storeroom.id, YESTERDAY, [(items.pack, quantity)], donor_kind="individual", idempotency_key=key
    )


def test_the_same_key_submitted_twice_records_once_and_returns_the_first_result(
    app, items, storeroom, ledger_counts, level
):
    first = _donate(storeroom, items, "form-key-0001")
    before = ledger_counts()
    second = _donate(storeroom, items, "form-key-0001")
    assert second.replayed and not first.replayed
    assert (second.record_id, second.movements) == (first.record_id, first.movements)
    assert ledger_counts() == before
    assert level(storeroom, items.pack) == 5


def test_the_same_key_with_different_content_is_refused(app, items, storeroom, ledger_counts):
    _donate(storeroom, items, "form-key-0002")
    before = ledger_counts()
    with pytest.raises(IdempotencyConflict):
        _donate(storeroom, items, "form-key-0002", quantity=6)
    with pytest.raises(IdempotencyConflict):
        operations.adjust_stock(storeroom.id, items.pack, 1, "found", idempotency_key="form-key-0002")
    assert ledger_counts() == before


def test_a_key_of_a_refused_action_can_be_used_again_once_corrected(app, items, storeroom, level):
    with pytest.raises(InvalidValue):
        receipts.receive_donation(
            storeroom.id, YESTERDAY, [(items.pack, 5)], donor_kind="nobody", idempotency_key="form-key-0003"
        )
    _donate(storeroom, items, "form-key-0003")
    assert level(storeroom, items.pack) == 5


def test_a_replayed_stock_movement_is_not_taken_twice_even_when_stock_has_run_out(
    app, items, storeroom, point, donate, level
):
    donate(3, items.package)
    first = operations.transfer_stock(
        storeroom.id, point.id, [(items.package, 3)], idempotency_key="restock-0001"
    )
    again = operations.transfer_stock(
        storeroom.id, point.id, [(items.package, 3)], idempotency_key="restock-0001"
    )
    assert again.record_id == first.record_id and again.replayed
    assert level(point, items.package) == 3


@pytest.mark.parametrize("key", ["", "short", "x" * 101, 12345678])
def test_a_malformed_key_is_refused(app, items, storeroom, ledger_counts, key):
    before = ledger_counts()
    with pytest.raises(InvalidValue) as refused:
        _donate(storeroom, items, key)
    assert refused.value.field == "idempotency_key"
    assert ledger_counts() == before


def test_creating_a_location_twice_with_one_key_creates_one(app, ledger_counts):
    first = catalog.create_location("university", "大学", idempotency_key="loc-key-0001")
    second = catalog.create_location("university", "大学", idempotency_key="loc-key-0001")
    assert first.id == second.id and first.code == second.code


def test_the_same_key_submitted_concurrently_records_once(app, items, storeroom, level, ledger_counts):
    threads_count = 8
    barrier = threading.Barrier(threads_count)
    results, errors = [], []

    def submit():
        with app.app_context():
            from inventory.core.db import db

            try:
                barrier.wait(timeout=30)
                results.append(_donate(storeroom, items, "double-tap-0001", quantity=7))
            except Exception as error:  # collected and asserted below
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=submit) for _ in range(threads_count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert len({result.record_id for result in results}) == 1
    assert sum(not result.replayed for result in results) == 1
    assert level(storeroom, items.pack) == 7
    assert ledger_counts()["stock_record"] == 1
