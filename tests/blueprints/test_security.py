"""Safety by default: CSRF, headers, cookies, error pages, request size, bad input."""

import pytest

from tests.conftest import PASSWORD, make_app


@pytest.fixture
def csrf_client(database_url, make_user):
    """A client of an app with CSRF protection on, signed in as an admin."""
    app = make_app(database_url, WTF_CSRF_ENABLED=True)
    admin = make_user("admin", username="csrf-admin")
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    assert (
        client.post(
            "/login", data={"login": admin.username, "password": PASSWORD, "csrf_token": token}
        ).status_code
        == 302
    )
    client.application = app
    return client


# Cookie-free POSTs that carry their own proof instead of the session's CSRF token: the support
# page's report button (a signed, one-time token) and LINE's webhook (the channel's signature).
OWN_PROOF = {"public.report", "alerts.line_webhook"}


def test_every_post_route_refuses_a_request_without_a_csrf_token(csrf_client):
    from flask import url_for

    app = csrf_client.application
    post_rules = [rule for rule in app.url_map.iter_rules() if "POST" in rule.methods]
    assert post_rules
    for rule in post_rules:
        with app.test_request_context():
            url = url_for(rule.endpoint, **{arg: 1 for arg in rule.arguments})
        response = csrf_client.post(url, data={"password": "x" * 20, "locale": "en"})
        if rule.endpoint in OWN_PROOF:
            assert response.status_code in (400, 404), url  # refused: no signed token or signature
            continue
        assert response.status_code == 400, url
        assert "再読み込み" in response.get_data(as_text=True), url
    assert csrf_client.get("/").status_code == 200  # still signed in: nothing happened


def test_security_headers_are_present(client):
    headers = client.get("/login").headers
    assert "script-src 'self'" in headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert "unsafe-inline" not in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert "Strict-Transport-Security" not in headers


def test_over_https_cookies_are_secure_and_hsts_is_sent(client, make_user):
    user = make_user("volunteer")
    response = client.post(
        "/login",
        base_url="https://localhost",
        data={"login": user.username, "password": PASSWORD, "remember": "y"},
    )
    cookies = response.headers.getlist("Set-Cookie")
    assert cookies and all("Secure" in c and "HttpOnly" in c and "SameSite=Lax" in c for c in cookies)
    assert "max-age" in response.headers["Strict-Transport-Security"]


def test_not_found_page_is_friendly_and_in_japanese(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert "ページが見つかりませんでした" in response.get_data(as_text=True)


def test_an_unexpected_error_shows_a_friendly_page_without_a_traceback(database_url):
    app = make_app(database_url, PROPAGATE_EXCEPTIONS=False)

    @app.route("/boom")
    def boom():
        raise RuntimeError("secret internals")

    response = app.test_client().get("/boom")
    body = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Traceback" not in body and "secret internals" not in body
    assert "内容は変更されていません" in body


def test_too_large_requests_are_refused(client):
    response = client.post("/login", data={"login": "x" * (2 * 1024 * 1024), "password": "x"})
    assert response.status_code == 413


def test_health_check_reports_the_database(client):
    assert client.get("/healthz").get_json() == {"status": "ok", "database": "ok"}


@pytest.mark.parametrize(
    "login", ["", "x" * 10_000, "ｔａｒｏ\x00", "\u202etaro", "太郎" * 200, "' OR 1=1 --"]
)
def test_strange_login_input_gets_a_message_not_an_error(client, make_user, login):
    make_user("staff", username="taro")
    response = client.post("/login", data={"login": login, "password": "whatever-password"})
    assert response.status_code == 200
    assert client.get("/").status_code == 302


def test_a_tampered_session_cookie_is_ignored(client, auth):
    auth.login_as("staff")
    cookie = client.get_cookie("session").value
    client.set_cookie("session", cookie[:-3] + ("AAA" if not cookie.endswith("AAA") else "BBB"))
    assert client.get("/").status_code == 302


def test_a_tampered_remember_cookie_is_ignored(app, client):
    client.set_cookie("remember_token", "1|deadbeef")
    assert client.get("/").status_code == 302


def test_database_errors_never_repeat_the_values_sent(app):
    import sqlalchemy as sa

    from inventory.core.db import db

    with pytest.raises(sa.exc.DBAPIError) as caught:
        db.session.execute(
            sa.text("INSERT INTO user (id, username) VALUES (:id, :name)"),
            {"id": "not-a-number", "name": "北見市青葉町1-1 山田花子"},
        )
    db.session.rollback()
    assert "山田花子" not in str(caught.value)
