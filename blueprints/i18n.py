"""Language choice and Japanese dates for pages."""

from __future__ import annotations

from datetime import UTC, date, datetime

from flask import Flask, has_request_context, request
from flask_babel import format_date, format_datetime, get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from inventory.accounts.users import LOCALES

from .extensions import babel


def select_locale() -> str:
    """Pick the UI language: an explicit ?lang=, the user's saved choice, then the browser's."""
    if not has_request_context():
        return "en"  # CLI and background work: the messages as written
    asked = request.args.get("lang")
    if asked in LOCALES:
        return asked
    if current_user and current_user.is_authenticated:
        return current_user.locale
    return request.accept_languages.best_match(LOCALES) or "ja"


def init_app(app: Flask) -> None:
    """Attach Flask-Babel and the template filters."""
    babel.init_app(app, locale_selector=select_locale)
    app.jinja_env.filters["date"] = show_date
    app.jinja_env.filters["datetime"] = show_datetime
    app.jinja_env.globals.update(
        current_locale=lambda: str(get_locale()),
        other_locale=lambda: "en" if str(get_locale()) == "ja" else "ja",
        fiscal_year_label=fiscal_year_label,
        role_label=role_label,
    )


ROLE_LABELS = {
    "admin": _l("Administrator"),
    "staff": _l("Staff"),
    "volunteer": _l("Volunteer"),
    "school": _l("School contact"),
}


def role_label(role: str) -> str:
    """Name a role in the UI language."""
    return str(ROLE_LABELS.get(role, role))


def fiscal_year_label(fiscal_year: int) -> str:
    """Name a fiscal year both ways: 令和8年度 (2026年度), or FY2026 (Reiwa 8) in English."""
    reiwa = fiscal_year - 2018
    if reiwa == 1:
        # Official documents write the first year of an era as 元年 (gannen), never 1年.
        return _("Reiwa 1 (gannen) (FY%(year)d)", year=fiscal_year)
    if reiwa >= 1:
        return _("Reiwa %(reiwa)d (FY%(year)d)", reiwa=reiwa, year=fiscal_year)
    return _("FY%(year)d", year=fiscal_year)


def show_date(value: date | datetime | None) -> str:
    """Show a date the local way: 2026年11月30日 in Japanese (UTC datetimes in Japan time)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return format_datetime(_as_utc(value), _date_pattern())
    return format_date(value, _date_pattern())


def show_datetime(value: datetime | None) -> str:
    """Show a stored UTC time in Japan time, e.g. 2026年11月30日 14:05."""
    if value is None:
        return ""
    return format_datetime(_as_utc(value), _date_pattern() + " HH:mm")


def _date_pattern() -> str:
    return "y年M月d日" if str(get_locale()) == "ja" else "d MMM y"


def _as_utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value
