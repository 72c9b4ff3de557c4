"""The outcome side's refusals as sentences in the user's language, put on the right field."""

from __future__ import annotations

from flask_babel import gettext as _
from wtforms import Form

from inventory.core.errors import DomainError
from inventory.outcomes.errors import (
    CafeSessionExists,
    DestinationNameTaken,
    LocationNeeded,
    LocationNotExpected,
    NotAPlacementPoint,
    NothingToRecord,
    UnknownDestination,
)

from ..domain_messages import message_for


def outcome_message(error: DomainError) -> str:
    """A plain sentence for a refused outcome write."""
    if isinstance(error, UnknownDestination):
        if error.retired:
            return _("This referral destination is no longer on the list. Choose another one.")
        return _("Choose a referral destination from the list.")
    if isinstance(error, LocationNeeded):
        return _("Choose the location the pack came from.")
    if isinstance(error, NotAPlacementPoint):
        return _("Choose a placement point; packs are not given out at a storeroom.")
    if isinstance(error, NothingToRecord):
        return _("Enter at least one count. Blank boxes count as 0.")
    if isinstance(error, CafeSessionExists):
        return _("A cafe session on this date is already recorded.")
    if isinstance(error, DestinationNameTaken):
        return _("A referral destination with this name already exists.")
    if isinstance(error, LocationNotExpected):
        return _("A location is recorded only for a pack or a QR.")
    return message_for(error)


def attach(form: Form, error: DomainError) -> str | None:
    """Put the message on the field the error names; return it when no field of the form takes it."""
    message = outcome_message(error)
    field = form._fields.get(error.field) if error.field else None
    if field is None:
        return message
    field.errors = [*field.errors, message] if isinstance(field.errors, list) else [message]
    return None
