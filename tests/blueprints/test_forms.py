"""The shared base of every form: the built-in checks worded by the project, in the user's language."""

from __future__ import annotations

from wtforms import IntegerField
from wtforms.validators import InputRequired

from blueprints.forms import AppForm


class _AgeForm(AppForm):
    age = IntegerField(validators=[InputRequired()])


def _errors(app, language: str) -> list[str]:
    # A fresh app context per call, as each request has: the locale is cached on it.
    with app.app_context(), app.test_request_context(f"/?lang={language}", method="POST", data={}):
        form = _AgeForm(meta={"csrf": False})
        form.validate()
        return form.age.errors


def test_the_built_in_checks_speak_the_users_language_in_the_projects_words(app):
    assert _errors(app, "ja") == ["「Age」を入力してください。"]
    assert _errors(app, "en") == ["Please fill in “Age”."]


def test_checkbox_list_writes_the_html_of_wtforms_list_of_checkboxes(app):
    from werkzeug.datastructures import MultiDict
    from wtforms import Form, SelectMultipleField
    from wtforms.widgets import CheckboxInput, ListWidget

    from blueprints.forms import CheckboxList

    choices = [("broken", "Broken <dispenser>"), ('odd"value', "Other & more"), ("closed", "閉まっていた")]

    class Reference(Form):
        flags = SelectMultipleField(
            choices=choices, widget=ListWidget(prefix_label=False), option_widget=CheckboxInput()
        )

    class Ours(Form):
        flags = SelectMultipleField(choices=choices, widget=CheckboxList())

    for formdata in (None, MultiDict([("flags", "closed"), ("flags", 'odd"value')])):
        reference, ours = Reference(formdata=formdata), Ours(formdata=formdata)
        assert ours.flags(aria_describedby="flags-help") == reference.flags(aria_describedby="flags-help")
        assert ours.flags() == reference.flags()
    assert 'checked id="flags-2"' in ours.flags() and "Broken &lt;dispenser&gt;" in ours.flags()
