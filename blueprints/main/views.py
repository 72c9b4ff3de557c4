"""The views of the main blueprint (see the package's docstring)."""

from __future__ import annotations

import sqlalchemy as sa
from flask import jsonify, redirect, render_template, url_for
from flask_login import current_user, login_required

from inventory.alerts import people as alert_people
from inventory.core.db import db
from inventory.settings.organisation import get_settings

from . import bp


@bp.app_context_processor
def _template_helpers():
    """Give templates the organisation's settings, read only when a template asks."""
    return {"org_settings": get_settings}


@bp.route("/")
@login_required
def home():
    """Show the signed-in user's home page: what their role does next."""
    if current_user.role == "school":
        return redirect(url_for("requests.school_home"))  # a school's home is its locations
    extra = {}
    if current_user.role == "volunteer":
        extra["my_locations"] = alert_people.my_locations(current_user.id)
    return render_template(f"main/home_{current_user.role}.html", **extra)


@bp.route("/healthz")
def healthz():
    """Answer 200 when the app can reach its database, 503 when it cannot."""
    try:
        db.session.execute(sa.text("SELECT 1"))
    except sa.exc.SQLAlchemyError:
        db.session.rollback()
        return jsonify(status="error", database="unreachable"), 503
    return jsonify(status="ok", database="ok")
