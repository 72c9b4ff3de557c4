"""Stock arriving from outside: donations (寄付) and purchases (購入), always into a storeroom."""

from __future__ import annotations

from datetime import date, datetime

from inventory.core.checks import check_choice, check_text, occurred_at_from_date
from inventory.stock.catalog import require_item, require_location
from inventory.stock.ledger import (
    RecordHeader,
    RecordResult,
    create_record,
    lock_levels,
    move,
    run_service,
)
from inventory.stock.lines import check_lines, check_purchase_lines
from inventory.stock.models import (
    Donation,
    DonorKind,
    Funding,
    MovementKind,
    Purchase,
    PurchaseLine,
    RecordKind,
)


def _open_receipt(
    kind: str, storeroom_id: int, lines, occurred_at: datetime, recorded_by: int | None, note: str
) -> RecordHeader:
    """Check the storeroom and the items, lock their balances, and write the receipt's record."""
    require_location(storeroom_id, field="storeroom_id", storeroom=True)
    for index, line in enumerate(lines):
        require_item(line.item_id, field=f"lines-{index}-item_id")
    # Balance rows locked in the one order every service uses, so two receipts never deadlock.
    lock_levels((storeroom_id, line.item_id) for line in lines)
    return create_record(
        kind,
        occurred_at=occurred_at,
        recorded_by=recorded_by,
        location_id=storeroom_id,
        note=note,
        date_field="occurred_on",
    )


def receive_donation(
    storeroom_id: int,
    occurred_on: date,
    lines,
    *,
    donor_kind: str,
    donor_name: str = "",
    note: str = "",
    recorded_by: int | None = None,
    idempotency_key: str | None,
) -> RecordResult:
    """Record a donation of (item_id, quantity) lines into a storeroom."""
    occurred_at = occurred_at_from_date(occurred_on)
    lines = check_lines(lines)
    donor_kind = check_choice(donor_kind, DonorKind, field="donor_kind")
    donor_name = check_text(donor_name, field="donor_name", limit=100)
    payload = dict(
        storeroom=storeroom_id, on=occurred_on, lines=lines, kind=donor_kind, donor=donor_name, note=note
    )

    def work(session):
        record = _open_receipt(RecordKind.DONATION, storeroom_id, lines, occurred_at, recorded_by, note)
        session.add(Donation(record_id=record.id, donor_name=donor_name, donor_kind=donor_kind))
        for index, line in enumerate(lines):
            move(
                record,
                line.item_id,
                line.quantity,
                kind=MovementKind.RECEIPT_DONATION,
                to_location_id=storeroom_id,
                field=f"lines-{index}-quantity",
            )
        return record

    return run_service("receive_donation", idempotency_key, payload, work)


def record_purchase(
    storeroom_id: int,
    occurred_on: date,
    lines,
    *,
    vendor: str,
    funding: str,
    receipt_number: str = "",
    note: str = "",
    recorded_by: int | None = None,
    idempotency_key: str | None,
) -> RecordResult:
    """Record a purchase of (item_id, quantity, unit_cost_yen) lines into a storeroom."""
    occurred_at = occurred_at_from_date(occurred_on)
    lines = check_purchase_lines(lines)
    vendor = check_text(vendor, field="vendor", limit=100, required=True)
    funding = check_choice(funding, Funding, field="funding")
    receipt_number = check_text(receipt_number, field="receipt_number", limit=50)
    payload = dict(
        storeroom=storeroom_id,
        on=occurred_on,
        lines=lines,
        vendor=vendor,
        funding=funding,
        receipt=receipt_number,
        note=note,
    )

    def work(session):
        record = _open_receipt(RecordKind.PURCHASE, storeroom_id, lines, occurred_at, recorded_by, note)
        session.add(
            Purchase(record_id=record.id, vendor=vendor, funding=funding, receipt_number=receipt_number)
        )
        session.flush()
        for index, line in enumerate(lines):
            session.add(
                PurchaseLine(
                    purchase_id=record.id,
                    item_id=line.item_id,
                    quantity=line.quantity,
                    unit_cost_yen=line.unit_cost_yen,
                )
            )
            move(
                record,
                line.item_id,
                line.quantity,
                kind=MovementKind.RECEIPT_PURCHASE,
                to_location_id=storeroom_id,
                field=f"lines-{index}-quantity",
            )
        return record

    return run_service("record_purchase", idempotency_key, payload, work)
