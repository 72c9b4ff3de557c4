"""Fixtures for the label renderer tests: product factories and raster helpers."""

import pytest
from PIL import Image, ImageFilter

import labels
from labels.jobs import plan_job
from labels.preview import render_page_image
from tests import pdf_tools

BASE_URL = "https://tsunagari.example.jp"
INK = 128  # grey levels below this count as printed


@pytest.fixture
def package_label():
    """Return a factory for package labels; each code gives a distinct QR."""

    def make(code="ABC234", headline="困っていませんか？", lines=None):
        if lines is None:
            lines = ("相談無料・秘密厳守・匿名OK", "☎ 0157-57-3190", "平日 9:00–17:30")
        return labels.PackageLabel(labels.location_url(BASE_URL, code), headline, tuple(lines))

    return make


@pytest.fixture
def placard():
    """Return a factory for location placards."""

    def make(code="K7M2Q9", name="北見市役所 本庁舎", spot="2階 女子トイレ", **extra):
        return labels.LocationPlacard(
            url=labels.location_url(BASE_URL, code),
            location_name=name,
            spot=spot,
            public_line=extra.get("public_line", "相談窓口のご案内 0157-57-3190"),
            volunteer_line=extra.get("volunteer_line", "補充の方はスキャンしてください"),
            code=code,
        )

    return make


@pytest.fixture
def leaflet_card():
    """Return a factory for leaflet cards."""

    def make(**fields):
        values = dict(
            url=labels.location_url(BASE_URL, "LEAF01"),
            headline="ひとりで悩まないで",
            phone="電話 0157-57-3190",
            line_id="LINE ID @tsunagari",
            email="soudan@tsunagari.example.jp",
            hours="平日 9:00–17:30",
            cafe="毎週水曜日 13:00–16:00 つながりカフェ（予約不要・出入り自由）",
        )
        values.update(fields)
        return labels.LeafletCard(**values)

    return make


@pytest.fixture
def address_label():
    """Return a factory for address labels."""

    def make(**fields):
        values = dict(
            postal_code="090-0000",
            address_lines=("北海道北見市北進町1丁目2-3", "つながりハイツ 101号室"),
            recipient="山田 花子",
            sender="NPO法人つながり",
        )
        values.update(fields)
        return labels.AddressLabel(**values)

    return make


@pytest.fixture
def page_image():
    """Return a function rendering page 1 of a job with the preview renderer (no cell outlines)."""

    def render(content, dpi=300, **job):
        plan = plan_job(content, **job)
        return plan, render_page_image(plan, 0, dpi, show_cells=False)

    return render


def pytest_collection_modifyitems(items):
    """Mark as slow every test that rasterises a PDF, so `make test-fast` leaves them out."""
    for item in items:
        if "rasterise_pdf" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.slow)


@pytest.fixture
def rasterise_pdf():
    """Return a function turning the first page of PDF bytes into a greyscale image."""

    def rasterise(pdf_bytes, dpi=300):
        return pdf_tools.rasterise(pdf_bytes, page=1, dpi=dpi)

    return rasterise


@pytest.fixture
def degrade():
    """Return a function scaling a 300-dpi page down to 100 dpi and blurring it a little."""

    def degrade(image, from_dpi=300, to_dpi=100, blur=0.6):
        factor = to_dpi / from_dpi
        size = (round(image.width * factor), round(image.height * factor))
        return image.resize(size, Image.Resampling.LANCZOS).filter(ImageFilter.GaussianBlur(blur))

    return degrade


def px_box(rect, dpi):
    """A mm Rect as a pixel box (left, top, right, bottom) at `dpi`."""
    scale = dpi / 25.4
    return (
        round(rect.x * scale),
        round(rect.y * scale),
        round(rect.right * scale),
        round(rect.bottom * scale),
    )


def ink_bbox(image, box):
    """Bounding box (left, top, right, bottom) of ink inside a pixel box, or None."""
    region = image.crop(box).point(lambda value: 255 if value < INK else 0)
    found = region.getbbox()
    if found is None:
        return None
    return (box[0] + found[0], box[1] + found[1], box[0] + found[2], box[1] + found[3])


@pytest.fixture
def qr_marks():
    """Return a function listing (page rect of the symbol, payload) for every QR on page 1."""

    def marks(plan):
        found = []
        for cell, artwork in plan.pages[0].placements:
            for mark in artwork.marks:
                if isinstance(mark, labels.drawing.QrMark):
                    found.append((mark.symbol.moved(cell.x, cell.y), mark.code.payload))
        return found

    return marks


@pytest.fixture
def raster():
    """Pixel helpers: `px_box(rect_mm, dpi)` and `ink_bbox(image, box)`."""
    from types import SimpleNamespace

    return SimpleNamespace(px_box=px_box, ink_bbox=ink_bbox, ink=INK)
