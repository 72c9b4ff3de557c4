"""Who hears about an alert, and on which channels: assignments, switches and LINE links."""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa

from inventory.accounts.models import STAFF_ROLES, User
from inventory.alerts.models import AlertKind, AlertPreference, Channel, LineLink, LocationVolunteer
from inventory.core.db import db


def volunteers_of(location_id: int) -> list[int]:
    """The active users assigned to a location."""
    return list(
        db.session.scalars(
            sa.select(User.id)
            .join(LocationVolunteer, LocationVolunteer.user_id == User.id)
            .where(LocationVolunteer.location_id == location_id, User.active)
            .order_by(User.id)
        )
    )


def staff_ids() -> list[int]:
    """The active staff and admins."""
    return list(
        db.session.scalars(
            sa.select(User.id)
            .where(User.active, User.role.in_([r.value for r in STAFF_ROLES]))
            .order_by(User.id)
        )
    )


def enabled_kinds(user_id: int) -> set[str]:
    """The kinds of alert a user has left on (every kind unless switched off)."""
    off = db.session.scalars(
        sa.select(AlertPreference.kind).where(
            AlertPreference.user_id == user_id, sa.not_(AlertPreference.enabled)
        )
    )
    return {k.value for k in AlertKind} - set(off)


def channels_for(kind: str, user_ids: Iterable[int]) -> list[tuple[int, str]]:
    """(user, channel) pairs to deliver one kind of alert to: switched on and reachable there."""
    ids = sorted(set(user_ids))
    if not ids:
        return []
    off = set(
        db.session.scalars(
            sa.select(AlertPreference.user_id).where(
                AlertPreference.user_id.in_(ids),
                AlertPreference.kind == kind,
                sa.not_(AlertPreference.enabled),
            )
        )
    )
    rows = db.session.execute(
        sa.select(User.id, User.email, LineLink.line_user_id, LineLink.blocked_at)
        .outerjoin(LineLink, LineLink.user_id == User.id)
        .where(User.id.in_(ids), User.active)
        .order_by(User.id)
    )
    pairs = []
    for user_id, email, line_user_id, blocked_at in rows:
        if user_id in off:
            continue
        if email:
            pairs.append((user_id, Channel.EMAIL.value))
        if line_user_id and blocked_at is None:
            pairs.append((user_id, Channel.LINE.value))
    return pairs
