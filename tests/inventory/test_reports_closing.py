"""The fiscal-year report's reconciliation, previous-year comparison and closing (確定), by hand."""

from datetime import date, datetime

import pytest
import sqlalchemy as sa

from inventory.core.db import db
from inventory.core.errors import InvalidValue
from inventory.reports import closing
from inventory.reports import yearly as reports
from inventory.reports.errors import YearClosed, YearNotClosed, YearNotOver
from inventory.rounds import visits
from inventory.settings import organisation as settings
from inventory.stock import operations, receipts, reversal
from inventory.stock.models import StockRecord
from tests.inventory.test_reports import at_jst


def build_reconciled_year(items, storeroom, point):
    """FY2025 by hand, with FY2024 before it.

    FY2024: 100 packs and 100 leaflets donated (2025-03-31).
    FY2025: 50 packs donated; 20 packs bought with the grant (4,000 yen); 30 packages assembled
    (30 packs + 30 leaflets); 20 packages placed at the point, 2 of them brought back; a visit
    counts 12 there (8 taken); 3 packs discarded as damaged; a stocktake finds 135 packs where the
    ledger says 137 (−2).

    Packs:    opening 100 + received 70 − assembled 30 − discarded 3 − stocktake 2 = closing 135.
    Packages: opening 0 + assembled 30 − taken 8 = closing 22 (transfers stay inside).
    """
    room = storeroom.id
    receipts.receive_donation(
        room,
        date(2025, 3, 31),
        [(items.pack, 100), (items.leaflet, 100)],
        donor_kind="group",
        idempotency_key=None,
    )
    receipts.receive_donation(
        room, date(2025, 4, 10), [(items.pack, 50)], donor_kind="company", idempotency_key=None
    )
    receipts.record_purchase(
        room, date(2025, 5, 1), [(items.pack, 20, 200)], vendor="薬局", funding="grant", idempotency_key=None
    )
    operations.assemble_packages(
        room, items.package, 30, occurred_at=at_jst(2025, 5, 2), idempotency_key=None
    )
    operations.transfer_stock(
        room, point.id, [(items.package, 20)], occurred_at=at_jst(2025, 5, 3), idempotency_key=None
    )
    operations.transfer_stock(
        point.id, room, [(items.package, 2)], occurred_at=at_jst(2025, 5, 4), idempotency_key=None
    )
    visits.record_visit(
        point.id, counted=10, added=0, max_age=None, occurred_at=at_jst(2025, 6, 1), idempotency_key=None
    )
    operations.adjust_stock(
        room, items.pack, -3, "damaged", occurred_at=at_jst(2025, 7, 1), idempotency_key=None
    )
    operations.take_stock(room, {items.pack: 135}, occurred_at=at_jst(2025, 8, 1), idempotency_key=None)
    settings.set_targets(2025, {"packs_placed": 36, "packs_sent": 0})


@pytest.fixture
def reconciled(items, storeroom, point):
    build_reconciled_year(items, storeroom, point)
    return items


def balance_of(report, item_id):
    return next(b for b in report.balances if b.item_id == item_id)


def test_a_hand_computed_year_reconciles_with_a_discard_and_a_stocktake_adjustment(reconciled):
    report = reports.fiscal_year_report(2025)
    packs = balance_of(report, reconciled.pack)
    assert (packs.opening, packs.received, packs.assembled) == (100, 70, -30)
    assert (packs.taken, packs.sent, packs.discarded, packs.adjusted, packs.counted) == (0, 0, 3, 0, -2)
    assert packs.closing == packs.computed_closing == 135
    package = balance_of(report, reconciled.package)
    assert (package.opening, package.assembled, package.taken, package.closing) == (0, 30, 8, 22)
    assert package.computed_closing == package.closing
    # 20 placed, 2 brought back: 18 placed, 8 taken by users.
    assert (report.placed_total, report.returned, report.consumption_total) == (18, 2, 8)


def test_the_previous_year_is_beside_every_kpi_with_the_change(reconciled):
    report = reports.fiscal_year_report(2025)
    assert report.previous is not None and report.previous.fiscal_year == 2024
    assert report.previous.received_total == 100
    kpis = {k.metric: k for k in report.kpis}
    placed = kpis["packs_placed"]
    assert (placed.kind, placed.target, placed.actual, placed.rate, placed.previous, placed.change) == (
        "output",
        36,
        18,
        50.0,
        0,
        18,
    )
    assert kpis["support_page_scans"].kind == "outcome"
    # A zero target has no rate (it used to show 100.0%).
    assert (kpis["packs_sent"].target, kpis["packs_sent"].rate) == (0, None)


def test_cost_per_pad_and_per_pack_placed_come_from_purchases_in_yen(reconciled):
    report = reports.fiscal_year_report(2025)
    assert (report.purchase_yen_total, report.pads_purchased) == (4000, 400)
    assert report.yen_per_pad == 10.0
    assert report.yen_per_pack_placed == pytest.approx(4000 / 18)
    [line] = report.purchase_lines
    assert (line.vendor, line.quantity, line.amount_yen, line.funding, line.reversed) == (
        "薬局",
        20,
        4000,
        "grant",
        False,
    )


def test_a_visit_adding_packages_the_storeroom_could_not_cover_counts_as_placed(items, storeroom, point):
    visits.record_visit(
        point.id, counted=0, added=4, max_age=None, occurred_at=at_jst(2025, 6, 1), idempotency_key=None
    )
    report = reports.fiscal_year_report(2025)
    assert (report.unrecorded, report.placed_by_location) == (4, {point.id: 4})


def close(year, by=None):
    return closing.close_year(year, {"marker": year}, closed_by=by)


def records() -> int:
    db.session.rollback()
    return db.session.scalar(sa.select(sa.func.count()).select_from(StockRecord))


def test_a_reversal_of_a_closed_years_record_is_booked_in_the_open_year(reconciled, storeroom):
    donation = receipts.receive_donation(
        storeroom.id, date(2024, 6, 1), [(reconciled.pack, 17)], donor_kind="company", idempotency_key=None
    )
    close(2024)
    reversal.reverse_record(donation.record_id, occurred_at=at_jst(2025, 12, 1), idempotency_key=None)
    # FY2024 keeps its 17 (and its stored report); FY2025 carries the correction, naming the original.
    assert (
        reports.fiscal_year_report(2024, with_previous=False).received["receipt_donation"][reconciled.pack]
        == 117
    )
    report = reports.fiscal_year_report(2025)
    assert report.received["receipt_donation"][reconciled.pack] == 50 - 17
    packs = balance_of(report, reconciled.pack)
    assert (packs.opening, packs.received) == (117, 70 - 17)
    assert packs.computed_closing == packs.closing == 135
    assert closing.closing_of(2024).document == {"marker": 2024}


def test_anything_dated_in_a_closed_year_is_refused_and_nothing_is_written(reconciled, storeroom, point):
    close(2024)
    before = records()
    with pytest.raises(YearClosed) as refused:
        receipts.receive_donation(
            storeroom.id,
            date(2025, 2, 1),
            [(reconciled.pack, 5)],
            donor_kind="individual",
            idempotency_key=None,
        )
    assert (refused.value.fiscal_year, refused.value.field) == (2024, "occurred_on")
    with pytest.raises(YearClosed):
        visits.record_visit(
            point.id,
            counted=0,
            added=0,
            max_age=None,
            occurred_at=at_jst(2025, 3, 31, 23, 59),
            idempotency_key=None,
        )
    latest = db.session.scalar(sa.select(sa.func.max(StockRecord.id)))
    with pytest.raises(YearClosed):
        reversal.reverse_record(latest, occurred_at=at_jst(2025, 3, 1), idempotency_key=None)
    assert records() == before
    # The first minute of the next year is open.
    receipts.receive_donation(
        storeroom.id, date(2025, 4, 1), [(reconciled.pack, 1)], donor_kind="individual", idempotency_key=None
    )
    assert records() == before + 1


def test_the_closed_year_check_takes_a_day_or_a_utc_time(app):
    close(2024)
    assert closing.closed_year_of(date(2025, 3, 31)) == 2024
    assert closing.closed_year_of(date(2025, 4, 1)) is None
    assert closing.closed_year_of(datetime(2025, 3, 31, 14, 59)) == 2024  # 23:59 in Japan
    assert closing.closed_year_of(datetime(2025, 3, 31, 15, 0)) is None  # April 1 00:00 in Japan


def test_closing_and_reopening_are_logged_and_misuse_is_refused(app, make_user):
    admin = make_user("admin")
    with pytest.raises(YearNotOver):
        closing.close_year(date.today().year, {}, closed_by=admin.id)
    done = close(2024, admin.id)
    assert (done.fiscal_year, done.closed_by) == (2024, admin.username)
    with pytest.raises(YearClosed):
        close(2024, admin.id)
    with pytest.raises(YearClosed):
        closing.save_note(2024, "後から", updated_by=admin.id)
    with pytest.raises(InvalidValue):
        closing.reopen_year(2024, reopened_by=admin.id, reason="  ")
    closing.reopen_year(2024, reopened_by=admin.id, reason="寄付の記録漏れ")
    with pytest.raises(YearNotClosed):
        closing.reopen_year(2024, reopened_by=admin.id, reason="again")
    assert [(e.action, e.by, e.reason) for e in closing.events_of(2024)] == [
        ("close", admin.username, ""),
        ("reopen", admin.username, "寄付の記録漏れ"),
    ]
    assert closing.closing_of(2024) is None


@pytest.mark.parametrize("year", [1999, 2101, "2024", None, True])
def test_a_year_no_report_can_mean_is_refused_for_closing(app, year):
    with pytest.raises(InvalidValue):
        closing.close_year(year, {}, closed_by=None)
    assert closing.events_of(2024) == []


def test_packs_handed_over_are_split_between_the_window_and_the_cafe(app, packages):
    import uuid

    from inventory.requests import services as requests

    packages(10)
    for delivery in ("cafe", "office", "cafe"):
        made = requests.create_individual_request(
            quantity=1, channel="cafe", delivery=delivery, idempotency_key=uuid.uuid4().hex
        )
        requests.fulfil_request(made.request_id, idempotency_key=uuid.uuid4().hex)
    from inventory.core.clock import local_today

    report = reports.fiscal_year_report(settings.fiscal_year_of(local_today()))
    assert report.handed_over == 3
    assert report.handed_over_by_place == {"window": 1, "cafe": 2}


def test_the_month_tables_and_the_purchase_list_carry_the_previous_years_totals(app, reconciled):
    from blueprints.reports.tables import fiscal_year_tables

    with app.test_request_context("/?lang=en"):
        tables = {t.key: t for t in fiscal_year_tables(reports.fiscal_year_report(2026))}
    placed = tables["placed_monthly"].previous
    # FY2025 placed 18 packages in May (the 2nd month): 20 out, 2 brought back.
    assert placed[0] == "Previous year" and placed[1:] == [0, 18, *[0] * 10, 18]
    assert tables["consumed_monthly"].previous[1:] == [0, 0, 8, *[0] * 9, 8]
    purchases = tables["purchases"].previous
    assert purchases[0] == "Previous year" and purchases[7] == 4000 and len(purchases) == 10
    assert tables["reconciliation"].previous is None  # items in different units: no total to compare
