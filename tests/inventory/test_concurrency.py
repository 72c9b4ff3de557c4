"""Many takers racing for the last units: exactly as many succeed as the stock allows."""

from __future__ import annotations

import multiprocessing
import threading

import pytest

from inventory.stock import operations
from inventory.stock.errors import InsufficientStock
from inventory.stock.ledger import verify_balances

pytestmark = pytest.mark.slow  # threads and processes racing: `make test-fast` leaves them out
STOCK = 5
TAKERS = 12


def test_threads_racing_for_the_last_units_never_take_more_than_there_is(
    app, items, storeroom, point, donate, level
):
    donate(STOCK, items.package)
    barrier = threading.Barrier(TAKERS)
    outcomes = []

    def take():
        with app.app_context():
            from inventory.core.db import db

            try:
                barrier.wait(timeout=30)
                operations.transfer_stock(storeroom.id, point.id, [(items.package, 1)], idempotency_key=None)
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
