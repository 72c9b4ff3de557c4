"""The OpenAPI 3 document of API v1, kept beside the views it describes."""

from __future__ import annotations

from functools import cache

from inventory.core.checks import MAX_ROW_ID
from inventory.core.models import MAX_KEY_LENGTH, MIN_KEY_LENGTH
from inventory.rounds.visits import FLAGS, MAX_PACKAGES_AT_A_LOCATION


def _error(description: str) -> dict:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    }


def _ok(schema_ref: str, description: str) -> dict:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema_ref}"}}},
    }


@cache
def openapi_document() -> dict:
    """Return the document (built once per process)."""
    count = {"type": "integer", "minimum": 0, "maximum": MAX_PACKAGES_AT_A_LOCATION}
    location_props = {
        "code": {"type": "string"},
        "kind": {"type": "string"},
        "name": {"type": "string"},
        "spot": {"type": "string"},
        "target_level": {"type": "integer"},
        "active": {"type": "boolean"},
        "level": {"type": "integer"},
    }
    security = [{"session": [], "csrf": []}, {"token": []}]
    auth_errors = {
        "401": _error("Not signed in and no valid token"),
        "403": _error("This account may not use the API"),
    }
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "Tsunagari Pack API",
            "version": "1",
            "description": "Locations, stock and restock visits. Writes need a one-time "
            "idempotency key: the same key again returns the first result.",
        },
        "servers": [{"url": "/api/v1"}],
        "security": security,
        "paths": {
            "/locations": {
                "get": {
                    "operationId": "listLocations",
                    "summary": "Active locations",
                    "responses": {"200": _ok("LocationList", "Locations"), **auth_errors},
                }
            },
            "/locations/{code}": {
                "get": {
                    "operationId": "getLocation",
                    "summary": "One location with its suggestion",
                    "parameters": [
                        {
                            "name": "code",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "string", "minLength": 1, "maxLength": 50},
                        }
                    ],
                    "responses": {
                        "200": _ok("LocationDetail", "The location"),
                        "404": _error("No location has this code"),
                        **auth_errors,
                    },
                }
            },
            "/stock": {
                "get": {
                    "operationId": "listStock",
                    "summary": "Every balance",
                    "responses": {"200": _ok("StockList", "Balances"), **auth_errors},
                }
            },
            "/visits": {
                "post": {
                    "operationId": "createVisit",
                    "summary": "Record a restock visit",
                    "parameters": [
                        {
                            "name": "Idempotency-Key",
                            "in": "header",
                            "required": False,
                            "schema": {
                                "type": "string",
                                "minLength": MIN_KEY_LENGTH,
                                "maxLength": MAX_KEY_LENGTH,
                            },
                        }
                    ],
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/VisitInput"}}
                        },
                    },
                    "responses": {
                        "201": _ok("Visit", "Recorded"),
                        "200": _ok("Visit", "Already recorded with this key (replay)"),
                        "400": _error("Missing CSRF token on a session request"),
                        "409": _error("The key was used for different content"),
                        "422": _error("Invalid fields"),
                        **auth_errors,
                    },
                }
            },
        },
        "components": {
            "securitySchemes": {
                "session": {"type": "apiKey", "in": "cookie", "name": "session"},
                "csrf": {"type": "apiKey", "in": "header", "name": "X-CSRFToken"},
                "token": {"type": "http", "scheme": "bearer"},
            },
            "schemas": {
                "Error": {
                    "type": "object",
                    "required": ["error"],
                    "properties": {
                        "error": {
                            "type": "object",
                            "required": ["status", "message"],
                            "properties": {
                                "status": {"type": "integer"},
                                "message": {"type": "string"},
                                "fields": {"type": "object", "additionalProperties": {"type": "string"}},
                            },
                        }
                    },
                },
                "Location": {
                    "type": "object",
                    "required": list(location_props),
                    "properties": location_props,
                },
                "LocationList": {
                    "type": "object",
                    "required": ["locations"],
                    "properties": {
                        "locations": {"type": "array", "items": {"$ref": "#/components/schemas/Location"}}
                    },
                },
                "LocationDetail": {
                    "type": "object",
                    "required": [*location_props, "suggested_added", "storeroom_available", "last_visit"],
                    "properties": {
                        **location_props,
                        "suggested_added": {"type": "integer"},
                        "storeroom_available": {"type": "integer"},
                        "last_visit": {
                            "type": "object",
                            "nullable": True,
                            "properties": {
                                "visited_at": {"type": "string", "format": "date-time"},
                                "counted": {"type": "integer"},
                                "added": {"type": "integer"},
                            },
                        },
                    },
                },
                "StockList": {
                    "type": "object",
                    "required": ["stock"],
                    "properties": {
                        "stock": {
                            "type": "array",
                            "items": {
                                "type": "object",
                                "properties": {
                                    "location_code": {"type": "string"},
                                    "location_name": {"type": "string"},
                                    "item_id": {"type": "integer"},
                                    "item_name": {"type": "string"},
                                    "unit": {"type": "string"},
                                    "qty": {"type": "integer"},
                                    "low": {"type": "boolean"},
                                },
                            },
                        }
                    },
                },
                "VisitInput": {
                    "type": "object",
                    "required": ["location_code", "counted", "added"],
                    "properties": {
                        "location_code": {"type": "string"},
                        "counted": count,
                        "added": count,
                        "flags": {"type": "array", "items": {"type": "string", "enum": list(FLAGS)}},
                        "note": {"type": "string", "maxLength": 500},
                        "occurred_at": {"type": "string", "format": "date-time"},
                        # The location's default storeroom when left out.
                        "storeroom_id": {"type": "integer", "minimum": 1, "maximum": MAX_ROW_ID},
                        "idempotency_key": {
                            "type": "string",
                            "minLength": MIN_KEY_LENGTH,
                            "maxLength": MAX_KEY_LENGTH,
                        },
                    },
                },
                "Visit": {
                    "type": "object",
                    "required": [
                        "visit_id",
                        "location_code",
                        "expected",
                        "counted",
                        "consumed",
                        "found",
                        "added",
                        "added_unrecorded",
                    ],
                    "properties": {
                        name: {"type": "integer"} if name != "location_code" else {"type": "string"}
                        for name in [
                            "visit_id",
                            "location_code",
                            "expected",
                            "counted",
                            "consumed",
                            "found",
                            "added",
                            "added_unrecorded",
                        ]
                    },
                },
            },
        },
    }
