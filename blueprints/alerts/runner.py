"""Running the sender: the channels built from the settings, and the app's own trigger.

The trigger: after a request, a process looks at the time it last started a sender (a number
in memory) and returns at once unless a minute has passed. Then it starts one background
thread, and only that thread touches the database: it claims the minute in `alert_run` (a
conditional UPDATE, so among all processes one sender starts per minute), runs the schedule
and sends. The page never waits for it, and a failure is logged, never shown. Plain threads
suffice: the work is a few SMTP/HTTP calls a minute, and cron or a systemd timer running
`flask alerts send` does the same job for an app that is idle.
"""

from __future__ import annotations

import threading
import time

from flask import Flask, current_app

from inventory.alerts import outbox, schedule
from inventory.alerts.channels import EmailChannel, LineChannel
from inventory.alerts.models import Channel
from inventory.core.db import db
from inventory.settings.alerts import get_alert_settings

from .messages import render

CHECK_EVERY = 60.0  # seconds


def build_channels(app: Flask) -> dict:
    """The configured channels (none when nothing is set up)."""
    settings = get_alert_settings(app.config)
    channels: dict = {}
    if settings.email_enabled:
        channels[Channel.EMAIL.value] = EmailChannel(
            settings, timeout=app.config.get("ALERTS_SMTP_TIMEOUT", 10.0)
        )
    if settings.line_enabled:
        channels[Channel.LINE.value] = LineChannel(settings, api_url=app.config.get("ALERTS_LINE_API_URL"))
    return channels


def send_now(app: Flask, *, run_schedule: bool = True, max_batches: int | None = None):
    """Add the alerts time has made due, then deliver what is due; return both results."""
    planned = schedule.run_schedule() if run_schedule else None
    channels = build_channels(app)
    try:
        sent = outbox.send_due(channels, render, max_batches=max_batches)
    finally:
        for channel in channels.values():
            channel.close()
    return planned, sent


def init_app(app: Flask) -> None:
    """Start the in-process trigger when ALERTS_SEND_IN_PROCESS is on (the default)."""
    app.config.setdefault("ALERTS_SEND_IN_PROCESS", True)
    if app.config["ALERTS_SEND_IN_PROCESS"]:
        app.after_request(_after_request)


def _after_request(response):
    # After the view: an alert the request itself wrote (committed in its unit of work) is
    # already there for the sender to find.
    trigger()
    return response


def trigger() -> None:
    """At most once a minute per process, start a background sender (never waits, never fails)."""
    state = current_app.extensions.setdefault("alerts", {"next": 0.0, "thread": None})
    now = time.monotonic()
    if now < state["next"] or (state["thread"] is not None and state["thread"].is_alive()):
        return
    state["next"] = now + CHECK_EVERY
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    thread = threading.Thread(target=_background, args=(app,), name="alerts-sender", daemon=True)
    state["thread"] = thread
    thread.start()


def _background(app: Flask) -> None:
    with app.app_context():
        try:
            if schedule.claim_sender_run():
                send_now(app, max_batches=5)
        except Exception:
            app.logger.exception("background alert sender failed")
        finally:
            db.session.remove()
