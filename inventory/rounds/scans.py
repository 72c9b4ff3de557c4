"""Anonymous counts of support-page scans: one number per location per Japanese calendar day."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from inventory.core.clock import local_today
from inventory.core.db import db, unit_of_work
from inventory.rounds.models import SupportPageScan


def count_scan(location_id: int, on: date | None = None) -> None:
    """Add one to the location's counter for the day, in one atomic upsert."""
    dialect = db.engine.dialect.name
    insert = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(SupportPageScan)
    with unit_of_work() as session:
        session.execute(
            insert.values(
                location_id=location_id, scanned_on=on or local_today(), count=1
            ).on_conflict_do_update(
                index_elements=["location_id", "scanned_on"], set_={"count": SupportPageScan.count + 1}
            )
        )


def scans_by_day(location_id: int, since: date, until: date) -> dict[date, int]:
    """The counts of one location per day in [since, until]."""
    rows = db.session.execute(
        sa.select(SupportPageScan.scanned_on, SupportPageScan.count).where(
            SupportPageScan.location_id == location_id, SupportPageScan.scanned_on.between(since, until)
        )
    )
    return {day: count for day, count in rows}
