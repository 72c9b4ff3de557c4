"""Donation and purchase pages: recording through the forms, refusals that write nothing, reversals."""

from datetime import date, timedelta

import pytest

from tests.blueprints.stock_helpers import (
    donation_form,
    key,
    purchase_form,
    refused,
    written_rows,
    yesterday,
)


@pytest.fixture
def staff(auth):
    return auth.login_as("staff")


def test_a_donation_with_two_lines_records_the_right_balances(staff, client, items, storeroom, level):
    form = donation_form(
        storeroom.id,
        (str(items.pack), "20"),
        (str(items.leaflet), "30"),
        donor_kind="company",
        donor_name="北見ドラッグ",
    )
    response = client.post("/stock/donations/new", data=form)
    assert response.status_code == 302 and "/stock/donations/" in response.headers["Location"]
    assert level(storeroom, items.pack) == 20
    assert level(storeroom, items.leaflet) == 30
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "北見ドラッグ" in page


def test_blank_lines_between_filled_ones_are_ignored(staff, client, items, storeroom, level):
    form = donation_form(storeroom.id, ("", ""), (str(items.pack), "7"), ("", ""), (str(items.leaflet), "3"))
    assert client.post("/stock/donations/new", data=form).status_code == 302
    assert (level(storeroom, items.pack), level(storeroom, items.leaflet)) == (7, 3)


def test_the_same_donation_form_posted_twice_records_once(staff, client, items, storeroom, level):
    form = donation_form(storeroom.id, (str(items.pack), "20"))
    first = client.post("/stock/donations/new", data=form)
    second = client.post("/stock/donations/new", data=form, follow_redirects=True)
    assert first.status_code == 302 and second.status_code == 200
    assert level(storeroom, items.pack) == 20
    assert written_rows() == (1, 1)


def test_full_width_digits_are_accepted_as_a_quantity(staff, client, items, storeroom, level):
    response = client.post(
        "/stock/donations/new", data=donation_form(storeroom.id, (str(items.pack), "２０"))
    )
    assert response.status_code == 302
    assert level(storeroom, items.pack) == 20


def future() -> str:
    return (date.today() + timedelta(days=30)).isoformat()


@pytest.mark.parametrize(
    "case",
    [
        "zero",
        "negative",
        "huge",
        "letters",
        "only_blank_lines",
        "duplicate_item",
        "future_date",
        "unknown_item",
        "item_without_quantity",
        "unknown_storeroom",
        "no_date",
        "bad_date",
        "unknown_donor_kind",
        "missing_key",
        "ancient_date",
    ],
)
def test_bad_donation_input_gets_a_message_and_writes_nothing(staff, client, items, storeroom, case):
    pack = str(items.pack)
    form = {
        "zero": donation_form(storeroom.id, (pack, "0")),
        "negative": donation_form(storeroom.id, (pack, "-1")),
        "huge": donation_form(storeroom.id, (pack, str(10**12))),
        "letters": donation_form(storeroom.id, (pack, "abc")),
        "only_blank_lines": donation_form(storeroom.id),
        "duplicate_item": donation_form(storeroom.id, (pack, "1"), (pack, "2")),
        "future_date": donation_form(storeroom.id, (pack, "1"), occurred_on=future()),
        "unknown_item": donation_form(storeroom.id, ("999999", "1")),
        "item_without_quantity": donation_form(storeroom.id, ("", "5")),
        "unknown_storeroom": donation_form(999999, (pack, "1")),
        "no_date": donation_form(storeroom.id, (pack, "1"), occurred_on=""),
        "bad_date": donation_form(storeroom.id, (pack, "1"), occurred_on="2026-02-31"),
        "unknown_donor_kind": donation_form(storeroom.id, (pack, "1"), donor_kind="alien"),
        "missing_key": donation_form(storeroom.id, (pack, "1"), idempotency_key=""),
        "ancient_date": donation_form(storeroom.id, (pack, "1"), occurred_on="0001-01-01"),
    }[case]
    before = written_rows()
    response = client.post("/stock/donations/new", data=form)
    assert refused(response), response.status_code
    assert written_rows() == before


def test_a_refused_form_keeps_what_was_typed(staff, client, items, storeroom):
    form = donation_form(
        storeroom.id, (str(items.pack), "12"), (str(items.pack), "3"), donor_name="匿名希望の会"
    )
    html = client.post("/stock/donations/new", data=form).get_data(as_text=True)
    assert 'value="12"' in html and "匿名希望の会" in html
    assert 'class="error"' in html


def test_a_duplicate_line_error_lands_on_the_later_line_in_form_numbering(staff, client, items, storeroom):
    form = donation_form(storeroom.id, (str(items.pack), "1"), ("", ""), (str(items.pack), "2"))
    html = client.post("/stock/donations/new", data=form).get_data(as_text=True)
    row_one, row_three = (
        next(row for row in html.split("<tr>") if f'name="lines-{n}-item_id"' in row) for n in (0, 2)
    )
    assert 'class="error"' in row_three and 'class="error"' not in row_one


def test_a_retired_storeroom_is_refused(staff, client, items, make_location):
    from inventory.stock import catalog

    old = make_location("storeroom", "旧倉庫")
    catalog.set_location_active(old.id, False)
    before = written_rows()
    response = client.post("/stock/donations/new", data=donation_form(old.id, (str(items.pack), "5")))
    assert refused(response)
    assert written_rows() == before


def test_a_key_reused_with_other_content_is_refused(staff, client, items, storeroom, level):
    used = key()
    client.post(
        "/stock/donations/new", data=donation_form(storeroom.id, (str(items.pack), "5"), idempotency_key=used)
    )
    before = written_rows()
    response = client.post(
        "/stock/donations/new", data=donation_form(storeroom.id, (str(items.pack), "9"), idempotency_key=used)
    )
    assert refused(response)
    assert written_rows() == before
    assert level(storeroom, items.pack) == 5


def test_a_purchase_with_unit_costs_is_recorded_and_shown_with_its_total(
    staff, client, items, storeroom, level
):
    form = purchase_form(storeroom.id, (str(items.pack), "10", "300"), (str(items.leaflet), "100", "５"))
    response = client.post("/stock/purchases/new", data=form)
    assert response.status_code == 302
    assert level(storeroom, items.pack) == 10
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "3,500" in html


@pytest.mark.parametrize("overrides", [{"vendor": ""}, {"funding": "lottery"}])
def test_bad_purchase_input_writes_nothing(staff, client, items, storeroom, overrides):
    before = written_rows()
    response = client.post(
        "/stock/purchases/new", data=purchase_form(storeroom.id, (str(items.pack), "1", "100"), **overrides)
    )
    assert refused(response)
    assert written_rows() == before


def test_a_purchase_line_without_a_unit_cost_is_refused(staff, client, items, storeroom):
    before = written_rows()
    response = client.post(
        "/stock/purchases/new", data=purchase_form(storeroom.id, (str(items.pack), "1", ""))
    )
    assert refused(response)
    assert written_rows() == before


def test_the_donation_list_filters_by_donor_kind_and_date(staff, client, donate, items):
    donate(5, donor_kind="company", donor_name="会社A", on=date.today() - timedelta(days=40))
    donate(6, donor_kind="individual", donor_name="個人B")
    html = client.get("/stock/donations?kind=company").get_data(as_text=True)
    assert "会社A" in html and "個人B" not in html
    since = (date.today() - timedelta(days=7)).isoformat()
    html = client.get(f"/stock/donations?since={since}").get_data(as_text=True)
    assert "個人B" in html and "会社A" not in html


def test_a_nonsense_filter_shows_an_error_instead_of_failing(staff, client, donate):
    donate(5, donor_name="個人B")
    response = client.get(
        "/stock/donations?since=yesterday&until=9999-12-31&storeroom_id=abc&kind=alien&page=x"
    )
    assert response.status_code == 200
    assert "個人B" in response.get_data(as_text=True)


def test_reversing_a_donation_through_the_page_works_once(staff, client, donate, storeroom, items, level):
    record_id = donate(10).record_id
    assert "<form" in client.get(f"/stock/records/{record_id}/reverse").get_data(as_text=True)
    response = client.post(f"/stock/records/{record_id}/reverse", data={"idempotency_key": key(), "note": ""})
    assert response.status_code == 302
    assert level(storeroom, items.pack) == 0
    before = written_rows()
    again = client.post(f"/stock/records/{record_id}/reverse", data={"idempotency_key": key(), "note": ""})
    assert refused(again)
    assert "already been reversed" in again.get_data(as_text=True) or "取り消" in again.get_data(as_text=True)
    assert written_rows() == before


def test_reversing_a_donation_whose_packs_moved_on_is_refused(
    staff, client, donate, storeroom, point, items, level
):
    from inventory.stock import operations

    record_id = donate(10).record_id
    operations.transfer_stock(storeroom.id, point.id, [(items.pack, 6)], idempotency_key=None)
    before = written_rows()
    response = client.post(f"/stock/records/{record_id}/reverse", data={"idempotency_key": key(), "note": ""})
    assert refused(response)
    html = response.get_data(as_text=True)
    assert "4" in html and "10" in html  # available and asked for
    assert written_rows() == before
    assert level(storeroom, items.pack) == 4


def test_reversing_an_unknown_record_is_404(staff, client):
    assert client.get("/stock/records/999999/reverse").status_code == 404
    assert client.post("/stock/records/999999/reverse", data={"idempotency_key": key()}).status_code == 404


def test_a_date_typed_yesterday_is_stored_as_that_japanese_day(staff, client, items, storeroom):
    response = client.post("/stock/donations/new", data=donation_form(storeroom.id, (str(items.pack), "1")))
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    day = date.fromisoformat(yesterday())
    assert f"{day.year}年{day.month}月{day.day}日" in html
