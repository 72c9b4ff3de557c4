"""The demo seed: a realistic year recorded through the real services, quickly."""

from __future__ import annotations

import time

from inventory import demo
from inventory.accounts import users as accounts
from inventory.accounts.models import Role
from inventory.reports import dashboard
from inventory.requests import queries as request_queries
from inventory.requests import schools
from inventory.settings.organisation import get_settings
from inventory.stock import catalog
from inventory.stock import queries as stock_queries
from inventory.stock.ledger import verify_balances

PASSWORDS = {role: f"demo-password-{role.value}" for role in Role}


def test_the_demo_seed_records_a_year_that_obeys_the_ledger(app):
    started = time.perf_counter()
    summary = demo.seed(PASSWORDS)
    elapsed = time.perf_counter() - started
    assert "stock records" in summary
    assert verify_balances() == []
    locations = catalog.list_locations()
    assert all(location.name.startswith("【デモ】") for location in locations)
    assert {location.kind for location in locations} >= {
        "storeroom",
        "city_hall",
        "university",
        "elementary_school",
        "junior_high_school",
    }
    assert len(stock_queries.list_donations(limit=200)) >= 24
    assert elapsed < 10  # the target is < 3 s; this only guards against a runaway seed


def test_the_demo_seed_gives_every_role_an_account_that_can_sign_in(app):
    demo.seed(PASSWORDS)
    for role, username, _display in demo.DEMO_ACCOUNTS:
        assert accounts.login(username, PASSWORDS[role], address=None).user.role == role
    assert {user.role for user in accounts.list_users()} == set(Role)


def test_the_demo_school_account_is_linked_to_a_demo_school_location(app):
    demo.seed(PASSWORDS)
    school_user = accounts.find_user("demo-school")
    linked = schools.locations_of(school_user.id)
    assert len(linked) == 1
    assert linked[0].kind == "elementary_school" and linked[0].name.startswith("【デモ】")


def test_the_demo_seed_leaves_work_waiting_on_every_home_page(app):
    demo.seed(PASSWORDS)
    open_requests = request_queries.list_requests(status="open")
    assert {row.request.kind for row in open_requests} == {"refill", "individual"}
    due = dashboard.due_locations()
    assert any(row.open_requests for row in due)  # the school's refill
    assert any(row.expected_now == 0 and not row.overdue for row in due)  # found empty today
    assert any(row.overdue for row in due)  # the round is due


def test_the_demo_sender_name_does_not_say_what_the_parcel_is_for(app):
    demo.seed(PASSWORDS)
    sender = get_settings().sender_name.removeprefix("【デモ】")
    assert sender and not any(word in sender for word in ("女性", "支援", "生理", "パック", "つながり"))
