"""Text: wraps by character, shrinks, truncates with …, never leaves its box, never tofu."""

import logging

import pytest

import labels
from labels.compose import compose, text_marks
from labels.drawing import QrMark
from labels.fonts import PLACEHOLDER, load_font
from labels.layouts import Rect
from labels.textfit import NO_LINE_START, Paragraph, fit_text, wrap
from tests import pdf_tools

LONG_NAME = "北見市立北見小学校 体育館棟 東側 1階 多目的トイレ（車いす対応）入口横の棚の上 " * 3
LONG_LINE = "相談無料・秘密厳守・匿名OK。どんなことでもお気軽にご相談ください。" * 4


@pytest.fixture
def font():
    return load_font()


def assert_text_inside(artwork, width, height):
    cell = Rect(0.0, 0.0, width, height)
    quiet_boxes = [mark.quiet_box for mark in artwork.marks if isinstance(mark, QrMark)]
    for mark in text_marks(artwork):
        assert cell.contains(mark.box), mark
        assert any(area.contains(mark.box) for area in artwork.text_area_boxes), mark
        for quiet in quiet_boxes:
            assert not quiet.overlaps(mark.box), (mark, quiet)
    for quiet in quiet_boxes:
        assert cell.contains(quiet)


@pytest.mark.parametrize("layout, truncated", [("a5", False), ("a6", True)])
def test_a_long_location_name_stays_inside_the_placard_and_clear_of_the_qr(layout, truncated, placard, font):
    sheet = labels.LAYOUTS[layout]
    very_long = LONG_NAME * 2
    content = placard(name=very_long, spot=very_long, public_line=LONG_LINE, volunteer_line=LONG_LINE)
    artwork = compose(content, sheet.label_width_mm, sheet.label_height_mm, font)
    assert_text_inside(artwork, sheet.label_width_mm, sheet.label_height_mm)
    assert any(mark.text.endswith("…") for mark in text_marks(artwork)) == truncated


@pytest.mark.parametrize("layout", labels.LABEL_SHEETS)
def test_long_settings_text_stays_inside_every_label_size_and_clear_of_the_qr(layout, package_label, font):
    # An address label too long for its sheet is refused rather than cut (test_label_losses.py).
    sheet = labels.LAYOUTS[layout]
    for content in (
        package_label(headline=LONG_LINE, lines=(LONG_LINE, LONG_NAME, "☎ 0157-57-3190")),
        package_label(),
    ):
        artwork = compose(content, sheet.label_width_mm, sheet.label_height_mm, font)
        assert text_marks(artwork)
        assert_text_inside(artwork, sheet.label_width_mm, sheet.label_height_mm)


@pytest.mark.parametrize("layout", ["card8", "card4"])
def test_long_leaflet_text_stays_inside_the_card(layout, leaflet_card, font):
    sheet = labels.LAYOUTS[layout]
    content = leaflet_card(headline=LONG_LINE, email="x" * 120 + "@example.jp", cafe=LONG_LINE * 2)
    artwork = compose(content, sheet.label_width_mm, sheet.label_height_mm, font)
    assert_text_inside(artwork, sheet.label_width_mm, sheet.label_height_mm)


def test_no_ink_falls_outside_the_label_even_with_overlong_text(package_label, page_image, raster):
    content = package_label(headline=LONG_LINE, lines=(LONG_LINE, LONG_NAME))
    plan, image = page_image(content, dpi=300, count=2, layout="21up")
    for cell, _ in plan.pages[0].placements:
        image.paste(255, raster.px_box(cell, 300))
    assert image.point(lambda value: 255 if value < raster.ink else 0).getbbox() is None


def test_text_that_fits_is_not_shrunk_below_the_largest_size_that_fits(font):
    marks = fit_text(font, [Paragraph("困っていませんか？")], Rect(0, 0, 80, 20), max_pt=12, min_pt=5)
    assert [mark.size_pt for mark in marks] == [12]


def test_text_shrinks_before_it_is_cut(font):
    area = Rect(0, 0, 30, 12)
    marks = fit_text(
        font,
        [Paragraph("相談無料・秘密厳守・匿名OK"), Paragraph("平日 9:00–17:30")],
        area,
        max_pt=12,
        min_pt=5,
    )
    assert 5 <= marks[0].size_pt < 12
    assert "".join(mark.text for mark in marks) == "相談無料・秘密厳守・匿名OK平日 9:00–17:30"


def test_text_that_cannot_fit_at_the_minimum_size_is_cut_with_an_ellipsis(font):
    area = Rect(0, 0, 30, 8)
    marks = fit_text(font, [Paragraph(LONG_LINE)], area, max_pt=12, min_pt=6)
    assert marks and all(mark.size_pt == 6 for mark in marks)
    assert marks[-1].text.endswith("…")
    assert all(area.contains(mark.box) for mark in marks)


def test_japanese_wraps_by_character_and_keeps_closing_punctuation_off_the_start_of_a_line(font):
    lines = wrap("あいうえおかき。くけこさしすせそ、たちつてと", font, 7.0)
    assert all(font.width_em(line) <= 7.0 for line in lines)
    assert "".join(lines) == "あいうえおかき。くけこさしすせそ、たちつてと"
    assert all(line[0] not in NO_LINE_START for line in lines)
    assert lines[0] == "あいうえおか"


def test_phone_numbers_and_email_addresses_stay_whole_when_they_fit(font):
    assert wrap("電話 0157-57-3190", font, 8.0) == ["電話", "0157-57-3190"]
    assert wrap("メール soudan@example.jp", font, 11.0) == ["メール", "soudan@example.jp"]


def test_a_word_longer_than_the_line_is_split_by_character(font):
    lines = wrap("soudan-madoguchi@tsunagari.example.jp", font, 6.0)
    assert len(lines) > 1 and "".join(lines) == "soudan-madoguchi@tsunagari.example.jp"
    assert all(font.width_em(line) <= 6.0 for line in lines)


def test_control_characters_are_stripped_and_line_breaks_become_spaces(font):
    assert (
        font.clean_text("困って\x00い\x07ま\u200bせ\u202eんか？\n相談\r\n無料\t ")
        == "困っていませんか？ 相談 無料"
    )


def test_full_width_spaces_are_kept(font):
    assert font.clean_text("北見市役所　本庁舎") == "北見市役所　本庁舎"


def test_emoji_the_font_lacks_are_dropped_and_missing_letters_become_one_geta_mark(font):
    assert font.clean_text("こんにちは🌸👍🏽❤️‍🔥！") == "こんにちは！"
    assert font.clean_text("ภาษาไทย の案内") == f"{PLACEHOLDER} の案内"
    assert font.has_glyph(PLACEHOLDER) and font.has_glyph("…")


def test_emoji_and_control_characters_render_without_error_and_without_tofu(
    package_label, placard, font, caplog
):
    label = package_label(
        headline="困って\x1bいませんか？🌸", lines=("相談無料😊\u0000", "☎ 0157-57-3190 📞")
    )
    sign = placard(name="北見市役所🏛️ 本庁舎\x7f", spot="2階 女子トイレ 🚻")
    with caplog.at_level(logging.WARNING):
        pdf = labels.render_pdf(label, count=3)
        labels.render_pdf(sign)
        png = labels.render_preview(label, count=3)
    assert pdf.startswith(b"%PDF") and png.startswith(b"\x89PNG")
    assert not [record for record in caplog.records if "missing" in record.getMessage().lower()]
    for content, layout in ((label, "12up"), (sign, "a5")):
        sheet = labels.LAYOUTS[layout]
        artwork = compose(content, sheet.label_width_mm, sheet.label_height_mm, font)
        printed = "".join(mark.text for mark in text_marks(artwork))
        assert all(font.has_glyph(character) for character in printed)
    text = pdf_tools.text(pdf)
    assert "困っていませんか？" in text and "🌸" not in text and "\x1b" not in text
