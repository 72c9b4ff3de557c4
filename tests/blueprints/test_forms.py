"""The shared base of every form: WTForms' own messages in the user's language, parsed once."""
from __future__ import annotations

from babel import support
from wtforms import IntegerField
from wtforms.validators import InputRequired

from blueprints import forms
from blueprints.forms import AppForm


class _AgeForm(AppForm):
    age = IntegerField(validators=[InputRequired()])


def _errors(app, language: str) -> list[str]:
    # A fresh app context per call, as each request has: the locale is cached on it.
    with app.app_context(), app.test_request_context(f"/?lang={language}", method="POST", data={}):
        form = _AgeForm(meta={"csrf": False})
        form.validate()
        return form.age.errors


def test_wtforms_own_messages_follow_the_language(app):
    assert _errors(app, "ja") == ["このフィールドは必須です。"]
    assert _errors(app, "en") == ["This field is required."]


def test_wtforms_catalogue_is_parsed_once_per_language_not_per_request(app, monkeypatch):
    loads = []
    real_load = support.Translations.load
    monkeypatch.setattr(support.Translations, "load",
                        lambda *args, **kwargs: loads.append(kwargs.get("domain")) or real_load(*args, **kwargs))
    forms._wtforms_messages.cache_clear()
    for _ in range(3):
        _errors(app, "ja")
    assert loads == ["wtforms"]
