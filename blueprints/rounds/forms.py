"""The restock form a volunteer fills in at a dispenser."""

from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape
from wtforms import HiddenField, SelectField, SelectMultipleField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional
from wtforms.widgets import html_params

from inventory.rounds.visits import MAX_PACKAGES_AT_A_LOCATION

from ..forms import NumberField, OneTimeKeyForm

FLAG_CHOICES = [
    ("dispenser_broken", _l("Dispenser broken")),
    ("leaflets_missing", _l("Leaflets missing")),
    ("location_closed", _l("Location closed")),
    ("other", _l("Something else (see note)")),
]


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


class RestockForm(OneTimeKeyForm):
    """Packages counted and added, quick flags and a note."""

    counted = NumberField(
        _l("Packages left (counted)"),
        validators=[InputRequired(), NumberRange(0, MAX_PACKAGES_AT_A_LOCATION)],
    )
    added = NumberField(
        _l("Packages added"), validators=[InputRequired(), NumberRange(0, MAX_PACKAGES_AT_A_LOCATION)]
    )
    flags = CheckboxesField(_l("Anything to report?"), choices=FLAG_CHOICES, validators=[Optional()])
    note = TextAreaField(
        _l("Note"),
        validators=[Optional(), Length(max=500)],
        description=_l("Please do not write anything about people here."),
    )
    storeroom_id = SelectField(_l("Packages taken from"), coerce=int, validate_choice=True)
    # Set by the phone when it saves a visit offline, so a late replay keeps when it happened.
    occurred_at = HiddenField()
