"""The demo seed: a realistic year recorded through the real services, quickly."""

from __future__ import annotations

import time

from inventory import demo
from inventory.stock import catalog
from inventory.stock import queries as stock_queries
from inventory.stock.ledger import verify_balances


def test_the_demo_seed_records_a_year_that_obeys_the_ledger(app):
    started = time.perf_counter()
    summary = demo.seed(admin_password="demo-password-123")
    elapsed = time.perf_counter() - started
    assert "stock records" in summary
    assert verify_balances() == []
    locations = catalog.list_locations()
    assert all(location.name.startswith("【デモ】") for location in locations)
    assert {location.kind for location in locations} >= {
        "storeroom",
        "city_hall",
        "university",
        "elementary_school",
        "junior_high_school",
    }
    assert len(stock_queries.list_donations(limit=200)) >= 24
    assert elapsed < 10  # the target is < 3 s; this only guards against a runaway seed
