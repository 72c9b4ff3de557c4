"""A live server on a free port and Debian's Chromium driven by Playwright."""

import os
import shutil
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from tests.conftest import make_app

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
HERE = Path(__file__).parent


def pytest_collection_modifyitems(items):
    """Mark every test here slow (a live server, a browser), so `make test-fast` leaves them out."""
    for item in items:
        if HERE in item.path.parents:
            item.add_marker(pytest.mark.slow)


@pytest.fixture
def live_server(database_url):
    """Serve the app on 127.0.0.1 in a thread; yields its base URL."""
    app = make_app(database_url)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)
    from inventory.core.db import db

    with app.app_context():
        # Close the server's pooled connections now: left to the garbage collector, each one is a
        # ResourceWarning, which pytest.ini turns into an error.
        db.engine.dispose()


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium, headless; the test tool never downloads a browser of its own."""
    if not os.path.exists(CHROMIUM):
        pytest.skip(
            "Chromium not found: apt-get install chromium (or set CHROMIUM_PATH) to run the browser tests"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def phone(browser):
    """A page the size of a phone (390×844), in Japanese."""
    context = browser.new_context(
        viewport={"width": 390, "height": 844},
        locale="ja-JP",
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
    )
    page = context.new_page()
    yield page
    context.close()
