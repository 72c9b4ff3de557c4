"""The public request form's service: a person asks for a pack from her phone, with a rate limit.

The limit counts accepted requests per address in the database, so it holds across app
processes and hosts; simultaneous requests from one address are counted one after another.
The address itself is never stored: the caller passes a keyed hash of it, and the rows are
deleted once they are older than the window (retention purge).
"""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa

from inventory.alerts import events as alert_events
from inventory.core import idempotency
from inventory.core.clock import utcnow
from inventory.core.db import lock_for_transaction
from inventory.core.errors import InvalidValue
from inventory.requests import personal_data
from inventory.requests.errors import AlreadySent, RateLimited
from inventory.requests.models import Channel, PublicRequestAttempt
from inventory.requests.services import RequestResult, add_individual, check_individual

PUBLIC_LIMIT = 5
PUBLIC_WINDOW = timedelta(hours=1)
MAX_PUBLIC_PACKS = 3


def submit_public_request(
    *,
    quantity,
    delivery,
    address_key: str,
    location_id: int | None = None,
    recipient_name=None,
    postal_code=None,
    address=None,
    address2=None,
    idempotency_key: str | None,
    now: datetime | None = None,
) -> RequestResult:
    """Record a request from the public form, unless this address has sent too many lately."""
    if not isinstance(address_key, str) or not 1 <= len(address_key) <= 64:
        raise InvalidValue("address key", field=None)
    now = now or utcnow()
    checked = check_individual(
        quantity=quantity,
        delivery=delivery,
        channel=Channel.WEB.value,
        location_id=location_id,
        recipient_name=recipient_name,
        postal_code=postal_code,
        address=address,
        address2=address2,
        max_quantity=MAX_PUBLIC_PACKS,
    )

    def work(session) -> int:
        # Requests from one address take their turn here, so simultaneous ones cannot all
        # count fewer than the limit and all be accepted.
        lock_for_transaction(f"public request {address_key}")
        recent = session.scalar(
            sa.select(sa.func.count())
            .select_from(PublicRequestAttempt)
            .where(
                PublicRequestAttempt.address_key == address_key,
                PublicRequestAttempt.attempted_at > now - PUBLIC_WINDOW,
            )
        )
        if recent >= PUBLIC_LIMIT:
            raise RateLimited(retry_minutes=int(PUBLIC_WINDOW.total_seconds() // 60))
        session.add(PublicRequestAttempt(address_key=address_key, attempted_at=now))
        request_id = add_individual(session, checked, created_by=None, now=now).id
        # Staff hear that a request came in, in this transaction: a refused one tells no one.
        alert_events.request_received(now)
        return request_id

    request_id, replayed = idempotency.run(
        "submit_public_request", idempotency_key, checked.fingerprint_payload(), work
    )
    # The key's fingerprint leaves the personal data out (no hash of an address is kept), so a
    # resend with a corrected name or address is told it was not taken, never thanked in silence.
    if replayed and not personal_data.matches_stored(request_id, checked.personal):
        raise AlreadySent(request_id)
    return RequestResult(request_id, replayed=replayed)
