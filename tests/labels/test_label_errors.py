"""Bad input raises a LabelError subclass with a code and values, and renders nothing."""

import io

import pytest
from fontTools.fontBuilder import FontBuilder
from fontTools.pens.ttGlyphPen import TTGlyphPen

import labels
from labels import (
    CountOutOfRange,
    FontNotFound,
    LabelError,
    LayoutError,
    TextError,
    UrlError,
    fonts,
)


@pytest.fixture
def no_font_loading(monkeypatch):
    """Make any attempt to load the font fail, proving a refused job renders nothing."""

    def refuse(*args, **kwargs):
        raise AssertionError("the job was rendered although its input was refused")

    monkeypatch.setattr(labels.jobs, "load_font", refuse)


@pytest.fixture
def empty_font_cache(monkeypatch):
    monkeypatch.setattr(fonts, "_fonts", {})


def test_a_missing_font_override_names_the_setting_and_the_path(package_label, tmp_path):
    missing = tmp_path / "nowhere" / "font.otf"
    with pytest.raises(FontNotFound) as caught:
        labels.render_pdf(package_label(), font_path=str(missing))
    error = caught.value
    assert error.code == "font_path_missing"
    assert "LABEL_FONT_PATH" in error.message and str(missing) in error.message
    assert error.setting == "LABEL_FONT_PATH" and error.package == "noto-cjk-sans-jp-regular"


def test_without_override_or_package_the_error_names_label_font_path_and_the_package(
    package_label, monkeypatch, empty_font_cache
):
    def no_package(name):
        raise ImportError(name)

    monkeypatch.setattr(fonts.importlib, "import_module", no_package)
    with pytest.raises(FontNotFound) as caught:
        labels.render_pdf(package_label())
    assert caught.value.code == "font_not_found"
    assert "LABEL_FONT_PATH" in caught.value.message
    assert "noto-cjk-sans-jp-regular" in caught.value.message


def test_a_file_that_is_not_a_font_is_refused_clearly(package_label, tmp_path):
    bogus = tmp_path / "font.otf"
    bogus.write_bytes(b"this is not a font" * 100)
    with pytest.raises(FontNotFound) as caught:
        labels.render_pdf(package_label(), font_path=str(bogus))
    assert caught.value.code == "font_unreadable"


def test_a_font_without_japanese_is_refused_rather_than_printing_boxes(package_label, tmp_path):
    builder = FontBuilder(1000, isTTF=True)
    builder.setupGlyphOrder([".notdef", "A"])
    builder.setupCharacterMap({ord("A"): "A"})
    builder.setupGlyf({".notdef": TTGlyphPen(None).glyph(), "A": TTGlyphPen(None).glyph()})
    builder.setupHorizontalMetrics({".notdef": (500, 0), "A": (500, 0)})
    builder.setupHorizontalHeader(ascent=800, descent=-200)
    builder.setupNameTable({"familyName": "Latin Only", "styleName": "Regular"})
    builder.setupOS2()
    builder.setupPost()
    data = io.BytesIO()
    builder.save(data)
    latin = tmp_path / "latin.ttf"
    latin.write_bytes(data.getvalue())
    with pytest.raises(FontNotFound) as caught:
        labels.render_pdf(package_label(), font_path=str(latin))
    assert caught.value.code == "font_lacks_japanese"


def test_a_font_override_path_is_used_and_parsed_once(package_label, empty_font_cache):
    path = str(fonts.load_font().path)
    first = fonts.load_font(path)
    assert fonts.load_font(path) is first
    assert labels.render_pdf(package_label(), font_path=path).startswith(b"%PDF")


@pytest.mark.parametrize("count", [0, -1, -500, 2001, 10_000, "5", 2.0, True, None])
def test_count_outside_1_to_2000_raises_count_out_of_range_and_renders_nothing(
    count, package_label, no_font_loading
):
    with pytest.raises(CountOutOfRange) as caught:
        labels.render_pdf(package_label(), count=count)
    assert caught.value.code == "count_out_of_range"
    assert (caught.value.minimum, caught.value.maximum) == (1, 2000)
    with pytest.raises(CountOutOfRange):
        labels.render_preview(package_label(), count=count)


def test_the_2000_limit_applies_to_the_whole_job_not_to_each_product(package_label, no_font_loading):
    with pytest.raises(CountOutOfRange) as caught:
        labels.render_pdf([package_label(code="A1"), package_label(code="B2")], count=1001)
    assert caught.value.value == 2002


def test_an_empty_list_of_products_is_a_count_of_zero(no_font_loading):
    with pytest.raises(CountOutOfRange):
        labels.render_pdf([])


@pytest.mark.parametrize("skip", [-1, 12, 100, "3"])
def test_skip_outside_the_sheet_raises_count_out_of_range(skip, package_label, no_font_loading):
    with pytest.raises(CountOutOfRange) as caught:
        labels.render_pdf(package_label(), layout="12up", skip=skip)
    assert caught.value.code == "skip_out_of_range"
    assert caught.value.maximum == 11


def test_a_qr_that_cannot_keep_half_millimetre_modules_raises_layout_error(package_label):
    tiny = labels.custom_layout(
        label_width_mm=30, label_height_mm=15, columns=5, rows=10, left_mm=5, top_mm=5
    )
    with pytest.raises(LayoutError) as caught:
        labels.render_pdf(package_label(), layout=tiny)
    error = caught.value
    assert error.code == "qr_too_small"
    assert error.minimum == 0.5 and error.module_mm < 0.5 and error.needed_mm > error.available_mm


def test_a_label_with_no_room_for_text_raises_layout_error(address_label):
    sliver = labels.custom_layout(
        label_width_mm=40, label_height_mm=6, columns=4, rows=30, left_mm=5, top_mm=5
    )
    with pytest.raises(LayoutError) as caught:
        labels.render_pdf(address_label(), layout=sliver)
    assert caught.value.code == "label_too_small"


def test_non_products_and_non_text_fields_raise_text_error(package_label):
    with pytest.raises(TextError) as caught:
        labels.render_pdf({"url": "x"})
    assert caught.value.code == "unsupported_content"
    with pytest.raises(TextError) as caught:
        labels.PackageLabel("HTTPS://X.JP/L/A", headline=None)
    assert caught.value.code == "not_text" and caught.value.field == "headline"
    with pytest.raises(TextError) as caught:
        labels.AddressLabel("090-0000", address_lines="北見市", recipient="山田")
    assert caught.value.field == "address_lines"


def test_an_overlong_field_raises_text_error_with_the_maximum():
    with pytest.raises(TextError) as caught:
        labels.LocationPlacard("HTTPS://X.JP/L/A", location_name="あ" * 401)
    assert caught.value.code == "text_too_long" and caught.value.maximum == 400


@pytest.mark.parametrize("dpi", [0, 10, 601, "100"])
def test_preview_resolution_out_of_range_raises_layout_error(dpi, package_label):
    with pytest.raises(LayoutError) as caught:
        labels.render_preview(package_label(), dpi=dpi)
    assert caught.value.code == "dpi_out_of_range"


def test_preview_of_a_page_the_job_does_not_have_raises_count_out_of_range(package_label):
    with pytest.raises(CountOutOfRange) as caught:
        labels.render_preview(package_label(), count=13, page=3)
    assert caught.value.code == "page_out_of_range" and caught.value.maximum == 2


def test_a_long_url_that_would_need_tiny_modules_raises_layout_error_not_a_crash():
    with pytest.raises(LayoutError) as caught:
        labels.render_pdf(labels.PackageLabel("HTTPS://X.JP/" + "あ" * 380, "見出し"), count=1)
    assert caught.value.code == "qr_too_small"


def test_a_qr_payload_beyond_the_limit_raises_url_error():
    with pytest.raises(UrlError) as caught:
        labels.qr.make_qr("HTTPS://X.JP/" + "A" * 1000)
    assert caught.value.code == "payload_too_long" and caught.value.maximum == 1000


def test_every_error_class_is_a_label_error_with_code_and_message():
    for error_class in (LayoutError, FontNotFound, CountOutOfRange, TextError, UrlError):
        error = error_class("message", maximum=3)
        assert isinstance(error, LabelError)
        assert error.code and error.message == "message" and error.maximum == 3
        assert error.values == {"maximum": 3}


ODD_LAYOUTS = [
    dict(label_width_mm=12, label_height_mm=8, columns=10, rows=20, left_mm=0, top_mm=0),
    dict(label_width_mm=200, label_height_mm=10, columns=1, rows=20, left_mm=0, top_mm=0),
    dict(label_width_mm=10, label_height_mm=280, columns=15, rows=1, left_mm=0, top_mm=0),
    dict(label_width_mm=210, label_height_mm=297, columns=1, rows=1, left_mm=0, top_mm=0),
    dict(label_width_mm=0.5, label_height_mm=0.5, columns=1, rows=1, left_mm=0, top_mm=0),
]


def test_every_product_on_any_layout_either_renders_or_raises_a_label_error(
    package_label, placard, leaflet_card, address_label
):
    products = [
        package_label(),
        placard(),
        leaflet_card(),
        address_label(),
        labels.PackingSlip("NPO法人つながり", "お届け物です", "2026年11月30日", "1 点"),
    ]
    layouts = list(labels.LAYOUTS) + [labels.custom_layout(**values) for values in ODD_LAYOUTS]
    outcomes = set()
    for product in products:
        for layout in layouts:
            try:
                labels.jobs.plan_job(product, layout=layout)
                outcomes.add("rendered")
            except LabelError as error:
                assert error.code and error.message
                outcomes.add(error.code)
    assert "rendered" in outcomes and "qr_too_small" in outcomes
