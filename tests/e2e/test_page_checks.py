"""Every page of every role, checked by axe-core (accessibility) and the Nu HTML Checker (validity).

The pages are those of test_layout_phone (the URL map, by the access matrix, with real records),
opened in Chromium at 1366 px after their scripts ran. axe-core comes with the
axe-playwright-python wheel; the Nu HTML Checker is vnu.jar from npm's `vnu-jar`, run once per
role over every page's HTML (it needs Java; `make test` fetches the jar when npm and Java are
there). A missing tool skips its test with the reason.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import threading
from pathlib import Path

import pytest

from tests.conftest import make_app
from tests.e2e.test_layout_phone import ROLES, pages_of, samples, sign_in  # noqa: F401 (samples is a fixture)

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).parents[2]
VNU_JAR = Path(os.environ.get("VNU_JAR") or ROOT / ".venv/vnu/node_modules/vnu-jar/build/dist/vnu.jar")
BLOCKING = {"serious", "critical"}


@pytest.fixture
def checked_server(database_url):
    """The live server of conftest.py, with CSRF on as in production (a page's tokens are checked too)."""
    from werkzeug.serving import make_server

    from inventory.core.db import db

    app = make_app(database_url, WTF_CSRF_ENABLED=True)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def desk(browser):
    """A page the size of an office PC's screen (1366×900), in Japanese."""
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="ja-JP")
    page = context.new_page()
    yield page
    context.close()


def once_on_sqlite(database) -> None:
    """The pages are the same HTML whatever the database: check them once (a few minutes a run)."""
    if database.backend != "sqlite":
        pytest.skip("the same pages as on SQLite, checked there once")


def visit_pages(app, live_server, page, role, samples):  # noqa: F811
    """Yield (label, page) for every HTML page this role may open, signed in as that role."""
    users, values, by_endpoint = samples
    if role != "anonymous":
        sign_in(page, live_server, users[role])
    for endpoint, url in pages_of(app, role, values, by_endpoint):
        response = page.goto(f"{live_server}{url}")
        if "text/html" not in (response.headers.get("content-type") or ""):
            continue
        assert response.status < 400, url
        page.wait_for_load_state("load")
        yield f"{endpoint} {url}", page


@pytest.mark.parametrize("role", ROLES)
def test_no_page_has_a_serious_or_critical_accessibility_finding(
    app,
    database,
    checked_server,
    desk,
    samples,  # noqa: F811
    role,
):
    once_on_sqlite(database)
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    findings, checked = {}, 0
    for label, page in visit_pages(app, checked_server, desk, role, samples):
        checked += 1
        results = axe.run(page)
        bad = [
            f"{v['id']} ({v['impact']}): {[node['target'] for node in v['nodes']][:3]}"
            for v in results.response["violations"]
            if v["impact"] in BLOCKING
        ]
        if bad:
            findings[label] = bad
    assert checked, f"no page checked for {role}"
    assert not findings, "\n".join(f"{page}: {bad}" for page, bad in findings.items())


def _java() -> str | None:
    return shutil.which("java")


@pytest.mark.parametrize("role", ROLES)
def test_every_page_is_valid_html(app, database, checked_server, desk, samples, role, tmp_path):  # noqa: F811
    once_on_sqlite(database)
    if not _java():
        pytest.skip("Java not found: apt-get install default-jre-headless to run the Nu HTML Checker")
    if not VNU_JAR.exists():
        pytest.skip(f"vnu.jar not found at {VNU_JAR}: `make test` installs npm's vnu-jar there (needs npm)")
    files = {}
    for index, (label, page) in enumerate(visit_pages(app, checked_server, desk, role, samples)):
        path = tmp_path / f"page{index}.html"
        # The document after its scripts ran (restock.js changes inputs), as the checker would see it.
        path.write_text(page.content(), encoding="utf-8")
        files[str(path)] = label
    assert files, f"no page checked for {role}"
    run = subprocess.run(
        [_java(), "-jar", str(VNU_JAR), "--format", "json", "--stdout", "--errors-only", *files],
        capture_output=True,
        text=True,
        timeout=300,
    )
    messages = json.loads(run.stdout or "{}").get("messages", [])
    errors = {}
    for message in messages:
        page = files.get(message.get("url", "").removeprefix("file:"), message.get("url"))
        errors.setdefault(page, []).append(f"{message.get('lastLine')}: {message['message']}")
    assert not errors, "\n".join(f"{page}: {found}" for page, found in errors.items())
