"""Closing a fiscal year (確定), and the one check every record dated in a closed year meets.

A closed year keeps the report as it was filed: at closing, the report document (header and
tables, as the page showed it) is stored as JSON and the page, the CSV and the PDF of that year
are drawn from it afterwards. A snapshot rather than a recomputation "as of" the closing time,
because the figures also depend on things that may change later without being dated (item and
location names, pads per pack, targets, the organisation's settings); only a stored copy keeps
the filed report byte for byte. On top of it, `refuse_if_closed` stops any record dated in a
closed year (a backdated donation, a late visit, a reversal dated back), so the ledger and the
filed report never disagree. A reversal of a closed year's record is booked on its own date in
an open year, naming the original (see yearly.net_flows).

Reopening deletes the closing (and its snapshot) and is logged, as is every closing.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from inventory.accounts.models import User
from inventory.core.checks import check_text
from inventory.core.clock import local_today, utcnow
from inventory.core.db import db, unit_of_work
from inventory.core.errors import InvalidValue
from inventory.reports.errors import YearClosed, YearNotClosed, YearNotOver
from inventory.reports.models import FiscalYearClosing, FiscalYearEvent, FiscalYearNote

JST_OFFSET = timedelta(hours=9)  # Japan has had no daylight saving time since 1951
FIRST_YEAR, LAST_YEAR = 2000, 2100
MAX_NOTE = 4000


def fiscal_year_of_day(day: date) -> int:
    """The fiscal year (April to March, named by its April) of a Japanese calendar day."""
    return day.year if day.month >= 4 else day.year - 1


def fiscal_year_at(when: date | datetime) -> int:
    """The fiscal year of a Japanese calendar day, or of a naive UTC time."""
    if isinstance(when, datetime):
        when = (when + JST_OFFSET).date()
    return fiscal_year_of_day(when)


def closed_year_of(when: date | datetime) -> int | None:
    """The fiscal year `when` falls in if it is closed, else None.

    `when` is a Japanese calendar day (a tally's date) or a naive UTC time (a record's
    occurred_at). This is the one check for "is this date in a closed year".
    """
    year = fiscal_year_at(when)
    closed = db.session.scalar(
        sa.select(FiscalYearClosing.fiscal_year).where(FiscalYearClosing.fiscal_year == year)
    )
    return year if closed is not None else None


def refuse_if_closed(when: date | datetime, *, field: str | None = "occurred_at") -> None:
    """Raise YearClosed if `when` lies in a closed fiscal year (called inside the writing transaction)."""
    year = closed_year_of(when)
    if year is not None:
        raise YearClosed(year, field=field)


def check_year(fiscal_year) -> int:
    """The fiscal year if it is a whole number a report can mean, else InvalidValue."""
    if isinstance(fiscal_year, bool) or not isinstance(fiscal_year, int):
        raise InvalidValue("not a year", field="year")
    if not FIRST_YEAR <= fiscal_year <= LAST_YEAR:
        raise InvalidValue("year out of range", field="year", minimum=FIRST_YEAR, maximum=LAST_YEAR)
    return fiscal_year


@dataclass(frozen=True)
class Closing:
    """A closed year as the report names it: when, by whom, and the stored document."""

    fiscal_year: int
    closed_at: datetime
    closed_by: str
    document: dict


def closing_of(fiscal_year: int) -> Closing | None:
    """The closing of a fiscal year, or None while it is open."""
    row = db.session.execute(
        sa.select(FiscalYearClosing, User.display_name, User.username)
        .outerjoin(User, User.id == FiscalYearClosing.closed_by)
        .where(FiscalYearClosing.fiscal_year == fiscal_year)
    ).first()
    if row is None:
        return None
    closing, display_name, username = row
    return Closing(
        closing.fiscal_year, closing.closed_at, display_name or username or "", json.loads(closing.snapshot)
    )


def close_year(fiscal_year: int, document: dict, *, closed_by: int | None, reason: str = "") -> Closing:
    """Close an ended fiscal year, storing its report document; refuse a year still open or closed."""
    check_year(fiscal_year)
    reason = check_text(reason, field="reason", limit=500)
    if date(fiscal_year + 1, 3, 31) >= local_today():
        raise YearNotOver(fiscal_year)
    if not isinstance(document, dict):
        raise InvalidValue("no document", field=None)
    snapshot = json.dumps(document, ensure_ascii=False, sort_keys=True)
    try:
        with unit_of_work() as session:
            if session.get(FiscalYearClosing, fiscal_year) is not None:
                raise YearClosed(fiscal_year, field=None)
            session.add(FiscalYearClosing(fiscal_year=fiscal_year, closed_by=closed_by, snapshot=snapshot))
            session.add(FiscalYearEvent(fiscal_year=fiscal_year, action="close", by=closed_by, reason=reason))
    except IntegrityError:
        # Two admins closing at once: the primary key lets one through.
        raise YearClosed(fiscal_year, field=None) from None
    closing = closing_of(fiscal_year)
    assert closing is not None
    return closing


def reopen_year(fiscal_year: int, *, reopened_by: int | None, reason: str) -> None:
    """Reopen a closed year (its snapshot is dropped); the reason is required and logged."""
    check_year(fiscal_year)
    reason = check_text(reason, field="reason", limit=500, required=True)
    with unit_of_work() as session:
        deleted = session.execute(
            sa.delete(FiscalYearClosing).where(FiscalYearClosing.fiscal_year == fiscal_year)
        ).rowcount
        if not deleted:
            raise YearNotClosed(fiscal_year)
        session.add(FiscalYearEvent(fiscal_year=fiscal_year, action="reopen", by=reopened_by, reason=reason))


@dataclass(frozen=True)
class Event:
    """One line of the closing log."""

    action: str
    at: datetime
    by: str
    reason: str


def events_of(fiscal_year: int) -> list[Event]:
    """The closing log of a fiscal year, oldest first."""
    rows = db.session.execute(
        sa.select(
            FiscalYearEvent.action,
            FiscalYearEvent.at,
            User.display_name,
            User.username,
            FiscalYearEvent.reason,
        )
        .outerjoin(User, User.id == FiscalYearEvent.by)
        .where(FiscalYearEvent.fiscal_year == fiscal_year)
        .order_by(FiscalYearEvent.id)
    )
    return [
        Event(action, at, display or username or "", reason) for action, at, display, username, reason in rows
    ]


def note_of(fiscal_year: int) -> str:
    """The notes an admin wrote for a fiscal year's report ('' if none)."""
    return (
        db.session.scalar(sa.select(FiscalYearNote.text).where(FiscalYearNote.fiscal_year == fiscal_year))
        or ""
    )


def save_note(fiscal_year: int, text: str, *, updated_by: int | None) -> None:
    """Save a year's notes; refused once the year is closed (the notes are part of the filed report)."""
    check_year(fiscal_year)
    text = check_text(text, field="note", limit=MAX_NOTE, multiline=True)
    with unit_of_work() as session:
        if session.get(FiscalYearClosing, fiscal_year) is not None:
            raise YearClosed(fiscal_year, field="note")
        row = session.get(FiscalYearNote, fiscal_year)
        if row is None:
            session.add(FiscalYearNote(fiscal_year=fiscal_year, text=text, updated_by=updated_by))
        else:
            row.text, row.updated_by = text, updated_by
            row.updated_at = utcnow()
