"""The print page: a downloaded PDF is complete, every QR leads to the support page, the batch is
recorded once, and every refusal is a message on the form with nothing recorded."""

from __future__ import annotations

import math
import re
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
import zxingcpp
from PIL import Image

from inventory.core.clock import local_today, utcnow
from inventory.core.db import db
from inventory.printing.models import LabelBatch
from inventory.settings import organisation as settings
from inventory.stock import catalog, operations
from tests import pdf_tools

PUBLIC_BASE = "https://pack.example.jp"


def batch_count() -> int:
    """How many label batches are recorded."""
    db.session.rollback()
    return db.session.scalar(sa.select(sa.func.count()).select_from(LabelBatch))


def only_batch() -> LabelBatch:
    """The one recorded batch."""
    db.session.rollback()
    (batch,) = db.session.scalars(sa.select(LabelBatch)).all()
    return batch


def pdf_pages(pdf: bytes, tmp_path: Path) -> int:
    """The page count a PDF reader (pdfium) finds in the file."""
    return pdf_tools.page_count(pdf)


def qr_texts(pdf: bytes, tmp_path: Path, page: int = 1, dpi: int = 300) -> list[str]:
    """Rasterise one page and decode every QR code on it."""
    image = pdf_tools.rasterise(pdf, page=page, dpi=dpi)
    return [result.text for result in zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)]


def png_qr_texts(png: bytes, tmp_path: Path) -> list[str]:
    """Decode every QR code in a PNG preview."""
    path = tmp_path / "preview.png"
    path.write_bytes(png)
    return [
        result.text
        for result in zxingcpp.read_barcodes(Image.open(path), formats=zxingcpp.BarcodeFormat.QRCode)
    ]


def input_value(response, name: str) -> str:
    """The value a text or hidden input of the page carries."""
    tag = re.search(rf'<input[^>]*name="{name}"[^>]*>', response.get_data(as_text=True)).group(0)
    return re.search(r'value="([^"]*)"', tag).group(1)


def form_errors(response) -> list[str]:
    """The error messages a page shows (on fields and above the form)."""
    body = response.get_data(as_text=True)
    return [
        m.strip() for m in re.findall(r'class="(?:error|flash flash-error)"[^>]*>([^<]+)<', body) if m.strip()
    ]


# ---- helpers ---------------------------------------------------------------------------------


def key() -> str:
    """A fresh one-time key."""
    return uuid.uuid4().hex


def print_form(location_id=None, **overrides) -> dict:
    """The print form's fields as a browser sends them when Download PDF is pressed."""
    data = dict(
        product="package_label",
        location_id="" if location_id is None else str(location_id),
        layout="12up",
        count="2",
        skip="0",
        offset_x_mm="0",
        offset_y_mm="0",
        note="",
        assembly_record_id="",
        idempotency_key=key(),
        action="download",
    )
    data.update({name: str(value) for name, value in overrides.items()})
    return data


@pytest.fixture
def public_base(app):
    """The public address printed in QR codes, set as an admin would."""
    settings.update_settings(public_base_url=PUBLIC_BASE)
    return PUBLIC_BASE


@pytest.fixture
def staff(auth):
    """A signed-in staff member."""
    return auth.login_as("staff")


# ---- downloading -----------------------------------------------------------------------------


def test_a_downloaded_batch_has_every_sheet_and_every_qr_opens_the_locations_support_page(
    app, client, staff, point, public_base, tmp_path
):
    response = client.post("/print/", data=print_form(point.id, count=14, skip=11))
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    pdf = response.data
    assert pdf.startswith(b"%PDF")
    assert pdf_pages(pdf, tmp_path) == math.ceil((11 + 14) / 12) == 3
    expected = f"{PUBLIC_BASE}/L/{point.code}".upper()
    first, second = qr_texts(pdf, tmp_path, page=1), qr_texts(pdf, tmp_path, page=2)
    assert first == [expected]  # 11 labels skipped on a started sheet
    assert second == [expected] * 12
    path = expected.split("PACK.EXAMPLE.JP", 1)[1]
    visitor = app.test_client()  # a phone that scanned the label, not signed in
    for url in (path, path.lower()):
        page = visitor.get(url)
        assert page.status_code == 200
        assert "tel:0157573190" in page.get_data(as_text=True)


def test_the_batch_is_recorded_with_who_when_where_which_sheet_and_how_many(
    client, staff, point, public_base
):
    before = utcnow()
    response = client.post(
        "/print/",
        data=print_form(
            point.id, count=14, skip=11, layout="18up", offset_x_mm="－０．５", offset_y_mm="ー1.2"
        ),
    )
    batch = only_batch()
    assert (batch.created_by, batch.location_id, batch.layout, batch.count, batch.skip) == (
        staff.id,
        point.id,
        "18up",
        14,
        11,
    )
    assert (batch.offset_x_tenths, batch.offset_y_tenths) == (-5, -12)
    assert before - timedelta(seconds=5) <= batch.created_at <= utcnow() + timedelta(seconds=5)
    assert response.headers["Content-Disposition"] == (
        f"attachment; filename=labels-{local_today(batch.created_at):%Y%m%d}-{batch.id}.pdf"
    )


def test_general_labels_lead_to_the_support_page(client, staff, public_base, tmp_path):
    response = client.post("/print/", data=print_form(None, count=1))
    assert qr_texts(response.data, tmp_path) == [f"{PUBLIC_BASE}/support"]
    assert only_batch().location_id is None
    assert "tel:0157573190" in client.get("/support").get_data(as_text=True)


def test_without_a_public_address_the_qr_carries_the_address_the_app_is_served_at(
    client, staff, point, tmp_path
):
    response = client.post("/print/", data=print_form(point.id, count=1))
    assert qr_texts(response.data, tmp_path) == [f"HTTP://LOCALHOST/L/{point.code}"]


def test_the_same_download_sent_twice_records_one_batch(client, staff, point, public_base):
    data = print_form(point.id, count=3)
    first, second = client.post("/print/", data=data), client.post("/print/", data=data)
    assert first.headers["Content-Disposition"] == second.headers["Content-Disposition"]
    assert batch_count() == 1


def test_changing_the_count_after_a_download_prints_a_second_batch(client, staff, point, public_base):
    data = print_form(point.id, count=3)
    client.post("/print/", data=data)
    response = client.post("/print/", data={**data, "count": "5"})
    assert response.mimetype == "application/pdf"
    assert batch_count() == 2


def test_a_reprint_gives_the_same_qr_with_a_new_skip_and_records_nothing(
    client, staff, point, public_base, tmp_path
):
    original = client.post("/print/", data=print_form(point.id, count=2))
    batch = only_batch()
    page = client.get(f"/print/batches/{batch.id}")
    assert page.status_code == 200 and 'src="/print/preview.png?' in page.get_data(as_text=True)
    reprint = client.post(
        f"/print/batches/{batch.id}",
        data=dict(skip="3", offset_x_mm="0.5", offset_y_mm="0", action="download"),
    )
    assert reprint.mimetype == "application/pdf"
    assert reprint.headers["Content-Disposition"] == original.headers["Content-Disposition"]
    assert (
        qr_texts(reprint.data, tmp_path)
        == qr_texts(original.data, tmp_path)
        == [f"{PUBLIC_BASE}/L/{point.code}".upper()] * 2
    )
    assert batch_count() == 1
    assert f'href="/print/batches/{batch.id}"' in client.get("/print/batches").get_data(as_text=True)


def test_a_reprint_for_a_location_retired_since_is_refused_with_a_message(client, staff, point, public_base):
    client.post("/print/", data=print_form(point.id, count=2))
    catalog.set_location_active(point.id, False)
    response = client.post(f"/print/batches/{only_batch().id}", data=dict(skip="0", action="download"))
    assert response.status_code == 200 and response.mimetype == "text/html"
    assert form_errors(response)


# ---- refusals --------------------------------------------------------------------------------

REFUSALS = {
    "count zero": dict(count="0"),
    "count negative": dict(count="-1"),
    "count above the maximum": dict(count="2001"),
    "count not a number": dict(count="abc"),
    "count empty": dict(count=""),
    "skip a whole sheet": dict(skip="12"),
    "skip negative": dict(skip="-1"),
    "offset off the page": dict(offset_x_mm="30"),
    "offset far off": dict(offset_y_mm="-400"),
    "offset not a number": dict(offset_x_mm="1.2.3"),
    "custom layout too wide": dict(
        layout="custom",
        label_width_mm="86.4",
        label_height_mm="42.3",
        columns="3",
        rows="6",
        left_mm="0",
        top_mm="0",
    ),
    "custom layout incomplete": dict(layout="custom", label_width_mm="86.4"),
    "labels too small for a QR": dict(
        layout="custom",
        label_width_mm="10",
        label_height_mm="10",
        columns="2",
        rows="2",
        left_mm="10",
        top_mm="10",
    ),
    "unknown layout": dict(layout="99up"),
    "unknown product": dict(product="poster"),
}


@pytest.mark.parametrize("overrides", REFUSALS.values(), ids=REFUSALS.keys())
def test_a_refused_job_is_a_message_on_the_form_and_nothing_is_recorded(
    client, staff, point, public_base, overrides
):
    response = client.post("/print/", data=print_form(point.id, **overrides))
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    assert form_errors(response), response.get_data(as_text=True)[:3000]
    assert batch_count() == 0


def test_a_placard_without_a_location_is_refused_and_nothing_is_recorded(client, staff, public_base):
    response = client.post("/print/", data=print_form(None, product="placard", layout="a5", count=1))
    assert response.status_code == 200 and response.mimetype == "text/html"
    assert form_errors(response)
    assert batch_count() == 0


def test_a_retired_location_is_refused_and_nothing_is_recorded(client, staff, point, public_base):
    catalog.set_location_active(point.id, False)
    response = client.post("/print/", data=print_form(point.id))
    assert response.status_code == 200 and response.mimetype == "text/html"
    assert "retired" in " ".join(form_errors(response)) or "廃止" in " ".join(form_errors(response))
    assert batch_count() == 0


def test_an_unknown_location_is_refused_and_nothing_is_recorded(client, staff, public_base):
    response = client.post("/print/", data=print_form(9999))
    assert response.status_code == 200 and response.mimetype == "text/html"
    assert form_errors(response)
    assert batch_count() == 0


def test_full_width_digits_count_as_numbers(client, staff, point, public_base):
    response = client.post("/print/", data=print_form(point.id, count="２０", skip="１"))
    assert response.mimetype == "application/pdf"
    assert (only_batch().count, only_batch().skip) == (20, 1)


def test_the_preview_button_shows_the_sheet_and_records_nothing(client, staff, point, public_base, tmp_path):
    response = client.post("/print/", data=print_form(point.id, count=3, action="preview"))
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and batch_count() == 0
    src = re.search(r'<img src="([^"]+)"', body).group(1).replace("&amp;", "&")
    image = client.get(src)
    assert image.status_code == 200 and image.mimetype == "image/png"
    assert image.data.startswith(b"\x89PNG")
    assert png_qr_texts(image.data, tmp_path) == [f"{PUBLIC_BASE}/L/{point.code}".upper()] * 3


def test_a_preview_of_an_impossible_job_is_a_400_not_a_broken_image(client, staff):
    for query in (
        "count=0",
        "count=5&skip=12&layout=12up",
        "count=abc",
        "count=1&location_id=9999",
        "count=1&offset_x_mm=30&layout=12up",
        "count=5&page=9",
    ):
        response = client.get(f"/print/preview.png?{query}")
        assert response.status_code == 400, query
        assert response.mimetype == "text/plain"


# ---- links from the assembly page ------------------------------------------------------------


@pytest.fixture
def assembly(items, storeroom, donate):
    """An assembly of 5 packages; its record id."""
    donate(10, item=items.pack)
    donate(10, item=items.leaflet)
    return operations.assemble_packages(storeroom.id, items.package, 5, idempotency_key=None).record_id


def test_a_link_from_an_assembly_prefills_the_count_and_the_batch_names_the_assembly(
    client, staff, point, public_base, assembly
):
    page = client.get(f"/print/?assembly={assembly}")
    assert input_value(page, "count") == "5"  # what the assembly made
    page = client.get(f"/print/?assembly={assembly}&count=７")
    assert input_value(page, "count") == "7"
    assert input_value(page, "assembly_record_id") == str(assembly)
    client.post("/print/", data=print_form(point.id, count=5, assembly_record_id=assembly))
    assert only_batch().assembly_record_id == assembly


def test_a_link_to_an_assembly_that_does_not_exist_says_so_and_prints_unlinked(client, staff, public_base):
    page = client.get("/print/?assembly=4242&count=3")
    assert page.status_code == 200 and form_errors(page)
    forged = client.post("/print/", data=print_form(None, assembly_record_id=4242))
    assert forged.status_code == 200 and form_errors(forged)
    assert batch_count() == 0


# ---- placards and calibration ----------------------------------------------------------------


def test_a_volunteer_can_download_a_placard_but_cannot_open_the_label_print_page(
    client, auth, point, public_base, tmp_path
):
    volunteer = auth.login_as("volunteer")
    assert client.get("/print/").status_code == 403
    page = client.get(f"/print/placard/{point.id}")
    assert page.status_code == 200
    preview = client.get(f"/print/placard/{point.id}/preview.png")
    assert preview.mimetype == "image/png"
    response = client.post(
        f"/print/placard/{point.id}",
        data=dict(layout="a5", offset_x_mm="0", offset_y_mm="0", idempotency_key=key(), action="download"),
    )
    assert response.mimetype == "application/pdf" and pdf_pages(response.data, tmp_path) == 1
    assert qr_texts(response.data, tmp_path) == [f"{PUBLIC_BASE}/L/{point.code}".upper()]
    batch = only_batch()
    assert (batch.product, batch.location_id, batch.created_by, batch.count) == (
        "placard",
        point.id,
        volunteer.id,
        1,
    )


def test_anonymous_visitors_are_sent_to_sign_in(client, point):
    for url in ("/print/", f"/print/placard/{point.id}", "/print/preview.png", "/print/calibration.pdf"):
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.headers["Location"], url


def test_a_retired_locations_placard_is_not_printed(client, staff, point, public_base):
    catalog.set_location_active(point.id, False)
    page = client.get(f"/print/placard/{point.id}")
    assert page.status_code == 200 and form_errors(page)
    response = client.post(
        f"/print/placard/{point.id}", data=dict(layout="a5", idempotency_key=key(), action="download")
    )
    assert response.mimetype == "text/html" and batch_count() == 0
    assert client.get("/print/placard/9999").status_code == 404


def test_the_calibration_page_downloads_for_a_layout_and_an_offset(client, staff, tmp_path):
    page = client.get("/print/calibration?layout=44up&offset_x_mm=-0.5&offset_y_mm=１")
    body = page.get_data(as_text=True)
    assert page.status_code == 200 and 'src="/print/calibration.png?' in body
    pdf = client.get("/print/calibration.pdf?layout=44up&offset_x_mm=-0.5&offset_y_mm=１")
    assert pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF")
    assert pdf_pages(pdf.data, tmp_path) == 1
    refused = client.get("/print/calibration?layout=12up&offset_x_mm=40")
    assert refused.status_code == 200 and form_errors(refused)
    assert client.get("/print/calibration.pdf?layout=12up&offset_x_mm=40").status_code == 400


def test_the_print_page_is_in_the_staff_menu(client, staff):
    assert 'href="/print/"' in client.get("/").get_data(as_text=True)


def test_the_assembly_result_links_to_printing_its_labels_and_locations_to_their_placard(
    client, auth, items, storeroom, point, donate
):
    from inventory.stock import operations

    donate(5, item=items.pack)
    donate(5, item=items.leaflet)
    result = operations.assemble_packages(storeroom.id, items.package, 5, idempotency_key=None)
    auth.login_as("staff")
    page = client.get(f"/stock/assemble/{result.record_id}").get_data(as_text=True)
    assert f"/print/?assembly={result.record_id}&amp;count=5" in page
    assert f"/print/placard/{point.id}" in client.get(f"/stock/locations/{point.id}").get_data(as_text=True)
