"""A print job: checking count, skip and offset, then placing artwork on pages."""

from dataclasses import dataclass

from .compose import calibration_cell, compose
from .drawing import crop_marks
from .errors import CountOutOfRange, LayoutError, TextError
from .fonts import load_font
from .layouts import LABEL_SHEETS, LAYOUTS, check_offset, get_layout
from .products import PRODUCTS

MAX_LABELS = 2000
MIN_DPI = 36
MAX_DPI = 600


@dataclass(frozen=True)
class Page:
    """One page: (cell rect on the page, artwork) pairs plus page-level marks."""

    placements: tuple
    marks: tuple = ()


@dataclass(frozen=True)
class Plan:
    """Everything a renderer needs: the layout, the font and the pages."""

    layout: object
    font: object
    pages: tuple
    offset: tuple = (0.0, 0.0)

    def characters(self):
        """All characters printed anywhere in the job."""
        # By identity: a job repeats the same few artworks, and hashing one means hashing
        # every module of its QR.
        return "".join(artwork.characters() for artwork in self._artworks())

    def _artworks(self):
        return {id(artwork): artwork for page in self.pages for _, artwork in page.placements}.values()

    @property
    def losses(self):
        """Every TextLoss of the job, each once: text that did not print as given."""
        return tuple(dict.fromkeys(loss for artwork in self._artworks() for loss in artwork.losses))


def _items(content):
    items = tuple(content) if isinstance(content, (list, tuple)) else (content,)
    for item in items:
        if not isinstance(item, PRODUCTS):
            raise TextError(
                f"Cannot print a {type(item).__name__}; pass one of "
                f"{', '.join(cls.__name__ for cls in PRODUCTS)}.",
                code="unsupported_content",
            )
    return items


def check_count(count, items=1):
    """Return the total number of labels; raise CountOutOfRange unless it is 1..MAX_LABELS."""
    if isinstance(count, bool) or not isinstance(count, int):
        raise CountOutOfRange(
            "The number of labels must be a whole number.",
            code="count_out_of_range",
            value=count,
            minimum=1,
            maximum=MAX_LABELS,
        )
    total = count * items
    if not 1 <= total <= MAX_LABELS or count < 1:
        raise CountOutOfRange(
            f"The number of labels must be from 1 to {MAX_LABELS}; {total} were asked for.",
            code="count_out_of_range",
            value=total,
            minimum=1,
            maximum=MAX_LABELS,
        )
    return total


def check_skip(skip, layout):
    """Return `skip`; raise CountOutOfRange unless it is 0..per_page-1."""
    maximum = layout.per_page - 1
    if isinstance(skip, bool) or not isinstance(skip, int) or not 0 <= skip <= maximum:
        raise CountOutOfRange(
            f"Labels to skip must be from 0 to {maximum} on this sheet.",
            code="skip_out_of_range",
            value=skip,
            minimum=0,
            maximum=maximum,
        )
    return skip


def check_dpi(dpi):
    """Return the preview resolution; raise LayoutError unless it is MIN_DPI..MAX_DPI."""
    if isinstance(dpi, bool) or not isinstance(dpi, (int, float)) or not MIN_DPI <= dpi <= MAX_DPI:
        raise LayoutError(
            f"The preview resolution must be from {MIN_DPI} to {MAX_DPI} dpi.",
            code="dpi_out_of_range",
            value=dpi,
            minimum=MIN_DPI,
            maximum=MAX_DPI,
        )
    return float(dpi)


def check_page(page, pages):
    """Return the 0-based page index of 1-based `page`; raise CountOutOfRange if it does not exist."""
    if isinstance(page, bool) or not isinstance(page, int) or not 1 <= page <= pages:
        raise CountOutOfRange(
            f"Page must be from 1 to {pages}.",
            code="page_out_of_range",
            value=page,
            minimum=1,
            maximum=pages,
        )
    return page - 1


def resolve(content, count, layout, skip, offset_mm):
    """Validate a job's inputs (before any font or drawing work) and return its parts."""
    items = _items(content)
    total = check_count(count, len(items))
    sheet = get_layout(layout if layout is not None else items[0].default_layout)
    check_skip(skip, sheet)
    offset = check_offset(sheet, offset_mm)
    return items, total, sheet, offset


def plan_job(content, *, count=1, layout=None, skip=0, offset_mm=(0.0, 0.0), font_path=None):
    """Validate a job and place every label; raises only LabelError subclasses."""
    items, _, sheet, offset = resolve(content, count, layout, skip, offset_mm)
    font = load_font(font_path)
    cells = sheet.cells(offset)
    pages = []
    placements = []
    position = skip
    for item in items:
        for _ in range(count):
            cell = cells[position % sheet.per_page]
            placements.append((cell, _compose(item, sheet, cell, font)))
            position += 1
            if position % sheet.per_page == 0:
                pages.append(placements)
                placements = []
    if placements:
        pages.append(placements)
    return Plan(sheet, font, tuple(_page(sheet, page) for page in pages), offset)


def _compose(item, sheet, cell, font):
    """The item's artwork in one cell, clear of the printer margin; say which sheet fits if none."""
    try:
        return compose(item, cell.width, cell.height, font, sheet.keep_out(cell))
    except LayoutError as error:
        if error.code != "address_does_not_fit":
            raise
        fits = fitting_sheet(item, font)
        raise LayoutError(
            error.message
            + (f" It fits on {LAYOUTS[fits].name} ({fits})." if fits else " No label sheet is big enough."),
            code=error.code,
            field=error.values.get("field"),
            fits=fits,
            fits_name=LAYOUTS[fits].name if fits else None,
        ) from None


def fitting_sheet(item, font):
    """The label sheet with the most labels on which `item` prints whole in every cell, or None."""
    for key in sorted(LABEL_SHEETS, key=lambda key: -LAYOUTS[key].per_page):
        sheet = LAYOUTS[key]
        try:
            for cell in sheet.cells():
                compose(item, cell.width, cell.height, font, sheet.keep_out(cell))
        except LayoutError:
            continue
        return key
    return None


def _page(sheet, placements):
    marks = []
    if sheet.crop_marks:
        for cell, _ in placements:
            marks.extend(crop_marks(cell))
    return Page(tuple(placements), tuple(marks))


def plan_calibration(layout, *, offset_mm=(0.0, 0.0), font_path=None):
    """Place a calibration artwork (outline, centre cross, number) in every cell of one page."""
    sheet = get_layout(layout)
    offset = check_offset(sheet, offset_mm)
    font = load_font(font_path)
    placements = tuple(
        (cell, calibration_cell(number, cell.width, cell.height, font, sheet.keep_out(cell)))
        for number, cell in enumerate(sheet.cells(offset), start=1)
    )
    return Plan(sheet, font, (Page(placements),), offset)
