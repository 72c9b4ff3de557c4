"""The validation messages of every form, written for this project: they name the field and its limit.

WTForms' built-in validators and fields ask their translations object for a stock sentence
("This field is required.", "Number must be between %(min)s and %(max)s.") and know nothing of
the field they check; its own Japanese catalogue reads like a machine's
(「フィールドは 10 以上, 256 文字以内でなければなりません。」). So `AppForm` hands WTForms
`StockMessages` instead: every stock sentence becomes a marker that keeps its numbers
(`{{length-between|10|256}}`), and `name_fields` turns each marker left in a field's errors into
this project's sentence, with the field's own label, in the user's language. WTForms also asks
for a field's default label (its name, title-cased); anything not in the table passes through,
and a test checks the table covers every sentence of the installed WTForms.
"""

from __future__ import annotations

import re

from flask_babel import gettext as _
from wtforms import BooleanField, Field, FieldList, FormField, RadioField, SelectFieldBase

# WTForms 3.2's msgids (wtforms/locale/wtforms.pot) → the marker kept until the field is known.
STOCK = {
    "This field is required.": "{{required}}",
    "Field must be at least %(min)d character long.": "{{length-min|%(min)d}}",
    "Field cannot be longer than %(max)d character.": "{{length-max|%(max)d|%(length)d}}",
    "Field must be exactly %(max)d character long.": "{{length-exact|%(max)d}}",
    "Field must be between %(min)d and %(max)d characters long.": "{{length-between|%(min)d|%(max)d}}",
    "Number must be at least %(min)s.": "{{number-min|%(min)s}}",
    "Number must be at most %(max)s.": "{{number-max|%(max)s}}",
    "Number must be between %(min)s and %(max)s.": "{{number-between|%(min)s|%(max)s}}",
    "Invalid email address.": "{{email}}",
    "Invalid URL.": "{{url}}",
    "Field must be equal to %(other_name)s.": "{{equal}}",
    "Not a valid choice.": "{{choice}}",
    "Invalid Choice: could not coerce.": "{{choice}}",
    "Invalid choice(s): one or more data inputs could not be coerced.": "{{choice}}",
    "'%(value)s' is not a valid choice for this field.": "{{choice}}",
    "Invalid value, must be one of: %(values)s.": "{{choice}}",
    "Invalid value, can't be any of: %(values)s.": "{{choice}}",
    "Not a valid integer value.": "{{integer}}",
    "Not a valid decimal value.": "{{decimal}}",
    "Not a valid float value.": "{{decimal}}",
    "Not a valid date value.": "{{date}}",
    "Not a valid datetime value.": "{{datetime}}",
    "Not a valid time value.": "{{time}}",
    "Not a valid week value.": "{{date}}",
    "Invalid CSRF Token.": "{{expired}}",
    "CSRF token missing.": "{{expired}}",
    "CSRF failed.": "{{expired}}",
    "CSRF token expired.": "{{expired}}",
    "This field cannot be edited.": "{{read-only}}",
    "This field is disabled and cannot have a value.": "{{read-only}}",
}
# Flask-WTF's CSRF check raises plain English sentences without asking for a translation.
CSRF_SENTENCES = frozenset(
    {
        "The CSRF token is missing.",
        "The CSRF session token is missing.",
        "The CSRF token is invalid.",
        "The CSRF token has expired.",
        "The CSRF tokens do not match.",
    }
)
MARKER = re.compile(r"\{\{([a-z-]+)((?:\|[^|{}]*)*)\}\}")


class StockMessages:
    """What WTForms gets as its translations: markers instead of its stock sentences."""

    def gettext(self, string: str) -> str:
        """The marker for a stock sentence (WTForms then fills in its numbers with `%`)."""
        return STOCK.get(string, string)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        """The same for the sentences WTForms words by number."""
        return STOCK.get(singular, singular if n == 1 else plural)


STOCK_MESSAGES = StockMessages()


def _number(text: str) -> str:
    try:
        return f"{int(float(text)):,}"
    except ValueError:
        return text


def sentence(kind: str, args: list[str], field: Field) -> str:
    """This project's sentence for a marker, naming the field by its label."""
    name = field.label.text if field.label else field.name
    if kind == "required":
        if isinstance(field, BooleanField):
            return _("Please tick “%(field)s”.", field=name)
        if isinstance(field, (SelectFieldBase, RadioField)):
            return _("Please choose “%(field)s”.", field=name)
        return _("Please fill in “%(field)s”.", field=name)
    if kind == "length-min":
        return _("“%(field)s” needs at least %(min)s characters.", field=name, min=_number(args[0]))
    if kind == "length-max":
        return _(
            "“%(field)s” can be at most %(max)s characters (now %(length)s).",
            field=name,
            max=_number(args[0]),
            length=_number(args[1]),
        )
    if kind == "length-exact":
        return _("“%(field)s” must be exactly %(max)s characters.", field=name, max=_number(args[0]))
    if kind == "length-between":
        return _(
            "“%(field)s” must be %(min)s to %(max)s characters.",
            field=name,
            min=_number(args[0]),
            max=_number(args[1]),
        )
    if kind == "number-min":
        return _("“%(field)s” must be %(min)s or more.", field=name, min=_number(args[0]))
    if kind == "number-max":
        return _("“%(field)s” must be %(max)s or less.", field=name, max=_number(args[0]))
    if kind == "number-between":
        return _(
            "“%(field)s” must be a number from %(min)s to %(max)s.",
            field=name,
            min=_number(args[0]),
            max=_number(args[1]),
        )
    if kind == "email":
        return _("“%(field)s” does not look like an e-mail address (e.g. name@example.jp).", field=name)
    if kind == "url":
        return _("“%(field)s” must be a web address, e.g. https://pack.example.jp.", field=name)
    if kind == "equal":
        return _("“%(field)s” does not match. Please type the same again.", field=name)
    if kind == "choice":
        return _("Please choose “%(field)s” from the list.", field=name)
    if kind == "integer":
        return _("“%(field)s” must be a whole number.", field=name)
    if kind == "decimal":
        return _("“%(field)s” must be a number.", field=name)
    if kind == "date":
        return _("“%(field)s” must be a date, e.g. 2026-04-01.", field=name)
    if kind == "datetime":
        return _("“%(field)s” must be a date and time.", field=name)
    if kind == "time":
        return _("“%(field)s” must be a time, e.g. 09:30.", field=name)
    if kind == "expired":
        return _("This page has expired. Please reload it and send the form again.")
    if kind == "read-only":
        return _("“%(field)s” cannot be changed here.", field=name)
    return _("Please check “%(field)s”.", field=name)


def _leaf_fields(fields):
    for field in fields:
        if isinstance(field, FormField):
            yield from _leaf_fields(field.form)
        elif isinstance(field, FieldList):
            yield from _leaf_fields(field.entries)
        else:
            yield field


def name_fields(form) -> None:
    """Turn the markers in every field's errors (nested forms included) into sentences."""
    for field in _leaf_fields(form):
        errors = field.errors
        if not isinstance(errors, list):
            continue
        # Input that could not be read ("abc" for a number) says so once: the range check that
        # follows would only repeat it in other words.
        unreadable = len(getattr(field, "process_errors", ()) or ())
        if unreadable:
            del errors[unreadable:]
        for index, error in enumerate(errors):
            if error in CSRF_SENTENCES:
                errors[index] = sentence("expired", [], field)
            elif isinstance(error, str) and "{{" in error:
                errors[index] = MARKER.sub(
                    lambda match, field=field: sentence(match.group(1), match.group(2).split("|")[1:], field),
                    error,
                )
