"""The request services' refusals as plain sentences in the user's language, on the right field."""

from __future__ import annotations

from flask_babel import gettext as _
from wtforms import Form

from inventory.core.errors import DomainError, InvalidDate, InvalidValue
from inventory.requests.errors import (
    AlreadySent,
    NoPersonalData,
    RateLimited,
    RequestClosed,
    UnknownRequest,
)

from ..domain_messages import message_for

FIELD_REQUIRED = {
    "recipient_name": lambda: _("Enter a name for the envelope (a nickname is fine)."),
    "postal_code": lambda: _("Enter the postal code, e.g. 090-0018."),
    "address": lambda: _("Enter the address the pack should go to."),
    "reason": lambda: _("Enter a reason."),
}


def request_message(error: DomainError) -> str:
    """A sentence saying what is wrong and, where it helps, what would work."""
    reason = error.details.get("reason")
    if isinstance(error, RateLimited):
        return _(
            "We have received several requests from this connection. Please try again in an hour, "
            "or call us instead."
        )
    if isinstance(error, AlreadySent):
        return _(
            "This request was already sent, so the name and address were not changed. To correct "
            "them, please call or message the office; there is no need to send the form again."
        )
    if isinstance(error, RequestClosed):
        return {
            "fulfilled": _("This request has already been fulfilled, so it cannot be changed."),
            "cancelled": _("This request has already been cancelled."),
            "not_refill": _("Only school refills are put on a round."),
        }.get(error.status, _("This request cannot take this step now."))
    if isinstance(error, UnknownRequest):
        return _("This request could not be found.")
    if isinstance(error, NoPersonalData):
        return _("This request has no name and address (they were never needed, or have been deleted).")
    if isinstance(error, InvalidDate) and error.field == "needed_on":
        return _("Choose a date from today up to a year ahead.")
    if isinstance(error, InvalidValue):
        if reason == "required" and error.field in FIELD_REQUIRED:
            return FIELD_REQUIRED[error.field]()
        if reason == "postal_code":
            return _("A postal code has 7 digits, e.g. 090-0018.")
        if reason == "too_long":
            return _("Please shorten this to %(maximum)d characters.", maximum=error.details["maximum"])
        if reason == "characters":
            return _("Please remove emoji and special characters.")
        if reason == "no_sender":
            return _("Set a neutral sender name in the settings first (nothing that says what is inside).")
        if error.field == "visit_id":
            return _("Choose a restock visit to this location.")
        if error.field == "storeroom_id":
            return _("Choose a storeroom here.")
        if error.field in ("delivery", "channel"):
            return _("Choose one of the options.")
    return message_for(error)


def attach_request_error(form: Form, error: DomainError) -> str | None:
    """Put the message on the field the error names; return it when no field of the form takes it."""
    message = request_message(error)
    if not error.field or error.field not in form:
        return message
    field = form[error.field]
    field.errors = [*field.errors, message] if isinstance(field.errors, list) else [message]
    return None
