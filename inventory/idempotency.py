"""One-time keys: the same form submitted twice (double tap, retry, offline replay) records once."""
from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column

from .db import db, unit_of_work, utcnow
from .errors import InvalidValue
from .stock_errors import IdempotencyConflict

MIN_KEY_LENGTH = 8
MAX_KEY_LENGTH = 100


class IdempotencyKey(db.Model):
    """A used key: which action it recorded, a hash of what was submitted, and the result's id."""

    __tablename__ = "idempotency_key"

    key: Mapped[str] = mapped_column(sa.String(MAX_KEY_LENGTH), primary_key=True)
    action: Mapped[str] = mapped_column(sa.String(40))
    fingerprint: Mapped[str] = mapped_column(sa.String(64))
    result_id: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


def fingerprint(action: str, payload) -> str:
    """A stable hash of an action and its normalised input."""
    text = json.dumps({"action": action, "payload": payload}, sort_keys=True, default=str,
                      ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def check_key(key) -> str:
    """Return the key if it has an acceptable shape, else raise InvalidValue."""
    if not isinstance(key, str) or not MIN_KEY_LENGTH <= len(key) <= MAX_KEY_LENGTH:
        raise InvalidValue("idempotency key", field="idempotency_key",
                           minimum=MIN_KEY_LENGTH, maximum=MAX_KEY_LENGTH)
    return key


def _stored(key: str, action: str, digest: str) -> int | None:
    row = db.session.get(IdempotencyKey, key, populate_existing=True)
    if row is None:
        return None
    if row.action != action or row.fingerprint != digest:
        raise IdempotencyConflict(key)
    return row.result_id


def run(action: str, key: str | None, payload, work: Callable[[Session], int]) -> tuple[int, bool]:
    """Run `work` in its own unit of work once per key; return (result id, whether replayed).

    `work` gets the session, adds and flushes, and returns the id of what it recorded. With no
    key (CLI, demo) it simply runs. A key seen before returns the stored id and writes nothing;
    the same key with another action or payload raises IdempotencyConflict.
    """
    if key is None:
        with unit_of_work() as session:
            return work(session), False
    key = check_key(key)
    digest = fingerprint(action, payload)
    try:
        with unit_of_work() as session:
            stored = _stored(key, action, digest)
            if stored is not None:
                return stored, True
            # The key goes in first: a concurrent twin blocks on it (PostgreSQL) instead of
            # racing through the work and, say, finding the stock already taken by us.
            row = IdempotencyKey(key=key, action=action, fingerprint=digest)
            session.add(row)
            session.flush()
            row.result_id = work(session)
            return row.result_id, False
    except IntegrityError:
        # A twin with the same key committed between our look-up and our insert.
        stored = _stored(key, action, digest)
        if stored is None:
            raise
        db.session.rollback()
        return stored, True

