"""Command-line tools for the stock ledger: list locations, check balances against the ledger."""

from __future__ import annotations

import sys

import click
from flask import Flask
from flask.cli import AppGroup

from inventory.stock import catalog, ledger

locations_cli = AppGroup("locations", help="Storerooms and placement points.")
stock_cli = AppGroup("stock", help="The stock ledger.")


def init_app(app: Flask) -> None:
    """Register the command groups."""
    app.cli.add_command(locations_cli)
    app.cli.add_command(stock_cli)


@locations_cli.command("list")
@click.option("--all", "include_retired", is_flag=True, help="Include retired locations.")
def list_locations(include_retired):
    """Print one location a line: code, kind, name, spot, active (tab-separated)."""
    for location in catalog.list_locations(include_retired=include_retired):
        click.echo(
            "\t".join(
                [
                    location.code,
                    location.kind,
                    location.name,
                    location.spot,
                    "active" if location.active else "retired",
                ]
            )
        )


@stock_cli.command("verify")
def verify():
    """Recompute every balance from the ledger; print differences and exit 1 if there are any."""
    differences = ledger.verify_balances()
    for diff in differences:
        click.echo(
            f"location {diff.location_id}\titem {diff.item_id}\t"
            f"ledger {diff.ledger_qty}\tbalance {diff.level_qty}"
        )
    if differences:
        click.echo(f"{len(differences)} balance(s) disagree with the ledger", err=True)
        sys.exit(1)
    click.echo("all balances agree with the ledger")
