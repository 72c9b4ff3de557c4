"""Forms of the print pages. They check shape only; the print service and the renderer check the fit."""

from __future__ import annotations

import math
from decimal import Decimal, InvalidOperation

from flask_babel import lazy_gettext as _l
from wtforms import Field, HiddenField, SelectField
from wtforms.validators import InputRequired, Length, Optional
from wtforms.widgets import TextInput

import labels
from inventory.printing.batches import CUSTOM, CUSTOM_FIELDS, PrintJob
from inventory.printing.models import Product
from inventory.stock import catalog

from ..forms import (
    AppForm,
    CleanStringField,
    NumberField,
    OneTimeKeyForm,
    nfkc,
    optional_int,
)
from ..stock.forms import IdSelectField

# What people type for a minus sign: the typographic minus, dashes, and the long-vowel mark
# a Japanese keyboard gives for the minus key in kana mode.
MINUS_SIGNS = str.maketrans({c: "-" for c in "\u2212\u2010\u2011\u2012\u2013\u2014\u30fc\uff70"})


class MillimetreField(Field):
    """A length in mm, possibly negative or with a decimal point: ー１．５ and −1.5 both mean -1.5."""

    widget = TextInput()

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        if self.data is None:
            return ""
        return f"{self.data:g}"

    def process_formdata(self, valuelist):
        """Parse the typed number after NFKC and minus-sign normalisation."""
        if not valuelist:
            return
        raw = nfkc(valuelist[0]).translate(MINUS_SIGNS).replace(",", ".").replace(" ", "")
        if raw == "":
            self.data = None
            return
        try:
            value = float(Decimal(raw))
        except (InvalidOperation, ValueError):
            value = math.nan
        if not math.isfinite(value):
            self.data = None
            raise ValueError(_l("Enter millimetres as a number, e.g. 1.5 or -0.5."))
        self.data = value


def product_choices():
    """The printable products."""
    return [
        (Product.PACKAGE_LABEL.value, _l("Package labels (stickers for the bags)")),
        (Product.LEAFLET_CARD.value, _l("Leaflet cards (plain A4 with crop marks)")),
        (Product.PLACARD.value, _l("Location placard (one page per location)")),
    ]


def layout_choices(*, standard: bool = True, custom: bool = True, keys=None):
    """The sheet presets by their printed names, with the product's standard and custom sizes."""
    choices = [("", _l("Standard for this product"))] if standard else []
    choices += [(key, layout.name) for key, layout in labels.LAYOUTS.items() if keys is None or key in keys]
    if custom:
        choices.append((CUSTOM, _l("Custom size (enter the measures below)")))
    return choices


def location_choices():
    """Active locations, after the general choice (the support page)."""
    return [("", _l("General (support page, no location)"))] + [
        (location.id, location.name + (f" — {location.spot}" if location.spot else ""))
        for location in catalog.list_locations()
    ]


def _mm(label, description=None):
    return MillimetreField(label, validators=[Optional()], description=description)


class LayoutFields(AppForm):
    """The sheet: a preset or custom measures, and the printer's offset."""

    layout = SelectField(_l("Sheet"), choices=layout_choices, default="")
    label_width_mm = _mm(_l("Label width (mm)"))
    label_height_mm = _mm(_l("Label height (mm)"))
    columns = NumberField(_l("Labels across"), validators=[Optional()])
    rows = NumberField(_l("Labels down"), validators=[Optional()])
    left_mm = _mm(_l("Left margin to the first label (mm)"))
    top_mm = _mm(_l("Top margin to the first label (mm)"))
    pitch_x_mm = _mm(
        _l("Distance from one label to the next, across (mm)"), _l("Leave empty when the labels touch.")
    )
    pitch_y_mm = _mm(
        _l("Distance from one label to the next, down (mm)"), _l("Leave empty when the labels touch.")
    )
    printer_margin_mm = _mm(
        _l("Printer margin (mm)"),
        _l(
            "Nothing is printed closer than this to the paper edge. Empty: %(mm)g mm.",
            mm=labels.PRINTER_MARGIN_MM,
        ),
    )
    offset_x_mm = _mm(
        _l("Shift right (mm)"), _l("Negative shifts left. Print the calibration page to measure.")
    )
    offset_y_mm = _mm(_l("Shift down (mm)"), _l("Negative shifts up."))

    def custom_measures(self) -> dict | None:
        """The custom layout's measures, when the custom sheet is chosen."""
        if self.layout.data != CUSTOM:
            return None
        return {name: self[name].data for name in CUSTOM_FIELDS}

    def offsets(self) -> tuple[float, float]:
        """The printer offset (x, y) in mm; empty boxes mean 0."""
        return (self.offset_x_mm.data or 0.0, self.offset_y_mm.data or 0.0)


class JobFields(LayoutFields):
    """A whole print job, as the print page and its preview image take it."""

    product = SelectField(_l("What to print"), choices=product_choices, default=Product.PACKAGE_LABEL.value)
    location_id = IdSelectField(
        _l("QR code leads to"),
        choices=location_choices,
        description=_l("A location's page counts its scans; the general page does not."),
    )
    count = NumberField(
        _l("Number of labels"),
        validators=[InputRequired()],
        description=_l("From 1 to %(n)d.", n=labels.MAX_LABELS),
    )
    skip = NumberField(
        _l("Skip the first labels"),
        validators=[Optional()],
        description=_l("Labels already used on a started sheet."),
    )

    def job(self) -> PrintJob:
        """The job these fields describe (the service checks it)."""
        offset_x, offset_y = self.offsets()
        return PrintJob(
            product=self.product.data,
            location_id=self.location_id.data,
            layout=self.layout.data or "",
            custom=self.custom_measures(),
            count=self.count.data,
            skip=self.skip.data or 0,
            offset_x_mm=offset_x,
            offset_y_mm=offset_y,
        )


class PrintForm(OneTimeKeyForm, JobFields):
    """The print page: a job, the assembly it belongs to, a note, and the one-time key."""

    assembly_record_id = HiddenField(filters=[optional_int])
    note = CleanStringField(_l("Note (optional)"), validators=[Optional(), Length(max=200)])


class ReprintForm(AppForm):
    """A reprint may skip labels on a started sheet and correct the printer's offset."""

    skip = NumberField(
        _l("Skip the first labels"),
        validators=[Optional()],
        description=_l("Labels already used on a started sheet."),
    )
    offset_x_mm = _mm(
        _l("Shift right (mm)"), _l("Negative shifts left. Print the calibration page to measure.")
    )
    offset_y_mm = _mm(_l("Shift down (mm)"), _l("Negative shifts up."))


PLACARD_LAYOUTS = ("a5", "a6", "card4")


class PlacardForm(OneTimeKeyForm):
    """A location's placard: the page size and the printer's offset."""

    layout = SelectField(
        _l("Paper"), choices=lambda: layout_choices(standard=False, custom=False, keys=PLACARD_LAYOUTS)
    )
    offset_x_mm = _mm(_l("Shift right (mm)"), _l("Negative shifts left."))
    offset_y_mm = _mm(_l("Shift down (mm)"), _l("Negative shifts up."))
