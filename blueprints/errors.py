"""Friendly error pages in the user's language; never a traceback."""

from __future__ import annotations

from flask import Flask, current_app, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from inventory.core.db import db


def init_app(app: Flask) -> None:
    """Register the handlers."""
    app.register_error_handler(CSRFError, _csrf_error)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(Exception, _unexpected_error)


def _messages():
    return {
        400: _("The request could not be understood. Please go back and try again."),
        403: _("You do not have permission to see this page."),
        404: _("This page could not be found."),
        405: _("This action is not allowed here."),
        413: _("What was sent is too large."),
        429: _("Too many requests. Please wait a moment and try again."),
        500: _("Something went wrong on our side. Nothing was changed. Please try again later."),
    }


def _render(code: int, message: str | None = None, headers=()):
    message = message or _messages().get(code) or _messages()[400 if code < 500 else 500]
    if request.path.startswith("/api/"):
        return {"error": {"status": code, "message": message}}, code, headers
    return render_template("errors/error.html", code=code, message=message), code, headers


def _csrf_error(error: CSRFError):
    return _render(
        400, _("This form has expired or was sent from elsewhere. Please reload the page and try again.")
    )


def _http_error(error: HTTPException):
    if error.code is None or error.code < 400:
        return error
    # What the error says in its headers stays said: a 405's Allow, a 429's Retry-After.
    headers = [(name, value) for name, value in error.get_headers() if name.lower() != "content-type"]
    return _render(error.code, headers=headers)


def _unexpected_error(error: Exception):
    # Undo whatever the failed request had half-written before rendering anything.
    db.session.rollback()
    if isinstance(error, HTTPException):
        return _http_error(error)
    current_app.logger.exception("Unhandled error on %s %s", request.method, request.url_rule)
    return _render(500)
