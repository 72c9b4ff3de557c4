"""The outcome figures of a fiscal year, in the city's version (exact) or for publication.

Consultations are counted two ways and never mixed: 延べ件数 (every contact, each tally row's
count) and 新規 (the contacts marked as first contacts). The tables carry codes, not words, so
the page, the CSV and the PDF name them in the reader's language alike.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa

from inventory.core.db import db
from inventory.outcomes.models import (
    CafeSession,
    Channel,
    ConsultationTally,
    HeardVia,
    Referral,
    ReferralDestination,
)
from inventory.outcomes.suppression import TableCells, suppress_jointly, with_totals
from inventory.reports import yearly
from inventory.stock.models import Location, LocationKind

NEW, CONTINUING = "new", "continuing"
# The kinds of placement points a pack or a QR can name, and the row for a QR of no known place.
PLACEMENT_KINDS = tuple(kind.value for kind in LocationKind if kind != LocationKind.STOREROOM)
UNKNOWN_PLACE = "unknown"
PLACE_COLUMNS = (HeardVia.PACK.value, HeardVia.QR.value)
# Left out of the publication version: with its margins printed by by_heard and by_month, this
# sparse table lets small counts be worked out across tables (found by tests/disclosure.py).
CITY_ONLY = ("by_month_heard",)


@dataclass
class OutcomeTable:
    """A table of counts with its totals; in the publication version hidden cells are None.

    `grid` has a row per code in `rows` plus the total row, and a column per code in `columns`
    plus the total column. Totals the table does not print (`row_totals`, `column_totals`) are
    still in the grid but are not to be shown. `extra` holds columns that count no people (packs
    placed, a rate), one list per row plus one for the total row.
    """

    key: str
    rows: list[str]
    columns: list[str]
    grid: list[list[int | None]]
    row_totals: bool = True
    column_totals: bool = True
    extra_columns: list[str] = field(default_factory=list)
    extra: list[list] = field(default_factory=list)
    publication: bool = False

    @property
    def suppressed(self) -> int:
        """How many cells are hidden."""
        return sum(value is None for row in self.grid for value in row)


@dataclass
class OutcomeFigures:
    """The outcome section of a fiscal year."""

    fiscal_year: int
    first_day: date
    last_day: date
    months: list[date]
    publication: bool
    destinations: dict[int, str]
    tables: list[OutcomeTable]

    def table(self, key: str) -> OutcomeTable:
        """The table with this key."""
        return next(t for t in self.tables if t.key == key)


def _table(key, rows, columns, cells, *, row_totals=True, column_totals=True) -> OutcomeTable:
    """A table of exact counts with its totals added."""
    grid: list[list[int | None]] = [list(row) for row in with_totals(cells, len(columns))]
    return OutcomeTable(key, rows, columns, grid, row_totals=row_totals, column_totals=column_totals)


def _publish(tables: list[OutcomeTable]) -> None:
    """Hide small counts in every table at once, so a count one table hides no other prints."""
    by_key = {t.key: t for t in tables}
    cells = {
        t.key: TableCells(
            [[int(v or 0) for v in row[:-1]] for row in t.grid[:-1]],
            len(t.columns),
            row_totals=t.row_totals,
            column_totals=t.column_totals,
        )
        for t in tables
    }
    hidden = suppress_jointly(cells, _shared_cells(by_key))
    for t in tables:
        t.publication = True
        t.grid = [
            [None if (i, j) in hidden[t.key] else v for j, v in enumerate(row)]
            for i, row in enumerate(t.grid)
        ]


def _shared_cells(tables: dict[str, OutcomeTable]) -> list[list[tuple[str, tuple[int, int]]]]:
    """Cells of different tables that print the same count (totals shared between tables)."""
    heard = tables["by_heard"].rows
    groups: list[list[tuple[str, tuple[int, int]]]] = []
    # New, continuing and all contacts of the year: the total row of three tables.
    for column in range(3):
        groups.append(
            [
                ("by_heard", (len(heard), column)),
                ("by_channel", (len(Channel), column)),
                ("by_month", (12, column)),
            ]
        )
    # All contacts by how she heard: by_heard's row totals, by_month_heard's column totals.
    for h in range(len(heard)):
        groups.append([("by_heard", (h, 2)), ("by_month_heard", (12, h))])
    groups.append([("by_heard", (len(heard), 2)), ("by_month_heard", (12, len(heard)))])
    # All contacts by month: by_month's row totals, by_month_heard's row totals.
    for m in range(12):
        groups.append([("by_month", (m, 2)), ("by_month_heard", (m, len(heard)))])
    # Through a pack, through a QR: by_heard's row totals, by_location_kind's column totals.
    places = len(tables["by_location_kind"].rows) if "by_location_kind" in tables else 0
    for column, code in enumerate(PLACE_COLUMNS):
        groups.append([("by_heard", (heard.index(code), 2)), ("by_location_kind", (places, column))])
    present = [[(key, cell) for key, cell in group if key in tables] for group in groups]
    return [group for group in present if len(group) > 1]


def placed_by_kind(fiscal_year: int) -> dict[str, int]:
    """Packs placed per location kind in the year, as the fiscal-year report computes "placed"."""
    return yearly.fiscal_year_report(fiscal_year, with_previous=False).placed_by_kind


def outcome_figures(
    fiscal_year: int, *, publication: bool = False, placed: dict[str, int] | None = None
) -> OutcomeFigures:
    """Every outcome table of a fiscal year; `placed` (packs per location kind) as the report has it.

    Without `placed` the packs placed are computed here the way the report does. Raises
    yearly.YearOutOfRange for years nobody can mean.
    """
    yearly.check_fiscal_year(fiscal_year)
    first, last = yearly.fiscal_year_days(fiscal_year)
    bounds = yearly.month_starts(first, 12)
    months = bounds[:12]
    if placed is None:
        placed = placed_by_kind(fiscal_year)

    t = ConsultationTally
    month = yearly.month_index(t.occurred_on, bounds)
    rows = db.session.execute(
        sa.select(month, t.channel, t.is_new, t.heard_via, Location.kind, sa.func.sum(t.count))
        .select_from(t)
        .outerjoin(Location, Location.id == t.heard_location_id)
        .where(t.occurred_on.between(first, last))
        .group_by(month, t.channel, t.is_new, t.heard_via, Location.kind)
    ).all()
    by_heard: Counter = Counter()
    by_channel: Counter = Counter()
    by_month: Counter = Counter()
    by_month_heard: Counter = Counter()
    by_place: Counter = Counter()
    for index, channel, is_new, heard, kind, count in rows:
        count = int(count)
        age = NEW if is_new else CONTINUING
        by_heard[heard, age] += count
        by_channel[channel, age] += count
        by_month[index, age] += count
        by_month_heard[index, heard] += count
        if heard in (HeardVia.PACK, HeardVia.QR):
            by_place[kind or UNKNOWN_PLACE, heard] += count

    ages = [NEW, CONTINUING]
    heard_codes = [h.value for h in HeardVia]
    channels = [c.value for c in Channel]
    place_rows = [*PLACEMENT_KINDS, UNKNOWN_PLACE]
    place_columns = list(PLACE_COLUMNS)
    month_codes = [m.isoformat() for m in months]

    def table(key, row_codes, column_codes, counts, names=None):
        cells = [[counts[r, c] for c in column_codes] for r in row_codes]
        return _table(key, names or row_codes, column_codes, cells)

    places = table("by_location_kind", place_rows, place_columns, by_place)

    destinations = _destinations(first, last)
    referral_counts = Counter(
        dict(
            db.session.execute(
                sa.select(Referral.destination_id, sa.func.sum(Referral.count))
                .where(Referral.occurred_on.between(first, last))
                .group_by(Referral.destination_id)
            )
            .tuples()
            .all()
        )
    )
    referrals = _table(
        "referrals",
        [str(d) for d in destinations],
        ["referrals"],
        [[int(referral_counts[d])] for d in destinations],
        row_totals=False,
    )

    cafe_month = yearly.month_index(CafeSession.held_on, bounds)
    cafe_rows = db.session.execute(
        sa.select(cafe_month, sa.func.count(), sa.func.sum(CafeSession.visits))
        .where(CafeSession.held_on.between(first, last))
        .group_by(cafe_month)
    ).all()
    sessions = [0] * 12
    visits = [0] * 12
    for index, held, came in cafe_rows:
        sessions[index], visits[index] = int(held), int(came or 0)
    cafe = _table("cafe", month_codes, ["visits"], [[v] for v in visits], row_totals=False)
    cafe.extra_columns = ["sessions"]
    cafe.extra = [[s] for s in sessions] + [[sum(sessions)]]

    tables = [
        table("by_heard", heard_codes, ages, by_heard),
        table("by_channel", channels, ages, by_channel),
        table("by_month", list(range(12)), ages, by_month, month_codes),
        table("by_month_heard", list(range(12)), heard_codes, by_month_heard, month_codes),
        places,
        referrals,
        cafe,
    ]
    if publication:
        tables = [t for t in tables if t.key not in CITY_ONLY]
        _publish(tables)
    _add_rates(places, placed)  # after suppression: a rate goes with the count it is made of
    return OutcomeFigures(
        fiscal_year=fiscal_year,
        first_day=first,
        last_day=last,
        months=months,
        publication=publication,
        destinations=destinations,
        tables=tables,
    )


def _add_rates(places: OutcomeTable, placed: dict[str, int]) -> None:
    """Packs placed and consultations through a pack or a QR per 100 packs placed, per kind.

    In the publication version a rate is hidden with the count it is made of.
    """
    places.extra_columns = ["packs_placed", "per_100_packs"]
    total_col = len(places.columns)
    for i, kind in enumerate([*places.rows, None]):
        packs: int | None = placed.get(kind, 0) if kind else sum(placed.get(k, 0) for k in PLACEMENT_KINDS)
        if kind == UNKNOWN_PLACE:
            packs = None
        through = places.grid[i][total_col]
        rate = round(through * 100 / packs, 1) if packs and through is not None else None
        places.extra.append([packs, rate])


def _destinations(first: date, last: date) -> dict[int, str]:
    """Active destinations, and retired ones that have referrals in the period, in list order."""
    used = sa.select(Referral.destination_id).where(Referral.occurred_on.between(first, last))
    rows = db.session.execute(
        sa.select(ReferralDestination.id, ReferralDestination.name)
        .where(sa.or_(ReferralDestination.active.is_(True), ReferralDestination.id.in_(used)))
        .order_by(ReferralDestination.position, ReferralDestination.id)
    )
    return dict(rows.tuples().all())


def quick_defaults(user_id: int | None) -> dict:
    """What the quick form starts with: the user's last entry, else the most common of the last 200."""
    t = ConsultationTally
    columns = (t.channel, t.is_new, t.heard_via, t.heard_location_id)
    last = None
    if user_id is not None:
        last = db.session.execute(
            sa.select(*columns)
            .where(t.recorded_by == user_id, t.monthly_tally_id.is_(None))
            .order_by(t.id.desc())
            .limit(1)
        ).first()
    if last is None:
        recent = (
            sa.select(*columns)
            .where(t.monthly_tally_id.is_(None))
            .order_by(t.id.desc())
            .limit(200)
            .subquery()
        )
        last = db.session.execute(
            sa.select(*recent.c).group_by(*recent.c).order_by(sa.func.count().desc(), *recent.c).limit(1)
        ).first()
    if last is None:
        return {
            "channel": Channel.PHONE.value,
            "is_new": True,
            "heard_via": HeardVia.UNKNOWN.value,
            "location_id": None,
        }
    channel, is_new, heard_via, location_id = last
    return {"channel": channel, "is_new": is_new, "heard_via": heard_via, "location_id": location_id}


@dataclass(frozen=True)
class RecentTally:
    """A tally row as the list of recent entries shows it."""

    id: int
    occurred_on: date
    channel: str
    is_new: bool
    heard_via: str
    location: str | None
    count: int
    from_sheet: bool
    referrals: list[str]


def recent_tallies(limit: int = 20) -> list[RecentTally]:
    """The latest tally rows, newest first, with their referrals' destinations."""
    t = ConsultationTally
    place = Location.name + sa.case((Location.spot != "", " " + Location.spot), else_="")
    rows = db.session.execute(
        sa.select(t.id, t.occurred_on, t.channel, t.is_new, t.heard_via, place, t.count, t.monthly_tally_id)
        .select_from(t)
        .outerjoin(Location, Location.id == t.heard_location_id)
        .order_by(t.id.desc())
        .limit(limit)
    ).all()
    ids = [row[0] for row in rows]
    names: dict[int, list[str]] = {}
    if ids:
        for tally_id, name in db.session.execute(
            sa.select(Referral.tally_id, ReferralDestination.name)
            .join(ReferralDestination, ReferralDestination.id == Referral.destination_id)
            .where(Referral.tally_id.in_(ids))
            .order_by(Referral.id)
        ):
            names.setdefault(tally_id, []).append(name)
    return [
        RecentTally(id_, on, channel, new, heard, place_name, count, sheet is not None, names.get(id_, []))
        for id_, on, channel, new, heard, place_name, count, sheet in rows
    ]


def cafe_sessions(fiscal_year: int) -> list[CafeSession]:
    """The cafe sessions of a fiscal year, newest first."""
    first, last = yearly.fiscal_year_days(fiscal_year)
    return list(
        db.session.scalars(
            sa.select(CafeSession)
            .where(CafeSession.held_on.between(first, last))
            .order_by(CafeSession.held_on.desc())
        )
    )
