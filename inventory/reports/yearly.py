"""The fiscal-year report (年度報告) for the city: what came in, what went out, reach, targets.

Every figure is summed in SQL over a range of `occurred_at` (naive UTC; a Japanese day or month
is turned into UTC bounds first). A reversal counts on its own date as minus what it reverses
(see `signed_movements`): within one year the two net out, and a reversal of an earlier year's
record is booked in the year it was made, so no report changes because of something dated
after it. Only items that carry pads (packs and packages) count as packs; leaflets do not.

Request figures come from `request_queries` (requests made in the period, cancelled ones left out).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from inventory.core.clock import local_today, start_of_day_utc, utcnow
from inventory.core.db import db
from inventory.outcomes.counts import outcome_actuals
from inventory.reports.availability import Availability, availability
from inventory.requests import queries as request_queries
from inventory.requests.models import Delivery, PackRequest, RequestStatus
from inventory.rounds.models import RestockVisit, SupportPageScan
from inventory.settings.organisation import (
    TARGET_METRICS,
    fiscal_year_of,
    get_settings,
    get_targets,
    metric_kind,
)
from inventory.stock.models import (
    AdjustmentReason,
    Donation,
    Item,
    ItemKind,
    Location,
    LocationKind,
    MovementKind,
    Purchase,
    PurchaseLine,
    RecordKind,
    StockMovement,
    StockRecord,
)

# Years a report can be asked for; outside this the question is a typing mistake.
FIRST_YEAR, LAST_YEAR = 2000, 2100
RECEIPT_KINDS = (MovementKind.RECEIPT_DONATION.value, MovementKind.RECEIPT_PURCHASE.value)
GIVEN_OUT_KINDS = ("placed", MovementKind.MAILED.value, MovementKind.HANDED_OVER.value)


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


# What a signed movement counts as in the reports (see net_flows).
PLACED, DELIVERED, RETURNED, INTERNAL = "placed", "delivered", "returned", "internal"
ADJUST_MANUAL, ADJUST_COUNT = "adjust_manual", "adjust_count"
DISCARD_REASONS = (
    AdjustmentReason.DAMAGED.value,
    AdjustmentReason.LOST.value,
    AdjustmentReason.EXPIRED.value,
)


def signed_movements(since: datetime, until: datetime, item_ids: list[int]):
    """Every movement dated in [since, until) as a row of its own kind, reversals as minus their original.

    A reversal counts on its own date, as the original's kind with a negative quantity: a record
    reversed in the same year nets to nothing over the year, and a reversal of an earlier year's
    record is booked in the year it was made (naming the original) instead of rewriting the
    earlier year. Columns: mid (the original movement), record_id, kind, item_id, src, dst, qty, at.
    """
    m, reversal, original = StockMovement, aliased(StockMovement), aliased(StockMovement)

    def sides(x):
        return (
            x.id.label("mid"),
            x.record_id.label("record_id"),
            x.kind.label("kind"),
            x.item_id.label("item_id"),
            x.from_location_id.label("src"),
            x.to_location_id.label("dst"),
        )

    direct = sa.select(*sides(m), m.quantity.label("qty"), m.occurred_at.label("at")).where(
        m.occurred_at >= since,
        m.occurred_at < until,
        m.kind != MovementKind.REVERSAL.value,
        m.item_id.in_(item_ids),
    )
    undone = (
        sa.select(*sides(original), (-reversal.quantity).label("qty"), reversal.occurred_at.label("at"))
        .select_from(reversal)
        .join(original, original.id == reversal.reverses_id)
        .where(
            reversal.occurred_at >= since,
            reversal.occurred_at < until,
            reversal.kind == MovementKind.REVERSAL.value,
            reversal.item_id.in_(item_ids),
        )
    )
    return sa.union_all(direct, undone).subquery("signed")


def net_flows(
    since: datetime,
    until: datetime,
    *,
    item_ids,
    months: list[datetime] | None = None,
    rooms: list[int] | None = None,
    by_place: bool = True,
) -> dict[tuple, int]:
    """Quantities by (class, item, place, month) in [since, until), reversals booked on their date.

    Classes: the movement kinds, except transfers, which are `placed` (storeroom → placement
    point), `delivered` (the same, fulfilling a school's request), `returned` (a placement point
    → the storeroom, negative) or `internal`; and adjustments, which are `discarded` (damaged,
    lost, expired), `adjust_count` (a stocktake or a visit's count) or `adjust_manual`, signed
    (+ in, − out). `place` is the receiving side of receipts and placements and the giving side
    otherwise. `month` indexes `months` (UTC month bounds) or is 0; without `by_place`, place is 0.
    """
    rooms = storeroom_ids() if rooms is None else rooms
    item_ids = list(item_ids)
    if not item_ids:
        return {}
    s = signed_movements(since, until, item_ids)
    record = aliased(StockRecord)
    src_room = s.c.src.in_(rooms) if rooms else sa.false()
    dst_room = s.c.dst.in_(rooms) if rooms else sa.false()
    transfer, adjustment = MovementKind.TRANSFER.value, MovementKind.ADJUSTMENT.value
    placement = sa.and_(src_room, sa.not_(dst_room))
    brought_back = sa.and_(sa.not_(src_room), dst_room)
    kind = sa.case(
        (
            s.c.kind == transfer,
            sa.case(
                (placement, sa.case((record.kind == RecordKind.REQUEST.value, DELIVERED), else_=PLACED)),
                (brought_back, RETURNED),
                else_=INTERNAL,
            ),
        ),
        (
            s.c.kind == adjustment,
            sa.case(
                (
                    sa.or_(
                        record.reason == AdjustmentReason.STOCKTAKE.value,
                        record.kind == RecordKind.RESTOCK_VISIT.value,
                    ),
                    ADJUST_COUNT,
                ),
                (
                    sa.and_(s.c.dst.is_(None), record.reason.in_(DISCARD_REASONS)),
                    MovementKind.DISCARDED.value,
                ),
                else_=ADJUST_MANUAL,
            ),
        ),
        else_=s.c.kind,
    )
    # Adjustments are signed (+ in, − out) except discards, which like every outflow are counted
    # as a positive quantity leaving; stock brought back is a negative placement.
    discard = sa.func.coalesce(record.reason, "").in_(DISCARD_REASONS)
    negative = sa.or_(
        sa.and_(s.c.kind == adjustment, s.c.dst.is_(None), sa.not_(discard)),
        sa.and_(s.c.kind == transfer, brought_back),
    )
    place = (
        sa.case(
            (s.c.kind.in_(RECEIPT_KINDS), s.c.dst),
            (sa.and_(s.c.kind == transfer, sa.not_(dst_room)), s.c.dst),
            (s.c.kind == adjustment, sa.func.coalesce(s.c.dst, s.c.src)),
            else_=s.c.src,
        )
        if by_place
        else sa.literal(0)
    )
    month = month_index(s.c.at, months) if months else sa.literal(0)
    columns = [kind, s.c.item_id, place, month]
    query = (
        sa.select(*columns, sa.func.sum(sa.case((negative, -s.c.qty), else_=s.c.qty)))
        .select_from(s)
        .outerjoin(record, sa.and_(record.id == s.c.record_id, s.c.kind.in_([transfer, adjustment])))
        .group_by(*columns)
    )
    totals = {tuple(row[:4]): int(row[4]) for row in db.session.execute(query)}
    return {key: value for key, value in totals.items() if value}


def stock_at(moments: list[datetime], item_ids) -> list[dict[int, int]]:
    """What the organisation held of each item (storerooms and placement points) at UTC instants.

    One pass over the ledger for all the instants (oldest first): the opening and closing stock of
    a year, and of the year before it, come from the same scan.
    """
    m = StockMovement
    item_ids = list(item_ids)
    if not item_ids or not moments:
        return [{} for _ in moments]
    change = sa.case((m.to_location_id.is_not(None), m.quantity), else_=0) - sa.case(
        (m.from_location_id.is_not(None), m.quantity), else_=0
    )
    columns = [sa.func.sum(sa.case((m.occurred_at < moment, change), else_=0)) for moment in moments]
    rows = db.session.execute(
        sa.select(m.item_id, *columns)
        .where(m.occurred_at < max(moments), m.item_id.in_(item_ids))
        .group_by(m.item_id)
    )
    result: list[dict[int, int]] = [{} for _ in moments]
    for item_id, *held in rows:
        for index, qty in enumerate(held):
            result[index][item_id] = int(qty or 0)
    return result


def unrecorded_additions(since: datetime, until: datetime, months: list[datetime]) -> dict[int, list[int]]:
    """Packages added on visits that the storeroom's record could not cover, by location and month.

    The volunteer put them there (so they were placed) but no transfer was written; visits
    reversed before `until` do not count.
    """
    v = RestockVisit
    reversal = aliased(StockRecord)
    undone = sa.exists().where(reversal.reverses_record_id == v.record_id, reversal.occurred_at < until)
    month = month_index(v.visited_at, months)
    rows = db.session.execute(
        sa.select(v.location_id, month, sa.func.sum(v.added_unrecorded))
        .where(v.visited_at >= since, v.visited_at < until, v.added_unrecorded > 0, ~undone)
        .group_by(v.location_id, month)
    )
    result: dict[int, list[int]] = {}
    for place, index, qty in rows:
        result.setdefault(place, [0] * (len(months) - 1))[index] += int(qty)
    return result


def _not_reversed_by(record_id_column, until: datetime):
    """A record counts unless a reversal dated before `until` names it (later ones book in their year)."""
    reversal = aliased(StockRecord)
    return ~sa.exists().where(reversal.reverses_record_id == record_id_column, reversal.occurred_at < until)


@dataclass
class KpiRow:
    """One line of the city's table: output or outcome, target (目標値), actual (実績値), last year."""

    metric: str
    kind: str
    target: int | None
    actual: float | None  # a count, or a percentage for availability_percent (None: nothing known)
    previous: float | None = None

    @property
    def rate(self) -> float | None:
        """Percent of the target reached; None without a target, with a zero target or no actual."""
        if not self.target or self.actual is None:
            return None
        return round(self.actual * 100 / self.target, 1)

    @property
    def change(self) -> float | None:
        """Actual minus last year's actual (None when either is missing); a percentage to 0.1."""
        if self.actual is None or self.previous is None:
            return None
        return round(self.actual - self.previous, 1)


@dataclass(frozen=True)
class ItemBalance:
    """One item: opening + received ± assembled − given out − discarded ± adjusted = closing."""

    item_id: int
    opening: int
    received: int
    assembled: int
    taken: int
    sent: int
    discarded: int
    adjusted: int
    counted: int
    closing: int

    @property
    def computed_closing(self) -> int:
        """The closing stock the flows give; equal to `closing` (read from the ledger) when all is well."""
        return (
            self.opening
            + self.received
            + self.assembled
            - self.taken
            - self.sent
            - self.discarded
            + self.adjusted
            + self.counted
        )


@dataclass(frozen=True)
class PurchaseLineRow:
    """One purchased line for grant accounting."""

    record_id: int
    occurred_at: datetime
    vendor: str
    receipt_number: str
    funding: str
    item_id: int
    quantity: int
    unit_cost_yen: int
    reversed: bool

    @property
    def amount_yen(self) -> int:
        """Quantity × unit cost."""
        return self.quantity * self.unit_cost_yen


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
    placed_by_location: dict[int, int]  # net of returns, with unrecorded additions and deliveries
    placed_by_kind: dict[str, int]
    mailed: int
    handed_over: int
    consumption_by_location: dict[int, int]
    monthly: dict[str, list[int]]  # kind or "placed" -> 12 numbers
    scans_by_location: dict[int, list[int]]  # location id -> 12 numbers
    requests: request_queries.RequestFigures
    kpis: list[KpiRow]
    placed_monthly: dict[int, list[int]] = field(default_factory=dict)  # location -> 12 numbers
    consumed_monthly: dict[int, list[int]] = field(default_factory=dict)  # location -> 12 numbers
    returned: int = 0  # brought back from placement points to a storeroom
    unrecorded: int = 0  # added on visits without a storeroom record
    delivered: int = 0  # brought to schools for their requests
    handed_over_by_place: dict[str, int] = field(default_factory=dict)  # "window" / "cafe" -> packs
    balances: list[ItemBalance] = field(default_factory=list)
    purchase_lines: list[PurchaseLineRow] = field(default_factory=list)
    purchase_yen_pads: int = 0  # yen spent on pad items
    purchase_yen_total: int = 0  # yen spent on every purchased line
    pads_purchased: int = 0
    cancelled_requests: int = 0
    as_of: datetime | None = None
    previous: FiscalYearReport | None = None
    availability: Availability | None = None

    @property
    def received_total(self) -> int:
        """Packs received by donation and purchase."""
        return sum(sum(by_item.values()) for by_item in self.received.values())

    @property
    def placed_total(self) -> int:
        """Packs placed at placement points (net of returns, with unrecorded additions)."""
        return sum(self.placed_by_location.values())

    @property
    def placed_in_toilets(self) -> int:
        """Placed at placement points on rounds (not school deliveries)."""
        return self.placed_total - self.delivered

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

    @property
    def provided_total(self) -> int:
        """Packs provided in every way: placed, delivered to schools, mailed, handed over."""
        return self.placed_total + self.mailed + self.handed_over

    @property
    def yen_per_pad(self) -> float | None:
        """Yen spent on pad items per pad bought (None without purchases)."""
        return self.purchase_yen_pads / self.pads_purchased if self.pads_purchased else None

    @property
    def yen_per_pack_placed(self) -> float | None:
        """All purchase yen per pack placed (None when nothing was placed)."""
        return self.purchase_yen_total / self.placed_total if self.placed_total > 0 else None


def _donations(since, until, pad_ids) -> dict[str, tuple[int, int]]:
    """(donations, packs) per donor kind; donations reversed within the year left out."""
    r, m = StockRecord, StockMovement
    counts = dict(
        db.session.execute(
            sa.select(Donation.donor_kind, sa.func.count())
            .select_from(r)
            .join(Donation, Donation.record_id == r.id)
            .where(
                r.kind == "donation",
                r.occurred_at >= since,
                r.occurred_at < until,
                _not_reversed_by(r.id, until),
            )
            .group_by(Donation.donor_kind)
        )
        .tuples()
        .all()
    )
    packs = (
        dict(
            db.session.execute(
                sa.select(Donation.donor_kind, sa.func.sum(m.quantity))
                .select_from(r)
                .join(Donation, Donation.record_id == r.id)
                .join(m, m.record_id == r.id)
                .where(
                    r.kind == "donation",
                    r.occurred_at >= since,
                    r.occurred_at < until,
                    m.item_id.in_(pad_ids),
                    _not_reversed_by(r.id, until),
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


def purchase_lines(since, until) -> list[PurchaseLineRow]:
    """Every purchased line dated in [since, until), oldest first, marked if reversed within the year."""
    r = StockRecord
    reversal = aliased(StockRecord)
    reversed_in_year = sa.exists().where(reversal.reverses_record_id == r.id, reversal.occurred_at < until)
    rows = db.session.execute(
        sa.select(
            r.id,
            r.occurred_at,
            Purchase.vendor,
            Purchase.receipt_number,
            Purchase.funding,
            PurchaseLine.item_id,
            PurchaseLine.quantity,
            PurchaseLine.unit_cost_yen,
            reversed_in_year,
        )
        .select_from(r)
        .join(Purchase, Purchase.record_id == r.id)
        .join(PurchaseLine, PurchaseLine.purchase_id == Purchase.record_id)
        .where(r.kind == "purchase", r.occurred_at >= since, r.occurred_at < until)
        .order_by(r.occurred_at, r.id, PurchaseLine.id)
    )
    return [
        PurchaseLineRow(record_id, at, vendor, number, funding, item_id, qty, cost, bool(undone))
        for record_id, at, vendor, number, funding, item_id, qty, cost, undone in rows
    ]


def _purchases_by_funding(lines: list[PurchaseLineRow], pad_ids) -> dict[str, tuple[int, int, int]]:
    """(purchases, packs, yen) per funding source, reversed ones left out; yen include every line."""
    records: dict[str, set[int]] = {}
    packs: dict[str, int] = {}
    yen: dict[str, int] = {}
    for line in lines:
        if line.reversed:
            continue
        records.setdefault(line.funding, set()).add(line.record_id)
        packs[line.funding] = packs.get(line.funding, 0) + (line.quantity if line.item_id in pad_ids else 0)
        yen[line.funding] = yen.get(line.funding, 0) + line.amount_yen
    return {f: (len(ids), packs[f], yen[f]) for f, ids in records.items()}


def _handed_over_by_place(since, until, pad_ids) -> dict[str, int]:
    """Packs handed over in person, at the window (office, agreed place) or at the drop-in cafe."""
    m, original, reversal = StockMovement, aliased(StockMovement), aliased(StockMovement)
    handed = MovementKind.HANDED_OVER.value
    direct = (
        sa.select(PackRequest.delivery, sa.func.sum(m.quantity))
        .join(m, m.record_id == PackRequest.record_id)
        .where(m.kind == handed, m.occurred_at >= since, m.occurred_at < until, m.item_id.in_(pad_ids))
        .group_by(PackRequest.delivery)
    )
    # Driven from the (few) requests: a reversal repeats its original's quantity, so the original's
    # quantity counts negative when a reversal of it is dated in the period.
    reversed_in_period = sa.exists().where(
        reversal.reverses_id == original.id, reversal.occurred_at >= since, reversal.occurred_at < until
    )
    undone = (
        sa.select(PackRequest.delivery, -sa.func.sum(original.quantity))
        .join(original, original.record_id == PackRequest.record_id)
        .where(original.kind == handed, original.item_id.in_(pad_ids), reversed_in_period)
        .group_by(PackRequest.delivery)
    )
    result = {"window": 0, "cafe": 0}
    for query in (direct, undone):
        for delivery, qty in db.session.execute(query):
            key = "cafe" if delivery == Delivery.CAFE.value else "window"
            result[key] += int(qty or 0)
    return result


def _cancelled_requests(since, until) -> int:
    """Requests made in the period and cancelled (left out of every request figure)."""
    return int(
        db.session.scalar(
            sa.select(sa.func.count()).where(
                PackRequest.created_at >= since,
                PackRequest.created_at < until,
                PackRequest.status == RequestStatus.CANCELLED.value,
            )
        )
    )


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


def fiscal_year_report(
    fiscal_year: int, *, with_previous: bool = True, _stock: tuple[dict, dict] | None = None
) -> FiscalYearReport:
    """Compute the whole report of a fiscal year (raises YearOutOfRange for absurd years).

    With `with_previous`, the previous year's figures are computed too (for the comparison
    columns), unless that year is before FIRST_YEAR.
    """
    check_fiscal_year(fiscal_year)
    as_of = utcnow()
    first_day, last_day = fiscal_year_days(fiscal_year)
    since, until = fiscal_year_bounds(fiscal_year)
    months = month_starts(first_day, 12)
    bounds = [start_of_day_utc(day) for day in months]
    items, locations = pad_items(), places()
    pad_ids = list(items)
    flows = net_flows(since, until, item_ids=pad_ids, months=bounds)
    unrecorded = unrecorded_additions(since, until, bounds)

    received: dict[str, dict[int, int]] = {kind: {} for kind in RECEIPT_KINDS}
    received_pads = dict.fromkeys(RECEIPT_KINDS, 0)
    placed_monthly: dict[int, list[int]] = {}
    consumed_monthly: dict[int, list[int]] = {}
    monthly = {kind: [0] * 12 for kind in (*RECEIPT_KINDS, *GIVEN_OUT_KINDS, "consumption")}
    per_item: dict[int, dict[str, int]] = {item_id: {} for item_id in pad_ids}
    returned = delivered = 0
    for (kind, item_id, place, month), qty in flows.items():
        by_kind = per_item[item_id]
        by_kind[kind] = by_kind.get(kind, 0) + qty
        if kind in RECEIPT_KINDS:
            received[kind][item_id] = received[kind].get(item_id, 0) + qty
            received_pads[kind] += qty * (items[item_id].pads or 0)
            monthly[kind][month] += qty
        elif kind in (PLACED, DELIVERED, RETURNED):
            placed_monthly.setdefault(place, [0] * 12)[month] += qty
            monthly["placed"][month] += qty
            returned -= qty if kind == RETURNED else 0
            delivered += qty if kind == DELIVERED else 0
        elif kind == MovementKind.CONSUMPTION.value:
            consumed_monthly.setdefault(place, [0] * 12)[month] += qty
            monthly["consumption"][month] += qty
        elif kind in (MovementKind.MAILED.value, MovementKind.HANDED_OVER.value):
            monthly[kind][month] += qty
    for place, counts in unrecorded.items():
        row = placed_monthly.setdefault(place, [0] * 12)
        for month, qty in enumerate(counts):
            row[month] += qty
            monthly["placed"][month] += qty
    placed_by_location = {place: sum(counts) for place, counts in placed_monthly.items() if sum(counts)}
    consumption = {place: sum(counts) for place, counts in consumed_monthly.items() if sum(counts)}
    placed_by_kind: dict[str, int] = {}
    for place, qty in placed_by_location.items():
        kind = locations[place].kind
        placed_by_kind[kind] = placed_by_kind.get(kind, 0) + qty

    previous_since = fiscal_year_bounds(fiscal_year - 1)[0]
    has_previous = with_previous and fiscal_year > FIRST_YEAR
    if _stock is not None:
        opening, closing = _stock
    elif has_previous:
        before, opening, closing = stock_at([previous_since, since, until], pad_ids)
    else:
        opening, closing = stock_at([since, until], pad_ids)
    balances = []
    for item_id in pad_ids:
        k = per_item[item_id]
        balance = ItemBalance(
            item_id=item_id,
            opening=opening.get(item_id, 0),
            received=sum(k.get(kind, 0) for kind in RECEIPT_KINDS),
            assembled=k.get(MovementKind.ASSEMBLY_PRODUCE.value, 0)
            - k.get(MovementKind.ASSEMBLY_CONSUME.value, 0),
            taken=k.get(MovementKind.CONSUMPTION.value, 0),
            sent=k.get(MovementKind.MAILED.value, 0) + k.get(MovementKind.HANDED_OVER.value, 0),
            discarded=k.get(MovementKind.DISCARDED.value, 0),
            adjusted=k.get(ADJUST_MANUAL, 0),
            counted=k.get(ADJUST_COUNT, 0),
            closing=closing.get(item_id, 0),
        )
        if balance.opening or balance.closing or any(k.values()):
            balances.append(balance)

    lines = purchase_lines(since, until)
    kept = [line for line in lines if not line.reversed]
    scans = scans_by_month(first_day, 12)
    mailed = sum(monthly[MovementKind.MAILED.value])
    handed_over = sum(monthly[MovementKind.HANDED_OVER.value])
    previous = None
    if has_previous:
        # The previous year's closing stock is this year's opening: one scan serves both.
        previous = fiscal_year_report(fiscal_year - 1, with_previous=False, _stock=(before, opening))
    targets = get_targets(fiscal_year)
    year_availability = availability(first_day, last_day)
    actuals = {
        "packs_placed": sum(placed_by_location.values()),
        "packs_sent": mailed + handed_over,
        "placement_locations": sum(1 for qty in placed_by_location.values() if qty > 0),
        "support_page_scans": sum(sum(counts) for counts in scans.values()),
        "availability_percent": year_availability.share,
        **outcome_actuals(first_day, last_day),
    }
    kpis = []
    for metric in TARGET_METRICS:
        prior = next((k.actual for k in previous.kpis if k.metric == metric), None) if previous else None
        kpis.append(KpiRow(metric, metric_kind(metric), targets.get(metric), actuals.get(metric), prior))
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
        purchases_by_funding=_purchases_by_funding(lines, set(pad_ids)),
        placed_by_location=placed_by_location,
        placed_by_kind=placed_by_kind,
        mailed=mailed,
        handed_over=handed_over,
        consumption_by_location=consumption,
        monthly=monthly,
        scans_by_location=scans,
        requests=request_queries.report_figures(since, until),
        kpis=kpis,
        placed_monthly=placed_monthly,
        consumed_monthly=consumed_monthly,
        returned=returned,
        unrecorded=sum(sum(counts) for counts in unrecorded.values()),
        delivered=delivered,
        handed_over_by_place=_handed_over_by_place(since, until, pad_ids) if pad_ids else {},
        balances=balances,
        purchase_lines=lines,
        purchase_yen_pads=sum(line.amount_yen for line in kept if line.item_id in items),
        purchase_yen_total=sum(line.amount_yen for line in kept),
        pads_purchased=sum(
            line.quantity * (items[line.item_id].pads or 0) for line in kept if line.item_id in items
        ),
        cancelled_requests=_cancelled_requests(since, until),
        as_of=as_of,
        previous=previous,
        availability=year_availability,
    )


def years_with_data() -> list[int]:
    """Fiscal years from the first movement's to the current one, newest first (for a chooser)."""
    current = fiscal_year_of(local_today())
    first = db.session.scalar(sa.select(sa.func.min(StockMovement.occurred_at)))
    start = fiscal_year_of((first + timedelta(hours=9)).date()) if first else current
    start = max(min(start, current), FIRST_YEAR)
    return list(range(current, start - 1, -1))
