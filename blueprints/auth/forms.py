"""Forms for signing in and changing one's password."""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, PasswordField, SelectField
from wtforms.validators import DataRequired, EqualTo, Length

from inventory.accounts.users import MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH

from ..forms import AppForm, CleanStringField


class LoginForm(AppForm):
    """User name or e-mail, password, and 'remember me' for phones."""

    login = CleanStringField(_l("User name or e-mail"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=MAX_PASSWORD_LENGTH)])
    remember = BooleanField(_l("Stay signed in on this phone (30 days)"))


class PasswordChangeForm(AppForm):
    """The current password and the new one twice."""

    current_password = PasswordField(_l("Current password"), validators=[DataRequired()])
    new_password = PasswordField(
        _l("New password"),
        validators=[DataRequired(), Length(min=MIN_PASSWORD_LENGTH, max=MAX_PASSWORD_LENGTH)],
        description=_l("At least %(n)d characters.", n=MIN_PASSWORD_LENGTH),
    )
    confirm = PasswordField(
        _l("New password again"),
        validators=[DataRequired(), EqualTo("new_password", _l("The two passwords differ."))],
    )


class LanguageForm(AppForm):
    """The language switch."""

    locale = SelectField(choices=[("ja", "日本語"), ("en", "English")])
