"""A unit of work: one writing transaction, and the connection its statements run on."""
from __future__ import annotations

import pytest

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
