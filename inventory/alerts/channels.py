"""The two ways an alert leaves: e-mail over SMTP (smtplib) and LINE push (line-bot-sdk v3).

Each `send` returns an Outcome that says what the outbox should do next:
- SENT: the server took it.
- RETRY: it surely did not go (no connection, a 4xx, LINE's 429/5xx): try again later.
- FAILED: refused for good (a 5xx for that address, a blocked LINE user), or the outcome is
  unknown because the server stopped answering after it had the whole message: sending again
  could deliver it twice, so the admin decides.
Reasons are short codes for the admin page: never the message, an address or a LINE userId.
"""

from __future__ import annotations

import contextlib
import smtplib
import ssl
from dataclasses import dataclass
from email.header import Header
from email.mime.text import MIMEText
from email.utils import formatdate, make_msgid

import urllib3
from linebot.v3.messaging import ApiClient, ApiException, Configuration, MessagingApi
from linebot.v3.messaging.models import PushMessageRequest, ReplyMessageRequest, TextMessage

from inventory.settings.alerts import AlertSettings

SENT, RETRY, FAILED = "sent", "retry", "failed"
SMTP_TIMEOUT = 10.0  # seconds for any one SMTP reply: a hung server is given up on, not waited for
LINE_TIMEOUT = (5.0, 10.0)  # connect, read
MAX_LINE_TEXT = 5000


@dataclass(frozen=True)
class Outcome:
    """What came of one try: SENT, RETRY or FAILED, and a short reason for the admin."""

    result: str
    reason: str = ""


@dataclass(frozen=True)
class Message:
    """A message to one person: the address on its channel, a subject and the text."""

    address: str
    subject: str
    body: str
    retry_key: str = ""


class EmailChannel:
    """Sends e-mail through one SMTP session, opened on first use and reused for a batch."""

    def __init__(self, settings: AlertSettings, timeout: float = SMTP_TIMEOUT):
        self.settings, self.timeout = settings, timeout
        self._smtp: smtplib.SMTP | None = None
        # Set when the server could not be reached: the rest of this run does not wait on it
        # again (a hung server would otherwise cost a timeout per message).
        self.down: str | None = None

    def _open(self) -> smtplib.SMTP:
        s = self.settings
        if s.smtp_tls == "ssl":
            smtp: smtplib.SMTP = smtplib.SMTP_SSL(
                s.smtp_host, s.smtp_port, timeout=self.timeout, context=ssl.create_default_context()
            )
        else:
            smtp = smtplib.SMTP(s.smtp_host, s.smtp_port, timeout=self.timeout)
            if s.smtp_tls == "starttls":
                smtp.starttls(context=ssl.create_default_context())
        if s.smtp_user:
            smtp.login(s.smtp_user, s.smtp_password)
        smtp.ehlo_or_helo_if_needed()  # mail()/rcpt()/data() below do not greet by themselves
        return smtp

    def send(self, message: Message) -> Outcome:
        """Send one e-mail; a broken session is dropped and reopened for the next one."""
        if self.down:
            return Outcome(RETRY, self.down)
        try:
            if self._smtp is None:
                self._smtp = self._open()
        except smtplib.SMTPAuthenticationError as error:
            self._smtp = None
            self.down = f"SMTP login refused ({error.smtp_code})"
            return Outcome(RETRY, self.down)
        except (OSError, smtplib.SMTPException) as error:
            self._drop()
            # The error's text here is the socket's ("timed out", "Connection refused"): no address.
            self.down = f"SMTP server unreachable ({type(error).__name__}: {error})"[:200]
            return Outcome(RETRY, self.down)
        return self._transaction(self._smtp, message)

    def _transaction(self, smtp: smtplib.SMTP, message: Message) -> Outcome:
        # MAIL, RCPT and DATA one by one: up to DATA nothing was delivered, so a failure there is
        # safe to retry; a server that goes silent after taking the message may have delivered it.
        # compat32's MIMEText: the modern EmailMessage parses every header it is given, which
        # cost more than the SMTP conversation itself (see tests/perf/bench_alerts.py).
        email = MIMEText(message.body, "plain", "utf-8")
        email["From"] = self.settings.smtp_sender
        email["To"] = message.address
        email["Subject"] = Header(message.subject, "utf-8").encode()
        email["Date"] = formatdate(localtime=False)
        email["Message-ID"] = make_msgid(domain="tsunagari.invalid")
        try:
            code, _ = smtp.mail(self.settings.smtp_sender)
            if code != 250:
                return self._refused(smtp, "MAIL FROM", code)
            code, _ = smtp.rcpt(message.address)
            if code not in (250, 251):
                return self._refused(smtp, "RCPT TO", code)
        except (OSError, smtplib.SMTPException) as error:
            self._drop()
            return Outcome(RETRY, f"SMTP connection lost before the message ({type(error).__name__})")
        try:
            code, _ = smtp.data(email.as_bytes())
        except smtplib.SMTPDataError as error:
            return self._refused(smtp, "DATA", error.smtp_code)
        except (OSError, smtplib.SMTPException) as error:
            self._drop()
            return Outcome(
                FAILED, f"no answer after the message was sent ({type(error).__name__}); not retried"
            )
        return Outcome(SENT)

    def _refused(self, smtp: smtplib.SMTP, step: str, code: int) -> Outcome:
        try:
            smtp.rset()
        except (OSError, smtplib.SMTPException):
            self._drop()
        if 400 <= code < 500:
            return Outcome(RETRY, f"SMTP {step} deferred ({code})")
        return Outcome(FAILED, f"SMTP {step} refused ({code})")

    def _drop(self) -> None:
        smtp, self._smtp = self._smtp, None
        if smtp is not None:
            with contextlib.suppress(OSError):
                smtp.close()

    def close(self) -> None:
        """End the SMTP session politely."""
        smtp, self._smtp = self._smtp, None
        if smtp is not None:
            try:
                smtp.quit()
            except (OSError, smtplib.SMTPException):
                smtp.close()


class LineChannel:
    """Pushes text messages through the Messaging API with the official SDK."""

    def __init__(self, settings: AlertSettings, api_url: str | None = None):
        options = {"host": api_url.rstrip("/")} if api_url else {}
        configuration = Configuration(access_token=settings.line_channel_access_token, **options)
        # The SDK would retry on its own; the outbox does the retrying, with its backoff.
        configuration.retries = 0
        self._client = ApiClient(configuration)
        self._api = MessagingApi(self._client)
        # Set when LINE was busy or unreachable: the rest of this run leaves it alone.
        self.down: str | None = None

    def send(self, message: Message) -> Outcome:
        """Push one text; the retry key makes LINE drop a repeat of a push it already took."""
        if self.down:
            return Outcome(RETRY, self.down)
        request = PushMessageRequest(
            to=message.address, messages=[TextMessage(text=message.body[:MAX_LINE_TEXT])]
        )
        try:
            # The body of LINE's answer is not needed: not parsing it keeps a reply that the SDK's
            # models do not expect from turning a delivered push into an error.
            self._api.push_message_with_http_info(
                request,
                x_line_retry_key=message.retry_key or None,
                _request_timeout=LINE_TIMEOUT,
                _preload_content=False,
            )
        except ApiException as error:
            status = error.status or 0
            if status == 409:  # the same retry key was accepted before: it went
                return Outcome(SENT, "LINE had it already (409)")
            if status in (0, 429) or status >= 500:  # 0: the SDK's code for a TLS failure
                self.down = f"LINE API busy ({status})"
                return Outcome(RETRY, self.down)
            return Outcome(FAILED, f"LINE API refused ({status})")
        except (TimeoutError, urllib3.exceptions.HTTPError, OSError) as error:
            # With the retry key, a push that did reach LINE is not delivered twice.
            self.down = f"LINE API unreachable ({type(error).__name__})"
            return Outcome(RETRY, self.down)
        return Outcome(SENT)

    def reply(self, reply_token: str, text: str) -> bool:
        """Answer a user's message once (the webhook's reply token); False if LINE did not take it."""
        request = ReplyMessageRequest(
            reply_token=reply_token, messages=[TextMessage(text=text[:MAX_LINE_TEXT])]
        )
        try:
            self._api.reply_message_with_http_info(
                request, _request_timeout=LINE_TIMEOUT, _preload_content=False
            )
        except (ApiException, urllib3.exceptions.HTTPError, OSError):
            return False
        return True

    def close(self) -> None:
        """Release the HTTP pool."""
        self._client.close()
