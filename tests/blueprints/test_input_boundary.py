"""One boundary for input: impossible ids, extreme times and control characters never reach a query.

Each of these was a 500 on PostgreSQL (ids above 2**31-1, NUL bytes), on SQLite (ids above
2**63) or on both (times whose offset pushes them past year 1 or 9999).
"""

import json
import uuid

import pytest
from flask import url_for

from inventory.accounts import api_tokens
from inventory.core.checks import MAX_ROW_ID
from tests.blueprints.stock_helpers import donation_form, written_rows
from tests.ledger_fixtures import LEDGER_TABLES, count_rows

IMPOSSIBLE_IDS = [0, MAX_ROW_ID + 1, 2**40, 2**63 + 1, 10**30]
EXTREME_TIMES = ["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00"]
SPECIAL = "特殊な文字を取り除いてください"


def rules_with(app, converter: str):
    """The URL rules with at least one argument of this converter, by name."""
    return [
        rule
        for rule in app.url_map.iter_rules()
        if any(type(c).__name__ == converter for c in rule._converters.values())
    ]


def test_every_id_in_a_path_goes_through_the_row_id_converter(app):
    plain = [
        rule.rule
        for rule in app.url_map.iter_rules()
        for name, converter in rule._converters.items()
        if name.endswith("_id") and type(converter).__name__ != "RowIdConverter"
    ]
    assert plain == []
    assert len(rules_with(app, "RowIdConverter")) >= 25


@pytest.mark.parametrize("impossible", IMPOSSIBLE_IDS)
def test_an_id_no_row_can_have_is_a_404_on_every_route(app, client, auth, impossible):
    auth.login_as("admin")
    for rule in rules_with(app, "RowIdConverter"):
        with app.test_request_context():
            url = url_for(rule.endpoint, **{name: impossible for name in rule.arguments})
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            response = client.open(url, method=method, data={"idempotency_key": uuid.uuid4().hex})
            assert response.status_code == 404, (method, url)


@pytest.mark.parametrize("segment", ["ABC%00DEF", "ABC%01DEF", "ABC%7FDEF", "ABC%C2%85DE"])
def test_a_control_character_in_a_path_segment_is_a_404_on_every_route(app, client, auth, segment):
    auth.login_as("admin")
    rules = rules_with(app, "TextConverter")
    endpoints = {rule.endpoint for rule in rules}
    assert endpoints >= {"public.location_page", "api.location", "rounds.record_visit"}
    for rule in rules:
        url = rule.rule.replace("<code>", segment).replace("<v1>", "v1")
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            response = client.open(url, method=method, data={"idempotency_key": uuid.uuid4().hex})
            assert response.status_code == 404, (method, url)


def test_anonymous_scan_of_a_code_with_a_nul_byte_is_a_friendly_404(client):
    response = client.get("/l/ABC%00DEF")
    assert response.status_code == 404
    assert "ページが見つかりませんでした" in response.get_data(as_text=True)


@pytest.mark.parametrize("field", ["storeroom_id", "lines-0-item_id"])
@pytest.mark.parametrize("impossible", [str(MAX_ROW_ID + 1), str(2**63 + 1), "１０９９５１１６２７７７６"])
def test_a_select_box_with_an_impossible_id_gets_a_field_error_and_writes_nothing(
    client, auth, items, storeroom, field, impossible
):
    auth.login_as("staff")
    form = donation_form(storeroom.id, (str(items.pack), "5"))
    form[field] = impossible
    before = written_rows()
    response = client.post("/stock/donations/new", data=form)
    assert response.status_code == 200
    assert "選択肢から1つ選んでください" in response.get_data(as_text=True)
    assert written_rows() == before


@pytest.mark.parametrize(
    "url",
    [
        "/stock/?location_id=1099511627776",
        "/stock/?item_id=99999999999999999999999",
        "/stock/history?location_id=2147483648&item_id=1099511627776",
        "/stock/donations?storeroom_id=1099511627776",
        "/requests?location=1099511627776",
        "/print/?location=1099511627776",
        "/print/?assembly=1099511627776",
    ],
)
def test_a_query_filter_with_an_impossible_id_is_ignored_or_explained(client, auth, storeroom, url):
    auth.login_as("admin")
    response = client.get(url)
    assert response.status_code in (200, 400), response.status_code


def test_an_impossible_id_in_a_filter_is_shown_as_a_mistake_and_everything_listed(client, auth, storeroom):
    auth.login_as("staff")
    html = client.get("/stock/?location_id=1099511627776").get_data(as_text=True)
    assert "選択肢から1つ選んでください" in html


# ---- the API -----------------------------------------------------------------------------


@pytest.fixture
def token(make_user):
    """A volunteer's personal API token."""
    return api_tokens.issue_token(make_user("volunteer").id, "phone")


def post_visit(client, token, point, **overrides):
    body = {
        "location_code": point.code,
        "counted": 0,
        "added": 1,
        "idempotency_key": uuid.uuid4().hex,
        **overrides,
    }
    return client.post("/api/v1/visits", json=body, headers={"Authorization": f"Bearer {token}"})


@pytest.mark.parametrize(
    "field, value",
    [
        ("location_code", "ABC\x00DEF"),
        ("note", "left\x00over"),
        ("note", "bell\x07"),
        ("note", "\u202eevil"),
        ("idempotency_key", "abcdefgh\x00ijkl"),
        ("occurred_at", EXTREME_TIMES[0]),
        ("occurred_at", EXTREME_TIMES[1]),
    ],
)
def test_the_api_refuses_bad_input_with_a_field_error_and_writes_nothing(
    client, token, packages, point, field, value
):
    packages(3)
    before = count_rows(LEDGER_TABLES)
    response = post_visit(client, token, point, **{field: value})
    assert response.status_code == 422, response.get_data(as_text=True)
    assert field in response.get_json()["error"]["fields"]
    assert count_rows(LEDGER_TABLES) == before


def test_the_api_refuses_a_lone_surrogate_in_a_note(client, token, packages, point):
    packages(3)
    before = count_rows(LEDGER_TABLES)
    body = json.dumps(
        {"location_code": point.code, "counted": 0, "added": 1, "idempotency_key": uuid.uuid4().hex}
    ).replace("{", '{"note": "\\ud800", ', 1)
    response = client.post(
        "/api/v1/visits",
        data=body,
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    assert response.status_code == 422 and "note" in response.get_json()["error"]["fields"]
    assert count_rows(LEDGER_TABLES) == before


def test_the_api_location_lookup_with_a_nul_byte_is_a_404(client, token):
    response = client.get("/api/v1/locations/ABC%00DEF", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 404 and response.get_json()["error"]["status"] == 404


# ---- forms -------------------------------------------------------------------------------


def restock_form(storeroom, **overrides):
    return {
        "counted": "0",
        "added": "1",
        "storeroom_id": str(storeroom.id),
        "idempotency_key": uuid.uuid4().hex,
        **overrides,
    }


@pytest.mark.parametrize("when", EXTREME_TIMES)
def test_the_restock_form_refuses_an_extreme_time_in_its_hidden_field(
    client, auth, packages, storeroom, point, when
):
    packages(3)
    auth.login_as("volunteer")
    before = count_rows(LEDGER_TABLES)
    response = client.post(f"/l/{point.code}/visit", data=restock_form(storeroom, occurred_at=when))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "正しい日付を入力してください" in html or "未来の日付" in html
    assert count_rows(LEDGER_TABLES) == before


@pytest.mark.parametrize(
    "field, value",
    [
        ("note", "a\x00b"),
        ("note", "a\x1bb"),
        ("idempotency_key", uuid.uuid4().hex + "\x00"),
        ("added", "1\x00"),
    ],
)
def test_the_restock_form_refuses_control_characters_in_any_field(
    client, auth, packages, storeroom, point, field, value
):
    packages(3)
    auth.login_as("volunteer")
    before = count_rows(LEDGER_TABLES)
    response = client.post(f"/l/{point.code}/visit", data=restock_form(storeroom, **{field: value}))
    assert response.status_code == 422
    assert SPECIAL in response.get_data(as_text=True)
    assert count_rows(LEDGER_TABLES) == before


def test_a_nul_byte_in_the_hidden_key_is_refused_but_line_breaks_in_the_note_are_text(
    client, auth, packages, storeroom, point
):
    packages(3)
    auth.login_as("volunteer")
    forged = restock_form(storeroom, idempotency_key=uuid.uuid4().hex + "\x00")
    assert client.post(f"/l/{point.code}/visit", data=forged).status_code == 422
    note = restock_form(storeroom, note="一行目\r\n二行目")
    assert client.post(f"/l/{point.code}/visit", data=note).status_code == 302


@pytest.mark.parametrize(
    "url, data",
    [
        ("/login", {"login": "staff\x00", "password": "x" * 12}),
        ("/request", {"recipient_name": "はな\x00", "idempotency_key": uuid.uuid4().hex}),
        ("/request", {"recipient_name": "はな", "idempotency_key": uuid.uuid4().hex + "\x00"}),
    ],
)
def test_public_forms_refuse_a_nul_byte_with_a_field_error(client, url, data):
    response = client.post(url, data=data)
    assert response.status_code in (200, 422)
    assert SPECIAL in response.get_data(as_text=True)


def test_a_nul_byte_in_a_donor_name_or_hidden_key_is_a_field_error(client, auth, items, storeroom):
    auth.login_as("staff")
    before = written_rows()
    for overrides in ({"donor_name": "北見\x00"}, {"idempotency_key": uuid.uuid4().hex + "\x00"}):
        form = donation_form(storeroom.id, (str(items.pack), "5"), **overrides)
        response = client.post("/stock/donations/new", data=form)
        assert response.status_code == 200 and SPECIAL in response.get_data(as_text=True)
    assert written_rows() == before
