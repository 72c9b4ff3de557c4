"""`flask privacy purge`, and the app's own once-a-day purge of personal data.

The daily run: a before_request hook remembers in this process the last day it checked, so
on the hot path it compares two dates and returns. The first request of a new day (Japan
time) in each process tries to claim the day in the database (`daily_task`); exactly one
process wins and purges. A failure is logged without personal data and never breaks the page.
"""

from __future__ import annotations

from datetime import datetime

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from inventory.core.clock import local_today
from inventory.requests import retention

privacy_cli = AppGroup("privacy", help="Personal data: deletion on schedule.")
CHECKED_ON = "privacy_purge_checked_on"


def init_app(app: Flask) -> None:
    """Register the command group and, when PRIVACY_PURGE_DAILY is on, the daily hook."""
    app.cli.add_command(privacy_cli)
    if app.config.get("PRIVACY_PURGE_DAILY"):
        app.before_request(daily_purge)


def daily_purge() -> None:
    """Run the purge at most once a day per process (and once a day overall, by the database)."""
    today = local_today()
    state = current_app.extensions.setdefault("privacy", {})
    if state.get(CHECKED_ON) == today:
        return
    state[CHECKED_ON] = today  # set first: a failing purge is not retried on every request
    try:
        result = retention.run_daily_purge()
    except Exception:
        current_app.logger.exception("daily personal-data purge failed")
        return
    if result is not None:
        current_app.logger.info("daily purge: personal data of %d requests deleted", result.requests)
        if not result.files_scrubbed:
            current_app.logger.warning("daily purge: the database was busy; the WAL was not emptied")


@privacy_cli.command("purge")
@click.option(
    "--now",
    "now_text",
    default=None,
    metavar="YYYY-MM-DDTHH:MM",
    help="Pretend it is this UTC time (for checking what would be due).",
)
def purge(now_text):
    """Delete the names and addresses of requests closed more than retention_days ago."""
    now = None
    if now_text:
        try:
            now = datetime.fromisoformat(now_text)
        except ValueError:
            raise click.BadParameter("use YYYY-MM-DDTHH:MM", param_hint="--now") from None
    result = retention.purge_personal_data(now=now)
    click.echo(
        f"personal data deleted for {result.requests} requests; "
        f"{result.attempts} expired rate-limit entries removed"
    )
    if not result.files_scrubbed:
        click.echo(
            "warning: the database was busy, so deleted data may still be readable in its WAL file; "
            "run the purge again later",
            err=True,
        )
