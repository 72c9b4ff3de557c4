"""Location URLs and QR symbols: compact uppercase URLs, error correction, quiet zone."""

import pytest

import labels
from labels import UrlError, location_url
from labels.compose import compose
from labels.drawing import QrMark
from labels.fonts import load_font
from labels.qr import IMAGE_PIXELS_PER_MODULE, is_alphanumeric, make_qr, qr_image


def test_location_url_uppercases_scheme_host_and_route_so_the_qr_can_use_alphanumeric_mode():
    url = location_url("https://example.jp", "abc234")
    assert url == "HTTPS://EXAMPLE.JP/L/ABC234"
    assert is_alphanumeric(url)


def test_uppercase_urls_make_smaller_symbols_than_lowercase_ones():
    upper = make_qr("HTTPS://EXAMPLE.JP/L/ABC234", "M")
    lower = make_qr("https://example.jp/l/ABC234", "M")
    assert upper.size < lower.size


def test_location_url_keeps_a_path_prefix_as_given_because_another_server_may_care_about_case():
    assert location_url("https://Example.jp/pack/", "K7M2") == "HTTPS://EXAMPLE.JP/pack/L/K7M2"


def test_location_url_keeps_the_port_and_accepts_full_width_codes():
    assert location_url("http://localhost:5000", "ｋ７ｍ２") == "HTTP://LOCALHOST:5000/L/K7M2"


@pytest.mark.parametrize(
    "base",
    [
        "example.jp",
        "ftp://example.jp",
        "https://",
        "https://example.jp/?a=1",
        "https://example.jp/#x",
        "https://u:p@example.jp",
        None,
    ],
)
def test_location_url_refuses_base_urls_it_cannot_print_safely(base):
    with pytest.raises(UrlError) as caught:
        location_url(base, "ABC234")
    assert caught.value.code == "invalid_base_url"


@pytest.mark.parametrize("code", ["", "AB-12", "AB 12", "あいう", "A" * 65])
def test_location_url_refuses_codes_that_are_not_letters_and_digits(code):
    with pytest.raises(UrlError) as caught:
        location_url("https://example.jp", code)
    assert caught.value.code == "invalid_location_code"


def _qr_of(content, layout):
    sheet = labels.LAYOUTS[layout]
    artwork = compose(content, sheet.label_width_mm, sheet.label_height_mm, load_font())
    (mark,) = [mark for mark in artwork.marks if isinstance(mark, QrMark)]
    return mark


def test_placards_use_error_correction_q_and_labels_and_cards_use_m(package_label, placard, leaflet_card):
    assert _qr_of(placard(), "a5").code.error_correction == "Q"
    assert _qr_of(package_label(), "12up").code.error_correction == "M"
    assert _qr_of(leaflet_card(), "card8").code.error_correction == "M"


@pytest.mark.parametrize("layout", labels.LABEL_SHEETS)
def test_every_label_keeps_a_four_module_quiet_zone_inside_the_label_and_modules_of_half_a_millimetre(
    layout, package_label
):
    mark = _qr_of(package_label(), layout)
    sheet = labels.LAYOUTS[layout]
    assert mark.module_mm >= 0.5
    assert labels.Rect(0, 0, sheet.label_width_mm, sheet.label_height_mm).contains(mark.quiet_box)
    assert mark.quiet_box.width == pytest.approx((mark.code.size + 8) * mark.module_mm)


def test_the_placard_qr_is_about_50_mm_with_its_quiet_zone(placard):
    mark = _qr_of(placard(), "a5")
    assert mark.quiet_box.width == pytest.approx(50.0)


def test_the_qr_image_has_whole_pixels_per_module_and_matches_the_matrix():
    code = make_qr("HTTPS://EXAMPLE.JP/L/ABC234", "M")
    image = qr_image(code)
    assert image.mode == "1"
    assert image.size == (code.size * IMAGE_PIXELS_PER_MODULE,) * 2
    half = IMAGE_PIXELS_PER_MODULE // 2
    for row in range(code.size):
        for column in range(code.size):
            pixel = image.getpixel(
                (column * IMAGE_PIXELS_PER_MODULE + half, row * IMAGE_PIXELS_PER_MODULE + half)
            )
            assert (pixel == 0) == code.rows[row][column]


def test_dark_runs_cover_exactly_the_dark_modules():
    code = make_qr("HTTPS://EXAMPLE.JP/L/ABC234", "Q")
    painted = {(row, column + offset) for row, column, length in code.dark_runs() for offset in range(length)}
    dark = {
        (row, column) for row in range(code.size) for column in range(code.size) if code.rows[row][column]
    }
    assert painted == dark
