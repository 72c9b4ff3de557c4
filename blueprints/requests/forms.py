"""Forms of the request pages. They check shape; the services in `inventory` check the rules."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DateField, RadioField, SelectField, StringField
from wtforms.validators import (
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)
from wtforms.widgets import TextArea

import labels
from inventory.requests import services as requests
from inventory.requests.models import (
    MAX_ADDRESS,
    MAX_ADDRESS2,
    MAX_NAME,
    MAX_NOTE,
    MAX_REASON,
    MAX_REFILL_PACKAGES,
    Channel,
    Delivery,
)
from inventory.requests.parcels import ADDRESS_LAYOUTS
from inventory.requests.public import MAX_PUBLIC_PACKS

from ..forms import CleanStringField, CsrfOnlyForm, NumberField, OneTimeKeyForm, optional_int
from ..stock.forms import IdSelectField

CHANNEL_CHOICES = [
    (Channel.PHONE.value, _l("Phone")),
    (Channel.LINE.value, _l("LINE")),
    (Channel.EMAIL.value, _l("E-mail")),
    (Channel.WEB.value, _l("Web form")),
    (Channel.CAFE.value, _l("Drop-in cafe")),
    (Channel.IN_PERSON.value, _l("In person")),
]
DELIVERY_CHOICES = [
    (Delivery.MAIL.value, _l("By mail")),
    (Delivery.OFFICE.value, _l("Handed over at the office")),
    (Delivery.CAFE.value, _l("Handed over at the drop-in cafe")),
    (Delivery.PICKUP.value, _l("Picked up")),
]
PUBLIC_DELIVERY_CHOICES = [
    (Delivery.MAIL.value, _l("Send it to me by mail")),
    (Delivery.OFFICE.value, _l("I will collect it at the office")),
    (Delivery.CAFE.value, _l("I will collect it at the drop-in cafe")),
]
NAME_HELP = _l("A nickname is fine, as long as the post reaches you.")
PERSONAL_FIELDS = ("recipient_name", "postal_code", "address", "address2")


class MailFields:
    """The three things a mailing needs; the service checks them only when the pack is mailed."""

    recipient_name = CleanStringField(
        _l("Name on the envelope"), description=NAME_HELP, validators=[Optional(), Length(max=MAX_NAME)]
    )
    postal_code = CleanStringField(
        _l("Postal code"), description=_l("For example 090-0018"), validators=[Optional(), Length(max=20)]
    )
    address = CleanStringField(_l("Address"), validators=[Optional(), Length(max=MAX_ADDRESS)])
    address2 = CleanStringField(
        _l("Building and room (optional)"), validators=[Optional(), Length(max=MAX_ADDRESS2)]
    )

    def mail_data(self) -> dict:
        """The mail fields as the service takes them."""
        return {name: getattr(self, name).data for name in PERSONAL_FIELDS}


class StaffRequestForm(OneTimeKeyForm, MailFields):
    """A request that came by phone, LINE, e-mail, the cafe or in person."""

    channel = SelectField(_l("How did the request come in?"), choices=CHANNEL_CHOICES)
    quantity = NumberField(
        _l("Packs"), default=1, validators=[InputRequired(), NumberRange(1, requests.MAX_PACKS_PER_PERSON)]
    )
    delivery = RadioField(
        _l("How does the pack reach her?"), choices=DELIVERY_CHOICES, default=Delivery.MAIL.value
    )
    location_id = IdSelectField(_l("Location that led her to ask (if known)"))


class PublicRequestForm(OneTimeKeyForm, MailFields):
    """The public form: packs, how to receive them, what mailing needs, consent — nothing else."""

    quantity = SelectField(
        _l("How many packs?"),
        coerce=optional_int,
        default=1,
        choices=[(n, str(n)) for n in range(1, MAX_PUBLIC_PACKS + 1)],
    )
    delivery = RadioField(
        _l("How would you like to receive it?"), choices=PUBLIC_DELIVERY_CHOICES, default=Delivery.MAIL.value
    )
    consent = BooleanField(_l("I have read how my name and address are used, and I agree."))
    # The honeypot: hidden from people, filled in by form-filling robots.
    website = StringField(_l("Leave this empty"))

    def validate_consent(self, field):
        """Consent is needed when a name and address are given (a collection stores nothing)."""
        if self.delivery.data == Delivery.MAIL and not field.data:
            raise ValidationError(_l("Please tick the box to agree, or choose to collect the pack."))


class RefillForm(OneTimeKeyForm):
    """A school asks for a refill."""

    quantity = NumberField(_l("Packages"), validators=[InputRequired(), NumberRange(1, MAX_REFILL_PACKAGES)])
    needed_on = DateField(_l("Needed by (optional)"), validators=[Optional()])
    note = CleanStringField(
        _l("Note (optional)"),
        widget=TextArea(),
        validators=[Optional(), Length(max=MAX_NOTE)],
        description=_l("Please do not write anything about a student here."),
    )


class FulfilForm(OneTimeKeyForm):
    """How a request is fulfilled: from which storeroom, which item, or by which visit."""

    storeroom_id = IdSelectField(_l("From storeroom"))
    item_id = IdSelectField(_l("Item"))
    quantity = NumberField(_l("Quantity"), validators=[Optional(), NumberRange(1, MAX_REFILL_PACKAGES)])
    visit_id = IdSelectField(_l("Or: brought on this restock visit"))


class CancelForm(OneTimeKeyForm):
    """Cancel with a reason; a school sees the reason."""

    reason = CleanStringField(
        _l("Reason"),
        validators=[InputRequired(), Length(max=MAX_REASON)],
        description=_l("The school sees this. Write nothing about a person."),
    )


class AddressLabelForm(CsrfOnlyForm):
    """Which label sheet and how many used labels to skip."""

    layout = SelectField(
        _l("Label sheet"),
        default="12up",
        choices=[(key, labels.LAYOUTS[key].name) for key in ADDRESS_LAYOUTS],
    )
    skip = NumberField(
        _l("Labels already used on the sheet"), default=0, validators=[Optional(), NumberRange(0, 43)]
    )


class SchoolLinkForm(CsrfOnlyForm):
    """Link a school account to a location."""

    user_id = IdSelectField(_l("School account"))
    location_id = IdSelectField(_l("Location"))
