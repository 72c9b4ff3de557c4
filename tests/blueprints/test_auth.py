"""Signing in and out: credentials, throttling, server-side sessions, remember-me."""

from datetime import timedelta

import pytest

from inventory.accounts import users as accounts
from inventory.accounts.errors import InvalidCredentials, LoginThrottled
from inventory.accounts.models import LoginFailure, LoginSession
from inventory.core.clock import utcnow
from inventory.core.db import db
from tests.conftest import PASSWORD, make_app


def test_login_page_is_in_japanese_by_default(client):
    page = client.get("/login").get_data(as_text=True)
    assert "ログイン" in page
    assert 'lang="ja"' in page


def test_login_by_user_name_or_email_reaches_the_role_home(client, auth, make_user):
    make_user("volunteer", username="hanako", email="hanako@example.jp")
    response = auth.login("HANAKO")
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert "ありがとう" in client.get("/").get_data(as_text=True)
    auth.logout()
    assert auth.login("Hanako@Example.jp").status_code == 302


def test_wrong_password_and_unknown_user_get_the_same_message(client, auth, make_user):
    make_user("staff", username="taro")
    wrong_password = auth.login("taro", "not-the-password").get_data(as_text=True)
    unknown_user = auth.login("nobody", "not-the-password").get_data(as_text=True)
    message = "ユーザー名またはパスワードが正しくありません。"
    assert message in wrong_password and message in unknown_user
    assert client.get("/").status_code == 302


def test_deactivated_account_cannot_sign_in(auth, make_user):
    user = make_user("volunteer")
    accounts.set_active(user.id, False)
    assert auth.login(user.username).status_code == 200


def test_failed_logins_are_throttled_across_two_app_instances(database_url, make_user):
    make_user("staff", username="target")
    first, second = make_app(database_url).test_client(), make_app(database_url).test_client()
    for attempt in range(accounts.THROTTLE_LIMITS["account"]):
        client = first if attempt % 2 else second
        client.post("/login", data={"login": "target", "password": "wrong-password"})
    refused = first.post("/login", data={"login": "target", "password": PASSWORD})
    assert refused.status_code == 200
    assert "しばらく" in refused.get_data(as_text=True) or "分" in refused.get_data(as_text=True)
    assert second.get("/").status_code == 302  # the right password did not get through either


def test_throttling_counts_per_address_for_unknown_names_too(app, make_user):
    make_user("staff", username="victim")
    for n in range(accounts.THROTTLE_LIMITS["address"]):
        with pytest.raises(InvalidCredentials):
            accounts.login(f"guess{n}", "wrong-password", address="203.0.113.9")
    with pytest.raises(LoginThrottled):
        accounts.login("victim", PASSWORD, address="203.0.113.9")
    assert accounts.login("victim", PASSWORD, address="198.51.100.1").user.username == "victim"


def test_throttle_window_passes(app, make_user):
    make_user("staff", username="patient")
    earlier = utcnow() - accounts.THROTTLE_WINDOW - timedelta(minutes=1)
    for _ in range(accounts.THROTTLE_LIMITS["account"]):
        with pytest.raises(InvalidCredentials):
            accounts.login("patient", "wrong-password", address=None, now=earlier)
    user = accounts.login("patient", PASSWORD, address=None).user
    assert db.session.query(LoginFailure).filter_by(scope="account", key=f"user {user.id}").count() == 0


def test_an_account_gets_the_same_five_guesses_by_name_and_by_email_together(app, make_user):
    make_user("staff", username="kimura", email="kimura@example.jp")
    for attempt in range(accounts.THROTTLE_LIMITS["account"]):
        with pytest.raises(InvalidCredentials):
            accounts.login("kimura" if attempt % 2 else "KIMURA@example.jp", "wrong-password", address=None)
    with pytest.raises(LoginThrottled):
        accounts.login("kimura@example.jp", "another-guess", address=None)
    with pytest.raises(LoginThrottled):
        accounts.login("kimura", PASSWORD, address=None)


def test_unknown_names_are_throttled_by_what_was_typed(app, make_user):
    make_user("staff", username="known")
    for _ in range(accounts.THROTTLE_LIMITS["account"]):
        with pytest.raises(InvalidCredentials):
            accounts.login("nobody-here", "wrong-password", address=None)
    with pytest.raises(LoginThrottled):
        accounts.login("Nobody-Here", "wrong-password", address=None)
    assert accounts.login("known", PASSWORD, address=None).user.username == "known"


def test_logout_ends_the_session_on_the_server_so_a_copied_cookie_stops_working(app, auth, client):
    auth.login_as("staff")
    cookie = client.get_cookie("session").value
    assert client.get("/").status_code == 200
    auth.logout()
    thief = app.test_client()
    thief.set_cookie("session", cookie)
    assert thief.get("/").status_code == 302


def test_logout_clears_the_browser_cache_but_not_the_offline_outbox(auth):
    auth.login_as("volunteer")
    response = auth.logout()
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    # "cache" only: "storage" would also wipe visits waiting in localStorage (see e2e tests).
    assert response.headers["Clear-Site-Data"] == '"cache"'


def test_password_change_ends_other_sessions_but_keeps_this_one(app, auth, client, make_user):
    make_user("volunteer", username="keiko")
    other_phone = app.test_client()
    other_phone.post("/login", data={"login": "keiko", "password": PASSWORD})
    auth.login("keiko")
    response = client.post(
        "/account/password",
        data={
            "current_password": PASSWORD,
            "new_password": "a-new-password-1",
            "confirm": "a-new-password-1",
        },
    )
    assert response.status_code == 302
    assert client.get("/").status_code == 200
    assert other_phone.get("/").status_code == 302


def test_wrong_current_password_changes_nothing(auth, client, make_user):
    user = auth.login_as("staff")
    old_hash = user.password_hash
    response = client.post(
        "/account/password",
        data={
            "current_password": "wrong-one-123",
            "new_password": "a-new-password-1",
            "confirm": "a-new-password-1",
        },
    )
    assert response.status_code == 200
    assert "現在のパスワードが正しくありません" in response.get_data(as_text=True)
    assert accounts.get_user(user.id).password_hash == old_hash


def test_guessing_the_current_password_is_throttled_like_the_login(auth, client, make_user):
    user = auth.login_as("staff")
    old_hash = user.password_hash
    change = {"new_password": "a-new-password-1", "confirm": "a-new-password-1"}
    for n in range(accounts.THROTTLE_LIMITS["account"]):
        client.post("/account/password", data={"current_password": f"guess-number-{n}", **change})
    refused = client.post("/account/password", data={"current_password": PASSWORD, **change})
    assert refused.status_code == 200
    assert "分" in refused.get_data(
        as_text=True
    ) and "現在のパスワードが正しくありません" not in refused.get_data(as_text=True)
    assert accounts.get_user(user.id).password_hash == old_hash
    with pytest.raises(LoginThrottled):  # and the login form refuses the guesser too
        accounts.login(user.username, PASSWORD, address=None)


def test_remember_me_keeps_a_volunteer_signed_in_after_the_browser_session(app, auth, client):
    accounts.create_user("phone-user", PASSWORD, "volunteer")
    auth.login("phone-user", remember=True)
    remember = client.get_cookie("remember_token")
    assert remember is not None
    assert remember.expires is not None
    new_browser = app.test_client()
    new_browser.set_cookie("remember_token", remember.value)
    assert new_browser.get("/").status_code == 200


def test_staff_cannot_use_remember_me_and_expire_after_inactivity(app, auth, client):
    user = auth.login_as("staff")
    session = db.session.query(LoginSession).filter_by(user_id=user.id).one()
    assert session.remember is False
    session.last_seen_at = utcnow() - timedelta(hours=2)
    db.session.commit()
    assert client.get("/").status_code == 302


def test_a_new_session_id_is_issued_at_login(app, auth, client, make_user):
    make_user("volunteer", username="fixation")
    client.get("/login")
    with client.session_transaction() as before:
        before["planted"] = "by-an-attacker"
    auth.login("fixation")
    with client.session_transaction() as after:
        assert "planted" not in after


def test_open_redirects_are_refused_after_login(auth, client, make_user):
    make_user("staff", username="redirected")
    response = client.post(
        "/login?next=https://evil.example/", data={"login": "redirected", "password": PASSWORD}
    )
    assert response.headers["Location"] == "/"
