"""Alerts: the account page's switches and LINE link, the LINE webhook, the admin's outbox and
channel settings, and who looks after each location."""

from flask import Blueprint

bp = Blueprint("alerts", __name__)

from . import views  # noqa: E402,F401  (routes register on bp)
