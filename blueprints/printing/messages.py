"""The renderer's and the print service's refusals as messages in the user's language, on the right field."""

from __future__ import annotations

import unicodedata

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import Form

import labels
from inventory.core.errors import DomainError, InvalidValue

from ..domain_messages import attach_error, message_for

FONT_CODES = {"font_not_found", "font_path_missing", "font_unreadable", "font_lacks_japanese"}
TEXT_CODES = {"text_too_long", "too_many_lines", "not_text"}
# Where a renderer error belongs when it names no field of ours.
FIELD_OF_CODE = {
    "count_out_of_range": "count",
    "skip_out_of_range": "skip",
    "unknown_layout": "layout",
    "qr_too_small": "layout",
    "label_too_small": "layout",
    "labels_exceed_page": "layout",
    "address_does_not_fit": "layout",
}


# Where a printed text comes from, to say which one lost characters (labels names the field).
TEXT_SOURCES = {
    "location_name": _l("the location's name"),
    "spot": _l("the location's spot"),
    "code": _l("the location code"),
    "headline": _l("the headline"),
    "lines": _l("the lines from the settings (phone, hours)"),
    "phone": _l("the phone number in the settings"),
    "line_id": _l("the LINE contact in the settings"),
    "email": _l("the e-mail address in the settings"),
    "hours": _l("the opening hours in the settings"),
    "cafe": _l("the drop-in cafe text in the settings"),
    "public_line": _l("the line for the public"),
    "volunteer_line": _l("the line for volunteers"),
    "recipient": _l("the name"),
    "honorific": _l("the name"),
    "postal_code": _l("the postal code"),
    "address_lines": _l("the address"),
    "sender": _l("the sender name in the settings"),
    "message": _l("the message"),
    "date_text": _l("the date"),
    "quantity_text": _l("the quantity"),
}


def _shown(characters: str) -> str:
    """The characters as a person can read them: invisible ones by their code (U+200B)."""
    shown = []
    for character in dict.fromkeys(characters):
        if unicodedata.category(character)[0] in "CZ":
            shown.append(f"U+{ord(character):04X}")
        else:
            shown.append(character)
    return " ".join(shown)


def loss_message(loss: labels.TextLoss) -> str:
    """A warning that part of a text will not print as given."""
    where = TEXT_SOURCES.get(loss.field, loss.field)
    if loss.kind == "dropped":
        return _(
            "Some characters cannot be printed and are left out of %(where)s: %(characters)s. "
            "Check the preview.",
            where=where,
            characters=_shown(loss.characters),
        )
    if loss.kind == "replaced":
        return _(
            "Some characters of %(where)s are not in the label font and print as 〓: %(characters)s.",
            where=where,
            characters=_shown(loss.characters),
        )
    return _(
        "Text is cut short (…) in %(where)s: it is too long for these labels. Shorten it or choose "
        "bigger labels.",
        where=where,
    )


def loss_messages(losses) -> list[str]:
    """The warnings for a job's TextLoss list, each once."""
    return list(dict.fromkeys(loss_message(loss) for loss in losses))


def _mm(value) -> str:
    return f"{value:+.1f}" if isinstance(value, (int, float)) else str(value)


def label_message(error: labels.LabelError) -> str:
    """A plain sentence for a LabelError, chosen by its code (its English message is for logs)."""
    code, values = error.code, error.values
    if code == "count_out_of_range":
        return _(
            "Enter a number of labels from %(minimum)d to %(maximum)d.",
            minimum=values.get("minimum", 1),
            maximum=values.get("maximum", labels.MAX_LABELS),
        )
    if code == "skip_out_of_range":
        return _(
            "Labels to skip must be from 0 to %(maximum)d on this sheet.", maximum=values.get("maximum", 0)
        )
    if code == "page_out_of_range":
        return _("This page does not exist.")
    if code == "offset_off_page":
        return _(
            "This shift pushes labels off the page. On this sheet it must be between %(minimum)s and "
            "%(maximum)s mm.",
            minimum=_mm(values.get("minimum")),
            maximum=_mm(values.get("maximum")),
        )
    if code == "labels_exceed_page":
        return _(
            "The labels do not fit on the page: they need %(needed).1f mm, the page has %(available).1f mm.",
            needed=values.get("needed_mm", 0),
            available=values.get("maximum", 0),
        )
    if code == "labels_overlap":
        return _("The distance from one label to the next cannot be smaller than the label.")
    if code == "margin_negative":
        return _("Margins cannot be negative.")
    if code == "size_out_of_range":
        return _("Enter a size of more than 0 and at most 1000 mm.")
    if code == "grid_out_of_range":
        return _(
            "Enter a whole number from %(minimum)d to %(maximum)d.",
            minimum=values.get("minimum", 1),
            maximum=values.get("maximum", 30),
        )
    if code == "printer_margin_out_of_range":
        return _(
            "Enter a printer margin from %(minimum)g to %(maximum)g mm.",
            minimum=values.get("minimum", 0),
            maximum=values.get("maximum", 20),
        )
    if code == "not_a_number":
        return _("Enter this measure in millimetres.")
    if code == "unknown_layout":
        return _("Choose a sheet from the list.")
    if code == "qr_too_small":
        return _("The QR code does not fit on labels this small. Choose a sheet with bigger labels.")
    if code == "label_too_small":
        return _("The text does not fit on labels this small. Choose a sheet with bigger labels.")
    if code == "address_does_not_fit":
        if values.get("fits_name"):
            return _(
                "The name and address do not fit whole on this sheet's labels. Choose the sheet "
                "%(sheet)s: they fit on it.",
                sheet=values["fits_name"],
            )
        return _("The name and address are too long for any label sheet. Write this address by hand.")
    if code in FONT_CODES:
        return _(
            "The Japanese font for printing could not be loaded. Ask the administrator to check "
            "LABEL_FONT_PATH."
        )
    if code == "invalid_base_url":
        return _("The public address of this site in the settings is not a valid http(s) address.")
    if code == "payload_too_long":
        return _("The address is too long for a QR code. Shorten the public address in the settings.")
    if code in TEXT_CODES:
        return _("A text from the settings is too long to print. Shorten it in the settings.")
    return _("The labels could not be made. Nothing was recorded.")


def print_message(error: Exception) -> str:
    """A message for a LabelError or a domain error of the print service."""
    if isinstance(error, labels.LabelError):
        return label_message(error)
    if isinstance(error, InvalidValue) and error.field in ("offset_x_mm", "offset_y_mm"):
        return _("Enter a shift from %(minimum)d to %(maximum)d mm.", **error.details)
    if isinstance(error, InvalidValue) and error.field == "location_id":
        return _("A placard is always for one location. Choose the location.")
    return message_for(error)


def attach_print_error(form: Form, error: Exception) -> str | None:
    """Put the message on the field it concerns; return it when no field of the form takes it."""
    if isinstance(error, DomainError) and not isinstance(error, InvalidValue):
        return attach_error(form, error)
    if isinstance(error, labels.LabelError):
        name = error.values.get("field")
        name = name if name in form else FIELD_OF_CODE.get(error.code)
    else:
        name = error.field
    message = print_message(error)
    if name and name in form:
        form[name].errors = (
            [*form[name].errors, message] if isinstance(form[name].errors, list) else [message]
        )
        return None
    return message
