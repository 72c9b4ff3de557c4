"""Donations and purchases: what they record, and that every refusal writes nothing."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from inventory.core.clock import local_today
from inventory.core.errors import (
    DomainError,
    InvalidDate,
    InvalidQuantity,
    InvalidValue,
)
from inventory.stock import catalog, receipts
from inventory.stock.errors import (
    DuplicateLine,
    NoLines,
    RetiredLocation,
    UnknownItem,
    UnknownLocation,
    WrongLocationKind,
)

YESTERDAY = date.today() - timedelta(days=1)


def test_a_donation_adds_its_lines_to_the_storeroom(app, items, storeroom, level, new_key):
    result = receipts.receive_donation(
        storeroom.id,
        YESTERDAY,
        [(items.pack, 20), (items.leaflet, 50)],
        donor_kind="company",
        donor_name="北見ドラッグ",
        idempotency_key=new_key(),
    )
    assert result.kind == "donation" and not result.replayed
    assert [
        (m.kind, m.item_id, m.quantity, m.from_location_id, m.to_location_id) for m in result.movements
    ] == [
        ("receipt_donation", items.pack, 20, None, storeroom.id),
        ("receipt_donation", items.leaflet, 50, None, storeroom.id),
    ]
    assert level(storeroom, items.pack) == 20
    assert level(storeroom, items.leaflet) == 50


def test_an_anonymous_donation_keeps_a_blank_donor(app, items, storeroom, new_key):
    from inventory.stock.queries import get_donation

    result = receipts.receive_donation(
        storeroom.id, YESTERDAY, [(items.pack, 3)], donor_kind="individual", idempotency_key=new_key()
    )
    donation = get_donation(result.record_id)
    assert donation.party == "" and donation.party_kind == "individual"
    assert donation.total_quantity == 3


def test_a_purchase_records_unit_costs_and_adds_stock(app, items, storeroom, level, new_key):
    from inventory.stock.queries import get_purchase

    result = receipts.record_purchase(
        storeroom.id,
        YESTERDAY,
        [(items.pack, 40, 380)],
        vendor="オホーツク衛生用品",
        funding="grant",
        receipt_number="R-1",
        idempotency_key=new_key(),
    )
    assert level(storeroom, items.pack) == 40
    purchase = get_purchase(result.record_id)
    assert purchase.total_cost_yen == 40 * 380
    assert purchase.receipt_number == "R-1" and purchase.party_kind == "grant"


@pytest.mark.parametrize("quantity", [0, -1, 10**12, 1_000_001, 2.5, "5", True, None])
def test_a_donation_with_a_bad_quantity_is_refused_and_nothing_is_recorded(
    app, items, storeroom, ledger_counts, new_key, quantity
):
    before = ledger_counts()
    with pytest.raises(InvalidQuantity) as refused:
        receipts.receive_donation(
            storeroom.id,
            YESTERDAY,
            [(items.pack, quantity)],
            donor_kind="individual",
            idempotency_key=new_key(),
        )
    assert refused.value.field == "lines-0-quantity"
    assert ledger_counts() == before


def test_the_largest_allowed_quantity_is_accepted(app, items, storeroom, level, new_key):
    receipts.receive_donation(
        storeroom.id, YESTERDAY, [(items.pack, 1_000_000)], donor_kind="individual", idempotency_key=new_key()
    )
    assert level(storeroom, items.pack) == 1_000_000


def _refusals(items, storeroom, point, retired_room):
    tomorrow_plus = local_today() + timedelta(days=2)
    return [
        (NoLines, dict(lines=[])),
        (DuplicateLine, dict(lines=[(items.pack, 1), (items.pack, 2)])),
        (InvalidDate, dict(on=tomorrow_plus)),
        (InvalidDate, dict(on="2026-01-01")),
        (UnknownItem, dict(lines=[(items.pack, 1), (99999, 1)])),
        (UnknownLocation, dict(location=99999)),
        (RetiredLocation, dict(location=retired_room.id)),
        (WrongLocationKind, dict(location=point.id)),
        (InvalidValue, dict(donor_kind="alien")),
    ]


def test_each_refused_donation_writes_nothing(
    app, items, storeroom, point, make_location, ledger_counts, new_key
):
    retired_room = make_location("storeroom", "old")
    catalog.set_location_active(retired_room.id, False)
    for error, change in _refusals(items, storeroom, point, retired_room):
        before = ledger_counts()
        with pytest.raises(error):
            receipts.receive_donation(
                change.get("location", storeroom.id),
                change.get("on", YESTERDAY),
                change.get("lines", [(items.pack, 5)]),
                donor_kind=change.get("donor_kind", "individual"),
                idempotency_key=new_key(),
            )
        assert ledger_counts() == before, error


def test_a_retired_item_cannot_be_received(app, items, storeroom, ledger_counts, new_key):
    catalog.set_item_active(items.leaflet, False)
    before = ledger_counts()
    with pytest.raises(UnknownItem) as refused:
        receipts.receive_donation(
            storeroom.id,
            YESTERDAY,
            [(items.pack, 1), (items.leaflet, 1)],
            donor_kind="group",
            idempotency_key=new_key(),
        )
    assert refused.value.retired and refused.value.field == "lines-1-item_id"
    assert ledger_counts() == before


@pytest.mark.parametrize(
    "change, error",
    [
        (dict(lines=[(1, 5, -1)]), InvalidQuantity),
        (dict(vendor=" "), InvalidValue),
        (dict(funding="lottery"), InvalidValue),
        (dict(lines=[(1, 0, 100)]), InvalidQuantity),
        (dict(lines=[]), NoLines),
    ],
)
def test_each_refused_purchase_writes_nothing(app, items, storeroom, ledger_counts, new_key, change, error):
    before = ledger_counts()
    with pytest.raises(error):
        receipts.record_purchase(
            storeroom.id,
            YESTERDAY,
            change.get("lines", [(items.pack, 5, 100)]),
            vendor=change.get("vendor", "店"),
            funding=change.get("funding", "grant"),
            idempotency_key=new_key(),
        )
    assert ledger_counts() == before


def test_every_domain_error_names_its_field_for_the_form(app, items, storeroom, new_key):
    with pytest.raises(DomainError) as refused:
        receipts.receive_donation(
            storeroom.id,
            YESTERDAY,
            [(items.pack, 5), (items.leaflet, 0)],
            donor_kind="individual",
            idempotency_key=new_key(),
        )
    assert refused.value.field == "lines-1-quantity"
    assert refused.value.details["maximum"] == 1_000_000
