"""JSON API v1: authentication, visits with one-time keys, and the OpenAPI document."""

import uuid

import pytest
import sqlalchemy as sa

from inventory.accounts import api_tokens
from inventory.core.db import db
from inventory.rounds import visits
from inventory.rounds.models import RestockVisit
from inventory.stock.models import StockMovement
from tests.conftest import PASSWORD, make_app


@pytest.fixture
def token(make_user):
    """A personal token of a volunteer."""
    user = make_user("volunteer")
    return api_tokens.issue_token(user.id, "round sync")


def bearer(token):
    return {"Authorization": f"Bearer {token}"}


def visit(point, **overrides):
    return {
        "location_code": point.code,
        "counted": 0,
        "added": 3,
        "idempotency_key": uuid.uuid4().hex,
        **overrides,
    }


def test_anonymous_requests_get_401_as_json_and_schools_403(client, auth):
    response = client.get("/api/v1/locations")
    assert response.status_code == 401 and response.get_json()["error"]["status"] == 401
    auth.login_as("school")
    assert client.get("/api/v1/locations").status_code == 403


def test_a_token_reads_locations_stock_and_one_location(client, token, packages, point):
    packages(5)
    codes = [
        place["code"]
        for place in client.get("/api/v1/locations", headers=bearer(token)).get_json()["locations"]
    ]
    assert point.code in codes
    detail = client.get(f"/api/v1/locations/{point.code.lower()}", headers=bearer(token)).get_json()
    assert detail["suggested_added"] == 5 and detail["last_visit"] is None
    assert client.get("/api/v1/stock", headers=bearer(token)).status_code == 200
    assert client.get("/api/v1/locations/ZZZZZZZ", headers=bearer(token)).status_code == 404


def test_a_visit_is_201_then_200_with_the_same_body_then_409_for_other_content(
    client, token, packages, point
):
    packages(10)
    body = visit(point)
    first = client.post("/api/v1/visits", json=body, headers=bearer(token))
    again = client.post("/api/v1/visits", json=body, headers=bearer(token))
    other = client.post("/api/v1/visits", json={**body, "added": 4}, headers=bearer(token))
    assert (first.status_code, again.status_code, other.status_code) == (201, 200, 409)
    assert first.get_json() == again.get_json()
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(RestockVisit)) == 1


@pytest.mark.parametrize(
    "overrides",
    [
        {"counted": -1},
        {"counted": "3"},
        {"added": 10**12},
        {"added": True},
        {"location_code": "NOPE"},
        {"idempotency_key": "short"},
        {"flags": "broken"},
        {"flags": ["exploded"]},
        {"note": 5},
        {"occurred_at": "yesterday"},
        {"occurred_at": "2999-01-01T00:00:00Z"},
    ],
)
def test_invalid_visits_get_422_with_field_errors_and_write_nothing(
    client, token, packages, point, ledger_counts, overrides
):
    packages(10)
    before = ledger_counts()
    response = client.post("/api/v1/visits", json=visit(point, **overrides), headers=bearer(token))
    assert response.status_code == 422
    assert response.get_json()["error"]["fields"]
    assert ledger_counts() == before


def test_non_json_bodies_get_422(client, token):
    for data in ["not json", "[1, 2]", ""]:
        response = client.post(
            "/api/v1/visits", data=data, headers={**bearer(token), "Content-Type": "application/json"}
        )
        assert response.status_code == 422


def test_a_revoked_token_no_longer_works(client, make_user):
    user = make_user("volunteer")
    secret = api_tokens.issue_token(user.id, "old phone")
    api_tokens.revoke_token(user.id, api_tokens.tokens_of(user.id)[0].id)
    assert client.get("/api/v1/stock", headers=bearer(secret)).status_code == 401
    assert client.get("/api/v1/stock", headers=bearer("tp_forged")).status_code == 401


def test_session_posts_need_the_csrf_header(database_url, make_user, packages, point):
    app = make_app(database_url, WTF_CSRF_ENABLED=True)
    user = make_user("volunteer")
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    client.post("/login", data={"login": user.username, "password": PASSWORD, "csrf_token": token})
    packages(5)
    assert client.post("/api/v1/visits", json=visit(point)).status_code == 400
    form_page = client.get(f"/l/{point.code}").get_data(as_text=True)
    csrf = form_page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    assert client.post("/api/v1/visits", json=visit(point), headers={"X-CSRFToken": csrf}).status_code == 201


def ledger_rows_of(location_id):
    db.session.rollback()
    return sorted(
        (m.kind, m.quantity, m.from_location_id, m.to_location_id)
        for m in db.session.scalars(
            sa.select(StockMovement).where(
                sa.or_(
                    StockMovement.from_location_id == location_id, StockMovement.to_location_id == location_id
                )
            )
        )
    )


def test_the_form_and_the_api_write_the_same_ledger_rows(
    client, auth, token, packages, storeroom, make_location
):
    packages(20)
    by_form, by_api = make_location("city_hall", "A"), make_location("city_hall", "B")
    for location in (by_form, by_api):
        visits.record_visit(location.id, counted=0, added=6, idempotency_key=uuid.uuid4().hex)
    auth.login_as("volunteer")
    client.post(
        f"/l/{by_form.code}/visit",
        data={
            "counted": "2",
            "added": "3",
            "storeroom_id": str(storeroom.id),
            "idempotency_key": uuid.uuid4().hex,
        },
    )
    client.post("/api/v1/visits", json=visit(by_api, counted=2, added=3), headers=bearer(token))

    def rename(rows, own):
        return [(k, q, "here" if f == own else f, "here" if t == own else t) for k, q, f, t in rows]

    assert rename(ledger_rows_of(by_form.id), by_form.id) == rename(ledger_rows_of(by_api.id), by_api.id)


def test_the_openapi_document_describes_exactly_the_routes_of_the_api(app, client):
    document = client.get("/api/v1/openapi.json").get_json()
    assert document["openapi"].startswith("3.")
    documented = {(path, method.upper()) for path, item in document["paths"].items() for method in item}
    served = set()
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/v1/") and rule.endpoint != "api.openapi":
            path = rule.rule.removeprefix("/api/v1").replace("<", "{").replace(">", "}")
            served |= {(path, method) for method in rule.methods - {"HEAD", "OPTIONS"}}
    assert documented == served


def test_an_admin_issues_a_token_shown_once_and_can_revoke_it(client, auth, make_user):
    volunteer = make_user("volunteer")
    auth.login_as("admin")
    page = client.post(f"/admin/users/{volunteer.id}/tokens", data={"name": "sync"}).get_data(as_text=True)
    secret = page.split('<code class="token">')[1].split("<")[0]
    assert api_tokens.user_for_token(secret).id == volunteer.id
    assert secret not in client.get(f"/admin/users/{volunteer.id}").get_data(as_text=True)
    token_id = api_tokens.tokens_of(volunteer.id)[0].id
    client.post(f"/admin/users/{volunteer.id}/tokens/{token_id}/revoke")
    assert api_tokens.user_for_token(secret) is None


def form_visit(storeroom, key, **overrides):
    return {
        "counted": "0",
        "added": "3",
        "note": "",
        "storeroom_id": str(storeroom.id),
        "idempotency_key": key,
        "occurred_at": "",
        **overrides,
    }


def visits_recorded():
    db.session.rollback()
    return db.session.scalars(sa.select(RestockVisit.id)).all()


def test_a_visit_sent_by_the_form_and_then_by_the_api_with_one_key_is_recorded_once(
    client, auth, packages, storeroom, point
):
    """The form names the storeroom, the API leaves it to the default: still one visit."""
    packages(10)
    user = auth.login_as("volunteer")
    key = uuid.uuid4().hex
    by_form = client.post(f"/l/{point.code}/visit", data=form_visit(storeroom, key))
    assert by_form.status_code == 302
    by_api = client.post(
        "/api/v1/visits",
        json=visit(point, idempotency_key=key),
        headers=bearer(api_tokens.issue_token(user.id, "phone")),
    )
    assert by_api.status_code == 200, by_api.get_json()
    assert visits_recorded() == [by_api.get_json()["visit_id"]]
    assert by_form.headers["Location"].endswith(f"/visits/{by_api.get_json()['visit_id']}")


def test_a_visit_sent_by_the_api_and_then_by_the_form_with_one_key_is_recorded_once(
    client, auth, packages, storeroom, point
):
    packages(10)
    user = auth.login_as("volunteer")
    key = uuid.uuid4().hex
    by_api = client.post(
        "/api/v1/visits",
        json=visit(point, idempotency_key=key),
        headers=bearer(api_tokens.issue_token(user.id, "phone")),
    )
    assert by_api.status_code == 201
    by_form = client.post(f"/l/{point.code}/visit", data=form_visit(storeroom, key))
    assert by_form.status_code == 302
    assert by_form.headers["Location"].endswith(f"/visits/{by_api.get_json()['visit_id']}")
    assert visits_recorded() == [by_api.get_json()["visit_id"]]


@pytest.mark.parametrize("change", [{"counted": 1}, {"added": 2}])
def test_another_visit_under_the_same_key_from_the_other_route_is_refused_with_409(
    client, auth, packages, storeroom, point, change
):
    packages(10)
    user = auth.login_as("volunteer")
    key = uuid.uuid4().hex
    assert client.post(f"/l/{point.code}/visit", data=form_visit(storeroom, key)).status_code == 302
    other = client.post(
        "/api/v1/visits",
        json=visit(point, idempotency_key=key, **change),
        headers=bearer(api_tokens.issue_token(user.id, "phone")),
    )
    assert other.status_code == 409
    assert len(visits_recorded()) == 1


def test_a_visit_names_the_storeroom_it_took_packages_from(
    client, token, items, make_location, donate, point
):
    from inventory.stock import operations
    from inventory.stock.ledger import stock_of

    annex = make_location("storeroom", "別館倉庫")
    for item in (items.pack, items.leaflet):
        donate(5, item=item, location=annex)
    operations.assemble_packages(annex.id, items.package, 5, idempotency_key=None)
    response = client.post(
        "/api/v1/visits", json=visit(point, added=3, storeroom_id=annex.id), headers=bearer(token)
    )
    assert response.status_code == 201, response.get_json()
    assert stock_of(annex.id, items.package) == 2


@pytest.mark.parametrize("storeroom_id", [0, -1, True, "1", 1.5, 2**63, 2**31])
def test_a_storeroom_id_that_cannot_be_one_is_refused_with_422_and_nothing_written(
    client, token, packages, point, storeroom_id
):
    packages(5)
    response = client.post(
        "/api/v1/visits", json=visit(point, storeroom_id=storeroom_id), headers=bearer(token)
    )
    assert response.status_code == 422
    assert "storeroom_id" in response.get_json()["error"]["fields"]
    assert visits_recorded() == []


def test_a_phone_whose_clock_is_a_year_behind_gets_a_clear_422_and_nothing_is_written(
    client, token, packages, point
):
    packages(5)
    response = client.post(
        "/api/v1/visits",
        json=visit(point, occurred_at="2025-12-01T09:00:00+09:00"),
        headers={**bearer(token), "Accept-Language": "ja"},
    )
    assert response.status_code == 422
    assert "30日以上前" in response.get_json()["error"]["fields"]["occurred_at"]
    assert visits_recorded() == []


def test_csrf_is_decided_by_how_the_request_signed_in_not_by_its_headers(
    database_url, make_user, packages, point
):
    app = make_app(database_url, WTF_CSRF_ENABLED=True)
    user = make_user("volunteer")
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    csrf_token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    client.post("/login", data={"login": user.username, "password": PASSWORD, "csrf_token": csrf_token})
    packages(5)
    # A forged page cannot set a valid token, but it can add any header; neither kind of header helps.
    for header in ({"Authorization": "Bearer tp_forged"}, bearer(api_tokens.issue_token(user.id, "phone"))):
        response = client.post("/api/v1/visits", json=visit(point), headers=header)
        assert response.status_code == 400, header
    assert db.session.scalar(sa.select(sa.func.count()).select_from(RestockVisit)) == 0
    # Signed in by the token alone (no cookie), a script needs no CSRF token.
    secret = api_tokens.issue_token(user.id, "script")
    assert (
        app.test_client().post("/api/v1/visits", json=visit(point), headers=bearer(secret)).status_code == 201
    )
