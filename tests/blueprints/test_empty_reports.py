"""The "this one is empty" buttons behind every QR: no cookie, nothing personal, counted once."""

import re
import time

import flask
import pytest
import sqlalchemy as sa

from inventory.core.db import db
from inventory.rounds import empty_reports
from inventory.rounds.models import EmptyReport, EmptyReportAttempt
from inventory.rounds.plan import round_plan
from inventory.rounds.visits import record_visit
from inventory.stock import catalog

PHONE = "203.0.113.7"
OTHER_PHONE = "198.51.100.23"


def token_of(client, location) -> str:
    """The signed token the support page hands a visitor."""
    body = client.get(f"/l/{location.code}").get_data(as_text=True)
    found = re.search(r'name="token" value="([^"]+)"', body)
    assert found, "the support page has no report token"
    return found.group(1)


def tap(client, location, kind="empty", token=None, address=PHONE):
    """One tap on a report button, from a phone at `address`."""
    token = token_of(client, location) if token is None else token
    return client.post(
        f"/l/{location.code}/report",
        data={"token": token, "kind": kind},
        environ_base={"REMOTE_ADDR": address},
    )


def rows(model):
    db.session.rollback()
    return list(db.session.scalars(sa.select(model)))


def test_the_support_page_has_both_buttons_and_still_sets_no_cookie(client, point):
    response = client.get(f"/l/{point.code}")
    body = response.get_data(as_text=True)
    assert "ここのパックがなくなっています" in body and "残りわずかです" in body
    assert f'action="/l/{point.code}/report"' in body
    assert "Set-Cookie" not in response.headers


def test_a_tap_is_recorded_with_no_cookie_and_nothing_personal(app, client, point):
    touched = []

    @app.after_request
    def note_session(response):
        if flask.request.method == "POST":
            # (Flask-Login's own after_request reads the session on every request; nothing writes it.)
            touched.append(flask.session.modified or bool(dict(flask.session)))
        return response

    response = tap(client, point)
    assert touched == [False]  # the report leaves Flask's session empty and unmodified
    assert response.status_code == 303
    assert response.headers["Location"] == f"/l/{point.code}/reported"
    assert "Set-Cookie" not in response.headers
    (report,) = rows(EmptyReport)
    assert (report.location_id, report.kind, report.closed_at) == (point.id, "empty", None)
    (attempt,) = rows(EmptyReportAttempt)
    assert re.fullmatch(r"[0-9a-f]{64}", attempt.address_key)
    # The address appears nowhere, in no column of either table.
    for table in (EmptyReport.__table__, EmptyReportAttempt.__table__):
        for row in db.session.execute(sa.select(table)):
            assert all(PHONE not in str(value) for value in row)
    assert set(EmptyReport.__table__.c.keys()) == {
        "id",
        "location_id",
        "kind",
        "reported_at",
        "closed_at",
        "closed_by_visit_id",
    }


def test_the_thanks_page_says_it_was_passed_on_and_shows_the_window(client, point):
    from inventory.settings.organisation import update_settings

    update_settings(line_contact="@tsunagari", cafe_text="毎週水曜 13:00〜16:00 つながりカフェ")
    response = client.get(tap(client, point).headers["Location"])
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "伝えました" in body
    assert 'href="tel:0157573190"' in body and "平日 9:00〜17:30" in body
    assert "@tsunagari" in body and "つながりカフェ" in body  # the window as the support page shows it
    assert "Set-Cookie" not in response.headers


def test_one_address_counts_once_per_location_however_often_it_taps(client, point, make_location):
    other = make_location("university", "看護大学")
    for kind in ("empty", "empty", "low"):
        assert tap(client, point, kind).status_code == 303
    assert len(rows(EmptyReport)) == 1
    tap(client, point, address=OTHER_PHONE)
    tap(client, other)
    assert sorted(r.location_id for r in rows(EmptyReport)) == sorted([point.id, point.id, other.id])


def test_a_replayed_token_is_not_counted_again_from_any_address(client, point):
    token = token_of(client, point)
    tap(client, point, token=token)
    response = tap(client, point, token=token, address=OTHER_PHONE)
    assert response.status_code == 303  # a double tap looks the same to the visitor
    assert len(rows(EmptyReport)) == 1 and len(rows(EmptyReportAttempt)) == 1


def test_forged_other_location_and_expired_tokens_are_refused(app, client, point, make_location, monkeypatch):
    other = make_location("university", "看護大学")
    good = token_of(client, point)
    from itsdangerous import URLSafeTimedSerializer

    foreign = URLSafeTimedSerializer("not-our-secret", salt="empty-report").dumps(
        [point.id, "abcdef0123456789"]
    )
    real_time = time.time
    monkeypatch.setattr(time, "time", lambda: real_time() - 2 * 3600)
    old = token_of(client, point)
    monkeypatch.setattr(time, "time", real_time)
    for token in [
        good[:-2] + ("AA" if not good.endswith("AA") else "BB"),
        token_of(client, other),
        foreign,
        old,
        "",
        "x" * 5000,
    ]:
        response = tap(client, point, token=token)
        assert response.status_code == 400, token
        assert "もう一度" in response.get_data(as_text=True)
    assert tap(client, point, kind="anything").status_code == 400
    assert rows(EmptyReport) == [] and rows(EmptyReportAttempt) == []


def test_unknown_and_retired_codes_get_a_clear_page_and_store_nothing(client, point, storeroom):
    token = token_of(client, point)
    response = client.post("/l/ZZZZZZZ/report", data={"token": token, "kind": "empty"})
    assert response.status_code == 404 and "tel:0157573190" in response.get_data(as_text=True)
    assert client.post("/l/<x>/report", data={}).status_code == 404
    assert (
        client.post(f"/l/{storeroom.code}/report", data={"token": token, "kind": "empty"}).status_code == 410
    )
    catalog.set_location_active(point.id, False)
    response = client.post(f"/l/{point.code}/report", data={"token": token, "kind": "empty"})
    assert response.status_code == 410 and "tel:0157573190" in response.get_data(as_text=True)
    assert "ここのパックがなくなっています" not in client.get(f"/l/{point.code}").get_data(as_text=True)
    assert rows(EmptyReport) == [] and rows(EmptyReportAttempt) == []


def test_a_flood_from_one_address_is_refused_after_the_limit(client, point, make_location):
    places = [point, make_location("university", "看護大学")]
    answers = [tap(client, places[n % 2]).status_code for n in range(empty_reports.ADDRESS_LIMIT + 5)]
    assert answers[: empty_reports.ADDRESS_LIMIT] == [303] * empty_reports.ADDRESS_LIMIT
    assert answers[empty_reports.ADDRESS_LIMIT :] == [429] * 5
    assert len(rows(EmptyReportAttempt)) == empty_reports.ADDRESS_LIMIT
    assert len(rows(EmptyReport)) == 2  # one per location: the rest were repeats
    # Another phone is not held back by the flood.
    assert tap(client, point, address=OTHER_PHONE).status_code == 303


def test_many_addresses_count_at_most_the_limit_per_location(client, point):
    for n in range(empty_reports.LOCATION_LIMIT + 3):
        assert tap(client, point, address=f"192.0.2.{n + 1}").status_code == 303
    assert len(rows(EmptyReport)) == empty_reports.LOCATION_LIMIT


def test_a_report_puts_the_location_on_top_of_the_round_plan_with_its_time(client, point, make_location):
    never_visited = make_location("elementary_school", "小学校")  # overdue: first without a report
    assert round_plan()[0].location_id in {never_visited.id, point.id}
    tap(client, point, kind="low")
    tap(client, never_visited, kind="empty", address=OTHER_PHONE)
    plan = round_plan()
    assert [row.location_id for row in plan[:2]] == [never_visited.id, point.id]
    assert plan[0].report_kind == "empty" and plan[0].reported_at is not None
    assert plan[0].to_bring == plan[0].target


def test_a_visit_that_finds_or_brings_packs_closes_the_report(client, point, packages):
    packages(20)
    tap(client, point)
    record_visit(point.id, counted=0, added=0, idempotency_key=None)  # found it empty, brought none
    assert rows(EmptyReport)[0].closed_at is None
    assert round_plan()[0].report_kind == "empty"
    visit = record_visit(point.id, counted=0, added=8, idempotency_key=None)
    (report,) = rows(EmptyReport)
    assert report.closed_by_visit_id == visit.visit_id and report.closed_at is not None
    assert all(row.report_kind is None for row in round_plan())


def test_the_dashboard_the_plan_and_the_location_pages_mark_a_reported_location(client, auth, point):
    tap(client, point)
    auth.login_as("staff")
    for path in ["/reports/", "/rounds", f"/reports/locations/{point.id}", f"/l/{point.code}"]:
        page = client.get(path).get_data(as_text=True)
        assert re.search(r'class="report-mark">空っぽの報告 \d{4}年', page), path
    assert "充足率" in client.get(f"/reports/locations/{point.id}").get_data(as_text=True)


@pytest.mark.parametrize("path", ["/l/{code}", "/l/{code}/reported", "/where"])
def test_the_public_pages_load_nothing_from_elsewhere(client, point, path):
    body = client.get(path.format(code=point.code)).get_data(as_text=True)
    assert "<script" not in body
    assert not re.findall(r'(?:src|action)="(?:https?:)?//', body)


def test_a_counted_tap_alerts_the_locations_volunteer_once_and_a_refused_one_alerts_nobody(
    client, point, make_user
):
    from inventory.alerts import people
    from inventory.alerts.models import Alert, AlertDelivery

    volunteer = make_user("volunteer", email="round@example.org")
    people.set_volunteers(point.id, [volunteer.id])
    forged = tap(client, point, token="forged.token")
    assert forged.status_code == 400 and rows(Alert) == []
    tap(client, point)
    tap(client, point)  # the same phone again within the hour: not counted, no second alert
    tap(client, point, kind="low", address=OTHER_PHONE)  # counted, but the location's alert is open
    assert len(rows(EmptyReport)) == 2
    assert [(a.kind, a.location_id) for a in rows(Alert)] == [("location_empty", point.id)]
    assert [(d.user_id, d.channel) for d in rows(AlertDelivery)] == [(volunteer.id, "email")]
