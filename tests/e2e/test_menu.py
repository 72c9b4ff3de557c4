"""The menu: one row on an office PC, a folded menu on a phone, and the new-request badge."""

from __future__ import annotations

import pytest

from tests.e2e.test_layout_phone import overflow_of, samples, sign_in  # noqa: F401 (samples is a fixture)

pytestmark = pytest.mark.e2e


@pytest.fixture
def desk(browser):
    """A page the size of an office PC's screen (1366×900), in Japanese."""
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="ja-JP")
    page = context.new_page()
    yield page
    context.close()


def test_the_admin_menu_is_one_row_at_1366_px_with_the_badge(live_server, desk, samples):  # noqa: F811
    users, _, _ = samples
    sign_in(desk, live_server, users["admin"])
    bar = desk.locator("nav.nav-bar")
    assert bar.is_visible() and desk.locator("details.nav-menu").is_hidden()
    tops = {
        round(box["y"]) for box in (item.bounding_box() for item in bar.locator(":scope > ul > li").all())
    }
    assert len(tops) == 1  # every entry on one row
    assert bar.locator(".count").inner_text() == "2"  # the samples' mailed request and school refill
    bar.locator("summary", has_text="管理").click()
    bar.get_by_role("link", name="アカウント").click()
    desk.wait_for_url("**/admin/users")


def test_the_phone_menu_is_folded_and_opens_without_sideways_scrolling(live_server, phone, samples):  # noqa: F811
    users, _, _ = samples
    sign_in(phone, live_server, users["admin"])
    assert phone.locator("nav.nav-bar").is_hidden()
    link = phone.locator("details.nav-menu nav").get_by_role("link", name="品目")
    assert link.is_hidden()
    phone.locator("details.nav-menu > summary").click()
    assert link.is_visible()
    assert overflow_of(phone) <= 0
    box = link.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390 and box["height"] >= 44
    link.click()
    phone.wait_for_url("**/stock/items")
