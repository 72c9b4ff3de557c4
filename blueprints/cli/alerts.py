"""`flask alerts send` and `flask alerts status`: the sender, for cron or a systemd timer."""

from __future__ import annotations

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from inventory.alerts import queries

from ..alerts import runner

alerts_cli = AppGroup("alerts", help="Alerts: send what is due, show what failed.")


def init_app(app: Flask) -> None:
    """Register the command group and the app's own once-a-minute trigger."""
    app.cli.add_command(alerts_cli)
    runner.init_app(app)


@alerts_cli.command("send")
@click.option("--no-schedule", is_flag=True, help="Only send; add no predicted, escalated or weekly alerts.")
def send(no_schedule):
    """Add the alerts that are due by now, then deliver the outbox (retries included)."""
    planned, result = runner.send_now(current_app._get_current_object(), run_schedule=not no_schedule)
    if planned is not None:
        click.echo(
            f"added: {planned.predicted} predicted empty, {planned.escalated} escalated, "
            f"{planned.reminders} weekly reminders"
        )
    click.echo(f"sent {result.sent}, retrying {result.retrying}, failed {result.failed}")
    for reason in sorted(set(result.reasons)):
        click.echo(f"  {reason}")


@alerts_cli.command("status")
def status():
    """Count deliveries per channel and state."""
    for (channel, state), count in sorted(queries.counts_by_status().items()):
        click.echo(f"{channel}\t{state}\t{count}")
