"""Items, recipes and locations with their permanent codes."""

from __future__ import annotations

import re
import unicodedata

import pytest

from inventory.core.errors import InvalidQuantity, InvalidValue
from inventory.stock import catalog
from inventory.stock.catalog import CODE_ALPHABET
from inventory.stock.errors import NoRecipe


def test_the_default_items_and_package_recipe_are_there(app, items):
    names = {item.name for item in catalog.list_items()}
    assert {catalog.DEFAULT_PACK, catalog.DEFAULT_LEAFLET, catalog.DEFAULT_PACKAGE} <= names
    recipe = {item.name: quantity for item, quantity in catalog.recipe_of(items.package)}
    assert recipe == {catalog.DEFAULT_PACK: 1, catalog.DEFAULT_LEAFLET: 1}
    assert catalog.get_item(items.pack).pads_per_unit == 20


def test_ensure_default_items_can_run_again_without_duplicates(app, items):
    again = catalog.ensure_default_items()
    assert [item.id for item in again] == [items.pack, items.leaflet, items.package]


def test_location_codes_are_unambiguous_unique_and_upper_case(app, make_location):
    codes = [make_location("elementary_school").code for _ in range(30)]
    assert len(set(codes)) == 30
    for code in codes:
        assert re.fullmatch(f"[{CODE_ALPHABET}]{{6,8}}", code)
        assert not set(code) & set("0O1IL")


def test_a_code_is_found_case_insensitively_and_in_full_width(app, make_location):
    location = make_location("university", "大学")
    typed = unicodedata.normalize("NFKC", location.code).lower()
    full_width = "".join(chr(ord(ch) + 0xFEE0) for ch in typed)
    assert catalog.find_location_by_code(f" {typed} ").id == location.id
    assert catalog.find_location_by_code(full_width).id == location.id
    assert catalog.find_location_by_code("") is None
    assert catalog.find_location_by_code("NOPE") is None


def test_a_retired_location_keeps_its_code_and_is_still_found(app, make_location):
    location = make_location("junior_high_school", "中学校")
    code = location.code
    catalog.set_location_active(location.id, False)
    found = catalog.find_location_by_code(code)
    assert found.id == location.id and not found.active
    assert location not in catalog.list_locations()
    assert location in catalog.list_locations(include_retired=True)


def test_updating_a_location_never_changes_its_code(app, make_location):
    location = make_location("city_hall", "市役所")
    code = location.code
    updated = catalog.update_location(
        location.id, kind="city_hall", name="北見市役所", spot="1階 女子トイレ", target_level=12
    )
    assert (updated.code, updated.spot, updated.target_level) == (code, "1階 女子トイレ", 12)


@pytest.mark.parametrize("change", [dict(kind="toilet"), dict(name="  "), dict(target_level=-1)])
def test_a_location_with_bad_details_is_refused(app, change):
    values = dict(kind="other", name="どこか", target_level=0) | change
    with pytest.raises(InvalidValue):
        catalog.create_location(values.pop("kind"), values.pop("name"), idempotency_key=None, **values)


def test_items_can_be_edited_and_retired(app, items):
    item = catalog.update_item(
        items.pack, name="生理用品パック", unit="パック", pads_per_unit=22, low_stock_threshold=40
    )
    assert (item.pads_per_unit, item.low_stock_threshold) == (22, 40)
    with pytest.raises(InvalidQuantity):
        catalog.update_item(items.pack, name="x", unit="パック", pads_per_unit=0, low_stock_threshold=1)
    catalog.set_item_active(items.leaflet, False)
    assert items.leaflet not in [i.id for i in catalog.list_items()]


def test_a_recipe_belongs_only_to_a_package(app, items):
    with pytest.raises(NoRecipe):
        catalog.set_recipe(items.pack, {items.leaflet: 1})
    recipe = catalog.set_recipe(items.package, {items.pack: 2, items.leaflet: 1})
    assert sorted(quantity for _, quantity in recipe) == [1, 2]


def test_locations_list_prints_code_kind_name_spot_and_state(app, make_location):
    location = make_location("city_hall", "北見市役所", spot="2階 女子トイレ")
    result = app.test_cli_runner().invoke(args=["locations", "list"])
    assert result.exit_code == 0
    assert f"{location.code}\tcity_hall\t北見市役所\t2階 女子トイレ\tactive" in result.output.splitlines()
