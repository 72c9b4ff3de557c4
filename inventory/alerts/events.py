"""Events that raise alerts. Each only adds outbox rows inside the caller's transaction.

None of these commits: the caller's unit of work writes the event and its alerts together, so
a refused action enqueues nothing and an accepted one cannot lose its alert. Messages are
built when they are sent, from the alert's kind and location: never a name, an address or
what a woman asked for.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

import sqlalchemy as sa

from inventory.alerts import recipients
from inventory.alerts.models import Alert, AlertDelivery, AlertKind
from inventory.core.clock import utcnow
from inventory.core.db import db
from inventory.core.errors import InvalidValue
from inventory.rounds.models import RestockVisit
from inventory.settings.models import AlertChannelSettings
from inventory.stock.models import Location

REPORT_KINDS = ("empty", "low")
LOCATION_KINDS = (AlertKind.LOCATION_EMPTY.value, AlertKind.PREDICTED_EMPTY.value)
DEFAULT_ESCALATE_AFTER = timedelta(minutes=180)


def escalate_after() -> timedelta:
    """How long the assigned volunteers have before staff hear about a location."""
    minutes = db.session.scalar(sa.select(AlertChannelSettings.escalate_after_minutes).limit(1))
    return timedelta(minutes=minutes) if minutes else DEFAULT_ESCALATE_AFTER


def enqueue(alert: Alert, user_ids: Iterable[int]) -> int:
    """Add the alert and one outbox row per (recipient, channel) it should reach; return how many."""
    session = db.session
    session.add(alert)
    session.flush()
    pairs = recipients.channels_for(alert.kind, user_ids)
    for user_id, channel in pairs:
        session.add(
            AlertDelivery(
                alert_id=alert.id, user_id=user_id, channel=channel, next_attempt_at=alert.created_at
            )
        )
    session.flush()
    return len(pairs)


def visited_since(location_id: int, since: datetime) -> bool:
    """Whether someone recorded a visit at the location after this time (someone acted)."""
    return (
        db.session.scalar(
            sa.select(RestockVisit.id)
            .where(RestockVisit.location_id == location_id, RestockVisit.visited_at >= since)
            .limit(1)
        )
        is not None
    )


def open_location_alert(location_id: int, now: datetime) -> Alert | None:
    """The location's alert still waiting for someone to act; one acted on is closed here."""
    alert = db.session.scalar(
        sa.select(Alert)
        .where(Alert.location_id == location_id, Alert.kind.in_(LOCATION_KINDS), Alert.closed_at.is_(None))
        .order_by(Alert.id.desc())
        .limit(1)
    )
    if alert is not None and visited_since(location_id, alert.created_at):
        alert.closed_at = now
        return None
    return alert


def _location_alert(kind: AlertKind, location_id: int, detail: str, now: datetime) -> int | None:
    # Two reports (or a report and the schedule) deciding "no open alert yet" for one location
    # wait for each other here on PostgreSQL; SQLite's writers queue anyway.
    # FOR NO KEY UPDATE: it does not wait for rows that merely reference the location (a visit).
    db.session.execute(
        sa.select(Location.id).where(Location.id == location_id).with_for_update(key_share=True)
    )
    if open_location_alert(location_id, now) is not None:
        return None  # one open alert per location: repeated reports do not flood anyone
    volunteers = recipients.volunteers_of(location_id)
    # With nobody assigned, staff are the ones who must act: escalate at once.
    escalate_at = now + escalate_after() if volunteers else now
    alert = Alert(
        kind=kind.value, location_id=location_id, detail=detail, created_at=now, escalate_at=escalate_at
    )
    enqueue(alert, volunteers)
    return alert.id


def location_reported_empty(location_id: int, kind: str, reported_at: datetime) -> int | None:
    """A visitor reported the location empty ("empty") or nearly so ("low"): tell its volunteers.

    Only adds rows in the caller's transaction. Returns the alert's id, or None when the
    location already has an open alert (the report is passed on once).
    """
    if kind not in REPORT_KINDS:
        raise InvalidValue("report kind", field="kind")
    return _location_alert(AlertKind.LOCATION_EMPTY, location_id, kind, reported_at)


def location_predicted_empty(location_id: int, days_left: float, now: datetime) -> int | None:
    """The location will run out within the set number of days and no visit is planned."""
    return _location_alert(AlertKind.PREDICTED_EMPTY, location_id, str(max(int(days_left), 0)), now)


def request_received(now: datetime | None = None) -> int:
    """A request came in (public form or a school): tell staff that there is one, nothing more."""
    alert = Alert(kind=AlertKind.NEW_REQUEST.value, created_at=now or utcnow())
    enqueue(alert, recipients.staff_ids())
    return alert.id


def escalate(alert: Alert, now: datetime) -> int:
    """Tell staff that nobody acted on a location's alert in time."""
    alert.escalated_at = now
    escalation = Alert(
        kind=AlertKind.ESCALATION.value, location_id=alert.location_id, detail=alert.kind, created_at=now
    )
    enqueue(escalation, recipients.staff_ids())
    return escalation.id


def weekly_round(user_id: int, location_ids: list[int], now: datetime) -> int:
    """Remind one volunteer of the locations due this week."""
    alert = Alert(
        kind=AlertKind.WEEKLY_ROUND.value, detail=",".join(str(i) for i in location_ids), created_at=now
    )
    enqueue(alert, [user_id])
    return alert.id
