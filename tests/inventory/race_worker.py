"""Work run in separate processes by the race tests (importable under spawn)."""

from __future__ import annotations

import uuid


def take_one(database_url: str, storeroom_id: int, point_id: int, item_id: int, barrier, results):
    """Create an app on the shared database, wait for the others, then try to move one unit."""
    from inventory.accounts.passwords import use_fast_hashing
    from tests.conftest import make_app

    use_fast_hashing()
    app = make_app(database_url)
    with app.app_context():
        from inventory.core.db import db
        from inventory.stock import operations
        from inventory.stock.errors import InsufficientStock

        barrier.wait(timeout=60)
        try:
            operations.transfer_stock(storeroom_id, point_id, [(item_id, 1)], idempotency_key=None)
            results.put("ok")
        except InsufficientStock:
            results.put("short")
        except Exception as error:  # reported to the parent, which fails the test
            results.put(f"error: {error!r}")
        finally:
            db.session.remove()
            db.engine.dispose()


def mixed_action(kind: str, storeroom_id: int, point_id: int, item_id: int, request_id: int | None) -> str:
    """One action of the mixed burst, in the current app context: "ok", "short" or "error: …".

    A visit counts the point empty and adds one package from the storeroom; a transfer moves one
    package from the storeroom to the point; a fulfilment delivers a school's refill request of
    one package from the storeroom to the point. All three lock the point's and the storeroom's
    balance rows, which is what deadlocked when they took them in different orders.
    """
    from inventory.core.db import db
    from inventory.requests import services as requests
    from inventory.rounds import visits
    from inventory.stock import operations
    from inventory.stock.errors import InsufficientStock

    key = uuid.uuid4().hex
    try:
        if kind == "visit":
            visits.record_visit(point_id, counted=0, added=1, idempotency_key=key)
        elif kind == "transfer":
            operations.transfer_stock(storeroom_id, point_id, [(item_id, 1)], idempotency_key=key)
        elif kind == "fulfil" and request_id is not None:
            requests.fulfil_request(request_id, idempotency_key=key)
        else:
            raise ValueError(kind)
        return "ok"
    except InsufficientStock:
        return "short"
    except Exception as error:  # reported to the parent, which fails the test
        return f"error: {error!r}"
    finally:
        db.session.remove()


def run_mixed(database_url: str, jobs, storeroom_id: int, point_id: int, item_id: int, barrier, results):
    """In a process of its own: wait for the others, run (kind, request id) jobs, report (kind, outcome)s.

    Without the retry of aborted transactions: the lock order alone must keep the workers apart.
    """
    from inventory.accounts.passwords import use_fast_hashing
    from inventory.core import idempotency
    from tests.conftest import make_app

    use_fast_hashing()
    idempotency.RETRIES = 0
    app = make_app(database_url)
    outcomes = []
    with app.app_context():
        from inventory.core.db import db

        try:
            barrier.wait(timeout=60)
            for kind, request_id in jobs:
                outcomes.append((kind, mixed_action(kind, storeroom_id, point_id, item_id, request_id)))
        except Exception as error:  # a broken barrier or start-up: the parent fails the test
            outcomes.append(("worker", f"error: {error!r}"))
        finally:
            results.put(outcomes)
            db.session.remove()
            db.engine.dispose()
