"""The PDF itself: exact page size, page count, one image per QR, a real embedded font."""

import re
import zlib

import pytest

import labels
from tests import pdf_tools


def media_boxes(pdf):
    return re.findall(rb"/MediaBox \[0 0 ([0-9.]+) ([0-9.]+)\]", pdf)


def page_total(pdf):
    (count,) = re.findall(rb"/Count (\d+)", pdf)
    return int(count)


def image_objects(pdf):
    return re.findall(rb"/Subtype /Image", pdf)


def test_a4_pdf_pages_are_exactly_595_28_by_841_89_points(package_label):
    pdf = labels.render_pdf(package_label(), count=30, layout="12up")
    assert pdf.startswith(b"%PDF-")
    assert media_boxes(pdf) and set(media_boxes(pdf)) == {(b"595.28", b"841.89")}


@pytest.mark.parametrize("layout, size", [("a5", (b"419.53", b"595.28")), ("a6", (b"297.64", b"419.53"))])
def test_placard_and_slip_pages_have_the_exact_a5_or_a6_size(layout, size, placard):
    pdf = labels.render_pdf(placard(), layout=layout)
    assert set(media_boxes(pdf)) == {size}


@pytest.mark.parametrize("skip, count, pages", [(0, 1, 1), (0, 12, 1), (0, 13, 2), (11, 2, 2), (3, 100, 9)])
def test_pdf_page_count_is_ceil_of_skip_plus_count_over_labels_per_page(skip, count, pages, package_label):
    pdf = labels.render_pdf(package_label(), count=count, layout="12up", skip=skip)
    assert page_total(pdf) == pages


def test_a_list_of_placards_prints_one_per_page(placard):
    pdf = labels.render_pdf([placard(code=f"LOC{n}") for n in range(3)], layout="a6")
    assert page_total(pdf) == 3


def test_the_same_qr_is_embedded_once_however_many_labels_carry_it(package_label):
    pdf = labels.render_pdf(package_label(), count=100, layout="12up")
    assert len(image_objects(pdf)) == 1
    assert len(re.findall(rb"/I\d+ Do", b"".join(_page_streams(pdf)))) == 100


def test_each_distinct_qr_is_embedded_once(package_label):
    content = [package_label(code="AAA111"), package_label(code="BBB222"), package_label(code="CCC333")]
    pdf = labels.render_pdf(content, count=5, layout="12up")
    assert len(image_objects(pdf)) == 3


def test_a_sheet_of_labels_stays_small(package_label):
    assert len(labels.render_pdf(package_label(), count=12)) < 40_000


def test_japanese_font_is_embedded_as_a_truetype_subset_not_a_mislabelled_cff(package_label):
    pdf = labels.render_pdf(package_label(), count=2)
    assert b"/FontFile2" in pdf and b"/CIDFontType2" in pdf
    assert b"/FontFile3" not in pdf
    fonts = [stream for stream in _streams(pdf) if stream[:4] in (b"\x00\x01\x00\x00", b"OTTO", b"true")]
    assert len(fonts) == 1
    font = fonts[0]
    assert font[:4] == b"\x00\x01\x00\x00"  # TrueType outlines, as /FontFile2 requires
    assert b"glyf" in font[:400] and b"CFF " not in font[:400]
    assert len(font) < 30_000


def test_text_is_real_extractable_text(package_label):
    pdf = labels.render_pdf(package_label(), count=1)
    text = pdf_tools.text(pdf)
    assert "困っていませんか？" in text
    assert "0157-57-3190" in text


def test_the_font_dictionaries_say_embedded_subset_and_mapped_to_unicode(package_label):
    fonts = pdf_tools.fonts(labels.render_pdf(package_label(), count=1))
    (font,) = [font for font in fonts if font.type == "CID TrueType"]
    assert (font.embedded, font.subset, font.unicode) == (True, True, True)


def test_calibration_pdf_is_one_page_with_every_cell_numbered():
    pdf = labels.calibration_pdf("24up", offset_mm=(0.5, -0.5))
    assert page_total(pdf) == 1
    numbers = {int(word) for word in pdf_tools.text(pdf).split() if word.isdigit()}
    assert numbers == set(range(1, 25))


def _streams(pdf):
    for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S):
        data = match.group(1)
        try:
            yield zlib.decompress(data)
        except zlib.error:
            yield data


def _page_streams(pdf):
    return [stream for stream in _streams(pdf) if b" Do" in stream or b" Tj" in stream]
