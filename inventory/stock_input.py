"""Checks every stock service applies to what it is given: quantities, dates, item lines."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from .db import utcnow
from .stock_errors import DuplicateLine, InvalidDate, InvalidQuantity, NoLines

MAX_QUANTITY = 1_000_000
MAX_UNIT_COST_YEN = 10_000_000
LOCAL_ZONE = ZoneInfo("Asia/Tokyo")
# A form filled in late at night, or a phone whose clock is off, may say "tomorrow".
FUTURE_TOLERANCE = timedelta(days=1)
EARLIEST = datetime(2000, 1, 1)
MAX_NOTE_LENGTH = 500


@dataclass(frozen=True)
class Line:
    """One item line of a record: an item and a quantity."""

    item_id: int
    quantity: int


@dataclass(frozen=True)
class PurchaseLine:
    """One line of a purchase: an item, a quantity and the unit cost in yen."""

    item_id: int
    quantity: int
    unit_cost_yen: int


def check_quantity(value, *, field: str = "quantity", minimum: int = 1,
                   maximum: int = MAX_QUANTITY) -> int:
    """Return the quantity if it is a whole number in range, else raise InvalidQuantity."""
    if isinstance(value, bool) or not isinstance(value, int) or not minimum <= value <= maximum:
        raise InvalidQuantity(value, field=field, minimum=minimum, maximum=maximum)
    return value


def local_today(now: datetime | None = None) -> date:
    """Today's date in Japan."""
    now = now or utcnow()
    return now.replace(tzinfo=ZoneInfo("UTC")).astimezone(LOCAL_ZONE).date()


def start_of_day_utc(day: date) -> datetime:
    """The naive UTC instant at which a Japanese calendar day begins."""
    local = datetime.combine(day, time(0), tzinfo=LOCAL_ZONE)
    return local.astimezone(ZoneInfo("UTC")).replace(tzinfo=None)


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


def check_lines(lines, *, field: str = "lines") -> list[Line]:
    """Normalise (item_id, quantity) lines; refuse none, duplicates and bad quantities."""
    result = []
    seen = set()
    for index, line in enumerate(lines or ()):
        item_id, quantity = (line.item_id, line.quantity) if isinstance(line, Line) else line
        check_quantity(quantity, field=f"{field}-{index}-quantity")
        if item_id in seen:
            raise DuplicateLine(item_id, field=f"{field}-{index}-item_id")
        seen.add(item_id)
        result.append(Line(item_id, quantity))
    if not result:
        raise NoLines(field)
    return result


def check_purchase_lines(lines, *, field: str = "lines") -> list[PurchaseLine]:
    """Normalise (item_id, quantity, unit_cost_yen) lines with the same rules plus a cost range."""
    lines = list(lines or ())
    plain = check_lines([(_part(line, "item_id", 0), _part(line, "quantity", 1)) for line in lines],
                        field=field)
    result = []
    for index, (line, raw) in enumerate(zip(plain, lines)):
        cost = check_quantity(_part(raw, "unit_cost_yen", 2), field=f"{field}-{index}-unit_cost_yen",
                              minimum=0, maximum=MAX_UNIT_COST_YEN)
        result.append(PurchaseLine(line.item_id, line.quantity, cost))
    return result


def _part(line, name: str, index: int):
    return getattr(line, name) if hasattr(line, name) else line[index]


def clean_note(note: str | None) -> str:
    """Trim a free-text note to its stored length."""
    return (note or "").strip()[:MAX_NOTE_LENGTH]
