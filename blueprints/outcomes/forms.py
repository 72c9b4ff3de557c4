"""Forms of the outcome pages: one consultation, a month of a paper sheet, a cafe session."""

from __future__ import annotations

import re
import unicodedata
from datetime import date

from flask_babel import lazy_gettext as _l
from wtforms import DateField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from inventory.core.clock import local_today
from inventory.outcomes.models import MAX_NOTE
from inventory.outcomes.services import MAX_CELL, MAX_VISITS

from ..forms import (
    AppForm,
    CheckboxesField,
    CleanStringField,
    NumberField,
    OneTimeKeyForm,
    nfkc,
    optional_int,
)
from .names import CHANNELS, HEARD_VIA

NOTE_WARNING = _l("Please do not write anything about the person here: no name, age, place or story.")


class NfkcDateField(DateField):
    """A date typed with full-width digits (２０２６-１２-０２) is read like one typed in ASCII."""

    def process_formdata(self, valuelist):
        """Normalise before parsing."""
        super().process_formdata([nfkc(v) for v in valuelist])


def _choices(mapping) -> list[tuple[str, str]]:
    return [(code, label) for code, label in mapping.items()]


class ConsultationForm(OneTimeKeyForm):
    """One consultation: the three taps (channel, new or continuing, how she heard), the rest optional."""

    channel = RadioField(_l("Channel"), choices=_choices(CHANNELS), validators=[InputRequired()])
    age = RadioField(
        _l("First contact?"),
        choices=[("new", _l("New")), ("continuing", _l("Continuing"))],
        validators=[InputRequired()],
    )
    heard_via = RadioField(
        _l("How she heard of the window"), choices=_choices(HEARD_VIA), validators=[InputRequired()]
    )
    # Checked by the service (a retired location still counts): a forged id gets its message there.
    location_id = SelectField(
        _l("Which location"), coerce=optional_int, validate_choice=False, validators=[Optional()]
    )
    referrals = CheckboxesField(
        _l("Referred to (if any)"), coerce=optional_int, validate_choice=False, validators=[Optional()]
    )
    occurred_on = NfkcDateField(_l("Date"), default=local_today, validators=[InputRequired()])
    note = TextAreaField(
        _l("Note (optional)"),
        validators=[Optional(), Length(max=MAX_NOTE)],
        description=NOTE_WARNING,
    )


class CafeForm(OneTimeKeyForm):
    """One session of the drop-in cafe."""

    held_on = NfkcDateField(_l("Date of the session"), default=local_today, validators=[InputRequired()])
    visits = NumberField(_l("Visits (people who came, counted per session)"), validators=[InputRequired()])
    note = TextAreaField(
        _l("Note (optional)"),
        validators=[Optional(), Length(max=MAX_NOTE)],
        description=NOTE_WARNING,
    )

    def validate_visits(self, field):
        """A number of people a cafe can have (the service checks the same)."""
        if field.data is not None and not 0 <= field.data <= MAX_VISITS:
            raise ValidationError(
                _l("Enter a whole number from %(minimum)d to %(maximum)d.", minimum=0, maximum=MAX_VISITS)
            )


MONTH = re.compile(r"(\d{4})[-/年](\d{1,2})月?")


class MonthField(StringField):
    """A month typed as 2026-11 (an <input type="month">), 2026/11 or 2026年11月; full width too."""

    def process_formdata(self, valuelist):
        """Read the month as its first day."""
        self.raw = nfkc(valuelist[0]) if valuelist else ""
        match = MONTH.fullmatch(self.raw or "")
        self.data = None
        if match and 1 <= int(match.group(2)) <= 12 and 2000 <= int(match.group(1)) <= 2100:
            self.data = date(int(match.group(1)), int(match.group(2)), 1)
        elif self.raw:
            raise ValueError(_l("Enter the month as 2026-11."))

    def _value(self):
        return (
            self.data.strftime("%Y-%m") if isinstance(self.data, date) else (getattr(self, "raw", "") or "")
        )


class MonthlySheetForm(OneTimeKeyForm):
    """The month and note of a paper tally sheet; its counts are read from the grid (see read_counts)."""

    month = MonthField(_l("Month"), validators=[InputRequired()])
    note = CleanStringField(
        _l("Note (optional)"), validators=[Optional(), Length(max=MAX_NOTE)], description=NOTE_WARNING
    )


def read_count(raw) -> tuple[int, str | None]:
    """A count typed in a grid box: blank is 0; full-width digits and commas are fine."""
    text = unicodedata.normalize("NFKC", raw or "").strip().replace(",", "")
    if text == "":
        return 0, None
    if not re.fullmatch(r"\d{1,12}", text):
        return 0, str(_l("Please enter a whole number."))
    value = int(text)
    if value > MAX_CELL:
        return 0, str(
            _l("Enter a whole number from %(minimum)d to %(maximum)d.", minimum=0, maximum=MAX_CELL)
        )
    return value, None


class DestinationForm(AppForm):
    """A new referral destination (admin)."""

    name = CleanStringField(_l("Name of the service"), validators=[InputRequired(), Length(max=100)])
