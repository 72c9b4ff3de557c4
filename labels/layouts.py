"""Sheet layouts as data: label sheets sold in Japan, card sheets and single pages, in mm."""

import math
from dataclasses import dataclass
from types import MappingProxyType

from .errors import LayoutError

A4 = (210.0, 297.0)
A5 = (148.0, 210.0)
A6 = (105.0, 148.0)

# Tolerance for rounding in the published sheet measurements (e.g. 7 × 42.3 = 296.1).
_FIT_TOLERANCE_MM = 0.01
# Every composition keeps at least this much blank paper inside each cell edge, so a
# printer offset may push that much of a label past the paper edge without losing ink.
BLANK_EDGE_MM = 1.0
MAX_GRID = 30
# Most office printers cannot put ink within about 5 mm of the paper's edge (inkjets often
# 3 mm at the sides, lasers 4-5 mm). On a sheet whose labels reach the edge, nothing is
# drawn closer than this to the paper edge; a sheet may set its own.
PRINTER_MARGIN_MM = 5.0
MAX_PRINTER_MARGIN_MM = 20.0


@dataclass(frozen=True)
class Rect:
    """A rectangle in mm, origin top-left of the page (or cell), y growing downwards."""

    x: float
    y: float
    width: float
    height: float

    @property
    def right(self):
        """x of the right edge."""
        return self.x + self.width

    @property
    def bottom(self):
        """y of the bottom edge."""
        return self.y + self.height

    def contains(self, other, tolerance=1e-6):
        """Tell whether `other` lies entirely inside this rectangle."""
        return (
            other.x >= self.x - tolerance
            and other.y >= self.y - tolerance
            and other.right <= self.right + tolerance
            and other.bottom <= self.bottom + tolerance
        )

    def overlaps(self, other):
        """Tell whether the two rectangles share any area."""
        return (
            self.x < other.right and other.x < self.right and self.y < other.bottom and other.y < self.bottom
        )

    def moved(self, dx, dy):
        """Return the same rectangle shifted by (dx, dy)."""
        return Rect(self.x + dx, self.y + dy, self.width, self.height)

    def inset(self, margin):
        """Return the rectangle shrunk by `margin` on every side."""
        return Rect(self.x + margin, self.y + margin, self.width - 2 * margin, self.height - 2 * margin)


@dataclass(frozen=True)
class SheetLayout:
    """Where the labels sit on one page: a grid of equal cells, all measures in mm."""

    key: str
    name: str
    page_width_mm: float
    page_height_mm: float
    label_width_mm: float
    label_height_mm: float
    columns: int
    rows: int
    left_mm: float
    top_mm: float
    pitch_x_mm: float
    pitch_y_mm: float
    crop_marks: bool = False
    printer_margin_mm: float = PRINTER_MARGIN_MM  # nothing is drawn closer to the paper edge

    def keep_out(self, cell):
        """(left, top, right, bottom): how far inside each edge of `cell` the printer margin reaches."""
        margin = self.printer_margin_mm
        return (
            max(0.0, margin - cell.x),
            max(0.0, margin - cell.y),
            max(0.0, margin - (self.page_width_mm - cell.right)),
            max(0.0, margin - (self.page_height_mm - cell.bottom)),
        )

    @property
    def printable(self):
        """The part of the page the printer can reach, as a Rect."""
        margin = self.printer_margin_mm
        return Rect(margin, margin, self.page_width_mm - 2 * margin, self.page_height_mm - 2 * margin)

    @property
    def per_page(self):
        """Number of labels on one sheet."""
        return self.columns * self.rows

    @property
    def page(self):
        """The whole page as a Rect."""
        return Rect(0.0, 0.0, self.page_width_mm, self.page_height_mm)

    def cell(self, index, offset=(0.0, 0.0)):
        """Return the Rect of label `index` (0-based, row by row) shifted by a printer offset."""
        row, column = divmod(index, self.columns)
        return Rect(
            self.left_mm + column * self.pitch_x_mm + offset[0],
            self.top_mm + row * self.pitch_y_mm + offset[1],
            self.label_width_mm,
            self.label_height_mm,
        )

    def cells(self, offset=(0.0, 0.0)):
        """Return the Rects of every label on one page."""
        return [self.cell(index, offset) for index in range(self.per_page)]

    def pages_needed(self, count, skip=0):
        """Number of pages for `count` labels after skipping `skip` used ones."""
        return math.ceil((skip + count) / self.per_page)

    def offset_limits(self):
        """Return ((min_dx, max_dx), (min_dy, max_dy)) a printer offset may take, in mm."""
        grid = Rect(
            self.left_mm,
            self.top_mm,
            (self.columns - 1) * self.pitch_x_mm + self.label_width_mm,
            (self.rows - 1) * self.pitch_y_mm + self.label_height_mm,
        )
        return (
            (-grid.x - BLANK_EDGE_MM, self.page_width_mm - grid.right + BLANK_EDGE_MM),
            (-grid.y - BLANK_EDGE_MM, self.page_height_mm - grid.bottom + BLANK_EDGE_MM),
        )


def _number(value, name):
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise LayoutError(f"{name} must be a number of millimetres.", code="not_a_number", field=name)
    return float(value)


def _count(value, name):
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_GRID:
        raise LayoutError(
            f"{name} must be a whole number from 1 to {MAX_GRID}.",
            code="grid_out_of_range",
            field=name,
            minimum=1,
            maximum=MAX_GRID,
        )
    return value


def custom_layout(
    *,
    label_width_mm,
    label_height_mm,
    columns,
    rows,
    left_mm,
    top_mm,
    pitch_x_mm=None,
    pitch_y_mm=None,
    page_width_mm=A4[0],
    page_height_mm=A4[1],
    key="custom",
    name="カスタム",
    crop_marks=False,
    printer_margin_mm=PRINTER_MARGIN_MM,
):
    """Return a validated SheetLayout; raise LayoutError if the labels do not fit the page."""
    page_width = _number(page_width_mm, "page_width_mm")
    page_height = _number(page_height_mm, "page_height_mm")
    width = _number(label_width_mm, "label_width_mm")
    height = _number(label_height_mm, "label_height_mm")
    columns = _count(columns, "columns")
    rows = _count(rows, "rows")
    left = _number(left_mm, "left_mm")
    top = _number(top_mm, "top_mm")
    pitch_x = width if pitch_x_mm is None else _number(pitch_x_mm, "pitch_x_mm")
    pitch_y = height if pitch_y_mm is None else _number(pitch_y_mm, "pitch_y_mm")
    printer_margin = _number(printer_margin_mm, "printer_margin_mm")
    if not 0 <= printer_margin <= MAX_PRINTER_MARGIN_MM:
        raise LayoutError(
            f"The printer margin must be from 0 to {MAX_PRINTER_MARGIN_MM:g} mm.",
            code="printer_margin_out_of_range",
            field="printer_margin_mm",
            minimum=0,
            maximum=MAX_PRINTER_MARGIN_MM,
        )
    for field_name, value in (
        ("page_width_mm", page_width),
        ("page_height_mm", page_height),
        ("label_width_mm", width),
        ("label_height_mm", height),
    ):
        if value <= 0 or value > 1000:
            raise LayoutError(
                f"{field_name} must be more than 0 and at most 1000 mm.",
                code="size_out_of_range",
                field=field_name,
                value=value,
            )
    if left < 0 or top < 0:
        raise LayoutError(
            "The first label's left and top margins cannot be negative.",
            code="margin_negative",
            field="left_mm" if left < 0 else "top_mm",
        )
    if pitch_x < width - _FIT_TOLERANCE_MM or pitch_y < height - _FIT_TOLERANCE_MM:
        raise LayoutError(
            "The pitch (distance from one label to the next) cannot be smaller than the label, "
            "or labels would overlap.",
            code="labels_overlap",
            field="pitch_x_mm" if pitch_x < width - _FIT_TOLERANCE_MM else "pitch_y_mm",
        )
    used_width = left + (columns - 1) * pitch_x + width
    used_height = top + (rows - 1) * pitch_y + height
    if used_width > page_width + _FIT_TOLERANCE_MM:
        raise LayoutError(
            f"{columns} labels across need {used_width:.1f} mm but the page is {page_width:.1f} mm wide.",
            code="labels_exceed_page",
            field="width",
            needed_mm=round(used_width, 2),
            maximum=page_width,
        )
    if used_height > page_height + _FIT_TOLERANCE_MM:
        raise LayoutError(
            f"{rows} labels down need {used_height:.1f} mm but the page is {page_height:.1f} mm tall.",
            code="labels_exceed_page",
            field="height",
            needed_mm=round(used_height, 2),
            maximum=page_height,
        )
    return SheetLayout(
        key=key,
        name=name,
        page_width_mm=page_width,
        page_height_mm=page_height,
        label_width_mm=width,
        label_height_mm=height,
        columns=columns,
        rows=rows,
        left_mm=left,
        top_mm=top,
        pitch_x_mm=pitch_x,
        pitch_y_mm=pitch_y,
        crop_marks=bool(crop_marks),
        printer_margin_mm=printer_margin,
    )


def _preset(key, name, width, height, columns, rows, left, top, **extra):
    return custom_layout(
        key=key,
        name=name,
        label_width_mm=width,
        label_height_mm=height,
        columns=columns,
        rows=rows,
        left_mm=left,
        top_mm=top,
        **extra,
    )


# Every sheet below fits A4 with pitch = label size (no gaps), checked at import by
# custom_layout and again in the tests; none needed a computed pitch:
#   12-up  18.6 + 2×86.4 = 191.4 wide, 21.2 + 6×42.3 = 275.0 tall
#   10-up  18.6 + 2×86.4 = 191.4,      21.2 + 5×50.8 = 275.2
#   18-up   0   + 3×70   = 210.0,      21.2 + 6×42.3 = 275.0
#   21-up   0   + 3×70   = 210.0,       0   + 7×297/7 = 297.0 (Hisago ELM011, see below)
#   24-up   6   + 3×66   = 204.0,      12.9 + 8×33.9 = 284.1
#   44-up   8.4 + 4×48.3 = 201.6,       8.8 + 11×25.4 = 288.2
# Card and page layouts are for plain paper; their cells keep clear of the ~5 mm that
# office printers cannot reach, and cards leave gutters for crop marks.
LAYOUTS = MappingProxyType(
    {
        layout.key: layout
        for layout in (
            _preset("12up", "A4 12面 86.4×42.3mm", 86.4, 42.3, 2, 6, 18.6, 21.2),
            _preset("10up", "A4 10面 86.4×50.8mm", 86.4, 50.8, 2, 5, 18.6, 21.2),
            _preset("18up", "A4 18面 70×42.3mm", 70.0, 42.3, 3, 6, 0.0, 21.2),
            # Hisago ELM011 is edge to edge (余白なし): 3 × 7 labels tile the whole A4 sheet,
            # so a label is 210/3 = 70 mm by 297/7 ≈ 42.43 mm (sold as "70×42.4mm"). With
            # 42.3 mm rows the last row printed 0.9 mm too high.
            _preset("21up", "A4 21面 70×42.4mm（余白なし）", 70.0, A4[1] / 7, 3, 7, 0.0, 0.0),
            _preset("24up", "A4 24面 66×33.9mm", 66.0, 33.9, 3, 8, 6.0, 12.9),
            _preset("44up", "A4 44面 48.3×25.4mm", 48.3, 25.4, 4, 11, 8.4, 8.8),
            _preset(
                "card8",
                "A4 名刺サイズ 8枚（トンボ付き）",
                91.0,
                55.0,
                2,
                4,
                9.0,
                23.5,
                pitch_x_mm=101.0,
                pitch_y_mm=65.0,
                crop_marks=True,
            ),
            _preset(
                "card4",
                "A4 4枚（トンボ付き）",
                90.0,
                130.0,
                2,
                2,
                10.0,
                13.5,
                pitch_x_mm=100.0,
                pitch_y_mm=140.0,
                crop_marks=True,
            ),
            _preset(
                "a5",
                "A5 1枚",
                138.0,
                200.0,
                1,
                1,
                5.0,
                5.0,
                page_width_mm=A5[0],
                page_height_mm=A5[1],
            ),
            _preset(
                "a6",
                "A6 1枚",
                97.0,
                140.0,
                1,
                1,
                4.0,
                4.0,
                page_width_mm=A6[0],
                page_height_mm=A6[1],
            ),
        )
    }
)
LABEL_SHEETS = ("12up", "10up", "18up", "21up", "24up", "44up")


def get_layout(layout):
    """Return a SheetLayout given one or a preset key; raise LayoutError for unknown keys."""
    if isinstance(layout, SheetLayout):
        return layout
    if isinstance(layout, str) and layout in LAYOUTS:
        return LAYOUTS[layout]
    raise LayoutError(
        f"Unknown sheet layout {layout!r}; choose one of {', '.join(LAYOUTS)}.",
        code="unknown_layout",
        value=str(layout),
        choices=tuple(LAYOUTS),
    )


def check_offset(layout, offset_mm):
    """Return the printer offset as floats; raise LayoutError if it pushes labels off the page."""
    if not isinstance(offset_mm, (tuple, list)) or len(offset_mm) != 2:
        raise LayoutError(
            "The printer offset must be a pair (x mm, y mm).", code="not_a_number", field="offset"
        )
    dx = _number(offset_mm[0], "offset_x_mm")
    dy = _number(offset_mm[1], "offset_y_mm")
    (min_dx, max_dx), (min_dy, max_dy) = layout.offset_limits()
    for axis, value, low, high in (("x", dx, min_dx, max_dx), ("y", dy, min_dy, max_dy)):
        if not low - 1e-9 <= value <= high + 1e-9:
            raise LayoutError(
                f"A {axis} offset of {value:+.1f} mm pushes labels off the page; on this sheet "
                f"it must be between {low:+.1f} and {high:+.1f} mm.",
                code="offset_off_page",
                field=f"offset_{axis}_mm",
                value=value,
                minimum=round(low, 2),
                maximum=round(high, 2),
            )
    return (dx, dy)
