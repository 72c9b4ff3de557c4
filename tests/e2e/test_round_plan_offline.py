"""A whole round without signal: the plan opened online keeps every location's page on the phone.

The placards' QR codes carry `/L/CODE` (upper-case path; the code is case-insensitive and may be
typed full-width); the service worker answers all of them from the one cached page per location.
Signing out deletes those pages, but not the visits still waiting in the offline outbox.
"""

import json
import re
import threading
import time
from pathlib import Path
from urllib.parse import unquote

import pytest
import sqlalchemy as sa
from werkzeug.serving import WSGIRequestHandler, make_server

from inventory.core.db import db
from inventory.rounds.models import RestockVisit
from tests.conftest import PASSWORD, make_app

pytestmark = pytest.mark.e2e

STATIC = Path(__file__).parents[2] / "static"
# ASCII to its full-width form (Ａ-Ｚ, ０-９), as a phone keyboard may type a code.
FULL_WIDTH = {code: code + 0xFEE0 for code in range(0x21, 0x7F)}


def outbox_key() -> str:
    """The localStorage key under which static/offline.js keeps visits not sent yet."""
    match = re.search(r'var STORE = "([^"]+)"', (STATIC / "offline.js").read_text(encoding="utf-8"))
    assert match, 'static/offline.js names its localStorage key in `var STORE = "…"`'
    return match.group(1)


CACHED_PATHS = """async () => {
  const paths = [];
  for (const name of await caches.keys()) {
    const cache = await caches.open(name);
    for (const request of await cache.keys()) { paths.push(new URL(request.url).pathname); }
  }
  return paths;
}"""


class OneRequestPerConnection(WSGIRequestHandler):
    # No keep-alive: once the server is down, no open connection can still answer.
    protocol_version = "HTTP/1.0"


class SwitchableServer:
    """The app on a fixed port that can lose its signal: Playwright's set_offline() does not reach
    the service worker's own fetches, so airplane mode also takes the server down."""

    def __init__(self, app):
        self.app, self.port = app, 0
        self.up()
        self.url = f"http://127.0.0.1:{self.port}"

    def up(self):
        self.server = make_server(
            "127.0.0.1", self.port, self.app, threaded=True, request_handler=OneRequestPerConnection
        )
        self.port = self.server.server_port
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def down(self):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


@pytest.fixture
def server(database_url):
    app = make_app(database_url)
    switchable = SwitchableServer(app)
    yield switchable
    switchable.down()
    with app.app_context():
        db.engine.dispose()


def airplane_mode(page, server, on):
    if on:
        page.context.set_offline(True)
        server.down()
    else:
        server.up()
        page.context.set_offline(False)


def visit_count():
    db.session.rollback()
    return db.session.scalar(sa.select(sa.func.count()).select_from(RestockVisit))


def wait_until(check, timeout=20.0, what="condition"):
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.2)


@pytest.fixture
def round_of_five(make_location, packages):
    """Five placement points (all on the round plan) and packages in the storeroom to add."""
    packages(60)
    return [
        make_location("city_hall", f"拠点{n} 公民館", spot=f"{n}階 多目的トイレ", target_level=8)
        for n in range(1, 6)
    ]


def sign_in_and_open_the_plan(page, live_server, make_user, locations):
    make_user("volunteer", username="round-walker")
    page.goto(f"{live_server}/login")
    page.get_by_label("ユーザー名またはメールアドレス").fill("round-walker")
    page.get_by_label("パスワード").fill(PASSWORD)
    page.get_by_role("button", name="ログイン").click()
    page.wait_for_url(f"{live_server}/")
    page.goto(f"{live_server}/rounds")
    for location in locations:
        # The plan links the same form as the printed QR codes.
        assert page.locator(f'a[href="/L/{location.code}"]').count() == 1
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    wanted = {f"/l/{location.code}" for location in locations} | {"/rounds", "/static/style.css"}
    wait_until(lambda: wanted <= set(page.evaluate(CACHED_PATHS)), what="the round's pages in the SW cache")


def test_every_placard_on_the_plan_opens_and_records_in_airplane_mode(
    server, phone, make_user, round_of_five, tmp_path
):
    live_server = server.url
    sign_in_and_open_the_plan(phone, live_server, make_user, round_of_five)
    airplane_mode(phone, server, True)

    printed = [f"/L/{location.code}" for location in round_of_five]
    # A code is case-insensitive and may come full-width (typed on a phone keyboard).
    printed[1] = f"/L/{round_of_five[1].code.lower()}"
    printed[2] = f"/l/{round_of_five[2].code.translate(FULL_WIDTH)}"
    for location, path in zip(round_of_five, printed, strict=True):
        response = phone.goto(f"{live_server}{path}")
        assert response is not None and response.from_service_worker, path
        assert phone.get_by_role("heading", name=location.name).is_visible()
        assert phone.evaluate("document.documentElement.scrollWidth") <= 390
        phone.get_by_label("残っていた数（数えた数）").fill("2")
        phone.get_by_label("補充した数").fill("6")
        phone.get_by_role("button", name="記録する").click()
        # Saved in the phone's outbox (static/offline.js), not lost to an error page.
        phone.locator("#sync-status").wait_for(state="visible")
        assert unquote(phone.url) == f"{live_server}{path}"
    phone.screenshot(path=str(tmp_path / "restock-offline-5th-390.png"), full_page=True)
    assert visit_count() == 0

    airplane_mode(phone, server, False)
    phone.goto(f"{live_server}/rounds")  # back in signal: the outbox sends what it kept
    wait_until(lambda: visit_count() == 5, what="the five visits to be replayed")


def test_signing_out_deletes_the_cached_round_but_keeps_the_outbox(server, phone, make_user, round_of_five):
    live_server = server.url
    sign_in_and_open_the_plan(phone, live_server, make_user, round_of_five)
    # A visit kept on the phone (one the server refused: it waits until discarded on purpose).
    kept = {
        "key": "e2e-visit-kept-over-logout",
        "location_code": round_of_five[0].code,
        "location_name": round_of_five[0].name,
        "counted": 1,
        "added": 2,
        "flags": [],
        "note": "",
        "occurred_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "saved_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "state": "attention",
    }
    store = outbox_key()
    phone.evaluate("([key, value]) => localStorage.setItem(key, value)", [store, json.dumps([kept])])

    phone.get_by_role("button", name="ログアウト").click()
    phone.wait_for_url(f"{live_server}/login")
    # Nothing of the user's is kept (the login page's stylesheet may be cached again: it is no one's).
    wait_until(
        lambda: not [path for path in phone.evaluate(CACHED_PATHS) if not path.startswith("/static/")],
        what="the SW caches to be deleted",
    )
    outbox = json.loads(phone.evaluate("(key) => localStorage.getItem(key)", store) or "[]")
    assert [entry.get("key") for entry in outbox] == [kept["key"]]

    airplane_mode(phone, server, True)
    location = round_of_five[0]
    try:
        phone.goto(f"{live_server}/L/{location.code}")
    except Exception as error:  # net::ERR_INTERNET_DISCONNECTED / ERR_FAILED: nothing cached
        assert "net::ERR" in str(error)
    assert phone.locator("form[data-offline-form]").count() == 0
    assert location.name not in phone.content()
