"""Statements on the driver's cursor: the same values, errors and transaction as through SQLAlchemy."""
from datetime import datetime

import pytest
import sqlalchemy as sa

from inventory import driver_sql
from inventory.catalog import Item, Location
from inventory.db import connection, db, unit_of_work
from inventory.idempotency import IdempotencyKey
from inventory.ledger import StockLevel, StockRecord

_records = StockRecord.__table__
_INSERT_RECORD = sa.insert(_records).returning(_records.c.id)
_keys = IdempotencyKey.__table__
_INSERT_KEY = sa.insert(_keys)


def _record(occurred_at, **more):
    return {"kind": "donation", "occurred_at": occurred_at, "recorded_at": occurred_at,
            "recorded_by": None, "location_id": None, "note": "", "reason": None,
            "reverses_record_id": None, **more}


@pytest.mark.parametrize("occurred_at", [datetime(2026, 11, 30, 9, 5, 0), datetime(2026, 11, 30, 9, 5, 0, 120)])
def test_datetimes_are_stored_as_sqlalchemy_stores_them(app, occurred_at):
    with unit_of_work():
        by_driver = driver_sql.scalar(_INSERT_RECORD, _record(occurred_at))
        by_sqlalchemy = connection().scalar(_INSERT_RECORD, _record(occurred_at))
    stored = sa.select(_records.c.occurred_at, sa.cast(_records.c.occurred_at, sa.String))
    assert db.session.execute(stored.where(_records.c.id == by_driver)).one() == \
        db.session.execute(stored.where(_records.c.id == by_sqlalchemy)).one()
    assert db.session.get(StockRecord, by_driver).occurred_at == occurred_at
    # Ordered as text on SQLite: a time without microseconds must not sort after one with.
    assert db.session.scalar(sa.select(sa.func.count()).select_from(_records)
                             .where(_records.c.occurred_at < datetime(2026, 11, 30, 9, 5, 1))) == 2


def test_constants_in_a_statement_and_repeated_parameters_are_bound(app, items, storeroom):
    with unit_of_work():
        driver_sql.execute(sa.insert(StockLevel.__table__), {
            "location_id": storeroom.id, "item_id": items.pack, "qty": 5, "updated_at": datetime(2026, 1, 1)})
    level = StockLevel.__table__.c
    # "supply" is a constant of the statement; "q" is used twice.
    both = (sa.select(Item.id).join(StockLevel, StockLevel.item_id == Item.id)
            .where(Item.kind == "supply", level.qty >= sa.bindparam("q"), level.qty - sa.bindparam("q") == 2))
    assert driver_sql.first(both, {"q": 3}) == (items.pack,)
    assert driver_sql.first(both, {"q": 4}) is None


def test_a_database_error_is_sqlalchemys_and_the_unit_of_work_writes_nothing(app):
    row = {"key": "k" * 10, "action": "test", "fingerprint": "f", "result_id": None,
           "created_at": datetime(2026, 1, 1)}
    with pytest.raises(sa.exc.IntegrityError), unit_of_work():
        driver_sql.execute(_INSERT_KEY, row)
        driver_sql.execute(_INSERT_KEY, row)  # the same primary key again
    assert db.session.scalar(sa.select(sa.func.count()).select_from(_keys)) == 0


def test_statements_run_in_the_sessions_transaction(app):
    with unit_of_work():
        record_id = driver_sql.scalar(_INSERT_RECORD, _record(datetime(2026, 1, 1)))
        # The ORM sees the driver's write before the commit: one transaction.
        assert db.session.get(StockRecord, record_id) is not None
    assert driver_sql.execute(sa.delete(_records).where(_records.c.id == record_id), {}) == 1
    db.session.rollback()
    assert db.session.get(StockRecord, record_id) is not None


def test_an_insert_must_name_every_column_with_a_python_default(app):
    incomplete = _record(datetime(2026, 1, 1))
    del incomplete["recorded_at"]  # its default (utcnow) runs in SQLAlchemy's machinery only
    with pytest.raises(ValueError, match="recorded_at"), unit_of_work():
        driver_sql.execute(sa.insert(_records), incomplete)


def test_a_missing_parameter_is_refused_before_the_database(app):
    with pytest.raises(KeyError, match="location_id"):
        driver_sql.first(sa.select(Location.id).where(Location.id == sa.bindparam("location_id")), {})
