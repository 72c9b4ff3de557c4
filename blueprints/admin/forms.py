"""Forms for managing accounts and the organisation's settings."""

from flask_babel import lazy_gettext as _l
from wtforms import PasswordField, SelectField
from wtforms.validators import URL, DataRequired, Email, InputRequired, Length, NumberRange, Optional

from inventory.accounts.models import MAX_NAME_LENGTH, Role
from inventory.accounts.users import MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH

from ..forms import AppForm, CleanStringField, NumberField

ROLE_CHOICES = [
    (Role.ADMIN.value, _l("Administrator")),
    (Role.STAFF.value, _l("Staff")),
    (Role.VOLUNTEER.value, _l("Volunteer")),
    (Role.SCHOOL.value, _l("School contact")),
]
LOCALE_CHOICES = [("ja", "日本語"), ("en", "English")]


def _password_field(label):
    return PasswordField(
        label,
        validators=[DataRequired(), Length(min=MIN_PASSWORD_LENGTH, max=MAX_PASSWORD_LENGTH)],
        description=_l("At least %(n)d characters.", n=MIN_PASSWORD_LENGTH),
    )


class UserEditForm(AppForm):
    """What an admin may change on an account."""

    display_name = CleanStringField(_l("Name shown"), validators=[Optional(), Length(max=100)])
    email = CleanStringField(_l("E-mail (optional)"), validators=[Optional(), Length(max=254), Email()])
    role = SelectField(_l("Role"), choices=ROLE_CHOICES)
    locale = SelectField(_l("Language"), choices=LOCALE_CHOICES)


class UserCreateForm(UserEditForm):
    """A new account: the fields above plus a user name and a first password."""

    username = CleanStringField(
        _l("User name"),
        validators=[DataRequired(), Length(max=MAX_NAME_LENGTH)],
        description=_l("Letters, digits and . _ - @ only."),
    )
    password = _password_field(_l("First password"))
    # No role is preselected: an account gets administrator rights only when someone picks them.
    role = SelectField(_l("Role"), choices=[("", _l("Choose…")), *ROLE_CHOICES], validators=[InputRequired()])


class PasswordResetForm(AppForm):
    """A new password set by an admin."""

    password = _password_field(_l("New password"))


class SettingsForm(AppForm):
    """The organisation's settings."""

    org_name = CleanStringField(_l("Organisation name"), validators=[DataRequired(), Length(max=100)])
    project_name = CleanStringField(
        _l("Project name"),
        validators=[Optional(), Length(max=200)],
        description=_l("As the commissioning contract names it; heads the fiscal-year report."),
    )
    commissioned_by = CleanStringField(
        _l("Commissioned by"),
        validators=[Optional(), Length(max=100)],
        description=_l("The body that commissioned the project, e.g. 北見市."),
    )
    representative = CleanStringField(
        _l("Representative"),
        validators=[Optional(), Length(max=100)],
        description=_l("Title and name of the organisation's representative, for the report's header."),
    )
    consultation_phone = CleanStringField(
        _l("Consultation phone"), validators=[DataRequired(), Length(max=30)]
    )
    hours = CleanStringField(_l("Opening hours"), validators=[Optional(), Length(max=100)])
    office_address = CleanStringField(
        _l("Office address (where packs are collected)"),
        validators=[Optional(), Length(max=200)],
        description=_l("Shown after a request to collect, with the opening hours."),
    )
    line_contact = CleanStringField(_l("LINE ID or URL"), validators=[Optional(), Length(max=100)])
    email_contact = CleanStringField(
        _l("Consultation e-mail"), validators=[Optional(), Length(max=254), Email()]
    )
    cafe_text = CleanStringField(_l("Drop-in cafe"), validators=[Optional(), Length(max=300)])
    public_base_url = CleanStringField(
        _l("Public address of this site"),
        validators=[Optional(), Length(max=200), URL(require_tld=False)],
        description=_l("Used in printed QR codes, e.g. https://pack.example.jp"),
    )
    sender_name = CleanStringField(
        _l("Sender name on parcels"),
        validators=[Optional(), Length(max=100)],
        description=_l("Shown on address labels and packing slips."),
    )
    pads_per_pack = NumberField(_l("Pads per pack"), validators=[DataRequired(), NumberRange(1, 1000)])
    retention_days = NumberField(
        _l("Days to keep names and addresses"),
        validators=[DataRequired(), NumberRange(1, 3650)],
        description=_l("Counted from when the pack was sent or the request was closed."),
    )


class TargetsForm(AppForm):
    """The fiscal-year targets (目標値)."""

    packs_placed = NumberField(
        _l("Packs placed at locations"), validators=[Optional(), NumberRange(0, 10**9)]
    )
    packs_sent = NumberField(
        _l("Packs mailed or handed over"), validators=[Optional(), NumberRange(0, 10**9)]
    )
    placement_locations = NumberField(
        _l("Placement locations"), validators=[Optional(), NumberRange(0, 10**9)]
    )
    support_page_scans = NumberField(_l("Support page scans"), validators=[Optional(), NumberRange(0, 10**9)])
    availability_percent = NumberField(
        _l("Availability: days with packs, all locations (%)"),
        validators=[Optional(), NumberRange(0, 100)],
        description=_l("e.g. 98"),
    )
    new_consultations = NumberField(_l("New consultations"), validators=[Optional(), NumberRange(0, 10**9)])
    referrals = NumberField(_l("Referrals to other services"), validators=[Optional(), NumberRange(0, 10**9)])
    cafe_visits = NumberField(_l("Drop-in cafe visits"), validators=[Optional(), NumberRange(0, 10**9)])


class TokenForm(AppForm):
    """A name for a new personal API token (what it is for)."""

    name = CleanStringField(_l("What the token is for"), validators=[DataRequired(), Length(max=100)])
