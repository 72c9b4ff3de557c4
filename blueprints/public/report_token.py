"""The stateless signed token of the support page's report buttons (no cookie, no session).

The page signs (location id, a random nonce) with the app's secret; the token is good for one
location, for TOKEN_MAX_AGE, and — through the nonce the service records — for one report.
"""

from __future__ import annotations

import secrets

from flask import current_app
from itsdangerous import BadData, URLSafeTimedSerializer

from inventory.rounds.empty_reports import REPORT_WINDOW

# No longer than the window the service keeps used nonces for: an older token is refused here,
# so a nonce is never forgotten while its token still works.
TOKEN_MAX_AGE = int(REPORT_WINDOW.total_seconds())
_SALT = "empty-report"


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(str(current_app.config["SECRET_KEY"]), salt=_SALT)


def issue_token(location_id: int) -> str:
    """A fresh token for the report buttons of one location's page."""
    return _serializer().dumps([location_id, secrets.token_hex(8)])


def read_token(token: str | None, location_id: int) -> str | None:
    """The token's nonce if it is ours, unexpired and for this location; else None."""
    if not token or len(token) > 200:
        return None
    try:
        payload = _serializer().loads(token, max_age=TOKEN_MAX_AGE)
    except BadData:
        return None
    if not (isinstance(payload, list) and len(payload) == 2 and payload[0] == location_id):
        return None
    nonce = payload[1]
    return nonce if isinstance(nonce, str) else None
