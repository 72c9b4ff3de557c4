"""Forms for alert switches, the channel settings and the volunteers of a location."""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, PasswordField, SelectField
from wtforms.validators import Email, Length, NumberRange, Optional

from inventory.alerts.models import AlertKind

from ..forms import AppForm, CheckboxesField, CleanStringField, NumberField

KIND_LABELS = {
    AlertKind.LOCATION_EMPTY.value: _l("A location I look after is reported empty"),
    AlertKind.PREDICTED_EMPTY.value: _l("A location I look after will soon run out and no visit is planned"),
    AlertKind.WEEKLY_ROUND.value: _l("Weekly reminder of the locations due"),
    AlertKind.NEW_REQUEST.value: _l("A new request came in (public form or a school)"),
    AlertKind.ESCALATION.value: _l("Nobody acted on an empty or soon-empty location in time"),
}

# The same kinds, named for the admin's list of deliveries.
ADMIN_KIND_LABELS = {
    AlertKind.LOCATION_EMPTY.value: _l("Reported empty"),
    AlertKind.PREDICTED_EMPTY.value: _l("Predicted empty"),
    AlertKind.WEEKLY_ROUND.value: _l("Weekly round"),
    AlertKind.NEW_REQUEST.value: _l("New request"),
    AlertKind.ESCALATION.value: _l("Escalated to staff"),
}
TLS_CHOICES = [
    ("starttls", _l("STARTTLS (usually port 587)")),
    ("ssl", _l("TLS from the start (usually port 465)")),
    ("none", _l("None (only for a server on this machine)")),
]
WEEKDAY_CHOICES = [
    (0, _l("Monday")),
    (1, _l("Tuesday")),
    (2, _l("Wednesday")),
    (3, _l("Thursday")),
    (4, _l("Friday")),
    (5, _l("Saturday")),
    (6, _l("Sunday")),
]


class ChannelSettingsForm(AppForm):
    """How alerts are sent; secrets are write-only (a blank field keeps what is set)."""

    smtp_host = CleanStringField(_l("SMTP server"), validators=[Optional(), Length(max=200)])
    smtp_port = NumberField(_l("SMTP port"), validators=[NumberRange(min=1, max=65535)], default=587)
    smtp_tls = SelectField(_l("Encryption"), choices=TLS_CHOICES)
    smtp_user = CleanStringField(_l("SMTP user name"), validators=[Optional(), Length(max=200)])
    smtp_sender = CleanStringField(_l("Sender address"), validators=[Optional(), Length(max=254), Email()])
    line_channel_access_token = PasswordField(
        _l("LINE channel access token"),
        validators=[Optional(), Length(max=500)],
        description=_l("Leave blank to keep the one that is set."),
    )
    line_channel_secret = PasswordField(
        _l("LINE channel secret"),
        validators=[Optional(), Length(max=100)],
        description=_l("Leave blank to keep the one that is set."),
    )
    clear_line = BooleanField(_l("Remove the LINE token and secret"))
    predict_days = NumberField(
        _l("Alert when a location is predicted empty within (days)"),
        validators=[NumberRange(min=0, max=30)],
        default=2,
    )
    escalate_after_minutes = NumberField(
        _l("Tell staff when nobody has acted after (minutes)"),
        validators=[NumberRange(min=5, max=10080)],
        default=180,
    )
    reminder_weekday = SelectField(_l("Weekly round reminder on"), choices=WEEKDAY_CHOICES, coerce=int)


class VolunteersForm(AppForm):
    """Who looks after a location."""

    volunteers = CheckboxesField(_l("Volunteers"), coerce=int, validate_choice=True)
