"""Every page of every role on a 390 px phone: nothing may scroll sideways.

The pages come from the app's URL map (every GET rule a role may open, by the access matrix of
tests/blueprints/test_access.py), opened with ids of real records made here. Files (PDF, PNG,
CSV, JSON, the service worker) are not pages and are left out by their content type.
"""

from datetime import date, timedelta

import pytest

from inventory.printing import batches as printing
from inventory.printing.batches import PrintJob
from inventory.requests import services as requests
from inventory.rounds import visits
from inventory.settings.organisation import fiscal_year_of
from inventory.stock import operations, receipts
from tests.blueprints.test_access import ACCESS, PUBLIC
from tests.conftest import PASSWORD

pytestmark = pytest.mark.e2e

ROLES = ["anonymous", "admin", "staff", "volunteer", "school"]
# Not pages: files, JSON, the service worker.
NOT_PAGES = {"static", "rounds.service_worker", "rounds.csrf_token", "main.healthz"}
FILES = (".pdf", ".png", ".csv", ".json", ".js")


TABLE_SCROLLS_BY = """(() => {
  const box = document.querySelector('.table-wrap');
  return box.scrollWidth - box.clientWidth;
})()"""


def overflow_of(page) -> int:
    """How many CSS pixels the page is wider than the screen (0: no sideways scrolling)."""
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


@pytest.fixture
def samples(app, make_user, items, storeroom, point, packages, donate, mail_request, school_of):
    """Real records for every id a page takes, and one user of each role."""
    admin = make_user("admin", username="layout-admin")
    users = {
        "admin": admin,
        "staff": make_user("staff", username="layout-staff"),
        "volunteer": make_user("volunteer", username="layout-volunteer"),
        "school": school_of(point, username="layout-school"),
    }
    packages(30)
    donate(5, item=items.leaflet)
    yesterday = date.today() - timedelta(days=1)
    donation = receipts.receive_donation(
        storeroom.id, yesterday, [(items.pack, 5)], donor_kind="individual", idempotency_key=None
    )
    purchase = receipts.record_purchase(
        storeroom.id, yesterday, [(items.pack, 10, 120)], vendor="薬局", funding="grant", idempotency_key=None
    )
    assembly = operations.assemble_packages(storeroom.id, items.package, 5, idempotency_key=None)
    visit = visits.record_visit(
        point.id,
        counted=0,
        added=5,
        storeroom_id=storeroom.id,
        recorded_by=users["volunteer"].id,
        idempotency_key=None,
    )
    refill = requests.create_refill_request(
        point.id, quantity=3, note="2階のトイレ", requested_by=users["school"].id, idempotency_key=None
    )
    batch = printing.record_batch(
        PrintJob(location_id=point.id, count=2), base_url="https://pack.example.jp", idempotency_key=None
    )
    values = {
        "user_id": admin.id,
        "fiscal_year": fiscal_year_of(date.today()),
        "code": point.code,
        "item_id": items.pack,
        "location_id": point.id,
        "record_id": donation.record_id,
        "batch_id": batch.batch_id,
        "visit_id": visit.visit_id,
        "request_id": mail_request(),
    }
    # Some pages want a record of their own kind.
    by_endpoint = {
        "stock.purchase": {"record_id": purchase.record_id},
        "stock.assembly_result": {"record_id": assembly.record_id},
        "requests.school_request_page": {"request_id": refill.request_id},
    }
    return users, values, by_endpoint


def pages_of(app, role: str, values: dict, by_endpoint: dict) -> list[tuple[str, str]]:
    """(endpoint, url) of every GET page this role may open."""
    from flask import url_for

    pages = []
    for rule in sorted(app.url_map.iter_rules(), key=lambda rule: rule.rule):
        allowed = ACCESS.get(rule.endpoint)
        if "GET" not in rule.methods or rule.endpoint in NOT_PAGES or rule.endpoint.startswith("api."):
            continue
        if rule.rule.endswith(FILES):
            continue
        if allowed is None or not (allowed == PUBLIC or (role != "anonymous" and role in allowed)):
            continue
        args = {name: values[name] for name in rule.arguments} | by_endpoint.get(rule.endpoint, {})
        args = {name: args[name] for name in rule.arguments}
        with app.test_request_context():
            pages.append((rule.endpoint, url_for(rule.endpoint, **args)))
    return pages


def sign_in(page, live_server, user):
    page.goto(f"{live_server}/login")
    page.get_by_label("ユーザー名またはメールアドレス").fill(user.username)
    page.get_by_label("パスワード").fill(PASSWORD)
    page.get_by_role("button", name="ログイン").click()
    page.wait_for_url(lambda url: "/login" not in url)


def wide_pages(app, live_server, phone, role, samples):
    """{page: overflow px} of every page this role may open."""
    users, values, by_endpoint = samples
    if role != "anonymous":
        sign_in(phone, live_server, users[role])
    wide, seen = {}, 0
    for endpoint, url in pages_of(app, role, values, by_endpoint):
        response = phone.goto(f"{live_server}{url}")
        if "text/html" not in (response.headers.get("content-type") or ""):
            continue  # a PDF, an image, a CSV download
        assert response.status < 400, url
        seen += 1
        if overflow_of(phone) > 0:
            wide[f"{endpoint} {url}"] = overflow_of(phone)
    assert seen, f"no page checked for {role}"
    return wide


@pytest.mark.parametrize("role", ROLES)
def test_no_page_scrolls_sideways_on_a_phone(app, live_server, phone, samples, role):
    assert wide_pages(app, live_server, phone, role, samples) == {}


def test_the_round_plan_is_cards_with_the_carry_list_on_top(app, live_server, phone, samples, make_location):
    users, _, _ = samples
    make_location(
        "elementary_school",
        "北見市立東小学校 第二体育館横 多目的トイレ（車いす対応）",
        spot="1階",
        target_level=12,
    )
    make_location("city_hall", "端野総合支所", target_level=6)
    sign_in(phone, live_server, users["volunteer"])
    phone.goto(f"{live_server}/rounds")
    checkbox = phone.locator(".round-plan td.pick label").first
    box = checkbox.bounding_box()
    assert box["width"] >= 44 and box["height"] >= 44
    checkbox.click()
    phone.get_by_role("button", name="選んだ拠点の持ち物リストを作る").click()
    phone.wait_for_url("**/rounds?location=*")
    carry = phone.locator(".carry-list")
    table = phone.locator(".round-plan")
    assert carry.bounding_box()["y"] < table.bounding_box()["y"]
    assert overflow_of(phone) <= 0
    # Not even the table's own scroll box scrolls: each location is a card as wide as the screen.
    assert phone.evaluate(TABLE_SCROLLS_BY) <= 0
    assert table.locator("thead").is_hidden() or table.locator("thead").bounding_box()["height"] <= 1
    phone.screenshot(path="/tmp/plan390.png", full_page=True)
