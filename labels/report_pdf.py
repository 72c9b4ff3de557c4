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
from fpdf.fonts import TTFFont

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


def _wrap(measure, text: str, width: float) -> list[str]:
    """Break text into lines no wider than `width`, at any character (Japanese has no spaces)."""
    if measure(text) <= width:
        return [text]
    lines, current = [], ""
    for character in text:
        if current and measure(current + character) > width:
            lines.append(current)
            current = character
        else:
            current += character
    return [*lines, current] if current else lines


def _table(pdf: FPDF, table: ReportTable, empty_text: str) -> None:
    """Draw one table with plain cells and lines (fpdf2's table() takes ~1 ms a cell; this, far less).

    The heading row repeats after a page break; a row is never split across pages.
    """
    columns = len(table.columns)
    size = WIDE_PT if table.wide or columns > 8 else BODY_PT if columns <= 4 else SMALL_PT
    pdf.ln(3)
    if pdf.will_page_break(20):  # keep a title with its heading row and a line or two
        pdf.add_page()
    pdf.set_font(_FONT_KEY, size=HEADING_PT)
    pdf.multi_cell(pdf.epw, 6, table.title, wrapmode=WrapMode.CHAR, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(_FONT_KEY, size=size)
    first = 3 if columns > 8 else 2
    unit = pdf.epw / (first + columns - 1)
    widths = [first * unit, *([unit] * (columns - 1))]
    pad, line_h = 0.8, size * 0.42
    ascent = size * 0.3528 * 0.8  # baseline below the line's top, in mm (1 pt = 0.3528 mm)

    widths_of: dict[str, float] = {}  # this table's texts repeat ("0", "—"): measured once each

    def measure(text: str) -> float:
        width = widths_of.get(text)
        if width is None:
            width = widths_of[text] = pdf.get_string_width(text)
        return width

    def lines_of(row: list) -> list[list[str]]:
        cells = [cell_text(value) for value in row[:columns]] + [""] * (columns - len(row[:columns]))
        return [_wrap(measure, text, widths[i] - 2 * pad) for i, text in enumerate(cells)]

    def draw(cells: list[list[str]], fill: bool) -> None:
        height = max(len(lines) for lines in cells) * line_h + 2 * pad
        if pdf.get_y() + height > pdf.page_break_trigger:
            pdf.add_page()
            pdf.set_font(_FONT_KEY, size=size)
            if not fill:
                draw(heading, True)
        x, y = pdf.l_margin, pdf.get_y()
        if fill:
            pdf.set_fill_color(235, 235, 235)
            pdf.rect(x, y, pdf.epw, height, style="F")
        for index, lines in enumerate(cells):
            width = widths[index]
            pdf.rect(x, y, width, height)
            right = index > 0 and not fill and len(lines) == 1 and _is_number(lines[0])
            for n, text in enumerate(lines):
                left = x + width - pad - measure(text) if right else x + pad
                pdf.text(left, y + pad + n * line_h + ascent, text)
            x += width
        pdf.set_xy(pdf.l_margin, y + height)

    pdf.set_draw_color(120)
    pdf.set_line_width(0.1)
    heading = lines_of(table.columns)
    draw(heading, True)
    body = [*table.rows] or [[empty_text]]
    for row in [*body, *(extra for extra in (table.footer, table.previous) if extra)]:
        draw(lines_of(row), False)
    if table.note:
        pdf.set_font(_FONT_KEY, size=SMALL_PT)
        pdf.multi_cell(pdf.epw, 4, table.note, wrapmode=WrapMode.CHAR, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
