"""The base of every form and the fields and checks they share: NFKC numbers, clean text."""

from __future__ import annotations

import unicodedata
import uuid

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from markupsafe import Markup
from wtforms import HiddenField, IntegerField, StringField
from wtforms.validators import ValidationError
from wtforms.widgets import HiddenInput

from inventory.core.models import MAX_KEY_LENGTH, MIN_KEY_LENGTH

from .form_messages import STOCK_MESSAGES, name_fields

CONTROL_CATEGORIES = {"Cc", "Cf", "Cs", "Co", "Cn"}


def nfkc(value):
    """Normalise full-width digits, letters and hyphens (２０ → 20) and trim."""
    return unicodedata.normalize("NFKC", value).strip() if isinstance(value, str) else value


def no_control_characters(form, field):
    """Refuse control and unassigned characters (newlines are allowed in multi-line text)."""
    if any(unicodedata.category(ch) in CONTROL_CATEGORIES and ch not in "\r\n\t" for ch in field.data or ""):
        raise ValidationError(_l("Please remove the special characters."))


def optional_int(value):
    """An id from a select box or a query string: None when blank or not a number."""
    if value is None or value == "":
        return None
    if isinstance(value, int):
        return value
    try:
        return int(nfkc(str(value)))
    except ValueError:
        return None


class CleanStringField(StringField):
    """A text field that is NFKC-normalised, trimmed and free of control characters."""

    def __init__(self, label=None, validators=None, **kwargs):
        kwargs["filters"] = [*kwargs.get("filters", ()), nfkc]
        super().__init__(label, [*(validators or ()), no_control_characters], **kwargs)


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
        """Validate, then word every stock error this project's way (see form_messages)."""
        valid = super().validate(extra_validators=extra_validators)
        name_fields(self)
        return valid


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
