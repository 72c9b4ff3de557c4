"""Alerts that come from time passing: predicted empties, escalations, the weekly round reminder.

`run_schedule` is run by every sender run (the CLI, and the app at most once a minute) before
it sends. Each part is safe to run by two processes at once: an open alert per location is
looked up in the same transaction that would add one, after locking the location's row
(SQLite queues writers anyway), escalations are claimed by a conditional UPDATE, and the
weekly reminder claims its day in `daily_task` as the privacy purge does.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from inventory.alerts import events
from inventory.alerts.models import Alert, AlertRun, LocationVolunteer
from inventory.core.clock import local_today, utcnow
from inventory.core.db import db, unit_of_work
from inventory.core.models import DailyTask
from inventory.rounds.plan import round_plan
from inventory.settings.models import AlertChannelSettings

WEEKLY_TASK = "alerts_weekly_round"
DUE_WITHIN = timedelta(days=7)
SENDER_RUN = "alerts_sender"


@dataclass
class ScheduleResult:
    """What one run of the schedule added."""

    predicted: int = 0
    escalated: int = 0
    reminders: int = 0


def _insert(model):
    return (postgresql.insert if db.engine.dialect.name == "postgresql" else sqlite.insert)(model)


def _settings() -> tuple[int, int]:
    row = db.session.execute(
        sa.select(AlertChannelSettings.predict_days, AlertChannelSettings.reminder_weekday).limit(1)
    ).first()
    return (row.predict_days, row.reminder_weekday) if row else (2, 0)


def predicted_empties(now: datetime) -> int:
    """Alert the volunteers of locations predicted empty within N days with no visit planned."""
    predict_days, _ = _settings()
    horizon = now + timedelta(days=predict_days)
    due = [
        row
        for row in round_plan(now)
        if row.empty_on is not None
        and row.empty_on <= horizon
        and not row.open_requests
        and row.last_visit_at
    ]
    added = 0
    for row in due:
        with unit_of_work():
            if events.location_predicted_empty(row.location_id, row.days_left or 0, now) is not None:
                added += 1
    return added


def escalations(now: datetime) -> int:
    """Tell staff about location alerts nobody acted on in time; close those someone acted on."""
    done = 0
    with unit_of_work() as session:
        waiting = list(
            session.scalars(
                sa.select(Alert)
                .where(
                    Alert.kind.in_(events.LOCATION_KINDS),
                    Alert.closed_at.is_(None),
                    Alert.escalated_at.is_(None),
                    Alert.escalate_at <= now,
                )
                .order_by(Alert.id)
                .with_for_update(skip_locked=True)
            )
        )
        for alert in waiting:
            assert alert.location_id is not None
            if events.visited_since(alert.location_id, alert.created_at):
                alert.closed_at = now
                continue
            claimed = session.execute(
                sa.update(Alert)
                .where(Alert.id == alert.id, Alert.escalated_at.is_(None))
                .values(escalated_at=now)
                .execution_options(synchronize_session=False)
            ).rowcount
            if claimed == 1:
                events.escalate(alert, now)
                done += 1
    return done


def weekly_reminders(now: datetime) -> int:
    """On the set weekday (Japan time), once: remind each volunteer of their locations due this week."""
    _, weekday = _settings()
    today = local_today(now)
    if today.weekday() != weekday:
        return 0
    with unit_of_work() as session:
        session.execute(
            _insert(DailyTask)
            .values(name=WEEKLY_TASK, last_run_on=None)
            .on_conflict_do_nothing(index_elements=["name"])
        )
        claimed = session.execute(
            sa.update(DailyTask)
            .where(
                DailyTask.name == WEEKLY_TASK,
                sa.or_(DailyTask.last_run_on.is_(None), DailyTask.last_run_on < today),
            )
            .values(last_run_on=today)
            .execution_options(synchronize_session=False)
        ).rowcount
        if claimed != 1:
            return 0
        horizon = now + DUE_WITHIN
        due = {
            row.location_id
            for row in round_plan(now)
            if row.overdue or row.open_requests or (row.empty_on is not None and row.empty_on <= horizon)
        }
        by_user: dict[int, list[int]] = {}
        for location_id, user_id in session.execute(
            sa.select(LocationVolunteer.location_id, LocationVolunteer.user_id).order_by(
                LocationVolunteer.location_id
            )
        ):
            if location_id in due:
                by_user.setdefault(user_id, []).append(location_id)
        for user_id, location_ids in sorted(by_user.items()):
            events.weekly_round(user_id, location_ids, now)
        return len(by_user)


def run_schedule(now: datetime | None = None) -> ScheduleResult:
    """Add every alert that time has made due."""
    now = now or utcnow()
    return ScheduleResult(
        predicted=predicted_empties(now), escalated=escalations(now), reminders=weekly_reminders(now)
    )


def claim_sender_run(now: datetime | None = None, every: timedelta = timedelta(minutes=1)) -> bool:
    """Claim the right to start a sender now, at most once per `every` across all processes."""
    now = now or utcnow()
    with unit_of_work() as session:
        session.execute(
            _insert(AlertRun)
            .values(name=SENDER_RUN, last_started_at=None)
            .on_conflict_do_nothing(index_elements=["name"])
        )
        claimed = session.execute(
            sa.update(AlertRun)
            .where(
                AlertRun.name == SENDER_RUN,
                sa.or_(AlertRun.last_started_at.is_(None), AlertRun.last_started_at <= now - every),
            )
            .values(last_started_at=now)
            .execution_options(synchronize_session=False)
        ).rowcount
    return claimed == 1
