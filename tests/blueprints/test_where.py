"""The public page of where free packs are (/where), and the location fields behind it."""

import re

from inventory.core.db import db
from inventory.rounds import empty_reports
from inventory.stock import catalog
from inventory.stock.models import Location


def test_where_lists_only_active_public_placement_points_grouped_by_area(client, make_location):
    make_location(
        "city_hall", "市役所", spot="2階 女子トイレ", area="中心部", opening_hours="平日 8:45〜17:30"
    )
    make_location("university", "看護大学", area="緑ヶ丘")
    make_location("elementary_school", "北見小学校", area="中心部")  # schools: not public by default
    make_location("junior_high_school", "北中学校", area="中心部", public=True)  # staff chose so
    retired = make_location("other", "公民館", area="端野")
    catalog.set_location_active(retired.id, False)
    make_location("city_hall", "支所", public=False)
    make_location("storeroom", "倉庫", public=True)
    response = client.get("/where")
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers
    for listed in ["市役所", "2階 女子トイレ", "平日 8:45〜17:30", "看護大学", "北中学校"]:
        assert listed in body
    for hidden in ["北見小学校", "公民館", "支所", "倉庫"]:
        assert hidden not in body
    assert body.index("中心部") < body.index("市役所") < body.index("緑ヶ丘") < body.index("看護大学")
    assert "tel:0157573190" in body  # the consultation window on top
    assert body.index("tel:0157573190") < body.index("市役所")


def test_where_says_plainly_which_place_was_reported_empty_today(client, make_location):
    hall = make_location("city_hall", "市役所")
    make_location("university", "看護大学")
    empty_reports.report_location(hall.id, kind="empty", address_key="c" * 64, token_nonce="00aa00aa")
    body = client.get("/where").get_data(as_text=True)
    hall_part = body[body.index("市役所") : body.index("看護大学")]
    assert "今日「なくなっている」とお知らせがありました" in hall_part
    assert "ふだんは置いてあります" in body[body.index("看護大学") :]


def test_where_links_an_address_to_the_map_app_but_loads_no_map(client, make_location):
    make_location("city_hall", "市役所", address="北見市大通西2丁目1")
    body = client.get("/where").get_data(as_text=True)
    assert re.search(r'<a href="https://www\.google\.com/maps/search/\?api=1&amp;query=[^"]+"', body)
    assert "<script" not in body and "<iframe" not in body and "<img" not in body


def test_staff_set_the_public_flag_area_and_hours_on_the_location_form(client, auth, new_key):
    auth.login_as("staff")
    data = {
        "kind": "elementary_school",
        "name": "南小学校",
        "target_level": "10",
        "public": "",
        "area": "南",
        "opening_hours": "平日 8:00〜16:00",
        "idempotency_key": new_key(),
    }
    assert client.post("/stock/locations/new", data=data).status_code == 302
    school = db.session.query(Location).filter_by(name="南小学校").one()
    assert (school.public, school.area, school.opening_hours) == (False, "南", "平日 8:00〜16:00")
    form = client.get(f"/stock/locations/{school.id}/edit").get_data(as_text=True)
    assert '<option selected value="0">' in form
    response = client.post(
        f"/stock/locations/{school.id}/edit", data={**data, "public": "1", "idempotency_key": new_key()}
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Location, school.id).public is True
    assert "南小学校" in client.get("/where").get_data(as_text=True)
