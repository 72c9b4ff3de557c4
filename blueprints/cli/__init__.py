"""The `flask` commands: accounts, demo data and backups; locations and the ledger; labels; privacy;
alerts."""

from __future__ import annotations

from flask import Flask

from . import admin, alerts, labels, privacy, stock


def init_app(app: Flask) -> None:
    """Register every command group (and the daily purge and alert sender that go with them)."""
    for module in (admin, stock, labels, privacy, alerts):
        module.init_app(app)
