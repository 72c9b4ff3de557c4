"""The QR page on a phone: visitors get support and no cookie; volunteers sign in and come back."""

import pytest

from tests.conftest import PASSWORD

pytestmark = pytest.mark.e2e


def test_a_visitor_scans_and_a_volunteer_signs_in_from_the_same_page(
    live_server, phone, point, make_user, tmp_path
):
    make_user("volunteer", username="rounds")
    phone.goto(f"{live_server}/l/{point.code.lower()}")
    assert phone.get_by_role("heading", name="ひとりで悩まないでください。").is_visible()
    assert phone.get_by_role("link", name="電話する 0157-57-3190").get_attribute("href") == "tel:0157573190"
    assert phone.context.cookies() == []
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    phone.screenshot(path=str(tmp_path / "support-390.png"), full_page=True)

    phone.get_by_role("link", name="ボランティアの方はこちらからログイン").click()
    phone.get_by_label("ユーザー名またはメールアドレス").fill("rounds")
    phone.get_by_label("パスワード").fill(PASSWORD)
    phone.get_by_role("button", name="ログイン").click()
    phone.wait_for_url(f"{live_server}/l/{point.code}")
    assert phone.get_by_role("heading", name=point.name).is_visible()
    phone.screenshot(path=str(tmp_path / "location-390.png"), full_page=True)
