"""The fiscal-year report printed on A4: tables and the chart fit the page; a screenshot to look at."""

import shutil
from pathlib import Path

import pytest

from tests.conftest import PASSWORD
from tests.inventory.test_reports import build_year

pytestmark = pytest.mark.e2e

A4_WIDTH_PX = 794  # 210 mm at 96 dpi
SHOTS = Path("/tmp/report-shots")


def test_the_fiscal_year_report_prints_on_a4_with_nothing_cut_off(
    live_server, browser, app, make_user, items, storeroom, make_location, tmp_path
):
    build_year(items, storeroom, make_location)
    make_user("staff", username="office", display_name="事務局")
    context = browser.new_context(viewport={"width": A4_WIDTH_PX, "height": 1123}, locale="ja-JP")
    page = context.new_page()
    page.goto(f"{live_server}/login")
    page.fill("input[name=login]", "office")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server}/")
    page.goto(f"{live_server}/reports/fiscal-year?year=2025")
    page.emulate_media(media="print")
    # Printed, the menu and the form are gone, and nothing is wider than the page.
    assert not page.locator("header.site").is_visible()
    assert not page.locator("form.filters").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= A4_WIDTH_PX
    widths = page.evaluate(
        "[...document.querySelectorAll('table, svg.chart')].map(e => e.getBoundingClientRect().right)"
    )
    assert widths and max(widths) <= A4_WIDTH_PX
    shot = tmp_path / "fiscal-year-a4-print.png"
    page.screenshot(path=str(shot), full_page=True)
    pdf = tmp_path / "fiscal-year-a4.pdf"
    page.pdf(path=str(pdf), format="A4", print_background=True)
    assert shot.stat().st_size > 10_000 and pdf.read_bytes().startswith(b"%PDF")
    SHOTS.mkdir(exist_ok=True)
    shutil.copy(shot, SHOTS / shot.name)
    shutil.copy(pdf, SHOTS / pdf.name)
    context.close()
