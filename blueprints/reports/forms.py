"""Forms of the report pages: the fiscal-year chooser and the CSV export (both GET, no CSRF)."""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from wtforms import DateField, SelectField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from inventory.reports.yearly import FIRST_YEAR, LAST_YEAR

from ..forms import AppForm, CleanStringField, CsrfOnlyForm, NumberField
from .names import DATASET_NAMES

FIRST_DAY, LAST_DAY = date(FIRST_YEAR, 1, 1), date(LAST_YEAR, 12, 31)


class GetForm(AppForm):
    """A form read from the query string: no CSRF token (it changes nothing)."""

    class Meta:
        csrf = False


class YearForm(GetForm):
    """Which fiscal year (年度) to report."""

    year = NumberField(
        _l("Fiscal year (April to March)"),
        validators=[Optional()],
        description=_l("The year in which the fiscal year starts, e.g. 2026 for April 2026 to March 2027."),
    )

    def validate_year(self, field):
        """Only years a report can mean."""
        if field.data is not None and not FIRST_YEAR <= field.data <= LAST_YEAR:
            raise ValidationError(
                _l("Please choose a year between %(first)d and %(last)d.", first=FIRST_YEAR, last=LAST_YEAR)
            )


def _in_range(form, field):
    if field.data is not None and not FIRST_DAY <= field.data <= LAST_DAY:
        raise ValidationError(
            _l("Please choose a date between %(first)d and %(last)d.", first=FIRST_YEAR, last=LAST_YEAR)
        )


class ExportForm(GetForm):
    """What to export, for which Japanese days, in which encoding."""

    dataset = SelectField(
        _l("What to export"),
        # A required select starts on an empty choice, so nothing is exported by mistake.
        choices=[("", _l("Choose…")), *DATASET_NAMES.items()],
        validators=[InputRequired()],
    )
    since = DateField(_l("From"), validators=[Optional(), _in_range])
    until = DateField(_l("To"), validators=[Optional(), _in_range])
    encoding = SelectField(
        _l("Character encoding"),
        default="utf-8",
        choices=[("utf-8", _l("UTF-8 (Excel 2016 or later)")), ("cp932", _l("Shift_JIS (older Excel)"))],
        description=_l(
            "In Shift_JIS, characters it cannot hold are replaced with 〓, "
            "and the last line of the file lists them."
        ),
    )

    def validate_until(self, field):
        """The end may not come before the start."""
        if field.data and self.since.data and field.data < self.since.data:
            raise ValidationError(_l("The end date is before the start date."))


class CloseYearForm(CsrfOnlyForm):
    """Close a fiscal year (確定) once its report is filed."""

    reason = CleanStringField(
        _l("Note on the closing (optional)"),
        validators=[Optional(), Length(max=500)],
        description=_l("For example: filed with the city on 2026年4月20日."),
    )


class ReopenYearForm(CsrfOnlyForm):
    """Reopen a closed fiscal year; the reason is logged."""

    reason = CleanStringField(_l("Why the year is reopened"), validators=[DataRequired(), Length(max=500)])


class NotesForm(CsrfOnlyForm):
    """The notes (特記事項) printed with a fiscal year's report."""

    notes = TextAreaField(
        _l("Notes for this year's report"),
        validators=[Optional(), Length(max=4000)],
        description=_l("Printed in the report. Do not write anything about a person here."),
    )
