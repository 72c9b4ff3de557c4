"""Availability (充足率) against a location history worked out by hand, and the report's limits."""

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from inventory.core.clock import start_of_day_utc
from inventory.core.db import db
from inventory.reports.availability import availability
from inventory.reports.yearly import fiscal_year_report
from inventory.rounds import empty_reports
from inventory.rounds.errors import ReportTokenUsed
from inventory.rounds.models import EmptyReport, EmptyReportAttempt
from inventory.rounds.visits import record_visit
from inventory.settings import organisation
from inventory.stock import catalog
from inventory.stock.errors import RetiredLocation, UnknownLocation

KEY = "a" * 64
OTHER_KEY = "b" * 64


def jst(day: date, hour: int = 12):
    """A Japanese day and hour as the naive UTC the database holds."""
    return start_of_day_utc(day) + timedelta(hours=hour)


def june(day: int) -> date:
    return date(2026, 6, day)


def visit(location, day, counted, added):
    return record_visit(
        location.id,
        counted=counted,
        added=added,
        occurred_at=jst(june(day)),
        max_age=None,
        idempotency_key=None,
    )


def report(location, day, nonce, key=KEY, kind="empty", hour=12):
    return empty_reports.report_location(
        location.id, kind=kind, address_key=key, token_nonce=nonce, now=jst(june(day), hour)
    )


def test_availability_of_a_june_worked_out_by_hand(app, point, packages):
    """June 2026 at one toilet, every event at 12:00 Japan time.

    1 Jun: first visit, 0 counted, 10 added.  11 Jun: 0 counted (ran out), 10 added.
    15 Jun: a visitor reports empty.  21 Jun: 4 counted, 6 added (closes the report: 144 h).
    26 Jun: a visitor reports empty; no visit after.
    Taken: 10 (1→11 Jun) + 6 (11→21 Jun) over 20 days = 0.8 a day.
    1→11 Jun: 10 / 0.8 = 12.5 days puts the predicted empty date after the empty count, so it
      ran out halfway, at noon on 6 Jun: 6–11 Jun are empty days (6).
    11→21 Jun: the 21 Jun count found packs, so the 15 Jun report does not make days empty.
    After 21 Jun: predicted empty on 3 Jul, but the 26 Jun report says empty: 26–30 Jun (5).
    30 days counted, 11 empty: 19 / 30 = 63.3 %.
    """
    packages(40)
    visit(point, 1, 0, 10)
    visit(point, 11, 0, 10)
    report(point, 15, "0001abcd")
    visit(point, 21, 4, 6)
    report(point, 26, "0002abcd")
    result = availability(june(1), june(30), now=start_of_day_utc(date(2026, 7, 1)))
    row = result.locations[point.id]
    assert (row.days, row.empty_days, row.share) == (30, 11, 63.3)
    assert (row.empty_reports, row.low_reports, row.median_refill_hours) == (2, 0, 144.0)
    assert (result.share, result.empty_days, result.days) == (63.3, 11, 30)


def test_a_report_earlier_than_the_estimate_starts_the_empty_days(app, point, packages):
    packages(40)
    visit(point, 1, 0, 10)
    visit(point, 11, 0, 10)  # 10 taken in 10 days: 1 a day
    report(point, 13, "0003abcd")  # predicted empty on 21 Jun; a visitor says empty on 13 Jun
    visit(point, 25, 0, 10)
    result = availability(june(1), june(24), now=jst(june(25), 18))
    # 1→11 Jun: predicted exactly at the count, so halfway: 6–11 Jun; 13–24 Jun from the report.
    assert (result.locations[point.id].days, result.locations[point.id].empty_days) == (24, 6 + 12)


def test_days_before_the_first_visit_and_locations_never_visited_are_not_counted(
    app, point, make_location, packages
):
    packages(20)
    never = make_location("university", "看護大学")
    visit(point, 20, 0, 10)
    result = availability(june(1), june(30), now=start_of_day_utc(date(2026, 7, 1)))
    assert result.locations[point.id].days == 11  # 20–30 Jun
    assert result.locations[point.id].empty_days == 0  # no rate, no report: stocked
    assert result.locations[never.id].days == 0 and result.locations[never.id].share is None
    assert result.share == 100.0


def test_the_fiscal_year_report_carries_availability_and_its_target(app, point, packages):
    packages(40)
    organisation.set_targets(2026, {"availability_percent": 98})
    visit(point, 1, 0, 10)
    visit(point, 11, 0, 10)
    report_ = fiscal_year_report(2026)
    assert report_.availability.locations[point.id].empty_days >= 6
    (kpi,) = [k for k in report_.kpis if k.metric == "availability_percent"]
    assert kpi.target == 98 and kpi.actual == report_.availability.share < 98


def test_one_address_counts_once_an_hour_and_again_after_it(app, point):
    assert report(point, 1, "0010abcd", hour=9).counted
    assert not report(point, 1, "0011abcd", hour=9, kind="low").counted
    assert report(point, 1, "0012abcd", hour=9, key=OTHER_KEY).counted
    assert report(point, 1, "0013abcd", hour=11).counted  # more than an hour later
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(EmptyReport)) == 3
    # Attempts older than the hour are gone: only the last one is kept.
    assert db.session.scalars(sa.select(EmptyReportAttempt.token_nonce)).all() == ["0013abcd"]


def test_a_used_token_and_closed_or_unknown_places_are_refused_writing_nothing(app, point, storeroom):
    report(point, 1, "0020abcd")
    with pytest.raises(ReportTokenUsed):
        report(point, 1, "0020abcd", key=OTHER_KEY)
    with pytest.raises(UnknownLocation):
        report(storeroom, 1, "0021abcd")
    catalog.set_location_active(point.id, False)
    with pytest.raises(RetiredLocation):
        report(point, 1, "0022abcd", key=OTHER_KEY)
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(EmptyReportAttempt)) == 1
    assert db.session.scalar(sa.select(sa.func.count()).select_from(EmptyReport)) == 1


def test_a_visit_replayed_from_before_a_report_does_not_close_it(app, point, packages):
    packages(20)
    report(point, 10, "0030abcd")
    visit(point, 9, 0, 10)  # an offline phone's visit from the day before the report
    db.session.rollback()
    assert db.session.scalar(sa.select(EmptyReport.closed_at)) is None


def test_a_history_begun_before_the_period_counts_every_day_of_it(app, point, packages):
    packages(40)
    record_visit(
        point.id, counted=0, added=10, occurred_at=jst(date(2026, 4, 20)), max_age=None, idempotency_key=None
    )
    visit_may = jst(date(2026, 5, 20))
    record_visit(point.id, counted=5, added=5, occurred_at=visit_may, max_age=None, idempotency_key=None)
    # 5 taken in 30 days: 10 packs last 60 days from 20 May, past the end of June.
    result = availability(june(1), june(30), now=start_of_day_utc(date(2026, 7, 1)))
    assert (result.locations[point.id].days, result.locations[point.id].empty_days) == (30, 0)
    # Counted 0 on 10 Jun: ran out halfway between 20 May and 10 Jun (31 May): 1–10 Jun empty.
    visit(point, 10, 0, 10)
    result = availability(june(1), june(30), now=start_of_day_utc(date(2026, 7, 1)))
    assert result.locations[point.id].empty_days == 10


def test_the_daily_privacy_purge_forgets_report_address_hashes_after_an_hour(app, point):
    from inventory.requests.retention import purge_personal_data

    report(point, 1, "0040abcd", hour=9)
    empty_reports.report_location(
        point.id,
        kind="low",
        address_key=OTHER_KEY,
        token_nonce="0041abcd",
        now=jst(june(1), 9) + timedelta(minutes=30),
    )
    # No tap since: at 10:15 the 9:00 attempt is more than an hour old, the 9:30 one is not.
    assert purge_personal_data(now=jst(june(1), 10) + timedelta(minutes=15)).attempts == 1
    db.session.rollback()
    assert db.session.scalars(sa.select(EmptyReportAttempt.token_nonce)).all() == ["0041abcd"]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(EmptyReport)) == 2
