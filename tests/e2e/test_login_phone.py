"""A volunteer signs in on a phone and lands on a Japanese home page."""

import pytest

from tests.conftest import PASSWORD

pytestmark = pytest.mark.e2e


def test_volunteer_signs_in_on_a_phone_and_sees_the_home_page_in_japanese(
    live_server, phone, make_user, tmp_path
):
    make_user("volunteer", username="sakura", display_name="さくら")
    phone.goto(f"{live_server}/login")
    phone.screenshot(path=str(tmp_path / "login-390.png"), full_page=True)
    assert phone.get_by_role("heading", name="ログイン").is_visible()
    phone.get_by_label("ユーザー名またはメールアドレス").fill("sakura")
    phone.get_by_label("パスワード").fill(PASSWORD)
    phone.get_by_label("このスマートフォンでログインしたままにする（30日間）").check()
    phone.get_by_role("button", name="ログイン").click()
    phone.wait_for_url(f"{live_server}/")
    assert phone.get_by_role("heading", name="今日もご協力ありがとうございます").is_visible()
    phone.screenshot(path=str(tmp_path / "home-390.png"), full_page=True)
    assert (tmp_path / "home-390.png").stat().st_size > 1000
    # Nothing overflows sideways on a phone.
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
