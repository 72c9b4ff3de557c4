"""Printing for mailed packs: the address label and a discreet packing slip.

Neither says what is inside: the sender is the `sender_name` setting (chosen by the
organisation to be neutral), the slip says only that this is a delivery, the date and a count
of items. The address label reads personal data, so it writes an access entry.
"""

from __future__ import annotations

from datetime import date

import labels
from inventory.core.clock import local_today
from inventory.core.errors import InvalidQuantity, InvalidValue
from inventory.requests.errors import NoPersonalData
from inventory.requests.models import Delivery, RequestKind
from inventory.requests.personal_data import AccessAction, PersonalView, read_personal
from inventory.requests.services import get_request
from inventory.settings.organisation import get_settings

# Printed for the recipient in Japan: Japanese by design, whatever the staff's UI language.
SLIP_MESSAGE = "お届け物です。"
ADDRESS_LAYOUTS = labels.LABEL_SHEETS


def _sender() -> str:
    sender = get_settings().sender_name.strip()
    if not sender:
        # Printing the organisation's name could say what is inside; an admin chooses the sender.
        raise InvalidValue("no sender name", field="sender", reason="no_sender")
    return sender


def _mail_request(request_id):
    request = get_request(request_id)
    if request.kind != RequestKind.INDIVIDUAL or request.delivery != Delivery.MAIL:
        raise NoPersonalData("not a mailed request")
    return request


def address_label_pdf(
    request_id: int, *, viewer_id: int, layout: str = "12up", skip: int = 0, font_path: str | None = None
) -> bytes:
    """The address label of a mailed request on a label sheet; the read is logged."""
    _mail_request(request_id)
    if layout not in ADDRESS_LAYOUTS:
        raise InvalidValue("not a label sheet", field="layout")
    per_page = labels.LAYOUTS[layout].per_page
    if isinstance(skip, bool) or not isinstance(skip, int) or not 0 <= skip < per_page:
        # Checked before the read: a refused print logs no look at the data.
        raise InvalidQuantity(skip, field="skip", minimum=0, maximum=per_page - 1)
    sender = _sender()
    personal = read_personal(request_id, viewer_id=viewer_id, action=AccessAction.ADDRESS_LABEL)
    if personal is None:
        raise NoPersonalData("no personal data")
    label = labels.AddressLabel(
        personal.postal_code, personal.address_lines, personal.recipient_name, sender=sender
    )
    return labels.render_pdf(label, count=1, layout=layout, skip=skip, font_path=font_path)


def address_label_losses(personal: PersonalView, *, font_path: str | None = None) -> tuple:
    """Characters of the name and address the label font cannot print as given (dropped or 〓).

    Shown on the page that shows the data, before printing; takes the view already read (and
    logged), so it reads nothing itself. Whether the text fits depends on the sheet and is
    checked when printing.
    """
    label = labels.AddressLabel(
        personal.postal_code,
        personal.address_lines,
        personal.recipient_name,
        sender=get_settings().sender_name.strip(),
    )
    try:
        losses = labels.text_losses(label, layout="12up", font_path=font_path)
    except labels.LabelError:
        return ()  # printing says what is wrong
    return tuple(loss for loss in losses if loss.kind != "cut")


def packing_slip_for(request_id: int, *, today: date | None = None) -> labels.PackingSlip:
    """The slip put in the envelope: sender, a neutral message, the date and a count."""
    request = _mail_request(request_id)
    day = today or local_today()
    return labels.PackingSlip(
        sender=_sender(),
        message=SLIP_MESSAGE,
        date_text=f"{day.year}年{day.month}月{day.day}日",
        # 「点」 reads like a shop's invoice; 「個」 is how a parcel's contents are counted.
        quantity_text=f"{request.quantity} 個",
    )


def packing_slip_pdf(request_id: int, *, font_path: str | None = None, today: date | None = None) -> bytes:
    """The packing slip as an A6 PDF (no personal data on it, so nothing is logged)."""
    return labels.render_pdf(packing_slip_for(request_id, today=today), font_path=font_path)
