"""Ledger fixtures for every test folder: default items, locations, stock through the real services."""

from __future__ import annotations

import itertools
import uuid
from datetime import date, timedelta
from types import SimpleNamespace

import pytest
import sqlalchemy as sa

LEDGER_TABLES = (
    "stock_record",
    "stock_movement",
    "stock_level",
    "stock_count",
    "donation",
    "purchase",
    "purchase_line",
    "idempotency_key",
    "location",
    "item",
)


@pytest.fixture
def items(app):
    """The three standard items (pack, leaflet, package), created if the database lacks them."""
    from inventory.stock import catalog

    pack, leaflet, package = catalog.ensure_default_items()
    return SimpleNamespace(pack=pack.id, leaflet=leaflet.id, package=package.id)


@pytest.fixture
def make_location(app):
    """Create locations through the real service: make_location(kind="storeroom", **kwargs)."""
    from inventory.stock import catalog

    counter = itertools.count(1)

    def make(kind="storeroom", name=None, **kwargs):
        return catalog.create_location(
            kind, name or f"{kind} {next(counter)}", idempotency_key=None, **kwargs
        )

    return make


@pytest.fixture
def storeroom(make_location):
    """An active storeroom."""
    return make_location("storeroom", "倉庫")


@pytest.fixture
def point(make_location):
    """An active placement point (a city hall toilet)."""
    return make_location("city_hall", "市役所", spot="2階 女子トイレ", target_level=10)


def fresh_key() -> str:
    """A new one-time key."""
    return uuid.uuid4().hex


@pytest.fixture
def new_key():
    """A fresh idempotency key per call."""
    return fresh_key


@pytest.fixture
def donate(app, items, storeroom):
    """Receive a donation through the real service: donate(quantity, item=pack, location=storeroom)."""
    from inventory.stock import receipts

    def give(quantity, item=None, location=None, on=None, key=None, **kwargs):
        return receipts.receive_donation(
            (location or storeroom).id,
            on or date.today() - timedelta(days=1),
            [(item or items.pack, quantity)],
            donor_kind=kwargs.pop("donor_kind", "individual"),
            idempotency_key=key,
            **kwargs,
        )

    return give


@pytest.fixture
def ledger_counts(app):
    """Count rows of every ledger table (and the sum of balances), to prove nothing was written."""
    from inventory.core.db import db

    def count():
        result = count_rows(LEDGER_TABLES)
        result["sum_qty"] = db.session.scalar(sa.text("SELECT coalesce(sum(qty), 0) FROM stock_level"))
        db.session.rollback()
        return result

    return count


def count_rows(tables) -> dict[str, int]:
    """Rows in each table, read from a fresh snapshot."""
    from inventory.core.db import db

    db.session.rollback()
    result = {table: db.session.scalar(sa.text(f"SELECT count(*) FROM {table}")) for table in tables}
    db.session.rollback()
    return result


@pytest.fixture
def level(app):
    """Read a balance: level(location, item_id)."""
    from inventory.core.db import db
    from inventory.stock.ledger import stock_of

    def read(location, item_id):
        db.session.rollback()
        return stock_of(location.id if hasattr(location, "id") else location, item_id)

    return read


@pytest.fixture
def packages(app, items, storeroom, donate):
    """Put `n` assembled packages in the storeroom through the real services: packages(n)."""
    from inventory.stock import operations

    def make(n):
        donate(n, item=items.pack)
        donate(n, item=items.leaflet)
        operations.assemble_packages(storeroom.id, items.package, n, idempotency_key=None)

    return make
