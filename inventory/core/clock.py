"""Time: now in UTC (how every *_at column is stored), and days as they are in Japan."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo


def utcnow() -> datetime:
    """Return the current time as a naive UTC datetime (how every *_at column is stored)."""
    return datetime.now(UTC).replace(tzinfo=None)


LOCAL_ZONE = ZoneInfo("Asia/Tokyo")


def local_today(now: datetime | None = None) -> date:
    """Today's date in Japan."""
    now = now or utcnow()
    return now.replace(tzinfo=ZoneInfo("UTC")).astimezone(LOCAL_ZONE).date()


def start_of_day_utc(day: date) -> datetime:
    """The naive UTC instant at which a Japanese calendar day begins."""
    local = datetime.combine(day, time(0), tzinfo=LOCAL_ZONE)
    return local.astimezone(ZoneInfo("UTC")).replace(tzinfo=None)
