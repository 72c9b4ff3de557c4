"""On a phone: a visitor taps "the packs here have run out", and finds /where. No cookie at all."""

import os
from pathlib import Path

import pytest
import sqlalchemy as sa

from inventory.core.db import db
from inventory.rounds.models import EmptyReport

pytestmark = pytest.mark.e2e


def shots(tmp_path) -> Path:
    """Where screenshots go: E2E_SCREENSHOTS if set (to look at them), else the test's temp folder."""
    folder = Path(os.environ.get("E2E_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def test_a_visitor_reports_the_packs_gone_in_one_tap_and_keeps_no_cookie(live_server, phone, point, tmp_path):
    phone.goto(f"{live_server}/l/{point.code}")
    button = phone.get_by_role("button", name="ここのパックがなくなっています")
    assert button.is_visible() and phone.get_by_role("button", name="残りわずかです").is_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    phone.screenshot(path=str(shots(tmp_path) / "support-buttons-390.png"), full_page=True)
    button.click()
    phone.wait_for_url(f"{live_server}/l/{point.code}/reported")
    assert phone.get_by_role("heading", name="ありがとうございます。伝えました。").is_visible()
    assert phone.get_by_role("link", name="電話する 0157-57-3190").is_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    phone.screenshot(path=str(shots(tmp_path) / "report-thanks-390.png"), full_page=True)
    assert phone.context.cookies() == []
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(EmptyReport)) == 1


def test_where_on_a_phone_lists_the_public_places_by_area(live_server, phone, make_location, tmp_path):
    make_location(
        "city_hall",
        "北見市役所",
        spot="2階 女子トイレ",
        area="北見市中心部",
        address="北見市大通西2丁目1",
        opening_hours="平日 8:45〜17:30",
    )
    make_location(
        "university", "看護大学", spot="1階 女子トイレ", area="緑ヶ丘", opening_hours="平日 8:30〜18:00"
    )
    make_location("elementary_school", "北見小学校", area="北見市中心部")
    phone.goto(f"{live_server}/where")
    assert phone.get_by_role("heading", name="北見市中心部").is_visible()
    assert phone.get_by_text("北見小学校").count() == 0
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    phone.screenshot(path=str(shots(tmp_path) / "where-390.png"), full_page=True)
    assert phone.context.cookies() == []
