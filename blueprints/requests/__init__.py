"""Requests: the staff queue, the school pages and the public request form.

Cookies: the public form page (/request, /l/<code>/request) sets the session cookie, because
Flask-WTF keeps the form's CSRF token there; it holds nothing else. The support page behind
the QR codes (/l/<code>) links to the form and sets no cookie at all.
"""

from flask import Blueprint

bp = Blueprint("requests", __name__)

from . import public_views, school_views, staff_views  # noqa: E402,F401  (routes register on bp)
