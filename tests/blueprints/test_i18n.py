"""The UI language: chosen per request, forced where a page asks, plain English outside a request."""

from __future__ import annotations

from flask_babel import force_locale, gettext, lazy_gettext

RECORD = "Record"  # a message of the catalogue: 記録する in Japanese


def test_each_request_is_translated_into_its_own_language(app):
    label = lazy_gettext(RECORD)
    for language, expected in [("ja", "記録する"), ("en", "Record"), ("ja", "記録する")]:
        # A fresh app context, as each request has on a server: Flask-Babel keeps the locale there.
        with app.app_context(), app.test_request_context(f"/?lang={language}"):
            assert gettext(RECORD) == expected and str(label) == expected


def test_a_forced_language_applies_inside_and_the_requests_returns_after_it(app):
    with app.test_request_context("/?lang=ja"):
        assert gettext(RECORD) == "記録する"
        with force_locale("en"):
            assert gettext(RECORD) == "Record"
        assert gettext(RECORD) == "記録する"


def test_outside_a_request_the_message_is_returned_as_written(app):
    with app.app_context():
        assert gettext(RECORD) == RECORD


def test_a_page_is_shown_in_the_language_the_browser_asks_for(client):
    assert "ログイン" in client.get("/login", headers={"Accept-Language": "ja"}).get_data(as_text=True)
    assert "Sign in" in client.get("/login", headers={"Accept-Language": "en"}).get_data(as_text=True)
