"""Read-only queries for the stock pages: overview, movement history, receipts, locations.

Every function returns plain dataclasses, so templates never trigger lazy loads. Times in and
out are naive UTC; the view turns Japanese dates into UTC bounds with
`stock_input.start_of_day_utc`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from inventory.accounts.models import User
from inventory.core.checks import is_row_id
from inventory.core.db import db
from inventory.stock.catalog import get_location
from inventory.stock.errors import UnknownRecord
from inventory.stock.models import (
    Donation,
    Item,
    ItemKind,
    Location,
    LocationKind,
    Purchase,
    PurchaseLine,
    RecordKind,
    StockLevel,
    StockMovement,
    StockRecord,
)

MAX_PAGE = 200


@dataclass(frozen=True)
class StockRow:
    """The balance of one item at one location, with whether it is running low."""

    location_id: int
    location_code: str
    location_kind: str
    location_name: str
    spot: str
    item_id: int
    item_name: str
    unit: str
    qty: int
    threshold: int
    low: bool


@dataclass(frozen=True)
class HistoryRow:
    """One movement as the history page shows it."""

    id: int
    occurred_at: datetime
    recorded_at: datetime
    kind: str
    item_id: int
    item_name: str
    unit: str
    quantity: int
    from_location_id: int | None
    from_name: str | None
    to_location_id: int | None
    to_name: str | None
    record_id: int
    record_kind: str
    recorded_by: int | None
    note: str
    reverses_id: int | None
    reversed_by_id: int | None


@dataclass(frozen=True)
class HistoryPage:
    """A page of history, newest first; pass next_cursor back for the next page (None at the end)."""

    rows: list[HistoryRow]
    next_cursor: str | None


@dataclass(frozen=True)
class LineSummary:
    """An item line of a receipt (unit cost only for purchases)."""

    item_id: int
    item_name: str
    unit: str
    quantity: int
    unit_cost_yen: int | None = None


@dataclass(frozen=True)
class ReceiptRow:
    """A donation or purchase in a list; `party` is the donor (blank = anonymous) or the vendor."""

    record_id: int
    kind: str
    occurred_at: datetime
    recorded_at: datetime
    storeroom_id: int | None
    storeroom_name: str
    party: str
    party_kind: str
    receipt_number: str
    note: str
    lines: list[LineSummary]
    total_quantity: int
    total_cost_yen: int | None
    reversed_by_id: int | None


@dataclass(frozen=True)
class LocationDetail:
    """A location with its balances and its latest movements."""

    location: Location
    levels: list[StockRow]
    recent: list[HistoryRow]


def stock_overview(
    *,
    location_id: int | None = None,
    item_id: int | None = None,
    low_only: bool = False,
    include_retired: bool = False,
) -> list[StockRow]:
    """Balances per location and item, flagged low by the item threshold or the point's target.

    In a storeroom an item is low at or under its threshold (0 = never); at a placement point a
    package is low under the location's target level.
    """
    storeroom = Location.kind == LocationKind.STOREROOM.value
    threshold = sa.case(
        (storeroom, Item.low_stock_threshold),
        (Item.kind == ItemKind.PACKAGE.value, Location.target_level),
        else_=0,
    )
    low = sa.case(
        (storeroom, sa.and_(Item.low_stock_threshold > 0, StockLevel.qty <= Item.low_stock_threshold)),
        (Item.kind == ItemKind.PACKAGE.value, StockLevel.qty < Location.target_level),
        else_=False,
    )
    query = (
        sa.select(
            StockLevel.location_id,
            Location.code,
            Location.kind,
            Location.name,
            Location.spot,
            StockLevel.item_id,
            Item.name,
            Item.unit,
            StockLevel.qty,
            threshold,
            low,
        )
        .join(Location, Location.id == StockLevel.location_id)
        .join(Item, Item.id == StockLevel.item_id)
        .order_by(
            sa.case((storeroom, 0), else_=1),
            Location.kind,
            Location.name,
            Location.spot,
            Location.id,
            Item.kind.desc(),
            Item.name,
        )
    )
    if location_id is not None:
        query = query.where(StockLevel.location_id == location_id)
    if item_id is not None:
        query = query.where(StockLevel.item_id == item_id)
    if low_only:
        query = query.where(low)
    if not include_retired:
        query = query.where(Location.active.is_(True), Item.active.is_(True))
    return [
        StockRow(
            at_id, code, at_kind, at_name, spot, of_id, item_name, unit, qty, level, low=bool(is_low)
        )  # SQLite gives the flag as 0/1
        for (at_id, code, at_kind, at_name, spot, of_id, item_name, unit, qty, level, is_low) in (
            db.session.execute(query)
        )
    ]


def _encode_cursor(row: HistoryRow) -> str:
    return f"{row.occurred_at.isoformat()}|{row.id}"


def _decode_cursor(cursor: str) -> tuple[datetime, int] | None:
    try:
        at, movement_id = cursor.split("|")
        return datetime.fromisoformat(at), int(movement_id)
    except (ValueError, AttributeError):
        return None


def _history_query():
    m = StockMovement
    source, target = aliased(Location), aliased(Location)
    reversal = aliased(StockMovement)
    return (
        sa.select(
            m.id,
            m.occurred_at,
            m.recorded_at,
            m.kind,
            m.item_id,
            Item.name,
            Item.unit,
            m.quantity,
            m.from_location_id,
            source.name,
            m.to_location_id,
            target.name,
            m.record_id,
            StockRecord.kind,
            m.recorded_by,
            m.note,
            m.reverses_id,
            reversal.id,
        )
        .join(Item, Item.id == m.item_id)
        .join(StockRecord, StockRecord.id == m.record_id)
        .outerjoin(source, source.id == m.from_location_id)
        .outerjoin(target, target.id == m.to_location_id)
        .outerjoin(reversal, reversal.reverses_id == m.id)
    )


def _movement_filters(*, item_id, kind, record_id, since, until, cursor) -> list:
    m = StockMovement
    conditions = []
    if item_id is not None:
        conditions.append(m.item_id == item_id)
    if kind:
        conditions.append(m.kind == kind)
    if record_id is not None:
        conditions.append(m.record_id == record_id)
    if since is not None:
        conditions.append(m.occurred_at >= since)
    if until is not None:
        conditions.append(m.occurred_at < until)
    if cursor and (position := _decode_cursor(cursor)):
        at, movement_id = position
        conditions.append(sa.or_(m.occurred_at < at, sa.and_(m.occurred_at == at, m.id < movement_id)))
    return conditions


def _at_location(location_id: int, conditions: list, enough: int):
    """The ids of the newest `enough` movements on either side of a location.

    Each side is read newest-first along its own index and stops early; a plain OR of the two
    sides would collect and sort every movement the location ever had.
    """
    m = StockMovement
    newest = (m.occurred_at.desc(), m.id.desc())
    sides = [
        sa.select(m.id).where(column == location_id, *conditions).order_by(*newest).limit(enough).subquery()
        for column in (m.from_location_id, m.to_location_id)
    ]
    return sa.union_all(*(sa.select(side.c.id) for side in sides))


def movement_history(
    *,
    location_id: int | None = None,
    item_id: int | None = None,
    kind: str | None = None,
    record_id: int | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    limit: int = 50,
    cursor: str | None = None,
    offset: int = 0,
) -> HistoryPage:
    """Movements newest first, filtered; page with `cursor` (keyset) or, for numbered pages, `offset`."""
    m = StockMovement
    limit = max(1, min(int(limit), MAX_PAGE))
    offset = max(0, int(offset))
    conditions = _movement_filters(
        item_id=item_id, kind=kind, record_id=record_id, since=since, until=until, cursor=cursor
    )
    query = _history_query()
    if location_id is not None:
        query = query.where(m.id.in_(_at_location(location_id, conditions, offset + limit + 1)))
    else:
        query = query.where(*conditions)
    query = query.order_by(m.occurred_at.desc(), m.id.desc()).limit(limit + 1).offset(offset)
    rows = [HistoryRow(*row) for row in db.session.execute(query)]
    more = len(rows) > limit
    rows = rows[:limit]
    return HistoryPage(rows=rows, next_cursor=_encode_cursor(rows[-1]) if more else None)


def _reversals(record_ids) -> dict[int, int]:
    rows = db.session.execute(
        sa.select(StockRecord.reverses_record_id, StockRecord.id).where(
            StockRecord.reverses_record_id.in_(record_ids)
        )
    )
    # The IN leaves out every record that reverses nothing; the `if` says so to the checker.
    return {reversed_id: record_id for reversed_id, record_id in rows.tuples() if reversed_id is not None}


def _movement_lines(record_ids) -> dict[int, list[LineSummary]]:
    rows = db.session.execute(
        sa.select(StockMovement.record_id, Item.id, Item.name, Item.unit, StockMovement.quantity)
        .join(Item, Item.id == StockMovement.item_id)
        .where(StockMovement.record_id.in_(record_ids))
        .order_by(StockMovement.id)
    )
    lines: dict[int, list[LineSummary]] = {}
    for record_id, *line in rows:
        lines.setdefault(record_id, []).append(LineSummary(*line))
    return lines


def _purchase_lines(record_ids) -> dict[int, list[LineSummary]]:
    rows = db.session.execute(
        sa.select(
            PurchaseLine.purchase_id,
            Item.id,
            Item.name,
            Item.unit,
            PurchaseLine.quantity,
            PurchaseLine.unit_cost_yen,
        )
        .join(Item, Item.id == PurchaseLine.item_id)
        .where(PurchaseLine.purchase_id.in_(record_ids))
        .order_by(PurchaseLine.id)
    )
    lines: dict[int, list[LineSummary]] = {}
    for record_id, *line in rows:
        lines.setdefault(record_id, []).append(LineSummary(*line))
    return lines


def _receipts(kind: str, *, since, until, storeroom_id, extra_filter, limit, offset, record_id=None):
    detail = Donation if kind == RecordKind.DONATION else Purchase
    party = Donation.donor_name if detail is Donation else Purchase.vendor
    party_kind = Donation.donor_kind if detail is Donation else Purchase.funding
    receipt_number = sa.literal("") if detail is Donation else Purchase.receipt_number
    query = (
        sa.select(
            StockRecord.id,
            StockRecord.occurred_at,
            StockRecord.recorded_at,
            StockRecord.location_id,
            Location.name,
            party,
            party_kind,
            receipt_number,
            StockRecord.note,
        )
        .join(detail, detail.record_id == StockRecord.id)
        .outerjoin(Location, Location.id == StockRecord.location_id)
        .order_by(StockRecord.occurred_at.desc(), StockRecord.id.desc())
    )
    if record_id is not None:
        query = query.where(StockRecord.id == record_id)
    if since is not None:
        query = query.where(StockRecord.occurred_at >= since)
    if until is not None:
        query = query.where(StockRecord.occurred_at < until)
    if storeroom_id is not None:
        query = query.where(StockRecord.location_id == storeroom_id)
    if extra_filter is not None:
        query = query.where(party_kind == extra_filter)
    rows = db.session.execute(query.limit(max(1, min(int(limit), MAX_PAGE))).offset(max(0, offset))).all()
    ids = [row[0] for row in rows]
    lines = _movement_lines(ids) if detail is Donation else _purchase_lines(ids)
    reversed_by = _reversals(ids)
    result = []
    for row in rows:
        record_lines = lines.get(row[0], [])
        # Every purchase line has its unit cost; the `if` says so to the checker.
        cost = (
            None
            if detail is Donation
            else sum(
                line.quantity * line.unit_cost_yen for line in record_lines if line.unit_cost_yen is not None
            )
        )
        result.append(
            ReceiptRow(
                row[0],
                kind,
                row[1],
                row[2],
                row[3],
                row[4] or "",
                row[5],
                row[6],
                row[7],
                row[8],
                record_lines,
                sum(line.quantity for line in record_lines),
                cost,
                reversed_by.get(row[0]),
            )
        )
    return result


def list_donations(
    *,
    since: datetime | None = None,
    until: datetime | None = None,
    donor_kind: str | None = None,
    storeroom_id: int | None = None,
    limit: int = 50,
    offset: int = 0,
) -> list[ReceiptRow]:
    """Donations newest first, filtered by period, donor kind and storeroom."""
    return _receipts(
        RecordKind.DONATION,
        since=since,
        until=until,
        storeroom_id=storeroom_id,
        extra_filter=donor_kind,
        limit=limit,
        offset=offset,
    )


def list_purchases(
    *,
    since: datetime | None = None,
    until: datetime | None = None,
    funding: str | None = None,
    storeroom_id: int | None = None,
    limit: int = 50,
    offset: int = 0,
) -> list[ReceiptRow]:
    """Purchases newest first, filtered by period, funding and storeroom; costs in yen."""
    return _receipts(
        RecordKind.PURCHASE,
        since=since,
        until=until,
        storeroom_id=storeroom_id,
        extra_filter=funding,
        limit=limit,
        offset=offset,
    )


def get_donation(record_id: int) -> ReceiptRow:
    """One donation with its lines, or raise UnknownRecord."""
    rows = _receipts(
        RecordKind.DONATION,
        since=None,
        until=None,
        storeroom_id=None,
        extra_filter=None,
        limit=1,
        offset=0,
        record_id=record_id,
    )
    if not rows:
        raise UnknownRecord(record_id)
    return rows[0]


def get_purchase(record_id: int) -> ReceiptRow:
    """One purchase with its lines and costs, or raise UnknownRecord."""
    rows = _receipts(
        RecordKind.PURCHASE,
        since=None,
        until=None,
        storeroom_id=None,
        extra_filter=None,
        limit=1,
        offset=0,
        record_id=record_id,
    )
    if not rows:
        raise UnknownRecord(record_id)
    return rows[0]


def location_detail(location_id: int, *, recent: int = 20) -> LocationDetail:
    """A location (retired too) with its balances and latest movements, or raise UnknownLocation."""
    location = get_location(location_id)
    return LocationDetail(
        location=location,
        levels=stock_overview(location_id=location.id, include_retired=True),
        recent=movement_history(location_id=location.id, limit=recent).rows,
    )


def record_movements(record_id: int) -> list[HistoryRow]:
    """Every movement of one record (for a record's page and its reversal link)."""
    return movement_history(record_id=record_id, limit=MAX_PAGE).rows


@dataclass(frozen=True)
class RecordDetail:
    """The header of one business record, with who recorded it and what reversed it."""

    id: int
    kind: str
    occurred_at: datetime
    recorded_at: datetime
    recorded_by_name: str
    location_id: int | None
    location_name: str
    reason: str | None
    note: str
    reverses_record_id: int | None
    reversed_by_id: int | None


def get_record(record_id: int) -> RecordDetail:
    """One stock record's header (any kind), or raise UnknownRecord."""
    reversal = aliased(StockRecord)
    row = (
        db.session.execute(
            sa.select(
                StockRecord.id,
                StockRecord.kind,
                StockRecord.occurred_at,
                StockRecord.recorded_at,
                User.display_name,
                User.username,
                StockRecord.location_id,
                Location.name,
                StockRecord.reason,
                StockRecord.note,
                StockRecord.reverses_record_id,
                reversal.id,
            )
            .outerjoin(User, User.id == StockRecord.recorded_by)
            .outerjoin(Location, Location.id == StockRecord.location_id)
            .outerjoin(reversal, reversal.reverses_record_id == StockRecord.id)
            .where(StockRecord.id == record_id)
        ).first()
        if is_row_id(record_id)
        else None
    )
    if row is None:
        raise UnknownRecord(record_id)
    (
        id_,
        kind,
        occurred_at,
        recorded_at,
        display_name,
        username,
        location_id,
        location_name,
        reason,
        note,
        reverses,
        reversed_by,
    ) = row
    return RecordDetail(
        id_,
        kind,
        occurred_at,
        recorded_at,
        display_name or username or "",
        location_id,
        location_name or "",
        reason,
        note,
        reverses,
        reversed_by,
    )
