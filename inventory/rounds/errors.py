"""The errors of rounds: each names a business reason, carries what a form needs, and means
nothing was written."""

from __future__ import annotations

from inventory.stock.errors import (
    UnknownItem,
)


class NoPlacementItem(UnknownItem):
    """No active package item exists, so there is nothing to place or count at a location."""

    def __init__(self):
        super().__init__(None, field="counted")
