"""Alerts through the app: the public form to a staff e-mail and LINE push, the webhook, the
admin's pages, the account switches, volunteers per location, and the in-process sender."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from datetime import datetime

import pytest
import sqlalchemy as sa

from inventory.alerts import people
from inventory.alerts.models import AlertDelivery, LineLink
from inventory.core.db import db
from inventory.settings.alerts import update_alert_settings
from tests.alert_helpers import free_port
from tests.conftest import make_app
from tests.ledger_fixtures import fresh_key

NAME, POSTAL, ADDRESS = "ひまわり", "090-0018", "北見市とん田東町5-5"
SECRET = "line-channel-secret"
TOKEN = "line-channel-token"
LINE_USER = "U" + "fedcba9876543210" * 2


def public_request(client, quantity="2"):
    response = client.post(
        "/request",
        data={
            "quantity": quantity,
            "delivery": "mail",
            "recipient_name": NAME,
            "postal_code": POSTAL,
            "address": ADDRESS,
            "address2": "2階",
            "consent": "y",
            "website": "",
            "idempotency_key": fresh_key(),
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:300]


def use_smtp(port, **kwargs):
    update_alert_settings(
        smtp_host="127.0.0.1", smtp_port=port, smtp_tls="none", smtp_sender="alerts@example.org", **kwargs
    )


def use_line(app, httpserver):
    update_alert_settings(line_channel_access_token=TOKEN, line_channel_secret=SECRET)
    app.config["ALERTS_LINE_API_URL"] = httpserver.url_for("/")


def signed(body: dict) -> tuple[bytes, dict]:
    raw = json.dumps(body).encode()
    signature = base64.b64encode(hmac.new(SECRET.encode(), raw, hashlib.sha256).digest()).decode()
    return raw, {"X-Line-Signature": signature, "Content-Type": "application/json"}


def event(kind: str, user=LINE_USER, **extra) -> dict:
    return {
        "type": kind,
        "mode": "active",
        "timestamp": 1764633600000,
        "source": {"type": "user", "userId": user},
        "webhookEventId": "01JDEXAMPLE0000000000000000",
        "deliveryContext": {"isRedelivery": False},
        **extra,
    }


def text_event(text: str, user=LINE_USER) -> dict:
    return event(
        "message",
        user,
        replyToken="reply-token",
        message={"type": "text", "id": "468789577898262530", "text": text, "quoteToken": "q"},
    )


def webhook(client, *events):
    raw, headers = signed({"destination": "Ubot", "events": list(events)})
    return client.post("/line/webhook", data=raw, headers=headers)


def statuses():
    db.session.rollback()
    return [
        (d.channel, d.status, d.last_error)
        for d in db.session.scalars(sa.select(AlertDelivery).order_by(AlertDelivery.id))
    ]


# --- e-mail, end to end -------------------------------------------------------------------------


def test_a_public_request_reaches_staff_by_email_with_no_personal_data(
    client,
    runner,
    make_user,
    smtp_server,
):
    staff = make_user("staff", email="office@example.org")
    make_user("volunteer", email="vol@example.org")
    use_smtp(smtp_server.port)
    public_request(client)
    result = runner.invoke(args=["alerts", "send"])
    assert result.exit_code == 0, result.output
    assert "sent 1, retrying 0, failed 0" in result.output
    [message] = smtp_server.received
    assert message.rcpt_tos == [staff.email] and message.message["To"] == staff.email
    assert "新しい依頼が 1 件あります" in message.text
    raw = message.message.as_string() + message.text
    for private in (NAME, POSTAL, "0900018", ADDRESS, "2階", "とん田"):
        assert private not in raw
    assert "2 " not in message.text and "2パック" not in message.text  # no quantity either
    assert runner.invoke(args=["alerts", "send"]).output.count("sent 0") == 1  # once only
    assert len(smtp_server.received) == 1


def test_a_refusing_server_is_retried_then_shown_to_the_admin(client, runner, auth, make_user, smtp_server):
    make_user("staff", email="office@example.org")
    use_smtp(smtp_server.port)
    smtp_server.handler.rcpt_reply = "451 4.3.0 mailbox busy"
    public_request(client)
    assert "retrying 1" in runner.invoke(args=["alerts", "send"]).output
    assert statuses() == [("email", "retrying", "SMTP RCPT TO deferred (451)")]
    auth.login_as("admin")
    page = client.get("/admin/alerts")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "SMTP RCPT TO deferred (451)" in text and NAME not in text and ADDRESS not in text
    # Later the mailbox takes it: once, when its time comes (the pause is moved into the past).
    smtp_server.handler.rcpt_reply = None
    assert "sent 0, retrying 0" in runner.invoke(args=["alerts", "send"]).output  # not due yet
    db.session.execute(sa.update(AlertDelivery).values(next_attempt_at=datetime(2000, 1, 1)))
    db.session.commit()
    assert "sent 1" in runner.invoke(args=["alerts", "send"]).output
    assert "sent 0" in runner.invoke(args=["alerts", "send"]).output
    assert len(smtp_server.received) == 1
    assert "SMTP RCPT TO deferred" not in client.get("/admin/alerts").get_data(as_text=True)


def test_a_hung_server_does_not_hang_the_sender_and_nothing_is_lost(
    app, client, runner, make_user, mute_server
):
    for i in range(5):
        make_user("staff", email=f"office{i}@example.org")
    use_smtp(mute_server)
    app.config["ALERTS_SMTP_TIMEOUT"] = 1.0
    public_request(client)
    started = time.monotonic()
    result = runner.invoke(args=["alerts", "send"])
    assert time.monotonic() - started < 4  # one timeout for the run, not one per message
    assert "retrying 5" in result.output and "timed out" in result.output
    assert {s[:2] for s in statuses()} == {("email", "retrying")}


# --- LINE, end to end ---------------------------------------------------------------------------


def test_linking_line_with_the_code_then_a_request_is_pushed_to_that_user(
    app, client, runner, auth, httpserver
):
    use_line(app, httpserver)
    staff = auth.login_as("staff")
    page = client.post("/account/alerts/line-code")
    assert page.status_code == 200
    code = page.get_data(as_text=True).split("<code>")[1].split("</code>")[0]
    assert client.get("/account/alerts").get_data(as_text=True).count(code) == 0  # shown once
    httpserver.expect_request("/v2/bot/message/reply", method="POST").respond_with_json({"sentMessages": []})
    assert webhook(client, text_event(f" {code[:4]}-{code[4:].lower()} ")).status_code == 200
    [(reply, _)] = httpserver.log
    assert json.loads(reply.get_data()) == {
        "replyToken": "reply-token",
        "messages": [{"type": "text", "text": "連携しました。これからは通知がここにも届きます。"}],
        "notificationDisabled": False,
    }
    httpserver.clear_log()
    link = db.session.get(LineLink, staff.id)
    assert link.line_user_id == LINE_USER and link.code_hash is None
    db.session.rollback()
    httpserver.expect_request("/v2/bot/message/push", method="POST").respond_with_json(
        {"sentMessages": [{"id": "1", "quoteToken": "q"}]}
    )
    public_request(client)
    assert "sent 1" in runner.invoke(args=["alerts", "send"]).output
    [(request, _)] = httpserver.log
    body = json.loads(request.get_data())
    assert request.headers["Authorization"] == f"Bearer {TOKEN}"
    assert body["to"] == LINE_USER and body["messages"][0]["type"] == "text"
    assert "新しい依頼が 1 件あります" in body["messages"][0]["text"]
    assert NAME not in request.get_data(as_text=True) and ADDRESS not in request.get_data(as_text=True)


def test_a_forged_webhook_is_refused_and_links_nobody(app, client, make_user, httpserver):
    use_line(app, httpserver)
    user = make_user("staff")
    code = people.new_link_code(user.id)
    raw, headers = signed({"destination": "Ubot", "events": [text_event(code)]})
    headers["X-Line-Signature"] = base64.b64encode(b"x" * 32).decode()
    assert client.post("/line/webhook", data=raw, headers=headers).status_code == 400
    assert (
        client.post("/line/webhook", data=b"not json", headers={"X-Line-Signature": "x"}).status_code == 400
    )
    assert db.session.get(LineLink, user.id).line_user_id is None


def test_a_wrong_or_used_code_links_nobody_and_the_user_is_told(app, client, make_user, httpserver):
    use_line(app, httpserver)
    user = make_user("staff")
    code = people.new_link_code(user.id)
    httpserver.expect_request("/v2/bot/message/reply", method="POST").respond_with_json({"sentMessages": []})
    assert webhook(client, text_event("ABCDEFGH")).status_code == 200
    assert webhook(client, text_event("こんにちは")).status_code == 200
    assert webhook(client, text_event(code)).status_code == 200
    assert webhook(client, text_event(code, user="U" + "1" * 32)).status_code == 200  # used: nobody else
    texts = [json.loads(r.get_data())["messages"][0]["text"] for r, _ in httpserver.log]
    assert (
        texts[:2]
        == ["コードが正しくないか、期限が切れています。アカウントページで新しいコードを作ってください。"] * 2
    )
    assert texts[3] == texts[0] and texts[2].startswith("連携しました")
    db.session.rollback()
    assert db.session.get(LineLink, user.id).line_user_id == LINE_USER


def test_a_line_api_that_is_down_does_not_break_the_webhook(app, client, make_user):
    update_alert_settings(line_channel_access_token=TOKEN, line_channel_secret=SECRET)
    app.config["ALERTS_LINE_API_URL"] = f"http://127.0.0.1:{free_port()}"
    user = make_user("staff")
    assert webhook(client, text_event(people.new_link_code(user.id))).status_code == 200
    assert db.session.get(LineLink, user.id).line_user_id == LINE_USER


def test_the_webhook_is_absent_until_line_is_configured(client):
    raw, headers = signed({"destination": "Ubot", "events": []})
    assert client.post("/line/webhook", data=raw, headers=headers).status_code == 404


def test_a_user_who_blocked_the_account_gets_nothing_pushed_and_the_admin_sees_why(
    app, client, runner, auth, make_user, httpserver
):
    use_line(app, httpserver)
    staff = make_user("staff")
    assert people.link_line(people.new_link_code(staff.id), LINE_USER)
    assert webhook(client, event("unfollow")).status_code == 200
    db.session.rollback()
    with app.app_context():
        from inventory.alerts import events
        from inventory.core.db import unit_of_work

        with unit_of_work():
            # Linked before the block was known: the row exists, the sender must not push it.
            db.session.add(
                AlertDelivery(alert_id=events.request_received(), user_id=staff.id, channel="line")
            )
    runner.invoke(args=["alerts", "send"])
    assert statuses() == [("line", "failed", "the user blocked the LINE account")]
    assert httpserver.log == []
    auth.login_as("admin")
    assert "the user blocked the LINE account" in client.get("/admin/alerts").get_data(as_text=True)
    # Following again (unblocking) lifts it for the next alerts.
    assert webhook(client, event("follow", replyToken="r", follow={"isUnblocked": True})).status_code == 200
    assert db.session.get(LineLink, staff.id).blocked_at is None


# --- settings, the account page, volunteers -----------------------------------------------------


def test_without_configuration_the_settings_page_says_the_channels_are_off(client, auth):
    auth.login_as("admin")
    text = client.get("/admin/alerts/settings").get_data(as_text=True)
    assert "E-mail alerts are off" in text or "メール通知はオフ" in text
    assert "LINE alerts are off" in text or "LINE 通知はオフ" in text


def test_secrets_are_never_shown_back_and_the_password_never_stored(app, client, auth):
    app.config["ALERTS_SMTP_PASSWORD"] = "env-password-123"
    auth.login_as("admin")
    response = client.post(
        "/admin/alerts/settings",
        data={
            "smtp_host": "smtp.example.org",
            "smtp_port": "５８７",
            "smtp_tls": "starttls",
            "smtp_user": "alerts",
            "smtp_sender": "alerts@example.org",
            "line_channel_access_token": "very-secret-token",
            "line_channel_secret": "very-secret-secret",
            "predict_days": "2",
            "escalate_after_minutes": "120",
            "reminder_weekday": "0",
        },
    )
    assert response.status_code == 302
    text = client.get("/admin/alerts/settings").get_data(as_text=True)
    assert (
        "very-secret-token" not in text
        and "very-secret-secret" not in text
        and "env-password-123" not in text
    )
    assert "smtp.example.org" in text
    db.session.rollback()
    from inventory.settings.models import AlertChannelSettings

    row = db.session.scalar(sa.select(AlertChannelSettings))
    assert row.smtp_port == 587 and "env-password-123" not in repr(vars(row))


def test_bad_settings_get_a_message_and_change_nothing(client, auth):
    auth.login_as("admin")
    response = client.post(
        "/admin/alerts/settings",
        data={
            "smtp_port": "70000",
            "smtp_tls": "starttls",
            "predict_days": "x",
            "escalate_after_minutes": "1",
            "reminder_weekday": "9",
        },
    )
    assert response.status_code == 200
    from inventory.settings.models import AlertChannelSettings

    assert db.session.scalar(sa.select(sa.func.count()).select_from(AlertChannelSettings)) == 0


def test_a_user_switches_alert_kinds_on_the_account_page(client, auth):
    user = auth.login_as("staff")
    assert client.post("/account/alerts", data={"kinds": ["escalation"]}).status_code == 302
    prefs = people.preferences(user.id)
    assert prefs["escalation"] and not prefs["new_request"] and not prefs["location_empty"]


def test_a_forged_kind_on_the_account_page_changes_nothing_else(client, auth):
    user = auth.login_as("volunteer")
    client.post("/account/alerts", data={"kinds": ["new_request", "bogus"]})
    prefs = people.preferences(user.id)
    assert prefs["new_request"]  # not a volunteer's switch: left as it was
    assert not prefs["location_empty"]


def test_staff_assign_volunteers_and_the_volunteer_sees_my_locations(
    client, auth, make_user, point, make_location
):
    volunteer = make_user("volunteer", display_name="ボランティアA")
    make_location("junior_high_school", "北中学校")
    auth.login_as("staff")
    page = client.get(f"/stock/locations/{point.id}/volunteers")
    assert page.status_code == 200 and "ボランティアA" in page.get_data(as_text=True)
    assert (
        client.post(
            f"/stock/locations/{point.id}/volunteers", data={"volunteers": [str(volunteer.id)]}
        ).status_code
        == 302
    )
    assert "ボランティアA" in client.get(f"/stock/locations/{point.id}").get_data(as_text=True)
    forged = client.post(f"/stock/locations/{point.id}/volunteers", data={"volunteers": ["99999"]})
    assert forged.status_code == 200
    assert [u.id for u in people.assigned_volunteers(point.id)] == [volunteer.id]
    auth.logout()
    auth.login(volunteer.username)
    home = client.get("/").get_data(as_text=True)
    assert point.name in home and "北中学校" not in home


def test_the_storeroom_has_no_volunteers_page(client, auth, storeroom):
    auth.login_as("staff")
    assert client.get(f"/stock/locations/{storeroom.id}/volunteers").status_code == 404
    assert client.get("/stock/locations/99999/volunteers").status_code == 404


# --- the in-process trigger ----------------------------------------------------------------------


@pytest.mark.slow
def test_a_page_starts_the_sender_in_the_background_and_does_not_wait_for_it(
    database_url,
    make_user,
    mute_server,
):
    app = make_app(database_url, ALERTS_SEND_IN_PROCESS=True, ALERTS_SMTP_TIMEOUT=2.0)
    with app.app_context():
        from inventory.accounts import users as accounts

        accounts.create_user("office1", "correct-horse-battery", "staff", email="office@example.org")
        use_smtp(mute_server)
        client = app.test_client()
        started = time.monotonic()
        public_request(client)  # a hung SMTP server: the page must not wait for it
        assert time.monotonic() - started < 1.5
        thread = app.extensions["alerts"]["thread"]
        thread.join(timeout=20)
        assert not thread.is_alive()
        assert statuses() == [("email", "retrying", statuses()[0][2])]
        assert client.get("/healthz").status_code == 200
        assert app.extensions["alerts"]["thread"] is thread  # not again within the minute
        db.session.remove()
