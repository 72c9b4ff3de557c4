"""The fiscal-year report as one document: header, tables, notes, definitions.

The page, the CSV and the PDF are all drawn from this one document, so they say the same thing;
a closed year's document is the one stored at closing (see inventory/reports/closing.py).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from flask_babel import gettext as _

from inventory.core.clock import local_today
from inventory.reports import closing as year_closing
from inventory.reports.yearly import FiscalYearReport
from inventory.settings.organisation import get_settings

from ..i18n import fiscal_year_label, show_date, show_datetime
from .tables import Table, definitions, fiscal_year_tables


@dataclass
class ReportDocument:
    """Everything the report shows, as plain text and numbers (JSON-able for a closed year)."""

    fiscal_year: int
    title: str
    header: list[list[str]]  # [label, value] pairs
    as_of: str  # when the figures were taken from the ledger
    tables: list[Table]
    notes: str
    definitions: list[str]

    def to_dict(self) -> dict:
        """Plain data for the snapshot."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> ReportDocument:
        """The document as stored in a snapshot."""
        values = dict(data)
        values["tables"] = [Table.from_dict(table) for table in data["tables"]]
        return cls(**values)


def build_document(report: FiscalYearReport) -> ReportDocument:
    """The live document of an open year, in the UI language."""
    settings = get_settings()
    year = report.fiscal_year
    dash = "—"
    header = [
        [_("Project name"), settings.project_name or dash],
        [_("Commissioned by"), settings.commissioned_by or dash],
        [_("Organisation"), settings.org_name or dash],
        [_("Representative"), settings.representative or dash],
        [
            _("Fiscal year"),
            f"{fiscal_year_label(year)} ({show_date(report.first_day)} – {show_date(report.last_day)})",
        ],
        [_("Date prepared"), show_date(local_today())],
    ]
    return ReportDocument(
        fiscal_year=year,
        title=_("Fiscal-year report (annex to the report of results)"),
        header=header,
        as_of=_("Figures as of %(when)s", when=show_datetime(report.as_of)),
        tables=fiscal_year_tables(report),
        notes=year_closing.note_of(year),
        definitions=definitions(report),
    )


def status_line(document: ReportDocument, closing: year_closing.Closing | None) -> str:
    """Whether the figures are final: closed on a date by someone, or as of when they were taken."""
    if closing is None:
        return _(
            "%(as_of)s. The year is not closed: records dated in it may still change these figures.",
            as_of=document.as_of,
        )
    return _(
        "Closed (final) on %(when)s by %(who)s. %(as_of)s.",
        when=show_datetime(closing.closed_at),
        who=closing.closed_by or "—",
        as_of=document.as_of,
    )


def csv_body(document: ReportDocument, status: str) -> list[list]:
    """The document as CSV rows, section after section (the same order as the page)."""
    rows: list[list] = [[label, value] for label, value in document.header]
    rows += [[status], []]
    for table in document.tables:
        rows += [[table.title], table.columns, *table.rows]
        for extra in (table.footer, table.previous):
            if extra:
                rows.append(extra)
        if table.note:
            rows.append([table.note])
        rows.append([])
    rows += [[_("Notes")], [document.notes or "—"], [], [_("Definitions")]]
    rows += [[text] for text in document.definitions]
    return rows
