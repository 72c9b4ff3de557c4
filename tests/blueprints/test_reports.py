"""Report pages: they render for staff, carry their numbers and charts, and turn bad input into messages."""

import csv
import io
import xml.etree.ElementTree as ET

import pytest
from flask_babel import force_locale

from blueprints.reports.names import COLUMN_NAMES
from inventory.reports import exports
from tests.inventory.test_reports import build_year

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture
def year(items, storeroom, make_location):
    """The fixed fiscal year 2025 of tests/inventory/test_reports.py."""
    return build_year(items, storeroom, make_location)


@pytest.fixture
def staff(auth):
    return auth.login_as("staff")


def svgs(html: str) -> list[ET.Element]:
    """Every inline SVG of a page, parsed as XML (so each must be well-formed)."""
    found, start = [], 0
    while (start := html.find("<svg", start)) != -1:
        end = html.index("</svg>", start) + len("</svg>")
        found.append(ET.fromstring(html[start:end]))
        start = end
    return found


@pytest.mark.parametrize(
    "path",
    [
        "/reports/",
        "/reports/fiscal-year",
        "/reports/fiscal-year?year=2025",
        "/reports/fiscal-year?year=２０２５",
        "/reports/export",
        "/reports/locations/{hall}",
        "/reports/fiscal-year?year=2025&bogus=1",
    ],
)
def test_each_report_page_renders_for_staff(client, staff, year, path):
    response = client.get(path.format(hall=year.hall.id))
    assert response.status_code == 200, path
    html = response.get_data(as_text=True)
    assert "<h1>" in html and "style=" not in html


def test_report_pages_render_on_an_empty_database(client, staff):
    for path in ("/reports/", "/reports/fiscal-year", "/reports/fiscal-year?year=2000"):
        assert client.get(path).status_code == 200, path


def test_the_fiscal_year_report_shows_both_year_names_the_kpi_table_and_a_chart_with_its_numbers(
    client, staff, year
):
    html = client.get("/reports/fiscal-year?year=2025&lang=ja").get_data(as_text=True)
    assert "Reiwa 7 (FY2025)" in html or "令和7年度" in html
    assert "42.0%" in html and "75.0%" in html  # placed 42 (net of 3 brought back) of 100, sent 3 of 4
    assert "9,000" in html and "2,700" in html
    [chart] = svgs(html)
    assert chart.find(f"{SVG}title").text
    values = sorted(float(bar.get("data-value")) for bar in chart.iter(f"{SVG}rect") if bar.get("data-value"))
    assert values == sorted([100, 60, 30, 10, 20, 15, 10, 2, 1])


def test_the_dashboard_and_the_location_page_draw_well_formed_charts(client, staff, year):
    assert len(svgs(client.get("/reports/").get_data(as_text=True))) == 1
    charts = svgs(client.get(f"/reports/locations/{year.hall.id}").get_data(as_text=True))
    assert len(charts) == 2


@pytest.mark.parametrize("query", ["year=1800", "year=3000", "year=abc", "year=-5"])
def test_an_absurd_year_gets_a_clear_message(client, staff, query):
    response = client.get(f"/reports/fiscal-year?{query}")
    assert response.status_code == 400
    assert 'class="error"' in response.get_data(as_text=True)


def test_an_unknown_location_is_404(client, staff):
    assert client.get("/reports/locations/999").status_code == 404


def download(client, url):
    """Fetch a streamed CSV, read after the request has finished (as a browser would)."""
    response = client.get(url)
    assert response.is_streamed or response.status_code != 200
    return response


def read_csv(response, encoding="utf-8-sig"):
    return list(csv.reader(io.StringIO(response.get_data().decode(encoding), newline="")))


def test_the_fiscal_year_csv_has_every_section(client, staff, year):
    response = download(client, "/reports/fiscal-year.csv?year=2025&lang=en")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.get_data().startswith(b"\xef\xbb\xbf")
    rows = read_csv(response)
    assert rows[0][0] == "Fiscal-year report (annex to the report of results)"
    assert ["Packs placed at placement points", "Output", "100", "42", "42.0%", "0", "42"] in rows
    assert ["Total", "42", "13"] in [
        row[:1] + row[2:] for row in rows if row[:1] == ["Total"] and len(row) == 4
    ]


@pytest.mark.parametrize("dataset", exports.DATASETS)
@pytest.mark.parametrize("lang", ["ja", "en"])
def test_each_export_is_a_csv_with_a_bom_and_headers_in_the_ui_language(
    app, client, staff, year, dataset, lang
):
    response = download(
        client, f"/reports/export?dataset={dataset}&since=2025-04-01&until=2026-03-31&lang={lang}"
    )
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    assert response.get_data().startswith(b"\xef\xbb\xbf")
    rows = read_csv(response)
    with app.test_request_context(), force_locale(lang):
        assert rows[0] == [str(COLUMN_NAMES[column]) for column in exports.COLUMNS[dataset]]
    assert all(len(row) == len(rows[0]) for row in rows)
    assert "山田" not in response.get_data().decode("utf-8-sig")  # the donor's name stays inside


def test_the_movement_export_counts_every_movement_of_the_year(client, staff, year):
    rows = read_csv(download(client, "/reports/export?dataset=movements&since=2025-04-01&until=2026-03-31"))
    assert (
        len(rows) - 1 == 21
    )  # 2 + 3 assembly + 1 + 1 + 1 + 1 reversal + 2 + 5 transfers + 1 reversal + 2 taken + 1 back + 2 given
    assert rows[1][1].startswith("2025-04-10 00:00")


def test_shift_jis_replacement_is_reported_in_the_file(
    client, staff, items, storeroom, make_location, donate
):
    from inventory.stock import operations

    hall = make_location("other", "𠮷田公民館")
    donate(5, item=items.package)
    operations.transfer_stock(storeroom.id, hall.id, [(items.package, 1)], idempotency_key=None)
    response = download(client, "/reports/export?dataset=movements&encoding=cp932")
    assert response.status_code == 200 and "shift_jis" in response.headers["Content-Type"]
    rows = read_csv(response, "cp932")
    assert "〓田公民館" in rows[2]
    assert rows[-1][0] == "〓" and "U+20BB7" in rows[-1][1]


@pytest.mark.parametrize(
    "query",
    [
        "dataset=movements&since=2026-04-01&until=2025-04-01",  # reversed
        "dataset=movements&since=0001-01-01",  # absurd
        "dataset=movements&since=2026-02-30",  # no such day
        "dataset=people",  # unknown dataset
        "dataset=movements&encoding=latin-1",  # unsupported encoding
    ],
)
def test_bad_export_filters_get_a_clear_message_not_a_file(client, staff, query):
    response = download(client, f"/reports/export?{query}")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert 'class="error"' in html and response.mimetype == "text/html"


def test_a_bad_encoding_for_the_fiscal_year_csv_is_a_message(client, staff):
    response = download(client, "/reports/fiscal-year.csv?year=2025&encoding=ebcdic")
    assert response.status_code == 400 and response.mimetype == "text/html"


def test_volunteers_and_schools_cannot_see_reports(client, auth):
    auth.login_as("volunteer")
    assert client.get("/reports/").status_code == 403
    assert download(client, "/reports/export?dataset=movements").status_code == 403


def test_staff_see_reports_in_the_menu_and_on_the_home_page(client, staff):
    html = client.get("/").get_data(as_text=True)
    assert html.count('href="/reports/"') >= 2
