"""The navigation menu: which pages each role sees, grouped so the bar fits one row."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import Flask, current_app, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from inventory.accounts.models import STAFF_ROLES, Role
from inventory.requests import queries as request_queries

A, S, V, C = Role.ADMIN, Role.STAFF, Role.VOLUNTEER, Role.SCHOOL
# The entry whose badge counts new requests (one COUNT per page, staff only).
REQUESTS_ENDPOINT = "requests.queue"

# (endpoint, label, roles), or (group label, [entries]) for a drop-down. Entries whose endpoint
# is not registered are skipped, so an area adds its line here and it appears once its
# blueprint exists; a group left with one entry becomes a plain link.
MENU: list = [
    ("main.home", _l("Home"), {A, S, V, C}),
    (REQUESTS_ENDPOINT, _l("Requests"), {A, S}),
    ("requests.school_home", _l("My school"), {C}),
    ("rounds.plan", _l("Round plan"), {A, S, V}),
    ("printing.index", _l("Printing"), {A, S}),
    ("outcomes.quick_entry", _l("Consultations"), {A, S}),
    ("reports.dashboard", _l("Reports"), {A, S}),
    (
        _l("Stock"),
        [
            ("stock.overview", _l("Stock"), {A, S, V}),
            ("stock.donations", _l("Receipts"), {A, S}),
            ("stock.assemble", _l("Assembly"), {A, S}),
            ("stock.history", _l("History"), {A, S}),
            ("stock.locations", _l("Locations"), {A, S}),
            ("stock.items", _l("Items"), {A, S}),
        ],
    ),
    (
        _l("Administration"),
        [
            ("admin.users", _l("Accounts"), {A}),
            ("admin.edit_settings", _l("Settings"), {A}),
            ("requests.school_links", _l("School contacts"), {A}),
            ("requests.access_log", _l("Personal data log"), {A}),
            # Staff and volunteers see only this entry of the group, so for them it is a plain link.
            ("alerts.account", _l("My alerts"), {A, S, V}),
        ],
    ),
]


@dataclass
class NavEntry:
    """A link of the menu, or a group of links (`children`) shown as a drop-down."""

    label: str
    endpoint: str | None = None
    badge: int = 0
    current: bool = False
    children: list[NavEntry] = field(default_factory=list)


def _link(endpoint, label, badge: int = 0) -> NavEntry:
    return NavEntry(str(label), endpoint, badge, current=request.endpoint == endpoint)


def nav_items() -> list[NavEntry]:
    """Return the menu for the signed-in user; staff see how many requests are new."""
    if not current_user.is_authenticated:
        return []
    role, endpoints = current_user.role, current_app.view_functions  # one proxy look-up each
    new_requests = None

    def visible(entries) -> list[NavEntry]:
        nonlocal new_requests
        links = []
        for endpoint, label, roles in entries:
            if role not in roles or endpoint not in endpoints:
                continue
            badge = 0
            if endpoint == REQUESTS_ENDPOINT and role in STAFF_ROLES:
                new_requests = request_queries.count_new() if new_requests is None else new_requests
                badge = new_requests
            links.append(_link(endpoint, label, badge))
        return links

    menu: list[NavEntry] = []
    for entry in MENU:
        if isinstance(entry[1], list):
            children = visible(entry[1])
            if len(children) == 1:
                menu.extend(children)
            elif children:
                menu.append(
                    NavEntry(str(entry[0]), children=children, current=any(c.current for c in children))
                )
        else:
            menu.extend(visible([entry]))
    return menu


def new_request_count(menu: list[NavEntry]) -> int:
    """The badge of the requests entry in a menu already built (0 when the user has none)."""
    return next((entry.badge for entry in menu if entry.endpoint == REQUESTS_ENDPOINT), 0)


def view_endpoints() -> set[str]:
    """Return the endpoints this app serves, so templates link only to pages that exist."""
    return set(current_app.view_functions)


def init_app(app: Flask) -> None:
    """Expose the menu helpers to templates."""
    app.jinja_env.globals.update(
        nav_items=nav_items, new_request_count=new_request_count, view_endpoints=view_endpoints
    )
