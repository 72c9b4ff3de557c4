"""Stock arriving from outside: donations (寄付) and purchases (購入), always into a storeroom."""
from __future__ import annotations

import enum
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from .catalog import require_item, require_location
from .db import db
from .errors import InvalidValue
from .ledger import MovementKind, RecordKind, RecordResult, create_record, move, run_service
from .stock_input import check_lines, check_purchase_lines, occurred_at_from_date


class DonorKind(enum.StrEnum):
    """Who gave: for the city's report on where support comes from."""

    INDIVIDUAL = "individual"
    COMPANY = "company"
    GROUP = "group"
    SCHOOL_DRIVE = "school_drive"
    OTHER = "other"


class Funding(enum.StrEnum):
    """Which money paid for a purchase: the city grant (交付金), own funds (自主財源), other."""

    GRANT = "grant"
    OWN_FUNDS = "own_funds"
    OTHER = "other"


class Donation(db.Model):
    """The donation details of a stock record; its lines are the record's movements."""

    record_id: Mapped[int] = mapped_column(sa.ForeignKey("stock_record.id"), primary_key=True)
    # Blank means anonymous (匿名); nothing else about a donor is kept.
    donor_name: Mapped[str] = mapped_column(sa.String(100), default="")
    donor_kind: Mapped[str] = mapped_column(sa.String(20))

    __table_args__ = (
        sa.CheckConstraint(sa.column("donor_kind").in_([k.value for k in DonorKind]),
                           name="donor_kind_known"),
    )


class Purchase(db.Model):
    """The purchase details of a stock record."""

    record_id: Mapped[int] = mapped_column(sa.ForeignKey("stock_record.id"), primary_key=True)
    vendor: Mapped[str] = mapped_column(sa.String(100))
    funding: Mapped[str] = mapped_column(sa.String(20))
    receipt_number: Mapped[str] = mapped_column(sa.String(50), default="")

    __table_args__ = (
        sa.CheckConstraint(sa.column("funding").in_([f.value for f in Funding]), name="funding_known"),
    )


class PurchaseLine(db.Model):
    """One purchased item with its unit cost (integer yen), for the grant report."""

    __tablename__ = "purchase_line"

    id: Mapped[int] = mapped_column(primary_key=True)
    purchase_id: Mapped[int] = mapped_column(sa.ForeignKey("purchase.record_id"))
    item_id: Mapped[int] = mapped_column(sa.ForeignKey("item.id"))
    quantity: Mapped[int]
    unit_cost_yen: Mapped[int]

    __table_args__ = (
        sa.UniqueConstraint("purchase_id", "item_id", name="uq_purchase_line_purchase_item"),
        sa.CheckConstraint("quantity > 0", name="quantity_positive"),
        sa.CheckConstraint("unit_cost_yen >= 0", name="unit_cost_not_negative"),
    )


def _choice(value, enum_type, field: str) -> str:
    if value not in {member.value for member in enum_type}:
        raise InvalidValue("unknown choice", field=field)
    return str(value)


def _short(value: str | None, field: str, limit: int, *, required: bool = False) -> str:
    value = (value or "").strip()
    if required and not value:
        raise InvalidValue("required", field=field)
    if len(value) > limit:
        raise InvalidValue("too long", field=field, maximum=limit)
    return value


def receive_donation(storeroom_id: int, occurred_on: date, lines, *, donor_kind: str,
                     donor_name: str = "", note: str = "", recorded_by: int | None = None,
                     idempotency_key: str | None) -> RecordResult:
    """Record a donation of (item_id, quantity) lines into a storeroom."""
    occurred_at = occurred_at_from_date(occurred_on)
    lines = check_lines(lines)
    donor_kind = _choice(donor_kind, DonorKind, "donor_kind")
    donor_name = _short(donor_name, "donor_name", 100)
    payload = dict(storeroom=storeroom_id, on=occurred_on, lines=lines, kind=donor_kind,
                   donor=donor_name, note=note)

    def work(session):
        require_location(storeroom_id, field="storeroom_id", storeroom=True)
        record = create_record(RecordKind.DONATION, occurred_at=occurred_at, recorded_by=recorded_by,
                               location_id=storeroom_id, note=note)
        session.add(Donation(record_id=record.id, donor_name=donor_name, donor_kind=donor_kind))
        for index, line in enumerate(lines):
            require_item(line.item_id, field=f"lines-{index}-item_id")
            move(record, line.item_id, line.quantity, kind=MovementKind.RECEIPT_DONATION,
                 to_location_id=storeroom_id, field=f"lines-{index}-quantity")
        return record

    return run_service("receive_donation", idempotency_key, payload, work)


def record_purchase(storeroom_id: int, occurred_on: date, lines, *, vendor: str, funding: str,
                    receipt_number: str = "", note: str = "", recorded_by: int | None = None,
                    idempotency_key: str | None) -> RecordResult:
    """Record a purchase of (item_id, quantity, unit_cost_yen) lines into a storeroom."""
    occurred_at = occurred_at_from_date(occurred_on)
    lines = check_purchase_lines(lines)
    vendor = _short(vendor, "vendor", 100, required=True)
    funding = _choice(funding, Funding, "funding")
    receipt_number = _short(receipt_number, "receipt_number", 50)
    payload = dict(storeroom=storeroom_id, on=occurred_on, lines=lines, vendor=vendor,
                   funding=funding, receipt=receipt_number, note=note)

    def work(session):
        require_location(storeroom_id, field="storeroom_id", storeroom=True)
        record = create_record(RecordKind.PURCHASE, occurred_at=occurred_at, recorded_by=recorded_by,
                               location_id=storeroom_id, note=note)
        session.add(Purchase(record_id=record.id, vendor=vendor, funding=funding,
                             receipt_number=receipt_number))
        session.flush()
        for index, line in enumerate(lines):
            require_item(line.item_id, field=f"lines-{index}-item_id")
            session.add(PurchaseLine(purchase_id=record.id, item_id=line.item_id,
                                     quantity=line.quantity, unit_cost_yen=line.unit_cost_yen))
            move(record, line.item_id, line.quantity, kind=MovementKind.RECEIPT_PURCHASE,
                 to_location_id=storeroom_id, field=f"lines-{index}-quantity")
        return record

    return run_service("record_purchase", idempotency_key, payload, work)
