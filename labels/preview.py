"""PNG preview of one sheet with Pillow, drawn from the same marks as the PDF."""

import io

from PIL import Image, ImageDraw

from .drawing import PT_TO_MM, Painter

CELL_OUTLINE_GREY = 205  # light enough that it never counts as ink in the checks


class _Canvas(Painter):
    """Converts mm to pixels (rounding each edge once, from mm) and draws marks."""

    def __init__(self, image, dpi, font):
        self.pen = ImageDraw.Draw(image)
        self.scale = dpi / 25.4
        self.dpi = dpi
        self.font = font

    def px(self, mm):
        """Convert mm to the nearest whole pixel."""
        return round(mm * self.scale)

    def rectangle(self, left, top, right, bottom, **style):
        """Fill the pixels between rounded mm edges."""
        x0, y0, x1, y1 = self.px(left), self.px(top), self.px(right), self.px(bottom)
        if x1 > x0 and y1 > y0:
            self.pen.rectangle((x0, y0, x1 - 1, y1 - 1), **style)

    def qr(self, mark, dx, dy):
        """Draw the symbol run by run, each module edge rounded from mm."""
        module = mark.module_mm
        x, y = mark.x + dx, mark.y + dy
        for row, column, length in mark.code.dark_runs():
            self.rectangle(
                x + column * module,
                y + row * module,
                x + (column + length) * module,
                y + (row + 1) * module,
                fill=0,
            )

    def text(self, mark, dx, dy):
        """Draw one line of text."""
        # Character by character at the PDF's advances, so the preview wraps and ends exactly
        # where the PDF does instead of where FreeType's hinted advances would put it.
        pil_font = self.font.pil_font(mark.size_pt * self.dpi / 72)
        size_mm = mark.size_pt * PT_TO_MM
        x = mark.x + dx
        baseline = (mark.baseline + dy) * self.scale
        for character in mark.text:
            if character != " ":
                self.pen.text((x * self.scale, baseline), character, font=pil_font, fill=0, anchor="ls")
            x += self.font.advance_em(character) * size_mm

    def line(self, mark, dx, dy, fill=0):
        """Draw a straight stroke."""
        width = max(1, round(mark.width_mm * self.scale))
        points = (
            (self.px(mark.x1 + dx), self.px(mark.y1 + dy)),
            (self.px(mark.x2 + dx), self.px(mark.y2 + dy)),
        )
        self.pen.line(points, fill=fill, width=width)

    def frame(self, rect, width_mm, fill=0):
        """Draw an unfilled rectangle."""
        width = max(1, round(width_mm * self.scale))
        box = (self.px(rect.x), self.px(rect.y), self.px(rect.right) - 1, self.px(rect.bottom) - 1)
        self.pen.rectangle(box, outline=fill, width=width)

    def frame_mark(self, mark, dx, dy):
        """Draw a frame mark, shifted by (dx, dy)."""
        self.frame(mark.rect.moved(dx, dy), mark.width_mm)


def render_page_image(plan, page_index=0, dpi=100.0, *, show_cells=True, mode="L"):
    """Return one page of a plan as a Pillow image (white paper, black ink).

    `show_cells` outlines every label position in light grey so staff can see where the
    labels fall on the sheet; the PDF never prints these outlines.
    """
    layout = plan.layout
    size = (round(layout.page_width_mm * dpi / 25.4), round(layout.page_height_mm * dpi / 25.4))
    image = Image.new(mode, size, 255 if mode == "L" else 1)
    canvas = _Canvas(image, dpi, plan.font)
    if show_cells:
        for cell in layout.cells(plan.offset):
            canvas.frame(cell, 0.1, fill=CELL_OUTLINE_GREY)
    page = plan.pages[page_index]
    for cell, artwork in page.placements:
        for mark in artwork.marks:
            canvas.draw(mark, cell.x, cell.y)
    for mark in page.marks:
        canvas.draw(mark)
    return image


def png_bytes(image, dpi):
    """Encode a preview image as PNG, recording its resolution."""
    output = io.BytesIO()
    image.save(output, format="PNG", dpi=(dpi, dpi))
    return output.getvalue()
