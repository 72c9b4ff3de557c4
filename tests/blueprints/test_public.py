"""The page behind every QR code: support for visitors, nothing stored about them."""

import re

import sqlalchemy as sa

from inventory.core.db import db
from inventory.rounds.models import SupportPageScan
from inventory.stock import catalog
from inventory.stock.models import StockMovement


def scans_of(location):
    db.session.rollback()
    return db.session.scalar(
        sa.select(sa.func.coalesce(sa.func.sum(SupportPageScan.count), 0)).where(
            SupportPageScan.location_id == location.id
        )
    )


def test_a_visitor_sees_the_support_page_with_no_cookie_and_no_external_urls(client, point):
    response = client.get(f"/l/{point.code}")
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers
    assert 'href="tel:0157573190"' in body
    assert "ひとりで悩まないで" in body
    external = [
        url
        for url in re.findall(r'(?:href|src|action)="([^"]+)"', body)
        if url.startswith(("http:", "https:", "//"))
    ]
    assert external == []


def test_each_visit_adds_one_to_the_days_anonymous_counter(client, point):
    for _ in range(3):
        client.get(f"/l/{point.code}")
    assert scans_of(point) == 3
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SupportPageScan)) == 1


def test_a_scan_is_stored_when_answered_so_a_restart_loses_none(app, client, point):
    client.get(f"/l/{point.code}")
    client.get(f"/L/{point.code}")
    with app.app_context():
        db.engine.dispose()  # as a worker that stopped: nothing of it is left but the database
    assert scans_of(point) == 2


def test_a_head_request_is_not_counted_as_a_scan(client, point):
    assert client.head(f"/l/{point.code}").status_code == 200
    assert scans_of(point) == 0


def test_crawlers_and_link_previews_are_not_counted_but_phones_are(client, point):
    for agent in [
        "Googlebot/2.1 (+http://www.google.com/bot.html)",
        "facebookexternalhit/1.1",
        "Slackbot-LinkExpanding 1.0",
        "curl/8.5.0",
        "python-requests/2.32",
    ]:
        assert client.get(f"/l/{point.code}", headers={"User-Agent": agent}).status_code == 200
    assert scans_of(point) == 0
    phone = "Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 Line/14.9.0"
    client.get(f"/l/{point.code}", headers={"User-Agent": phone})
    assert scans_of(point) == 1


def test_codes_match_whatever_the_case_or_width(client, point):
    assert client.get(f"/l/{point.code.lower()}").status_code == 200
    full_width = point.code.translate({c: c + 0xFEE0 for c in range(0x21, 0x7F)})
    assert client.get(f"/l/{full_width}").status_code == 200


def test_a_retired_location_still_shows_the_support_content(client, point):
    catalog.set_location_active(point.id, False)
    response = client.get(f"/l/{point.code}")
    assert response.status_code == 200
    assert "tel:0157573190" in response.get_data(as_text=True)
    assert scans_of(point) == 0  # retired codes are not counted as reach of a placement


def test_an_unknown_code_gets_a_friendly_404_with_the_consultation_window(client):
    for code in ["ZZZZZZZ", "x", "<script>", "1" * 500]:
        response = client.get(f"/l/{code}")
        assert response.status_code == 404
        body = response.get_data(as_text=True)
        assert "tel:0157573190" in body and "<script>" not in body


def test_a_scan_never_changes_stock(client, auth, point, donate):
    donate(10)
    before = db.session.scalar(sa.select(sa.func.count()).select_from(StockMovement))
    client.get(f"/l/{point.code}")
    auth.login_as("volunteer")
    client.get(f"/l/{point.code}")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(StockMovement)) == before


def test_the_volunteer_link_leads_to_login_and_back_to_the_location(client, make_user, point):
    body = client.get(f"/l/{point.code}").get_data(as_text=True)
    assert f'href="/login?next=/l/{point.code}"' in body
    user = make_user("volunteer")
    response = client.post(
        f"/login?next=/l/{point.code}", data={"login": user.username, "password": "correct-horse-battery"}
    )
    assert response.headers["Location"] == f"/l/{point.code}"
    page = client.get(f"/l/{point.code}").get_data(as_text=True)
    assert point.name in page and point.spot in page


def test_the_support_page_speaks_english_when_asked(client, point):
    body = client.get(f"/l/{point.code}?lang=en").get_data(as_text=True)
    assert "You are not alone." in body


def test_the_upper_case_url_printed_in_qr_codes_works(client, point):
    assert client.get(f"/L/{point.code}").status_code == 200


def test_volunteers_on_their_rounds_are_not_counted_as_reach(client, auth, point):
    auth.login_as("volunteer")
    client.get(f"/l/{point.code}")
    assert scans_of(point) == 0
