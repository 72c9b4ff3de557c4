"""What is counted and where: items (with package recipes) and locations (with permanent codes)."""

from __future__ import annotations

import secrets
import unicodedata
from typing import TypedDict

import sqlalchemy as sa

from inventory.core import idempotency
from inventory.core.checks import check_quantity, check_text, has_control_characters, is_row_id
from inventory.core.db import db, unit_of_work
from inventory.core.errors import InvalidValue
from inventory.stock.errors import (
    NoRecipe,
    RetiredLocation,
    UnknownItem,
    UnknownLocation,
    WrongLocationKind,
)
from inventory.stock.models import (
    MAX_TEXT,
    Item,
    ItemKind,
    Location,
    LocationKind,
    RecipeComponent,
)

# Printed on QR placards and typed by hand: no 0/O, 1/I/L to confuse.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 7
DEFAULT_PACK = "生理用品パック（約20個入り）"
DEFAULT_LEAFLET = "相談窓口チラシ"
DEFAULT_PACKAGE = "配置用パッケージ"


class ItemSpec(TypedDict):
    """The columns of a standard item."""

    name: str
    kind: str
    unit: str
    pads_per_unit: int | None
    low_stock_threshold: int


# Mirrored in the stock-ledger migration, which seeds the same rows on a fresh database.
DEFAULT_ITEMS = (
    ItemSpec(name=DEFAULT_PACK, kind="supply", unit="パック", pads_per_unit=20, low_stock_threshold=50),
    ItemSpec(name=DEFAULT_LEAFLET, kind="supply", unit="枚", pads_per_unit=None, low_stock_threshold=100),
    ItemSpec(name=DEFAULT_PACKAGE, kind="package", unit="袋", pads_per_unit=20, low_stock_threshold=30),
)
DEFAULT_RECIPE = ((DEFAULT_PACK, 1), (DEFAULT_LEAFLET, 1))


def get_item(item_id) -> Item:
    """Load an item by id (retired ones too) or raise UnknownItem."""
    item = db.session.get(Item, item_id) if is_row_id(item_id) else None
    if item is None:
        raise UnknownItem(item_id)
    return item


def require_item(item_id, *, field: str = "item_id") -> Item:
    """Load an active item for a new record, or raise UnknownItem (retired=True when retired)."""
    item = db.session.get(Item, item_id) if is_row_id(item_id) else None
    if item is None:
        raise UnknownItem(item_id, field=field)
    if not item.active:
        raise UnknownItem(item_id, field=field, retired=True)
    return item


def list_items(*, include_retired: bool = False) -> list[Item]:
    """Items in a stable order: supplies first, then packages, by name."""
    query = sa.select(Item).order_by(Item.kind.desc(), Item.name)
    if not include_retired:
        query = query.where(Item.active.is_(True))
    return list(db.session.scalars(query))


def find_item_by_name(name: str) -> Item | None:
    """The item with exactly this name, if any."""
    return db.session.scalar(sa.select(Item).where(Item.name == name))


def _check_item_fields(
    name: str, kind: str, unit: str, pads_per_unit: int | None, low_stock_threshold: int
) -> tuple[str, ItemKind, str]:
    name = check_text(name, field="name", required=True, limit=100)
    if kind not in {k.value for k in ItemKind}:
        raise InvalidValue("unknown kind", field="kind")
    kind = ItemKind(kind)
    unit = check_text(unit, field="unit", required=True, limit=20)
    if pads_per_unit is not None:
        check_quantity(pads_per_unit, field="pads_per_unit", maximum=1000)
    check_quantity(low_stock_threshold, field="low_stock_threshold", minimum=0)
    return name, kind, unit


def create_item(
    name: str,
    kind: str,
    unit: str,
    *,
    pads_per_unit: int | None = None,
    low_stock_threshold: int = 0,
    idempotency_key: str | None = None,
) -> Item:
    """Add an item; the name must be free."""
    name, kind, unit = _check_item_fields(name, kind, unit, pads_per_unit, low_stock_threshold)
    payload = dict(name=name, kind=kind, unit=unit, pads=pads_per_unit, low=low_stock_threshold)

    def work(session) -> int:
        if find_item_by_name(name):
            raise InvalidValue("name taken", field="name")
        item = Item(
            name=name,
            kind=kind.value,
            unit=unit,
            pads_per_unit=pads_per_unit,
            low_stock_threshold=low_stock_threshold,
        )
        session.add(item)
        session.flush()
        return item.id

    item_id, _ = idempotency.run("create_item", idempotency_key, payload, work)
    return get_item(item_id)


def update_item(
    item_id: int, *, name: str, unit: str, pads_per_unit: int | None, low_stock_threshold: int
) -> Item:
    """Change an item's name, unit, pads per unit or low-stock threshold (not its kind)."""
    with unit_of_work():
        item = get_item(item_id)
        name, _, unit = _check_item_fields(name, item.kind, unit, pads_per_unit, low_stock_threshold)
        other = find_item_by_name(name)
        if other is not None and other.id != item.id:
            raise InvalidValue("name taken", field="name")
        item.name, item.unit = name, unit
        item.pads_per_unit, item.low_stock_threshold = pads_per_unit, low_stock_threshold
    return item


def set_item_active(item_id: int, active: bool) -> Item:
    """Retire an item (it keeps its history) or bring it back."""
    with unit_of_work():
        item = get_item(item_id)
        item.active = bool(active)
    return item


def recipe_of(item_id: int) -> list[tuple[Item, int]]:
    """The components of a package item with the quantity of each per package."""
    rows = db.session.execute(
        sa.select(Item, RecipeComponent.quantity)
        .join(RecipeComponent, RecipeComponent.component_item_id == Item.id)
        .where(RecipeComponent.package_item_id == item_id)
        .order_by(Item.id)
    )
    return [(item, quantity) for item, quantity in rows]


def set_recipe(package_item_id: int, components: dict[int, int]) -> list[tuple[Item, int]]:
    """Replace a package item's recipe: {component item id: quantity per package}."""
    if not components:
        raise InvalidValue("no components", field="components")
    for component_id, quantity in components.items():
        check_quantity(quantity, field=f"components-{component_id}", maximum=1000)
    with unit_of_work() as session:
        package = get_item(package_item_id)
        if package.kind != ItemKind.PACKAGE:
            raise NoRecipe(package_item_id)
        for component_id in components:
            component = require_item(component_id, field="components")
            if component.kind != ItemKind.SUPPLY:
                raise InvalidValue("component must be a supply", field="components")
        session.execute(sa.delete(RecipeComponent).where(RecipeComponent.package_item_id == package_item_id))
        for component_id, quantity in components.items():
            session.add(
                RecipeComponent(
                    package_item_id=package_item_id, component_item_id=component_id, quantity=quantity
                )
            )
    return recipe_of(package_item_id)


def ensure_default_items() -> list[Item]:
    """Create the three standard items and the package recipe where missing (safe to repeat)."""
    with unit_of_work() as session:
        by_name = {}
        for spec in DEFAULT_ITEMS:
            item = find_item_by_name(spec["name"])
            if item is None:
                item = Item(**spec)
                session.add(item)
                session.flush()
            by_name[item.name] = item
        package = by_name[DEFAULT_PACKAGE]
        if not recipe_of(package.id):
            for name, quantity in DEFAULT_RECIPE:
                session.add(
                    RecipeComponent(
                        package_item_id=package.id, component_item_id=by_name[name].id, quantity=quantity
                    )
                )
    return [by_name[spec["name"]] for spec in DEFAULT_ITEMS]


def normalize_code(code: str | None) -> str:
    """A location code the way it is stored: NFKC, trimmed, upper case."""
    return unicodedata.normalize("NFKC", code or "").strip().upper()


def new_location_code() -> str:
    """A fresh random code that no location, active or retired, has ever had."""
    while True:
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        # Locations are never deleted, so checking the table covers "never reused".
        if db.session.scalar(sa.select(Location.id).where(Location.code == code)) is None:
            return code


# Built once: every QR scan looks a code up. Its columns, not a Location object: a scan only
# reads them, and a row on the session's connection costs half of loading an ORM object.
_BY_CODE = sa.select(*Location.__table__.c).where(Location.code == sa.bindparam("code"))


def find_location_by_code(code: str | None) -> sa.Row | None:
    """The location (active or retired) a scanned or typed code names, case-insensitively.

    A read-only row with the columns of Location as attributes (`.id`, `.name`, `.active` …).
    """
    code = normalize_code(code)
    # A NUL byte would be a database error on PostgreSQL; no code holds a control character.
    if not 6 <= len(code) <= 8 or has_control_characters(code):
        return None
    return db.session.execute(_BY_CODE, {"code": code}).first()


def get_location(location_id) -> Location:
    """Load a location by id (retired ones too) or raise UnknownLocation."""
    location = db.session.get(Location, location_id) if is_row_id(location_id) else None
    if location is None:
        raise UnknownLocation(location_id)
    return location


def require_location(location_id, *, field: str = "location_id", storeroom: bool = False) -> Location:
    """Load an active location for a new record; with storeroom=True it must be a storeroom."""
    location = db.session.get(Location, location_id) if is_row_id(location_id) else None
    if location is None:
        raise UnknownLocation(location_id, field=field)
    if not location.active:
        raise RetiredLocation(location.id, field=field)
    if storeroom and not location.is_storeroom:
        raise WrongLocationKind(location.id, expected=LocationKind.STOREROOM.value, field=field)
    return location


def list_locations(*, kind: str | None = None, include_retired: bool = False) -> list[Location]:
    """Locations, storerooms first, then by kind and name."""
    is_storeroom = sa.case((Location.kind == LocationKind.STOREROOM.value, 0), else_=1)
    query = sa.select(Location).order_by(is_storeroom, Location.kind, Location.name, Location.spot)
    if kind:
        query = query.where(Location.kind == kind)
    if not include_retired:
        query = query.where(Location.active.is_(True))
    return list(db.session.scalars(query))


def _printable_name(name: str) -> str:
    """Refuse a name without one letter or digit: the placard prints it as its title, and emoji
    or symbols alone may not print at all (the label font has no emoji)."""
    if not any(unicodedata.category(character)[0] in "LN" for character in name):
        raise InvalidValue("no printable character", field="name", reason="no_printable_character")
    return name


# Kinds listed on the public /where page unless staff say otherwise: schools are not.
PUBLIC_BY_DEFAULT = {LocationKind.CITY_HALL.value, LocationKind.UNIVERSITY.value, LocationKind.OTHER.value}


def _check_location_fields(
    kind, name, address, spot, target_level, contact_note, public=None, area="", opening_hours=""
):
    if kind not in {k.value for k in LocationKind}:
        raise InvalidValue("unknown kind", field="kind")
    check_quantity(target_level, field="target_level", minimum=0)
    if public is None:
        public = kind in PUBLIC_BY_DEFAULT
    return dict(
        kind=str(kind),
        name=_printable_name(check_text(name, field="name", required=True, limit=MAX_TEXT)),
        address=check_text(address, field="address", limit=MAX_TEXT),
        spot=check_text(spot, field="spot", limit=MAX_TEXT),
        target_level=target_level,
        contact_note=check_text(contact_note, field="contact_note", limit=500, multiline=True),
        # A storeroom is never listed for the public.
        public=bool(public) and kind != LocationKind.STOREROOM.value,
        area=check_text(area, field="area", limit=100),
        opening_hours=check_text(opening_hours, field="opening_hours", limit=MAX_TEXT),
    )


def create_location(
    kind: str,
    name: str,
    *,
    address: str = "",
    spot: str = "",
    target_level: int = 0,
    contact_note: str = "",
    public: bool | None = None,
    area: str = "",
    opening_hours: str = "",
    idempotency_key: str | None = None,
) -> Location:
    """Add a storeroom or placement point with a new permanent code (public: by kind unless given)."""
    values = _check_location_fields(
        kind, name, address, spot, target_level, contact_note, public, area, opening_hours
    )

    def work(session) -> int:
        location = Location(code=new_location_code(), **values)
        session.add(location)
        session.flush()
        return location.id

    location_id, _ = idempotency.run("create_location", idempotency_key, values, work)
    return get_location(location_id)


def update_location(
    location_id: int,
    *,
    kind: str,
    name: str,
    address: str = "",
    spot: str = "",
    target_level: int = 0,
    contact_note: str = "",
    public: bool | None = None,
    area: str = "",
    opening_hours: str = "",
) -> Location:
    """Change a location's details; its code never changes (public: unchanged unless given)."""
    values = _check_location_fields(
        kind, name, address, spot, target_level, contact_note, public, area, opening_hours
    )
    if public is None:
        del values["public"]
    with unit_of_work():
        location = get_location(location_id)
        for field, value in values.items():
            setattr(location, field, value)
    return location


def set_location_active(location_id: int, active: bool) -> Location:
    """Retire a location (its code and history stay; QR scans show a friendly page) or reopen it."""
    with unit_of_work():
        location = get_location(location_id)
        location.active = bool(active)
    return location
