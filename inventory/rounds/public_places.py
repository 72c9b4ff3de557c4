"""The public list of where free packs are (/where): active placement points staff made public.

Only what is printed on the placard anyway: name, spot, address, opening hours, area, and
whether a visitor reported it empty and no visit has answered yet.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa

from inventory.core.clock import local_today, utcnow
from inventory.core.db import db
from inventory.rounds.models import EmptyReport, ReportKind
from inventory.stock.models import Location, LocationKind


@dataclass(frozen=True)
class PublicPlace:
    """One public placement point as the /where page shows it."""

    name: str
    spot: str
    address: str
    opening_hours: str
    # The Japanese day of the first open report of empty (None: no open report).
    reported_empty_on: date | None

    def reported_today(self, today: date) -> bool:
        """Whether a visitor said today that it is empty (and nobody has refilled it since)."""
        return self.reported_empty_on == today


def public_places(now: datetime | None = None) -> list[tuple[str, list[PublicPlace]]]:
    """Public, active placement points grouped by area (areas by name, places by name and spot)."""
    now = now or utcnow()
    first_open = (
        sa.select(sa.func.min(EmptyReport.reported_at))
        .where(
            EmptyReport.location_id == Location.id,
            EmptyReport.closed_at.is_(None),
            EmptyReport.kind == ReportKind.EMPTY.value,
        )
        .scalar_subquery()
    )
    rows = db.session.execute(
        sa.select(
            Location.area, Location.name, Location.spot, Location.address, Location.opening_hours, first_open
        )
        .where(Location.active, Location.public, Location.kind != LocationKind.STOREROOM.value)
        .order_by(Location.area == "", Location.area, Location.name, Location.spot)
    )
    areas: dict[str, list[PublicPlace]] = {}
    for area, name, spot, address, hours, reported in rows:
        areas.setdefault(area, []).append(
            PublicPlace(name, spot, address, hours, local_today(reported) if reported else None)
        )
    return list(areas.items())
