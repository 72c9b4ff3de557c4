"""The staff home shows what is waiting, and the menu counts new requests for staff."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from inventory.core.db import db
from inventory.requests import services as requests
from tests.ledger_fixtures import fresh_key


def waiting_figure(html: str, title: str) -> int:
    """The big number in front of a 'waiting' card's title."""
    match = re.search(r'<span class="figure">(\d+)</span>\s*<strong>' + re.escape(title), html)
    assert match, f"no waiting card for {title}"
    return int(match.group(1))


@pytest.mark.parametrize("role", ["staff", "admin"])
def test_the_staff_home_counts_new_requests_and_the_menu_shows_the_same_badge(
    client, auth, role, mail_request
):
    auth.login_as(role)
    first, second = mail_request(), mail_request()
    html = client.get("/").get_data(as_text=True)
    assert waiting_figure(html, "新しい依頼") == 2
    # The bar, the phone menu's button and its link.
    assert html.count('<span class="count" aria-hidden="true">2</span>') == 3
    assert "（新しい依頼 2 件）" in html

    requests.cancel_request(first, reason="重複", idempotency_key=fresh_key())
    html = client.get("/").get_data(as_text=True)
    assert waiting_figure(html, "新しい依頼") == 1
    requests.cancel_request(second, reason="重複", idempotency_key=fresh_key())
    html = client.get("/").get_data(as_text=True)
    assert waiting_figure(html, "新しい依頼") == 0
    assert 'class="count"' not in html  # no badge once nothing is new


def test_the_staff_home_names_a_location_found_empty_and_low_storeroom_stock(
    client, auth, items, storeroom, point, packages
):
    from inventory.rounds import visits

    staff = auth.login_as("staff")
    packages(3)  # fewer than the package item's threshold of 30
    visits.record_visit(
        point.id, counted=0, added=0, storeroom_id=storeroom.id, recorded_by=staff.id, idempotency_key=None
    )
    html = client.get("/").get_data(as_text=True)
    assert waiting_figure(html, "巡回が必要な場所") == 1
    assert "市役所" in html and "空" in html
    assert waiting_figure(html, "倉庫で少ないもの") >= 1
    assert "パッケージ" in html or "袋" in html


@pytest.mark.parametrize("role", ["volunteer", "school"])
def test_volunteers_and_schools_see_no_request_badge_and_no_count_is_run(client, auth, role, mail_request):
    auth.login_as(role)
    mail_request()
    statements: list[str] = []

    def record(conn, cursor, statement, *args):
        statements.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", record)
    try:
        html = client.get("/", follow_redirects=True).get_data(as_text=True)
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", record)
    assert 'class="count"' not in html
    # The badge's COUNT (one total, no grouping) is not run for them at all.
    badge = [
        s for s in statements if "pack_request" in s and "count(" in s.lower() and "group by" not in s.lower()
    ]
    assert badge == []


def test_the_menu_badge_costs_one_count_query_on_a_staff_page(client, auth, mail_request):
    auth.login_as("staff")
    mail_request()
    statements: list[str] = []

    def record(conn, cursor, statement, *args):
        statements.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", record)
    try:
        html = client.get("/stock/items").get_data(as_text=True)
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", record)
    assert '<span class="count" aria-hidden="true">1</span>' in html
    counts = [
        s for s in statements if "pack_request" in s and "count(" in s.lower() and "group by" not in s.lower()
    ]
    assert len(counts) == 1


def test_the_admin_menu_fits_one_row_by_grouping_stock_and_administration(client, auth):
    auth.login_as("admin")
    html = client.get("/").get_data(as_text=True)
    bar = html[html.index('<nav class="nav-bar"') : html.index("</nav>")]
    top_level = re.findall(r"^        <li>", bar, flags=re.M)
    assert len(top_level) <= 8
    assert bar.count('<details class="nav-group">') == 2
    assert "アカウント" in bar and "品目" in bar  # still reachable, inside the groups


def test_the_volunteer_home_leads_to_the_round_plan_with_how_many_places_are_due(
    client, auth, storeroom, point, packages
):
    from inventory.rounds import visits

    volunteer = auth.login_as("volunteer")
    packages(3)
    visits.record_visit(
        point.id,
        counted=0,
        added=0,
        storeroom_id=storeroom.id,
        recorded_by=volunteer.id,
        idempotency_key=None,
    )
    html = client.get("/").get_data(as_text=True)
    assert 'href="/rounds">巡回計画：巡回が必要な場所 1 か所</a>' in html
