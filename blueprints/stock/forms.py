"""Forms of the stock pages. They check shape only; the services in `inventory` check the rules.

Select boxes of items and locations do not check the chosen id against their list: the service
does (unknown, retired, wrong kind) and its message lands on the same field.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    FieldList,
    FormField,
    HiddenField,
    SelectField,
    StringField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    Optional,
    ValidationError,
)
from wtforms.widgets import HiddenInput, TextArea

from inventory.core.checks import MAX_NOTE_LENGTH
from inventory.core.clock import local_today
from inventory.stock.operations import MANUAL_REASONS

from ..forms import (
    AppForm,
    CleanStringField,
    NumberField,
    OneTimeKeyForm,
    row_id_choice,
)
from . import names

BLANK_LINES = 5
MAX_LINES = 50


class IdSelectField(SelectField):
    """A select box of database ids; whether the chosen id may be used is the service's call."""

    def __init__(self, label=None, validators=None, **kwargs):
        kwargs.setdefault("coerce", row_id_choice)
        kwargs.setdefault("validate_choice", False)
        kwargs.setdefault("choices", [])
        super().__init__(label, validators, **kwargs)

    def process_formdata(self, valuelist):
        """A value that cannot be a row's id (a forged 2**40) is a message here, not a query."""
        if valuelist:
            try:
                self.data = self.coerce(valuelist[0])
            except ValueError:
                self.data = None
                raise ValueError(_l("Choose one of the options.")) from None


class SignedNumberField(NumberField):
    """A whole number that may be negative; the typographic minus (−) counts as a minus sign."""

    def process_formdata(self, valuelist):
        """Accept −3 and －3 as well as -3."""
        super().process_formdata([value.replace("\u2212", "-") for value in valuelist or ()])


class NameField(StringField):
    """Free text kept as typed (trimmed): names like 生理用品パック（約20個入り） keep their full-width
    brackets, so an edit does not quietly rename an item that other code finds by name."""

    def __init__(self, label=None, validators=None, **kwargs):
        kwargs["filters"] = [*kwargs.get("filters", ()), _strip]
        super().__init__(label, validators, **kwargs)


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class SubForm(AppForm):
    """A repeated part of a form (one line): no CSRF token of its own."""

    class Meta:
        csrf = False


def note_field():
    """The free-text note every record may carry, with the privacy warning."""
    return CleanStringField(
        _l("Note (optional)"),
        validators=[Optional(), Length(max=MAX_NOTE_LENGTH)],
        widget=TextArea(),
        description=_l("Do not write anything about a person's health or situation."),
    )


# ---- item lines --------------------------------------------------------------------------


class LineForm(SubForm):
    """One item line: an item and a quantity. A line with neither is ignored."""

    item_id = IdSelectField(_l("Item"))
    quantity = NumberField(_l("Quantity"))

    def is_blank(self) -> bool:
        """Whether nothing was entered on this line."""
        return all(
            not (field.raw_data and str(field.raw_data[0]).strip()) and field.data is None for field in self
        )

    def validate(self, extra_validators=None):
        """A quantity needs an item."""
        valid = super().validate(extra_validators)
        if valid and self.item_id.data is None and not self.is_blank():
            self.item_id.errors.append(_l("Choose an item from the list."))
            return False
        return valid


class PurchaseLineForm(LineForm):
    """A purchased item with its quantity and unit cost in yen."""

    unit_cost_yen = NumberField(_l("Unit cost (yen)"))


def _lines(line_form):
    return FieldList(FormField(line_form), min_entries=BLANK_LINES, max_entries=MAX_LINES)


# ---- receipts ----------------------------------------------------------------------------


class _ReceiptForm(OneTimeKeyForm):
    storeroom_id = IdSelectField(_l("Storeroom"))
    occurred_on = DateField(_l("Date received"), default=local_today)


class DonationForm(_ReceiptForm):
    """A donation: who gave (kind, name or anonymous) and what."""

    donor_kind = SelectField(_l("Donor"), choices=names.choices("donor_kind"))
    donor_name = CleanStringField(
        _l("Donor name (optional)"),
        validators=[Optional(), Length(max=100)],
        description=_l("Leave blank for an anonymous donation."),
    )
    note = note_field()
    lines = _lines(LineForm)


class PurchaseForm(_ReceiptForm):
    """A purchase: vendor, funding, receipt number and what was bought at what unit cost."""

    vendor = CleanStringField(_l("Shop or supplier"), validators=[DataRequired(), Length(max=100)])
    funding = SelectField(_l("Paid from"), choices=names.choices("funding"))
    receipt_number = CleanStringField(
        _l("Receipt number (optional)"), validators=[Optional(), Length(max=50)]
    )
    note = note_field()
    lines = _lines(PurchaseLineForm)


class ReceiptFilterForm(SubForm):
    """Filters of the donation and purchase lists (sent as a GET query)."""

    since = DateField(_l("From"), validators=[Optional()])
    until = DateField(_l("To"), validators=[Optional()])
    kind = SelectField(_l("Kind"), choices=[], validators=[Optional()])
    storeroom_id = IdSelectField(_l("Storeroom"))


# ---- operations --------------------------------------------------------------------------


class AssembleForm(OneTimeKeyForm):
    """Assemble so many packages at a storeroom by the package's recipe."""

    storeroom_id = IdSelectField(_l("Storeroom"))
    item_id = IdSelectField(_l("Package"))
    quantity = NumberField(_l("How many packages"))
    note = note_field()


class TransferForm(OneTimeKeyForm):
    """Move item lines from one location to another."""

    from_location_id = IdSelectField(_l("From"))
    to_location_id = IdSelectField(_l("To"))
    note = note_field()
    lines = _lines(LineForm)


class AdjustForm(OneTimeKeyForm):
    """Add or remove stock at a location for a stated reason."""

    location_id = IdSelectField(_l("Location"))
    item_id = IdSelectField(_l("Item"))
    change = SignedNumberField(
        _l("Change"), description=_l("A plus number adds stock, a minus number removes it (e.g. -3).")
    )
    reason = SelectField(_l("Reason"), choices=names.choices("reason", MANUAL_REASONS))
    note = note_field()


class CountLineForm(SubForm):
    """One item of a stocktake: the item (fixed) and the boxes counted (blank = not counted)."""

    item_id = NumberField(widget=HiddenInput())
    counted = NumberField(_l("Counted"))


class StocktakeForm(OneTimeKeyForm):
    """The counted items of one location."""

    counts = FieldList(FormField(CountLineForm), max_entries=500)
    note = note_field()


class ReverseForm(OneTimeKeyForm):
    """Confirm reversing a record, with an optional reason."""

    note = note_field()


# ---- catalogue ---------------------------------------------------------------------------


class ItemForm(OneTimeKeyForm):
    """What may be changed on an item (its kind is fixed once created)."""

    name = NameField(_l("Name"), validators=[DataRequired(), Length(max=100)])
    unit = NameField(
        _l("Unit"),
        validators=[DataRequired(), Length(max=20)],
        description=_l("How it is counted, e.g. パック, 枚, 袋."),
    )
    pads_per_unit = NumberField(
        _l("Pads per unit (optional)"),
        validators=[Optional()],
        description=_l("For the reports: how many pads one unit holds."),
    )
    low_stock_threshold = NumberField(
        _l("Low-stock threshold"),
        default=0,
        validators=[InputRequired()],
        description=_l("The storeroom shows this item as low at or below this number (0 = never)."),
    )


class ItemCreateForm(ItemForm):
    """A new item: the fields above plus its kind."""

    kind = SelectField(_l("Kind"), choices=names.choices("item_kind"))


class RecipeLineForm(SubForm):
    """One possible component of a package: blank means not part of the recipe."""

    item_id = NumberField(widget=HiddenInput())
    quantity = NumberField(_l("Per package"))


class RecipeForm(OneTimeKeyForm):
    """A package item's recipe: how many of each supply go into one package."""

    components = FieldList(FormField(RecipeLineForm), max_entries=200)


class ActiveForm(AppForm):
    """Retire (active=0) or reactivate (active=1); sending it twice does the same thing."""

    active = HiddenField(validators=[DataRequired()])

    def validate_active(self, field):
        """Only 0 or 1."""
        if field.data not in ("0", "1"):
            raise ValidationError(_l("This form is incomplete. Please reload the page and try again."))


class LocationForm(OneTimeKeyForm):
    """A storeroom or placement point; its code is given once and never changes."""

    kind = SelectField(_l("Kind"), choices=names.choices("location_kind"))
    name = NameField(
        _l("Name"),
        validators=[DataRequired(), Length(max=200)],
        description=_l("e.g. 北見市役所, 北見小学校"),
    )
    spot = NameField(
        _l("Spot (optional)"),
        validators=[Optional(), Length(max=200)],
        description=_l("Where exactly, e.g. 2階 女子トイレ"),
    )
    address = NameField(_l("Address (optional)"), validators=[Optional(), Length(max=200)])
    target_level = NumberField(
        _l("Target number of packages"),
        default=0,
        validators=[InputRequired()],
        description=_l("A placement point shows as low below this number."),
    )
    contact_note = CleanStringField(
        _l("Contact note (optional)"), validators=[Optional(), Length(max=500)], widget=TextArea()
    )
    public = SelectField(
        _l("Listed on the public page of where packs are"),
        choices=[
            ("", _l("As usual for its kind (schools are not listed)")),
            ("1", _l("Listed")),
            ("0", _l("Not listed")),
        ],
        default="",
    )
    area = NameField(
        _l("Area (optional)"),
        validators=[Optional(), Length(max=100)],
        description=_l("Groups the public list, e.g. 北見市中心部, 端野"),
    )
    opening_hours = NameField(
        _l("Opening hours (optional)"),
        validators=[Optional(), Length(max=200)],
        description=_l("When visitors can get in, e.g. 平日 8:45〜17:30"),
    )

    def public_choice(self) -> bool | None:
        """The public flag chosen: True, False, or None (as usual for the kind)."""
        return {"1": True, "0": False}.get(self.public.data or "")


# ---- filters -----------------------------------------------------------------------------


class OverviewFilterForm(SubForm):
    """Filters of the stock overview (GET)."""

    location_id = IdSelectField(_l("Location"))
    item_id = IdSelectField(_l("Item"))
    low = BooleanField(_l("Low stock only"))


class HistoryFilterForm(SubForm):
    """Filters of the movement history (GET); dates are Japanese calendar days."""

    location_id = IdSelectField(_l("Location"))
    item_id = IdSelectField(_l("Item"))
    kind = SelectField(
        _l("Kind"), choices=[("", _l("All")), *names.choices("movement_kind")], validators=[Optional()]
    )
    since = DateField(_l("From"), validators=[Optional()])
    until = DateField(_l("To"), validators=[Optional()])
