"""Printing that would lose text says so: dropped characters are a warning beside the preview (and
on the CLI), an address label too long for its sheet is refused naming the sheet that fits, and a
location cannot be named without a printable character."""

from __future__ import annotations

import html
import re
import uuid

import pypdfium2
import pytest
import sqlalchemy as sa

from inventory.core.db import db
from inventory.core.errors import InvalidValue
from inventory.printing.models import LabelBatch
from inventory.requests.models import MAX_ADDRESS, MAX_ADDRESS2, MAX_NAME
from inventory.settings import organisation as settings
from inventory.stock import catalog
from inventory.stock.models import Location
from tests import pdf_tools

PUBLIC_BASE = "https://pack.example.jp"
# The request form's maximum lengths, in full-width characters (the widest there are).
LONG_NAME = ("山田花子" * 13)[:MAX_NAME]
LONG_ADDRESS = ("北海道北見市北進町一丁目二番三号" * 8)[:MAX_ADDRESS]
LONG_ADDRESS2 = ("つながりハイツ百一号室" * 8)[:MAX_ADDRESS2]


def key() -> str:
    return uuid.uuid4().hex


def warnings(response) -> list[str]:
    """The warnings a page shows beside the preview."""
    body = response.get_data(as_text=True)
    block = re.search(r'<ul class="flash flash-warning[^"]*"[^>]*>(.*?)</ul>', body, re.S)
    items = re.findall(r"<li>(.*?)</li>", block.group(1), re.S) if block else []
    return [html.unescape(item.strip()) for item in items]


def batch_count() -> int:
    db.session.rollback()
    return db.session.scalar(sa.select(sa.func.count()).select_from(LabelBatch))


@pytest.fixture
def public_base(app):
    settings.update_settings(public_base_url=PUBLIC_BASE)
    return PUBLIC_BASE


@pytest.fixture
def staff(auth):
    return auth.login_as("staff")


def rename_as_before_the_rule(location_id: int, name: str) -> None:
    """A location named before names needed a printable character (the check is new)."""
    db.session.execute(sa.update(Location).where(Location.id == location_id).values(name=name))
    db.session.commit()


# ---- warnings for characters that do not print ------------------------------------------------


def test_a_placard_for_a_location_named_only_by_an_emoji_warns_that_the_title_is_left_out(
    client, staff, point, public_base
):
    assert warnings(client.get(f"/print/placard/{point.id}")) == []  # 市役所 prints whole
    rename_as_before_the_rule(point.id, "🩸")
    page = client.get(f"/print/placard/{point.id}")
    assert page.status_code == 200
    (warning,) = warnings(page)
    assert "拠点の名前" in warning and "🩸" in warning and "省かれます" in warning
    english = client.get(f"/print/placard/{point.id}?lang=en")
    assert warnings(english) == [
        "Some characters cannot be printed and are left out of the location's name: 🩸. Check the preview."
    ]


def test_the_print_page_warns_about_emoji_and_zero_width_characters_in_the_settings(
    client, staff, point, public_base
):
    settings.update_settings(hours="平日\u200b 9:00〜17:30🌸")
    page = client.post(
        "/print/?lang=en",
        data=dict(
            product="package_label",
            location_id=str(point.id),
            layout="12up",
            count="12",
            skip="0",
            offset_x_mm="0",
            offset_y_mm="0",
            idempotency_key=key(),
            action="preview",
        ),
    )
    assert page.status_code == 200
    (warning,) = warnings(page)
    assert "U+200B" in warning and "🌸" in warning and "the lines from the settings" in warning
    assert batch_count() == 0


def test_the_command_line_warns_when_characters_are_left_out(runner, point, public_base, tmp_path):
    rename_as_before_the_rule(point.id, "🩸")
    out = tmp_path / "placard.pdf"
    result = runner.invoke(args=["labels", "placard", "--location", point.code, "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "warning: characters left out of location_name (cannot be printed): 🩸" in result.stderr


# ---- a location name needs a printable character ------------------------------------------------


def location_form(**overrides) -> dict:
    data = dict(
        idempotency_key=key(),
        kind="city_hall",
        name="市役所",
        spot="",
        address="",
        target_level="0",
        contact_note="",
        public="",
    )
    data.update(overrides)
    return data


def location_count() -> int:
    db.session.rollback()
    return db.session.scalar(sa.select(sa.func.count()).select_from(Location))


@pytest.mark.parametrize("name", ["🩸", "🩸🧻 ★", "🩸\ufe0f"])
def test_a_location_named_without_a_letter_or_digit_is_refused_on_the_name_field(client, staff, name):
    before = location_count()
    response = client.post("/stock/locations/new", data=location_form(name=name))
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert "文字か数字を1つ以上入れた名前にしてください" in body
    assert location_count() == before


def test_renaming_a_location_to_only_an_emoji_is_refused_and_changes_nothing(client, staff, point):
    response = client.post(f"/stock/locations/{point.id}/edit?lang=en", data=location_form(name="🩸"))
    assert response.status_code == 200
    assert "Enter a name with at least one letter or number" in response.get_data(as_text=True)
    db.session.expire_all()
    assert catalog.get_location(point.id).name == "市役所"


def test_the_service_refuses_a_name_with_no_printable_character_and_takes_one_with_an_emoji(app):
    with pytest.raises(InvalidValue) as caught:
        catalog.create_location("city_hall", "🩸", idempotency_key=None)
    assert caught.value.field == "name" and caught.value.details["reason"] == "no_printable_character"
    assert catalog.create_location("city_hall", "トイレ🩸", idempotency_key=None).name == "トイレ🩸"


# ---- address labels ---------------------------------------------------------------------------


def test_a_maximum_length_address_label_on_a_44_up_sheet_is_refused_naming_the_24_up_sheet(
    client, staff, mail_request
):
    settings.update_settings(sender_name="あおば事務所")
    request_id = mail_request(recipient_name=LONG_NAME, address=LONG_ADDRESS, address2=LONG_ADDRESS2)
    refused = client.post(
        f"/requests/{request_id}/address-label.pdf",
        data={"layout": "44up", "skip": "0"},
        follow_redirects=True,
    )
    assert refused.mimetype == "text/html"
    body = refused.get_data(as_text=True)
    assert "A4 24面 66×33.9mm" in body and "全部入るシート" in body
    printed = client.post(f"/requests/{request_id}/address-label.pdf", data={"layout": "24up", "skip": "0"})
    assert printed.mimetype == "application/pdf"
    text = "".join(pdf_tools.text(printed.data).split())
    assert LONG_NAME + "様" in text and LONG_ADDRESS in text and LONG_ADDRESS2 in text


def test_the_personal_page_warns_before_printing_when_the_name_has_characters_the_font_lacks(
    client, staff, mail_request
):
    settings.update_settings(sender_name="あおば事務所")
    request_id = mail_request(recipient_name="さくら ภา")
    page = client.get(f"/requests/{request_id}/personal?lang=en")
    (warning,) = warnings(page)
    assert warning == "Some characters of the name are not in the label font and print as 〓: ภ า."
    plain = mail_request(recipient_name="さくら")
    assert warnings(client.get(f"/requests/{plain}/personal")) == []


# ---- the printer margin of a custom sheet ------------------------------------------------------

EDGE_TO_EDGE = dict(
    layout="custom",
    label_width_mm="70",
    label_height_mm="42.4",
    columns="3",
    rows="7",
    left_mm="0",
    top_mm="0",
)


def print_form(location_id: int, **overrides) -> dict:
    data = dict(
        product="package_label",
        location_id=str(location_id),
        count="21",
        skip="0",
        offset_x_mm="0",
        offset_y_mm="0",
        note="",
        assembly_record_id="",
        idempotency_key=key(),
        action="download",
        **EDGE_TO_EDGE,
    )
    data.update(overrides)
    return data


def character_boxes_mm(pdf: bytes) -> list[tuple[float, float, float, float]]:
    """(left, top, right, bottom) of every character on page 1, in mm from the top-left."""
    document = pypdfium2.PdfDocument(pdf)
    try:
        page = document[0]
        height = page.get_height()
        textpage = page.get_textpage()
        scale = 25.4 / 72
        boxes = []
        for index in range(textpage.count_chars()):
            left, bottom, right, top = textpage.get_charbox(index)
            if right > left:
                boxes.append((left * scale, (height - top) * scale, right * scale, (height - bottom) * scale))
        return boxes
    finally:
        document.close()


@pytest.mark.parametrize("margin, expected", [("", 5.0), ("８", 8.0)])
def test_a_custom_edge_to_edge_sheet_keeps_text_inside_its_printer_margin(
    client, staff, point, public_base, margin, expected
):
    response = client.post("/print/", data=print_form(point.id, printer_margin_mm=margin))
    assert response.mimetype == "application/pdf"
    boxes = character_boxes_mm(response.data)
    assert boxes
    assert min(min(left, top) for left, top, _, _ in boxes) >= expected - 0.05
    assert max(right for _, _, right, _ in boxes) <= 210 - expected + 0.05
    assert max(bottom for _, _, _, bottom in boxes) <= 297 - expected + 0.05
    db.session.rollback()
    batch = db.session.scalars(sa.select(LabelBatch)).one()
    reprint = client.post(f"/print/batches/{batch.id}", data=dict(skip="0", action="download"))
    assert reprint.mimetype == "application/pdf"
    assert character_boxes_mm(reprint.data) == pytest.approx(boxes)


def test_a_printer_margin_out_of_range_is_a_message_on_its_field_and_nothing_is_recorded(
    client, staff, point, public_base
):
    response = client.post("/print/?lang=en", data=print_form(point.id, printer_margin_mm="25"))
    assert response.status_code == 200 and response.mimetype == "text/html"
    assert "Enter a printer margin from 0 to 20 mm." in response.get_data(as_text=True)
    assert batch_count() == 0
