"""Checks every stock service applies to what it is given: quantities, dates, item lines."""
from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from inventory.core.clock import local_today, start_of_day_utc, utcnow
from inventory.core.errors import InvalidDate, InvalidQuantity


def is_row_id(value) -> bool:
    """Whether a value can be a row's id: an int, not a bool (forged ids of any shape are not)."""
    return isinstance(value, int) and not isinstance(value, bool)


MAX_QUANTITY = 1_000_000
# A form filled in late at night, or a phone whose clock is off, may say "tomorrow".
FUTURE_TOLERANCE = timedelta(days=1)
EARLIEST = datetime(2000, 1, 1)
MAX_NOTE_LENGTH = 500


def check_quantity(value, *, field: str = "quantity", minimum: int = 1,
                   maximum: int = MAX_QUANTITY) -> int:
    """Return the quantity if it is a whole number in range, else raise InvalidQuantity."""
    if isinstance(value, bool) or not isinstance(value, int) or not minimum <= value <= maximum:
        raise InvalidQuantity(value, field=field, minimum=minimum, maximum=maximum)
    return value


def occurred_at_from_date(day, *, field: str = "occurred_on") -> datetime:
    """Turn the date a receipt happened into its stored time; refuse far-future or ancient dates."""
    if isinstance(day, datetime) or not isinstance(day, date):
        raise InvalidDate(day, field=field, reason="not_a_date")
    if day > local_today() + FUTURE_TOLERANCE:
        raise InvalidDate(day, field=field, reason="future")
    if day < EARLIEST.date():
        raise InvalidDate(day, field=field, reason="too_old")
    return start_of_day_utc(day)


def check_occurred_at(value: datetime | None, *, field: str = "occurred_at") -> datetime:
    """Return a naive UTC time for the event (now when None); refuse far-future or ancient ones."""
    if value is None:
        return utcnow()
    if not isinstance(value, datetime):
        raise InvalidDate(value, field=field, reason="not_a_date")
    if value.tzinfo is not None:
        value = value.astimezone(ZoneInfo("UTC")).replace(tzinfo=None)
    if value > utcnow() + FUTURE_TOLERANCE:
        raise InvalidDate(value, field=field, reason="future")
    if value < EARLIEST:
        raise InvalidDate(value, field=field, reason="too_old")
    return value


def clean_note(note: str | None) -> str:
    """Trim a free-text note to its stored length."""
    return (note or "").strip()[:MAX_NOTE_LENGTH]
