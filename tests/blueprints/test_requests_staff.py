"""The office's request pages: recording, the queue, fulfilling once, cancelling, the personal data log."""

import pytest
import sqlalchemy as sa

from inventory.core.db import db
from inventory.requests import schools
from inventory.requests import services as requests
from inventory.requests.models import PackRequest
from inventory.requests.personal_data import access_log
from inventory.settings import organisation as settings
from inventory.stock.ledger import stock_of
from tests.ledger_fixtures import fresh_key

NAME, ADDRESS = "すみれ", "北見市北進町7-7"


def staff_form(**overrides):
    data = {
        "channel": "phone",
        "quantity": "２",
        "delivery": "mail",
        "location_id": "",
        "recipient_name": NAME,
        "postal_code": "〒０９０－００５６",
        "address": ADDRESS,
        "address2": "",
        "idempotency_key": fresh_key(),
    }
    return {**data, **overrides}


def load(request_id) -> PackRequest:
    db.session.rollback()
    return db.session.get(PackRequest, request_id)


def test_staff_record_a_mailed_request_and_the_pages_keep_the_address_out_of_sight(client, auth):
    auth.login_as("staff")
    response = client.post("/requests/new", data=staff_form())
    assert response.status_code == 302
    request_id = int(response.headers["Location"].rsplit("/", 1)[1])
    assert NAME not in response.headers["Location"]
    for page in (f"/requests/{request_id}", "/requests", "/requests?status=all"):
        body = client.get(page).get_data(as_text=True)
        assert NAME not in body and ADDRESS not in body and "090-0056" not in body, page
    assert access_log() == []


def test_opening_the_name_and_address_is_logged_and_not_cached(client, auth):
    staff = auth.login_as("staff")
    client.post("/requests/new", data=staff_form())
    request_id = db.session.scalar(sa.select(PackRequest.id))
    response = client.get(f"/requests/{request_id}/personal")
    body = response.get_data(as_text=True)
    assert NAME in body and "090-0056" in body and ADDRESS in body
    assert response.headers["Cache-Control"] == "no-store"
    assert [(row.request_id, row.user_name, row.action) for row in access_log()] == [
        (request_id, staff.username, "view")
    ]


@pytest.mark.parametrize(
    "overrides,message",
    [
        ({"postal_code": "0900"}, "A postal code has 7 digits"),
        ({"address": "x" * 10_000}, "can be at most"),
        ({"recipient_name": "🌸"}, "Please remove emoji and special characters."),
        ({"recipient_name": "a\x1bb"}, "Please remove the special characters."),
        ({"recipient_name": ""}, "Enter a name for the envelope"),
        ({"quantity": "0"}, "must be a number from"),
        ({"quantity": "-3"}, "must be a number from"),
        ({"quantity": "1000000000000"}, "must be a number from"),
        ({"quantity": "two"}, "Please enter a whole number."),
        ({"location_id": "999999"}, "Choose a location from the list."),
    ],
)
def test_bad_input_on_the_staff_form_gets_a_message_and_stores_nothing(
    client, auth, table_counts, overrides, message
):
    auth.login_as("staff")
    before = table_counts()
    response = client.post("/requests/new?lang=en", data=staff_form(**overrides))
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert table_counts() == before


def test_fulfilling_through_the_page_twice_records_once(
    client, auth, packages, items, storeroom, mail_request
):
    packages(5)
    request_id = mail_request(quantity=2)
    auth.login_as("staff")
    data = {
        "storeroom_id": str(storeroom.id),
        "item_id": str(items.package),
        "quantity": "2",
        "visit_id": "",
        "idempotency_key": fresh_key(),
    }
    first = client.post(f"/requests/{request_id}/fulfil", data=data)
    second = client.post(f"/requests/{request_id}/fulfil?lang=en", data=data, follow_redirects=True)
    assert first.status_code == 302 and second.status_code == 200
    assert "It was recorded once" in second.get_data(as_text=True)
    assert stock_of(storeroom.id, items.package) == 3 and load(request_id).status == "fulfilled"


def test_cancelling_after_fulfilment_is_refused_with_a_message(client, auth, packages, mail_request):
    packages(1)
    request_id = mail_request()
    requests.fulfil_request(request_id, idempotency_key=fresh_key())
    auth.login_as("staff")
    response = client.post(
        f"/requests/{request_id}/cancel?lang=en", data={"reason": "間違い", "idempotency_key": fresh_key()}
    )
    assert response.status_code == 422
    assert "already been fulfilled" in response.get_data(as_text=True)
    assert load(request_id).status == "fulfilled"


def test_a_fulfilment_the_storeroom_cannot_cover_is_refused_on_the_page(
    client, auth, storeroom, items, mail_request, table_counts
):
    request_id = mail_request(quantity=3)
    auth.login_as("staff")
    before = table_counts()
    response = client.post(
        f"/requests/{request_id}/fulfil?lang=en",
        data={
            "storeroom_id": str(storeroom.id),
            "item_id": str(items.package),
            "quantity": "3",
            "visit_id": "",
            "idempotency_key": fresh_key(),
        },
    )
    assert response.status_code == 422 and "Not enough in stock" in response.get_data(as_text=True)
    assert table_counts() == before


def test_forged_request_ids_are_not_found(client, auth):
    auth.login_as("staff")
    for url in ("/requests/999999", "/requests/999999/personal", "/requests/-1", "/requests/abc"):
        assert client.get(url).status_code == 404, url
    for url in ("/requests/999999/fulfil", "/requests/999999/cancel", "/requests/999999/plan"):
        assert client.post(url, data={"idempotency_key": fresh_key()}).status_code == 404, url


def test_the_queue_lists_open_requests_and_counts_them_per_location(client, auth, school_of, point):
    school = school_of(point)
    requests.create_refill_request(point.id, quantity=4, requested_by=school.id, idempotency_key=fresh_key())
    requests.create_individual_request(
        quantity=1, delivery="office", channel="web", location_id=point.id, idempotency_key=fresh_key()
    )
    auth.login_as("staff")
    body = client.get("/requests?lang=en").get_data(as_text=True)
    assert "School refill" in body and "Individual" in body
    assert "All requests ever received: 2 (school refills 1, individuals 1)" in body
    assert body.count(point.name) >= 2
    assert (
        "School refill"
        not in client.get("/requests?lang=en&kind=individual")
        .get_data(as_text=True)
        .split("<tbody>")[1]
        .split("</tbody>")[0]
    )


def test_a_school_refill_is_planned_then_delivered_and_the_school_sees_it(
    client, auth, make_user, school_of, packages, items, storeroom, point
):
    packages(10)
    school = school_of(point)
    request_id = requests.create_refill_request(
        point.id, quantity=4, requested_by=school.id, idempotency_key=fresh_key()
    ).request_id
    auth.login_as("staff")
    assert client.post(f"/requests/{request_id}/plan").status_code == 302
    assert "1 requests" in client.get("/rounds?lang=en").get_data(as_text=True)
    client.post(
        f"/requests/{request_id}/fulfil",
        data={
            "storeroom_id": str(storeroom.id),
            "item_id": str(items.package),
            "quantity": "4",
            "visit_id": "",
            "idempotency_key": fresh_key(),
        },
    )
    assert stock_of(point.id, items.package) == 4
    auth.logout()
    auth.login(school.username)
    page = client.get(f"/school/locations/{point.id}?lang=en").get_data(as_text=True)
    assert "Fulfilled" in page and "Delivered from the storeroom" in page


def test_a_school_sees_why_its_request_was_cancelled(client, auth, school_of, point):
    school = school_of(point)
    request_id = requests.create_refill_request(
        point.id, quantity=2, requested_by=school.id, idempotency_key=fresh_key()
    ).request_id
    requests.cancel_request(request_id, reason="在庫が十分にあります", idempotency_key=fresh_key())
    auth.login(school.username)
    assert "在庫が十分にあります" in client.get(f"/school/requests/{request_id}").get_data(as_text=True)


def test_a_school_asks_for_a_refill_through_its_page(client, auth, school_of, point, table_counts):
    school = school_of(point)
    auth.login(school.username)
    data = {"quantity": "１０", "needed_on": "", "note": "", "idempotency_key": fresh_key()}
    response = client.post(f"/school/locations/{point.id}", data=data)
    assert response.status_code == 302 and "/school/requests/" in response.headers["Location"]
    client.post(f"/school/locations/{point.id}", data=data)
    assert table_counts()["pack_request"] == 1
    bad = client.post(
        f"/school/locations/{point.id}?lang=en",
        data={**data, "quantity": "0", "idempotency_key": fresh_key()},
    )
    assert "must be a number from" in bad.get_data(as_text=True) and table_counts()["pack_request"] == 1


def test_labels_download_as_pdf_and_the_address_label_is_logged(client, auth, mail_request):
    settings.update_settings(sender_name="あおば事務所")
    request_id = mail_request()
    auth.login_as("staff")
    label = client.post(f"/requests/{request_id}/address-label.pdf", data={"layout": "12up", "skip": "0"})
    slip = client.post(f"/requests/{request_id}/packing-slip.pdf")
    assert label.mimetype == slip.mimetype == "application/pdf"
    assert [row.action for row in access_log()] == ["address_label"]


def test_labels_are_refused_with_a_message_until_a_sender_is_set(client, auth, mail_request):
    request_id = mail_request()
    auth.login_as("staff")
    response = client.post(f"/requests/{request_id}/packing-slip.pdf?lang=en", follow_redirects=True)
    assert response.mimetype == "text/html" and "neutral sender name" in response.get_data(as_text=True)


def test_an_admin_links_a_school_account_and_reads_the_access_log(client, auth, make_user, point):
    school = make_user("school")
    auth.login_as("admin")
    response = client.post("/school-links", data={"user_id": str(school.id), "location_id": str(point.id)})
    assert response.status_code == 302 and schools.is_linked(school.id, point.id)
    again = client.post(
        "/school-links?lang=en", data={"user_id": str(school.id), "location_id": str(point.id)}
    )
    assert "already linked" in again.get_data(as_text=True)
    link_id = schools.list_links()[0].link_id
    assert client.post(f"/school-links/{link_id}/remove").status_code == 302
    assert not schools.is_linked(school.id, point.id)
    assert client.get("/requests/access-log").status_code == 200


def test_a_skip_beyond_the_sheet_is_refused_with_a_message(client, auth, mail_request):
    settings.update_settings(sender_name="あおば事務所")
    request_id = mail_request()
    auth.login_as("staff")
    response = client.post(
        f"/requests/{request_id}/address-label.pdf?lang=en",
        data={"layout": "12up", "skip": "20"},
        follow_redirects=True,
    )
    assert response.mimetype == "text/html" and "Enter a whole number from 0 to 11." in response.get_data(
        as_text=True
    )
    assert access_log() == []
