"""The public request form: the minimum for delivery, consent, a honeypot, a limit across processes."""

import logging
import re

import pytest
import sqlalchemy as sa

from inventory.core.db import db
from inventory.requests.models import PackRequest, RequestPersonalData
from inventory.requests.public import PUBLIC_LIMIT
from tests.conftest import make_app
from tests.ledger_fixtures import fresh_key

NAME, ADDRESS = "ひまわり", "北見市とん田東町5-5"


def form(**overrides):
    data = {
        "quantity": "1",
        "delivery": "mail",
        "recipient_name": NAME,
        "postal_code": "０９０－００１８",
        "address": ADDRESS,
        "address2": "",
        "consent": "y",
        "website": "",
        "idempotency_key": fresh_key(),
    }
    return {**data, **overrides}


def only_request() -> PackRequest:
    db.session.rollback()
    return db.session.scalars(sa.select(PackRequest)).one()


def test_the_support_page_links_to_the_form_with_its_location_and_still_sets_no_cookie(client, point):
    response = client.get(f"/l/{point.code}")
    assert f'href="/l/{point.code}/request"' in response.get_data(as_text=True)
    assert "Set-Cookie" not in response.headers
    assert 'href="/request"' in client.get("/support").get_data(as_text=True)


def test_the_form_states_its_purpose_and_the_deletion(client):
    page = client.get("/request?lang=en").get_data(as_text=True)
    assert "purpose of use" in page and "We delete them 30 days after the pack is sent" in page
    assert 'name="consent"' in page and "<textarea" not in page


def test_only_the_form_page_sets_a_cookie_and_only_for_csrf(database_url, point):
    app = make_app(database_url, WTF_CSRF_ENABLED=True)
    with app.app_context():
        client = app.test_client()
        assert "Set-Cookie" not in client.get(f"/l/{point.code}").headers
        assert "session=" in client.get(f"/l/{point.code}/request").headers.get("Set-Cookie", "")
        db.session.remove()
        db.engine.dispose()


def test_a_request_from_a_qr_page_remembers_the_location_and_the_confirmation_echoes_nothing(client, point):
    response = client.post(f"/l/{point.code}/request", data=form())
    assert response.status_code == 302 and response.headers["Location"] == "/request/thanks"
    thanks = client.get("/request/thanks").get_data(as_text=True)
    assert NAME not in thanks and ADDRESS not in thanks and "090" not in thanks
    request = only_request()
    assert (request.location_id, request.channel, request.delivery) == (point.id, "web", "mail")


def test_a_collection_stores_nothing_about_the_person_and_needs_no_consent(client, table_counts):
    response = client.post("/request", data=form(delivery="office", consent=""))
    assert response.status_code == 302
    counts = table_counts()
    assert (counts["pack_request"], counts["request_personal_data"]) == (1, 0)
    assert only_request().location_id is None


def test_mail_without_consent_is_refused_with_a_message(client, table_counts):
    response = client.post("/request?lang=en", data=form(consent=""))
    assert response.status_code == 422
    assert "Please tick the box to agree" in response.get_data(as_text=True)
    assert table_counts()["pack_request"] == 0


def test_the_public_form_shows_every_problem_at_once(client, table_counts):
    response = client.post(
        "/request",
        data=form(consent="", recipient_name="", postal_code="12", address="", address2="x" * 500),
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    errors = re.findall(r'<p class="error"[^>]*>([^<]+)</p>', html)
    # Consent, name, postal code, address and building: five messages after one submit.
    assert len(errors) == 5, errors
    assert any("チェック" in e or "同意" in e for e in errors)
    assert any("郵便番号" in e for e in errors)
    assert set(table_counts().values()) == {0}


def test_the_honeypot_drops_robots_silently(client, table_counts):
    response = client.post("/request", data=form(website="http://spam.example"))
    assert response.status_code == 302 and response.headers["Location"] == "/request/thanks"
    assert set(table_counts().values()) == {0}


@pytest.mark.parametrize(
    "overrides,message",
    [
        ({"postal_code": "12-345"}, "A postal code has 7 digits"),
        ({"postal_code": ""}, "Enter the postal code"),
        ({"address": "北" * 10_000}, "can be at most"),
        ({"recipient_name": "ゆき😀"}, "Please remove emoji and special characters."),
        ({"recipient_name": "ゆ\x07き"}, "Please remove the special characters."),
        ({"quantity": "0"}, "from the list"),
        ({"quantity": "-1"}, "from the list"),
        ({"quantity": "99999999999999999999"}, "from the list"),
        ({"quantity": "abc"}, "from the list"),
        ({"delivery": "drone"}, "from the list"),
        ({"idempotency_key": ""}, "This form is incomplete"),
    ],
)
def test_bad_input_gets_a_clear_message_and_stores_nothing(client, table_counts, overrides, message):
    response = client.post("/request?lang=en", data=form(**overrides))
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert set(table_counts().values()) == {0}


def test_the_same_form_sent_twice_records_once(client, table_counts):
    data = form()
    client.post("/request", data=data)
    client.post("/request", data=data)
    assert table_counts()["pack_request"] == 1


def stored_personal():
    db.session.rollback()
    row = db.session.scalars(sa.select(RequestPersonalData)).one()
    return row.recipient_name, row.address


@pytest.mark.parametrize(
    "correction",
    [{"recipient_name": "ひまわり２"}, {"address": "北見市とん田東町5-6"}, {"postal_code": "090-0019"}],
)
def test_a_resend_with_corrected_personal_data_says_already_sent_and_how_to_correct_it(
    client, table_counts, correction
):
    data = form()
    assert client.post("/request", data=data).headers["Location"].endswith("/request/thanks")
    # The same data again, typed otherwise, is a plain resend: thanked, recorded once.
    same = client.post("/request", data={**data, "postal_code": "090-0018"})
    assert same.status_code == 302 and same.headers["Location"].endswith("/request/thanks")
    response = client.post("/request", data={**data, **correction})
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "すでに送信" in html and "事務局" in html
    assert "thanks" not in response.headers.get("Location", "")
    assert table_counts()["pack_request"] == 1
    assert stored_personal() == (NAME, ADDRESS)


def test_the_rate_limit_holds_across_two_app_instances_on_one_database(app, database_url, table_counts):
    db.session.remove()
    # Processes of one deployment share SECRET_KEY (the address hash is keyed with it).
    first, second = (make_app(database_url, SECRET_KEY="one-deployment-key") for _ in range(2))
    for _ in range(PUBLIC_LIMIT):
        assert first.test_client().post("/request", data=form()).status_code == 302
    refused = second.test_client().post("/request?lang=en", data=form())
    assert refused.status_code == 429
    assert "several requests from this connection" in refused.get_data(as_text=True)
    elsewhere = second.test_client().post("/request", data=form(), environ_base={"REMOTE_ADDR": "192.0.2.7"})
    assert elsewhere.status_code == 302
    assert table_counts()["pack_request"] == PUBLIC_LIMIT + 1
    # The address itself is not stored, only a keyed hash of it.
    keys = db.session.scalars(sa.text("SELECT address_key FROM public_request_attempt")).all()
    assert all("127.0.0.1" not in key and len(key) == 64 for key in keys)
    for instance in (first, second):
        with instance.app_context():
            db.session.remove()
            db.engine.dispose()


def test_a_burst_of_posts_stores_no_more_than_the_limit_and_never_fails(client, table_counts):
    statuses = [client.post("/request", data=form()).status_code for _ in range(20)]
    assert statuses.count(302) == PUBLIC_LIMIT and set(statuses) == {302, 429}
    assert table_counts()["pack_request"] == PUBLIC_LIMIT


def test_an_unknown_code_still_gets_the_form_and_stores_no_location(client):
    assert client.get("/l/ZZZZZZZ/request").status_code == 200
    assert client.post("/l/ZZZZZZZ/request", data=form()).status_code == 302
    assert only_request().location_id is None


def test_no_personal_data_reaches_the_logs(client, caplog):
    with caplog.at_level(logging.DEBUG):
        client.post("/request", data=form())
        client.post("/request", data=form(postal_code="bad"))
    assert NAME not in caplog.text and ADDRESS not in caplog.text
