"""Availability (充足率): the share of days a placement point had packs, known or estimated.

The rules, as docs/availability.md and the pages state them:

- A location's days are counted from the (Japanese) day of its first visit; days before it are
  unknown and left out. A retired location counts up to its last visit. Today counts as a day.
- A day is an **empty day** if the location was known or estimated to be empty at any moment of it.
- After a visit, the location holds what the volunteer counted plus what she added. If that is
  nothing, it is empty from the visit on.
- If the next visit counts packs, the location had packs all the time in between (a visitor's
  report in that gap was mistaken or about another dispenser: it does not make days empty).
- If the next visit counts none, the location ran out in between: at the predicted empty date
  (the visit's level ÷ the location's consumption per day) if that falls inside the gap, else
  halfway between the two visits — or at the first visitor's report of empty, if that came earlier.
- After the last visit: empty from the predicted empty date or the first report of empty after
  the visit, whichever comes first; without either, stocked.

Consumption per day is the round plan's (`plan.consumption_rates`) over the period and the
RATE_WINDOW before it. The time from a report to the refill runs from a visitor's report to the
visit that closed it.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from inventory.core.clock import local_today, start_of_day_utc, utcnow
from inventory.core.db import db
from inventory.rounds.models import EmptyReport, ReportKind, RestockVisit
from inventory.rounds.plan import RATE_WINDOW, _not_reversed, consumption_rates
from inventory.stock.models import Location, LocationKind

DAY = timedelta(days=1)


@dataclass
class LocationAvailability:
    """One location's days in a period: known, empty, and its visitors' reports."""

    location_id: int
    days: int = 0
    empty_days: int = 0
    empty_reports: int = 0
    low_reports: int = 0
    refill_hours: list[float] = field(default_factory=list)

    @property
    def share(self) -> float | None:
        """Percent of known days with packs (None: no known day)."""
        return round((self.days - self.empty_days) * 100 / self.days, 1) if self.days else None

    @property
    def median_refill_hours(self) -> float | None:
        """Median hours from a visitor's report to the visit that closed it (None: none closed)."""
        return round(statistics.median(self.refill_hours), 1) if self.refill_hours else None


@dataclass
class Availability:
    """Availability of every placement point in a period, and over all of them."""

    first_day: date
    last_day: date
    locations: dict[int, LocationAvailability]

    @property
    def days(self) -> int:
        """Location-days known, all locations."""
        return sum(row.days for row in self.locations.values())

    @property
    def empty_days(self) -> int:
        """Location-days empty, all locations."""
        return sum(row.empty_days for row in self.locations.values())

    @property
    def share(self) -> float | None:
        """Percent of all known location-days with packs (None: nothing known)."""
        return round((self.days - self.empty_days) * 100 / self.days, 1) if self.days else None

    @property
    def empty_reports(self) -> int:
        """Visitors' reports of empty in the period."""
        return sum(row.empty_reports for row in self.locations.values())

    @property
    def low_reports(self) -> int:
        """Visitors' reports of running low in the period."""
        return sum(row.low_reports for row in self.locations.values())

    @property
    def median_refill_hours(self) -> float | None:
        """Median hours from a report to the refill, all locations."""
        hours = [h for row in self.locations.values() for h in row.refill_hours]
        return round(statistics.median(hours), 1) if hours else None

    def lowest(self, count: int) -> list[LocationAvailability]:
        """The locations with the lowest availability first (known ones only)."""
        known = [row for row in self.locations.values() if row.days]
        return sorted(known, key=lambda row: (row.share, row.location_id))[:count]


def _empty_spans(visits: list[tuple], reports: list[datetime], rate: float, end: datetime) -> list[tuple]:
    """The (start, end) spans a location was known or estimated empty, from its visits and reports.

    `visits` are (visited_at, counted, level after) in time order; `reports` the times of
    reports of empty in order; `end` where the history stops (now, or the end of the period).
    """
    spans = []
    for index, (at, _counted, level) in enumerate(visits):
        following = visits[index + 1] if index + 1 < len(visits) else None
        until = following[0] if following else end
        if until <= at:
            continue
        if level == 0:
            spans.append((at, until))
            continue
        if following and following[1] > 0:
            continue  # the next count found packs: stocked all along
        predicted = at + timedelta(days=level / rate) if rate > 0 else None
        reported = next((r for r in reports if at < r < until), None)
        if following:
            run_out = predicted if predicted is not None and predicted < until else at + (until - at) / 2
            if reported is not None and reported < run_out:
                run_out = reported
        else:
            known = [t for t in (predicted, reported) if t is not None and t < until]
            if not known:
                continue
            run_out = min(known)
        spans.append((run_out, until))
    return spans


def _local_day(moment: datetime) -> date:
    return local_today(moment)


def _days_touched(spans, first: date, last: date) -> set[date]:
    """The Japanese days in [first, last] that some span overlaps for a moment or more."""
    days = set()
    for start, end in spans:
        day = max(_local_day(start), first)
        # A span ending exactly at midnight does not touch the next day.
        stop = min(_local_day(end - timedelta(microseconds=1)), last)
        while day <= stop:
            days.add(day)
            day += DAY
    return days


def availability(first: date, last: date, *, location_ids=None, now: datetime | None = None) -> Availability:
    """Availability of the placement points (all, or `location_ids`) on the Japanese days [first, last]."""
    now = now or utcnow()
    last = min(last, local_today(now))
    since = start_of_day_utc(first)
    end = min(start_of_day_utc(last + DAY), now)
    query = sa.select(Location.id, Location.active).where(Location.kind != LocationKind.STOREROOM.value)
    if location_ids is not None:
        query = query.where(Location.id.in_(list(location_ids)))
    places = dict(db.session.execute(query).tuples().all())
    result = Availability(first, last, {place: LocationAvailability(place) for place in places})
    if last < first or not places:
        return result

    visits: dict[int, list[tuple]] = {}
    v, earlier = RestockVisit, aliased(RestockVisit)
    # Each location's history from its last visit before the period on: older visits change nothing.
    last_before = (
        sa.select(sa.func.max(earlier.visited_at))
        .where(earlier.location_id == v.location_id, earlier.visited_at < since, _not_reversed(earlier))
        .scalar_subquery()
    )
    rows = db.session.execute(
        sa.select(v.location_id, v.visited_at, v.counted, v.counted + v.added + v.added_unrecorded)
        .where(
            v.location_id.in_(list(places)),
            v.visited_at >= sa.func.coalesce(last_before, since),
            v.visited_at < end,
            _not_reversed(v),
        )
        .order_by(v.location_id, v.visited_at, v.id)
    )
    for place, at, counted, level in rows:
        visits.setdefault(place, []).append((at, counted, level))
    reports: dict[int, list[datetime]] = {}
    rows = db.session.execute(
        sa.select(EmptyReport.location_id, EmptyReport.reported_at)
        .where(
            EmptyReport.location_id.in_(list(places)),
            EmptyReport.kind == ReportKind.EMPTY.value,
            EmptyReport.reported_at < end,
        )
        .order_by(EmptyReport.location_id, EmptyReport.reported_at)
    )
    for place, at in rows:
        reports.setdefault(place, []).append(at)
    rates = consumption_rates(since - RATE_WINDOW, end)

    for place, active in places.items():
        history = visits.get(place)
        if not history:
            continue
        stop = end if active else min(end, history[-1][0])
        known_from = max(first, _local_day(history[0][0]))
        known_to = min(last, _local_day(stop)) if active else min(last, _local_day(history[-1][0]))
        if known_to < known_from:
            continue
        spans = _empty_spans(history, reports.get(place, []), rates.get(place, 0.0), stop)
        row = result.locations[place]
        row.days = (known_to - known_from).days + 1
        row.empty_days = len(_days_touched(spans, known_from, known_to))

    counts = db.session.execute(
        sa.select(
            EmptyReport.location_id, EmptyReport.kind, EmptyReport.reported_at, EmptyReport.closed_at
        ).where(
            EmptyReport.location_id.in_(list(places)),
            EmptyReport.reported_at >= since,
            EmptyReport.reported_at < end,
        )
    )
    for place, kind, reported_at, closed_at in counts:
        row = result.locations[place]
        if kind == ReportKind.EMPTY.value:
            row.empty_reports += 1
        else:
            row.low_reports += 1
        if closed_at is not None:
            row.refill_hours.append((closed_at - reported_at).total_seconds() / 3600)
    return result
