"""Restock rounds: the volunteer's form behind each QR code, the confirmation, the round plan."""

from flask import Blueprint

bp = Blueprint("rounds", __name__)

from . import views  # noqa: E402,F401  (routes register on bp)
