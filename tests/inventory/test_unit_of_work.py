"""A unit of work: one writing transaction, and the connection its statements run on."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from inventory.db import connection, db, unit_of_work


def test_statements_of_a_unit_of_work_run_on_its_transaction(app):
    with unit_of_work() as session:
        assert connection() is session.connection()
        inside = connection()
    # Committed and let go: later statements run on the session's next transaction.
    assert connection() is not inside
    assert connection() is db.session.connection()


def test_a_failed_unit_of_work_lets_go_of_its_connection(app):
    with pytest.raises(RuntimeError):
        with unit_of_work():
            failed = connection()
            raise RuntimeError("refused")
    assert connection() is not failed
    assert connection() is db.session.connection()


def test_connection_statements_do_not_flush_the_session_first(app):
    """What connection()'s docstring warns of: added ORM objects are unseen until flushed."""
    from inventory.catalog import Location, new_location_code

    count = sa.select(sa.func.count()).select_from(Location).where(Location.name == "未保存の場所")
    with pytest.raises(RuntimeError), unit_of_work() as session:
        session.add(Location(code=new_location_code(), kind="storeroom", name="未保存の場所"))
        assert connection().scalar(count) == 0
        session.flush()
        assert connection().scalar(count) == 1
        raise RuntimeError("roll back")
    assert connection().scalar(count) == 0
