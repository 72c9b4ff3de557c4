"""Work run in separate processes by the PostgreSQL race test (importable under spawn)."""

from __future__ import annotations


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
