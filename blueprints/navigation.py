"""The navigation menu: which pages each role sees."""

from __future__ import annotations

from flask import Flask, current_app
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from inventory.accounts.models import Role

A, S, V, C = Role.ADMIN, Role.STAFF, Role.VOLUNTEER, Role.SCHOOL

# (endpoint, label, roles). Entries whose endpoint is not registered are skipped, so an
# area adds its line here and it appears once its blueprint exists.
MENU = [
    ("main.home", _l("Home"), {A, S, V, C}),
    ("stock.overview", _l("Stock"), {A, S, V}),
    ("stock.donations", _l("Receipts"), {A, S}),
    ("stock.assemble", _l("Assembly"), {A, S}),
    ("stock.history", _l("History"), {A, S}),
    ("stock.locations", _l("Locations"), {A, S}),
    ("stock.items", _l("Items"), {A, S}),
    ("printing.index", _l("Printing"), {A, S}),
    ("rounds.plan", _l("Round plan"), {A, S, V}),
    ("requests.queue", _l("Requests"), {A, S}),
    ("requests.school_home", _l("My school"), {C}),
    ("outcomes.quick_entry", _l("Consultations"), {A, S}),
    ("reports.dashboard", _l("Reports"), {A, S}),
    ("admin.users", _l("Accounts"), {A}),
    ("admin.edit_settings", _l("Settings"), {A}),
    ("requests.school_links", _l("School contacts"), {A}),
    ("requests.access_log", _l("Personal data log"), {A}),
]


def nav_items() -> list[tuple[str, str]]:
    """Return the menu entries for the signed-in user."""
    if not current_user.is_authenticated:
        return []
    role, endpoints = current_user.role, current_app.view_functions  # one proxy look-up each
    return [(endpoint, label) for endpoint, label, roles in MENU if role in roles and endpoint in endpoints]


def view_endpoints() -> set[str]:
    """Return the endpoints this app serves, so templates link only to pages that exist."""
    return set(current_app.view_functions)


def init_app(app: Flask) -> None:
    """Expose the menu helpers to templates."""
    app.jinja_env.globals.update(nav_items=nav_items, view_endpoints=view_endpoints)
