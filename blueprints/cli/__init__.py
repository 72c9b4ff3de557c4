"""The `flask` commands: accounts, demo data and backups; locations and the ledger; labels; privacy."""

from __future__ import annotations

from flask import Flask

from . import admin, labels, privacy, stock


def init_app(app: Flask) -> None:
    """Register every command group (and the daily privacy purge that goes with them)."""
    for module in (admin, stock, labels, privacy):
        module.init_app(app)
