"""The printed products as plain dataclasses; the app fills every text from its settings."""

from dataclasses import dataclass, fields

from .errors import TextError

MAX_FIELD_CHARS = 400


def _check(instance):
    """Validate every field: str (or a sequence of str for *_lines) of bounded length."""
    for field in fields(instance):
        value = getattr(instance, field.name)
        if field.name.endswith("lines"):
            if isinstance(value, str) or not isinstance(value, (tuple, list)):
                raise TextError(
                    f"{field.name} must be a list of text lines.", code="not_text", field=field.name
                )
            value = tuple(value)
            object.__setattr__(instance, field.name, value)
            if len(value) > 20:
                raise TextError(
                    f"{field.name} has {len(value)} lines; at most 20 fit.",
                    code="too_many_lines",
                    field=field.name,
                    maximum=20,
                )
            items = value
        else:
            items = (value,)
        for item in items:
            if not isinstance(item, str):
                raise TextError(f"{field.name} must be text.", code="not_text", field=field.name)
            if len(item) > MAX_FIELD_CHARS:
                raise TextError(
                    f"{field.name} is {len(item)} characters; at most {MAX_FIELD_CHARS} are accepted.",
                    code="text_too_long",
                    field=field.name,
                    maximum=MAX_FIELD_CHARS,
                )


@dataclass(frozen=True)
class PackageLabel:
    """Sticker for a package bag: QR to the location page plus a few short lines."""

    url: str
    headline: str  # e.g. 困っていませんか？
    lines: tuple = ()  # e.g. 相談無料・秘密厳守・匿名OK / ☎ 0157-57-3190 / 平日 9:00–17:30

    error_correction = "M"
    default_layout = "12up"

    def __post_init__(self):
        _check(self)


@dataclass(frozen=True)
class LeafletCard:
    """Insert card printed on plain A4 with crop marks; each field is one printed line, "" omits it."""

    url: str
    headline: str
    phone: str = ""  # e.g. 電話 0157-57-3190
    line_id: str = ""  # e.g. LINE ID @tsunagari
    email: str = ""
    hours: str = ""  # e.g. 平日 9:00–17:30
    cafe: str = ""  # the drop-in cafe text, may be a sentence or two

    error_correction = "M"
    default_layout = "card8"

    def __post_init__(self):
        _check(self)


@dataclass(frozen=True)
class LocationPlacard:
    """One page per location: a large QR, where it is, a line for the public and one for volunteers."""

    url: str
    location_name: str  # e.g. 北見市役所 本庁舎
    spot: str = ""  # e.g. 2階 女子トイレ
    public_line: str = ""  # e.g. 相談窓口のご案内 0157-57-3190
    volunteer_line: str = ""  # e.g. 補充の方はスキャンしてください
    code: str = ""  # the location code, printed small under the QR for typing by hand

    error_correction = "Q"
    default_layout = "a5"

    def __post_init__(self):
        _check(self)


@dataclass(frozen=True)
class AddressLabel:
    """Mailing label without any QR: postal code, address, recipient with honorific, sender."""

    postal_code: str  # e.g. 090-0000 (〒 is added when missing)
    address_lines: tuple
    recipient: str
    sender: str = ""
    honorific: str = "様"

    error_correction = None
    default_layout = "12up"

    def __post_init__(self):
        _check(self)


@dataclass(frozen=True)
class PackingSlip:
    """Slip put in a mailed package; says nothing about what is inside."""

    sender: str
    message: str = ""  # e.g. お届け物です
    date_text: str = ""  # formatted by the caller, e.g. 2026年11月30日
    quantity_text: str = ""  # e.g. 1 個

    error_correction = None
    default_layout = "a6"

    def __post_init__(self):
        _check(self)


PRODUCTS = (PackageLabel, LeafletCard, LocationPlacard, AddressLabel, PackingSlip)
