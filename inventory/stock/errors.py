"""The errors of the stock ledger: each names a business reason, carries what a form needs, and
means nothing was written."""

from __future__ import annotations

from inventory.core.errors import Conflict, InvalidValue, NotFound


class InsufficientStock(Conflict):
    """Taking `requested` of an item from a location that only holds `available`."""

    def __init__(
        self,
        *,
        available: int,
        requested: int,
        item: int,
        location: int,
        field: str | None = "quantity",
        message: str = "insufficient stock",
    ):
        super().__init__(
            message, field=field, available=available, requested=requested, item=item, location=location
        )
        self.available, self.requested = available, requested
        self.item_id, self.location_id = item, location


class NoLines(InvalidValue):
    """A record with no item lines."""

    def __init__(self, field: str = "lines"):
        super().__init__("no lines", field=field)


class DuplicateLine(InvalidValue):
    """The same item appears on two lines of one record."""

    def __init__(self, item_id: int, *, field: str):
        super().__init__("duplicate item line", field=field, item=item_id)
        self.item_id = item_id


class UnknownItem(NotFound):
    """No item with this id, or it is retired and cannot be used for new records."""

    def __init__(self, item_id, *, field: str = "item_id", retired: bool = False):
        super().__init__(
            "retired item" if retired else "unknown item", field=field, item=item_id, retired=retired
        )
        self.item_id, self.retired = item_id, retired


class UnknownLocation(NotFound):
    """No location with this id (or code)."""

    def __init__(self, location_id, *, field: str = "location_id"):
        super().__init__("unknown location", field=field, location=location_id)
        self.location_id = location_id


class RetiredLocation(Conflict):
    """The location is retired: it keeps its code and history but takes no new records."""

    def __init__(self, location_id: int, *, field: str = "location_id"):
        super().__init__("retired location", field=field, location=location_id)
        self.location_id = location_id


class WrongLocationKind(InvalidValue):
    """The action needs another kind of location (receipts and assembly happen at a storeroom)."""

    def __init__(self, location_id: int, *, expected: str, field: str = "location_id"):
        super().__init__("wrong location kind", field=field, location=location_id, expected=expected)
        self.location_id, self.expected = location_id, expected


class NoRecipe(Conflict):
    """The item is not a package with a recipe, so it cannot be assembled."""

    def __init__(self, item_id: int, *, field: str = "item_id"):
        super().__init__("no recipe", field=field, item=item_id)
        self.item_id = item_id


class NotReversible(Conflict):
    """The record cannot be reversed; `reason` is one of REASONS."""

    REASONS = ("is_reversal", "already_reversed", "nothing_to_reverse")

    def __init__(self, record_id: int, reason: str):
        super().__init__("not reversible: " + reason, field=None, record=record_id, reason=reason)
        self.record_id, self.reason = record_id, reason


class UnknownRecord(NotFound):
    """No stock record with this id."""

    def __init__(self, record_id):
        super().__init__("unknown record", record=record_id)
        self.record_id = record_id
