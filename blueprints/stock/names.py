"""Human names for the stock ledger's stored codes (kinds, reasons, funding), in the UI language.

Not to be confused with the top-level `labels` package, which renders printed labels.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

ITEM_KINDS = {"supply": _l("Supply"), "package": _l("Package")}

LOCATION_KINDS = {
    "storeroom": _l("Storeroom"),
    "city_hall": _l("City hall"),
    "elementary_school": _l("Elementary school"),
    "junior_high_school": _l("Junior high school"),
    "university": _l("University"),
    "other": _l("Other place"),
}

DONOR_KINDS = {
    "individual": _l("Individual"),
    "company": _l("Company"),
    "group": _l("Group or association"),
    "school_drive": _l("School collection drive"),
    "other": _l("Other donor"),
}

FUNDING = {"grant": _l("City grant"), "own_funds": _l("Own funds"), "other": _l("Other funding")}

MOVEMENT_KINDS = {
    "receipt_donation": _l("Donation received"),
    "receipt_purchase": _l("Purchase received"),
    "assembly_consume": _l("Used for assembly"),
    "assembly_produce": _l("Assembled"),
    "transfer": _l("Transfer"),
    "adjustment": _l("Adjustment"),
    "consumption": _l("Taken by users"),
    "mailed": _l("Mailed"),
    "handed_over": _l("Handed over"),
    "discarded": _l("Discarded"),
    "reversal": _l("Reversal"),
}

RECORD_KINDS = {
    "donation": _l("Donation"),
    "purchase": _l("Purchase"),
    "assembly": _l("Assembly"),
    "transfer": _l("Transfer"),
    "adjustment": _l("Adjustment"),
    "stocktake": _l("Stocktake"),
    "reversal": _l("Reversal"),
    "restock_visit": _l("Restock visit"),
    "request": _l("Request"),
}

REASONS = {
    "damaged": _l("Damaged"),
    "lost": _l("Lost"),
    "found": _l("Found"),
    "expired": _l("Expired"),
    "correction": _l("Correction"),
    "stocktake": _l("Stocktake"),
}

GROUPS = {
    "item_kind": ITEM_KINDS,
    "location_kind": LOCATION_KINDS,
    "donor_kind": DONOR_KINDS,
    "funding": FUNDING,
    "movement_kind": MOVEMENT_KINDS,
    "record_kind": RECORD_KINDS,
    "reason": REASONS,
}


def name_of(group: str, code: str | None) -> str:
    """The UI name of a stored code; an unknown code is shown as it is."""
    if code is None:
        return ""
    return str(GROUPS[group].get(code, code))


def choices(group: str, codes=None) -> list[tuple[str, object]]:
    """(code, name) pairs for a select, in the order given (all codes of the group by default)."""
    names = GROUPS[group]
    return [(code, names.get(code, code)) for code in (codes if codes is not None else names)]
