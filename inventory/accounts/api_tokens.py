"""Personal API tokens an admin issues, for tools that talk to the JSON API without a browser."""

from __future__ import annotations

import hashlib
import secrets

import sqlalchemy as sa

from inventory.accounts.models import ApiToken, User
from inventory.core.clock import utcnow
from inventory.core.db import db, unit_of_work
from inventory.core.errors import InvalidValue, NotFound

TOKEN_PREFIX = "tp_"


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(user_id: int, name: str) -> str:
    """Create a token for a user and return it; it is shown once and never stored in clear."""
    name = (name or "").strip()
    if not 1 <= len(name) <= 100:
        raise InvalidValue("token name", field="name", maximum=100)
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with unit_of_work() as session:
        if session.get(User, user_id) is None:
            raise NotFound("user")
        session.add(ApiToken(user_id=user_id, name=name, token_hash=_hash(token)))
    return token


# Built once: every API request signs in with this.
_USER_FOR_HASH = (
    sa.select(User)
    .join(ApiToken, ApiToken.user_id == User.id)
    .where(ApiToken.token_hash == sa.bindparam("token_hash"), ApiToken.revoked_at.is_(None), User.active)
)


def user_for_token(token: str | None) -> User | None:
    """The active user a live token acts as, or None."""
    if not token or not token.startswith(TOKEN_PREFIX) or len(token) > 200:
        return None
    return db.session.scalar(_USER_FOR_HASH, {"token_hash": _hash(token)})


def tokens_of(user_id: int) -> list[ApiToken]:
    """A user's tokens, newest first."""
    return list(
        db.session.scalars(
            sa.select(ApiToken).where(ApiToken.user_id == user_id).order_by(ApiToken.id.desc())
        )
    )


def revoke_token(user_id: int, token_id: int) -> None:
    """Revoke one of a user's tokens."""
    with unit_of_work() as session:
        token = session.get(ApiToken, token_id)
        if token is None or token.user_id != user_id:
            raise NotFound("token")
        token.revoked_at = token.revoked_at or utcnow()
