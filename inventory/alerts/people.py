"""People's side of alerts: volunteers assigned to locations, switches, and linking LINE.

Linking LINE: the account page asks for a one-time code (only its hash is kept, for
CODE_LIFETIME); the user sends it to the bot; the webhook (its signature checked by the view)
calls `link_line` with the LINE userId it came from. The code then stops working.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa

from inventory.accounts.models import Role, User
from inventory.alerts.models import AlertKind, AlertPreference, LineLink, LocationVolunteer
from inventory.core.checks import is_row_id
from inventory.core.clock import utcnow
from inventory.core.db import db, unit_of_work
from inventory.core.errors import InvalidValue, NotFound
from inventory.stock.models import Location, LocationKind

CODE_LIFETIME = timedelta(minutes=30)
CODE_ALPHABET = "ACDEFGHJKLMNPQRTUVWXY34679"  # no look-alikes (0/O, 1/I, 5/S, 8/B, 2/Z)
CODE_LENGTH = 8


def _hash(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


# --- volunteers assigned to locations -------------------------------------------------------


def assigned_volunteers(location_id: int) -> list[User]:
    """The users assigned to a location, by name."""
    return list(
        db.session.scalars(
            sa.select(User)
            .join(LocationVolunteer, LocationVolunteer.user_id == User.id)
            .where(LocationVolunteer.location_id == location_id)
            .order_by(User.display_name, User.username)
        )
    )


def assignable_volunteers() -> list[User]:
    """Active volunteers (and staff, who also walk rounds) who can be assigned."""
    return list(
        db.session.scalars(
            sa.select(User)
            .where(User.active, User.role.in_([Role.VOLUNTEER.value, Role.STAFF.value, Role.ADMIN.value]))
            .order_by(User.role.desc(), User.display_name, User.username)
        )
    )


def set_volunteers(location_id, user_ids) -> None:
    """Replace who looks after a placement point (ids that are not assignable users are refused)."""
    if not is_row_id(location_id):
        raise NotFound("location", field="location_id")
    wanted = set()
    for value in user_ids:
        if not is_row_id(value):
            raise InvalidValue("user", field="volunteers")
        wanted.add(int(value))
    allowed = {u.id for u in assignable_volunteers()}
    if wanted - allowed:
        raise InvalidValue("user", field="volunteers")
    with unit_of_work() as session:
        location = session.get(Location, int(location_id))
        if location is None or location.kind == LocationKind.STOREROOM.value:
            raise NotFound("location", field="location_id")
        current = set(
            session.scalars(
                sa.select(LocationVolunteer.user_id).where(LocationVolunteer.location_id == location.id)
            )
        )
        if current - wanted:
            session.execute(
                sa.delete(LocationVolunteer).where(
                    LocationVolunteer.location_id == location.id,
                    LocationVolunteer.user_id.in_(current - wanted),
                )
            )
        for user_id in sorted(wanted - current):
            session.add(LocationVolunteer(location_id=location.id, user_id=user_id))


def my_locations(user_id: int) -> list[Location]:
    """The active locations a user looks after."""
    return list(
        db.session.scalars(
            sa.select(Location)
            .join(LocationVolunteer, LocationVolunteer.location_id == Location.id)
            .where(LocationVolunteer.user_id == user_id, Location.active)
            .order_by(Location.name)
        )
    )


# --- switches -----------------------------------------------------------------------------------


def kinds_for(role: str) -> list[str]:
    """The kinds of alert a role can receive, in the order the account page lists them."""
    staff = [AlertKind.NEW_REQUEST, AlertKind.ESCALATION]
    rounds = [AlertKind.LOCATION_EMPTY, AlertKind.PREDICTED_EMPTY, AlertKind.WEEKLY_ROUND]
    if role in (Role.ADMIN.value, Role.STAFF.value):
        return [k.value for k in staff + rounds]
    if role == Role.VOLUNTEER.value:
        return [k.value for k in rounds]
    return []


def preferences(user_id: int) -> dict[str, bool]:
    """Every kind's switch for a user (on unless switched off)."""
    stored = dict(
        db.session.execute(
            sa.select(AlertPreference.kind, AlertPreference.enabled).where(AlertPreference.user_id == user_id)
        )
        .tuples()
        .all()
    )
    return {k.value: stored.get(k.value, True) for k in AlertKind}


def set_preferences(user_id: int, enabled: dict[str, bool]) -> None:
    """Save a user's switches."""
    known = {k.value for k in AlertKind}
    if set(enabled) - known:
        raise InvalidValue("kind", field="kinds")
    with unit_of_work() as session:
        for kind, on in enabled.items():
            row = session.get(AlertPreference, (user_id, kind))
            if row is None:
                session.add(AlertPreference(user_id=user_id, kind=kind, enabled=bool(on)))
            else:
                row.enabled = bool(on)


# --- LINE ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LineState:
    """What the account page says about a user's LINE link."""

    linked: bool
    blocked: bool
    code_pending: bool


def line_state(user_id: int, now: datetime | None = None) -> LineState:
    """Whether the user's LINE is linked, blocked, or waiting for a code."""
    now = now or utcnow()
    link = db.session.get(LineLink, user_id)
    if link is None:
        return LineState(False, False, False)
    pending = link.code_hash is not None and link.code_expires_at is not None and link.code_expires_at > now
    return LineState(bool(link.line_user_id), link.blocked_at is not None, pending)


def new_link_code(user_id: int, now: datetime | None = None) -> str:
    """Make a fresh one-time code for the user to send to the bot (an older one stops working)."""
    now = now or utcnow()
    code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    with unit_of_work() as session:
        link = session.get(LineLink, user_id)
        if link is None:
            link = LineLink(user_id=user_id)
            session.add(link)
        link.code_hash, link.code_expires_at = _hash(code), now + CODE_LIFETIME
    return code


def normalise_code(text: str) -> str:
    """The code as typed in a LINE chat: spaces and hyphens dropped, upper case."""
    return "".join(ch for ch in text.upper() if ch.isalnum())[: CODE_LENGTH + 1]


def link_line(text: str, line_user_id: str, now: datetime | None = None) -> bool:
    """Link the LINE userId to the account whose live code this text is; False if it is none."""
    now = now or utcnow()
    code = normalise_code(text)
    if len(code) != CODE_LENGTH or not line_user_id or len(line_user_id) > 64:
        return False
    with unit_of_work() as session:
        link = session.scalar(
            sa.select(LineLink).where(LineLink.code_hash == _hash(code), LineLink.code_expires_at > now)
        )
        if link is None:
            return False
        # A LINE account speaks for one user only: an older link of it is released.
        session.execute(
            sa.update(LineLink)
            .where(LineLink.line_user_id == line_user_id, LineLink.user_id != link.user_id)
            .values(line_user_id=None, linked_at=None)
            .execution_options(synchronize_session=False)
        )
        session.flush()
        link.line_user_id, link.linked_at, link.blocked_at = line_user_id, now, None
        link.code_hash = link.code_expires_at = None
    return True


def locale_of_line_user(line_user_id: str) -> str:
    """The language of the account a LINE user is linked to (Japanese if none)."""
    locale = db.session.scalar(
        sa.select(User.locale)
        .join(LineLink, LineLink.user_id == User.id)
        .where(LineLink.line_user_id == line_user_id)
    )
    return locale or "ja"


def set_line_blocked(line_user_id: str, blocked: bool, now: datetime | None = None) -> None:
    """Record that the LINE user blocked (unfollow) or unblocked (follow) the account."""
    with unit_of_work() as session:
        session.execute(
            sa.update(LineLink)
            .where(LineLink.line_user_id == line_user_id)
            .values(blocked_at=(now or utcnow()) if blocked else None)
            .execution_options(synchronize_session=False)
        )


def unlink_line(user_id: int) -> None:
    """Forget the user's LINE link."""
    with unit_of_work() as session:
        link = session.get(LineLink, user_id)
        if link is not None:
            session.delete(link)
