"""A volunteer's round on a phone: scan, sign in, record; then record once more without signal."""

import pytest
import sqlalchemy as sa

from inventory.core.db import db
from inventory.rounds import visits
from inventory.rounds.models import RestockVisit
from inventory.stock import operations
from tests.conftest import PASSWORD

pytestmark = pytest.mark.e2e


def visit_count():
    db.session.rollback()
    return db.session.scalar(sa.select(sa.func.count()).select_from(RestockVisit))


def test_a_visit_saved_offline_is_sent_once_when_the_phone_is_back_online(
    live_server, phone, make_user, items, storeroom, point, donate, tmp_path
):
    donate(40, item=items.pack)
    donate(40, item=items.leaflet)
    operations.assemble_packages(storeroom.id, items.package, 40, idempotency_key=None)
    make_user("volunteer", username="round-walker")

    phone.goto(f"{live_server}/l/{point.code}")
    phone.get_by_role("link", name="ボランティアの方はこちらからログイン").click()
    phone.get_by_label("ユーザー名またはメールアドレス").fill("round-walker")
    phone.get_by_label("パスワード").fill(PASSWORD)
    phone.get_by_role("button", name="ログイン").click()
    phone.wait_for_url(f"{live_server}/l/{point.code}")
    phone.screenshot(path=str(tmp_path / "restock-form-390.png"), full_page=True)
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390

    phone.get_by_label("残っていた数（数えた数）").fill("0")
    phone.get_by_label("補充した数").fill("10")
    phone.get_by_role("button", name="記録する").click()
    phone.wait_for_url("**/visits/*")
    assert phone.get_by_role("heading", name="記録しました。ありがとうございます！").is_visible()
    phone.screenshot(path=str(tmp_path / "restock-done-390.png"), full_page=True)
    assert visit_count() == 1

    phone.goto(f"{live_server}/l/{point.code}")
    phone.context.set_offline(True)
    phone.get_by_label("残っていた数（数えた数）").fill("４")  # full-width, as a phone keyboard may type
    phone.get_by_label("補充した数").fill("6")
    asked = []
    phone.once("dialog", lambda dialog: asked.append(dialog.message) or dialog.accept())
    phone.get_by_role("button", name="記録する").click()  # the visit a minute ago: asked first
    phone.get_by_text("このスマートフォンに保存しました").wait_for()
    assert len(asked) == 1
    phone.screenshot(path=str(tmp_path / "restock-offline-390.png"), full_page=True)
    assert visit_count() == 1

    phone.context.set_offline(False)
    phone.get_by_text("送信しました").wait_for(timeout=15000)
    assert visit_count() == 2
    latest = visits.last_visit(point.id)
    assert (latest.counted, latest.added) == (4, 6)
    phone.evaluate("window.TsunagariQueue.flush()")  # a second flush has nothing left to send
    assert visit_count() == 2
