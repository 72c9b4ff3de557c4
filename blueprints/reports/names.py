"""Names in the UI language for the reports: datasets, CSV columns, metrics, request codes."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from ..rounds.forms import FLAG_CHOICES
from ..stock import names as stock_names

DATASET_NAMES = {
    "movements": _l("Stock movements"),
    "donations": _l("Donations"),
    "purchases": _l("Purchases"),
    "visits": _l("Restock visits"),
    "requests": _l("Requests"),
}

COLUMN_NAMES = {
    "movement_id": _l("Movement no."),
    "occurred_at": _l("Date and time (Japan)"),
    "kind": _l("Kind"),
    "item": _l("Item"),
    "unit": _l("Unit"),
    "quantity": _l("Quantity"),
    "from_code": _l("From (code)"),
    "from_name": _l("From"),
    "to_code": _l("To (code)"),
    "to_name": _l("To"),
    "record_id": _l("Record no."),
    "reverses_movement_id": _l("Reverses movement no."),
    "occurred_on": _l("Date"),
    "storeroom": _l("Storeroom"),
    "donor_kind": _l("Donor kind"),
    "reversed": _l("Reversed"),
    "vendor": _l("Vendor"),
    "funding": _l("Funding"),
    "receipt_number": _l("Receipt no."),
    "unit_cost_yen": _l("Unit cost (yen)"),
    "amount_yen": _l("Amount (yen)"),
    "visit_id": _l("Visit no."),
    "visited_at": _l("Visited (Japan time)"),
    "location_code": _l("Location code"),
    "location_name": _l("Location"),
    "expected": _l("Expected"),
    "counted": _l("Counted"),
    "consumed": _l("Taken by users"),
    "added": _l("Added"),
    "added_unrecorded": _l("Added, not covered by the storeroom"),
    "flags": _l("Reported"),
    "request_id": _l("Request no."),
    "requested_at": _l("Requested (Japan time)"),
    "request_kind": _l("Request kind"),
    "channel": _l("Channel"),
    "delivery_method": _l("Delivery"),
    "status": _l("Status"),
    "fulfilled_at": _l("Fulfilled (Japan time)"),
}

METRIC_NAMES = {
    "packs_placed": _l("Packs placed at placement points"),
    "packs_sent": _l("Packs mailed or handed over"),
    "placement_locations": _l("Placement points stocked"),
    "support_page_scans": _l("Support page views (QR scans)"),
    "availability_percent": _l("Availability: days with packs, all locations (%)"),
    "new_consultations": _l("New consultations (first contacts)"),
    "referrals": _l("Referrals to other services"),
    "cafe_visits": _l("Drop-in cafe visits (total)"),
}

# Codes the requests module is expected to use; an unknown code is shown as it is.
CHANNELS = {
    "phone": _l("Phone"),
    "line": _l("LINE"),
    "email": _l("E-mail"),
    "web": _l("Web form"),
    "cafe": _l("Drop-in cafe"),
    "in_person": _l("In person"),
    "school": _l("School form"),
}
DELIVERY = {
    "mail": _l("Mailed"),
    "office": _l("Handed over at the office"),
    "cafe": _l("Handed over at the cafe"),
    "pickup": _l("Picked up"),
    "visit": _l("Brought on a restock visit"),
    "delivery": _l("Delivered from the storeroom"),
}
# The order rows are shown in: the common channels first, as the office thinks of them.
CHANNEL_ORDER = ("phone", "line", "email", "web", "cafe", "in_person")
DELIVERY_ORDER = ("mail", "office", "cafe", "pickup")
STATUSES = {
    "new": _l("New"),
    "planned": _l("Planned"),
    "fulfilled": _l("Fulfilled"),
    "cancelled": _l("Cancelled"),
}
REQUEST_KINDS = {"refill": _l("School refill"), "individual": _l("Individual request")}


def name(mapping: dict, code) -> str:
    """The UI name of a code in a mapping; unknown codes as they are."""
    return str(mapping.get(code, code))


def export_value_names() -> dict:
    """Code → UI name maps for the CSV columns that hold codes (evaluated in the request's language)."""

    def as_text(mapping):
        return {code: str(label) for code, label in mapping.items()}

    return {
        "kind": as_text(stock_names.MOVEMENT_KINDS),
        "donor_kind": as_text(stock_names.DONOR_KINDS),
        "funding": as_text(stock_names.FUNDING),
        "flags": as_text(dict(FLAG_CHOICES)),
        "channel": as_text(CHANNELS),
        "delivery_method": as_text(DELIVERY),
        "request_kind": as_text(REQUEST_KINDS),
        "status": as_text(STATUSES),
        "yes": str(_l("yes")),
    }
