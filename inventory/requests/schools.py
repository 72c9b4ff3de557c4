"""School contacts and their locations: which placement points a school user may see and ask for."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from inventory.accounts.models import Role, User
from inventory.core.db import db, unit_of_work
from inventory.core.errors import Conflict, InvalidValue, NotFound
from inventory.requests.models import SchoolLink
from inventory.stock.catalog import get_location
from inventory.stock.models import Location, LocationKind


@dataclass(frozen=True)
class LinkRow:
    """A link for the admin page."""

    link_id: int
    user_name: str
    username: str
    location: Location


def is_linked(user_id: int | None, location_id: int | None) -> bool:
    """Whether this user may see and ask for this location."""
    if user_id is None or location_id is None:
        return False
    return (
        db.session.scalar(
            sa.select(SchoolLink.id).where(
                SchoolLink.user_id == user_id, SchoolLink.location_id == location_id
            )
        )
        is not None
    )


def locations_of(user_id: int) -> list[Location]:
    """The locations a school user is linked to, by name."""
    return list(
        db.session.scalars(
            sa.select(Location)
            .join(SchoolLink, SchoolLink.location_id == Location.id)
            .where(SchoolLink.user_id == user_id)
            .order_by(Location.name, Location.spot)
        )
    )


def list_links() -> list[LinkRow]:
    """Every link, by user and location."""
    rows = db.session.execute(
        sa.select(SchoolLink.id, User, Location)
        .join(User, User.id == SchoolLink.user_id)
        .join(Location, Location.id == SchoolLink.location_id)
        .order_by(User.username, Location.name)
    )
    return [LinkRow(link_id, user.name, user.username, location) for link_id, user, location in rows]


def school_users() -> list[User]:
    """The active school accounts, for the admin's select box."""
    return list(
        db.session.scalars(
            sa.select(User).where(User.role == Role.SCHOOL.value, User.active).order_by(User.username)
        )
    )


def link(user_id: int, location_id: int) -> int:
    """Link a school user to a placement point; the same link twice is refused."""
    with unit_of_work() as session:
        user = db.session.get(User, user_id) if isinstance(user_id, int) else None
        if user is None or user.role != Role.SCHOOL:
            raise InvalidValue("not a school user", field="user_id")
        location = get_location(location_id)
        if location.kind == LocationKind.STOREROOM:
            raise InvalidValue("a storeroom belongs to no school", field="location_id")
        if is_linked(user.id, location.id):
            raise Conflict("already linked", field="location_id")
        row = SchoolLink(user_id=user.id, location_id=location.id)
        session.add(row)
        session.flush()
        return row.id


def unlink(link_id: int) -> None:
    """Remove a link; the school's past requests stay."""
    with unit_of_work() as session:
        row = session.get(SchoolLink, link_id) if isinstance(link_id, int) else None
        if row is None:
            raise NotFound("unknown link")
        session.delete(row)
