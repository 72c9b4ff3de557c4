"""Every form's validation messages are this project's: they name the field and its limit.

WTForms' stock sentences (「このフィールドは必須です。」, 「数値は 0 以上, 1000 以下でなければ
いけません。」) must never reach a user, in either language, from any form.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from werkzeug.datastructures import MultiDict
from wtforms import Form, IntegerField, SelectFieldBase, StringField
from wtforms.i18n import messages_path
from wtforms.validators import URL, DataRequired, Email, EqualTo, InputRequired, Length, NumberRange

import blueprints
from blueprints.form_messages import STOCK, STOCK_MESSAGES
from blueprints.forms import AppForm


def _catalogue(language: str):
    with open(Path(messages_path()) / language / "LC_MESSAGES" / "wtforms.po", "rb") as file:
        return read_po(file)


def _stock_patterns() -> list[re.Pattern]:
    """WTForms' stock sentences in English and Japanese, with their numbers as wildcards."""
    texts = []
    for message in _catalogue("ja"):
        for text in (message.id, message.string):
            texts.extend(text if isinstance(text, tuple) else [text])
    patterns = []
    for text in {t for t in texts if t}:
        escaped = re.escape(text)
        patterns.append(re.compile(re.sub(r"%\\\(\w+\\\)[sd]|%s", ".*", escaped)))
    return patterns


STOCK_PATTERNS = _stock_patterns()


def _all_form_classes() -> list[type]:
    for module in pkgutil.walk_packages(blueprints.__path__, "blueprints."):
        if module.name.endswith(".forms"):
            importlib.import_module(module.name)
    found, todo = set(), list(AppForm.__subclasses__())
    while todo:
        cls = todo.pop()
        if cls.__module__.startswith("blueprints.") and cls not in found:
            found.add(cls)
            todo.extend(cls.__subclasses__())
    return sorted(found, key=lambda cls: f"{cls.__module__}.{cls.__name__}")


FORM_CLASSES = _all_form_classes()
# What a person (or a forged request) might send: nothing, far too much, nonsense, out of range.
INPUTS = ["", "x" * 5000, "abc", "-99999999999", "99999999999", "2026-13-45", "ab"]


def _errors_of(errors) -> list[str]:
    if isinstance(errors, dict):
        return [e for value in errors.values() for e in _errors_of(value)]
    if isinstance(errors, (list, tuple)):
        return [e for value in errors for e in _errors_of(value)]
    return [errors]


def _validate(form_class, value: str) -> list[str]:
    probe = form_class(meta={"csrf": False}, formdata=MultiDict())
    names = [field.name for field in _leaf(probe)]
    data = MultiDict({name: value for name in names})
    form = form_class(meta={"csrf": False}, formdata=data)
    for field in _leaf(form):
        if isinstance(field, SelectFieldBase) and getattr(field, "choices", ()) is None:
            field.choices = []  # views fill these from the database
    form.validate()
    return [str(error) for error in _errors_of(form.errors)]


def _leaf(form):
    for field in form:
        if hasattr(field, "form"):
            yield from _leaf(field.form)
        elif hasattr(field, "entries"):
            for entry in field.entries:
                yield from _leaf([entry]) if not hasattr(entry, "form") else _leaf(entry.form)
        else:
            yield field


def _stock_leaks(messages: list[str]) -> list[str]:
    return [m for m in messages if "{{" in m or any(p.fullmatch(m) for p in STOCK_PATTERNS)]


@pytest.mark.parametrize("language", ["ja", "en"])
def test_no_form_lets_a_stock_wtforms_message_through(app, language):
    assert len(FORM_CLASSES) >= 30  # the walk found the project's forms
    seen: list[str] = []
    leaks: dict[str, list[str]] = {}
    with app.test_request_context(f"/?lang={language}", method="POST"):
        for form_class in FORM_CLASSES:
            for value in INPUTS:
                messages = _validate(form_class, value)
                seen.extend(messages)
                if bad := _stock_leaks(messages):
                    leaks.setdefault(form_class.__name__, []).extend(bad)
    assert leaks == {}
    # The walk really made errors of every kind WTForms words for itself.
    if language == "ja":
        assert any(re.fullmatch(r"「.+」を入力してください。", m) for m in seen)
        assert any(re.fullmatch(r"「.+」は [\d,]+ 文字までです（いま 5,000 文字）。", m) for m in seen)
        assert any(re.fullmatch(r"「.+」は [\d,]+〜[\d,]+ の数を入力してください。", m) for m in seen)
    else:
        assert any(re.fullmatch(r"Please fill in “.+”\.", m) for m in seen)


def test_every_stock_sentence_of_wtforms_has_a_sentence_of_ours():
    stock_ids = {m.id if isinstance(m.id, str) else m.id[0] for m in _catalogue("ja") if m.id}
    internal = {"Invalid field name '%s'.", "Choices cannot be None."}  # programming errors, never shown
    user_facing = (
        stock_ids
        - internal
        - {"Invalid input.", "Invalid IP address.", "Invalid Mac address.", "Invalid UUID."}
    )
    assert user_facing <= set(STOCK)
    # A field's default label (its name) also comes through gettext: it passes unchanged.
    assert STOCK_MESSAGES.gettext("Remember") == "Remember"


class _Checks(AppForm):
    name = StringField("氏名", validators=[DataRequired(), Length(max=10)])
    code = StringField("コード", validators=[InputRequired(), Length(min=4, max=8)])
    count = IntegerField("パック数", validators=[InputRequired(), NumberRange(0, 1000)])
    email = StringField("メール", validators=[Email()])
    url = StringField("公開アドレス", validators=[URL()])
    again = StringField("確認用", validators=[EqualTo("code")])


def _check(app, language, **data):
    with app.test_request_context(f"/?lang={language}", method="POST"):
        form = _Checks(meta={"csrf": False}, formdata=MultiDict(data))
        form.validate()
        return {name: errors for name, errors in form.errors.items()}


def test_messages_name_the_field_and_its_limit_in_plain_japanese(app):
    errors = _check(app, "ja", name="あ" * 256, code="ab", count="5000", email="x", url="y", again="z")
    assert errors["name"] == ["「氏名」は 10 文字までです（いま 256 文字）。"]
    assert errors["code"] == ["「コード」は 4〜8 文字で入力してください。"]
    assert errors["count"] == ["「パック数」は 0〜1,000 の数を入力してください。"]
    assert errors["email"] == ["「メール」はメールアドレスの形（例: name@example.jp）で入力してください。"]
    assert errors["url"] == [
        "「公開アドレス」はウェブのアドレス（例: https://pack.example.jp）で入力してください。"
    ]
    assert errors["again"] == ["「確認用」が一致しません。同じものをもう一度入力してください。"]
    assert _check(app, "ja")["name"] == ["「氏名」を入力してください。"]
    assert _check(app, "ja", count="abc")["count"] == ["「パック数」は整数で入力してください。"]


def test_messages_read_the_same_way_in_english(app):
    errors = _check(app, "en", name="a" * 11, count="-1")
    assert errors["name"] == ["“氏名” can be at most 10 characters (now 11)."]
    assert errors["count"] == ["“パック数” must be a number from 0 to 1,000."]
    assert _check(app, "en")["code"] == ["Please fill in “コード”."]


def test_a_plain_wtforms_form_is_not_reworded(app):
    class Plain(Form):
        name = StringField("name", validators=[DataRequired()])

    form = Plain(formdata=MultiDict())
    form.validate()
    assert form.name.errors == ["This field is required."]  # only the project's forms are ours
