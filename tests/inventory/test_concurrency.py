"""Many takers racing for the last units: exactly as many succeed as the stock allows."""

from __future__ import annotations

import multiprocessing
import threading
import uuid

import pytest
import sqlalchemy as sa

from inventory.core import idempotency
from inventory.core.db import db
from inventory.requests import services as requests
from inventory.requests.models import PackRequest, RequestStatus
from inventory.rounds.models import RestockVisit
from inventory.stock import operations
from inventory.stock.errors import InsufficientStock
from inventory.stock.ledger import verify_balances
from inventory.stock.models import RecordKind, StockRecord

pytestmark = pytest.mark.slow  # threads and processes racing: `make test-fast` leaves them out
STOCK = 5
TAKERS = 12


def test_threads_racing_for_the_last_units_never_take_more_than_there_is(
    app, items, storeroom, point, donate, level
):
    donate(STOCK, items.package)
    barrier = threading.Barrier(TAKERS)
    outcomes = []
    # Read the ids here: an expired ORM object would reload through this thread's session.
    room_id, point_id, package_id = storeroom.id, point.id, items.package

    def take():
        with app.app_context():
            from inventory.core.db import db

            try:
                barrier.wait(timeout=30)
                operations.transfer_stock(room_id, point_id, [(package_id, 1)], idempotency_key=None)
                outcomes.append("ok")
            except InsufficientStock:
                outcomes.append("short")
            except Exception as error:  # any other failure fails the test below
                outcomes.append(repr(error))
            finally:
                db.session.remove()

    threads = [threading.Thread(target=take) for _ in range(TAKERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes) == ["ok"] * STOCK + ["short"] * (TAKERS - STOCK)
    assert (level(storeroom, items.package), level(point, items.package)) == (0, STOCK)
    assert verify_balances() == []


def test_processes_racing_for_the_last_units_never_take_more_than_there_is(
    app, database_url, items, storeroom, point, donate, level
):
    """Separate processes: gunicorn workers on one SQLite file, or app servers on PostgreSQL."""
    from tests.inventory.race_worker import take_one

    donate(STOCK, items.package)
    context = multiprocessing.get_context("spawn")
    processes_count = 6
    barrier, results = context.Barrier(processes_count), context.Queue()
    processes = [
        context.Process(
            target=take_one, args=(database_url, storeroom.id, point.id, items.package, barrier, results)
        )
        for _ in range(processes_count)
    ]
    for process in processes:
        process.start()
    outcomes = [results.get(timeout=120) for _ in processes]
    for process in processes:
        process.join(timeout=60)
    # Fewer units than processes: some must lose, none may go negative.
    assert sorted(outcomes) == ["ok"] * STOCK + ["short"] * (processes_count - STOCK)
    assert (level(storeroom, items.package), level(point, items.package)) == (0, STOCK)
    assert verify_balances() == []


# The mixed burst of issue #14: restock visits, transfers and school deliveries all moving
# packages between one storeroom and one location at once. Fewer packages than actions, so some
# transfers and deliveries are refused and some visits record their additions as unrecorded.
KINDS = ("visit", "transfer", "fulfil")
BURST_STOCK = 24
ROUNDS = 5


def _burst_jobs(school_of, point, workers_per_kind):
    """(kind, request id) jobs per worker: each fulfilment gets its own open refill request."""
    school = school_of(point)
    jobs = []
    for kind in KINDS:
        for _ in range(workers_per_kind):
            jobs.append(
                [
                    (
                        kind,
                        requests.create_refill_request(
                            point.id, quantity=1, requested_by=school.id, idempotency_key=uuid.uuid4().hex
                        ).request_id
                        if kind == "fulfil"
                        else None,
                    )
                    for _ in range(ROUNDS)
                ]
            )
    return jobs


def _assert_each_action_recorded_once_or_refused(outcomes, jobs, storeroom, point, item_id, level):
    """No errors; what succeeded is recorded exactly once, what was refused left nothing behind."""
    assert [o for o in outcomes if o[1] not in ("ok", "short")] == []
    assert len(outcomes) == sum(len(j) for j in jobs)
    done = {kind: sum(1 for k, o in outcomes if k == kind and o == "ok") for kind in KINDS}
    # A visit is never refused for a short storeroom: its count is kept, the shortfall noted.
    assert done["visit"] == ROUNDS * len(jobs) // len(KINDS)
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(RestockVisit)) == done["visit"]
    assert (
        db.session.scalar(
            sa.select(sa.func.count()).select_from(StockRecord).where(StockRecord.kind == RecordKind.TRANSFER)
        )
        == done["transfer"]
    )
    statuses = dict(
        db.session.execute(sa.select(PackRequest.status, sa.func.count()).group_by(PackRequest.status))
        .tuples()
        .all()
    )
    assert statuses.get(RequestStatus.FULFILLED, 0) == done["fulfil"]
    added = db.session.scalar(sa.select(sa.func.coalesce(sa.func.sum(RestockVisit.added), 0)))
    assert level(storeroom, item_id) == BURST_STOCK - added - done["transfer"] - done["fulfil"]
    assert verify_balances() == []


def test_visits_transfers_and_deliveries_racing_in_threads_neither_deadlock_nor_lose_a_count(
    app, monkeypatch, packages, items, storeroom, point, school_of, level
):
    # No retry of aborted transactions (tested on its own): the lock order alone must do it.
    monkeypatch.setattr(idempotency, "RETRIES", 0)
    packages(BURST_STOCK)
    jobs = _burst_jobs(school_of, point, workers_per_kind=3)
    barrier = threading.Barrier(len(jobs))
    outcomes: list[tuple[str, str]] = []
    # Read the ids here: an expired ORM object would reload through this thread's session.
    room_id, point_id, package_id = storeroom.id, point.id, items.package

    def work(own_jobs):
        from tests.inventory.race_worker import mixed_action

        with app.app_context():
            try:
                barrier.wait(timeout=30)
                for kind, request_id in own_jobs:
                    outcomes.append((kind, mixed_action(kind, room_id, point_id, package_id, request_id)))
            except Exception as error:  # a broken barrier: fails the test below
                outcomes.append(("worker", repr(error)))
            finally:
                db.session.remove()

    threads = [threading.Thread(target=work, args=(own,)) for own in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    _assert_each_action_recorded_once_or_refused(outcomes, jobs, storeroom, point, items.package, level)


def test_visits_transfers_and_deliveries_racing_in_processes_neither_deadlock_nor_lose_a_count(
    app, database_url, packages, items, storeroom, point, school_of, level
):
    """Separate processes, as app servers on PostgreSQL (or gunicorn workers on one SQLite file)."""
    from tests.inventory.race_worker import run_mixed

    packages(BURST_STOCK)
    jobs = _burst_jobs(school_of, point, workers_per_kind=2)
    context = multiprocessing.get_context("spawn")
    barrier, results = context.Barrier(len(jobs)), context.Queue()
    processes = [
        context.Process(
            target=run_mixed,
            args=(database_url, own, storeroom.id, point.id, items.package, barrier, results),
        )
        for own in jobs
    ]
    for process in processes:
        process.start()
    outcomes = [outcome for _ in processes for outcome in results.get(timeout=180)]
    for process in processes:
        process.join(timeout=60)
    _assert_each_action_recorded_once_or_refused(outcomes, jobs, storeroom, point, items.package, level)
