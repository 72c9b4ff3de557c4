"""The views of the admin blueprint (see the package's docstring)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from inventory.accounts import api_tokens
from inventory.accounts import users as accounts
from inventory.core.clock import utcnow
from inventory.core.errors import Conflict, InvalidValue, NotFound
from inventory.settings import organisation as settings
from inventory.settings.organisation import TARGET_METRICS, fiscal_year_of

from ..auth.access import admin_required
from ..forms import CsrfOnlyForm
from . import bp
from .forms import (
    PasswordResetForm,
    SettingsForm,
    TargetsForm,
    TokenForm,
    UserCreateForm,
    UserEditForm,
)


def _user_or_404(user_id: int):
    try:
        return accounts.get_user(user_id)
    except NotFound:
        abort(404)


@bp.route("/users")
@admin_required
def users():
    """List every account."""
    return render_template("admin/users.html", users=accounts.list_users(), action_form=CsrfOnlyForm())


@bp.route("/users/new", methods=["GET", "POST"])
@admin_required
def new_user():
    """Create an account."""
    form = UserCreateForm()
    if form.validate_on_submit():
        try:
            accounts.create_user(
                form.username.data,
                form.password.data,
                form.role.data,
                email=form.email.data,
                display_name=form.display_name.data or "",
                locale=form.locale.data,
            )
        except Conflict:
            form.username.errors.append(_("This user name or e-mail is already in use."))
        except InvalidValue as error:
            form.username.errors.append(
                _("A user name cannot start with a hyphen (-).")
                if error.details.get("reason") == "leading_dash"
                else _("Use letters, digits and . _ - @ only.")
            )
        else:
            flash(_("The account %(name)s was created.", name=form.username.data), "success")
            return redirect(url_for(".users"))
    return render_template("admin/user_form.html", form=form, user=None)


@bp.route("/users/<row_id:user_id>", methods=["GET", "POST"])
@admin_required
def edit_user(user_id: int):
    """Change an account's role, name, e-mail or language."""
    user = _user_or_404(user_id)
    form = UserEditForm(obj=user)
    if form.validate_on_submit():
        if user.id == current_user.id and form.role.data != user.role:
            form.role.errors.append(_("You cannot change your own role."))
        else:
            try:
                accounts.update_user(
                    user.id,
                    role=form.role.data,
                    display_name=form.display_name.data or "",
                    email=form.email.data,
                    locale=form.locale.data,
                )
            except Conflict:
                form.email.errors.append(_("This e-mail is already in use."))
            else:
                flash(_("The account was saved."), "success")
                return redirect(url_for(".users"))
    return _user_page(user, form)


def _user_page(user, form, *, reset_form=None, token_form=None, new_token=None, status=200):
    return render_template(
        "admin/user_form.html",
        form=form,
        user=user,
        reset_form=reset_form or PasswordResetForm(formdata=None),
        token_form=token_form or TokenForm(formdata=None),
        new_token=new_token,
        tokens=api_tokens.tokens_of(user.id),
        action_form=CsrfOnlyForm(),
    ), status


@bp.route("/users/<row_id:user_id>/password", methods=["POST"])
@admin_required
def reset_password(user_id: int):
    """Set a new password for an account; its sessions end."""
    user = _user_or_404(user_id)
    form = PasswordResetForm()
    if form.validate_on_submit():
        accounts.set_password(user.id, form.password.data)
        flash(_("The password was reset. The account has been signed out everywhere."), "success")
        return redirect(url_for(".edit_user", user_id=user.id))
    return _user_page(user, UserEditForm(obj=user), reset_form=form, status=400)


@bp.route("/users/<row_id:user_id>/tokens", methods=["POST"])
@admin_required
def issue_token(user_id: int):
    """Issue a personal API token; it is shown on this page once and never again."""
    user = _user_or_404(user_id)
    form = TokenForm()
    if not form.validate_on_submit():
        return _user_page(user, UserEditForm(obj=user), token_form=form, status=400)
    token = api_tokens.issue_token(user.id, form.name.data)
    return _user_page(user, UserEditForm(obj=user), new_token=token)


@bp.route("/users/<row_id:user_id>/tokens/<row_id:token_id>/revoke", methods=["POST"])
@admin_required
def revoke_token(user_id: int, token_id: int):
    """Revoke one of an account's API tokens."""
    user = _user_or_404(user_id)
    if not CsrfOnlyForm().validate_on_submit():
        abort(400)
    try:
        api_tokens.revoke_token(user.id, token_id)
    except NotFound:
        abort(404)
    flash(_("The token was revoked."), "success")
    return redirect(url_for(".edit_user", user_id=user.id))


@bp.route("/users/<row_id:user_id>/active", methods=["POST"])
@admin_required
def toggle_active(user_id: int):
    """Deactivate or reactivate an account."""
    user = _user_or_404(user_id)
    form = CsrfOnlyForm()
    if not form.validate_on_submit():
        abort(400)
    if user.id == current_user.id:
        flash(_("You cannot deactivate your own account."), "error")
    else:
        accounts.set_active(user.id, not user.active)
        flash(
            _("The account was deactivated.") if user.active else _("The account was reactivated."), "success"
        )
    return redirect(url_for(".users"))


@bp.route("/settings", methods=["GET", "POST"])
@admin_required
def edit_settings():
    """Edit the organisation's settings."""
    form = SettingsForm(obj=settings.get_settings())
    if form.validate_on_submit():
        values = {name: getattr(form, name).data or "" for name in settings.SETTING_NAMES}
        settings.update_settings(**values)
        flash(_("The settings were saved."), "success")
        return redirect(url_for(".edit_settings"))
    return render_template("admin/settings.html", form=form)


@bp.route("/targets", methods=["GET", "POST"])
@bp.route("/targets/<int:fiscal_year>", methods=["GET", "POST"])
@admin_required
def edit_targets(fiscal_year: int | None = None):
    """Edit the targets of a fiscal year (the current one by default)."""
    fiscal_year = fiscal_year or fiscal_year_of(utcnow().date())
    if not 2000 <= fiscal_year <= 2100:
        abort(404)
    form = TargetsForm(data=settings.get_targets(fiscal_year))
    if form.validate_on_submit():
        settings.set_targets(fiscal_year, {m: getattr(form, m).data for m in TARGET_METRICS})
        flash(_("The targets were saved."), "success")
        return redirect(url_for(".edit_targets", fiscal_year=fiscal_year))
    return render_template(
        "admin/targets.html", form=form, fiscal_year=fiscal_year, target_metrics=TARGET_METRICS
    )
