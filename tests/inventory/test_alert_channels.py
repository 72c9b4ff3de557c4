"""The channels against real servers on localhost: SMTP (aiosmtpd, a mute server) and an HTTP
server playing the LINE API, which the official SDK talks to as it would to LINE."""

from __future__ import annotations

import json
import time

import pytest

from inventory.alerts.channels import FAILED, RETRY, SENT, EmailChannel, LineChannel, Message
from inventory.settings.alerts import AlertSettings
from tests.alert_helpers import free_port

TOKEN = "test-channel-access-token"
LINE_USER = "U" + "0123456789abcdef" * 2


def email_settings(port, **kwargs):
    return AlertSettings(
        smtp_host="127.0.0.1", smtp_port=port, smtp_tls="none", smtp_sender="alerts@example.org", **kwargs
    )


def mail(to="staff@example.org"):
    return Message(to, "New request", "There is 1 new request.")


def test_an_email_reaches_the_smtp_server_with_its_envelope_and_headers(smtp_server):
    channel = EmailChannel(email_settings(smtp_server.port))
    assert channel.send(mail()).result == SENT
    assert channel.send(mail("other@example.org")).result == SENT  # the same session, reused
    channel.close()
    first, second = smtp_server.received
    assert (first.mail_from, first.rcpt_tos) == ("alerts@example.org", ["staff@example.org"])
    assert first.message["To"] == "staff@example.org" and first.message["Subject"] == "New request"
    assert first.text.strip() == "There is 1 new request."
    assert second.rcpt_tos == ["other@example.org"]


def test_a_recipient_refused_for_good_fails_and_a_deferred_one_is_retried(smtp_server):
    channel = EmailChannel(email_settings(smtp_server.port))
    smtp_server.handler.rcpt_reply = "550 5.1.1 no such user"
    outcome = channel.send(mail())
    assert (outcome.result, outcome.reason) == (FAILED, "SMTP RCPT TO refused (550)")
    smtp_server.handler.rcpt_reply = "451 4.3.0 try again later"
    assert channel.send(mail()).result == RETRY
    smtp_server.handler.rcpt_reply = None
    assert channel.send(mail()).result == SENT  # the session survived the refusals
    channel.close()
    assert len(smtp_server.received) == 1


def test_a_server_that_refuses_connections_is_retried_later():
    outcome = EmailChannel(email_settings(free_port()), timeout=1).send(mail())
    assert outcome.result == RETRY and "unreachable" in outcome.reason


def test_a_server_that_never_answers_times_out_once_per_run_and_is_retried(mute_server):
    channel = EmailChannel(email_settings(mute_server), timeout=0.5)
    started = time.monotonic()
    outcomes = [channel.send(mail()) for _ in range(20)]
    assert time.monotonic() - started < 3  # one timeout, not twenty
    assert {o.result for o in outcomes} == {RETRY} and all("timed out" in o.reason for o in outcomes)


def test_a_server_that_goes_silent_after_the_message_is_not_sent_again(smtp_server):
    # It may have delivered the message: trying again could deliver it twice, so the admin decides.
    smtp_server.handler.data_delay = 2.0
    outcome = EmailChannel(email_settings(smtp_server.port), timeout=0.5).send(mail())
    assert outcome.result == FAILED and "not retried" in outcome.reason


# --- LINE -----------------------------------------------------------------------------------------


def line(httpserver):
    return LineChannel(AlertSettings(line_channel_access_token=TOKEN), api_url=httpserver.url_for("/"))


def push(text="新しい依頼が 1 件あります", key="123e4567-e89b-12d3-a456-426614174000"):
    return Message(LINE_USER, "", text, key)


def test_a_line_push_is_the_sdks_real_request_to_the_messaging_api(httpserver):
    httpserver.expect_request("/v2/bot/message/push", method="POST").respond_with_json(
        {"sentMessages": [{"id": "461230966842064897", "quoteToken": "IStG5h1Tz7b"}]}
    )
    channel = line(httpserver)
    assert channel.send(push()).result == SENT
    channel.close()
    [(request, _response)] = httpserver.log
    assert request.headers["Authorization"] == f"Bearer {TOKEN}"
    assert request.headers["Content-Type"] == "application/json"
    assert request.headers["X-Line-Retry-Key"] == "123e4567-e89b-12d3-a456-426614174000"
    assert request.headers["User-Agent"].startswith("line-bot-sdk-python")
    assert json.loads(request.get_data()) == {
        "to": LINE_USER,
        "messages": [{"type": "text", "text": "新しい依頼が 1 件あります"}],
        "notificationDisabled": False,
    }


@pytest.mark.parametrize("status", [429, 500, 503])
def test_a_busy_or_failing_line_api_is_retried_with_the_same_retry_key(httpserver, status):
    httpserver.expect_ordered_request("/v2/bot/message/push").respond_with_json(
        {"message": "x"}, status=status
    )
    httpserver.expect_ordered_request("/v2/bot/message/push").respond_with_json({"sentMessages": []})
    channel = line(httpserver)
    first = channel.send(push())
    assert (first.result, first.reason) == (RETRY, f"LINE API busy ({status})")
    assert channel.send(push()).result == RETRY  # the rest of this run leaves LINE alone
    assert len(httpserver.log) == 1
    assert line(httpserver).send(push()).result == SENT  # the next run
    keys = [request.headers["X-Line-Retry-Key"] for request, _ in httpserver.log]
    assert len(keys) == 2 and len(set(keys)) == 1  # LINE itself drops a repeat it already took


def test_a_push_line_already_took_counts_as_sent(httpserver):
    httpserver.expect_request("/v2/bot/message/push").respond_with_json(
        {"message": "The retry key is already accepted"}, status=409
    )
    assert line(httpserver).send(push()).result == SENT


@pytest.mark.parametrize("status", [400, 403])
def test_a_push_line_refuses_fails_for_good(httpserver, status):
    httpserver.expect_request("/v2/bot/message/push").respond_with_json({"message": "no"}, status=status)
    outcome = line(httpserver).send(push())
    assert (outcome.result, outcome.reason) == (FAILED, f"LINE API refused ({status})")


def test_an_unreachable_line_api_is_retried():
    channel = LineChannel(
        AlertSettings(line_channel_access_token=TOKEN), api_url=f"http://127.0.0.1:{free_port()}"
    )
    assert channel.send(push()).result == RETRY
