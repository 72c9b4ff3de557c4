"""Who is signed in (Flask-Login on our server-side sessions) and the role checks views use."""

from __future__ import annotations

import functools

from flask import Flask, abort
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from inventory.accounts import users as accounts
from inventory.accounts.models import Role

from ..extensions import login_manager


def init_app(app: Flask) -> None:
    """Configure Flask-Login to load users from server-side login sessions."""
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please sign in to see this page.")
    login_manager.login_message_category = "info"
    # Our own login sessions do the protecting; Flask-Login's would log phones out on IP change.
    login_manager.session_protection = None
    login_manager.user_loader(accounts.load_session)


def roles_required(*roles: Role):
    """Let only signed-in users with one of these roles through; others get 403."""
    allowed = {Role(r) for r in roles}

    def decorator(view):
        @functools.wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if current_user.role not in allowed:
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


staff_required = roles_required(Role.ADMIN, Role.STAFF)
admin_required = roles_required(Role.ADMIN)
