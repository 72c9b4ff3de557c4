"""The fiscal-year report against hand-computed figures on a small fixed year, and its edges."""

import uuid
from datetime import date, datetime, timedelta
from types import SimpleNamespace

import pytest

from inventory.core.db import unit_of_work
from inventory.reports import yearly as reports
from inventory.requests import queries as request_queries
from inventory.rounds import scans, visits
from inventory.settings import organisation as settings
from inventory.stock import operations, receipts, reversal
from inventory.stock.ledger import create_record, record_outflow
from inventory.stock.models import MovementKind, RecordKind


def at_jst(year, month, day, hour=12, minute=0) -> datetime:
    """A Japan time as the naive UTC the ledger stores (JST = UTC+9, no summer time)."""
    return datetime(year, month, day, hour, minute) - (datetime(2000, 1, 1, 9) - datetime(2000, 1, 1))


def give_out(location_id, item_id, quantity, kind, when):
    """Mail or hand over stock through the ledger primitives (as the requests module will)."""
    with unit_of_work():
        record = create_record(RecordKind.REQUEST, occurred_at=when, location_id=location_id)
        record_outflow(record, location_id, item_id, quantity, kind)


def build_year(items, storeroom, make_location):
    """FY2025 (令和7年度): the fixed data set whose figures the tests compute by hand.

    Donated 100 packs + 100 leaflets (individual), 60 packs (company), 40 packs (company, reversed);
    bought 30 packs for 9,000 yen (grant), 10 packs + 20 leaflets for 2,700 yen (own funds);
    500 packs donated the day before the year began. Placed 20 at city hall, 15 at an elementary
    school, 10 at a junior high school (5 more at city hall reversed, 3 brought back); taken 8 at
    city hall, 5 at the school; mailed 2, handed over 1; QR scans 3 + 1 at city hall, 2 at the school.
    """
    hall = make_location("city_hall", "市役所", spot="1階")
    school = make_location("elementary_school", "小学校")
    junior = make_location("junior_high_school", "中学校")
    room = storeroom.id
    receipts.receive_donation(
        room, date(2025, 3, 31), [(items.pack, 500)], donor_kind="group", idempotency_key=None
    )
    receipts.receive_donation(
        room,
        date(2025, 4, 10),
        [(items.pack, 100), (items.leaflet, 100)],
        donor_kind="individual",
        donor_name="山田花子",
        idempotency_key=None,
    )
    operations.assemble_packages(
        room, items.package, 80, occurred_at=at_jst(2025, 4, 20), idempotency_key=None
    )
    receipts.record_purchase(
        room,
        date(2025, 5, 15),
        [(items.pack, 30, 300)],
        vendor="ドラッグストア",
        funding="grant",
        idempotency_key=None,
    )
    receipts.receive_donation(
        room, date(2025, 6, 1), [(items.pack, 60)], donor_kind="company", idempotency_key=None
    )
    undone = receipts.receive_donation(
        room, date(2025, 7, 1), [(items.pack, 40)], donor_kind="company", idempotency_key=None
    )
    reversal.reverse_record(undone.record_id, occurred_at=at_jst(2025, 7, 2), idempotency_key=None)
    receipts.record_purchase(
        room,
        date(2025, 9, 1),
        [(items.pack, 10, 250), (items.leaflet, 20, 10)],
        vendor="文具店",
        funding="own_funds",
        idempotency_key=None,
    )

    def place(target, quantity, when):
        return operations.transfer_stock(
            room, target.id, [(items.package, quantity)], occurred_at=when, idempotency_key=None
        )

    place(hall, 20, at_jst(2025, 4, 21))
    place(school, 15, at_jst(2025, 5, 1))
    place(junior, 10, at_jst(2025, 6, 1))
    wrong = place(hall, 5, at_jst(2025, 6, 2))
    reversal.reverse_record(wrong.record_id, occurred_at=at_jst(2025, 6, 3), idempotency_key=None)
    visits.record_visit(
        hall.id, counted=12, added=0, max_age=None, occurred_at=at_jst(2025, 5, 10), idempotency_key=None
    )
    visits.record_visit(
        school.id, counted=10, added=0, max_age=None, occurred_at=at_jst(2025, 6, 10), idempotency_key=None
    )
    operations.transfer_stock(
        hall.id, room, [(items.package, 3)], occurred_at=at_jst(2025, 8, 1), idempotency_key=None
    )
    give_out(room, items.package, 2, MovementKind.MAILED, at_jst(2025, 7, 15))
    give_out(room, items.package, 1, MovementKind.HANDED_OVER, at_jst(2025, 8, 20))
    for _ in range(3):
        scans.count_scan(hall.id, on=date(2025, 4, 5))
    scans.count_scan(hall.id, on=date(2026, 3, 31))
    scans.count_scan(hall.id, on=date(2026, 4, 1))  # the next year
    scans.count_scan(school.id, on=date(2025, 12, 1))
    scans.count_scan(school.id, on=date(2025, 12, 1))
    settings.set_targets(2025, {"packs_placed": 100, "packs_sent": 4, "placement_locations": 3})
    return SimpleNamespace(hall=hall, school=school, junior=junior)


@pytest.fixture
def year(items, storeroom, make_location):
    """The fixed fiscal year 2025."""
    return build_year(items, storeroom, make_location)


def test_received_packs_and_pads_count_donations_and_purchases_but_not_leaflets_or_reversals(year, items):
    report = reports.fiscal_year_report(2025)
    assert report.received == {"receipt_donation": {items.pack: 160}, "receipt_purchase": {items.pack: 40}}
    assert report.received_pads == {"receipt_donation": 3200, "receipt_purchase": 800}
    assert report.received_total == 200


def test_donations_by_donor_kind_and_purchases_in_yen_by_funding(year):
    report = reports.fiscal_year_report(2025)
    assert report.donations_by_kind == {"individual": (1, 100), "company": (1, 60)}
    assert report.purchases_by_funding == {"grant": (1, 30, 9000), "own_funds": (1, 10, 2700)}


def test_placed_counts_storeroom_to_point_transfers_net_of_reversals_and_returns(year):
    report = reports.fiscal_year_report(2025)
    # City hall: 20 placed, 5 placed and reversed, 3 brought back to the storeroom.
    assert report.placed_by_location == {year.hall.id: 17, year.school.id: 15, year.junior.id: 10}
    assert report.placed_by_kind == {"city_hall": 17, "elementary_school": 15, "junior_high_school": 10}
    assert report.placed_total == 42
    assert report.returned == 3


def test_given_out_and_taken_by_users(year):
    report = reports.fiscal_year_report(2025)
    assert (report.mailed, report.handed_over) == (2, 1)
    assert report.consumption_by_location == {year.hall.id: 8, year.school.id: 5}


def test_monthly_figures_run_april_to_march(year):
    report = reports.fiscal_year_report(2025)
    assert [m.month for m in report.months] == [4, 5, 6, 7, 8, 9, 10, 11, 12, 1, 2, 3]
    m = report.monthly
    assert m["receipt_donation"] == [100, 0, 60] + [0] * 9
    assert m["receipt_purchase"] == [0, 30, 0, 0, 0, 10] + [0] * 6
    assert m["placed"] == [20, 15, 10, 0, -3] + [0] * 7
    assert m["mailed"] == [0, 0, 0, 2] + [0] * 8
    assert m["handed_over"] == [0] * 4 + [1] + [0] * 7
    assert m["consumption"] == [0, 8, 5] + [0] * 9


def test_qr_scans_by_location_and_month(year):
    report = reports.fiscal_year_report(2025)
    assert report.scans_by_location == {
        year.hall.id: [3] + [0] * 10 + [1],
        year.school.id: [0] * 8 + [2] + [0] * 3,
    }
    assert report.scans_total == 6


def test_kpi_table_has_target_actual_and_rate(year):
    kpis = {row.metric: (row.target, row.actual, row.rate) for row in reports.fiscal_year_report(2025).kpis}
    assert kpis == {
        "packs_placed": (100, 42, 42.0),
        "packs_sent": (4, 3, 75.0),
        "placement_locations": (3, 3, 100.0),
        "support_page_scans": (None, 6, None),
        "availability_percent": (None, 100.0, None),
        "new_consultations": (None, 0, None),
        "referrals": (None, 0, None),
        "cafe_visits": (None, 0, None),
    }


def test_requests_are_zero_until_the_requests_module_reports_them(year):
    figures = reports.fiscal_year_report(2025).requests
    assert (figures.school_asked, figures.school_fulfilled, figures.school_avg_days) == (0, 0, None)
    assert figures.individual_by_channel == {} and figures.individual_total == 0


def test_request_figures_count_refills_and_individual_requests_made_in_the_year(
    app, packages, point, make_user
):
    from inventory.requests import schools
    from inventory.requests import services as requests

    packages(20)
    school = make_user("school")
    schools.link(school.id, point.id)
    asked = datetime(2025, 6, 1, 1, 0)
    refill = requests.create_refill_request(
        point.id, quantity=3, requested_by=school.id, now=asked, idempotency_key=uuid.uuid4().hex
    )
    requests.fulfil_request(
        refill.request_id, now=asked + timedelta(days=2), idempotency_key=uuid.uuid4().hex
    )
    requests.create_refill_request(
        point.id, quantity=2, requested_by=school.id, now=asked, idempotency_key=uuid.uuid4().hex
    )
    for channel, delivery in [("phone", "mail"), ("phone", "office"), ("line", "mail")]:
        requests.create_individual_request(
            quantity=1,
            channel=channel,
            delivery=delivery,
            now=asked,
            idempotency_key=uuid.uuid4().hex,
            **(
                {"recipient_name": "さくら", "postal_code": "090-0018", "address": "北見市青葉町1-1"}
                if delivery == "mail"
                else {}
            ),
        )
    cancelled = requests.create_individual_request(
        quantity=1, channel="cafe", delivery="office", now=asked, idempotency_key=uuid.uuid4().hex
    )
    requests.cancel_request(cancelled.request_id, reason="重複", now=asked, idempotency_key=uuid.uuid4().hex)
    figures = reports.fiscal_year_report(2025).requests
    assert (figures.school_asked, figures.school_fulfilled, figures.school_avg_days) == (2, 1, 2.0)
    assert figures.individual_by_channel == {"phone": 2, "line": 1}
    assert figures.individual_by_delivery == {"mail": 2, "office": 1}
    assert reports.fiscal_year_report(2024).requests.school_asked == 0
    assert request_queries.open_request_counts() == {point.id: 1, None: 3}


def test_the_year_before_is_separate(year, items):
    report = reports.fiscal_year_report(2024)
    assert report.received == {"receipt_donation": {items.pack: 500}, "receipt_purchase": {}}
    assert report.placed_total == 0


def test_a_movement_at_2359_on_march_31_japan_time_counts_in_the_old_year_and_0000_april_1_in_the_new(
    items, storeroom, point, donate
):
    donate(10, item=items.package, on=date(2026, 3, 1))
    last_minute = at_jst(2026, 3, 31, 23, 59)
    first_minute = at_jst(2026, 4, 1, 0, 0)
    assert (last_minute, first_minute) == (datetime(2026, 3, 31, 14, 59), datetime(2026, 3, 31, 15, 0))
    operations.transfer_stock(
        storeroom.id, point.id, [(items.package, 1)], occurred_at=last_minute, idempotency_key=None
    )
    operations.transfer_stock(
        storeroom.id, point.id, [(items.package, 2)], occurred_at=first_minute, idempotency_key=None
    )
    assert reports.fiscal_year_report(2025).placed_total == 1
    assert reports.fiscal_year_report(2025).monthly["placed"][11] == 1
    assert reports.fiscal_year_report(2026).placed_total == 2
    assert reports.fiscal_year_report(2026).monthly["placed"][0] == 2


def test_a_year_without_data_is_an_empty_report(app, items):
    report = reports.fiscal_year_report(2099)
    assert report.received_total == report.placed_total == report.scans_total == 0
    assert [row.actual for row in report.kpis] == [0, 0, 0, 0, None, 0, 0, 0]  # availability: nothing known


@pytest.mark.parametrize("year", [1999, 2101, -1, "2025", None, True])
def test_an_absurd_year_is_refused(app, year):
    with pytest.raises(reports.YearOutOfRange):
        reports.fiscal_year_report(year)
