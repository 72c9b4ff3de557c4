"""Deleting personal data on time: N days (setting retention_days) after a request is closed.

`purge_personal_data` deletes the name and address of every request fulfilled or cancelled
more than N days ago; the request keeps its date, channel, method, quantity and status, so
reports still count it. `run_daily_purge` is what the app calls on its own once a day: a row
in `daily_task` holds the last day it ran, and a conditional update claims the day, so among
many processes exactly one purges. After either, `remove_deleted_bytes` makes the deleted
names and addresses unreadable in the database's files as well (SQLite's WAL, PostgreSQL's
table file), not only in queries.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from inventory.core.clock import local_today, utcnow
from inventory.core.db import db, remove_deleted_bytes, unit_of_work
from inventory.core.models import DailyTask
from inventory.requests.models import (
    CLOSED_STATUSES,
    PackRequest,
    PublicRequestAttempt,
    RequestPersonalData,
)
from inventory.requests.public import PUBLIC_WINDOW
from inventory.rounds.empty_reports import REPORT_WINDOW
from inventory.rounds.models import EmptyReportAttempt
from inventory.settings.organisation import get_settings

PURGE_TASK = "privacy_purge"


@dataclass(frozen=True)
class PurgeResult:
    """How many requests lost their personal data, how many rate-limit rows expired, and
    whether the deleted bytes are gone from the database's files too."""

    requests: int
    attempts: int
    files_scrubbed: bool = False


def _purge(session, now: datetime) -> PurgeResult:
    cutoff = now - timedelta(days=get_settings().retention_days)
    due = list(
        session.scalars(
            sa.select(PackRequest.id)
            .join(RequestPersonalData, RequestPersonalData.request_id == PackRequest.id)
            .where(PackRequest.status.in_(CLOSED_STATUSES), PackRequest.closed_at <= cutoff)
        )
    )
    if due:
        session.execute(
            sa.delete(RequestPersonalData)
            .where(RequestPersonalData.request_id.in_(due))
            .execution_options(synchronize_session=False)
        )
        session.execute(
            sa.update(PackRequest)
            .where(PackRequest.id.in_(due))
            .values(personal_data_purged_at=now)
            .execution_options(synchronize_session=False)
        )
    attempts = session.execute(
        sa.delete(PublicRequestAttempt)
        .where(PublicRequestAttempt.attempted_at <= now - PUBLIC_WINDOW)
        .execution_options(synchronize_session=False)
    ).rowcount
    # The empty-report buttons' address hashes too, should no report have come to clear them.
    attempts = (attempts or 0) + (
        session.execute(
            sa.delete(EmptyReportAttempt)
            .where(EmptyReportAttempt.attempted_at <= now - REPORT_WINDOW)
            .execution_options(synchronize_session=False)
        ).rowcount
        or 0
    )
    return PurgeResult(len(due), attempts)


def purge_personal_data(now: datetime | None = None) -> PurgeResult:
    """Delete the personal data that is due, in one transaction (safe to run any number of times)."""
    with unit_of_work() as session:
        result = _purge(session, now or utcnow())
    return _scrub(result)


def _scrub(result: PurgeResult) -> PurgeResult:
    # Every run, not only when it deleted something: a corrected address leaves its old
    # version behind the same way, and an earlier run may have found SQLite busy.
    return replace(result, files_scrubbed=remove_deleted_bytes(RequestPersonalData.__table__))


def run_daily_purge(now: datetime | None = None) -> PurgeResult | None:
    """Purge once per Japanese calendar day across all processes; None when today's run is done."""
    now = now or utcnow()
    today = local_today(now)
    insert = (postgresql.insert if db.engine.dialect.name == "postgresql" else sqlite.insert)(DailyTask)
    with unit_of_work() as session:
        session.execute(
            insert.values(name=PURGE_TASK, last_run_on=None).on_conflict_do_nothing(index_elements=["name"])
        )
        claimed = session.execute(
            sa.update(DailyTask)
            .where(
                DailyTask.name == PURGE_TASK,
                sa.or_(DailyTask.last_run_on.is_(None), DailyTask.last_run_on < today),
            )
            .values(last_run_on=today)
            .execution_options(synchronize_session=False)
        ).rowcount
        if claimed != 1:
            return None
        result = _purge(session, now)
    return _scrub(result)
