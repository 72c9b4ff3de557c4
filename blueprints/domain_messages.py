"""Turn the domain's errors into messages in the user's language, on the right form field."""

from __future__ import annotations

from flask_babel import gettext as _
from wtforms import Form

from inventory.core.errors import (
    Conflict,
    DomainError,
    IdempotencyConflict,
    InvalidDate,
    InvalidQuantity,
    InvalidValue,
    NotFound,
)
from inventory.reports.errors import YearClosed, YearNotClosed, YearNotOver
from inventory.rounds.errors import NoPlacementItem
from inventory.stock.errors import (
    DuplicateLine,
    InsufficientStock,
    NoLines,
    NoRecipe,
    NotReversible,
    RetiredLocation,
    UnknownItem,
    UnknownLocation,
    WrongLocationKind,
)


def message_for(error: DomainError) -> str:
    """A plain sentence saying what is wrong and, where it helps, what would work."""
    if isinstance(error, InsufficientStock):
        return _(
            "Not enough in stock: %(available)d available, %(requested)d asked for.",
            available=error.available,
            requested=error.requested,
        )
    if isinstance(error, InvalidQuantity):
        return _(
            "Enter a whole number from %(minimum)d to %(maximum)d.",
            minimum=error.minimum,
            maximum=error.maximum,
        )
    if isinstance(error, YearClosed):
        return _(
            "Fiscal year %(year)d has been closed: its report was filed with the city, so nothing "
            "dated in it can be recorded or changed. Date the record today, or ask an administrator "
            "to reopen the year.",
            year=error.fiscal_year,
        )
    if isinstance(error, YearNotClosed):
        return _("Fiscal year %(year)d is not closed.", year=error.fiscal_year)
    if isinstance(error, YearNotOver):
        return _(
            "Fiscal year %(year)d has not ended yet. A year can be closed from April 1 of the next year.",
            year=error.fiscal_year,
        )
    if isinstance(error, InvalidDate):
        if error.reason == "future":
            return _("The date cannot be in the future.")
        if error.reason == "visit_too_old":
            return _(
                "This visit is dated more than 30 days ago. Check the date and time on the phone, "
                "or ask the office to record it."
            )
        return _("Enter a valid date.")
    if isinstance(error, NoLines):
        return _("Add at least one item with a quantity.")
    if isinstance(error, DuplicateLine):
        return _("This item is on two lines. Put the quantities together on one line.")
    if isinstance(error, NoPlacementItem):
        return _(
            "No package item is set up to place at locations. Please ask the office to add one under Items."
        )
    if isinstance(error, UnknownItem):
        return (
            _("This item is retired. Choose another one.")
            if error.retired
            else _("Choose an item from the list.")
        )
    if isinstance(error, UnknownLocation):
        return _("Choose a location from the list.")
    if isinstance(error, RetiredLocation):
        return _("This location has been retired and takes no new records.")
    if isinstance(error, WrongLocationKind):
        return _("Choose a storeroom here.")
    if isinstance(error, NoRecipe):
        return _("This item has no recipe, so it cannot be assembled.")
    if isinstance(error, NotReversible):
        return {
            "is_reversal": _("A reversal cannot itself be reversed. Record the correct figures instead."),
            "already_reversed": _("This record has already been reversed."),
        }.get(error.reason, _("This record cannot be reversed."))
    if isinstance(error, IdempotencyConflict):
        return _("This form was already sent with other content. Please reload the page and enter it again.")
    if isinstance(error, NotFound):
        return _("This record no longer exists.")
    if isinstance(error, Conflict):
        return _("This clashes with what is already recorded.")
    if isinstance(error, InvalidValue):
        if error.details.get("reason") == "no_printable_character":
            return _(
                "Enter a name with at least one letter or number. Emoji and symbols alone cannot be "
                "printed on the placard."
            )
        if error.details.get("reason") == "characters":
            return _("Please remove the special characters.")
        return _("Please check this value.")
    return _("This could not be recorded. Nothing was changed.")


def attach_error(form: Form, error: DomainError) -> str | None:
    """Put the error's message on the form field it names; return it when no field takes it.

    Services name fields the way WTForms names them (`lines-0-quantity`), so the message
    lands next to the box the user has to fix.
    """
    message = message_for(error)
    field = _find_field(form, error.field) if error.field else None
    if field is None:
        return message
    field.errors = [*field.errors, message] if isinstance(field.errors, list) else [message]
    return None


def _find_field(form: Form, name: str):
    for field in form:
        if field.name == name:
            return field
        if hasattr(field, "entries"):
            for entry in field.entries:
                found = (
                    _find_field(entry.form, name)
                    if hasattr(entry, "form")
                    else (entry if entry.name == name else None)
                )
                if found is not None:
                    return found
    return None
