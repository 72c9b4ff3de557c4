"""What the admin's alert page shows: deliveries that failed, are retrying or were interrupted."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from inventory.accounts.models import User
from inventory.alerts.models import Alert, AlertDelivery, DeliveryStatus
from inventory.alerts.outbox import INTERRUPTED_AFTER
from inventory.core.clock import utcnow
from inventory.core.db import db


@dataclass(frozen=True)
class ProblemRow:
    """One delivery the admin should know about (who, which channel, why; no message text)."""

    id: int
    kind: str
    channel: str
    user_name: str
    status: str
    attempts: int
    last_error: str
    created_at: datetime
    next_attempt_at: datetime
    interrupted: bool


def counts_by_status() -> dict[tuple[str, str], int]:
    """How many deliveries per (channel, status)."""
    rows = db.session.execute(
        sa.select(AlertDelivery.channel, AlertDelivery.status, sa.func.count()).group_by(
            AlertDelivery.channel, AlertDelivery.status
        )
    )
    return {(channel, status): n for channel, status, n in rows}


def problems(limit: int = 200, now: datetime | None = None) -> list[ProblemRow]:
    """Failed and retrying deliveries, and sends interrupted mid-way, newest first."""
    now = now or utcnow()
    stale = sa.and_(
        AlertDelivery.status == DeliveryStatus.SENDING.value,
        AlertDelivery.claimed_at <= now - INTERRUPTED_AFTER,
    )
    rows = db.session.execute(
        sa.select(AlertDelivery, Alert.kind, Alert.created_at, User.display_name, User.username)
        .join(Alert, Alert.id == AlertDelivery.alert_id)
        .join(User, User.id == AlertDelivery.user_id)
        .where(
            sa.or_(
                AlertDelivery.status.in_([DeliveryStatus.FAILED.value, DeliveryStatus.RETRYING.value]), stale
            )
        )
        .order_by(AlertDelivery.id.desc())
        .limit(limit)
    )
    return [
        ProblemRow(
            id=d.id,
            kind=kind,
            channel=d.channel,
            user_name=display or username,
            status=d.status,
            attempts=d.attempts,
            last_error=d.last_error,
            created_at=created_at,
            next_attempt_at=d.next_attempt_at,
            interrupted=d.status == DeliveryStatus.SENDING.value,
        )
        for d, kind, created_at, display, username in rows
    ]
