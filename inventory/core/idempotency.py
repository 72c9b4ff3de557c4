"""One-time keys: the same form submitted twice (double tap, retry, offline replay) records once."""

from __future__ import annotations

import hashlib
import json
import logging
import random
import time
from collections.abc import Callable
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy.orm import Session

from inventory.core.checks import check_characters
from inventory.core.clock import utcnow
from inventory.core.db import db, is_retryable, unit_of_work
from inventory.core.errors import IdempotencyConflict, InvalidValue
from inventory.core.models import MAX_KEY_LENGTH, MIN_KEY_LENGTH, IdempotencyKey

log = logging.getLogger(__name__)

# How often a transaction PostgreSQL aborted as a deadlock or serialization failure is run again,
# and the first pause before it (doubled each time, with jitter so that the two sides of a
# deadlock do not meet again in step).
RETRIES = 3
RETRY_PAUSE = 0.02


def fingerprint(action: str, payload) -> str:
    """A stable hash of an action and its normalised input."""
    text = json.dumps({"action": action, "payload": payload}, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def check_key(key) -> str:
    """Return the key if it has an acceptable shape, else raise InvalidValue."""
    if not isinstance(key, str) or not MIN_KEY_LENGTH <= len(key) <= MAX_KEY_LENGTH:
        raise InvalidValue(
            "idempotency key", field="idempotency_key", minimum=MIN_KEY_LENGTH, maximum=MAX_KEY_LENGTH
        )
    # A NUL byte is an error on PostgreSQL, not a key: refused on both databases alike.
    return check_characters(key, field="idempotency_key")


def _stored(key: str, action: str, digest: str) -> int | None:
    row = db.session.get(IdempotencyKey, key, populate_existing=True)
    if row is None:
        return None
    if row.action != action or row.fingerprint != digest:
        raise IdempotencyConflict(key)
    return row.result_id


_keys = IdempotencyKey.__table__.c
# Written out: SQLAlchemy cannot cache its ON CONFLICT constructs (see ledger._PUT).
_CLAIM = sa.text(
    'INSERT INTO idempotency_key ("key", action, fingerprint, created_at) '
    'VALUES (:used_key, :action, :fingerprint, :now) ON CONFLICT ("key") DO NOTHING'
).bindparams(sa.bindparam("now", type_=sa.DateTime()))
_SET_RESULT = (
    sa.update(IdempotencyKey.__table__)
    .where(_keys.key == sa.bindparam("used_key"))
    .values(result_id=sa.bindparam("result"))
)


def run(action: str, key: str | None, payload, work: Callable[[Session], int]) -> tuple[int, bool]:
    """Run `work` in its own unit of work once per key; return (result id, whether replayed).

    `work` gets the session, writes, and returns the id of what it recorded. With no key (CLI,
    demo) it simply runs. A key seen before returns the stored id and writes nothing; the same
    key with another action or payload raises IdempotencyConflict.

    `payload` is what the fingerprint is made of. It may be a callable taking no arguments: it is
    then called inside the transaction, before the key is claimed, so that a service can
    fingerprint its input as it resolves it (a restock visit's default storeroom), whichever
    route sent it.

    A transaction PostgreSQL aborted as a deadlock or a serialization failure is run again, up
    to RETRIES times: it wrote nothing, and the key is claimed in that same transaction, so the
    rerun records once, or finds the key taken by a twin that got through meanwhile.
    """
    if key is not None:
        key = check_key(key)
    attempt = 0
    while True:
        try:
            return _run_once(action, key, payload, work)
        except sa.exc.DBAPIError as error:
            if attempt >= RETRIES or not is_retryable(error):
                raise
            attempt += 1
            log.info(
                "%s: transaction aborted (%s), running it again (%d/%d)",
                action,
                _state(error),
                attempt,
                RETRIES,
            )
        time.sleep(RETRY_PAUSE * 2 ** (attempt - 1) * (0.5 + random.random()))


def _state(error: sa.exc.DBAPIError) -> str | None:
    return getattr(error.orig, "sqlstate", None)


def _run_once(action: str, key: str | None, payload, work: Callable[[Session], int]) -> tuple[int, bool]:
    with unit_of_work() as session:
        if key is None:
            return work(session), False
        digest = fingerprint(action, payload() if callable(payload) else payload)
        # The key goes in first: a concurrent twin waits on it (PostgreSQL) and then finds it
        # taken, instead of racing through the work and, say, finding the stock taken by us.
        # An INSERT runs on a cursor; Session.execute is only typed to return a Result.
        claimed = cast(
            "sa.CursorResult[Any]",
            db.session.execute(
                _CLAIM, {"used_key": key, "action": action, "fingerprint": digest, "now": utcnow()}
            ),
        )
        if not claimed.rowcount:
            stored = _stored(key, action, digest)
            if stored is None:
                raise IdempotencyConflict(key)  # taken, yet holding no result: refuse, never redo
            return stored, True
        result_id = work(session)
        db.session.execute(_SET_RESULT, {"used_key": key, "result": result_id})
        return result_id, False
