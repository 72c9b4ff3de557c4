"""The base of every form and the fields and checks they share: NFKC numbers, clean text."""

from __future__ import annotations

import unicodedata
import uuid

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from markupsafe import Markup, escape
from wtforms import (
    FieldList,
    FormField,
    HiddenField,
    IntegerField,
    PasswordField,
    SelectMultipleField,
    StringField,
)
from wtforms.validators import ValidationError
from wtforms.widgets import HiddenInput, TextArea, html_params

from inventory.core.checks import has_control_characters, is_row_id
from inventory.core.models import MAX_KEY_LENGTH, MIN_KEY_LENGTH

from .form_messages import STOCK_MESSAGES, name_fields


def nfkc(value):
    """Normalise full-width digits, letters and hyphens (２０ → 20) and trim."""
    return unicodedata.normalize("NFKC", value).strip() if isinstance(value, str) else value


def optional_int(value):
    """A number from a select box or a query string: None when blank or not a number."""
    if value is None or value == "":
        return None
    if isinstance(value, int):
        return value
    try:
        return int(nfkc(str(value)))
    except ValueError:
        return None


def optional_row_id(value):
    """A row's id from a query string: None when blank, not a number or no possible id."""
    number = optional_int(value)
    return number if is_row_id(number) else None


def row_id_choice(value):
    """The `coerce` of a select box of ids: None when blank; no possible id is a field error."""
    number = optional_int(value)
    if number is None and value not in (None, ""):
        raise ValueError("not a number")
    if number is not None and not is_row_id(number):
        raise ValueError("not an id")
    return number


class CleanStringField(StringField):
    """A text field that is NFKC-normalised and trimmed (AppForm refuses its control characters)."""

    def __init__(self, label=None, validators=None, **kwargs):
        kwargs["filters"] = [*kwargs.get("filters", ()), nfkc]
        super().__init__(label, validators, **kwargs)


class NumberField(IntegerField):
    """A whole-number field that accepts full-width digits and says clearly what is wrong."""

    def process_formdata(self, valuelist):
        """Parse the typed number after NFKC normalisation; commas are ignored."""
        if not valuelist:
            return
        raw = nfkc(valuelist[0]).replace(",", "")
        if raw == "":
            self.data = None
            return
        try:
            self.data = int(raw)
        except ValueError:
            self.data = None
            raise ValueError(_l("Please enter a whole number.")) from None


class AppForm(FlaskForm):
    """The base of every form: Flask-WTF, with this project's validation messages.

    WTForms' stock sentences are replaced in one place (`form_messages`): each error names
    its field and limit in the user's language, whatever validator raised it.

    It also refuses control characters in whatever was typed or sent in any field (text, hidden
    keys, select boxes, numbers): one check for every form, so no field can forget it.
    """

    class Meta:
        def get_translations(self, form):
            return STOCK_MESSAGES

    def hidden_tag(self, *fields):
        """The hidden fields, without ids: a page with several forms would repeat `csrf_token`."""
        chosen = [getattr(self, f, None) if isinstance(f, str) else f for f in fields or self]
        return Markup(
            "\n".join(str(f(id=False)) for f in chosen if f is not None and isinstance(f.widget, HiddenInput))
        )

    def validate(self, extra_validators=None):
        """Validate, word every stock error this project's way (see form_messages), then check
        every field sent for control characters."""
        valid = super().validate(extra_validators=extra_validators)
        name_fields(self)
        return refuse_control_characters(self) and valid


def refuse_control_characters(form) -> bool:
    """Put an error on each field whose sent text holds a control character; False if any did.

    Line breaks and tabs are text in a multi-line box only. A password may hold invisible
    characters someone chose; only control characters (a NUL byte) are refused there.
    """
    clean = True
    for field in _sent_fields(form):
        multiline = isinstance(field.widget, TextArea)
        values = [value for value in field.raw_data or () if isinstance(value, str)]
        if isinstance(field, PasswordField):
            bad = any(unicodedata.category(ch) == "Cc" for value in values for ch in value)
        else:
            bad = any(has_control_characters(value, multiline=multiline) for value in values)
        if bad:
            field.errors = [*field.errors, _l("Please remove the special characters.")]
            clean = False
    return clean


def _sent_fields(form):
    # A sub-form that is an AppForm checks its own fields when it validates.
    for field in form:
        entries = field.entries if isinstance(field, FieldList) else [field]
        for entry in entries:
            if isinstance(entry, FormField):
                if not isinstance(entry.form, AppForm):
                    yield from _sent_fields(entry.form)
            else:
                yield entry


class CsrfOnlyForm(AppForm):
    """A form with no fields but the CSRF token, for buttons that POST."""


class OneTimeKeyForm(AppForm):
    """A form that writes: it carries a one-time key, so sending it twice records once."""

    idempotency_key = HiddenField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A fresh key each time the form is shown; a resubmit of the same page keeps its key.
        if not self.is_submitted() and not self.idempotency_key.data:
            self.idempotency_key.data = uuid.uuid4().hex

    def validate_idempotency_key(self, field):
        """Refuse a write that arrives without its key (a forged or truncated form)."""
        if not (MIN_KEY_LENGTH <= len(field.data or "") <= MAX_KEY_LENGTH):
            raise ValidationError(_l("This form is incomplete. Please reload the page and try again."))


class CheckboxList:
    """A list of checkboxes, one per choice, each followed by its label.

    The HTML of WTForms' ListWidget with CheckboxInput options, written straight from the
    choices: ListWidget binds a sub-field per option on every render, a tenth of the restock
    page's time on each volunteer's scan.
    """

    def __call__(self, field, **kwargs):
        kwargs.setdefault("id", field.id)
        chosen = set(field.data or ())
        name = escape(field.name)
        items = []
        for index, (value, label) in enumerate(field.choices):
            option_id = escape(f"{field.id}-{index}")
            checked = "checked " if value in chosen else ""
            items.append(
                f'<li><input {checked}id="{option_id}" name="{name}" type="checkbox" '
                f'value="{escape(value)}"> <label for="{option_id}">{escape(label)}</label></li>'
            )
        return Markup(f"<ul {html_params(**kwargs)}>{''.join(items)}</ul>")


class CheckboxesField(SelectMultipleField):
    """Several choices shown as checkboxes (big targets on a phone)."""

    widget = CheckboxList()
