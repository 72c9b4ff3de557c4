"""Printing never loses text silently: names print whole or are refused, dropped characters are
reported, and nothing is drawn inside the printer's unprintable margin."""

import pypdfium2
import pytest
import zxingcpp

import labels
from labels import LayoutError
from labels.drawing import QrMark, TextMark
from tests import pdf_tools

# The request form's maximum lengths (inventory/requests/models.py: MAX_NAME, MAX_ADDRESS,
# MAX_ADDRESS2), filled with full-width characters, the widest a name or address can be.
MAX_NAME = ("山田花子" * 13)[:50]
MAX_ADDRESS = ("北海道北見市北進町一丁目二番三号" * 8)[:120]
MAX_ADDRESS2 = ("つながりハイツ百一号室" * 8)[:80]
POINTS_TO_MM = 25.4 / 72


def squeezed(text):
    """Text without the spaces and line breaks that wrapping adds."""
    return "".join(text.split())


def max_length_label(**fields):
    values = dict(
        postal_code="090-0018",
        address_lines=(MAX_ADDRESS, MAX_ADDRESS2),
        recipient=MAX_NAME,
        sender="つながり事務局",
    )
    values.update(fields)
    return labels.AddressLabel(**values)


def assert_prints_whole(pdf, label):
    printed = squeezed(pdf_tools.text(pdf))
    assert squeezed(label.recipient + label.honorific) in printed
    for line in label.address_lines:
        assert squeezed(line) in printed
    assert "…" not in printed


@pytest.mark.parametrize("layout", labels.LABEL_SHEETS)
def test_an_address_label_at_the_forms_maximum_lengths_prints_the_name_or_names_a_sheet_that_fits(layout):
    label = max_length_label()
    try:
        pdf = labels.render_pdf(label, layout=layout)
    except LayoutError as error:
        assert error.code == "address_does_not_fit"
        assert error.fits in labels.LABEL_SHEETS and error.fits != layout
        assert labels.LAYOUTS[error.fits].name in error.message
        assert_prints_whole(labels.render_pdf(label, layout=error.fits), label)
    else:
        assert_prints_whole(pdf, label)


def test_on_a_24_up_sheet_the_name_comes_first_and_the_address_shrinks():
    label = max_length_label()
    plan = labels.jobs.plan_job(label, layout="24up")
    (_, artwork), *_ = plan.pages[0].placements
    marks = [mark for mark in artwork.marks if isinstance(mark, TextMark)]
    name_sizes = {mark.size_pt for mark in marks if squeezed(mark.text).rstrip("様") in MAX_NAME}
    address_sizes = {
        mark.size_pt
        for mark in marks
        if mark.text.startswith("〒") or mark.text in MAX_ADDRESS or mark.text in MAX_ADDRESS2
    }
    assert name_sizes and address_sizes
    assert min(name_sizes) >= max(address_sizes)
    assert_prints_whole(labels.render_pdf(label, layout="24up"), label)


def test_on_a_44_up_sheet_a_maximum_address_is_refused_naming_the_24_up_sheet():
    with pytest.raises(LayoutError) as caught:
        labels.render_pdf(max_length_label(), layout="44up")
    assert caught.value.code == "address_does_not_fit"
    assert caught.value.fits == "24up"


def test_a_short_address_still_prints_on_a_44_up_sheet(address_label):
    label = address_label()
    assert_prints_whole(labels.render_pdf(label, layout="44up"), label)


# ---- characters the font cannot print ------------------------------------------------------


def test_a_placard_for_a_location_named_only_by_an_emoji_reports_the_dropped_title(placard):
    content = placard(name="🩸", spot="")
    assert labels.text_losses(content) == (labels.TextLoss("location_name", "dropped", "🩸"),)
    pdf = labels.render_pdf(content)
    assert "🩸" not in pdf_tools.text(pdf)


def test_zero_width_and_emoji_characters_are_reported_for_each_field(package_label, placard):
    label = package_label(headline="困って\u200bいませんか？", lines=("相談無料🌸", "☎ 0157-57-3190"))
    assert set(labels.text_losses(label, count=3)) == {
        labels.TextLoss("headline", "dropped", "\u200b"),
        labels.TextLoss("lines", "dropped", "🌸"),
    }
    assert set(labels.text_losses(placard(name="北見市役所", spot="ภาษา"))) == {
        labels.TextLoss("spot", "replaced", "ภาษา"),
    }


def test_text_cut_to_fit_is_reported_and_text_that_fits_reports_nothing(leaflet_card, package_label):
    card = leaflet_card(cafe="毎週水曜日につながりカフェを開いています。" * 19)
    assert labels.text_losses(card) == (labels.TextLoss("cafe", "cut"),)
    assert labels.text_losses(leaflet_card()) == ()
    assert labels.text_losses(package_label(), count=12) == ()


# ---- the printer margin --------------------------------------------------------------------


def products_for(layout, package_label, address_label, leaflet_card, placard):
    """What is printed on each preset: labels on label sheets, cards and placards on plain paper."""
    if layout in labels.LABEL_SHEETS:
        return [package_label(), address_label()]
    if layout in ("card8", "card4"):
        return [leaflet_card(), placard()] if layout == "card4" else [leaflet_card()]
    slip = labels.PackingSlip(sender="つながり事務局", message="お届け物です。", date_text="2026年12月2日")
    return [placard(), slip]


def pdf_character_boxes(pdf):
    """(left, top, right, bottom) in mm from the page's top-left, for every character on page 1."""
    document = pypdfium2.PdfDocument(pdf)
    try:
        page = document[0]
        height = page.get_height()
        textpage = page.get_textpage()
        boxes = []
        for index in range(textpage.count_chars()):
            left, bottom, right, top = textpage.get_charbox(index)
            if right > left:
                boxes.append(
                    (
                        left * POINTS_TO_MM,
                        (height - top) * POINTS_TO_MM,
                        right * POINTS_TO_MM,
                        (height - bottom) * POINTS_TO_MM,
                    )
                )
        return boxes
    finally:
        document.close()


@pytest.mark.parametrize("layout", sorted(labels.LAYOUTS))
def test_no_text_or_qr_is_drawn_inside_the_printer_margin_on_any_preset(
    layout, package_label, address_label, leaflet_card, placard
):
    sheet = labels.LAYOUTS[layout]
    assert sheet.printer_margin_mm == labels.PRINTER_MARGIN_MM == 5.0
    printable = sheet.printable
    for content in products_for(layout, package_label, address_label, leaflet_card, placard):
        plan = labels.jobs.plan_job(content, count=sheet.per_page, layout=layout)
        for cell, artwork in plan.pages[0].placements:
            for mark in artwork.marks:
                if isinstance(mark, TextMark):
                    assert printable.contains(mark.box.moved(cell.x, cell.y)), (layout, mark)
                elif isinstance(mark, QrMark):
                    assert printable.contains(mark.symbol.moved(cell.x, cell.y)), (layout, cell)
        # The same, read back from the PDF: every character's box is clear of the margin.
        pdf = labels.render_pdf(content, count=sheet.per_page, layout=layout)
        boxes = pdf_character_boxes(pdf)
        assert boxes
        for left, top, right, bottom in boxes:
            assert left >= 5.0 - 0.05 and top >= 5.0 - 0.05, (layout, left, top)
            assert right <= sheet.page_width_mm - 5.0 + 0.05, (layout, right)
            assert bottom <= sheet.page_height_mm - 5.0 + 0.05, (layout, bottom)


def test_a_printer_offset_towards_the_edge_does_not_push_text_into_the_margin(package_label):
    sheet = labels.LAYOUTS["21up"]
    plan = labels.jobs.plan_job(package_label(), count=21, layout="21up", offset_mm=(-0.8, -0.8))
    for cell, artwork in plan.pages[0].placements:
        for mark in artwork.marks:
            if isinstance(mark, TextMark):
                assert sheet.printable.contains(mark.box.moved(cell.x, cell.y)), mark


def test_a_custom_sheet_takes_its_own_printer_margin():
    sheet = labels.custom_layout(
        label_width_mm=70, label_height_mm=42.3, columns=3, rows=7, left_mm=0, top_mm=0, printer_margin_mm=3
    )
    assert sheet.keep_out(sheet.cell(0)) == (3.0, 3.0, 0.0, 0.0)
    with pytest.raises(LayoutError) as caught:
        labels.custom_layout(
            label_width_mm=70,
            label_height_mm=42.3,
            columns=3,
            rows=7,
            left_mm=0,
            top_mm=0,
            printer_margin_mm=-1,
        )
    assert caught.value.code == "printer_margin_out_of_range"


def test_every_qr_on_an_edge_to_edge_21_up_sheet_still_decodes(package_label, rasterise_pdf, qr_marks):
    contents = [package_label(code=f"E{index:03d}Z") for index in range(21)]
    pdf = labels.render_pdf(contents, layout="21up")
    image = rasterise_pdf(pdf, dpi=300)
    found = {result.text for result in zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)}
    assert found == {content.url for content in contents}


@pytest.mark.parametrize("layout", sorted(labels.LAYOUTS))
def test_calibration_numbers_keep_clear_of_the_printer_margin(layout):
    sheet = labels.LAYOUTS[layout]
    plan = labels.jobs.plan_calibration(layout)
    numbers = 0
    for cell, artwork in plan.pages[0].placements:
        for mark in artwork.marks:
            if isinstance(mark, TextMark):
                numbers += 1
                assert sheet.printable.contains(mark.box.moved(cell.x, cell.y)), (layout, mark)
    assert numbers == sheet.per_page


@pytest.mark.parametrize("layout", labels.LABEL_SHEETS)
def test_the_sender_never_prints_larger_than_the_recipients_name(layout, address_label):
    for label in (address_label(), max_length_label()):
        try:
            plan = labels.jobs.plan_job(label, layout=layout)
        except LayoutError:
            continue
        (_, artwork), *_ = plan.pages[0].placements
        marks = [mark for mark in artwork.marks if isinstance(mark, TextMark)]
        (sender,) = [mark for mark in marks if mark.text == label.sender]
        name = [mark for mark in marks if mark.text.endswith("様")]
        assert sender.size_pt < min(mark.size_pt for mark in name)
