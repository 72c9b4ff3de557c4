"""Visitors' reports racing each other: one address counts once, one token is used once."""

from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa

from inventory.core.db import db
from inventory.rounds import empty_reports
from inventory.rounds.errors import ReportTokenUsed
from inventory.rounds.models import EmptyReport, EmptyReportAttempt

pytestmark = pytest.mark.slow  # threads racing: `make test-fast` leaves them out
TAPPERS = 8


def race(app, taps) -> list[str]:
    """Run each tap in its own thread and app context, all at once; return what each got."""
    barrier = threading.Barrier(len(taps))
    outcomes: list[str] = []

    def run(tap):
        with app.app_context():
            try:
                barrier.wait(timeout=30)
                outcomes.append("counted" if tap().counted else "not counted")
            except ReportTokenUsed:
                outcomes.append("used")
            except Exception as error:  # any other failure fails the test
                outcomes.append(repr(error))
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(tap,)) for tap in taps]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return sorted(outcomes)


def counts():
    db.session.rollback()
    return tuple(
        db.session.scalar(sa.select(sa.func.count()).select_from(model))
        for model in (EmptyReport, EmptyReportAttempt)
    )


def test_one_address_tapping_from_many_tabs_at_once_counts_once(app, point):
    point_id = point.id  # read here, not in the threads

    def tap(n):
        return lambda: empty_reports.report_location(
            point_id, kind="empty", address_key="d" * 64, token_nonce=f"{n:08x}"
        )

    outcomes = race(app, [tap(n) for n in range(TAPPERS)])
    assert outcomes == ["counted"] + ["not counted"] * (TAPPERS - 1)
    assert counts() == (1, TAPPERS)


def test_one_token_sent_from_many_places_at_once_is_used_once(app, point):
    point_id = point.id  # read here, not in the threads

    def tap(n):
        return lambda: empty_reports.report_location(
            point_id, kind="empty", address_key=f"{n:064x}", token_nonce="feedbeef"
        )

    outcomes = race(app, [tap(n) for n in range(TAPPERS)])
    assert outcomes == ["counted"] + ["used"] * (TAPPERS - 1)
    assert counts() == (1, 1)
