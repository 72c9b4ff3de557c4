"""The staff dashboard: what is running low, which locations are due, how the year is going.

Also the figures of one location's report page (visits, consumption per day, scans).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from inventory.core.clock import local_today, start_of_day_utc, utcnow
from inventory.core.db import db
from inventory.reports import yearly as reports
from inventory.reports.availability import Availability, availability
from inventory.requests import queries as request_queries
from inventory.rounds import plan as rounds
from inventory.rounds.models import RestockVisit
from inventory.settings.organisation import fiscal_year_of
from inventory.stock.catalog import get_location
from inventory.stock.errors import UnknownItem
from inventory.stock.models import (
    Item,
    Location,
    LocationKind,
    MovementKind,
    StockLevel,
    StockMovement,
)

COVER_WINDOW = timedelta(days=90)
# Fewer days of cover than this is a warning, whatever the item's threshold says.
LOW_COVER_DAYS = 30
# A placement point predicted to run empty within this many days is due soon.
DUE_WITHIN_DAYS = 7
DUE_LIMIT = 12
CHART_MONTHS = 12


@dataclass(frozen=True)
class CoverRow:
    """One item in one storeroom: stock, average daily outflow, days of cover, warnings."""

    location_id: int
    location_name: str
    item_id: int
    item_name: str
    unit: str
    qty: int
    threshold: int
    daily_outflow: float
    days_of_cover: float | None
    below_threshold: bool
    low_cover: bool

    @property
    def low(self) -> bool:
        """Whether the row deserves a warning."""
        return self.below_threshold or self.low_cover

    @property
    def empty_on(self) -> date | None:
        """The Japanese day the stock runs out at the current pace (None: no outflow)."""
        if self.days_of_cover is None:
            return None
        return local_today() + timedelta(days=int(self.days_of_cover))


@dataclass
class Dashboard:
    """Everything the dashboard shows."""

    now: datetime
    cover: list[CoverRow]
    due: list[rounds.PlanRow]
    open_requests: int
    fiscal_year: int
    year_totals: dict[str, int]
    months: list[date]
    monthly: dict[str, list[int]]
    # This fiscal year so far, and the last 30 days.
    availability: Availability
    availability_recent: Availability


AVAILABILITY_RECENT_DAYS = 30


def _outflows(since: datetime, until: datetime, rooms: list[int]) -> dict[tuple[int, int], int]:
    """Stock leaving each storeroom per item in [since, until); reversed movements do not count."""
    m, reversal = StockMovement, aliased(StockMovement)
    query = (
        sa.select(m.from_location_id, m.item_id, sa.func.sum(m.quantity))
        .where(
            m.from_location_id.in_(rooms),
            m.kind != MovementKind.REVERSAL.value,
            m.occurred_at >= since,
            m.occurred_at < until,
            ~sa.exists().where(reversal.reverses_id == m.id),
        )
        .group_by(m.from_location_id, m.item_id)
    )
    return {(room, item_id): int(qty) for room, item_id, qty in db.session.execute(query)}


def storeroom_cover(now: datetime | None = None, window: timedelta = COVER_WINDOW) -> list[CoverRow]:
    """Stock per item in each active storeroom with days of cover (stock ÷ average daily outflow)."""
    now = now or utcnow()
    rows = db.session.execute(
        sa.select(
            Location.id,
            Location.name,
            Item.id,
            Item.name,
            Item.unit,
            StockLevel.qty,
            Item.low_stock_threshold,
        )
        .join(StockLevel, StockLevel.location_id == Location.id)
        .join(Item, Item.id == StockLevel.item_id)
        .where(Location.kind == LocationKind.STOREROOM.value, Location.active, Item.active)
        .order_by(Location.name, Location.id, Item.kind.desc(), Item.name)
    ).all()
    rooms = sorted({row[0] for row in rows})
    outflows = _outflows(now - window, now, rooms) if rooms else {}
    days = window.total_seconds() / 86400
    result = []
    for room, room_name, item_id, item_name, unit, qty, threshold in rows:
        rate = max(outflows.get((room, item_id), 0), 0) / days
        cover = qty / rate if rate > 0 else None
        result.append(
            CoverRow(
                room,
                room_name,
                item_id,
                item_name,
                unit,
                qty,
                threshold,
                rate,
                cover,
                below_threshold=threshold > 0 and qty <= threshold,
                low_cover=cover is not None and cover < LOW_COVER_DAYS,
            )
        )
    return result


def due_locations(now: datetime | None = None, limit: int | None = DUE_LIMIT) -> list[rounds.PlanRow]:
    """Placement points due (empty, overdue visit, open request or empty within a week), most urgent first."""
    now = now or utcnow()
    try:
        plan = rounds.round_plan(now)
    except UnknownItem:
        return []  # no package item yet: nothing can be placed, so nothing is due
    due = [
        row
        for row in plan
        if row.report_kind
        or row.overdue
        or row.open_requests
        or row.expected_now <= 0  # found empty, even before its pace is known
        or (row.days_left is not None and row.days_left <= DUE_WITHIN_DAYS)
    ]
    return due[:limit]


@dataclass(frozen=True)
class Waiting:
    """What waits for the office, for the staff home page: each list with its count."""

    new_requests: int
    open_requests: int
    due: list[rounds.PlanRow]
    low_stock: list[CoverRow]


def waiting(now: datetime | None = None) -> Waiting:
    """New and open requests, locations due a visit (found empty, asked for, overdue), low storeroom stock."""
    now = now or utcnow()
    open_counts = request_queries.open_request_counts()
    return Waiting(
        new_requests=request_queries.count_new(),
        open_requests=sum(open_counts.values()),
        # Found empty first: people are asking for a pack there right now.
        due=sorted(due_locations(now, limit=None), key=lambda row: row.expected_now > 0),
        low_stock=[row for row in storeroom_cover(now) if row.low],
    )


def last_months(now: datetime, count: int = CHART_MONTHS) -> list[date]:
    """The first days of the last `count` Japanese months (this one last), plus the next month's."""
    today = local_today(now)
    back = today.year * 12 + today.month - 1 - (count - 1)
    return reports.month_starts(date(back // 12, back % 12 + 1, 1), count)


def dashboard(now: datetime | None = None) -> Dashboard:
    """Compute the dashboard: storeroom cover, due locations, open requests, this year and 12 months."""
    now = now or utcnow()
    months = last_months(now)
    bounds = [start_of_day_utc(day) for day in months]
    items = reports.pad_items()
    flows = reports.net_flows(bounds[0], bounds[-1], item_ids=items, months=bounds, by_place=False)
    monthly = {
        kind: [0] * CHART_MONTHS
        for kind in (*reports.RECEIPT_KINDS, *reports.GIVEN_OUT_KINDS, MovementKind.CONSUMPTION.value)
    }
    for (kind, _item, _place, month), qty in flows.items():
        if kind in (reports.PLACED, reports.DELIVERED, reports.RETURNED):
            monthly["placed"][month] += qty
        elif kind in monthly:
            monthly[kind][month] += qty
    fiscal_year = fiscal_year_of(local_today(now))
    year_start = date(fiscal_year, 4, 1)
    in_year = [index for index, day in enumerate(months[:-1]) if day >= year_start]
    totals = {kind: sum(values[i] for i in in_year) for kind, values in monthly.items()}
    totals["support_page_scans"] = reports.scan_total(year_start, local_today(now))
    open_requests = sum(request_queries.open_request_counts().values())
    today = local_today(now)
    return Dashboard(
        now=now,
        cover=storeroom_cover(now),
        due=due_locations(now),
        open_requests=open_requests,
        fiscal_year=fiscal_year,
        year_totals=totals,
        months=months[:-1],
        monthly=monthly,
        availability=availability(year_start, today, now=now),
        availability_recent=availability(
            today - timedelta(days=AVAILABILITY_RECENT_DAYS - 1), today, now=now
        ),
    )


@dataclass
class LocationReport:
    """One location's visits, consumption per day by month, prediction and scans by month."""

    location: Location
    visits: list[RestockVisit]
    months: list[date]
    # Packages taken by month: each visit's count spread evenly over the span it covers.
    consumed: list[float]
    per_day: list[float]
    scans: list[int]
    plan: rounds.PlanRow | None
    # This fiscal year so far (with the visitors' reports and the time to refill).
    availability: Availability


def _spread_consumption(
    location_id: int, bounds: list[datetime], until: datetime
) -> tuple[list[float], list[float]]:
    """A location's consumption by month, and the days of each month that consumption covers.

    A visit counts what was taken since the previous (not reversed) visit, so its count is spread
    evenly over that span and each month gets the share of the span it holds: 4 packages taken
    over 16 days, 12 of them last month, are 3 last month and 1 this month. `bounds` are the
    months' starts and the end of the last one; spans after `until` are not read.
    """
    months = len(bounds) - 1
    consumed, covered = [0.0] * months, [0.0] * months
    span = rounds.counted_spans(until, location_id)
    rows = db.session.execute(
        sa.select(span.c.since, span.c.until, span.c.consumed).where(
            span.c.since.is_not(None), span.c.until > bounds[0], span.c.since < bounds[-1]
        )
    )
    for since, visited_at, taken in rows:
        length = (visited_at - since).total_seconds()
        for index in range(months):
            start, end = bounds[index], bounds[index + 1]
            overlap = (min(visited_at, end) - max(since, start)).total_seconds()
            if overlap > 0:
                covered[index] += overlap / 86400
                consumed[index] += taken * overlap / length
            elif length <= 0 and start <= visited_at < end:
                consumed[index] += taken  # two visits at the same moment: no span to spread over
    return consumed, covered


def location_report(location_id: int, now: datetime | None = None, visits: int = 30) -> LocationReport:
    """The report of one location (retired too); raises UnknownLocation."""
    now = now or utcnow()
    location = get_location(location_id)
    months = last_months(now)
    bounds = [start_of_day_utc(day) for day in months]
    consumed, covered = _spread_consumption(location.id, bounds, bounds[-1])
    # Per day over the days of each month the counts cover (nothing known: 0).
    per_day = [round(taken / days, 2) if days else 0.0 for taken, days in zip(consumed, covered, strict=True)]
    consumed = [round(taken, 2) for taken in consumed]
    scans = reports.scans_by_month(months[0], CHART_MONTHS, location_id=location.id).get(
        location.id, [0] * CHART_MONTHS
    )
    recent = list(
        db.session.scalars(
            sa.select(RestockVisit)
            .where(RestockVisit.location_id == location.id)
            .order_by(RestockVisit.visited_at.desc())
            .limit(visits)
        )
    )
    plan = None
    if location.active and location.kind != LocationKind.STOREROOM.value:
        try:
            plan = next((row for row in rounds.round_plan(now) if row.location_id == location.id), None)
        except UnknownItem:
            plan = None
    return LocationReport(
        location=location,
        visits=recent,
        months=months[:-1],
        consumed=consumed,
        per_day=per_day,
        scans=scans,
        plan=plan,
        availability=availability(
            date(fiscal_year_of(local_today(now)), 4, 1),
            local_today(now),
            location_ids=[location.id],
            now=now,
        ),
    )
