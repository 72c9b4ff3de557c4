"""The views of the auth blueprint (see the package's docstring)."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import (
    abort,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from inventory.accounts import users as accounts
from inventory.accounts.errors import InvalidCredentials, LoginThrottled

from . import bp
from .forms import LanguageForm, LoginForm, PasswordChangeForm


def safe_next(target: str | None) -> str | None:
    """Return `target` only when it is a path on this site (no open redirects)."""
    if not target:
        return None
    parts = urlsplit(target)
    if (
        parts.scheme
        or parts.netloc
        or not target.startswith("/")
        or target.startswith("//")
        or "\\" in target
    ):
        return None
    return target


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Show the sign-in form and sign in."""
    next_url = safe_next(request.values.get("next"))
    if current_user.is_authenticated:
        return redirect(next_url or url_for("main.home"))
    form = LoginForm()
    if form.validate_on_submit():
        try:
            result = accounts.login(
                form.login.data, form.password.data, address=request.remote_addr, remember=form.remember.data
            )
        except LoginThrottled as error:
            form.login.errors.append(
                _(
                    "Too many failed attempts. Please wait %(minutes)d minutes and try again.",
                    minutes=error.details["retry_minutes"],
                )
            )
        except InvalidCredentials:
            form.login.errors.append(_("The user name or password is not correct."))
        else:
            session.clear()  # a fresh session at login: nothing carries over from before
            login_user(result.user, remember=accounts.session_uses_remember(result.token))
            return redirect(next_url or url_for("main.home"))
    return render_template("auth/login.html", form=form, next_url=next_url)


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    """End this login session on the server and forget the cookie.

    A shared phone must keep no page of this user: the browser drops its HTTP cache
    (Clear-Site-Data), and the service worker deletes its own caches when it sees this POST.
    Not "storage": that would also wipe visits still waiting in the phone's offline outbox.
    """
    accounts.logout(current_user.session_token)
    logout_user()
    session.clear()
    flash(_("You have signed out."), "success")
    response = redirect(url_for("auth.login"))
    response.headers["Clear-Site-Data"] = '"cache"'
    return response


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    """Change one's own password; every other session of the account ends."""
    form = PasswordChangeForm()
    if form.validate_on_submit():
        try:
            accounts.change_own_password(current_user, form.current_password.data, form.new_password.data)
        except LoginThrottled as error:
            form.current_password.errors.append(
                _(
                    "Too many wrong passwords. Please wait %(minutes)d minutes and try again.",
                    minutes=error.details["retry_minutes"],
                )
            )
        except InvalidCredentials:
            form.current_password.errors.append(_("The current password is not correct."))
        else:
            flash(_("Your password has been changed. Other devices have been signed out."), "success")
            return redirect(url_for("main.home"))
    return render_template("auth/password.html", form=form)


@bp.route("/account/language", methods=["POST"])
@login_required
def set_language():
    """Save the interface language of the signed-in user."""
    form = LanguageForm()
    if not form.validate_on_submit():
        abort(400)
    accounts.set_locale(current_user.id, form.locale.data)
    return redirect(safe_next(request.form.get("next")) or url_for("main.home"))
