"""Language choice, translation with the catalogue found once per request, Japanese dates."""
from __future__ import annotations

from datetime import date, datetime, timezone

from babel import support
from flask import Flask, g, has_request_context, request
from flask_babel import format_date, format_datetime, get_locale, get_translations
from flask_babel.speaklater import LazyString
from jinja2 import pass_context
from markupsafe import Markup
from flask_login import current_user

from inventory.accounts import LOCALES

from .extensions import babel


def catalogue():
    """This request's message catalogue, found once per request and language.

    Flask-Babel's gettext finds the context, the domain, the locale and the catalogue again
    on every call: about 80k instructions (callgrind), fifty times the look-up in the
    catalogue itself, and the restock page translates a dozen labels on every scan.
    A changed language (force_locale, refresh) is a new locale object, so it is seen.
    """
    if not has_request_context():
        return support.NullTranslations()  # the messages as written (CLI, background work)
    locale = get_locale()
    found = g.get("_catalogue")
    if found is None or found[0] is not locale:
        found = g._catalogue = (locale, get_translations())
    return found[1]


def gettext(string: str, **variables) -> str:
    """Translate into the request's language; %-format with `variables` (as Flask-Babel does)."""
    text = catalogue().ugettext(string)
    return text % variables if variables else text


def lazy_gettext(string: str, **variables) -> LazyString:
    """A string translated when shown, in the language of the request showing it."""
    return LazyString(gettext, string, **variables)


_, _l = gettext, lazy_gettext  # the names this module's messages use (and pybabel looks for)


def select_locale() -> str:
    """Pick the UI language: an explicit ?lang=, the user's saved choice, then the browser's."""
    asked = request.args.get("lang")
    if asked in LOCALES:
        return asked
    if current_user and current_user.is_authenticated:
        return current_user.locale
    return request.accept_languages.best_match(LOCALES) or "ja"


def init_app(app: Flask) -> None:
    """Attach Flask-Babel and the template filters."""
    babel.init_app(app, locale_selector=select_locale)
    app.context_processor(_catalogue_for_this_render)
    app.jinja_env.filters["date"] = show_date
    app.jinja_env.filters["datetime"] = show_datetime
    app.jinja_env.globals.update(
        current_locale=lambda: str(get_locale()),
        other_locale=lambda: "en" if str(get_locale()) == "ja" else "ja",
        fiscal_year_label=fiscal_year_label,
        role_label=role_label,
    )


def _catalogue_for_this_render() -> dict:
    """Give templates a gettext bound to this request's catalogue, looked up once per render.

    Jinja's `_()` resolves `gettext` from the context before the globals Flask-Babel installs,
    which would look the catalogue up again for every string (a third of a page's time). It
    behaves as Jinja's newstyle gettext: escaped variables, always %-formatted.
    """
    translations = catalogue()

    @pass_context
    def gettext(context, string, **variables):
        text = translations.ugettext(string)
        if context.eval_ctx.autoescape:
            text = Markup(text)
        return text % variables

    return {"gettext": gettext}


ROLE_LABELS = {"admin": _l("Administrator"), "staff": _l("Staff"),
               "volunteer": _l("Volunteer"), "school": _l("School contact")}


def role_label(role: str) -> str:
    """Name a role in the UI language."""
    return str(ROLE_LABELS.get(role, role))


def fiscal_year_label(fiscal_year: int) -> str:
    """Name a fiscal year both ways: 令和8年度 (2026年度), or FY2026 (Reiwa 8) in English."""
    reiwa = fiscal_year - 2018
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
    return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value
