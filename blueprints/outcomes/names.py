"""Names in the UI language for the outcome codes: channels, how she heard of us, table columns."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from ..stock import names as stock_names

CHANNELS = {
    "phone": _l("Phone"),
    "line": _l("LINE"),
    "email": _l("E-mail"),
    "cafe": _l("Drop-in cafe"),
    "visit": _l("Visit"),
    "other": _l("Other"),
}
HEARD_VIA = {
    "pack": _l("A pack at a location"),
    "qr": _l("The support page (QR)"),
    "school": _l("School"),
    "city_office": _l("City office"),
    "other": _l("Other"),
    "unknown": _l("Not known"),
}
AGES = {"new": _l("New (first contact)"), "continuing": _l("Continuing")}
COLUMNS = {
    **AGES,
    **HEARD_VIA,
    "referrals": _l("Referrals"),
    "visits": _l("Visits (total)"),
    "sessions": _l("Sessions held"),
    "packs_placed": _l("Packs placed"),
    "per_100_packs": _l("Per 100 packs placed"),
}


def location_kind_name(kind: str) -> str:
    """A location kind in the UI language; "unknown" is a QR whose location was not said."""
    if kind == "unknown":
        return str(_l("QR, location not known"))
    return str(stock_names.name_of("location_kind", kind))
