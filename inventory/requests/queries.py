"""Reading requests: the staff queue, the counts per location and overall, a school's own view."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa

from inventory.core.db import db
from inventory.requests.models import (
    OPEN_STATUSES,
    PackRequest,
    RequestKind,
    RequestStatus,
)
from inventory.requests.personal_data import with_personal_data
from inventory.rounds.models import RestockVisit
from inventory.rounds.visits import placement_item, recent_visits
from inventory.stock.ledger import stock_of
from inventory.stock.models import Location

STATUS_FILTERS = ("open", "all", *[s.value for s in RequestStatus])


@dataclass(frozen=True)
class RequestRow:
    """A request for a list: the request, its location, whether it still holds personal data."""

    request: PackRequest
    location: Location | None
    has_personal_data: bool


def list_requests(
    *, status: str | None = "open", kind: str | None = None, location_id: int | None = None, limit: int = 200
) -> list[RequestRow]:
    """Requests, oldest open first (the queue), or newest first for closed ones."""
    query = sa.select(PackRequest, Location).outerjoin(Location, Location.id == PackRequest.location_id)
    if status == "open":
        query = query.where(PackRequest.status.in_(OPEN_STATUSES)).order_by(
            PackRequest.created_at, PackRequest.id
        )
    else:
        if status in {s.value for s in RequestStatus}:
            query = query.where(PackRequest.status == status)
        query = query.order_by(PackRequest.created_at.desc(), PackRequest.id.desc())
    if kind in {k.value for k in RequestKind}:
        query = query.where(PackRequest.kind == kind)
    if location_id is not None:
        query = query.where(PackRequest.location_id == location_id)
    rows = db.session.execute(query.limit(limit)).all()
    personal = with_personal_data(request.id for request, _ in rows)
    return [RequestRow(request, location, request.id in personal) for request, location in rows]


@dataclass
class LocationCount:
    """Requests that concern one location (None: no location, e.g. a phone call)."""

    location_id: int | None
    name: str
    spot: str
    refills: int = 0
    individuals: int = 0
    packs_fulfilled: int = 0

    @property
    def total(self) -> int:
        """Refills and individual requests together."""
        return self.refills + self.individuals


@dataclass
class RequestCounts:
    """Requests counted overall, by kind, by status and per location."""

    total: int = 0
    by_kind: dict = field(default_factory=dict)
    by_status: dict = field(default_factory=dict)
    packs_fulfilled: int = 0
    by_location: list = field(default_factory=list)


def count_requests(*, since: datetime | None = None, until: datetime | None = None) -> RequestCounts:
    """Count requests made in [since, until): a purged request counts like any other."""
    query = (
        sa.select(
            PackRequest.location_id,
            Location.name,
            Location.spot,
            PackRequest.kind,
            PackRequest.status,
            sa.func.count(),
            sa.func.sum(PackRequest.quantity),
        )
        .outerjoin(Location, Location.id == PackRequest.location_id)
        .group_by(PackRequest.location_id, Location.name, Location.spot, PackRequest.kind, PackRequest.status)
    )
    if since is not None:
        query = query.where(PackRequest.created_at >= since)
    if until is not None:
        query = query.where(PackRequest.created_at < until)
    counts = RequestCounts()
    places: dict[int | None, LocationCount] = {}
    for location_id, name, spot, kind, status, n, packs in db.session.execute(query):
        counts.total += n
        counts.by_kind[kind] = counts.by_kind.get(kind, 0) + n
        counts.by_status[status] = counts.by_status.get(status, 0) + n
        place = places.setdefault(location_id, LocationCount(location_id, name or "", spot or ""))
        if kind == RequestKind.REFILL:
            place.refills += n
        else:
            place.individuals += n
        if status == RequestStatus.FULFILLED:
            counts.packs_fulfilled += int(packs or 0)
            place.packs_fulfilled += int(packs or 0)
    counts.by_location = sorted(
        places.values(), key=lambda p: (p.location_id is None, -p.total, p.name, p.spot)
    )
    return counts


def count_new() -> int:
    """How many requests nobody has handled yet (status new): the navigation's badge, one COUNT."""
    return (
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(PackRequest)
            .where(PackRequest.status == RequestStatus.NEW.value)
        )
        or 0
    )


def open_refills_by_location() -> dict[int, int]:
    """Open school refills per location, for the round plan."""
    rows = db.session.execute(
        sa.select(PackRequest.location_id, sa.func.count())
        .where(PackRequest.kind == RequestKind.REFILL.value, PackRequest.status.in_(OPEN_STATUSES))
        .group_by(PackRequest.location_id)
    ).tuples()
    # A refill always names its school; the `if` says so to the checker.
    return {location_id: count for location_id, count in rows if location_id is not None}


def visits_for(request: PackRequest, limit: int = 10) -> list[RestockVisit]:
    """The restock visits that could have brought a school refill: to its location, since it was made."""
    if request.location_id is None:
        return []
    return list(
        db.session.scalars(
            sa.select(RestockVisit)
            .where(
                RestockVisit.location_id == request.location_id, RestockVisit.visited_at >= request.created_at
            )
            .order_by(RestockVisit.visited_at.desc())
            .limit(limit)
        )
    )


@dataclass(frozen=True)
class SchoolLocationView:
    """What a school contact sees of one of her locations."""

    location: Location
    level: int
    visits: list
    requests: list


def school_location_view(location: Location) -> SchoolLocationView:
    """The level now, recent visits and the school's own refill requests (never a person's)."""
    level = stock_of(location.id, placement_item().id)
    requests = list(
        db.session.scalars(
            sa.select(PackRequest)
            .where(PackRequest.location_id == location.id, PackRequest.kind == RequestKind.REFILL.value)
            .order_by(PackRequest.created_at.desc(), PackRequest.id.desc())
            .limit(20)
        )
    )
    return SchoolLocationView(location, level, recent_visits(location.id, limit=5), requests)


def school_request(request_id, location_ids) -> PackRequest | None:
    """A school's refill request by id, only if it belongs to one of its locations."""
    if not isinstance(request_id, int) or not location_ids:
        return None
    return db.session.scalar(
        sa.select(PackRequest).where(
            PackRequest.id == request_id,
            PackRequest.kind == RequestKind.REFILL.value,
            PackRequest.location_id.in_(list(location_ids)),
        )
    )


@dataclass(frozen=True)
class RequestFigures:
    """Requests made in a period and not cancelled, as the fiscal-year report counts them."""

    school_asked: int = 0
    school_fulfilled: int = 0
    school_avg_days: float | None = None
    individual_by_channel: dict[str, int] = field(default_factory=dict)
    individual_by_delivery: dict[str, int] = field(default_factory=dict)

    @property
    def individual_total(self) -> int:
        """Individual requests in the period."""
        return sum(self.individual_by_channel.values())


def report_figures(since: datetime, until: datetime) -> RequestFigures:
    """Requests made in [since, until) and not cancelled, as the fiscal-year report counts them.

    School refills: asked, fulfilled and the average days from asking to fulfilment;
    individual requests by channel and by delivery method.
    """
    rows = db.session.execute(
        sa.select(
            PackRequest.kind,
            PackRequest.status,
            PackRequest.channel,
            PackRequest.delivery,
            PackRequest.created_at,
            PackRequest.closed_at,
        ).where(
            PackRequest.created_at >= since,
            PackRequest.created_at < until,
            PackRequest.status != RequestStatus.CANCELLED.value,
        )
    )
    school_asked = school_fulfilled = 0
    by_channel: dict[str, int] = {}
    by_delivery: dict[str, int] = {}
    waits = []
    for kind, status, channel, delivery, created_at, closed_at in rows:
        if kind == RequestKind.REFILL:
            school_asked += 1
            if status == RequestStatus.FULFILLED:
                school_fulfilled += 1
                waits.append((closed_at - created_at).total_seconds() / 86400)
        else:
            by_channel[channel] = by_channel.get(channel, 0) + 1
            by_delivery[delivery] = by_delivery.get(delivery, 0) + 1
    return RequestFigures(
        school_asked=school_asked,
        school_fulfilled=school_fulfilled,
        school_avg_days=sum(waits) / len(waits) if waits else None,
        individual_by_channel=by_channel,
        individual_by_delivery=by_delivery,
    )


def open_request_counts() -> dict[int | None, int]:
    """Open requests of every kind per location id (None: individual requests from no QR page)."""
    return dict(
        db.session.execute(
            sa.select(PackRequest.location_id, sa.func.count())
            .where(PackRequest.status.in_(OPEN_STATUSES))
            .group_by(PackRequest.location_id)
        )
        .tuples()
        .all()
    )


def export_rows(since: datetime | None, until: datetime | None):
    """Requests made in [since, until) (either end open) for the CSV export: never anything personal."""
    query = (
        sa.select(
            PackRequest.id,
            PackRequest.created_at,
            PackRequest.kind,
            PackRequest.channel,
            PackRequest.delivery,
            Location.code,
            PackRequest.quantity,
            PackRequest.status,
            PackRequest.closed_at,
        )
        .outerjoin(Location, Location.id == PackRequest.location_id)
        .order_by(PackRequest.created_at, PackRequest.id)
    )
    if since is not None:
        query = query.where(PackRequest.created_at >= since)
    if until is not None:
        query = query.where(PackRequest.created_at < until)
    for (
        request_id,
        created_at,
        kind,
        channel,
        delivery,
        code,
        quantity,
        status,
        closed_at,
    ) in db.session.execute(query):
        yield (
            request_id,
            created_at,
            kind,
            channel,
            delivery or "",
            code or "",
            quantity,
            status,
            closed_at if status == RequestStatus.FULFILLED else None,
        )
