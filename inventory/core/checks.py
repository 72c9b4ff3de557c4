"""Checks every service applies to what it is given: ids, quantities, dates, text, choices.

Forms check shape first; these are the domain's own checks, so the API, the CLI and tests
meet the same rules. Each refusal raises a DomainError naming the field.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from inventory.core.clock import local_today, start_of_day_utc, utcnow
from inventory.core.errors import InvalidDate, InvalidQuantity, InvalidValue

# The largest id a row can have on both databases (PostgreSQL's integer): bigger ones are not ids.
MAX_ROW_ID = 2**31 - 1


def is_row_id(value) -> bool:
    """Whether a value can be a row's id: an int (not a bool) in 1..MAX_ROW_ID.

    Forged ids of any shape are not; nor is 2**40, which PostgreSQL would refuse with an error
    instead of finding no row.
    """
    return isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= MAX_ROW_ID


MAX_QUANTITY = 1_000_000
# A form filled in late at night, or a phone whose clock is off, may say "tomorrow".
FUTURE_TOLERANCE = timedelta(days=1)
EARLIEST = datetime(2000, 1, 1)
MAX_NOTE_LENGTH = 500
# Control, format (zero-width, bidi overrides), surrogate, private-use and unassigned characters.
CONTROL_CATEGORIES = {"Cc", "Cf", "Cs", "Co", "Cn"}


def check_quantity(value, *, field: str = "quantity", minimum: int = 1, maximum: int = MAX_QUANTITY) -> int:
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
        try:
            value = value.astimezone(ZoneInfo("UTC")).replace(tzinfo=None)
        except OverflowError:
            # 0001-01-01T00:00+14:00 or 9999-12-31T23:59-14:00: outside what a time can be in UTC.
            reason = "too_old" if value.year < EARLIEST.year else "future"
            raise InvalidDate(value, field=field, reason=reason) from None
    if value > utcnow() + FUTURE_TOLERANCE:
        raise InvalidDate(value, field=field, reason="future")
    if value < EARLIEST:
        raise InvalidDate(value, field=field, reason="too_old")
    return value


def clean_note(note: str | None, *, field: str = "note") -> str:
    """Trim a free-text note to its stored length; refuse one that is not text or hides characters."""
    if note is not None and not isinstance(note, str):
        raise InvalidValue("not text", field=field, reason="not_text")
    return check_characters((note or "").strip()[:MAX_NOTE_LENGTH], field=field, multiline=True)


def check_text(
    value,
    *,
    field: str,
    limit: int,
    required: bool = False,
    multiline: bool = False,
    symbols: bool = True,
    normalize: bool = False,
) -> str:
    """Trim text; refuse it when not text, missing (if required), too long or with hidden characters.

    `normalize` applies NFKC first (full-width letters and digits); `symbols=False` also refuses
    emoji and pictographs (a name or an address printed on a parcel).
    """
    if value is not None and not isinstance(value, str):
        raise InvalidValue("not text", field=field, reason="not_text")
    value = value or ""
    value = (unicodedata.normalize("NFKC", value) if normalize else value).strip()
    if required and not value:
        raise InvalidValue("required", field=field, reason="required")
    if len(value) > limit:
        raise InvalidValue("too long", field=field, reason="too_long", maximum=limit)
    return check_characters(value, field=field, multiline=multiline, symbols=symbols)


def has_control_characters(value: str, *, multiline: bool = False) -> bool:
    """Whether text holds a control, invisible or unassigned character (a NUL byte among them)."""
    return any(
        unicodedata.category(ch) in CONTROL_CATEGORIES and not (multiline and ch in "\r\n\t") for ch in value
    )


def check_characters(value: str, *, field: str, multiline: bool = False, symbols: bool = True) -> str:
    """Refuse control and invisible characters (and, with symbols=False, emoji and pictographs)."""
    for ch in value:
        if ch in "\r\n\t" and multiline:
            continue
        category = unicodedata.category(ch)
        if category in CONTROL_CATEGORIES or (
            not symbols and (category == "So" or 0xFE00 <= ord(ch) <= 0xFE0F)
        ):
            raise InvalidValue("special characters", field=field, reason="characters")
    return value


def check_choice(value, allowed: Iterable, *, field: str) -> str:
    """Return the value if it is one of `allowed` (an enum or strings), else raise InvalidValue."""
    if not isinstance(value, str) or value not in {str(choice) for choice in allowed}:
        raise InvalidValue("unknown choice", field=field)
    return str(value)
