"""Restock visits: consumption, found packages, additions from the storeroom, replays and races."""

import threading
import uuid
from datetime import timedelta

import pytest
import sqlalchemy as sa

from inventory.core.clock import utcnow
from inventory.core.db import db
from inventory.core.errors import (
    IdempotencyConflict,
    InvalidDate,
    InvalidQuantity,
    InvalidValue,
)
from inventory.rounds import visits
from inventory.rounds.models import RestockVisit
from inventory.stock.errors import RetiredLocation
from inventory.stock.ledger import stock_of, verify_balances
from inventory.stock.models import StockMovement


def key():
    return uuid.uuid4().hex


def test_a_first_visit_adds_packages_from_the_storeroom(packages, items, storeroom, point):
    packages(30)
    result = visits.record_visit(point.id, counted=0, added=10, idempotency_key=key())
    assert (result.consumed, result.added, result.level_after) == (0, 10, 10)
    assert stock_of(storeroom.id, items.package) == 20


def test_what_people_took_since_the_last_count_leaves_as_consumption(packages, items, point):
    packages(30)
    visits.record_visit(point.id, counted=0, added=10, idempotency_key=key())
    result = visits.record_visit(point.id, counted=3, added=7, idempotency_key=key())
    assert (result.expected, result.consumed, result.level_after) == (10, 7, 10)
    consumption = db.session.scalar(
        sa.select(sa.func.sum(StockMovement.quantity)).where(
            StockMovement.kind == "consumption", StockMovement.from_location_id == point.id
        )
    )
    assert consumption == 7
    assert verify_balances() == []


def test_a_count_above_expected_is_recorded_as_found(packages, items, point):
    packages(10)
    visits.record_visit(point.id, counted=0, added=2, idempotency_key=key())
    result = visits.record_visit(point.id, counted=5, added=0, idempotency_key=key())
    assert (result.found, result.consumed, result.level_after) == (3, 0, 5)
    found = db.session.scalar(sa.select(StockMovement).where(StockMovement.kind == "adjustment"))
    assert found.to_location_id == point.id and found.note == "found"


def test_a_storeroom_shortage_still_records_the_count_and_keeps_the_shortfall(
    packages, items, storeroom, point
):
    packages(4)
    visits.record_visit(point.id, counted=0, added=4, idempotency_key=key())
    result = visits.record_visit(point.id, counted=1, added=6, idempotency_key=key())
    assert (result.consumed, result.added, result.added_unrecorded, result.level_after) == (3, 0, 6, 1)
    assert stock_of(storeroom.id, items.package) == 0
    assert verify_balances() == []


def test_the_same_key_twice_records_one_visit(packages, point):
    packages(10)
    same = key()
    first = visits.record_visit(point.id, counted=0, added=5, idempotency_key=same)
    second = visits.record_visit(point.id, counted=0, added=5, idempotency_key=same)
    assert second.replayed and second.visit_id == first.visit_id
    assert db.session.scalar(sa.select(sa.func.count()).select_from(RestockVisit)) == 1


def test_the_same_key_with_other_content_is_refused(packages, point):
    packages(10)
    same = key()
    visits.record_visit(point.id, counted=0, added=5, idempotency_key=same)
    with pytest.raises(IdempotencyConflict):
        visits.record_visit(point.id, counted=0, added=6, idempotency_key=same)


def test_a_late_offline_replay_keeps_its_original_time(packages, point):
    packages(10)
    yesterday = utcnow() - timedelta(days=1)
    result = visits.record_visit(point.id, counted=0, added=5, occurred_at=yesterday, idempotency_key=key())
    visit = db.session.get(RestockVisit, result.visit_id)
    assert abs((visit.visited_at - yesterday).total_seconds()) < 1


@pytest.mark.parametrize(
    "counted, added, error",
    [
        (-1, 0, InvalidQuantity),
        (0, -1, InvalidQuantity),
        (10**12, 0, InvalidQuantity),
        (0, 1001, InvalidQuantity),
        ("3", 0, InvalidQuantity),
    ],
)
def test_impossible_counts_are_refused_and_nothing_is_written(
    packages, point, ledger_counts, counted, added, error
):
    packages(10)
    before = ledger_counts()
    with pytest.raises(error):
        visits.record_visit(point.id, counted=counted, added=added, idempotency_key=key())
    assert ledger_counts() == before


def test_retired_locations_storerooms_unknown_flags_and_future_times_are_refused(
    packages, point, storeroom, ledger_counts
):
    from inventory.stock import catalog

    packages(10)
    before = ledger_counts()
    with pytest.raises(InvalidValue):
        visits.record_visit(storeroom.id, counted=0, added=1, idempotency_key=key())
    with pytest.raises(InvalidValue):
        visits.record_visit(point.id, counted=0, added=1, flags=["exploded"], idempotency_key=key())
    with pytest.raises(InvalidDate):
        visits.record_visit(
            point.id, counted=0, added=1, occurred_at=utcnow() + timedelta(days=3), idempotency_key=key()
        )
    catalog.set_location_active(point.id, False)
    with pytest.raises(RetiredLocation):
        visits.record_visit(point.id, counted=0, added=1, idempotency_key=key())
    assert ledger_counts() == before


def test_concurrent_replays_of_one_visit_record_it_once(app, packages, point):
    packages(20)
    same, results, errors = key(), [], []
    barrier = threading.Barrier(6)
    point_id = point.id  # read here, not in the threads

    def replay():
        with app.app_context():
            try:
                barrier.wait(timeout=30)
                results.append(visits.record_visit(point_id, counted=0, added=5, idempotency_key=same))
            except Exception as error:
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=replay) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len({r.visit_id for r in results}) == 1
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(RestockVisit)) == 1
    assert verify_balances() == []


def test_the_suggestion_fills_up_to_the_target_within_what_the_storeroom_has(packages, point):
    packages(4)
    suggestion = visits.suggest(point)
    assert (suggestion.expected, suggestion.target, suggestion.suggested_added) == (0, 10, 4)


def test_the_round_plan_expects_what_people_took_since_the_last_visit(packages, make_location):
    from inventory.rounds import plan as rounds

    packages(40)
    school = make_location("elementary_school", "南小学校", target_level=10)
    start = utcnow() - timedelta(days=20)
    visits.record_visit(school.id, counted=0, added=10, occurred_at=start, idempotency_key=key())
    # 10 days later 5 were left: 5 taken in 10 days, half a package a day.
    visits.record_visit(
        school.id, counted=5, added=5, occurred_at=start + timedelta(days=10), idempotency_key=key()
    )
    row = next(r for r in rounds.round_plan() if r.location_id == school.id)
    assert row.level == 10
    assert row.expected_now == 10  # the ledger's balance, as the restock form shows it
    assert row.predicted_now == pytest.approx(5)  # ten days at half a package a day since
    assert row.to_bring == 5
    assert row.days_left is not None and 8 < row.days_left < 12


def test_the_fingerprint_is_of_the_visit_as_recorded_not_of_how_it_was_sent(
    packages, storeroom, point, make_location
):
    """The default storeroom named or left out, one moment written in two offsets: one visit."""
    from datetime import UTC, timezone

    packages(10)
    same, moment = key(), utcnow().replace(microsecond=0) - timedelta(hours=1)
    first = visits.record_visit(
        point.id, counted=0, added=2, storeroom_id=storeroom.id, occurred_at=moment, idempotency_key=same
    )
    in_tokyo = moment.replace(tzinfo=UTC).astimezone(timezone(timedelta(hours=9)))
    again = visits.record_visit(
        point.id, counted=0, added=2, flags=(), note="  ", occurred_at=in_tokyo, idempotency_key=same
    )
    assert again.replayed and again.visit_id == first.visit_id
    # Another storeroom than the default is another visit.
    other = make_location("storeroom", "第二倉庫")
    with pytest.raises(IdempotencyConflict):
        visits.record_visit(
            point.id, counted=0, added=2, storeroom_id=other.id, occurred_at=moment, idempotency_key=same
        )
    with pytest.raises(IdempotencyConflict):
        visits.record_visit(point.id, counted=0, added=2, idempotency_key=same)  # no time: another visit
    assert db.session.scalar(sa.select(sa.func.count()).select_from(RestockVisit)) == 1


def test_visits_racing_a_transfer_between_the_same_places_all_get_through_and_balance(
    app, packages, items, storeroom, point
):
    """A visit locks the point and the storeroom; so does a transfer: in one order, never a deadlock."""
    from inventory.stock import operations

    packages(20)
    barrier, errors = threading.Barrier(6), []
    room_id, point_id, package_id = storeroom.id, point.id, items.package  # read here, not in the threads

    def act(index):
        with app.app_context():
            try:
                barrier.wait(timeout=30)
                if index % 2:
                    visits.record_visit(point_id, counted=0, added=1, idempotency_key=key())
                else:
                    operations.transfer_stock(room_id, point_id, [(package_id, 1)], idempotency_key=key())
            except Exception as error:
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=act, args=(i,)) for i in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(RestockVisit)) == 3
    assert stock_of(storeroom.id, items.package) == 14
    assert verify_balances() == []


def test_the_form_shows_the_last_visit_that_stands_not_a_reversed_one(packages, point):
    from inventory.stock.reversal import reverse_record

    packages(30)
    earlier = utcnow() - timedelta(days=3)
    visits.record_visit(point.id, counted=0, added=10, occurred_at=earlier, idempotency_key=key())
    mistaken = visits.record_visit(point.id, counted=9, added=1, idempotency_key=key())
    reverse_record(mistaken.record_id, idempotency_key=key())
    last = visits.last_visit(point.id)
    assert last is not None and last.counted == 0 and last.added == 10


def test_a_visit_dated_more_than_30_days_back_is_refused_as_a_wrong_phone_clock(packages, point):
    packages(10)
    a_year_back = utcnow() - timedelta(days=365)
    with pytest.raises(InvalidDate) as refused:
        visits.record_visit(point.id, counted=0, added=2, occurred_at=a_year_back, idempotency_key=key())
    assert refused.value.reason == "visit_too_old" and refused.value.field == "occurred_at"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(RestockVisit)) == 0
    # A replay a few days late keeps its own time.
    late = visits.record_visit(
        point.id, counted=0, added=2, occurred_at=utcnow() - timedelta(days=6), idempotency_key=key()
    )
    assert late.visit_id
