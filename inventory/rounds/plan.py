"""The round plan: which locations need a visit first, and how many packages to carry."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa

from inventory.core.clock import utcnow
from inventory.core.db import db
from inventory.requests.queries import open_refills_by_location
from inventory.rounds.errors import NoPlacementItem
from inventory.rounds.models import RestockVisit
from inventory.rounds.visits import placement_item
from inventory.stock.models import (
    Location,
    LocationKind,
    MovementKind,
    StockLevel,
    StockMovement,
)

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
    # The level counted at the last visit, less what people probably took since.
    expected_now: int
    target: int
    daily_rate: float
    days_left: float | None
    empty_on: datetime | None
    last_visit_at: datetime | None
    overdue: bool
    open_requests: int
    to_bring: int


def consumption_rates(since: datetime, until: datetime) -> dict[int, float]:
    """Packages taken per day at each location over [since, until], from the ledger.

    Consumption is only learnt at visits, so each location's total is divided by the span its
    visits cover inside the window (from its first visit there, or `since`, to its last one),
    not by the whole window: a location placed three weeks ago is not diluted over 60 days.
    """
    totals = db.session.execute(
        sa.select(StockMovement.from_location_id, sa.func.sum(StockMovement.quantity))
        .where(
            StockMovement.kind == MovementKind.CONSUMPTION.value,
            StockMovement.occurred_at >= since,
            StockMovement.occurred_at <= until,
        )
        .group_by(StockMovement.from_location_id)
    ).all()
    if not totals:
        return {}
    spans = {
        location_id: (first, last)
        for location_id, first, last in db.session.execute(
            sa.select(
                RestockVisit.location_id,
                sa.func.min(RestockVisit.visited_at),
                sa.func.max(RestockVisit.visited_at),
            )
            .where(RestockVisit.visited_at <= until)
            .group_by(RestockVisit.location_id)
        )
    }
    rates = {}
    for location_id, total in totals:
        first, last = spans.get(location_id, (since, until))
        days = (min(last, until) - max(first, since)).total_seconds() / 86400
        rates[location_id] = float(total) / max(days, 1.0)
    return rates


def round_plan(now: datetime | None = None) -> list[PlanRow]:
    """Every active placement point, most urgent first: overdue or asked for, then soonest empty."""
    now = now or utcnow()
    open_requests = open_refills_by_location()
    rates = consumption_rates(now - RATE_WINDOW, now)
    try:
        levels = dict(
            db.session.execute(
                sa.select(StockLevel.location_id, StockLevel.qty).where(
                    StockLevel.item_id == placement_item().id
                )
            )
            .tuples()
            .all()
        )
    except NoPlacementItem:
        levels = {}
    last_visits = dict(
        db.session.execute(
            sa.select(RestockVisit.location_id, sa.func.max(RestockVisit.visited_at)).group_by(
                RestockVisit.location_id
            )
        )
        .tuples()
        .all()
    )
    rows = []
    locations = db.session.scalars(
        sa.select(Location)
        .where(Location.active, Location.kind != LocationKind.STOREROOM.value)
        .order_by(Location.name)
    )
    for location in locations:
        level, rate = levels.get(location.id, 0), rates.get(location.id, 0.0)
        last = last_visits.get(location.id)
        # Placement points only change at visits, so the balance is what was there back then.
        days_since = (now - last).total_seconds() / 86400 if last else 0.0
        expected_now = max(level - rate * days_since, 0.0)
        days_left = expected_now / rate if rate > 0 else None
        rows.append(
            PlanRow(
                location_id=location.id,
                code=location.code,
                name=location.name,
                spot=location.spot,
                kind=location.kind,
                level=level,
                expected_now=round(expected_now),
                target=location.target_level,
                daily_rate=rate,
                days_left=days_left,
                empty_on=now + timedelta(days=days_left) if days_left is not None else None,
                last_visit_at=last,
                overdue=last is None or now - last > OVERDUE_AFTER,
                open_requests=open_requests.get(location.id, 0),
                to_bring=max(location.target_level - round(expected_now), 0),
            )
        )
    never = float("inf")
    rows.sort(
        key=lambda r: (
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
