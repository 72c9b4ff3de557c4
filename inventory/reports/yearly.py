"""The fiscal-year report (年度報告) for the city: what came in, what went out, reach, targets.

Every figure is summed in SQL over a range of `occurred_at` (naive UTC; a Japanese day or month
is turned into UTC bounds first) and nets out reversals: a movement that was reversed does not
count, whenever the reversal happened. Only items that carry pads (packs and packages) count as
packs; leaflets do not.

Request figures come from `request_queries` (requests made in the period, cancelled ones left out).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from inventory.core.clock import local_today, start_of_day_utc
from inventory.core.db import db
from inventory.outcomes.counts import outcome_actuals
from inventory.requests import queries as request_queries
from inventory.rounds.models import SupportPageScan
from inventory.settings.organisation import (
    TARGET_METRICS,
    fiscal_year_of,
    get_settings,
    get_targets,
)
from inventory.stock.models import (
    Donation,
    Item,
    ItemKind,
    Location,
    LocationKind,
    MovementKind,
    Purchase,
    PurchaseLine,
    StockMovement,
    StockRecord,
)

# Years a report can be asked for; outside this the question is a typing mistake.
FIRST_YEAR, LAST_YEAR = 2000, 2100
RECEIPT_KINDS = (MovementKind.RECEIPT_DONATION.value, MovementKind.RECEIPT_PURCHASE.value)
GIVEN_OUT_KINDS = ("placed", MovementKind.MAILED.value, MovementKind.HANDED_OVER.value)
FLOW_KINDS = (
    *RECEIPT_KINDS,
    MovementKind.TRANSFER.value,
    MovementKind.CONSUMPTION.value,
    MovementKind.MAILED.value,
    MovementKind.HANDED_OVER.value,
)


class YearOutOfRange(ValueError):
    """A fiscal year nobody can mean (before 2000, after 2100)."""


def check_fiscal_year(fiscal_year) -> int:
    """Return the year if a report can be made for it, else raise YearOutOfRange."""
    if (
        isinstance(fiscal_year, bool)
        or not isinstance(fiscal_year, int)
        or not FIRST_YEAR <= fiscal_year <= LAST_YEAR
    ):
        raise YearOutOfRange(fiscal_year)
    return fiscal_year


def fiscal_year_days(fiscal_year: int) -> tuple[date, date]:
    """The first and the last Japanese calendar day of a fiscal year (April 1, March 31)."""
    return date(fiscal_year, 4, 1), date(fiscal_year + 1, 3, 31)


def fiscal_year_bounds(fiscal_year: int) -> tuple[datetime, datetime]:
    """A fiscal year as naive UTC bounds [since, until): April 1 00:00 JST to the next April 1."""
    return start_of_day_utc(date(fiscal_year, 4, 1)), start_of_day_utc(date(fiscal_year + 1, 4, 1))


def month_starts(first: date, count: int) -> list[date]:
    """`count` first-of-month dates from `first`'s month, plus the one after them (count + 1 in all)."""
    year, month = first.year, first.month
    starts = []
    for _ in range(count + 1):
        starts.append(date(year, month, 1))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return starts


def month_index(column, bounds: list):
    """A portable CASE giving the 0-based month of a value, given the month bounds (len n + 1)."""
    whens = [(column < bound, index) for index, bound in enumerate(bounds[1:-1])]
    return sa.case(*whens, else_=len(bounds) - 2) if whens else sa.literal(0)


@dataclass(frozen=True)
class ItemInfo:
    """An item as the reports name it, with its pads per unit (None: carries no pads)."""

    id: int
    name: str
    unit: str
    pads: int | None


@dataclass(frozen=True)
class PlaceInfo:
    """A location as the reports name it."""

    id: int
    code: str
    name: str
    spot: str
    kind: str
    active: bool

    @property
    def label(self) -> str:
        """The name with its spot, for tables."""
        return self.name + (f" {self.spot}" if self.spot else "")


def pad_items() -> dict[int, ItemInfo]:
    """Items that carry pads: those with pads per unit, and packages (the setting's pads per pack)."""
    default = get_settings().pads_per_pack
    rows = db.session.execute(
        sa.select(Item.id, Item.name, Item.unit, Item.pads_per_unit, Item.kind).order_by(Item.id)
    )
    return {
        id_: ItemInfo(id_, name, unit, pads or default)
        for id_, name, unit, pads, kind in rows
        if pads or kind == ItemKind.PACKAGE.value
    }


def places() -> dict[int, PlaceInfo]:
    """Every location (retired too) by id."""
    rows = db.session.execute(
        sa.select(Location.id, Location.code, Location.name, Location.spot, Location.kind, Location.active)
    )
    return {row[0]: PlaceInfo(*row) for row in rows}


def storeroom_ids() -> list[int]:
    """The ids of every storeroom, retired too."""
    return list(
        db.session.scalars(sa.select(Location.id).where(Location.kind == LocationKind.STOREROOM.value))
    )


def net_flows(
    since: datetime,
    until: datetime,
    *,
    item_ids,
    months: list[datetime] | None = None,
    kinds=FLOW_KINDS,
    rooms: list[int] | None = None,
    by_place: bool = True,
) -> dict[tuple, int]:
    """Quantities by (kind, item, place, month) in [since, until), reversed movements netted out.

    `place` is the receiving side of receipts and transfers and the giving side of outflows.
    Transfers count only from a storeroom to a placement point (placement). `month` is an index
    into `months` (UTC month bounds, first = since) or 0 without them; without `by_place`, place is 0.
    """
    rooms = storeroom_ids() if rooms is None else rooms
    item_ids = list(item_ids)
    if not item_ids:
        return {}

    def grouped(m, extra=()):
        place = (
            sa.case(
                (m.kind.in_([*RECEIPT_KINDS, MovementKind.TRANSFER.value]), m.to_location_id),
                else_=m.from_location_id,
            )
            if by_place
            else sa.literal(0)
        )
        month = month_index(m.occurred_at, months) if months else sa.literal(0)
        columns = [m.kind, m.item_id, place, month]
        placement = (
            sa.and_(m.from_location_id.in_(rooms), m.to_location_id.not_in(rooms)) if rooms else sa.false()
        )
        return (
            sa.select(*columns, sa.func.sum(m.quantity))
            .where(
                m.item_id.in_(item_ids),
                m.occurred_at >= since,
                m.occurred_at < until,
                m.kind.in_(list(kinds)),
                sa.or_(m.kind != MovementKind.TRANSFER.value, placement),
                *extra,
            )
            .group_by(*columns)
        )

    totals: dict[tuple, int] = {}
    for row in db.session.execute(grouped(StockMovement)):
        totals[tuple(row[:4])] = int(row[4])
    original = aliased(StockMovement)
    undone = grouped(original, [~_not_undone(original)])
    for row in db.session.execute(undone):
        key = tuple(row[:4])
        totals[key] = totals.get(key, 0) - int(row[4])
    return {key: value for key, value in totals.items() if value}


def _not_reversed(record_id_column):
    """A record counts only if no reversal names it."""
    reversal = aliased(StockRecord)
    return ~sa.exists().where(reversal.reverses_record_id == record_id_column)


@dataclass
class KpiRow:
    """One line of the city's table: target (目標値), actual (実績値) and the rate achieved."""

    metric: str
    target: int | None
    actual: int

    @property
    def rate(self) -> float | None:
        """Percent of the target reached (None without a target; a zero target met is 100)."""
        if self.target is None:
            return None
        if self.target == 0:
            return 100.0
        return round(self.actual * 100 / self.target, 1)


@dataclass
class FiscalYearReport:
    """Every figure of one fiscal year; dicts map codes or ids to numbers."""

    fiscal_year: int
    first_day: date
    last_day: date
    months: list[date]
    items: dict[int, ItemInfo]
    places: dict[int, PlaceInfo]
    received: dict[str, dict[int, int]]  # receipt kind -> item id -> packs
    received_pads: dict[str, int]  # receipt kind -> approximate pads
    donations_by_kind: dict[str, tuple[int, int]]  # donor kind -> (donations, packs)
    purchases_by_funding: dict[str, tuple[int, int, int]]  # funding -> (purchases, packs, yen)
    placed_by_location: dict[int, int]
    placed_by_kind: dict[str, int]
    mailed: int
    handed_over: int
    consumption_by_location: dict[int, int]
    monthly: dict[str, list[int]]  # kind or "placed" -> 12 numbers
    scans_by_location: dict[int, list[int]]  # location id -> 12 numbers
    requests: request_queries.RequestFigures
    kpis: list[KpiRow]

    @property
    def received_total(self) -> int:
        """Packs received by donation and purchase."""
        return sum(sum(by_item.values()) for by_item in self.received.values())

    @property
    def placed_total(self) -> int:
        """Packs placed at placement points."""
        return sum(self.placed_by_location.values())

    @property
    def consumption_total(self) -> int:
        """Packs taken by users at placement points."""
        return sum(self.consumption_by_location.values())

    @property
    def scans_total(self) -> int:
        """Support-page scans in the year."""
        return sum(sum(months) for months in self.scans_by_location.values())

    @property
    def scans_by_month(self) -> list[int]:
        """Support-page scans per month, all locations."""
        return [sum(months[i] for months in self.scans_by_location.values()) for i in range(12)]


def _not_undone(movement):
    """A movement counts only if no reversal names it."""
    reversal = aliased(StockMovement)
    return ~sa.exists().where(reversal.reverses_id == movement.id)


def _donations(since, until, pad_ids) -> dict[str, tuple[int, int]]:
    """(donations, packs) per donor kind; each side read along its own index (record kind, item)."""
    r, m = StockRecord, StockMovement
    counts = dict(
        db.session.execute(
            sa.select(Donation.donor_kind, sa.func.count())
            .select_from(r)
            .join(Donation, Donation.record_id == r.id)
            .where(r.kind == "donation", r.occurred_at >= since, r.occurred_at < until, _not_reversed(r.id))
            .group_by(Donation.donor_kind)
        )
        .tuples()
        .all()
    )
    packs = (
        dict(
            db.session.execute(
                sa.select(Donation.donor_kind, sa.func.sum(m.quantity))
                .select_from(m)
                .join(Donation, Donation.record_id == m.record_id)
                .where(
                    m.item_id.in_(pad_ids),
                    m.kind == MovementKind.RECEIPT_DONATION.value,
                    m.occurred_at >= since,
                    m.occurred_at < until,
                    _not_undone(m),
                )
                .group_by(Donation.donor_kind)
            )
            .tuples()
            .all()
        )
        if pad_ids
        else {}
    )
    return {kind: (int(counts.get(kind, 0)), int(packs.get(kind) or 0)) for kind in set(counts) | set(packs)}


def _purchases(since, until, pad_ids) -> dict[str, tuple[int, int, int]]:
    """(purchases, packs, yen) per funding source; the yen include every line (leaflets too)."""
    r = StockRecord
    packs = (
        sa.func.sum(sa.case((PurchaseLine.item_id.in_(pad_ids), PurchaseLine.quantity), else_=0))
        if pad_ids
        else sa.literal(0)
    )
    rows = db.session.execute(
        sa.select(
            Purchase.funding,
            sa.func.count(sa.distinct(r.id)),
            packs,
            sa.func.sum(PurchaseLine.quantity * PurchaseLine.unit_cost_yen),
        )
        .select_from(r)
        .join(Purchase, Purchase.record_id == r.id)
        .join(PurchaseLine, PurchaseLine.purchase_id == Purchase.record_id)
        .where(r.kind == "purchase", r.occurred_at >= since, r.occurred_at < until, _not_reversed(r.id))
        .group_by(Purchase.funding)
    )
    return {funding: (int(count), int(total or 0), int(yen or 0)) for funding, count, total, yen in rows}


def scans_by_month(first: date, count: int, *, location_id: int | None = None) -> dict[int, list[int]]:
    """Support-page scans per location and month, for `count` months from `first`'s month."""
    bounds = month_starts(first, count)
    month = month_index(SupportPageScan.scanned_on, bounds)
    query = (
        sa.select(SupportPageScan.location_id, month, sa.func.sum(SupportPageScan.count))
        .where(SupportPageScan.scanned_on >= bounds[0], SupportPageScan.scanned_on < bounds[-1])
        .group_by(SupportPageScan.location_id, month)
    )
    if location_id is not None:
        query = query.where(SupportPageScan.location_id == location_id)
    result: dict[int, list[int]] = {}
    for place, index, total in db.session.execute(query):
        result.setdefault(place, [0] * count)[index] += int(total)
    return result


def scan_total(first: date, last: date) -> int:
    """Support-page scans on the Japanese days [first, last], all locations."""
    return int(
        db.session.scalar(
            sa.select(sa.func.coalesce(sa.func.sum(SupportPageScan.count), 0)).where(
                SupportPageScan.scanned_on.between(first, last)
            )
        )
    )


def fiscal_year_report(fiscal_year: int) -> FiscalYearReport:
    """Compute the whole report of a fiscal year (raises YearOutOfRange for absurd years)."""
    check_fiscal_year(fiscal_year)
    first_day, last_day = fiscal_year_days(fiscal_year)
    since, until = fiscal_year_bounds(fiscal_year)
    months = month_starts(first_day, 12)
    bounds = [start_of_day_utc(day) for day in months]
    items, locations = pad_items(), places()
    flows = net_flows(since, until, item_ids=items, months=bounds)

    received: dict[str, dict[int, int]] = {kind: {} for kind in RECEIPT_KINDS}
    received_pads = dict.fromkeys(RECEIPT_KINDS, 0)
    placed_by_location: dict[int, int] = {}
    consumption: dict[int, int] = {}
    monthly = {kind: [0] * 12 for kind in (*RECEIPT_KINDS, *GIVEN_OUT_KINDS, "consumption")}
    for (kind, item_id, place, month), qty in flows.items():
        if kind in RECEIPT_KINDS:
            received[kind][item_id] = received[kind].get(item_id, 0) + qty
            received_pads[kind] += qty * (items[item_id].pads or 0)
        elif kind == MovementKind.TRANSFER.value:
            kind = "placed"
            placed_by_location[place] = placed_by_location.get(place, 0) + qty
        elif kind == MovementKind.CONSUMPTION.value:
            consumption[place] = consumption.get(place, 0) + qty
        monthly[kind][month] += qty
    placed_by_kind: dict[str, int] = {}
    for place, qty in placed_by_location.items():
        kind = locations[place].kind
        placed_by_kind[kind] = placed_by_kind.get(kind, 0) + qty

    scans = scans_by_month(first_day, 12)
    mailed = sum(monthly[MovementKind.MAILED.value])
    handed_over = sum(monthly[MovementKind.HANDED_OVER.value])
    targets = get_targets(fiscal_year)
    actuals = {
        "packs_placed": sum(placed_by_location.values()),
        "packs_sent": mailed + handed_over,
        "placement_locations": sum(1 for qty in placed_by_location.values() if qty > 0),
        "support_page_scans": sum(sum(counts) for counts in scans.values()),
        **outcome_actuals(first_day, last_day),
    }
    pad_ids = list(items)
    return FiscalYearReport(
        fiscal_year=fiscal_year,
        first_day=first_day,
        last_day=last_day,
        months=months[:12],
        items=items,
        places=locations,
        received=received,
        received_pads=received_pads,
        donations_by_kind=_donations(since, until, pad_ids),
        purchases_by_funding=_purchases(since, until, pad_ids),
        placed_by_location=placed_by_location,
        placed_by_kind=placed_by_kind,
        mailed=mailed,
        handed_over=handed_over,
        consumption_by_location=consumption,
        monthly=monthly,
        scans_by_location=scans,
        requests=request_queries.report_figures(since, until),
        kpis=[KpiRow(metric, targets.get(metric), actuals[metric]) for metric in TARGET_METRICS],
    )


def years_with_data() -> list[int]:
    """Fiscal years from the first movement's to the current one, newest first (for a chooser)."""
    current = fiscal_year_of(local_today())
    first = db.session.scalar(sa.select(sa.func.min(StockMovement.occurred_at)))
    start = fiscal_year_of((first + timedelta(hours=9)).date()) if first else current
    start = max(min(start, current), FIRST_YEAR)
    return list(range(current, start - 1, -1))
