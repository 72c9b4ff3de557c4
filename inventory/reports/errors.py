"""Refusals of the fiscal-year report: closed years, years not over, bad snapshots."""

from __future__ import annotations

from inventory.core.errors import Conflict, InvalidValue


class YearClosed(Conflict):
    """The fiscal year a date falls in is closed (確定): nothing dated in it may be recorded."""

    def __init__(self, fiscal_year: int, *, field: str | None = "occurred_at"):
        super().__init__("fiscal year closed", field=field, fiscal_year=fiscal_year)
        self.fiscal_year = fiscal_year


class YearNotClosed(Conflict):
    """Reopening a fiscal year that is not closed."""

    def __init__(self, fiscal_year: int):
        super().__init__("fiscal year not closed", field=None, fiscal_year=fiscal_year)
        self.fiscal_year = fiscal_year


class YearNotOver(InvalidValue):
    """Closing a fiscal year that has not ended yet (or lies in the future)."""

    def __init__(self, fiscal_year: int):
        super().__init__("fiscal year not over", field="year", fiscal_year=fiscal_year)
        self.fiscal_year = fiscal_year
