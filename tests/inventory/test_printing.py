"""The print service: the printed texts, and batches recorded once, only when the PDF rendered."""

import pytest
import sqlalchemy as sa

import labels
from inventory.core.db import db
from inventory.core.errors import InvalidQuantity
from inventory.printing import batches as printing
from inventory.printing.batches import PrintJob
from inventory.printing.models import LabelBatch
from inventory.settings import organisation as settings
from inventory.stock import catalog
from inventory.stock.errors import RetiredLocation, UnknownLocation, UnknownRecord

BASE = "https://pack.example.jp"


def batches() -> int:
    db.session.rollback()
    return db.session.scalar(sa.select(sa.func.count()).select_from(LabelBatch))


def record(job, **kwargs):
    kwargs.setdefault("idempotency_key", None)
    return printing.record_batch(job, base_url=BASE, **kwargs)


def test_a_package_label_carries_the_japanese_texts_and_the_consultation_phone(app, point):
    label = printing.package_label_for(point, settings.get_settings(), BASE)
    assert label.url == f"HTTPS://PACK.EXAMPLE.JP/L/{point.code}"
    assert label.headline == "困っていませんか？"
    assert label.lines == ("相談無料・秘密厳守・匿名OK", "☎ 0157-57-3190", "平日 9:00〜17:30")


def test_a_general_label_leads_to_the_support_page(app):
    label = printing.package_label_for(None, settings.get_settings(), BASE + "/")
    assert label.url == BASE + "/support"


def test_a_placard_names_the_place_the_window_and_the_volunteers_way_in(app, point):
    placard = printing.placard_for(point, settings.get_settings(), BASE)
    assert (placard.location_name, placard.spot, placard.code) == ("市役所", "2階 女子トイレ", point.code)
    assert placard.public_line == "相談窓口のご案内 0157-57-3190"
    assert placard.volunteer_line == "補充の方はスキャンしてください"


def test_a_leaflet_card_uses_every_contact_in_the_settings(app):
    settings.update_settings(
        line_contact="@tsunagari", email_contact="soudan@example.jp", cafe_text="毎週水曜"
    )
    card = printing.leaflet_card_for(settings.get_settings(), BASE)
    assert (card.phone, card.line_id, card.email, card.cafe) == (
        "電話 0157-57-3190",
        "LINE @tsunagari",
        "soudan@example.jp",
        "毎週水曜",
    )


def test_a_recorded_batch_can_be_rendered_again_from_what_was_stored(app, point):
    job = PrintJob(
        location_id=point.id,
        layout="custom",
        count=3,
        skip=1,
        offset_x_mm=0.25,
        offset_y_mm=-1,
        custom=dict(label_width_mm=70, label_height_mm=42.3, columns=3, rows=7, left_mm=0, top_mm=0),
    )
    result = record(job, note="  first run ")
    batch = printing.get_batch(result.batch_id)
    assert (batch.offset_x_tenths, batch.offset_y_tenths, batch.note) == (2, -10, "first run")
    again = printing.job_of(batch)
    assert again.custom == job.custom and again.count == 3 and again.skip == 1
    assert printing.render_job_pdf(again, base_url=BASE).startswith(b"%PDF")
    assert printing.job_of(batch, skip=5, offset_mm=(1.0, 0.0)).skip == 5


def test_the_same_key_records_one_batch_and_another_job_with_it_records_another(app, point):
    job = PrintJob(location_id=point.id, count=2)
    first, second = record(job, idempotency_key="k" * 32), record(job, idempotency_key="k" * 32)
    assert first.batch_id == second.batch_id and second.replayed
    record(PrintJob(location_id=point.id, count=4), idempotency_key="k" * 32)
    assert batches() == 2


@pytest.mark.parametrize("count", [0, -1, 2001, "20", None, True])
def test_a_count_outside_1_to_2000_records_nothing(app, point, count):
    with pytest.raises(InvalidQuantity):
        record(PrintJob(location_id=point.id, count=count))
    assert batches() == 0


def test_a_retired_or_unknown_location_records_nothing(app, point):
    catalog.set_location_active(point.id, False)
    with pytest.raises(RetiredLocation):
        record(PrintJob(location_id=point.id))
    with pytest.raises(UnknownLocation):
        record(PrintJob(location_id=9999))
    assert batches() == 0


@pytest.mark.parametrize(
    "job",
    [
        PrintJob(layout="12up", skip=12),
        PrintJob(layout="12up", offset_x_mm=25),
        PrintJob(layout="44up", count=1, product="placard"),
        PrintJob(
            layout="custom",
            custom=dict(label_width_mm=100, label_height_mm=40, columns=3, rows=1, left_mm=0, top_mm=0),
        ),
    ],
    ids=["skip a sheet", "offset off the page", "placard on a tiny label", "custom too wide"],
)
def test_a_job_the_renderer_refuses_records_nothing(app, point, job):
    if job.product == "placard":
        job = PrintJob(**{**job.__dict__, "location_id": point.id})
    with pytest.raises(labels.LabelError):
        record(job)
    assert batches() == 0


def test_a_batch_links_only_to_an_assembly_record(app, point, donate):
    receipt = donate(5)
    with pytest.raises(UnknownRecord):
        record(PrintJob(location_id=point.id), assembly_record_id=receipt.record_id)
    assert batches() == 0


def test_a_batch_for_the_products_standard_sheet_names_that_sheet(app, point):
    for product, sheet in (("package_label", "12up"), ("leaflet_card", "card8"), ("placard", "a5")):
        result = record(PrintJob(product=product, location_id=point.id, count=1))
        assert printing.get_batch(result.batch_id).layout == sheet
