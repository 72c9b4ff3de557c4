"""The restock form a volunteer fills in at a dispenser."""

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, SelectField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from inventory.rounds.visits import MAX_PACKAGES_AT_A_LOCATION

from ..forms import CheckboxesField, NumberField, OneTimeKeyForm

FLAG_CHOICES = [
    ("dispenser_broken", _l("Dispenser broken")),
    ("leaflets_missing", _l("Leaflets missing")),
    ("location_closed", _l("Location closed")),
    ("other", _l("Something else (see note)")),
]


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
