"""Label rendering for Tsunagari Pack: plain data in, PDF or PNG bytes out.

Pure rendering: no Flask, no database, nothing of the app imported, nothing written to disk.
Every error for bad input is a LabelError subclass with an English message, a `code` and
named values (e.g. `maximum`) for the caller to translate.

    url = location_url(app.config["BASE_URL"], location.code)   # HTTPS://HOST/L/CODE
    label = PackageLabel(url, "困っていませんか？", ("相談無料・秘密厳守・匿名OK", "☎ 0157-57-3190"))
    pdf = render_pdf(label, count=40, layout="12up", skip=3, offset_mm=(0.5, -0.3),
                     font_path=app.config.get("LABEL_FONT_PATH"))
    png = render_preview(label, count=40, layout="12up", skip=3, dpi=100, page=1)
    losses = text_losses(label, count=40, layout="12up")  # TextLoss: dropped, 〓 or cut text
"""

from .drawing import TextLoss
from .errors import CountOutOfRange, FontNotFound, LabelError, LayoutError, TextError, UrlError
from .fonts import PACKAGE_NAME, SETTING_NAME, load_font
from .jobs import (
    MAX_DPI,
    MAX_LABELS,
    MIN_DPI,
    check_dpi,
    check_page,
    plan_calibration,
    plan_job,
    resolve,
)
from .layouts import LABEL_SHEETS, LAYOUTS, PRINTER_MARGIN_MM, Rect, SheetLayout, custom_layout, get_layout
from .pdf import render_plan_pdf
from .preview import png_bytes, render_page_image
from .products import AddressLabel, LeafletCard, LocationPlacard, PackageLabel, PackingSlip
from .qr import location_url

__all__ = [
    "LABEL_SHEETS",
    "LAYOUTS",
    "MAX_DPI",
    "MAX_LABELS",
    "MIN_DPI",
    "PACKAGE_NAME",
    "PRINTER_MARGIN_MM",
    "SETTING_NAME",
    "AddressLabel",
    "CountOutOfRange",
    "FontNotFound",
    "LabelError",
    "LayoutError",
    "LeafletCard",
    "LocationPlacard",
    "PackageLabel",
    "PackingSlip",
    "Rect",
    "SheetLayout",
    "TextError",
    "TextLoss",
    "UrlError",
    "calibration_pdf",
    "calibration_preview",
    "custom_layout",
    "get_layout",
    "load_font",
    "location_url",
    "page_count",
    "render_pdf",
    "render_preview",
    "text_losses",
]


def render_pdf(content, *, count=1, layout=None, skip=0, offset_mm=(0.0, 0.0), font_path=None):
    """Return a PDF of `count` copies of each product in `content` (one product or a list).

    `layout` is a SheetLayout or preset key (default: the product's own, e.g. "12up" for
    package labels); `skip` leaves that many used labels blank at the start of the first
    sheet; `offset_mm` = (x, y) shifts everything to correct a printer; `font_path` is the
    LABEL_FONT_PATH setting (None: the bundled Noto font).
    """
    plan = plan_job(content, count=count, layout=layout, skip=skip, offset_mm=offset_mm, font_path=font_path)
    return render_plan_pdf(plan)


def render_preview(
    content, *, count=1, layout=None, skip=0, offset_mm=(0.0, 0.0), font_path=None, dpi=100, page=1
):
    """Return a PNG of one page (1-based) of the same job render_pdf would print."""
    dpi = check_dpi(dpi)
    _, total, sheet, _ = resolve(content, count, layout, skip, offset_mm)
    index = check_page(page, sheet.pages_needed(total, skip))
    plan = plan_job(content, count=count, layout=layout, skip=skip, offset_mm=offset_mm, font_path=font_path)
    return png_bytes(render_page_image(plan, index, dpi), dpi)


def text_losses(content, *, count=1, layout=None, skip=0, offset_mm=(0.0, 0.0), font_path=None):
    """The TextLoss of every field that would not print as given in this job; () when all prints.

    Takes the same arguments as render_pdf and raises the same errors: show the losses as a
    warning beside the preview, since dropped emoji, 〓 and cut text are easy to miss.
    """
    return plan_job(
        content, count=count, layout=layout, skip=skip, offset_mm=offset_mm, font_path=font_path
    ).losses


def calibration_pdf(layout, *, offset_mm=(0.0, 0.0), font_path=None):
    """Return a one-page PDF with every cell outlined, its centre crossed and numbered."""
    return render_plan_pdf(plan_calibration(layout, offset_mm=offset_mm, font_path=font_path))


def calibration_preview(layout, *, offset_mm=(0.0, 0.0), font_path=None, dpi=100):
    """Return the calibration page as a PNG."""
    dpi = check_dpi(dpi)
    plan = plan_calibration(layout, offset_mm=offset_mm, font_path=font_path)
    return png_bytes(render_page_image(plan, 0, dpi, show_cells=False), dpi)


def page_count(content, *, count=1, layout=None, skip=0):
    """Return how many sheets a job needs, = ceil((skip + labels) / labels per sheet)."""
    _, total, sheet, _ = resolve(content, count, layout, skip, (0.0, 0.0))
    return sheet.pages_needed(total, skip)
