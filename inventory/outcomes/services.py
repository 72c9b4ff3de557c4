"""Recording outcomes: one consultation, a month of a paper tally sheet, a cafe session.

Each is one user action: checked first, written in one transaction under its one-time key, so
a double tap records once and a refusal writes nothing. Nothing about a person is taken in.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa

from inventory.core import idempotency
from inventory.core.checks import EARLIEST, check_choice, check_quantity, check_text, is_row_id
from inventory.core.clock import local_today
from inventory.core.db import db, unit_of_work
from inventory.core.errors import InvalidDate, InvalidValue
from inventory.outcomes.errors import (
    CafeSessionExists,
    DestinationNameTaken,
    LocationNeeded,
    LocationNotExpected,
    NotAPlacementPoint,
    NothingToRecord,
    UnknownDestination,
)
from inventory.outcomes.models import (
    HEARD_AT_LOCATION,
    MAX_NOTE,
    CafeSession,
    Channel,
    ConsultationTally,
    HeardVia,
    MonthlyTally,
    Referral,
    ReferralDestination,
)
from inventory.reports.closing import refuse_if_closed
from inventory.stock.errors import UnknownLocation
from inventory.stock.models import Location, LocationKind

# One cell of a paper sheet (a month, one channel, new or continuing, one way of hearing of us).
MAX_CELL = 10_000
MAX_VISITS = 1_000
MAX_DESTINATION_NAME = 100


@dataclass(frozen=True)
class OutcomeResult:
    """What a write recorded (the tally, sheet or session id) and whether it was a resend."""

    id: int
    replayed: bool


def check_tally_date(day, *, field: str = "occurred_on") -> date:
    """The one check of every outcome date (tally, sheet month, cafe session): a real past day.

    A consultation is entered after it happened, so a day after today in Japan is a mistake.
    A day in a closed fiscal year is refused too, so every outcome write keeps a filed year as it is.
    """
    if isinstance(day, datetime) or not isinstance(day, date):
        raise InvalidDate(day, field=field, reason="not_a_date")
    if day > local_today():
        raise InvalidDate(day, field=field, reason="future")
    if day < EARLIEST.date():
        raise InvalidDate(day, field=field, reason="too_old")
    refuse_if_closed(day, field=field)  # a closed fiscal year's figures stay as filed
    return day


def _check_location(heard_via: str, location_id, *, field: str) -> int | None:
    """The location a pack or a QR named: required for a pack, optional for a QR, none otherwise."""
    if heard_via not in HEARD_AT_LOCATION:
        if location_id is not None:
            raise LocationNotExpected(field=field)
        return None
    if location_id is None:
        if heard_via == HeardVia.PACK:
            raise LocationNeeded(field=field)
        return None
    # A retired location still counts: she may have kept the pack for months.
    kind = (
        db.session.scalar(sa.select(Location.kind).where(Location.id == location_id))
        if is_row_id(location_id)
        else None
    )
    if kind is None:
        raise UnknownLocation(location_id, field=field)
    if kind == LocationKind.STOREROOM:
        raise NotAPlacementPoint(location_id, field=field)
    return location_id


def _check_destinations(ids: Iterable, *, field: str) -> list[int]:
    """Active referral destinations, each once, in id order."""
    ids = list(ids)
    if not all(is_row_id(i) for i in ids):
        raise UnknownDestination(next(i for i in ids if not is_row_id(i)), field=field)
    wanted = sorted(set(ids))
    if not wanted:
        return []
    found = dict(
        db.session.execute(
            sa.select(ReferralDestination.id, ReferralDestination.active).where(
                ReferralDestination.id.in_(wanted)
            )
        )
        .tuples()
        .all()
    )
    for destination in wanted:
        if destination not in found:
            raise UnknownDestination(destination, field=field)
        if not found[destination]:
            raise UnknownDestination(destination, field=field, retired=True)
    return wanted


def _note(note) -> str:
    return check_text(note, field="note", limit=MAX_NOTE, multiline=True)


def record_consultation(
    *,
    occurred_on,
    channel,
    is_new,
    heard_via,
    location_id=None,
    referrals: Iterable = (),
    note="",
    recorded_by: int | None = None,
    idempotency_key: str | None,
) -> OutcomeResult:
    """Record one consultation as an anonymous tally row, with the referrals made during it."""
    day = check_tally_date(occurred_on)
    channel = check_choice(channel, Channel, field="channel")
    if not isinstance(is_new, bool):
        raise InvalidValue("new or continuing", field="is_new")
    heard_via = check_choice(heard_via, HeardVia, field="heard_via")
    note = _note(note)
    referrals = list(referrals)
    payload = dict(
        on=day,
        channel=channel,
        new=is_new,
        heard=heard_via,
        at=location_id,
        refs=sorted(referrals, key=str),
        note=note,
    )

    def work(session) -> int:
        place = _check_location(heard_via, location_id, field="location_id")
        destinations = _check_destinations(referrals, field="referrals")
        tally = ConsultationTally(
            occurred_on=day,
            channel=channel,
            is_new=is_new,
            heard_via=heard_via,
            heard_location_id=place,
            count=1,
            note=note,
            recorded_by=recorded_by,
        )
        session.add(tally)
        session.flush()
        session.add_all(
            Referral(occurred_on=day, destination_id=d, count=1, tally_id=tally.id) for d in destinations
        )
        return tally.id

    result_id, replayed = idempotency.run("outcomes.consultation", idempotency_key, payload, work)
    return OutcomeResult(result_id, replayed)


# A cell of the monthly sheet: (channel, is_new, heard_via, location id or None).
Cell = tuple[str, bool, str, int | None]


def record_month(
    *,
    month,
    cells: Mapping[Cell, int],
    referrals: Mapping[int, int],
    note="",
    recorded_by: int | None = None,
    idempotency_key: str | None,
) -> OutcomeResult:
    """Record one month of a paper tally sheet: counts per cell and referrals per destination.

    Blank and zero cells are skipped; the rows are dated on the month's first day. A month that
    has not begun yet is refused like a future date.
    """
    if isinstance(month, datetime) or not isinstance(month, date):
        raise InvalidDate(month, field="month", reason="not_a_date")
    first = check_tally_date(month.replace(day=1), field="month")
    clean: dict[Cell, int] = {}
    for (channel, is_new, heard_via, location_id), count in cells.items():
        field = cell_name(channel, is_new, heard_via, location_id)
        check_choice(channel, Channel, field=field)
        check_choice(heard_via, HeardVia, field=field)
        if not isinstance(is_new, bool):
            raise InvalidValue("new or continuing", field=field)
        if check_quantity(count, field=field, minimum=0, maximum=MAX_CELL):
            clean[(channel, is_new, heard_via, location_id)] = count
    referral_counts = {
        destination: check_quantity(count, field=f"ref-{destination}", minimum=0, maximum=MAX_CELL)
        for destination, count in referrals.items()
    }
    referral_counts = {d: n for d, n in referral_counts.items() if n}
    if not clean and not referral_counts:
        raise NothingToRecord()
    note = _note(note)
    payload = dict(
        month=first,
        cells=sorted([list(key), n] for key, n in clean.items()),
        refs=sorted(referral_counts.items()),
        note=note,
    )

    def work(session) -> int:
        for _channel, is_new, heard_via, location_id in clean:
            _check_location(heard_via, location_id, field=cell_name(_channel, is_new, heard_via, location_id))
        for destination in referral_counts:
            _check_destinations([destination], field=f"ref-{destination}")
        sheet = MonthlyTally(month=first, note=note, recorded_by=recorded_by)
        session.add(sheet)
        session.flush()
        session.add_all(
            ConsultationTally(
                occurred_on=first,
                channel=channel,
                is_new=is_new,
                heard_via=heard_via,
                heard_location_id=location_id,
                count=count,
                monthly_tally_id=sheet.id,
                recorded_by=recorded_by,
            )
            for (channel, is_new, heard_via, location_id), count in sorted(clean.items(), key=str)
        )
        session.add_all(
            Referral(occurred_on=first, destination_id=d, count=n, monthly_tally_id=sheet.id)
            for d, n in sorted(referral_counts.items())
        )
        return sheet.id

    result_id, replayed = idempotency.run("outcomes.month", idempotency_key, payload, work)
    return OutcomeResult(result_id, replayed)


def cell_name(channel, is_new, heard_via, location_id) -> str:
    """The form name of a cell of the monthly sheet, so a refusal lands on its box."""
    return f"c-{channel}-{'new' if is_new else 'cont'}-{heard_via}-{location_id or 0}"


def record_cafe_session(
    *, held_on, visits, note="", recorded_by: int | None = None, idempotency_key: str | None
) -> OutcomeResult:
    """Record one session of the drop-in cafe and how many came (延べ利用者数)."""
    day = check_tally_date(held_on, field="held_on")
    visits = check_quantity(visits, field="visits", minimum=0, maximum=MAX_VISITS)
    note = _note(note)

    def work(session) -> int:
        if session.scalar(sa.select(CafeSession.id).where(CafeSession.held_on == day)) is not None:
            raise CafeSessionExists(day)
        cafe = CafeSession(held_on=day, visits=visits, note=note, recorded_by=recorded_by)
        session.add(cafe)
        session.flush()
        return cafe.id

    result_id, replayed = idempotency.run(
        "outcomes.cafe", idempotency_key, dict(on=day, visits=visits, note=note), work
    )
    return OutcomeResult(result_id, replayed)


def list_destinations(*, include_retired: bool = False) -> list[ReferralDestination]:
    """Referral destinations in the admin's order."""
    query = sa.select(ReferralDestination).order_by(ReferralDestination.position, ReferralDestination.id)
    if not include_retired:
        query = query.where(ReferralDestination.active.is_(True))
    return list(db.session.scalars(query))


def add_destination(name) -> int:
    """Add a referral destination at the end of the list (admin)."""
    name = check_text(name, field="name", limit=MAX_DESTINATION_NAME, required=True, normalize=True)
    with unit_of_work() as session:
        taken = session.scalar(sa.select(ReferralDestination.id).where(ReferralDestination.name == name))
        if taken is not None:
            raise DestinationNameTaken()
        last = session.scalar(sa.select(sa.func.max(ReferralDestination.position))) or 0
        destination = ReferralDestination(name=name, position=last + 10, active=True)
        session.add(destination)
        session.flush()
        return destination.id


def set_destination_active(destination_id, active: bool) -> None:
    """Retire a destination (its past referrals stay counted) or bring it back (admin)."""
    with unit_of_work() as session:
        destination = session.get(ReferralDestination, destination_id) if is_row_id(destination_id) else None
        if destination is None:
            raise UnknownDestination(destination_id, field="destination")
        destination.active = bool(active)
