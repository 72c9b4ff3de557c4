"""Drawing marks shared by the PDF and PNG renderers, in mm relative to a cell or page."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .layouts import Rect
from .qr import QUIET_ZONE_MODULES, QrCode

PT_TO_MM = 25.4 / 72


@dataclass(frozen=True)
class TextMark:
    """One line of text: left end of its baseline, size, and the line box it must stay in."""

    x: float
    baseline: float
    size_pt: float
    text: str
    box: Rect  # the line's width × line height; the layout keeps it inside its text area

    def moved(self, dx, dy):
        """Return the mark shifted by (dx, dy)."""
        return TextMark(self.x + dx, self.baseline + dy, self.size_pt, self.text, self.box.moved(dx, dy))


@dataclass(frozen=True)
class QrMark:
    """A QR symbol: top-left of its first module, module size, and the symbol."""

    x: float
    y: float
    module_mm: float
    code: QrCode

    @property
    def symbol(self):
        """The dark area of the symbol, quiet zone excluded."""
        side = self.code.size * self.module_mm
        return Rect(self.x, self.y, side, side)

    @property
    def quiet_box(self):
        """The symbol plus its 4-module quiet zone, which nothing else may enter."""
        margin = QUIET_ZONE_MODULES * self.module_mm
        side = self.code.size_with_quiet_zone * self.module_mm
        return Rect(self.x - margin, self.y - margin, side, side)

    def moved(self, dx, dy):
        """Return the mark shifted by (dx, dy)."""
        return QrMark(self.x + dx, self.y + dy, self.module_mm, self.code)


@dataclass(frozen=True)
class LineMark:
    """A straight stroke (rules, crop marks, calibration crosses)."""

    x1: float
    y1: float
    x2: float
    y2: float
    width_mm: float = 0.2

    def moved(self, dx, dy):
        """Return the mark shifted by (dx, dy)."""
        return LineMark(self.x1 + dx, self.y1 + dy, self.x2 + dx, self.y2 + dy, self.width_mm)


@dataclass(frozen=True)
class FrameMark:
    """An unfilled rectangle outline (calibration cells)."""

    rect: Rect
    width_mm: float = 0.2

    def moved(self, dx, dy):
        """Return the mark shifted by (dx, dy)."""
        return FrameMark(self.rect.moved(dx, dy), self.width_mm)


@dataclass(frozen=True)
class TextLoss:
    """Text of a product field that did not print as given, for the caller to warn about.

    kind "dropped": characters left out (emoji the font lacks, zero-width and control
    characters); "replaced": characters the font lacks, printed as 〓; "cut": the text was
    shortened with … to fit the label.
    """

    field: str
    kind: str
    characters: str = ""


@dataclass(frozen=True)
class Artwork:
    """Everything drawn in one cell, positioned relative to the cell's top-left corner."""

    marks: tuple
    text_area_boxes: tuple = ()  # the areas text was fitted into (for checks and tests)
    losses: tuple = ()  # TextLoss for every field that did not print as given

    def moved(self, dx, dy):
        """Return the artwork with every mark and area shifted by (dx, dy)."""
        if not dx and not dy:
            return self
        return Artwork(
            tuple(mark.moved(dx, dy) for mark in self.marks),
            tuple(area.moved(dx, dy) for area in self.text_area_boxes),
            self.losses,
        )

    def characters(self):
        """All characters used by the text marks (for the font subset)."""
        return "".join(mark.text for mark in self.marks if isinstance(mark, TextMark))


def crop_marks(cell, gap_mm=1.0, length_mm=3.0, width_mm=0.1):
    """Return the eight short lines at a cell's corners that show where to cut."""
    marks = []
    for x, dx in ((cell.x, -1), (cell.right, 1)):
        for y, dy in ((cell.y, -1), (cell.bottom, 1)):
            marks.append(LineMark(x + dx * gap_mm, y, x + dx * (gap_mm + length_mm), y, width_mm))
            marks.append(LineMark(x, y + dy * gap_mm, x, y + dy * (gap_mm + length_mm), width_mm))
    return marks


class Painter:
    """A renderer's drawing surface: one method per kind of mark, and draw() to pick it."""

    def draw(self, mark: TextMark | QrMark | LineMark | FrameMark, dx: float = 0.0, dy: float = 0.0) -> None:
        """Draw any mark, shifted by (dx, dy) mm."""
        paint: dict[type, Callable[[Any, float, float], None]] = {
            TextMark: self.text,
            QrMark: self.qr,
            LineMark: self.line,
            FrameMark: self.frame_mark,
        }
        paint[type(mark)](mark, dx, dy)

    def text(self, mark: TextMark, dx: float, dy: float) -> None:
        raise NotImplementedError

    def qr(self, mark: QrMark, dx: float, dy: float) -> None:
        raise NotImplementedError

    def line(self, mark: LineMark, dx: float, dy: float) -> None:
        raise NotImplementedError

    def frame_mark(self, mark: FrameMark, dx: float, dy: float) -> None:
        raise NotImplementedError
