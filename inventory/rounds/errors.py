"""The errors of rounds: each names a business reason, carries what a form needs, and means
nothing was written."""

from __future__ import annotations

from inventory.core.errors import Conflict, DomainError
from inventory.stock.errors import (
    UnknownItem,
)


class NoPlacementItem(UnknownItem):
    """No active package item exists, so there is nothing to place or count at a location."""

    def __init__(self):
        super().__init__(None, field="counted")


class ReportTokenUsed(Conflict):
    """The support page's signed token was already used for a report: a replay, counted once."""

    def __init__(self):
        super().__init__("report token already used", field="token")


class TooManyReports(DomainError):
    """This address sent more reports in the last hour than any visitor would."""

    def __init__(self, *, retry_minutes: int):
        super().__init__("too many reports", field=None, retry_minutes=retry_minutes)
        self.retry_minutes = retry_minutes
