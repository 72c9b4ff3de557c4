"""Anonymous counts of support-page scans: one number per location per Japanese calendar day."""
from __future__ import annotations

import threading
import time
from collections import Counter
from datetime import date

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Mapped, mapped_column

from .db import db, unit_of_work
from .stock_input import local_today


class SupportPageScan(db.Model):
    """How often the support page of a location was opened on a day; nothing about who."""

    id: Mapped[int] = mapped_column(primary_key=True)
    location_id: Mapped[int] = mapped_column(sa.ForeignKey("location.id"))
    scanned_on: Mapped[date]
    count: Mapped[int] = mapped_column(default=0)

    __table_args__ = (
        sa.UniqueConstraint("location_id", "scanned_on", name="uq_support_page_scan_location_day"),
        sa.CheckConstraint("count >= 0", name="count_not_negative"),
    )


def count_scan(location_id: int, on: date | None = None, n: int = 1) -> None:
    """Add `n` to the location's counter for the day, in one atomic upsert."""
    _write(Counter({(location_id, on or local_today()): n}))


def _write(counts: Counter) -> None:
    dialect = db.engine.dialect.name
    insert = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(SupportPageScan)
    with unit_of_work() as session:
        for (location_id, on), n in sorted(counts.items()):
            session.execute(insert.values(location_id=location_id, scanned_on=on, count=n)
                            .on_conflict_do_update(index_elements=["location_id", "scanned_on"],
                                                   set_={"count": SupportPageScan.count + n}))


class ScanCounter:
    """Scans kept in memory and written together every `flush_every` seconds.

    A visitor's page view then costs no write of its own: on SQLite every write takes the one
    write lock and waits for the disk, and the restock writers queue behind it. Each process
    adds its own counts (count = count + n), so several processes stay correct; a crash loses
    at most the last few seconds of an anonymous tally.
    """

    def __init__(self, flush_every: float):
        self.flush_every = flush_every
        self._pending: Counter = Counter()
        self._lock = threading.Lock()
        self._last_flush = time.monotonic()

    def add(self, location_id: int, on: date | None = None) -> None:
        """Count one scan; write the pending counts when they are due."""
        with self._lock:
            self._pending[(location_id, on or local_today())] += 1
            due = time.monotonic() - self._last_flush >= self.flush_every
        if due:
            self.flush()

    def flush(self) -> None:
        """Write every pending count now."""
        with self._lock:
            pending, self._pending = self._pending, Counter()
            self._last_flush = time.monotonic()
        if pending:
            _write(pending)


def scans_by_day(location_id: int, since: date, until: date) -> dict[date, int]:
    """The counts of one location per day in [since, until]."""
    rows = db.session.execute(sa.select(SupportPageScan.scanned_on, SupportPageScan.count).where(
        SupportPageScan.location_id == location_id,
        SupportPageScan.scanned_on.between(since, until)))
    return {day: count for day, count in rows}
