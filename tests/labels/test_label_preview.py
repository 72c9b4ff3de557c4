"""The PNG preview: the requested page at the requested resolution, drawn like the PDF."""

import io

import pytest
from PIL import Image

import labels


def open_png(data):
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


@pytest.mark.parametrize("dpi, size", [(100, (827, 1169)), (50, (413, 585))])
def test_preview_is_a_png_of_the_whole_a4_page_at_the_requested_dpi(dpi, size, package_label):
    image = open_png(labels.render_preview(package_label(), count=3, dpi=dpi))
    assert image.format == "PNG" and image.size == size


def test_preview_shows_the_requested_page_of_a_multi_page_job(package_label, raster):
    first = open_png(labels.render_preview(package_label(), count=14, page=1))
    second = open_png(labels.render_preview(package_label(), count=14, page=2))
    cells = labels.LAYOUTS["12up"].cells()

    def inked(image):
        return [raster.ink_bbox(image, raster.px_box(cell, 100)) is not None for cell in cells]

    assert inked(first) == [True] * 12
    assert inked(second) == [True, True] + [False] * 10


def test_preview_outlines_label_positions_in_light_grey_only(package_label, raster):
    image = open_png(labels.render_preview(package_label(), count=1, dpi=100))
    corner = labels.LAYOUTS["12up"].cell(11)
    x, y, _, _ = raster.px_box(corner, 100)
    assert raster.ink < image.getpixel((x, y + 20)) < 255


def test_calibration_preview_outlines_each_cell_and_crosses_its_centre(raster):
    image = open_png(labels.calibration_preview("10up", dpi=100, offset_mm=(0.5, 0.5)))
    layout = labels.LAYOUTS["10up"]
    for cell in layout.cells((0.5, 0.5)):
        left, top, right, bottom = raster.px_box(cell, 100)
        centre = ((left + right) // 2, (top + bottom) // 2)
        assert image.getpixel(centre) < raster.ink
        assert image.getpixel((left, (top + bottom) // 2)) < raster.ink
        assert image.getpixel(((left + right) // 2, bottom - 1)) < raster.ink


def test_placards_and_packing_slips_preview_on_their_own_page_size(placard):
    slip = labels.PackingSlip("NPO法人つながり", "お届け物です", "2026年11月30日", "1 点")
    assert open_png(labels.render_preview(placard(), dpi=100)).size == (583, 827)
    assert open_png(labels.render_preview(slip, dpi=100)).size == (413, 583)
    assert open_png(labels.render_preview(slip, layout="a5", dpi=100)).size == (583, 827)
