"""The outcome pages: the quick form, the monthly sheet, the cafe, the figures, who may use them."""

import re
from datetime import timedelta

import pytest

from inventory.core.clock import local_today
from inventory.outcomes import services
from tests.blueprints.stock_helpers import key, refused
from tests.inventory.test_outcomes import CITY, MEDICAL, build_outcome_year, count_outcome_rows


@pytest.fixture
def staff(auth):
    return auth.login_as("staff")


def consultation(point_id, **changes) -> dict:
    """What the quick form sends for a phone call, new, who found a pack at `point_id`."""
    data = {
        "idempotency_key": key(),
        "channel": "phone",
        "age": "new",
        "heard_via": "pack",
        "location_id": str(point_id),
        "occurred_on": local_today().isoformat(),
        "note": "",
    }
    data.update(changes)
    return data


def test_the_quick_form_records_one_consultation_with_its_referrals(staff, client, point):
    data = consultation(point.id)
    response = client.post(
        "/outcomes/consultations/new", data={**data, "referrals": [str(CITY), str(MEDICAL)]}
    )
    assert response.status_code == 302 and response.headers["Location"].endswith(
        "/outcomes/consultations/new"
    )
    assert count_outcome_rows()["consultation_tally"] == 1
    assert count_outcome_rows()["referral"] == 2
    page = client.get("/outcomes/consultations/new").get_data(as_text=True)
    assert "記録しました" in page  # the flash
    assert "市の相談窓口" in page  # the latest entries list its referrals


def test_the_quick_form_starts_from_the_last_entry_so_the_common_case_is_three_taps(staff, client, point):
    client.post("/outcomes/consultations/new", data=consultation(point.id, channel="line", age="continuing"))
    page = client.get("/outcomes/consultations/new").get_data(as_text=True)
    assert _checked(page, "channel", "line")
    assert _checked(page, "age", "continuing")
    assert _checked(page, "heard_via", "pack")
    assert f'<option selected value="{point.id}">' in page


def _checked(page: str, name: str, value: str) -> bool:
    """Whether the radio button or box of this name and value is checked on the page."""
    for tag in re.findall(r"<input[^>]*>", page):
        if f'name="{name}"' in tag and f'value="{value}"' in tag:
            return "checked" in tag
    return False


def test_a_double_tap_on_the_quick_form_records_once(staff, client, point):
    data = consultation(point.id, referrals=str(CITY))
    first = client.post("/outcomes/consultations/new", data=data)
    second = client.post("/outcomes/consultations/new", data=data)
    assert first.status_code == second.status_code == 302
    assert count_outcome_rows()["consultation_tally"] == 1
    assert count_outcome_rows()["referral"] == 1
    assert "記録は1回分だけ" in client.get("/outcomes/consultations/new").get_data(as_text=True)


def test_the_location_box_counts_only_for_a_pack_or_a_qr(staff, client, point):
    # The box stays filled (hidden) when she heard of us at school: it is not stored then.
    response = client.post("/outcomes/consultations/new", data=consultation(point.id, heard_via="school"))
    assert response.status_code == 302
    from inventory.core.db import db

    assert db.session.scalar(db.text("SELECT heard_location_id FROM consultation_tally")) is None


BAD_QUICK = {
    "future date": dict(occurred_on=(local_today() + timedelta(days=2)).isoformat()),
    "full-width future date": dict(occurred_on="２０９９-０１-０１"),
    "not a date": dict(occurred_on="yesterday"),
    "unknown location": dict(location_id="99999"),
    "location not a number": dict(location_id="abc"),
    "pack without a location": dict(location_id=""),
    "unknown referral": dict(referrals="999"),
    "referral not a number": dict(referrals="abc"),
    "unknown channel": dict(channel="fax"),
    "unknown way of hearing": dict(heard_via="radio"),
    "missing new or continuing": dict(age=""),
    "no one-time key": dict(idempotency_key=""),
    "control characters in the note": dict(note="a\x00b"),
}


@pytest.mark.parametrize("change", BAD_QUICK.values(), ids=BAD_QUICK.keys())
def test_a_bad_or_forged_quick_form_gets_a_message_and_writes_nothing(staff, client, point, change):
    before = count_outcome_rows()
    response = client.post("/outcomes/consultations/new", data=consultation(point.id, **change))
    assert refused(response)
    assert count_outcome_rows() == before


def test_the_messages_of_refusals_say_what_to_fix(staff, client, point):
    page = client.post(
        "/outcomes/consultations/new",
        data=consultation(point.id, occurred_on=(local_today() + timedelta(days=2)).isoformat()),
    ).get_data(as_text=True)
    assert "未来の日付" in page
    page = client.post("/outcomes/consultations/new", data=consultation(point.id, referrals="999")).get_data(
        as_text=True
    )
    assert "つなぎ先を一覧から選んでください" in page
    page = client.post("/outcomes/consultations/new", data=consultation(point.id, location_id="")).get_data(
        as_text=True
    )
    assert "パックがあった拠点を選んでください" in page


def test_a_full_width_date_is_read(staff, client, point):
    day = local_today() - timedelta(days=3)
    wide = day.isoformat().translate(str.maketrans("0123456789-", "０１２３４５６７８９－"))
    assert (
        client.post("/outcomes/consultations/new", data=consultation(point.id, occurred_on=wide)).status_code
        == 302
    )
    from inventory.core.db import db

    assert db.session.scalar(db.text("SELECT occurred_on FROM consultation_tally")) in (day, day.isoformat())


def sheet(point_id, **cells) -> dict:
    """A monthly sheet for September 2025."""
    return {"idempotency_key": key(), "month": "2025-09", "note": "", **cells}


def test_the_monthly_sheet_records_its_counts_with_full_width_digits_and_commas(staff, client, point):
    data = sheet(
        point.id,
        **{
            f"c-phone-new-pack-{point.id}": "１２",
            "c-line-cont-unknown-0": "1,000",
            "c-email-new-school-0": "",
            f"ref-{CITY}": "５",
        },
    )
    response = client.post("/outcomes/consultations/monthly", data=data)
    assert response.status_code == 302
    counts = count_outcome_rows()
    assert (counts["monthly_tally"], counts["consultation_tally"], counts["referral"]) == (1, 2, 1)
    from inventory.outcomes import queries

    by_heard = queries.outcome_figures(2025).table("by_heard")
    assert by_heard.grid[-1] == [12, 1000, 1012]
    again = client.post("/outcomes/consultations/monthly", data=data)  # a double click
    assert again.status_code == 302 and count_outcome_rows() == counts


BAD_SHEETS = {
    "a count of 10^9": {"c-phone-new-unknown-0": "1000000000"},
    "letters": {"c-phone-new-unknown-0": "十二"},
    "a negative count": {"c-phone-new-unknown-0": "-3"},
    "a huge referral count": {f"ref-{CITY}": "１０００００００００"},
    "everything blank": {},
    "a month not begun": {"month": "2099-01", "c-phone-new-unknown-0": "3"},
    "a month that is no month": {"month": "2025-13", "c-phone-new-unknown-0": "3"},
    "no one-time key": {"idempotency_key": "", "c-phone-new-unknown-0": "3"},
}


@pytest.mark.parametrize("change", BAD_SHEETS.values(), ids=BAD_SHEETS.keys())
def test_a_bad_monthly_sheet_gets_a_message_and_writes_nothing(staff, client, point, change):
    before = count_outcome_rows()
    data = sheet(point.id, **{"c-line-new-school-0": "4"})
    if not change:
        data.pop("c-line-new-school-0")
    data.update(change)
    response = client.post("/outcomes/consultations/monthly", data=data)
    assert refused(response)
    assert count_outcome_rows() == before
    if change.get("c-phone-new-unknown-0", "3") != "3":  # the bad box itself is marked
        assert 'aria-invalid="true" aria-describedby="c-phone-new-unknown-0-error"' in response.get_data(
            as_text=True
        )


def test_a_forged_cell_for_an_unknown_location_is_not_read(staff, client, point):
    # Only the cells the sheet shows are read: a forged one for location 99999 is ignored.
    data = sheet(point.id, **{"c-phone-new-pack-99999": "5"})
    response = client.post("/outcomes/consultations/monthly", data=data)
    assert refused(response)
    assert count_outcome_rows()["consultation_tally"] == 0


def test_the_cafe_records_a_session_once_and_refuses_a_second_on_that_day(staff, client):
    data = {"idempotency_key": key(), "held_on": "2025-09-06", "visits": "１２", "note": ""}
    assert client.post("/outcomes/cafe", data=data).status_code == 302
    assert client.post("/outcomes/cafe", data=data).status_code == 302  # the same form again
    response = client.post("/outcomes/cafe", data={**data, "idempotency_key": key(), "visits": "3"})
    assert refused(response) and "既に記録" in response.get_data(as_text=True)
    for visits in ("1000000000", "-1", "abc"):
        assert refused(
            client.post(
                "/outcomes/cafe",
                data={**data, "idempotency_key": key(), "held_on": "2025-09-13", "visits": visits},
            )
        )
    assert count_outcome_rows()["cafe_session"] == 1


def test_the_figures_page_says_which_version_it_is(staff, client, items, storeroom, make_location):
    build_outcome_year(items, storeroom, make_location)
    city = client.get("/outcomes/figures?year=2025").get_data(as_text=True)
    note = city.split('class="version-note"')[1].split("</p>")[0]
    assert "市向け（正確な数）です" in note
    assert "公表用です" not in city
    public = client.get("/outcomes/figures?year=2025&version=public").get_data(as_text=True)
    assert "公表用です" in public and ">X<" in public
    assert "匿名" in city  # how an anonymous caller is counted


def test_the_fiscal_year_report_includes_the_outcome_tables_in_the_citys_version(
    staff, client, items, storeroom, make_location
):
    build_outcome_year(items, storeroom, make_location)
    page = client.get("/reports/fiscal-year?year=2025").get_data(as_text=True)
    assert "新規相談件数" in page  # the target metric
    # The outcome tables are part of the report document: the page, its CSV (and PDF, and a
    # closed year's snapshot) carry the city's exact version, with a link to the published one.
    assert "section-outcomes-by_heard" in page and "窓口を知ったきっかけ別の相談件数" in page
    assert "つなぎ先別のつなぎ件数" in page
    assert "/outcomes/figures?year=2025&amp;version=public" in page
    csv = client.get("/reports/fiscal-year.csv?year=2025").get_data().decode("utf-8-sig")
    assert "窓口を知ったきっかけ別の相談件数" in csv and ",X," not in csv


@pytest.mark.parametrize("year", ["1999", "abc", "２１０１"])
def test_a_year_nobody_can_mean_is_a_message_not_an_error(staff, client, year):
    response = client.get(f"/outcomes/figures?year={year}")
    assert response.status_code == 400 and 'class="error"' in response.get_data(as_text=True)


@pytest.mark.parametrize("role", ["volunteer", "school"])
def test_volunteers_and_schools_can_neither_see_nor_post(auth, client, point, role):
    auth.login_as(role)
    for url in [
        "/outcomes/consultations/new",
        "/outcomes/consultations/monthly",
        "/outcomes/cafe",
        "/outcomes/figures",
    ]:
        assert client.get(url).status_code == 403
    assert client.post("/outcomes/consultations/new", data=consultation(point.id)).status_code == 403
    assert (
        client.post(
            "/outcomes/cafe", data={"idempotency_key": key(), "held_on": "2025-09-06", "visits": "3"}
        ).status_code
        == 403
    )
    assert count_outcome_rows()["consultation_tally"] == count_outcome_rows()["cafe_session"] == 0


def test_staff_may_not_change_the_list_of_destinations_but_the_admin_may(auth, client):
    auth.login_as("staff")
    assert client.post("/outcomes/destinations", data={"name": "弁護士会"}).status_code == 403
    auth.logout()
    auth.login_as("admin")
    assert client.post("/outcomes/destinations", data={"name": "弁護士会"}).status_code == 302
    assert any(d.name == "弁護士会" for d in services.list_destinations())
    assert refused(client.post("/outcomes/destinations", data={"name": "弁護士会"}))
    client.post(f"/outcomes/destinations/{MEDICAL}/active", data={"active": "0"})
    assert MEDICAL not in [d.id for d in services.list_destinations()]
    assert client.post("/outcomes/destinations/99999/active", data={"active": "0"}).status_code == 302


def test_the_admin_sets_targets_for_the_outcome_metrics(auth, client):
    from inventory.settings import organisation as settings

    auth.login_as("admin")
    response = client.post(
        "/admin/targets/2025", data={"new_consultations": "１００", "referrals": "240", "cafe_visits": ""}
    )
    assert response.status_code == 302
    targets = settings.get_targets(2025)
    assert (targets["new_consultations"], targets["referrals"], targets["cafe_visits"]) == (100, 240, None)
    assert refused(client.post("/admin/targets/2025", data={"referrals": "1000000001"}))
    assert settings.get_targets(2025)["referrals"] == 240
