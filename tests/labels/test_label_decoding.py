"""Every printed QR must scan, and sit where the layout says, on every sheet."""

import pytest
import zxingcpp

import labels

TOLERANCE_MM = 0.2


def decoded(image):
    """Map each decoded payload to the centre (x, y) of its symbol, in pixels."""
    results = {}
    for result in zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode):
        corners = result.position
        points = (corners.top_left, corners.top_right, corners.bottom_right, corners.bottom_left)
        centre = (sum(p.x for p in points) / 4, sum(p.y for p in points) / 4)
        results.setdefault(result.text, []).append(centre)
    return results


def distinct_labels(package_label, count):
    return [package_label(code=f"C{index:03d}X") for index in range(count)]


def assert_each_qr_decodes_to_its_url_in_its_place(image, expected, dpi):
    found = decoded(image)
    assert sorted(found) == sorted(payload for _, payload in expected)
    scale = dpi / 25.4
    for symbol, payload in expected:
        ((x, y),) = found[payload]
        assert symbol.x * scale <= x <= symbol.right * scale
        assert symbol.y * scale <= y <= symbol.bottom * scale


def assert_symbols_within_tolerance(image, expected, dpi, raster):
    for symbol, payload in expected:
        search = raster.px_box(symbol.inset(-2.0), dpi)  # inside the 4-module quiet zone
        left, top, right, bottom = raster.ink_bbox(image, search)
        scale = dpi / 25.4
        assert abs(left / scale - symbol.x) <= TOLERANCE_MM, payload
        assert abs(top / scale - symbol.y) <= TOLERANCE_MM, payload
        assert abs(right / scale - symbol.right) <= TOLERANCE_MM, payload
        assert abs(bottom / scale - symbol.bottom) <= TOLERANCE_MM, payload


def test_every_qr_on_a_12_up_sheet_decodes_to_its_url(package_label, page_image, qr_marks):
    plan, image = page_image(distinct_labels(package_label, 12), dpi=300, layout="12up")
    assert_each_qr_decodes_to_its_url_in_its_place(image, qr_marks(plan), 300)


def test_every_qr_on_a_12_up_sheet_still_decodes_at_100_dpi_with_a_light_blur(
    package_label, page_image, qr_marks, degrade
):
    plan, image = page_image(distinct_labels(package_label, 12), dpi=300, layout="12up")
    assert_each_qr_decodes_to_its_url_in_its_place(degrade(image), qr_marks(plan), 100)


@pytest.mark.parametrize("layout", labels.LABEL_SHEETS)
def test_preview_qr_positions_match_the_layout_within_0_2_mm(
    layout, package_label, page_image, qr_marks, raster
):
    per_page = labels.LAYOUTS[layout].per_page
    plan, image = page_image(package_label(), dpi=300, count=per_page, layout=layout)
    expected = qr_marks(plan)
    assert len(expected) == per_page
    assert_symbols_within_tolerance(image, expected, 300, raster)
    for (symbol, _), cell in zip(expected, labels.LAYOUTS[layout].cells(), strict=False):
        assert cell.contains(symbol)


@pytest.mark.parametrize("layout", labels.LABEL_SHEETS)
def test_printed_pdf_qr_codes_decode_at_300_and_100_dpi_and_sit_within_0_2_mm_of_the_layout(
    layout, package_label, qr_marks, rasterise_pdf, degrade, raster
):
    sheet = labels.LAYOUTS[layout]
    content = distinct_labels(package_label, sheet.per_page)
    image = rasterise_pdf(labels.render_pdf(content, layout=layout), dpi=300)
    expected = qr_marks(labels.jobs.plan_job(content, layout=layout))
    assert_each_qr_decodes_to_its_url_in_its_place(image, expected, 300)
    assert_symbols_within_tolerance(image, expected, 300, raster)
    assert_each_qr_decodes_to_its_url_in_its_place(degrade(image), expected, 100)


def test_qr_positions_follow_a_printer_offset(package_label, page_image, qr_marks, raster):
    plan, image = page_image(package_label(), dpi=300, count=12, layout="12up", offset_mm=(1.5, -2.0))
    expected = qr_marks(plan)
    unshifted = qr_marks(labels.jobs.plan_job(package_label(), count=12, layout="12up"))
    for (symbol, _), (original, _) in zip(expected, unshifted, strict=True):
        assert symbol.x == pytest.approx(original.x + 1.5)
        assert symbol.y == pytest.approx(original.y - 2.0)
    assert_symbols_within_tolerance(image, expected, 300, raster)


@pytest.mark.parametrize("layout", ["a5", "a6"])
def test_placard_qr_decodes_and_is_large_with_modules_of_at_least_half_a_millimetre(
    layout, placard, page_image, degrade
):
    plan, image = page_image(placard(), dpi=300, layout=layout)
    (mark,) = [m for m in plan.pages[0].placements[0][1].marks if isinstance(m, labels.drawing.QrMark)]
    assert mark.code.error_correction == "Q"
    assert mark.module_mm >= 0.5
    assert mark.quiet_box.width >= 40.0
    assert set(decoded(degrade(image))) == {placard().url}


@pytest.mark.parametrize("layout", ["a5", "a6"])
def test_printed_placard_qr_decodes_after_scaling_to_100_dpi_and_blurring(
    layout, placard, rasterise_pdf, degrade
):
    image = rasterise_pdf(labels.render_pdf(placard(), layout=layout), dpi=300)
    assert set(decoded(degrade(image))) == {placard().url}


def test_leaflet_card_qr_codes_decode_on_both_card_sheets(leaflet_card, page_image, degrade):
    for layout in ("card8", "card4"):
        per_page = labels.LAYOUTS[layout].per_page
        _, image = page_image(leaflet_card(), dpi=300, count=per_page, layout=layout)
        results = zxingcpp.read_barcodes(degrade(image), formats=zxingcpp.BarcodeFormat.QRCode)
        assert [result.text for result in results] == [leaflet_card().url] * per_page
