"""Translations in Python code: the request's language, its catalogue looked up once."""
from __future__ import annotations

from flask_babel import force_locale

from blueprints import i18n

RECORD = "Record"  # a message of the catalogue: 記録する in Japanese


def _request(app, language: str):
    # A fresh app context, as each request has: Flask-Babel and the catalogue cache live on g.
    context = app.app_context()
    context.push()
    request = app.test_request_context(f"/?lang={language}")
    request.push()
    return context, request


def test_gettext_follows_the_language_of_each_request(app):
    label = i18n.lazy_gettext(RECORD)
    for language, expected in [("ja", "記録する"), ("en", "Record"), ("ja", "記録する")]:
        context, request = _request(app, language)
        try:
            assert i18n.gettext(RECORD) == expected and str(label) == expected
        finally:
            request.pop()
            context.pop()


def test_gettext_follows_a_forced_language_and_returns_after_it(app):
    with app.test_request_context("/?lang=ja"):
        assert i18n.gettext(RECORD) == "記録する"
        with force_locale("en"):
            assert i18n.gettext(RECORD) == "Record"
        assert i18n.gettext(RECORD) == "記録する"


def test_gettext_formats_its_variables(app):
    with app.test_request_context("/?lang=en"):
        assert i18n.gettext("Request #%(id)d", id=7) == "Request #7"
        assert i18n.gettext("100%") == "100%"  # no variables: no %-formatting


def test_the_catalogue_is_looked_up_once_per_request(app, monkeypatch):
    lookups = []
    real = i18n.get_translations
    monkeypatch.setattr(i18n, "get_translations", lambda: lookups.append(1) or real())
    with app.test_request_context("/?lang=ja"):
        for _ in range(5):
            i18n.gettext(RECORD)
    assert len(lookups) == 1


def test_outside_a_request_the_message_is_returned_untranslated(app):
    assert i18n.gettext(RECORD) == RECORD
