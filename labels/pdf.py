"""Vector PDF output with fpdf2: real text in an embedded subset font, each QR embedded once."""

import io

from fpdf import FPDF
from fpdf.fonts import TTFFont

from .drawing import Painter
from .qr import qr_image
from .truetype import truetype_subset

_FONT_KEY = "labeljp"


def _register_font(pdf, plan):
    """Give fpdf2 a TrueType subset of the job's characters, straight from memory.

    FPDF.add_font() only takes a file path, and labels are never written to disk, so the
    font object is built the way add_font() builds it (fpdf2 2.8.5, pinned in requirements).
    """
    data = truetype_subset(plan.font, plan.characters())
    pdf.fonts[_FONT_KEY] = TTFFont(pdf, io.BytesIO(data), _FONT_KEY, "")
    pdf.set_font(_FONT_KEY, size=10)


class _Painter(Painter):
    """Draws marks onto an FPDF page, remembering the current font size and line width."""

    def __init__(self, pdf):
        self.pdf = pdf
        self.size_pt = None
        self.line_width = None

    def text(self, mark, dx, dy):
        """Write one line of text at its baseline."""
        if self.size_pt != mark.size_pt:
            self.pdf.set_font_size(mark.size_pt)
            self.size_pt = mark.size_pt
        self.pdf.text(mark.x + dx, mark.baseline + dy, mark.text)

    def qr(self, mark, dx, dy):
        """Place the QR image over the symbol area."""
        side = mark.code.size * mark.module_mm
        # The same PIL image object for the same payload: fpdf2 keys images by content hash,
        # so the symbol is stored once and every label refers to it.
        self.pdf.image(qr_image(mark.code), mark.x + dx, mark.y + dy, side, side)

    def stroke(self, width_mm):
        """Set the line width if it changed."""
        if self.line_width != width_mm:
            self.pdf.set_line_width(width_mm)
            self.line_width = width_mm

    def line(self, mark, dx, dy):
        """Draw a straight stroke."""
        self.stroke(mark.width_mm)
        self.pdf.line(mark.x1 + dx, mark.y1 + dy, mark.x2 + dx, mark.y2 + dy)

    def frame_mark(self, mark, dx, dy):
        """Draw an unfilled rectangle."""
        self.stroke(mark.width_mm)
        rect = mark.rect
        self.pdf.rect(rect.x + dx, rect.y + dy, rect.width, rect.height, style="D")


def render_plan_pdf(plan):
    """Return the PDF bytes for a planned job, one page per sheet at the layout's exact size."""
    layout = plan.layout
    pdf = FPDF(unit="mm", format=(layout.page_width_mm, layout.page_height_mm))
    pdf.set_auto_page_break(False)
    pdf.set_margin(0)
    pdf.set_lang("ja")
    pdf.set_creator("Tsunagari Pack")
    pdf.set_draw_color(0)
    pdf.set_text_color(0)
    _register_font(pdf, plan)
    for page in plan.pages:
        pdf.add_page()
        painter = _Painter(pdf)
        for cell, artwork in page.placements:
            for mark in artwork.marks:
                painter.draw(mark, cell.x, cell.y)
        for mark in page.marks:
            painter.draw(mark)
    return bytes(pdf.output())
