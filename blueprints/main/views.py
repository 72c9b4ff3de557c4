"""The views of the main blueprint (see the package's docstring)."""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote

import sqlalchemy as sa
from flask import jsonify, redirect, render_template, url_for
from flask_login import current_user, login_required

from inventory.accounts.models import STAFF_ROLES, Role
from inventory.alerts import people as alert_people
from inventory.core.db import db
from inventory.reports import dashboard
from inventory.settings.organisation import get_settings

from . import bp


@bp.app_context_processor
def _template_helpers():
    """Give templates the organisation's settings, read only when a template asks."""
    return {"org_settings": get_settings}


@bp.app_template_filter("tel_href")
def tel_href(phone: str) -> str:
    """A phone number as a tel: link (digits and a leading + only): 0157-57-3190 → tel:0157573190."""
    digits = "".join(ch for ch in unicodedata.normalize("NFKC", phone or "") if ch.isdigit() or ch == "+")
    return f"tel:{digits}"


@bp.app_template_filter("line_href")
def line_href(contact: str) -> str | None:
    """A LINE contact as a link: a URL as it is, an ID (@name) as LINE's add-friend link; else None."""
    contact = (contact or "").strip()
    if contact.startswith("https://"):
        return contact
    if re.fullmatch(r"@?[A-Za-z0-9._-]{2,40}", contact):
        return "https://line.me/R/ti/p/" + quote(contact if contact.startswith("@") else "@" + contact)
    return None


@bp.route("/")
@login_required
def home():
    """Show the signed-in user's home page: what their role does next."""
    if current_user.role == "school":
        return redirect(url_for("requests.school_home"))  # a school's home is its locations
    waiting = dashboard.waiting() if current_user.role in STAFF_ROLES else None
    # A volunteer starts from the round plan (how many places need a visit now) and her locations.
    due = len(dashboard.due_locations(limit=None)) if current_user.role == Role.VOLUNTEER else 0
    my_locations = alert_people.my_locations(current_user.id) if current_user.role == Role.VOLUNTEER else []
    return render_template(
        f"main/home_{current_user.role}.html", waiting=waiting, due=due, my_locations=my_locations
    )


@bp.route("/healthz")
def healthz():
    """Answer 200 when the app can reach its database, 503 when it cannot."""
    try:
        db.session.execute(sa.text("SELECT 1"))
    except sa.exc.SQLAlchemyError:
        db.session.rollback()
        return jsonify(status="error", database="unreachable"), 503
    return jsonify(status="ok", database="ok")
