"""Stock pages render for staff, volunteers only see the overview; items and locations through the forms."""

import pytest
import sqlalchemy as sa

from inventory.core.db import db
from inventory.stock import catalog
from inventory.stock.models import Item, Location
from tests.blueprints.stock_helpers import donation_form, key, refused, written_rows


@pytest.fixture
def ledger(items, storeroom, point, donate):
    """A small ledger: a donation in the storeroom, packages assembled, some moved to a point."""
    from inventory.stock import operations

    donation = donate(40)
    donate(40, item=items.leaflet)
    assembly = operations.assemble_packages(storeroom.id, items.package, 12, idempotency_key=None)
    transfer = operations.transfer_stock(storeroom.id, point.id, [(items.package, 5)], idempotency_key=None)
    return {
        "donation": donation.record_id,
        "assembly": assembly.record_id,
        "transfer": transfer.record_id,
        "storeroom": storeroom.id,
        "point": point.id,
        "item": items.package,
    }


PAGES = [
    "/stock/",
    "/stock/?low=y",
    "/stock/history",
    "/stock/items",
    "/stock/items?retired=1",
    "/stock/items/new",
    "/stock/items/{item}",
    "/stock/locations",
    "/stock/locations?kind=storeroom&retired=1",
    "/stock/locations/new",
    "/stock/locations/{point}",
    "/stock/locations/{point}/edit",
    "/stock/locations/{point}/active",
    "/stock/donations",
    "/stock/donations/new",
    "/stock/donations/{donation}",
    "/stock/purchases",
    "/stock/purchases/new",
    "/stock/assemble",
    "/stock/assemble/{assembly}",
    "/stock/transfer",
    "/stock/adjust",
    "/stock/stocktake",
    "/stock/stocktake/{storeroom}",
    "/stock/records/{transfer}",
    "/stock/records/{donation}",
    "/stock/records/{donation}/reverse",
    "/stock/history?location_id={point}&kind=transfer",
]


@pytest.mark.parametrize("path", PAGES)
def test_each_stock_page_renders_for_staff(auth, client, ledger, path):
    auth.login_as("staff")
    response = client.get(path.format(**ledger))
    assert response.status_code == 200, path
    assert "<h1>" in response.get_data(as_text=True)


def test_a_volunteer_sees_the_overview_without_links_to_change_anything(auth, client, ledger):
    auth.login_as("volunteer")
    html = client.get("/stock/").get_data(as_text=True)
    assert "市役所" in html
    assert "/stock/donations/new" not in html and "/stock/locations/" not in html
    assert client.post("/stock/donations/new", data=donation_form(ledger["storeroom"])).status_code == 403


def test_the_overview_highlights_low_stock_and_can_show_only_that(auth, client, ledger, make_location):
    auth.login_as("staff")
    html = client.get("/stock/").get_data(as_text=True)
    # the point holds 5 packages against a target of 10: low; the storeroom's 40 leaflets are low (≤ 100)
    assert html.count('class="low"') >= 2
    low_only = client.get("/stock/?low=y").get_data(as_text=True)
    assert low_only.count("<tr") == low_only.count('class="low"') + 1  # + the header row
    only_point = client.get(f"/stock/?location_id={ledger['point']}").get_data(as_text=True)
    assert "倉庫" not in only_point.split("<tbody>")[1]


def test_unknown_ids_are_404_for_staff(auth, client, items):
    auth.login_as("staff")
    for path in [
        "/stock/items/999999",
        "/stock/locations/999999",
        "/stock/locations/999999/edit",
        "/stock/locations/999999/active",
        "/stock/donations/999999",
        "/stock/purchases/999999",
        "/stock/records/999999",
        "/stock/assemble/999999",
        "/stock/stocktake/999999",
    ]:
        assert client.get(path).status_code == 404, path


def test_a_record_page_of_another_kind_is_404_on_the_donation_url(auth, client, ledger):
    auth.login_as("staff")
    assert client.get(f"/stock/donations/{ledger['transfer']}").status_code == 404
    assert client.get(f"/stock/assemble/{ledger['donation']}").status_code == 404


def item_count():
    return db.session.scalar(sa.select(sa.func.count()).select_from(Item))


def test_staff_add_an_item_and_edit_its_threshold(auth, client, items):
    auth.login_as("staff")
    response = client.post(
        "/stock/items/new",
        data={
            "idempotency_key": key(),
            "name": "ナプキン（夜用）",
            "kind": "supply",
            "unit": "パック",
            "pads_per_unit": "１０",
            "low_stock_threshold": "5",
        },
    )
    assert response.status_code == 302
    item = catalog.find_item_by_name("ナプキン（夜用）")
    assert item.pads_per_unit == 10
    response = client.post(
        f"/stock/items/{item.id}",
        data={
            "idempotency_key": key(),
            "name": "ナプキン（夜用）",
            "unit": "パック",
            "pads_per_unit": "",
            "low_stock_threshold": "８",
        },
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert catalog.get_item(item.id).low_stock_threshold == 8


@pytest.mark.parametrize(
    "overrides",
    [
        {"name": ""},
        {"name": "相談窓口チラシ"},
        {"unit": ""},
        {"pads_per_unit": "0"},
        {"pads_per_unit": "abc"},
        {"low_stock_threshold": "-1"},
        {"low_stock_threshold": ""},
        {"kind": "gadget"},
    ],
)
def test_bad_item_input_gets_a_message_and_adds_nothing(auth, client, items, overrides):
    auth.login_as("staff")
    before = item_count()
    data = {
        "idempotency_key": key(),
        "name": "新しい品目",
        "kind": "supply",
        "unit": "個",
        "pads_per_unit": "",
        "low_stock_threshold": "0",
        **overrides,
    }
    response = client.post("/stock/items/new", data=data)
    assert refused(response)
    assert item_count() == before


def test_a_package_recipe_is_shown_and_can_be_changed(auth, client, items):
    auth.login_as("staff")
    html = client.get(f"/stock/items/{items.package}").get_data(as_text=True)
    assert "components-0-quantity" in html
    supplies = [item for item in catalog.list_items() if item.kind == "supply"]
    data = {"idempotency_key": key()}
    for index, supply in enumerate(supplies):
        data[f"components-{index}-item_id"] = str(supply.id)
        data[f"components-{index}-quantity"] = "2" if supply.id == items.pack else ""
    assert client.post(f"/stock/items/{items.package}/recipe", data=data).status_code == 302
    db.session.expire_all()
    assert [(c.id, q) for c, q in catalog.recipe_of(items.package)] == [(items.pack, 2)]
    data[f"components-{supplies.index(catalog.get_item(items.pack))}-quantity"] = "0"
    assert refused(client.post(f"/stock/items/{items.package}/recipe", data=data))
    assert [(c.id, q) for c, q in catalog.recipe_of(items.package)] == [(items.pack, 2)]


def test_retiring_an_item_hides_it_from_new_donations(auth, client, items, storeroom):
    auth.login_as("staff")
    assert client.post(f"/stock/items/{items.leaflet}/active", data={"active": "0"}).status_code == 302
    assert not catalog.get_item(items.leaflet).active
    before = written_rows()
    response = client.post(
        "/stock/donations/new", data=donation_form(storeroom.id, (str(items.leaflet), "5"))
    )
    assert refused(response)
    assert written_rows() == before
    assert client.post(f"/stock/items/{items.leaflet}/active", data={"active": "1"}).status_code == 302
    db.session.expire_all()
    assert catalog.get_item(items.leaflet).active


def location_count():
    return db.session.scalar(sa.select(sa.func.count()).select_from(Location))


def test_staff_add_a_location_and_its_page_links_to_the_public_url(auth, client):
    auth.login_as("staff")
    response = client.post(
        "/stock/locations/new",
        data={
            "idempotency_key": key(),
            "kind": "elementary_school",
            "name": "北見小学校",
            "spot": "1階 女子トイレ",
            "address": "",
            "target_level": "１５",
            "contact_note": "",
        },
    )
    assert response.status_code == 302
    location = catalog.list_locations(kind="elementary_school")[0]
    assert location.target_level == 15
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert f"/l/{location.code}" in html
    listing = client.get("/stock/locations?kind=elementary_school").get_data(as_text=True)
    assert location.code in listing and "北見小学校" in listing


@pytest.mark.parametrize(
    "overrides",
    [
        {"name": ""},
        {"kind": "moon"},
        {"target_level": "-3"},
        {"target_level": "10000000"},
        {"name": "x" * 300},
    ],
)
def test_bad_location_input_gets_a_message_and_adds_nothing(auth, client, overrides):
    auth.login_as("staff")
    before = location_count()
    data = {
        "idempotency_key": key(),
        "kind": "city_hall",
        "name": "市役所",
        "spot": "",
        "address": "",
        "target_level": "0",
        "contact_note": "",
        **overrides,
    }
    assert refused(client.post("/stock/locations/new", data=data))
    assert location_count() == before


def test_retiring_a_location_asks_first_and_hides_it_from_the_list(auth, client, point):
    auth.login_as("staff")
    confirm = client.get(f"/stock/locations/{point.id}/active").get_data(as_text=True)
    assert 'name="active" type="hidden" value="0"' in confirm or 'value="0"' in confirm
    assert catalog.get_location(point.id).active
    assert client.post(f"/stock/locations/{point.id}/active", data={"active": "0"}).status_code == 302
    db.session.expire_all()
    assert not catalog.get_location(point.id).active
    assert "市役所" not in client.get("/stock/locations").get_data(as_text=True).split("<tbody>")[1]
    assert "市役所" in client.get("/stock/locations?retired=1").get_data(as_text=True)
    assert client.post(f"/stock/locations/{point.id}/active", data={"active": "maybe"}).status_code == 400


def test_editing_an_item_keeps_full_width_brackets_in_its_name(auth, client, items):
    auth.login_as("staff")
    pack = catalog.get_item(items.pack)
    name = pack.name
    response = client.post(
        f"/stock/items/{pack.id}",
        data={
            "idempotency_key": key(),
            "name": name,
            "unit": pack.unit,
            "pads_per_unit": "20",
            "low_stock_threshold": "60",
        },
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert catalog.get_item(items.pack).name == name == catalog.DEFAULT_PACK
