"""The year-end report the city accepts: closing (確定), CSV safety, the PDF, the fixes of issue 15."""

import csv
import html as html_module
import io
import re
from datetime import date

import pytest
import sqlalchemy as sa
from flask_babel import force_locale

from inventory.core.db import db
from inventory.reports import exports
from inventory.reports.errors import YearClosed
from inventory.reports.models import FiscalYearClosing, FiscalYearEvent, FiscalYearNote
from inventory.stock import catalog, operations, receipts, reversal
from tests import pdf_tools
from tests.inventory.test_reports import at_jst, build_year
from tests.inventory.test_reports_closing import build_reconciled_year

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@pytest.fixture
def admin(auth):
    return auth.login_as("admin")


def csv_bytes(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response.get_data()


def rows_of(data: bytes, encoding="utf-8-sig"):
    return list(csv.reader(io.StringIO(data.decode(encoding), newline="")))


def closing_rows():
    db.session.rollback()
    return (
        db.session.scalar(sa.select(sa.func.count()).select_from(FiscalYearClosing)),
        db.session.scalar(sa.select(sa.func.count()).select_from(FiscalYearEvent)),
    )


def test_a_closed_year_stays_byte_for_byte_the_same_after_a_reversal_and_a_backdated_donation(
    client, admin, items, storeroom, point, make_location
):
    donation = receipts.receive_donation(
        storeroom.id, date(2024, 6, 1), [(items.pack, 322)], donor_kind="company", idempotency_key=None
    )
    operations.transfer_stock(
        storeroom.id, point.id, [(items.pack, 5)], occurred_at=at_jst(2024, 7, 1), idempotency_key=None
    )
    assert client.post("/reports/fiscal-year/2024/close", data={"reason": "市へ提出済み"}).status_code == 302
    urls = [
        "/reports/fiscal-year.csv?year=2024",
        "/reports/fiscal-year.csv?year=2024&encoding=cp932",
    ]
    filed = [csv_bytes(client, url) for url in urls]
    page = client.get("/reports/fiscal-year?year=2024&lang=en").get_data(as_text=True)
    assert "Closed (final) on" in page and admin.username in page
    # A reversal in the open year, a donation dated back into the closed one (refused), a renamed
    # location and a new pads-per-pack setting: the filed report cannot change.
    operations.transfer_stock(point.id, storeroom.id, [(items.pack, 5)], idempotency_key=None)
    reversal.reverse_record(donation.record_id, occurred_at=at_jst(2026, 12, 1), idempotency_key=None)
    with pytest.raises(YearClosed):
        receipts.receive_donation(
            storeroom.id, date(2024, 12, 1), [(items.pack, 17)], donor_kind="individual", idempotency_key=None
        )
    catalog.update_location(point.id, kind=point.kind, name="改名した拠点")
    from inventory.settings import organisation

    organisation.update_settings(pads_per_pack=25, project_name="後から変えた事業名")
    assert [csv_bytes(client, url) for url in urls] == filed
    assert "322" in filed[0].decode("utf-8-sig")
    # The open year books the correction, naming it a donation of minus 322.
    rows = rows_of(csv_bytes(client, "/reports/fiscal-year.csv?year=2026&lang=en"))
    assert ["Donated", "-322", "-6440", "0"] in rows  # the sources table; FY2025 beside it had none


def test_closing_needs_an_admin_an_ended_year_and_a_meaningful_year(client, auth, app):
    auth.login_as("staff")
    assert client.post("/reports/fiscal-year/2024/close", data={}).status_code == 403
    auth.logout()
    auth.login_as("admin")
    this_year = date.today().year
    response = client.post(f"/reports/fiscal-year/{this_year}/close", data={}, follow_redirects=True)
    assert "has not ended yet" in response.get_data(as_text=True) or "まだ終わって" in response.get_data(
        as_text=True
    )
    assert client.post("/reports/fiscal-year/1999/close", data={}).status_code == 404
    assert client.get("/reports/fiscal-year/2024/close").status_code == 405
    assert (
        client.post(
            "/reports/fiscal-year/2024/reopen", data={"reason": "x"}, follow_redirects=True
        ).status_code
        == 200
    )
    assert closing_rows() == (0, 0)


def test_reopening_needs_a_reason_and_is_logged(client, admin):
    client.post("/reports/fiscal-year/2024/close", data={})
    response = client.post("/reports/fiscal-year/2024/reopen", data={"reason": ""}, follow_redirects=True)
    assert response.status_code == 200 and closing_rows() == (1, 1)
    client.post("/reports/fiscal-year/2024/reopen", data={"reason": "寄付の記録漏れ"})
    assert closing_rows() == (0, 2)
    page = client.get("/reports/fiscal-year?year=2024").get_data(as_text=True)
    assert "寄付の記録漏れ" in page


def test_notes_written_by_an_admin_are_in_the_page_the_csv_and_the_pdf(client, admin):
    client.post("/reports/fiscal-year/2025/notes", data={"notes": "=市の監査で確認済み"})
    page = client.get("/reports/fiscal-year?year=2025").get_data(as_text=True)
    assert "=市の監査で確認済み" in page
    rows = rows_of(csv_bytes(client, "/reports/fiscal-year.csv?year=2025"))
    assert ["'=市の監査で確認済み"] in rows  # neutralised like every cell
    pdf = client.get("/reports/fiscal-year.pdf?year=2025").get_data()
    assert "市の監査で確認済み" in pdf_tools.text(pdf)
    client.post("/reports/fiscal-year/2024/close", data={})
    client.post("/reports/fiscal-year/2024/notes", data={"notes": "後から"}, follow_redirects=True)
    db.session.rollback()
    assert db.session.get(FiscalYearNote, 2024) is None


@pytest.fixture
def formula_data(items, storeroom, make_location):
    """Staff-typed text that a spreadsheet would run: in names, vendors, receipt numbers."""
    from inventory.rounds import visits

    hall = make_location("city_hall", '=HYPERLINK("http://evil.example","x")', spot="@SUM(A1)")
    item = catalog.create_item("+危険な品目", "package", "袋", pads_per_unit=20)
    receipts.receive_donation(
        storeroom.id, date(2025, 5, 1), [(item.id, 30)], donor_kind="individual", idempotency_key=None
    )
    receipts.record_purchase(
        storeroom.id,
        date(2025, 5, 2),
        [(item.id, 5, 100)],
        vendor="-cmd|' /C calc'!A0",
        receipt_number="\t=1+1",
        funding="grant",
        idempotency_key=None,
    )
    operations.transfer_stock(
        storeroom.id, hall.id, [(item.id, 3)], occurred_at=at_jst(2025, 5, 3), idempotency_key=None
    )
    visits.record_visit(
        hall.id, counted=1, added=0, max_age=None, occurred_at=at_jst(2025, 5, 4), idempotency_key=None
    )
    return hall


def assert_no_live_formula(rows):
    cells = [cell for row in rows for cell in row]
    assert not [cell for cell in cells if cell.startswith(FORMULA_STARTS)]
    return cells


@pytest.mark.parametrize("dataset", exports.DATASETS)
def test_formula_cells_are_neutralised_in_every_csv_dataset(client, auth, formula_data, dataset):
    auth.login_as("staff")
    data = csv_bytes(client, f"/reports/export?dataset={dataset}&since=2025-04-01&until=2026-03-31")
    cells = assert_no_live_formula(rows_of(data))
    if dataset in ("movements", "visits"):
        assert any(cell.startswith("'=HYPERLINK") for cell in cells)
    if dataset == "purchases":
        assert "'-cmd|' /C calc'!A0" in cells and "'=1+1" in cells  # the tab was trimmed on entry


def test_formula_cells_are_neutralised_in_the_fiscal_year_csv(client, auth, formula_data):
    auth.login_as("staff")
    for encoding in ("utf-8", "cp932"):
        data = csv_bytes(client, f"/reports/fiscal-year.csv?year=2025&encoding={encoding}")
        cells = assert_no_live_formula(rows_of(data, "utf-8-sig" if encoding == "utf-8" else "cp932"))
        assert any(cell.startswith("'=HYPERLINK") for cell in cells)
        assert "'+危険な品目" in cells


def test_neutralise_leaves_numbers_and_plain_text_alone():
    assert exports.neutralise(-3) == -3
    assert exports.neutralise("北見市") == "北見市"
    assert [exports.neutralise(s) for s in ("=1", "+1", "-1", "@a", "\tx", "\rx")] == [
        "'=1",
        "'+1",
        "'-1",
        "'@a",
        "'\tx",
        "'\rx",
    ]


NUMBER = re.compile(r"^[+−-]?[\d,]+(\.\d+)?%?$")


def table_cells(html: str, section: str) -> list[str]:
    """The text of every cell of one report section of the page."""
    start = html.index(f'class="report-section section-{section}"')
    end = html.index("</section>", start)
    return [
        html_module.unescape(re.sub(r"<[^>]+>", "", cell)).strip()
        for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", html[start:end], flags=re.S)
    ]


def test_the_server_pdf_carries_the_figures_of_the_page(client, admin, items, storeroom, point):
    build_reconciled_year(items, storeroom, point)
    html = client.get("/reports/fiscal-year?year=2025").get_data(as_text=True)
    response = client.get("/reports/fiscal-year.pdf?year=2025")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    pdf = response.get_data()
    assert pdf_tools.page_count(pdf) >= 2
    text = pdf_tools.text(pdf)
    squeezed = re.sub(r"\s+", "", text)
    assert "ページ" in text or "Page" in text  # page numbers
    for section in (
        "kpi",
        "provision",
        "sources",
        "reconciliation",
        "received",
        "costs",
        "purchases",
        "monthly",
    ):
        cells = table_cells(html, section)
        numbers = [cell for cell in cells if NUMBER.match(cell)]
        assert numbers, section
        for cell in cells:
            assert re.sub(r"\s+", "", cell) in squeezed, (section, cell)
    # The reconciliation as computed by hand, in both.
    recon = table_cells(html, "reconciliation")
    assert recon[
        recon.index("生理用品パック（約20個入り）") + 1 : recon.index("生理用品パック（約20個入り）") + 10
    ] == ["100", "70", "-30", "0", "0", "3", "0", "-2", "135"]
    assert [font.embedded and font.subset for font in pdf_tools.fonts(pdf)] == [True]


@pytest.mark.parametrize("query", ["year=1999", "year=abc", "year=2101"])
@pytest.mark.parametrize(
    "path", ["/reports/fiscal-year", "/reports/fiscal-year.csv", "/reports/fiscal-year.pdf"]
)
def test_a_report_for_a_year_nobody_means_is_a_clear_message(client, auth, path, query):
    auth.login_as("staff")
    response = client.get(f"{path}?{query}&lang=en")
    assert response.status_code == 400 and response.mimetype == "text/html"
    assert "Please choose a year between 2000 and 2100" in response.get_data(as_text=True) or (
        "whole number" in response.get_data(as_text=True).lower()
    )


def test_2019_is_reiwa_gannen(app):
    from blueprints.i18n import fiscal_year_label

    with app.test_request_context(), force_locale("ja"):
        assert fiscal_year_label(2019) == "令和元年度（2019年度）"
        assert fiscal_year_label(2020) == "令和2年度（2020年度）"
    with app.test_request_context(), force_locale("en"):
        assert fiscal_year_label(2019) == "Reiwa 1 (gannen) (FY2019)"


def test_the_requests_csv_names_the_status_in_the_ui_language(client, auth, app):
    from inventory.requests import services as requests

    auth.login_as("staff")
    made = requests.create_individual_request(
        quantity=1, channel="phone", delivery="office", idempotency_key="status-key-000001"
    )
    requests.cancel_request(made.request_id, reason="重複", idempotency_key="status-key-000002")
    rows = rows_of(csv_bytes(client, "/reports/export?dataset=requests&lang=en"))
    assert rows[1][rows[0].index("Status")] == "Cancelled"
    rows = rows_of(csv_bytes(client, "/reports/export?dataset=requests&lang=ja"))
    assert rows[1][7] == "キャンセル"


def test_channel_and_delivery_rows_include_zeros_in_a_fixed_order_and_days_are_right_aligned(
    client, auth, items, storeroom, make_location
):
    auth.login_as("staff")
    build_year(items, storeroom, make_location)
    html = client.get("/reports/fiscal-year?year=2025&lang=en").get_data(as_text=True)
    channels = table_cells(html, "channels")
    labels = [channels[i] for i in range(3, len(channels) - 3, 3)]
    assert labels == ["Phone", "LINE", "E-mail", "Web form", "Drop-in cafe", "In person"]
    delivery = table_cells(html, "delivery")
    assert [delivery[i] for i in range(3, len(delivery) - 3, 3)] == [
        "Mailed",
        "Handed over at the office",
        "Handed over at the cafe",
        "Picked up",
    ]
    school = html[html.index("section-school_requests") :]
    assert re.search(r'<td class="num">—</td>', school)
    assert "Apr 2025" in html and "Mar 2026" in html  # month labels carry the year
