"""The outcome figures as titled tables in the UI language: one source for the page and the report."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from babel.dates import format_skeleton
from flask import request
from flask_babel import get_locale
from flask_babel import gettext as _

from inventory.outcomes import queries
from inventory.outcomes.queries import OutcomeFigures, OutcomeTable

from .names import CHANNELS, COLUMNS, HEARD_VIA, location_kind_name

HIDDEN = "X"
VERSIONS = ("city", "public")


@dataclass
class ShownTable:
    """A table as shown: the first column names the row; cells are numbers, "X" or "—"."""

    key: str
    title: str
    columns: list[str]
    rows: list[list]
    footer: list | None
    note: str = ""
    wide: bool = False


@dataclass
class OutcomeSection:
    """What the outcome partial shows: the figures, which version, and the tables."""

    figures: OutcomeFigures
    version: str
    tables: list[ShownTable] = field(default_factory=list)

    @property
    def publication(self) -> bool:
        """Whether this is the version for publication (small counts hidden)."""
        return self.version == "public"


def chosen_version(value) -> str:
    """The version asked for in the query string; the city's exact version unless "public"."""
    return value if value in VERSIONS else "city"


def _show(value):
    return HIDDEN if value is None else value


def _month_label(code: str) -> str:
    """A month with its year, as the language writes it (2025年4月, Apr 2025)."""
    return format_skeleton("yMMM", date.fromisoformat(code), locale=get_locale())


def _shown(table: OutcomeTable, title: str, row_label, note: str = "", wide: bool = False) -> ShownTable:
    """Label a table's rows and columns; keep only the totals it prints."""
    columns = [str(COLUMNS[c]) for c in table.columns]
    if table.row_totals:
        columns.append(_("Total (all contacts)") if table.columns == ["new", "continuing"] else _("Total"))
    columns += [str(COLUMNS[c]) for c in table.extra_columns]
    body = []
    for i, code in enumerate([*table.rows, None]):
        line = table.grid[i]
        cells = [_show(v) for v in line[: len(table.columns)]]
        if table.row_totals:
            cells.append(_show(line[-1]))
        for value in table.extra[i] if table.extra else []:
            cells.append("—" if value is None else value)
        body.append([_("Total") if code is None else row_label(code), *cells])
    footer = body.pop() if table.column_totals else None
    return ShownTable(table.key, title, ["", *columns], body, footer, note, wide)


def labelled_tables(figures: OutcomeFigures) -> list[ShownTable]:
    """Every outcome table of the figures, titled and labelled in the UI language."""
    destinations = figures.destinations
    titles = {
        "by_heard": (_("Consultations by how she heard of the window"), HEARD_VIA.get),
        "by_channel": (_("Consultations by channel"), CHANNELS.get),
        "by_month": (_("Consultations by month"), _month_label),
        "by_month_heard": (_("Consultations by month and by how she heard of the window"), _month_label),
        "by_location_kind": (
            _("Consultations through a pack or a QR, by kind of location"),
            location_kind_name,
        ),
        "referrals": (_("Referrals by destination"), lambda code: destinations.get(int(code), code)),
        "cafe": (_("Drop-in cafe by month"), _month_label),
    }
    notes = {
        "by_location_kind": _(
            "Per 100 packs placed: consultations through a pack or a QR at locations of this kind, "
            "for every 100 packs placed there in the year."
        ),
        "cafe": _("Visits are counted per session (延べ利用者数): someone who came twice counts twice."),
    }
    shown = []
    for table in figures.tables:
        title, label = titles[table.key]
        shown.append(
            _shown(
                table,
                title,
                lambda code, label=label: str(label(code)),
                notes.get(table.key, ""),
                wide=table.key == "by_month_heard",
            )
        )
    return shown


def outcome_section(report=None, version=None, figures: OutcomeFigures | None = None) -> OutcomeSection:
    """The outcome section for a fiscal-year report (or given figures), in the version asked for.

    With a report, its own packs placed per location kind are used, so the rate per 100 packs
    agrees with the report's "placed".
    """
    version = chosen_version(version if version is not None else request.args.get("version"))
    if figures is None:
        figures = queries.outcome_figures(
            report.fiscal_year, publication=version == "public", placed=report.placed_by_kind
        )
    return OutcomeSection(figures, version, labelled_tables(figures))
