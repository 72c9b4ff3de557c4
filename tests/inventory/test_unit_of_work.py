"""A unit of work: one writing transaction that commits whole or not at all."""

from __future__ import annotations

import sqlite3

import pytest
import sqlalchemy as sa

from inventory.core.db import db, unit_of_work
from inventory.settings.models import FiscalTarget


def _targets() -> int:
    db.session.rollback()
    return db.session.scalar(sa.select(sa.func.count()).select_from(FiscalTarget))


def test_a_block_that_fails_halfway_writes_nothing(app):
    with pytest.raises(RuntimeError), unit_of_work() as session:
        session.add(FiscalTarget(fiscal_year=2026, metric="packs_placed", target=100))
        session.flush()
        raise RuntimeError("refused after the first write")
    assert _targets() == 0


def test_a_block_that_ends_normally_is_committed(app):
    with unit_of_work() as session:
        session.add(FiscalTarget(fiscal_year=2026, metric="packs_placed", target=100))
    assert _targets() == 1


def test_on_sqlite_a_unit_of_work_holds_the_write_lock_from_its_first_statement(app, database_url):
    if not database_url.startswith("sqlite"):
        pytest.skip("SQLite's BEGIN IMMEDIATE; PostgreSQL locks rows")
    other = sqlite3.connect(database_url.removeprefix("sqlite:///"), timeout=0, isolation_level=None)
    try:
        # Nothing written yet, and still a second writer cannot begin: the lock was taken at BEGIN.
        with unit_of_work(), pytest.raises(sqlite3.OperationalError, match="locked"):
            other.execute("BEGIN IMMEDIATE")
        other.execute("BEGIN IMMEDIATE")  # released at commit
        other.execute("ROLLBACK")
    finally:
        other.close()
