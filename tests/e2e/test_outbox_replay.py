"""The phone's outbox: a visit saved offline leaves it only once the server has confirmed its key.

Against a live server with CSRF checks on (as in production): an expired login, a closed
browser, server errors, a refused key, a damaged entry and two tabs sending at once.
"""

import json
import threading
from datetime import timedelta
from urllib.parse import quote

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect
from werkzeug.serving import make_server

from inventory.accounts.models import LoginSession
from inventory.core.clock import utcnow
from inventory.core.db import db, unit_of_work
from inventory.rounds import visits
from inventory.rounds.models import RestockVisit
from inventory.stock import operations
from tests.conftest import PASSWORD, make_app

pytestmark = pytest.mark.e2e

STORE = "tsunagari.outbox"
COUNTED, ADDED = "残っていた数（数えた数）", "補充した数"


@pytest.fixture
def server(database_url):
    """The app on a free port, with CSRF protection on as in production."""
    app = make_app(database_url, WTF_CSRF_ENABLED=True)
    http = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=http.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{http.server_port}"
    http.shutdown()
    thread.join(timeout=5)
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def round_ready(make_user, items, storeroom, donate):
    """Forty packages in the storeroom and a volunteer to carry them."""
    donate(40, item=items.pack)
    donate(40, item=items.leaflet)
    operations.assemble_packages(storeroom.id, items.package, 40, idempotency_key=None)
    make_user("volunteer", username="round-walker")


def visit_count():
    db.session.rollback()
    return db.session.scalar(sa.select(sa.func.count()).select_from(RestockVisit))


def sign_in(page, server, code, remember=False):
    page.goto(f"{server}/login?next=/l/{code}")
    fill_sign_in(page, remember)
    page.wait_for_url(f"{server}/l/{code}")


def fill_sign_in(page, remember=False):
    page.get_by_label("ユーザー名またはメールアドレス").fill("round-walker")
    page.get_by_label("パスワード").fill(PASSWORD)
    if remember:
        page.get_by_label("このスマートフォンでログインしたままにする（30日間）").check()
    page.get_by_role("button", name="ログイン").click()


def save_offline(page, counted="3", added="5"):
    page.context.set_offline(True)
    page.get_by_label(COUNTED).fill(counted)
    page.get_by_label(ADDED).fill(added)
    page.get_by_role("button", name="記録する").click()
    page.get_by_text("このスマートフォンに保存しました").wait_for()


def outbox(page):
    return page.evaluate(f"JSON.parse(localStorage.getItem('{STORE}') || '[]')")


def wait_until_outbox_empty(page, timeout=15000):
    page.wait_for_function(f"() => (localStorage.getItem('{STORE}') || '[]') === '[]'", timeout=timeout)


def test_a_visit_saved_when_the_login_ended_offline_waits_for_sign_in_and_is_sent_once(
    server, phone, round_ready, point
):
    sign_in(phone, server, point.code)
    save_offline(phone)
    db.session.rollback()
    with unit_of_work() as session:  # the login ends meanwhile (timed out, or ended elsewhere)
        session.execute(sa.update(LoginSession).values(ended_at=utcnow()))

    phone.context.set_offline(False)
    status = phone.locator("#sync-status")
    expect(status).to_contain_text("サインインすると送信します（1 件）", timeout=15000)
    expect(phone.get_by_role("link", name="未送信 1 件")).to_be_visible()
    assert "送信しました" not in status.inner_text()
    assert len(outbox(phone)) == 1 and visit_count() == 0

    status.get_by_role("link", name="ログイン").click()
    fill_sign_in(phone)
    phone.wait_for_url(f"{server}/l/{point.code}")
    expect(phone.locator("#sync-status")).to_contain_text("送信しました", timeout=15000)
    assert outbox(phone) == []
    expect(phone.get_by_role("link", name="未送信 1 件")).to_be_hidden()
    assert visit_count() == 1
    latest = visits.last_visit(point.id)
    assert (latest.counted, latest.added) == (3, 5)


def test_a_visit_saved_before_the_browser_was_closed_is_sent_once_with_the_remember_cookie(
    server, phone, round_ready, point
):
    sign_in(phone, server, point.code, remember=True)
    save_offline(phone)
    context = phone.context
    phone.close()  # the browser closes: its session cookie (and the CSRF token it held) is gone
    kept = [cookie for cookie in context.cookies() if cookie["name"] != "session"]
    assert any(cookie["name"] == "remember_token" for cookie in kept)
    context.clear_cookies()
    context.add_cookies(kept)

    context.set_offline(False)
    page = context.new_page()
    page.goto(f"{server}/rounds/outbox")
    wait_until_outbox_empty(page)
    expect(page.get_by_text("未送信の記録はありません")).to_be_visible()
    assert visit_count() == 1


def test_server_errors_are_retried_until_the_visit_is_recorded_once(server, phone, round_ready, point):
    answers = []

    def fail_twice(route):
        answers.append(route.request.method)
        if len(answers) <= 2:
            route.fulfill(status=500, body="Internal Server Error")
        else:
            route.continue_()

    sign_in(phone, server, point.code)
    phone.route("**/api/v1/visits", fail_twice)
    save_offline(phone)
    phone.context.set_offline(False)
    expect(phone.locator("#sync-status")).to_contain_text("まだ送信できていません", timeout=10000)
    assert visit_count() == 0 and len(outbox(phone)) == 1
    expect(phone.locator("#sync-status")).to_contain_text("送信しました", timeout=20000)
    assert len(answers) == 3
    assert outbox(phone) == []
    assert visit_count() == 1


def test_a_visit_whose_key_was_used_for_another_visit_waits_under_needs_attention(
    server, phone, round_ready, point, tmp_path
):
    sign_in(phone, server, point.code)
    save_offline(phone, counted="3", added="5")
    key = outbox(phone)[0]["key"]
    db.session.rollback()
    visits.record_visit(point.id, counted=1, added=0, idempotency_key=key)  # the key, other content
    assert visit_count() == 1

    phone.context.set_offline(False)
    phone.wait_for_function(
        f"() => JSON.parse(localStorage.getItem('{STORE}'))[0].state === 'attention'", timeout=15000
    )
    assert "送信しました" not in phone.locator("#sync-status").inner_text()
    phone.get_by_role("link", name="未送信 1 件").click()
    phone.wait_for_url(f"{server}/rounds/outbox")
    attention = phone.locator("#outbox-attention")
    expect(attention).to_contain_text("市役所")
    expect(attention).to_contain_text("残数 3、補充 5")
    expect(attention).to_contain_text("同じ送信キーが別の記録に使われています")
    phone.screenshot(path=str(tmp_path / "outbox-needs-attention-390.png"), full_page=True)
    phone.evaluate("window.TsunagariQueue.flush(true)")  # sending again leaves it where it is
    assert len(outbox(phone)) == 1

    phone.once("dialog", lambda dialog: dialog.accept())
    attention.get_by_role("button", name="破棄する").click()
    expect(phone.get_by_text("破棄しました。")).to_be_visible()
    assert outbox(phone) == []
    assert visit_count() == 1


def test_an_offline_save_keeps_the_visit_on_the_form_in_view_and_a_second_entry_asks_first(
    server, phone, round_ready, point, tmp_path
):
    sign_in(phone, server, point.code)
    other_tab = phone.context.new_page()
    other_tab.goto(f"{server}/l/{point.code}")
    save_offline(phone, counted="3", added="5")

    status = phone.locator("#sync-status")
    expect(status).to_be_in_viewport()
    assert status.get_attribute("aria-live") == "polite"
    expect(phone.get_by_label(COUNTED)).to_have_value("3")
    expect(phone.get_by_label(ADDED)).to_have_value("5")
    expect(phone.get_by_role("button", name="記録する")).to_be_disabled()
    expect(phone.get_by_role("link", name="未送信 1 件")).to_be_visible()
    phone.bring_to_front()
    phone.screenshot(path=str(tmp_path / "restock-saved-offline-390.png"))

    asked = []

    def answer(dialog):
        asked.append(dialog.message)
        dialog.dismiss()

    other_tab.once("dialog", answer)
    other_tab.get_by_label(COUNTED).fill("3")
    other_tab.get_by_label(ADDED).fill("5")
    other_tab.get_by_role("button", name="記録する").click()
    for _ in range(50):  # the dialog is answered by the handler above
        if asked:
            break
        other_tab.wait_for_timeout(100)
    assert len(asked) == 1 and "記録済みです" in asked[0]
    assert len(outbox(phone)) == 1
    expect(other_tab.get_by_role("button", name="記録する")).to_be_enabled()

    phone.context.set_offline(False)
    wait_until_outbox_empty(phone)
    assert visit_count() == 1


def test_two_tabs_sending_the_outbox_at_the_same_time_record_the_visit_once(
    server, phone, round_ready, point
):
    sign_in(phone, server, point.code)
    other_tab = phone.context.new_page()
    other_tab.goto(f"{server}/rounds/outbox")
    save_offline(phone)
    assert len(outbox(other_tab)) == 1

    held, statuses = [], []

    def hold_until_both(route):
        held.append(route)
        if len(held) == 2:  # both tabs read the outbox and sent the visit before either heard back
            for waiting in held:
                waiting.continue_()

    phone.context.route("**/api/v1/visits", hold_until_both)
    phone.context.on(
        "response",
        lambda response: statuses.append(response.status) if "/api/v1/visits" in response.url else None,
    )
    phone.context.set_offline(False)
    wait_until_outbox_empty(phone)
    other_tab.wait_for_function("() => document.querySelector('#outbox-empty').hidden === false")
    assert len(held) == 2 and sorted(statuses) == [200, 201]
    assert visit_count() == 1


def test_a_damaged_outbox_entry_is_shown_for_attention_and_the_good_ones_are_still_sent(
    server, phone, round_ready, point
):
    sign_in(phone, server, point.code)
    save_offline(phone)
    phone.evaluate(
        f"""() => {{
          const list = JSON.parse(localStorage.getItem('{STORE}'));
          list.unshift('garbage', {{key: 5, counted: 'lots'}});
          localStorage.setItem('{STORE}', JSON.stringify(list));
        }}"""
    )
    phone.context.set_offline(False)
    phone.goto(f"{server}/rounds/outbox")
    phone.wait_for_function(f"() => JSON.parse(localStorage.getItem('{STORE}')).length === 2", timeout=15000)
    attention = phone.locator("#outbox-attention > li")
    expect(attention).to_have_count(2)
    expect(attention.first).to_contain_text("壊れているため送信できません")
    expect(phone.get_by_role("link", name="未送信 2 件")).to_be_visible()
    assert visit_count() == 1

    phone.evaluate(f"localStorage.setItem('{STORE}', '{{not json')")  # unreadable as a whole
    phone.reload()
    expect(phone.locator("#outbox-attention > li")).to_have_count(1)
    expect(phone.locator("#outbox-attention")).to_contain_text("{not json")
    assert visit_count() == 1


def test_a_visit_queued_by_the_earlier_version_of_the_phone_page_is_sent_once(
    server, phone, round_ready, storeroom, point
):
    sign_in(phone, server, point.code)
    stale = "stale-token-from-a-page-of-last-week"
    yesterday = (utcnow() - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    old_entry = {
        "url": f"{server}/l/{point.code}/visit",
        "key": "legacy-visit-key-0001",
        "savedAt": yesterday,
        "body": f"csrf_token={stale}&idempotency_key=legacy-visit-key-0001"
        f"&occurred_at={quote(yesterday)}&counted=%EF%BC%94&added=6&note=&storeroom_id={storeroom.id}",
    }
    phone.evaluate(
        "(value) => localStorage.setItem('tsunagari.pending-visits', value)", json.dumps([old_entry])
    )
    phone.goto(f"{server}/rounds/outbox")
    wait_until_outbox_empty(phone)
    assert phone.evaluate("localStorage.getItem('tsunagari.pending-visits')") is None
    assert visit_count() == 1
    latest = visits.last_visit(point.id)
    assert (latest.counted, latest.added) == (4, 6)
