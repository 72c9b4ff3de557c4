"""Requests: recording them, the queue's steps, stock moving once, and what may be refused."""

import threading
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from inventory.core.clock import utcnow
from inventory.core.db import db
from inventory.core.errors import Conflict, InvalidDate, InvalidQuantity, InvalidValue
from inventory.requests import personal_data, schools
from inventory.requests import queries as request_queries
from inventory.requests import services as requests
from inventory.requests.errors import RequestClosed, UnknownRequest
from inventory.requests.models import PackRequest, RequestPersonalData
from inventory.rounds import visits
from inventory.stock.errors import InsufficientStock
from inventory.stock.ledger import stock_of, verify_balances
from inventory.stock.models import StockMovement
from tests.ledger_fixtures import fresh_key
from tests.request_fixtures import MAIL


def load(request_id) -> PackRequest:
    db.session.rollback()
    return db.session.get(PackRequest, request_id)


# ---- recording -----------------------------------------------------------------------------


def test_a_mailed_request_keeps_name_and_address_in_their_own_table(mail_request):
    request_id = mail_request(quantity=2)
    request = load(request_id)
    assert (request.kind, request.status, request.channel, request.delivery, request.quantity) == (
        "individual",
        "new",
        "phone",
        "mail",
        2,
    )
    row = db.session.get(RequestPersonalData, request_id)
    assert (row.recipient_name, row.postal_code, row.address) == ("さくら", "090-0018", "北見市青葉町1-1")
    assert "北見市" not in repr([getattr(request, c.key) for c in PackRequest.__table__.columns])


@pytest.mark.parametrize("typed", ["〒０９０－００１８", "0900018", "090ー0018", " 090 0018 ", "〒090-0018"])
def test_postal_codes_are_normalised_to_nnn_nnnn(mail_request, typed):
    request_id = mail_request(postal_code=typed)
    assert db.session.get(RequestPersonalData, request_id).postal_code == "090-0018"


@pytest.mark.parametrize(
    "field,value",
    [
        ("postal_code", "090-001"),
        ("postal_code", "abc-defg"),
        ("postal_code", ""),
        ("postal_code", "090-00188"),
        ("address", "北" * 10_000),
        ("address", ""),
        ("recipient_name", ""),
        ("recipient_name", "さくら🌸"),
        ("recipient_name", "さく\x00ら"),
        ("recipient_name", "さく\u200dら"),
        ("address", "青葉町\x1b[31m"),
    ],
)
def test_bad_personal_data_is_refused_on_its_field_and_nothing_is_stored(
    mail_request, table_counts, field, value
):
    before = table_counts()
    with pytest.raises(InvalidValue) as refused:
        mail_request(**{field: value})
    assert refused.value.field == field
    assert table_counts() == before


@pytest.mark.parametrize("quantity", [0, -1, 10**9, True, "2"])
def test_quantities_out_of_range_are_refused(mail_request, table_counts, quantity):
    before = table_counts()
    with pytest.raises(InvalidQuantity):
        mail_request(quantity=quantity)
    assert table_counts() == before


def test_a_hand_over_stores_nothing_about_the_person_even_if_it_was_typed(app, table_counts):
    result = requests.create_individual_request(
        quantity=1, delivery="office", channel="in_person", idempotency_key=fresh_key(), **MAIL
    )
    assert db.session.get(RequestPersonalData, result.request_id) is None
    assert table_counts()["request_personal_data"] == 0


def test_the_same_key_twice_records_one_request(mail_request, table_counts):
    key = fresh_key()
    first, second = mail_request(key=key), mail_request(key=key)
    assert first == second and table_counts()["pack_request"] == 1


# ---- fulfilling ----------------------------------------------------------------------------


def test_fulfilling_a_mailed_request_moves_stock_out_once_even_when_sent_twice(
    mail_request, packages, items, storeroom
):
    packages(5)
    request_id = mail_request(quantity=2)
    key = fresh_key()
    first = requests.fulfil_request(request_id, idempotency_key=key)
    second = requests.fulfil_request(request_id, idempotency_key=key)
    assert second.replayed and second.record_id == first.record_id
    assert stock_of(storeroom.id, items.package) == 3
    movements = db.session.scalars(
        sa.select(StockMovement).where(StockMovement.record_id == first.record_id)
    ).all()
    assert [(m.kind, m.quantity, m.from_location_id, m.to_location_id) for m in movements] == [
        ("mailed", 2, storeroom.id, None)
    ]
    request = load(request_id)
    assert (request.status, request.record_id) == ("fulfilled", first.record_id)
    assert verify_balances() == []


def test_a_hand_over_leaves_as_handed_over(app, packages, items, storeroom):
    packages(3)
    request_id = requests.create_individual_request(
        quantity=1, delivery="cafe", channel="cafe", idempotency_key=fresh_key()
    ).request_id
    result = requests.fulfil_request(request_id, idempotency_key=fresh_key())
    kind = db.session.scalar(sa.select(StockMovement.kind).where(StockMovement.record_id == result.record_id))
    assert kind == "handed_over"


def test_a_second_fulfilment_with_another_key_is_refused_and_moves_nothing(
    mail_request, packages, items, storeroom
):
    packages(5)
    request_id = mail_request()
    requests.fulfil_request(request_id, idempotency_key=fresh_key())
    with pytest.raises(RequestClosed) as refused:
        requests.fulfil_request(request_id, idempotency_key=fresh_key())
    assert refused.value.status == "fulfilled"
    assert stock_of(storeroom.id, items.package) == 4


def test_cancelling_after_fulfilment_is_refused(mail_request, packages):
    packages(1)
    request_id = mail_request()
    requests.fulfil_request(request_id, idempotency_key=fresh_key())
    with pytest.raises(RequestClosed):
        requests.cancel_request(request_id, reason="間違い", idempotency_key=fresh_key())
    request = load(request_id)
    assert (request.status, request.cancel_reason) == ("fulfilled", "")


def test_a_cancelled_request_cannot_be_fulfilled(mail_request, packages, items, storeroom):
    packages(1)
    request_id = mail_request()
    requests.cancel_request(request_id, reason="連絡がつかない", idempotency_key=fresh_key())
    with pytest.raises(RequestClosed):
        requests.fulfil_request(request_id, idempotency_key=fresh_key())
    assert stock_of(storeroom.id, items.package) == 1


def test_a_fulfilment_the_storeroom_cannot_cover_writes_nothing_and_keeps_the_request_open(
    mail_request, packages, table_counts
):
    packages(1)
    request_id = mail_request(quantity=3)
    before = table_counts()
    with pytest.raises(InsufficientStock):
        requests.fulfil_request(request_id, idempotency_key=fresh_key())
    assert table_counts() == before and load(request_id).status == "new"


def test_forged_request_ids_are_unknown(app):
    for forged in (999, -1, "1", None, True):
        with pytest.raises(UnknownRequest):
            requests.fulfil_request(forged, idempotency_key=fresh_key())


def test_two_staff_fulfilling_at_once_move_stock_once(
    app, database, mail_request, packages, items, storeroom
):
    packages(5)
    request_id = mail_request()
    outcomes = []

    def worker():
        with app.app_context():
            try:
                requests.fulfil_request(request_id, idempotency_key=fresh_key())
                outcomes.append("ok")
            except RequestClosed:
                outcomes.append("refused")
            finally:
                db.session.remove()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["ok", "refused"]
    db.session.rollback()
    assert stock_of(storeroom.id, items.package) == 4


# ---- school refills ------------------------------------------------------------------------


def test_a_school_refill_goes_new_planned_then_delivered_by_a_transfer(
    school_of, packages, items, storeroom, point
):
    packages(10)
    school = school_of(point)
    request_id = requests.create_refill_request(
        point.id,
        quantity=4,
        needed_on=date.today() + timedelta(days=3),
        note="来週までに",
        requested_by=school.id,
        idempotency_key=fresh_key(),
    ).request_id
    assert request_queries.open_refills_by_location() == {point.id: 1}
    requests.plan_request(request_id)
    assert load(request_id).status == "planned"
    result = requests.fulfil_request(request_id, idempotency_key=fresh_key())
    assert (stock_of(storeroom.id, items.package), stock_of(point.id, items.package)) == (6, 4)
    request = load(request_id)
    assert (request.status, request.delivery, request.record_id) == (
        "fulfilled",
        "delivery",
        result.record_id,
    )
    assert request_queries.open_refills_by_location() == {}


def test_a_school_refill_fulfilled_by_a_visit_links_the_visit_and_moves_nothing_more(
    school_of, packages, items, storeroom, point
):
    packages(10)
    school = school_of(point)
    request_id = requests.create_refill_request(
        point.id, quantity=5, requested_by=school.id, idempotency_key=fresh_key()
    ).request_id
    visit = visits.record_visit(point.id, counted=0, added=5, idempotency_key=fresh_key())
    requests.fulfil_request(request_id, visit_id=visit.visit_id, idempotency_key=fresh_key())
    request = load(request_id)
    assert (request.delivery, request.record_id) == ("visit", visit.record_id)
    assert stock_of(point.id, items.package) == 5 and stock_of(storeroom.id, items.package) == 5


def test_a_visit_to_another_location_cannot_fulfil_a_refill(school_of, packages, point, make_location):
    packages(10)
    other = make_location("elementary_school", "小学校")
    school = school_of(point)
    request_id = requests.create_refill_request(
        point.id, quantity=1, requested_by=school.id, idempotency_key=fresh_key()
    ).request_id
    visit = visits.record_visit(other.id, counted=0, added=1, idempotency_key=fresh_key())
    with pytest.raises(InvalidValue):
        requests.fulfil_request(request_id, visit_id=visit.visit_id, idempotency_key=fresh_key())
    assert load(request_id).status == "new"


def test_a_school_cannot_ask_for_a_location_it_is_not_linked_to(
    school_of, point, make_location, table_counts
):
    other = make_location("junior_high_school", "中学校")
    school = school_of(point)
    with pytest.raises(UnknownRequest):
        requests.create_refill_request(
            other.id, quantity=1, requested_by=school.id, idempotency_key=fresh_key()
        )
    assert table_counts()["pack_request"] == 0


def test_a_needed_by_date_in_the_past_is_refused(school_of, point):
    school = school_of(point)
    with pytest.raises(InvalidDate):
        requests.create_refill_request(
            point.id,
            quantity=1,
            needed_on=date(2020, 1, 1),
            requested_by=school.id,
            idempotency_key=fresh_key(),
        )


def test_an_individual_request_is_not_put_on_a_round(mail_request):
    with pytest.raises(RequestClosed):
        requests.plan_request(mail_request())


def test_schools_are_linked_to_locations_once(school_of, point):
    school = school_of(point)
    assert schools.is_linked(school.id, point.id)
    with pytest.raises(Conflict):
        schools.link(school.id, point.id)


# ---- counts and the access log -------------------------------------------------------------


def test_requests_are_counted_per_location_and_overall(mail_request, school_of, point, make_location):
    school = school_of(point)
    requests.create_refill_request(point.id, quantity=3, requested_by=school.id, idempotency_key=fresh_key())
    requests.create_individual_request(
        quantity=1, delivery="office", channel="web", location_id=point.id, idempotency_key=fresh_key()
    )
    mail_request()
    counts = request_queries.count_requests()
    assert (counts.total, counts.by_kind) == (3, {"refill": 1, "individual": 2})
    by_place = {place.location_id: (place.refills, place.individuals) for place in counts.by_location}
    assert by_place == {point.id: (1, 1), None: (0, 1)}


def test_reading_personal_data_writes_an_access_entry_without_the_data(mail_request, make_user, table_counts):
    staff = make_user("staff")
    request_id = mail_request()
    view = personal_data.read_personal(request_id, viewer_id=staff.id)
    assert view.recipient_name == "さくら"
    rows = personal_data.access_log()
    assert [(r.request_id, r.action, r.user_name) for r in rows] == [(request_id, "view", staff.username)]
    stored = db.session.execute(sa.text("SELECT * FROM personal_data_access")).all()
    assert "さくら" not in repr(stored) and "090-0018" not in repr(stored)


def test_nothing_is_logged_when_there_is_no_personal_data(app, make_user, table_counts):
    staff = make_user("staff")
    request_id = requests.create_individual_request(
        quantity=1, delivery="office", channel="phone", idempotency_key=fresh_key()
    ).request_id
    assert personal_data.read_personal(request_id, viewer_id=staff.id) is None
    assert table_counts()["personal_data_access"] == 0


def test_the_round_plan_puts_locations_with_open_refills_first(school_of, items, point, make_location):
    from inventory.rounds import plan as rounds

    other = make_location("university", "看護大学", target_level=5)
    school = school_of(point)
    visits.record_visit(point.id, counted=0, added=0, idempotency_key=fresh_key())
    visits.record_visit(other.id, counted=0, added=0, idempotency_key=fresh_key())
    requests.create_refill_request(point.id, quantity=2, requested_by=school.id, idempotency_key=fresh_key())
    rows = rounds.round_plan(now=utcnow())
    assert (rows[0].location_id, rows[0].open_requests) == (point.id, 1)
