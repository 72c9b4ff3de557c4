"""Alerts in the domain: who gets which alert, in the event's transaction, and the outbox rules."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta

import pytest
import sqlalchemy as sa

from inventory.alerts import events, outbox, people, queries, schedule
from inventory.alerts.channels import FAILED, RETRY, SENT, EmailChannel, Outcome
from inventory.alerts.models import Alert, AlertDelivery, AlertKind, DeliveryStatus
from inventory.core.clock import utcnow
from inventory.core.db import db, unit_of_work
from inventory.requests import public, services
from inventory.requests.errors import RateLimited, UnknownRequest
from inventory.settings.alerts import AlertSettings
from tests.ledger_fixtures import fresh_key

NOW = datetime(2026, 11, 30, 3, 0)  # a Monday, noon in Japan


def deliveries():
    """(user id, channel, status) of every outbox row, in order (read afresh)."""
    db.session.rollback()
    return [
        (d.user_id, d.channel, d.status)
        for d in db.session.scalars(sa.select(AlertDelivery).order_by(AlertDelivery.id))
    ]


def render(text):
    """A plain renderer (the app's one is tested in the blueprint tests)."""
    return f"{text.kind} {text.location_name}", f"{text.kind}: {text.location_name} {text.detail}"


class Recorder:
    """A channel that records what it was asked to send and answers with the given outcomes."""

    def __init__(self, *outcomes):
        self.sent, self.outcomes = [], list(outcomes)

    def send(self, message):
        self.sent.append(message)
        return self.outcomes.pop(0) if self.outcomes else Outcome(SENT)

    def close(self):
        pass


@pytest.fixture
def volunteer(make_user):
    return make_user("volunteer", email="vol@example.org")


@pytest.fixture
def staff(make_user):
    return make_user("staff", email="office@example.org")


def report(location_id, kind="empty", at=NOW):
    """What the report service will do: record the report and call the event in its transaction."""
    with unit_of_work():
        return events.location_reported_empty(location_id, kind, at)


# --- who hears about what -----------------------------------------------------------------------


def test_an_empty_report_reaches_the_assigned_volunteers_only(app, point, volunteer, staff, make_user):
    other = make_user("volunteer", email="other@example.org")
    people.set_volunteers(point.id, [volunteer.id])
    alert_id = report(point.id)
    assert alert_id is not None
    assert deliveries() == [(volunteer.id, "email", "pending")]
    assert other.id not in {d[0] for d in deliveries()}


def test_a_second_report_while_the_first_is_open_alerts_nobody_again(app, point, volunteer):
    people.set_volunteers(point.id, [volunteer.id])
    assert report(point.id) is not None
    assert report(point.id, at=NOW + timedelta(minutes=5)) is None
    assert len(deliveries()) == 1


def test_the_event_writes_nothing_when_the_callers_transaction_rolls_back(app, point, volunteer):
    people.set_volunteers(point.id, [volunteer.id])
    with pytest.raises(RuntimeError), unit_of_work():
        events.location_reported_empty(point.id, "empty", NOW)
        raise RuntimeError("the report was refused")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Alert)) == 0
    assert deliveries() == []


def test_an_unknown_report_kind_is_refused(app, point):
    from inventory.core.errors import InvalidValue

    with pytest.raises(InvalidValue), unit_of_work():
        events.location_reported_empty(point.id, "full", NOW)


def test_a_user_who_switched_an_alert_off_gets_none_of_that_kind(app, point, volunteer, staff):
    people.set_volunteers(point.id, [volunteer.id])
    people.set_preferences(volunteer.id, {AlertKind.LOCATION_EMPTY.value: False})
    people.set_preferences(staff.id, {AlertKind.NEW_REQUEST.value: False})
    report(point.id)
    with unit_of_work():
        events.request_received(NOW)
    assert deliveries() == []
    people.set_preferences(volunteer.id, {AlertKind.LOCATION_EMPTY.value: True})
    report(point.id, at=NOW + timedelta(days=2))  # the first alert is still open: none
    assert deliveries() == []


def test_a_linked_line_account_gets_its_own_row_and_a_blocked_one_none(app, point, volunteer):
    people.set_volunteers(point.id, [volunteer.id])
    code = people.new_link_code(volunteer.id)
    assert people.link_line(code.lower(), "U" + "a" * 32)
    report(point.id)
    assert deliveries() == [(volunteer.id, "email", "pending"), (volunteer.id, "line", "pending")]
    people.set_line_blocked("U" + "a" * 32, True)
    with unit_of_work():
        events.request_received(NOW)  # volunteers get no request alerts anyway
        events.weekly_round(volunteer.id, [point.id], NOW)
    assert deliveries()[-1] == (volunteer.id, "email", "pending")


def test_a_link_code_works_once_and_not_after_it_expires(app, volunteer, make_user):
    code = people.new_link_code(volunteer.id, now=NOW)
    assert not people.link_line(code, "U1", now=NOW + people.CODE_LIFETIME + timedelta(seconds=1))
    assert people.link_line(code, "U1", now=NOW)
    assert not people.link_line(code, "U2", now=NOW)  # used
    assert not people.link_line("AAAAAAAA", "U3", now=NOW)


def test_with_nobody_assigned_staff_are_told_at_once(app, point, staff):
    alert_id = report(point.id)
    alert = db.session.get(Alert, alert_id)
    assert alert.escalate_at == NOW
    assert schedule.escalations(NOW) == 1
    assert deliveries() == [(staff.id, "email", "pending")]


def test_staff_hear_when_nobody_visits_in_time_and_not_when_someone_did(
    app, items, storeroom, point, donate, volunteer, staff
):
    from inventory.rounds import visits

    people.set_volunteers(point.id, [volunteer.id])
    report(point.id)
    later = NOW + timedelta(minutes=179)
    assert schedule.escalations(later) == 0
    assert schedule.escalations(NOW + timedelta(minutes=181)) == 1
    assert schedule.escalations(NOW + timedelta(minutes=300)) == 0  # once
    kinds = [db.session.get(Alert, d.alert_id).kind for d in db.session.scalars(sa.select(AlertDelivery))]
    assert kinds == ["location_empty", "escalation"]

    # A second location: someone visits before the deadline, so staff hear nothing.
    from inventory.stock import catalog

    second = catalog.create_location("city_hall", "支所", idempotency_key=None)
    people.set_volunteers(second.id, [volunteer.id])
    report(second.id, at=NOW)
    donate(5, items.package)
    visits.record_visit(
        second.id,
        counted=0,
        added=1,
        storeroom_id=storeroom.id,
        occurred_at=NOW + timedelta(minutes=30),
        max_age=None,
        idempotency_key=None,
    )
    assert schedule.escalations(NOW + timedelta(minutes=400)) == 0


# --- a new request tells staff, in the request's own transaction --------------------------------


def test_a_public_request_enqueues_one_staff_alert_without_personal_data(app, staff, make_user):
    make_user("volunteer", email="vol@example.org")
    public.submit_public_request(
        quantity=1,
        delivery="mail",
        address_key="k" * 64,
        recipient_name="山田花子",
        postal_code="090-0018",
        address="北見市青葉町1-1",
        idempotency_key=fresh_key(),
    )
    assert deliveries() == [(staff.id, "email", "pending")]
    alert = db.session.scalar(sa.select(Alert))
    assert (alert.kind, alert.location_id, alert.detail) == ("new_request", None, "")


def test_a_refused_public_request_enqueues_nothing(app, staff):
    for _ in range(public.PUBLIC_LIMIT):
        public.submit_public_request(
            quantity=1, delivery="office", address_key="same", idempotency_key=fresh_key()
        )
    before = deliveries()
    with pytest.raises(RateLimited):
        public.submit_public_request(
            quantity=1, delivery="office", address_key="same", idempotency_key=fresh_key()
        )
    assert deliveries() == before


def test_a_school_refill_tells_staff_and_a_forged_one_tells_nobody(app, point, staff, school_of, make_user):
    school = school_of(point)
    services.create_refill_request(point.id, quantity=2, requested_by=school.id, idempotency_key=fresh_key())
    assert deliveries() == [(staff.id, "email", "pending")]
    stranger = make_user("school")
    with pytest.raises(UnknownRequest):
        services.create_refill_request(
            point.id, quantity=2, requested_by=stranger.id, idempotency_key=fresh_key()
        )
    assert len(deliveries()) == 1


def test_a_request_recorded_twice_with_one_key_alerts_once(app, point, staff, school_of):
    school = school_of(point)
    key = fresh_key()
    for _ in range(2):
        services.create_refill_request(point.id, quantity=2, requested_by=school.id, idempotency_key=key)
    assert len(deliveries()) == 1


# --- the outbox ---------------------------------------------------------------------------------


def test_a_passing_failure_is_retried_with_growing_pauses_then_shown_to_the_admin(app, point, volunteer):
    people.set_volunteers(point.id, [volunteer.id])
    report(point.id)
    channel = Recorder(*[Outcome(RETRY, "SMTP server unreachable (TimeoutError)")] * outbox.MAX_ATTEMPTS)
    clock = NOW
    pauses = []
    for attempt in range(1, outbox.MAX_ATTEMPTS + 1):
        result = outbox.send_due({"email": channel}, render, now=lambda t=clock: t)
        assert result.total == 1
        row = db.session.scalar(sa.select(AlertDelivery))
        db.session.rollback()
        if attempt < outbox.MAX_ATTEMPTS:
            assert row.status == "retrying"
            pauses.append(row.next_attempt_at - clock)
            assert (
                outbox.send_due({"email": channel}, render, now=lambda t=clock: t).total == 0
            )  # not due yet
            clock = row.next_attempt_at
    assert pauses == [timedelta(minutes=2**i) for i in range(outbox.MAX_ATTEMPTS - 1)]
    assert row.status == "failed" and row.attempts == outbox.MAX_ATTEMPTS
    [problem] = queries.problems(now=clock)
    assert problem.status == "failed" and "gave up after 6 tries" in problem.last_error
    assert len(channel.sent) == outbox.MAX_ATTEMPTS


def test_a_refusal_for_good_fails_at_once_and_sending_again_is_the_admins_choice(app, point, volunteer):
    people.set_volunteers(point.id, [volunteer.id])
    report(point.id)
    outbox.send_due(
        {"email": Recorder(Outcome(FAILED, "SMTP RCPT TO refused (550)"))}, render, now=lambda: NOW
    )
    row = db.session.scalar(sa.select(AlertDelivery))
    assert (row.status, row.last_error) == ("failed", "SMTP RCPT TO refused (550)")
    db.session.rollback()
    assert outbox.requeue(row.id, now=NOW)
    assert outbox.send_due({"email": Recorder()}, render, now=lambda: NOW).sent == 1
    assert not outbox.requeue(row.id, now=NOW)  # sent: never again


def test_rows_on_a_channel_that_is_off_wait_and_are_not_lost(app, point, volunteer):
    people.set_volunteers(point.id, [volunteer.id])
    report(point.id)
    assert outbox.send_due({}, render, now=lambda: NOW).total == 0
    assert outbox.send_due({"line": Recorder()}, render, now=lambda: NOW).total == 0
    assert deliveries() == [(volunteer.id, "email", "pending")]


def test_an_interrupted_send_is_not_resent_automatically(app, point, volunteer):
    people.set_volunteers(point.id, [volunteer.id])
    report(point.id)
    assert outbox.claim(["email"], NOW) is not None  # a sender that died right after claiming
    assert outbox.send_due({"email": Recorder()}, render, now=lambda: NOW + timedelta(hours=1)).total == 0
    assert not outbox.requeue(db.session.scalar(sa.select(AlertDelivery.id)), now=NOW + timedelta(minutes=1))
    [problem] = queries.problems(now=NOW + timedelta(hours=1))
    assert problem.interrupted


def test_the_weekly_reminder_runs_once_on_its_day(app, items, storeroom, point, donate, volunteer):
    people.set_volunteers(point.id, [volunteer.id])  # never visited: overdue, so due
    assert schedule.weekly_reminders(NOW + timedelta(days=1)) == 0  # Tuesday
    assert schedule.weekly_reminders(NOW) == 1
    assert schedule.weekly_reminders(NOW + timedelta(hours=1)) == 0
    alert = db.session.scalar(sa.select(Alert))
    assert (alert.kind, alert.detail) == ("weekly_round", str(point.id))


def test_two_senders_at_once_deliver_each_alert_once_over_real_smtp(
    app,
    make_user,
    point,
    smtp_server,
):
    users = [make_user("volunteer", email=f"v{i}@example.org") for i in range(30)]
    people.set_volunteers(point.id, [u.id for u in users])
    report(point.id)
    with unit_of_work():
        for i in range(4):
            events.weekly_round(users[i].id, [point.id], NOW)
    settings = AlertSettings(
        smtp_host="127.0.0.1", smtp_port=smtp_server.port, smtp_tls="none", smtp_sender="a@b.c"
    )
    barrier = threading.Barrier(2)
    results, errors = [], []

    def sender():
        with app.app_context():
            channel = EmailChannel(settings)
            try:
                barrier.wait(timeout=10)
                results.append(outbox.send_due({"email": channel}, render, batch=3))
            except Exception as error:  # reported below
                errors.append(repr(error))
            finally:
                channel.close()
                db.session.remove()

    threads = [threading.Thread(target=sender) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert [r.reasons for r in results] == [[], []]
    recipients = sorted(r for m in smtp_server.received for r in m.rcpt_tos)
    expected = sorted([u.email for u in users] + [u.email for u in users[:4]])
    assert recipients == expected  # every row once, none twice
    assert sum(r.sent for r in results) == 34
    assert all(r.sent > 0 for r in results), "both senders took part"
    assert {s for *_, s in deliveries()} == {DeliveryStatus.SENT.value}


# --- predicted empty ------------------------------------------------------------------------------


def _history(visits, location, storeroom, now):
    """Two visits five days apart: 10 placed, then 5 counted (1 a day taken), 5 left 5 days ago."""
    visits.record_visit(
        location.id,
        counted=0,
        added=10,
        storeroom_id=storeroom.id,
        occurred_at=now - timedelta(days=10),
        max_age=None,
        idempotency_key=None,
    )
    visits.record_visit(
        location.id,
        counted=5,
        added=0,
        storeroom_id=storeroom.id,
        occurred_at=now - timedelta(days=5),
        max_age=None,
        idempotency_key=None,
    )


def test_a_location_predicted_empty_with_nothing_planned_alerts_its_volunteers_once(
    app, items, storeroom, point, donate, volunteer, staff
):
    from inventory.rounds import visits

    donate(50, items.package)
    now = utcnow()
    _history(visits, point, storeroom, now)
    people.set_volunteers(point.id, [volunteer.id])
    assert schedule.predicted_empties(now) == 1
    assert schedule.predicted_empties(now + timedelta(minutes=1)) == 0  # still open: once
    alert = db.session.scalar(sa.select(Alert))
    assert (alert.kind, alert.location_id, alert.detail) == ("predicted_empty", point.id, "0")
    assert deliveries() == [(volunteer.id, "email", "pending")]


def test_a_planned_refill_means_no_predicted_empty_alert(
    app, items, storeroom, point, donate, volunteer, school_of
):
    from inventory.rounds import visits

    donate(50, items.package)
    now = utcnow()
    _history(visits, point, storeroom, now)
    people.set_volunteers(point.id, [volunteer.id])
    services.create_refill_request(
        point.id, quantity=2, requested_by=school_of(point).id, idempotency_key=fresh_key()
    )
    assert schedule.predicted_empties(now) == 0


def test_two_reports_at_the_same_moment_raise_one_alert(app, point, volunteer):
    people.set_volunteers(point.id, [volunteer.id])
    location_id = point.id  # plain values only in the threads: the test's objects live in its session
    barrier = threading.Barrier(2)
    outcomes, errors = [], []

    def reporter():
        with app.app_context():
            try:
                barrier.wait(timeout=10)
                outcomes.append(report(location_id))
            except Exception as error:  # reported below
                errors.append(repr(error))
            finally:
                db.session.remove()

    threads = [threading.Thread(target=reporter) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    assert outcomes.count(None) == 1 and len(outcomes) == 2
    assert len(deliveries()) == 1
