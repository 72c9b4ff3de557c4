"""The views of the api blueprint (see the package's docstring)."""

from __future__ import annotations

from datetime import datetime

from flask import Flask, current_app, g, jsonify, request
from flask_login import current_user

from inventory.accounts import api_tokens
from inventory.core.checks import MAX_ROW_ID, is_row_id
from inventory.core.errors import DomainError, IdempotencyConflict
from inventory.core.models import MAX_KEY_LENGTH, MIN_KEY_LENGTH
from inventory.rounds import visits
from inventory.rounds.errors import NoPlacementItem
from inventory.stock.catalog import find_location_by_code, list_locations
from inventory.stock.queries import stock_overview

from ..domain_messages import message_for
from ..extensions import csrf, login_manager
from . import bp
from .openapi import openapi_document

API_ROLES = {"admin", "staff", "volunteer"}


def init_app(app: Flask) -> None:
    """Let bearer tokens sign requests in; CSRF is enforced below for cookie sessions only."""
    csrf.exempt(bp)
    login_manager.request_loader(_user_from_bearer)
    app.json.ensure_ascii = False  # Japanese messages as text, not \u escapes


def _bearer() -> str | None:
    header = request.headers.get("Authorization", "")
    return header[7:].strip() if header.startswith("Bearer ") else None


def _user_from_bearer(req):
    # Flask-Login asks only when the session cookie signed no one in; what answers here is
    # remembered, so CSRF is waived for a request a token signed in, and for no other.
    if not req.path.startswith("/api/"):
        return None
    user = api_tokens.user_for_token(_bearer())
    g.signed_in_by_token = user is not None
    return user


def _problem(status: int, message: str, errors: dict | None = None):
    body = {"error": {"status": status, "message": message}}
    if errors:
        body["error"]["fields"] = errors
    return jsonify(body), status


@bp.before_request
def _authenticate():
    if request.endpoint == "api.openapi":
        return None
    if not current_user.is_authenticated:
        return _problem(401, "Sign in or send a personal API token (Authorization: Bearer …).")
    if current_user.role not in API_ROLES:
        return _problem(403, "This account may not use the API.")
    signed_in_by_cookie = not g.get("signed_in_by_token")
    if request.method == "POST" and signed_in_by_cookie and current_app.config["WTF_CSRF_ENABLED"]:
        # A cookie session must prove the request came from our own page, bearer header or not.
        csrf.protect()
    return None


def _location_json(location, level: int | None = None) -> dict:
    return {
        "code": location.code,
        "kind": location.kind,
        "name": location.name,
        "spot": location.spot,
        "target_level": location.target_level,
        "active": location.active,
        **({"level": level} if level is not None else {}),
    }


@bp.route("/openapi.json")
def openapi():
    """The OpenAPI 3 description of this API."""
    return jsonify(openapi_document())


@bp.route("/locations")
def locations():
    """Every active location with the packages it holds."""
    try:
        item_id = visits.placement_item().id
    except NoPlacementItem:
        item_id = None
    levels = {row.location_id: row.qty for row in stock_overview(item_id=item_id)} if item_id else {}
    return jsonify(
        {"locations": [_location_json(place, levels.get(place.id, 0)) for place in list_locations()]}
    )


@bp.route("/locations/<code>")
def location(code: str):
    """One location: its level, last visit and the suggested number to add."""
    found = find_location_by_code(code)
    if found is None:
        return _problem(404, "No location has this code.")
    suggestion = visits.suggest(found)
    last = visits.last_visit(found.id)
    return jsonify(
        {
            **_location_json(found, suggestion.expected),
            "suggested_added": suggestion.suggested_added,
            "storeroom_available": suggestion.storeroom_available,
            "last_visit": None
            if last is None
            else {
                "visited_at": last.visited_at.isoformat() + "Z",
                "counted": last.counted,
                "added": last.added,
            },
        }
    )


@bp.route("/stock")
def stock():
    """Every balance: location, item, quantity and whether it is low."""
    return jsonify(
        {
            "stock": [
                {
                    "location_code": r.location_code,
                    "location_name": r.location_name,
                    "item_id": r.item_id,
                    "item_name": r.item_name,
                    "unit": r.unit,
                    "qty": r.qty,
                    "low": r.low,
                }
                for r in stock_overview()
            ]
        }
    )


def _int_field(body: dict, name: str, errors: dict) -> int | None:
    value = body.get(name)
    if isinstance(value, bool) or not isinstance(value, int):
        errors[name] = "must be a whole number"
        return None
    return value


@bp.route("/visits", methods=["POST"])
def create_visit():
    """Record a restock visit: 201 when recorded, 200 with the same body when the key was seen."""
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        return _problem(422, "Send a JSON object.", {"body": "must be a JSON object"})
    errors: dict[str, str] = {}
    key = request.headers.get("Idempotency-Key") or body.get("idempotency_key")
    if not isinstance(key, str) or not MIN_KEY_LENGTH <= len(key) <= MAX_KEY_LENGTH:
        errors["idempotency_key"] = "required: 8 to 100 characters, new for each visit"
    code = body.get("location_code")
    found = find_location_by_code(code) if isinstance(code, str) else None
    if found is None:
        errors["location_code"] = "no location has this code"
    counted, added = _int_field(body, "counted", errors), _int_field(body, "added", errors)
    flags = body.get("flags", [])
    if not isinstance(flags, list) or not all(isinstance(f, str) for f in flags):
        errors["flags"] = "must be a list of strings"
    note = body.get("note", "")
    if not isinstance(note, str):
        errors["note"] = "must be a string"
    storeroom_id = body.get("storeroom_id")
    if storeroom_id is not None and not (is_row_id(storeroom_id) and 0 < storeroom_id <= MAX_ROW_ID):
        errors["storeroom_id"] = "must be the id of a storeroom"
    occurred_at = None
    if body.get("occurred_at") is not None:
        try:
            occurred_at = datetime.fromisoformat(str(body["occurred_at"]).replace("Z", "+00:00"))
        except ValueError:
            errors["occurred_at"] = "must be an ISO 8601 date-time"
    if errors:
        return _problem(422, "Some fields are not valid.", errors)
    try:
        result = visits.record_visit(
            found.id,
            counted=counted,
            added=added,
            flags=flags,
            note=note,
            occurred_at=occurred_at,
            storeroom_id=storeroom_id,
            recorded_by=current_user.id,
            idempotency_key=key,
        )
    except IdempotencyConflict as error:
        return _problem(409, message_for(error))
    except DomainError as error:
        return _problem(422, message_for(error), {error.field or "body": message_for(error)})
    payload = {
        "visit_id": result.visit_id,
        "location_code": found.code,
        "expected": result.expected,
        "counted": result.counted,
        "consumed": result.consumed,
        "found": result.found,
        "added": result.added,
        "added_unrecorded": result.added_unrecorded,
    }
    return jsonify(payload), 200 if result.replayed else 201
