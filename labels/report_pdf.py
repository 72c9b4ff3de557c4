"""A report (title, header, tables, notes) as an A4 PDF in the Japanese font, with page numbers.

Plain data in, bytes out, like the labels: the caller passes the text of every cell already in
the reader's language. Numbers are right-aligned, long text wraps by character (Japanese has no
spaces to break at), and a table's heading row repeats on every page it runs onto.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field

from fpdf import FPDF
from fpdf.enums import Align, TableCellFillMode, WrapMode, XPos, YPos
from fpdf.fonts import FontFace, TTFFont

from .fonts import load_font
from .truetype import truetype_subset

_FONT_KEY = "reportjp"
PAGE_MARGIN_MM = 15
BODY_PT, SMALL_PT, WIDE_PT, TITLE_PT, HEADING_PT = 9, 7.5, 6.5, 15, 11
PAGE_DIGITS = "0123456789/ "


@dataclass
class ReportTable:
    """One table: its title, column names, rows, an optional total and previous-year row, a note."""

    title: str
    columns: list[str]
    rows: list[list]
    footer: list | None = None
    previous: list | None = None
    note: str = ""
    wide: bool = False


@dataclass
class ReportContent:
    """What the PDF says, in the order it says it."""

    title: str
    header: list[list[str]]
    status: str
    tables: list[ReportTable]
    notes_title: str
    notes: str
    definitions_title: str
    definitions: list[str]
    page_label: str = "%(page)s / %(pages)s"  # page numbers in the reader's language
    empty_text: str = "—"
    extra: list[str] = field(default_factory=list)


def cell_text(value) -> str:
    """A cell as printed: numbers with thousands separators, None as blank."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:,.2f}"
    return str(value)


def _is_number(text: str) -> bool:
    core = text.replace(",", "").replace("%", "").replace("円", "").replace(" yen", "").strip()
    core = core.lstrip("+−-±")
    return (bool(core) and core.replace(".", "", 1).isdigit()) or text in ("—",)


class _ReportPDF(FPDF):
    page_label = "%(page)s / %(pages)s"

    def footer(self):
        """The page number, centred at the bottom (total filled in by fpdf2's alias)."""
        self.set_y(-10)
        self.set_font(_FONT_KEY, size=SMALL_PT)
        self.cell(0, 5, self.page_label % {"page": self.page_no(), "pages": "{nb}"}, align=Align.C)


def _characters(content: ReportContent) -> str:
    parts = [content.title, content.status, content.notes_title, content.notes, content.definitions_title]
    parts += [text for pair in content.header for text in pair]
    parts += content.definitions + content.extra + [content.page_label, PAGE_DIGITS, content.empty_text]
    for table in content.tables:
        parts += [table.title, table.note, *table.columns]
        for row in [*table.rows, table.footer or [], table.previous or []]:
            parts += [cell_text(value) for value in row]
    return "".join(parts)


def render_report_pdf(content: ReportContent, *, font_path=None) -> bytes:
    """The report as PDF bytes: A4 portrait, 15 mm margins, page numbers at the foot."""
    font = load_font(font_path)
    pdf = _ReportPDF(unit="mm", format="A4")
    pdf.page_label = content.page_label
    pdf.set_margins(PAGE_MARGIN_MM, PAGE_MARGIN_MM, PAGE_MARGIN_MM)
    pdf.set_auto_page_break(True, margin=PAGE_MARGIN_MM)
    pdf.set_lang("ja")
    pdf.set_creator("Tsunagari Pack")
    pdf.set_title(content.title)
    pdf.fonts[_FONT_KEY] = TTFFont(
        pdf, io.BytesIO(truetype_subset(font, _characters(content))), _FONT_KEY, ""
    )
    pdf.alias_nb_pages()
    pdf.add_page()
    width = pdf.epw

    def paragraph(text: str, size: float = BODY_PT, height: float = 5):
        pdf.set_font(_FONT_KEY, size=size)
        pdf.multi_cell(width, height, text, wrapmode=WrapMode.CHAR, new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    paragraph(content.title, TITLE_PT, 8)
    pdf.ln(2)
    pdf.set_font(_FONT_KEY, size=BODY_PT)
    with pdf.table(
        col_widths=(1, 3),
        first_row_as_headings=False,
        line_height=5,
        wrapmode=WrapMode.CHAR,
        cell_fill_mode=TableCellFillMode.NONE,
    ) as header:
        for label, value in content.header:
            row = header.row()
            row.cell(label)
            row.cell(value)
    pdf.ln(2)
    paragraph(content.status, SMALL_PT, 4)
    for table in content.tables:
        _table(pdf, table, content.empty_text)
    pdf.ln(3)
    paragraph(content.notes_title, HEADING_PT, 7)
    paragraph(content.notes or content.empty_text)
    pdf.ln(3)
    paragraph(content.definitions_title, HEADING_PT, 7)
    for text in content.definitions:
        paragraph("・" + text, SMALL_PT, 4)
    return bytes(pdf.output())


def _table(pdf: FPDF, table: ReportTable, empty_text: str) -> None:
    columns = len(table.columns)
    size = WIDE_PT if table.wide or columns > 8 else BODY_PT if columns <= 4 else SMALL_PT
    pdf.ln(3)
    # Keep a title with at least its heading row and one line.
    if pdf.will_page_break(20):
        pdf.add_page()
    pdf.set_font(_FONT_KEY, size=HEADING_PT)
    pdf.multi_cell(pdf.epw, 6, table.title, wrapmode=WrapMode.CHAR, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(_FONT_KEY, size=size)
    first = 3 if columns > 8 else 2
    widths = (first, *([1] * (columns - 1)))
    body = [*table.rows] or [[empty_text] + [""] * (columns - 1)]
    extras = [row for row in (table.footer, table.previous) if row]
    with pdf.table(
        col_widths=widths,
        line_height=size * 0.5,
        wrapmode=WrapMode.CHAR,
        headings_style=FontFace(emphasis="", fill_color=(235, 235, 235)),
        cell_fill_mode=TableCellFillMode.NONE,
        repeat_headings=1,
        text_align="LEFT",
    ) as grid:
        heading = grid.row()
        for name in table.columns:
            heading.cell(str(name))
        for row in [*body, *extras]:
            line = grid.row()
            for index, value in enumerate(row[:columns]):
                text = cell_text(value)
                align = "RIGHT" if index and _is_number(text) else "LEFT"
                line.cell(text, align=align)
    if table.note:
        pdf.set_font(_FONT_KEY, size=SMALL_PT)
        pdf.multi_cell(pdf.epw, 4, table.note, wrapmode=WrapMode.CHAR, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
