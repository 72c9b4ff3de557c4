"""Consumption figures that are true (issue #14): rates over the span the counts cover, reversed
visits left out, a visit's consumption spread over the days it covers, one expected count."""

from datetime import date, timedelta

import pytest

from inventory.core.clock import local_today, start_of_day_utc, utcnow
from inventory.reports import dashboard
from inventory.rounds import plan as rounds
from inventory.rounds import visits
from inventory.stock import operations, reversal


@pytest.fixture
def now():
    return utcnow()


def visit(location, at, *, counted, added):
    return visits.record_visit(
        location.id, counted=counted, added=added, occurred_at=at, max_age=None, idempotency_key=None
    )


def plan_row(location, now):
    return next(row for row in rounds.round_plan(now) if row.location_id == location.id)


def test_the_rate_divides_what_the_visits_in_the_window_counted_by_the_span_those_counts_cover(
    packages, point, now
):
    packages(40)
    day = timedelta(days=1)
    visit(point, now - 100 * day, counted=0, added=10)  # the first visit: nothing counted yet
    visit(point, now - 70 * day, counted=4, added=6)  # 6 taken, before the 60-day window
    visit(point, now - 50 * day, counted=6, added=4)  # 4 taken since day -70: 20 days
    visit(point, now - 20 * day, counted=1, added=9)  # 9 taken since day -50: 30 days
    rates = rounds.consumption_rates(now - rounds.RATE_WINDOW, now)
    # 4 + 9 taken over the 50 days from the visit before the window's first one (day -70) to day -20
    # (the old figure was 13 / 40 days: day -60 to day -20, 1.25 times too high).
    assert rates[point.id] == pytest.approx(13 / 50)
    assert plan_row(point, now).daily_rate == pytest.approx(13 / 50)


def test_the_first_visit_of_a_location_counts_no_consumption_and_no_span(packages, point, now):
    packages(40)
    day = timedelta(days=1)
    visit(point, now - 30 * day, counted=0, added=10)
    visit(point, now - 10 * day, counted=4, added=6)  # 6 taken over 20 days
    assert rounds.consumption_rates(now - rounds.RATE_WINDOW, now) == {point.id: pytest.approx(6 / 20)}


def test_a_reversed_visit_counts_neither_in_the_rate_nor_as_the_last_visit(
    packages, point, now, level, items
):
    packages(40)
    day = timedelta(days=1)
    visit(point, now - 40 * day, counted=0, added=10)
    mistaken = visit(point, now - 30 * day, counted=2, added=8)  # 8 taken: typed in the wrong place
    reversal.reverse_record(mistaken.record_id, idempotency_key=None)
    visit(point, now - 10 * day, counted=5, added=5)  # 5 taken since day -40, as if day -30 never was
    undone = visit(point, now - 2 * day, counted=3, added=7)
    reversal.reverse_record(undone.record_id, idempotency_key=None)
    assert level(point, items.package) == 10
    # Old figure: 8 + 5 + 7 = 20 taken over day -40 to day -2, 38 days.
    assert rounds.consumption_rates(now - rounds.RATE_WINDOW, now) == {point.id: pytest.approx(5 / 30)}
    row = plan_row(point, now)
    assert row.last_visit_at == now - 10 * day
    assert row.overdue is False
    assert row.daily_rate == pytest.approx(5 / 30)
    # 10 there after day -10; 10 days at 1/6 a day since then.
    assert row.predicted_now == pytest.approx(10 - 10 / 6)
    assert row.days_left == pytest.approx((10 - 10 / 6) * 6)


def test_the_plan_expects_the_same_count_now_as_the_restock_form(packages, storeroom, point, now):
    packages(40)
    day = timedelta(days=1)
    visit(point, now - 40 * day, counted=0, added=10)
    visit(point, now - 20 * day, counted=4, added=6)
    # The office delivers 3 more after the last visit: the ledger, and so the form, expects 13.
    operations.transfer_stock(
        storeroom.id,
        point.id,
        [(visits.placement_item().id, 3)],
        occurred_at=now - 5 * day,
        idempotency_key=None,
    )
    row = plan_row(point, now)
    form = visits.suggest(point)
    assert row.expected_now == form.expected == 13
    assert row.level == 13
    # What people probably took since is a prediction beside it: 20 days at 6/20 a day.
    assert row.predicted_now == pytest.approx(13 - 6)
    assert row.to_bring == point.target_level - 7


def _month_before(day: date) -> date:
    return date(day.year - 1, 12, 1) if day.month == 1 else date(day.year, day.month - 1, 1)


def test_the_monthly_chart_spreads_a_visits_consumption_over_the_days_it_covers(packages, point):
    packages(40)
    month = _month_before(local_today())  # last month: wholly in the past
    boundary = start_of_day_utc(month)
    day = timedelta(days=1)
    visit(point, boundary - 12 * day, counted=0, added=10)
    visit(point, boundary + 4 * day, counted=6, added=4)  # 4 taken over 16 days, 12 of them the month before
    figures = dashboard.location_report(point.id, now=boundary + 20 * day)
    assert figures.months[-1] == month
    assert figures.consumed[-2:] == [pytest.approx(3.0), pytest.approx(1.0)]
    assert sum(figures.consumed) == pytest.approx(4.0)
    # Each month's share over the days of it the counts cover: a quarter pack a day in both,
    # not 4 packs over the 21 days of the chart's current month so far (0.19) and nothing before.
    assert figures.per_day[-2:] == [pytest.approx(0.25), pytest.approx(0.25)]
    assert figures.per_day[:-2] == [0.0] * 10


def test_a_reversed_visit_is_left_out_of_the_monthly_chart(packages, point):
    packages(40)
    month = _month_before(local_today())
    start = start_of_day_utc(month)
    day = timedelta(days=1)
    visit(point, start + 1 * day, counted=0, added=10)
    mistaken = visit(point, start + 3 * day, counted=0, added=10)  # 10 taken in 2 days: a mistake
    reversal.reverse_record(mistaken.record_id, idempotency_key=None)
    visit(point, start + 11 * day, counted=8, added=2)  # 2 taken over the 10 days since day 1
    figures = dashboard.location_report(point.id, now=start + 20 * day)
    assert figures.consumed[-1] == pytest.approx(2.0)
    assert figures.per_day[-1] == pytest.approx(0.2)
