"""The dashboard's days of cover and due locations, and one location's figures, on known consumption."""

from datetime import date, timedelta

import pytest

from inventory.core.clock import local_today, utcnow
from inventory.reports import dashboard
from inventory.rounds import scans, visits
from inventory.stock import operations, reversal


@pytest.fixture
def now():
    return utcnow()


def test_days_of_cover_is_stock_over_the_average_daily_outflow_of_90_days(
    items, storeroom, point, donate, now
):
    donate(100, item=items.pack, on=local_today() - timedelta(days=100))
    for days_ago in (80, 50, 10):
        operations.transfer_stock(
            storeroom.id,
            point.id,
            [(items.pack, 30)],
            occurred_at=now - timedelta(days=days_ago),
            idempotency_key=None,
        )
    undone = operations.transfer_stock(
        storeroom.id, point.id, [(items.pack, 5)], occurred_at=now - timedelta(days=5), idempotency_key=None
    )
    reversal.reverse_record(undone.record_id, idempotency_key=None)
    row = next(r for r in dashboard.storeroom_cover(now) if r.item_id == items.pack)
    assert row.qty == 10
    assert row.daily_outflow == pytest.approx(1.0)  # 90 packs in 90 days; the reversed 5 do not count
    assert row.days_of_cover == pytest.approx(10.0)
    assert row.below_threshold and row.low_cover and row.low  # threshold 50; under 30 days of cover
    assert row.empty_on == local_today() + timedelta(days=10)


def test_an_item_that_does_not_move_has_no_days_of_cover_and_no_cover_warning(items, donate, now):
    donate(500, item=items.leaflet)
    row = next(r for r in dashboard.storeroom_cover(now) if r.item_id == items.leaflet)
    assert (row.daily_outflow, row.days_of_cover, row.low_cover, row.empty_on) == (0, None, False, None)


def test_a_location_predicted_to_run_out_is_due_with_its_empty_date(items, storeroom, point, donate, now):
    donate(50, item=items.package, on=local_today() - timedelta(days=100))
    visits.record_visit(
        point.id,
        counted=0,
        added=40,
        occurred_at=now - timedelta(days=50),
        max_age=None,
        idempotency_key=None,
    )
    visits.record_visit(
        point.id,
        counted=28,
        added=0,
        max_age=None,
        occurred_at=now - timedelta(days=20),
        idempotency_key=None,
    )
    due = dashboard.due_locations(now)
    assert [row.location_id for row in due] == [point.id]
    row = due[0]
    # rounds.round_plan: 12 taken over the 30 days the visits cover; 28 counted, 8 more taken since.
    assert row.daily_rate == pytest.approx(12 / 30)
    assert row.expected_now == 28  # the ledger's balance, as the restock form shows it
    assert row.predicted_now == pytest.approx(20) and row.days_left == pytest.approx(50)
    assert row.empty_on == now + timedelta(days=50)
    assert row.overdue  # last visit 20 days ago
    cover = next(r for r in dashboard.storeroom_cover(now) if r.item_id == items.package)
    assert cover.qty == 10
    assert cover.daily_outflow == pytest.approx(40 / 90) and cover.days_of_cover == pytest.approx(
        10 * 90 / 40
    )


def test_a_fresh_database_gives_an_empty_dashboard(app, now):
    board = dashboard.dashboard(now)
    assert board.cover == [] and board.due == [] and board.open_requests == 0
    assert set(board.year_totals.values()) == {0}
    assert len(board.months) == len(board.monthly["placed"]) == 12
    assert board.months[-1] == date(local_today(now).year, local_today(now).month, 1)


def test_the_dashboard_counts_this_fiscal_year_and_the_last_12_months(items, storeroom, point, donate, now):
    donate(30, item=items.package, on=local_today())
    operations.transfer_stock(storeroom.id, point.id, [(items.package, 7)], idempotency_key=None)
    scans.count_scan(point.id)
    board = dashboard.dashboard(utcnow())
    assert board.year_totals["receipt_donation"] == 30 and board.year_totals["placed"] == 7
    assert board.year_totals["support_page_scans"] == 1
    assert board.monthly["placed"][-1] == 7 and board.monthly["receipt_donation"][-1] == 30


def test_a_location_report_shows_consumption_per_day_by_month_and_scans(items, storeroom, point, donate, now):
    donate(50, item=items.package, on=local_today() - timedelta(days=100))
    visits.record_visit(
        point.id, counted=0, added=20, max_age=None, occurred_at=now - timedelta(days=3), idempotency_key=None
    )
    visits.record_visit(
        point.id,
        counted=11,
        added=0,
        max_age=None,
        occurred_at=now - timedelta(hours=1),
        idempotency_key=None,
    )
    scans.count_scan(point.id)
    scans.count_scan(point.id)
    figures = dashboard.location_report(point.id, now)
    # 9 taken over the 3 days less an hour between the visits, spread over the month(s) they cover.
    assert sum(figures.consumed) == pytest.approx(9, abs=0.02)
    assert figures.per_day[-1] == pytest.approx(round(9 / (3 - 1 / 24), 2))
    assert figures.scans[-1] == 2
    assert len(figures.visits) == 2 and figures.plan.location_id == point.id
