"""The restock form behind each QR code, its confirmation, and the round plan."""

import uuid

import pytest
import sqlalchemy as sa

from inventory.core.db import db
from inventory.rounds import visits
from inventory.rounds.models import RestockVisit
from inventory.stock.ledger import stock_of, verify_balances


def visit_form(storeroom, **overrides):
    data = {
        "counted": "0",
        "added": "5",
        "note": "",
        "storeroom_id": str(storeroom.id),
        "idempotency_key": uuid.uuid4().hex,
        "occurred_at": "",
    }
    return {**data, **overrides}


def visit_count():
    db.session.rollback()
    return db.session.scalar(sa.select(sa.func.count()).select_from(RestockVisit))


def test_a_signed_in_volunteer_gets_the_restock_form_with_a_suggestion(client, auth, packages, point):
    packages(6)
    auth.login_as("volunteer")
    page = client.get(f"/l/{point.code}").get_data(as_text=True)
    assert 'name="counted"' in page and 'name="added"' in page
    assert 'name="added" type="text" value="6"' in page or 'value="6"' in page


def test_school_contacts_get_the_support_page_not_the_form(client, auth, point):
    auth.login_as("school")
    page = client.get(f"/l/{point.code}").get_data(as_text=True)
    assert 'name="counted"' not in page and "tel:" in page


def test_recording_a_visit_through_the_form_moves_stock_and_confirms(
    client, auth, packages, items, storeroom, point
):
    packages(10)
    auth.login_as("volunteer")
    response = client.post(f"/l/{point.code}/visit", data=visit_form(storeroom, added="４"))
    assert response.status_code == 302 and "/visits/" in response.headers["Location"]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert point.name in page
    assert stock_of(point.id, items.package) == 4 and stock_of(storeroom.id, items.package) == 6


def test_a_double_submit_records_one_visit(client, auth, packages, storeroom, point):
    packages(10)
    auth.login_as("volunteer")
    data = visit_form(storeroom)
    first = client.post(f"/l/{point.code}/visit", data=data)
    second = client.post(f"/l/{point.code}/visit", data=data)
    assert first.headers["Location"] == second.headers["Location"]
    assert visit_count() == 1


@pytest.mark.parametrize(
    "overrides",
    [
        {"counted": "-1"},
        {"counted": "abc"},
        {"counted": ""},
        {"added": "1000000000000"},
        {"counted": "5000"},
        {"flags": "exploded"},
        {"idempotency_key": ""},
        {"storeroom_id": "999"},
        {"note": "x" * 5000},
        {"occurred_at": "2999-01-01T00:00:00Z"},
    ],
)
def test_bad_visit_input_is_refused_with_422_and_writes_nothing(
    client, auth, packages, storeroom, point, ledger_counts, overrides
):
    packages(10)
    auth.login_as("volunteer")
    before = ledger_counts()
    response = client.post(f"/l/{point.code}/visit", data=visit_form(storeroom, **overrides))
    assert response.status_code == 422
    assert 'class="error"' in response.get_data(as_text=True) or "flash-error" in response.get_data(
        as_text=True
    )
    assert ledger_counts() == before


def test_a_storeroom_shortage_records_the_count_and_says_so(client, auth, packages, storeroom, point):
    packages(2)
    auth.login_as("volunteer")
    response = client.post(
        f"/l/{point.code}/visit", data=visit_form(storeroom, added="5"), follow_redirects=True
    )
    assert response.status_code == 200
    assert "flash-error" in response.get_data(as_text=True)
    assert visit_count() == 1 and verify_balances() == []


def test_unknown_and_retired_codes_refuse_visits(client, auth, packages, storeroom, point, ledger_counts):
    from inventory.stock import catalog

    packages(5)
    auth.login_as("volunteer")
    assert client.post("/l/ZZZZZZZ/visit", data=visit_form(storeroom)).status_code == 404
    catalog.set_location_active(point.id, False)
    before = ledger_counts()
    assert client.post(f"/l/{point.code}/visit", data=visit_form(storeroom)).status_code == 422
    assert ledger_counts() == before


def test_a_volunteer_cannot_see_another_volunteers_visit(
    app, client, auth, packages, storeroom, point, make_user
):
    packages(5)
    auth.login_as("volunteer")
    location = client.post(f"/l/{point.code}/visit", data=visit_form(storeroom)).headers["Location"]
    auth.logout()
    auth.login_as("volunteer")
    assert client.get(location).status_code == 404
    auth.logout()
    auth.login_as("staff")
    assert client.get(location).status_code == 200


def test_the_round_plan_puts_overdue_locations_first_and_adds_up_the_carry_list(
    client, auth, packages, storeroom, make_location
):
    packages(30)
    visited = make_location("elementary_school", "北小学校", target_level=10)
    never = make_location("university", "看護大学", target_level=8)
    visits.record_visit(visited.id, counted=0, added=10, idempotency_key=uuid.uuid4().hex)
    auth.login_as("volunteer")
    page = client.get(f"/rounds?location={visited.id}&location={never.id}").get_data(as_text=True)
    assert page.index("看護大学") < page.index("北小学校")
    assert "8" in page.split("Carry list")[-1] or "8" in page.split("持ち物")[-1]


def test_the_service_worker_may_cover_the_whole_site(client):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response.headers["Service-Worker-Allowed"] == "/"
    assert "javascript" in response.headers["Content-Type"]
    response.close()


def test_without_any_package_item_the_form_still_shows_and_a_visit_is_refused_clearly(
    client, auth, items, storeroom, point, ledger_counts
):
    from inventory.stock import catalog

    catalog.set_item_active(items.package, False)
    auth.login_as("volunteer")
    assert client.get(f"/l/{point.code}").status_code == 200
    assert client.get("/rounds").status_code == 200
    before = ledger_counts()
    response = client.post(f"/l/{point.code}/visit", data=visit_form(storeroom, added="0"))
    assert response.status_code == 422 and 'class="error"' in response.get_data(as_text=True)
    assert ledger_counts() == before


def test_the_phone_fetches_a_fresh_csrf_token_that_the_visits_api_accepts(
    database_url, make_user, packages, point
):
    from tests.conftest import PASSWORD, make_app

    app = make_app(database_url, WTF_CSRF_ENABLED=True)
    user = make_user("volunteer")
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    client.post("/login", data={"login": user.username, "password": PASSWORD, "csrf_token": token})
    packages(5)
    response = client.get("/rounds/csrf-token")
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    fresh = response.get_json()["csrf_token"]
    body = {"location_code": point.code, "counted": 0, "added": 2, "idempotency_key": uuid.uuid4().hex}
    assert client.post("/api/v1/visits", json=body).status_code == 400
    assert client.post("/api/v1/visits", json=body, headers={"X-CSRFToken": fresh}).status_code == 201
    assert client.post("/api/v1/visits", json=body, headers={"X-CSRFToken": fresh}).status_code == 200
    assert visit_count() == 1


def test_signed_out_the_csrf_token_and_outbox_answer_with_a_redirect_to_sign_in(client):
    for path in ("/rounds/csrf-token", "/rounds/outbox"):
        response = client.get(path)
        assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_the_outbox_page_and_the_unsent_badge_are_there_for_a_signed_in_volunteer(client, auth, point):
    auth.login_as("volunteer")
    page = client.get("/rounds/outbox").get_data(as_text=True)
    assert 'id="outbox-attention"' in page and 'id="outbox-queued"' in page
    restock = client.get(f"/l/{point.code}").get_data(as_text=True)
    assert 'id="outbox-badge"' in restock and 'data-csrf-url="/rounds/csrf-token"' in restock
    assert f'data-location-code="{point.code}"' in restock and 'aria-live="polite"' in restock
