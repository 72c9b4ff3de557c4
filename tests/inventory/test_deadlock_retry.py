"""A transaction PostgreSQL aborts as a deadlock or serialization failure is run again, a few times."""

from __future__ import annotations

import threading
import uuid

import pytest
import sqlalchemy as sa

from inventory.core import idempotency
from inventory.core.clock import utcnow
from inventory.core.db import db, is_retryable
from inventory.core.models import IdempotencyKey
from inventory.stock import operations
from inventory.stock.ledger import create_record, lock_level, verify_balances
from inventory.stock.models import RecordKind, StockRecord


class FakeDriverError(Exception):
    """What psycopg 3 raises, as far as the retry looks at it: an error with a SQLSTATE."""

    def __init__(self, sqlstate):
        super().__init__(f"fake {sqlstate}")
        self.sqlstate = sqlstate


def aborted(sqlstate="40P01") -> sa.exc.OperationalError:
    """The error SQLAlchemy raises when PostgreSQL aborts a transaction with this SQLSTATE."""
    return sa.exc.OperationalError("UPDATE stock_level …", {}, FakeDriverError(sqlstate))


@pytest.fixture(autouse=True)
def no_pause(monkeypatch):
    """The retry's pause is real time; these tests need none of it."""
    monkeypatch.setattr(idempotency, "RETRY_PAUSE", 0)


def failing_work(failures, error_of=aborted):
    """A work callable that writes a record, then fails the first `failures` times; counts its calls."""
    calls = []

    def work(_session):
        calls.append(1)
        record = create_record(RecordKind.ADJUSTMENT, occurred_at=utcnow(), reason="found")
        if len(calls) <= failures:
            raise error_of()
        return record.id

    return work, calls


def records():
    db.session.rollback()
    return db.session.scalar(sa.select(sa.func.count()).select_from(StockRecord))


def test_only_deadlocks_and_serialization_failures_count_as_retryable():
    assert is_retryable(aborted("40P01")) and is_retryable(aborted("40001"))
    assert not is_retryable(aborted("23505"))  # a unique violation is an answer, not bad luck
    assert not is_retryable(sa.exc.OperationalError("BEGIN", {}, Exception("database is locked")))
    assert not is_retryable(FakeDriverError("40P01"))  # only what came through SQLAlchemy


@pytest.mark.parametrize("sqlstate", ["40P01", "40001"])
def test_a_deadlocked_unit_of_work_is_run_again_and_records_once(app, sqlstate):
    work, calls = failing_work(1, lambda: aborted(sqlstate))
    key = uuid.uuid4().hex
    record_id, replayed = idempotency.run("test_action", key, {"n": 1}, work)
    assert (len(calls), replayed) == (2, False)
    assert records() == 1 and db.session.get(StockRecord, record_id) is not None
    assert db.session.get(IdempotencyKey, key).result_id == record_id
    # The key was claimed by the attempt that committed, and answers a resubmission.
    assert idempotency.run("test_action", key, {"n": 1}, work) == (record_id, True)


def test_without_a_key_a_deadlocked_unit_of_work_is_run_again_too(app):
    work, calls = failing_work(2)
    idempotency.run("test_action", None, {}, work)
    assert len(calls) == 3 and records() == 1


def test_after_the_bound_the_deadlock_is_raised_and_nothing_is_written(app):
    work, calls = failing_work(100)
    key = uuid.uuid4().hex
    with pytest.raises(sa.exc.OperationalError) as raised:
        idempotency.run("test_action", key, {"n": 1}, work)
    assert raised.value.orig.sqlstate == "40P01"
    assert len(calls) == 1 + idempotency.RETRIES
    assert records() == 0 and db.session.get(IdempotencyKey, key) is None


def test_other_database_errors_are_not_run_again(app):
    work, calls = failing_work(1, lambda: aborted("23505"))
    with pytest.raises(sa.exc.OperationalError):
        idempotency.run("test_action", uuid.uuid4().hex, {}, work)
    assert len(calls) == 1 and records() == 0


def test_a_transfer_aborted_by_a_deadlock_is_run_again_and_moves_stock_once(
    app, monkeypatch, items, storeroom, point, donate, level
):
    donate(5, items.package)
    real_lock_levels, calls = operations.lock_levels, []

    def deadlocking_once(pairs):
        calls.append(1)
        locked = real_lock_levels(pairs)
        if len(calls) == 1:
            raise aborted()
        return locked

    monkeypatch.setattr(operations, "lock_levels", deadlocking_once)
    result = operations.transfer_stock(
        storeroom.id, point.id, [(items.package, 2)], idempotency_key=uuid.uuid4().hex
    )
    assert len(calls) == 2 and not result.replayed
    assert (level(storeroom, items.package), level(point, items.package)) == (3, 2)
    assert verify_balances() == []


def test_a_real_deadlock_on_postgresql_is_detected_and_both_sides_get_through(
    app, database_url, items, storeroom, point
):
    """Two units of work locking two balance rows in opposite orders: PostgreSQL aborts one."""
    if not database_url.startswith("postgresql"):
        pytest.skip("SQLite's BEGIN IMMEDIATE lets one writer in at a time: it cannot deadlock")
    barrier = threading.Barrier(2)
    attempts: list[str] = []
    outcomes: list[object] = []

    def opposite(name, first, second):
        def work(_session):
            attempts.append(name)
            lock_level(first.id, items.package)
            if attempts.count(name) == 1:
                barrier.wait(timeout=30)  # both hold their first row: the second lock closes the circle
            lock_level(second.id, items.package)
            return first.id

        with app.app_context():
            try:
                outcomes.append(idempotency.run("lock_both", uuid.uuid4().hex, {"by": name}, work))
            except Exception as error:
                outcomes.append(error)
            finally:
                db.session.remove()

    threads = [
        threading.Thread(target=opposite, args=("a", storeroom, point)),
        threading.Thread(target=opposite, args=("b", point, storeroom)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes, key=str) == sorted([(storeroom.id, False), (point.id, False)], key=str)
    assert len(attempts) == 3  # one side was aborted as a deadlock and ran again
