"""The round plan: which locations need a visit first, and how many packages to carry."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa

from inventory.core.clock import utcnow
from inventory.core.db import db
from inventory.requests.queries import open_refills_by_location
from inventory.rounds.empty_reports import open_reports
from inventory.rounds.errors import NoPlacementItem
from inventory.rounds.models import RestockVisit
from inventory.rounds.visits import placement_item
from inventory.stock.models import Location, LocationKind, StockLevel, StockRecord

RATE_WINDOW = timedelta(days=60)
# A placement point not visited for this long is overdue whatever its stock says.
OVERDUE_AFTER = timedelta(days=14)


@dataclass(frozen=True)
class PlanRow:
    """One location on the round plan."""

    location_id: int
    code: str
    name: str
    spot: str
    kind: str
    level: int
    # What should be there now by the ledger: the balance, as the restock form shows it
    # (visits.suggest) and as the next visit will record it as "expected".
    expected_now: int
    # The balance less what people probably took since the last visit (at `daily_rate`).
    predicted_now: float
    target: int
    daily_rate: float
    days_left: float | None
    empty_on: datetime | None
    last_visit_at: datetime | None
    overdue: bool
    open_requests: int
    to_bring: int
    # A visitor's open report (the first one's time; "empty" or "low"): urgent at once.
    reported_at: datetime | None = None
    report_kind: str | None = None


def _not_reversed(visit=RestockVisit):
    """A visit counts unless its record was reversed (some record names it in reverses_record_id)."""
    return ~sa.exists().where(StockRecord.reverses_record_id == visit.record_id)


def counted_spans(until: datetime, location_id: int | None = None) -> sa.Subquery:
    """Each visit (not reversed, up to `until`) with what it counted as taken and the span it covers.

    A visit learns consumption only by counting: the packages that left the location since the
    previous count, i.e. over the span from the previous visit that was not reversed (`since`) to
    this one (`until`). A location's first visit has no previous one: `since` is NULL, and what it
    counted as taken covers an unknown span, so the rates and the charts leave it out.
    Columns: location_id, since, until, consumed.
    """
    v = RestockVisit
    order = (v.visited_at, v.id)
    query = sa.select(
        v.location_id,
        sa.func.lag(v.visited_at, type_=v.visited_at.type)
        .over(partition_by=v.location_id, order_by=order)
        .label("since"),
        v.visited_at.label("until"),
        # What record_visit took out as CONSUMPTION: expected less counted, when fewer were left.
        sa.case((v.expected > v.counted, v.expected - v.counted), else_=0).label("consumed"),
    ).where(v.visited_at <= until, _not_reversed(v))
    if location_id is not None:
        query = query.where(v.location_id == location_id)
    return query.subquery("counted_span")


def consumption_rates(since: datetime, until: datetime) -> dict[int, float]:
    """Packages taken per day at each location, from the visits in [since, until].

    Each location's total is what its visits in the window counted as taken, divided by the span
    those counts cover: from the visit before the window's first one (the first one itself if it
    is the location's first visit, which counts nothing) to the window's last visit. Reversed
    visits count nowhere. A location whose counts cover less than a day is taken as one day.
    """
    span = counted_spans(until)
    rows = db.session.execute(
        sa.select(
            span.c.location_id,
            sa.func.sum(span.c.consumed),
            sa.func.min(span.c.since),
            sa.func.max(span.c.until),
        )
        .where(span.c.since.is_not(None), span.c.until >= since)
        .group_by(span.c.location_id)
    )
    rates = {}
    for location_id, total, first, last in rows:
        # Consecutive visits' spans join end to end, so together they cover first → last.
        days = (last - first).total_seconds() / 86400
        rates[location_id] = float(total) / max(days, 1.0)
    return rates


def expected_counts() -> dict[int, int]:
    """What should be at each location by the ledger: its balance of the placement item.

    The same figure as the restock form's expected count (visits.suggest), which a visit records
    as `expected`: reversed visits are already undone in the balance.
    """
    try:
        item_id = placement_item().id
    except NoPlacementItem:
        return {}
    return dict(
        db.session.execute(
            sa.select(StockLevel.location_id, StockLevel.qty).where(StockLevel.item_id == item_id)
        )
        .tuples()
        .all()
    )


def last_visits() -> dict[int, datetime]:
    """When each location was last visited, reversed visits left out."""
    return dict(
        db.session.execute(
            sa.select(RestockVisit.location_id, sa.func.max(RestockVisit.visited_at))
            .where(_not_reversed())
            .group_by(RestockVisit.location_id)
        )
        .tuples()
        .all()
    )


def round_plan(now: datetime | None = None) -> list[PlanRow]:
    """Every active placement point, most urgent first.

    Reported empty by a visitor (oldest report first), then reported low, then overdue or asked
    for, then soonest empty.
    """
    now = now or utcnow()
    open_requests = open_refills_by_location()
    reports = open_reports()
    rates = consumption_rates(now - RATE_WINDOW, now)
    levels = expected_counts()
    visited = last_visits()
    rows = []
    locations = db.session.scalars(
        sa.select(Location)
        .where(Location.active, Location.kind != LocationKind.STOREROOM.value)
        .order_by(Location.name)
    )
    for location in locations:
        level, rate = levels.get(location.id, 0), rates.get(location.id, 0.0)
        last = visited.get(location.id)
        report = reports.get(location.id)
        # Consumption is only learnt at visits: since the last one, people took about rate a day.
        days_since = max((now - last).total_seconds() / 86400, 0.0) if last else 0.0
        predicted_now = max(level - rate * days_since, 0.0)
        if report and report.kind == "empty":
            predicted_now = 0.0  # a visitor saw none left: carry the full target
        days_left = predicted_now / rate if rate > 0 else None
        rows.append(
            PlanRow(
                location_id=location.id,
                code=location.code,
                name=location.name,
                spot=location.spot,
                kind=location.kind,
                level=level,
                expected_now=level,
                predicted_now=predicted_now,
                target=location.target_level,
                daily_rate=rate,
                days_left=days_left,
                empty_on=now + timedelta(days=days_left) if days_left is not None else None,
                last_visit_at=last,
                overdue=last is None or now - last > OVERDUE_AFTER,
                open_requests=open_requests.get(location.id, 0),
                to_bring=max(location.target_level - round(predicted_now), 0),
                reported_at=report.first_reported_at if report else None,
                report_kind=report.kind if report else None,
            )
        )
    never = float("inf")
    urgency = {"empty": 0, "low": 1, None: 2}
    rows.sort(
        key=lambda r: (
            urgency[r.report_kind],
            r.reported_at or now,
            not r.overdue and not r.open_requests,
            r.days_left if r.days_left is not None else never,
            r.name,
        )
    )
    return rows


def carry_list(rows: list[PlanRow], location_ids) -> int:
    """How many packages to take for the chosen locations (up to each one's target)."""
    chosen = set(location_ids)
    return sum(row.to_bring for row in rows if row.location_id in chosen)
