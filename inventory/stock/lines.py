"""Item lines of a receipt or transfer as the services take them: checked, whole, unique."""

from __future__ import annotations

from dataclasses import dataclass

from inventory.core.checks import check_quantity
from inventory.stock.errors import DuplicateLine, NoLines

MAX_UNIT_COST_YEN = 10_000_000


@dataclass(frozen=True)
class Line:
    """One item line of a record: an item and a quantity."""

    item_id: int
    quantity: int


@dataclass(frozen=True)
class PurchaseLine:
    """One line of a purchase: an item, a quantity and the unit cost in yen."""

    item_id: int
    quantity: int
    unit_cost_yen: int


def check_lines(lines, *, field: str = "lines") -> list[Line]:
    """Normalise (item_id, quantity) lines; refuse none, duplicates and bad quantities."""
    result = []
    seen = set()
    for index, line in enumerate(lines or ()):
        item_id, quantity = (line.item_id, line.quantity) if isinstance(line, Line) else line
        check_quantity(quantity, field=f"{field}-{index}-quantity")
        if item_id in seen:
            raise DuplicateLine(item_id, field=f"{field}-{index}-item_id")
        seen.add(item_id)
        result.append(Line(item_id, quantity))
    if not result:
        raise NoLines(field)
    return result


def check_purchase_lines(lines, *, field: str = "lines") -> list[PurchaseLine]:
    """Normalise (item_id, quantity, unit_cost_yen) lines with the same rules plus a cost range."""
    lines = list(lines or ())
    plain = check_lines(
        [(_part(line, "item_id", 0), _part(line, "quantity", 1)) for line in lines], field=field
    )
    result = []
    for index, (line, raw) in enumerate(zip(plain, lines, strict=True)):
        cost = check_quantity(
            _part(raw, "unit_cost_yen", 2),
            field=f"{field}-{index}-unit_cost_yen",
            minimum=0,
            maximum=MAX_UNIT_COST_YEN,
        )
        result.append(PurchaseLine(line.item_id, line.quantity, cost))
    return result


def _part(line, name: str, index: int):
    return getattr(line, name) if hasattr(line, name) else line[index]
