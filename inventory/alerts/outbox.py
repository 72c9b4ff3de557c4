"""The outbox: claim due deliveries, hand them to their channel, record what came of it.

At most once per (alert, person, channel): the row is unique, and a sender claims rows by a
conditional UPDATE from pending/retrying to sending (on PostgreSQL after `FOR UPDATE SKIP
LOCKED`, so two senders take different rows; on SQLite writers queue on BEGIN IMMEDIATE). A
row in `sending` is never claimed again by a sender: if one dies mid-batch, the admin page
shows the row as interrupted and the admin chooses to send it again. A passing failure
(no connection, a 4xx, LINE's 429/5xx) is retried with exponential backoff; after
MAX_ATTEMPTS tries, or on a refusal for good, the row is failed and shown to the admin.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import sqlalchemy as sa

from inventory.accounts.models import User
from inventory.alerts.channels import FAILED, RETRY, SENT, Message, Outcome
from inventory.alerts.models import Alert, AlertDelivery, Channel, DeliveryStatus, LineLink
from inventory.core.clock import utcnow
from inventory.core.db import db, unit_of_work
from inventory.stock.models import Location

MAX_ATTEMPTS = 6
BACKOFF_BASE = timedelta(minutes=1)  # 1, 2, 4, 8, 16 minutes between the six tries
BATCH = 200
# A row claimed this long ago whose sender never recorded an outcome: the sender died mid-batch.
INTERRUPTED_AFTER = timedelta(minutes=15)
DUE = (DeliveryStatus.PENDING.value, DeliveryStatus.RETRYING.value)


@dataclass(frozen=True)
class AlertText:
    """What a message is built from: the alert's kind and detail, a location's name, a language."""

    kind: str
    detail: str
    location_name: str
    location_code: str
    locale: str
    due_locations: tuple[str, ...] = ()


Renderer = Callable[[AlertText], tuple[str, str]]


@dataclass(frozen=True)
class Claimed:
    """A claimed row as plain values (the session's objects expire when its read ends)."""

    id: int
    channel: str
    attempts: int


@dataclass
class SendResult:
    """What one run of the sender did."""

    sent: int = 0
    retrying: int = 0
    failed: int = 0
    reasons: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        """Rows handled."""
        return self.sent + self.retrying + self.failed


def backoff(attempts: int) -> timedelta:
    """The pause before try number attempts + 1."""
    return BACKOFF_BASE * (2 ** max(attempts - 1, 0))


def claim(channels, now: datetime, limit: int = BATCH) -> str | None:
    """Claim up to `limit` due rows on these channels for this sender; return its token (None: none)."""
    token = secrets.token_hex(16)
    with unit_of_work() as session:
        ids = list(
            session.scalars(
                sa.select(AlertDelivery.id)
                .where(
                    AlertDelivery.status.in_(DUE),
                    AlertDelivery.next_attempt_at <= now,
                    AlertDelivery.channel.in_(list(channels)),
                )
                .order_by(AlertDelivery.id)
                .limit(limit)
                .with_for_update(skip_locked=True)
            )
        )
        if not ids:
            return None
        claimed = session.execute(
            sa.update(AlertDelivery)
            .where(AlertDelivery.id.in_(ids), AlertDelivery.status.in_(DUE))
            .values(
                status=DeliveryStatus.SENDING.value,
                claim_token=token,
                claimed_at=now,
                attempts=AlertDelivery.attempts + 1,
            )
            .execution_options(synchronize_session=False)
        ).rowcount
    return token if claimed else None


def _claimed(token: str) -> list[tuple[Claimed, Message | None, str, AlertText]]:
    """The rows a token holds, each with its message (None: no address to send to, and why)."""
    rows = db.session.execute(
        sa.select(AlertDelivery, Alert, User, LineLink, Location)
        .join(Alert, Alert.id == AlertDelivery.alert_id)
        .join(User, User.id == AlertDelivery.user_id)
        .outerjoin(LineLink, LineLink.user_id == User.id)
        .outerjoin(Location, Location.id == Alert.location_id)
        .where(AlertDelivery.claim_token == token, AlertDelivery.status == DeliveryStatus.SENDING.value)
        .order_by(AlertDelivery.id)
    ).all()
    due_ids = {
        int(i) for row in rows if row.Alert.kind == "weekly_round" for i in row.Alert.detail.split(",") if i
    }
    names = (
        dict(
            db.session.execute(sa.select(Location.id, Location.name).where(Location.id.in_(due_ids)))
            .tuples()
            .all()
        )
        if due_ids
        else {}
    )
    out = []
    for delivery, alert, user, link, location in rows:
        text = AlertText(
            kind=alert.kind,
            detail=alert.detail,
            location_name=location.name if location else "",
            location_code=location.code if location else "",
            locale=user.locale or "ja",
            due_locations=tuple(names[int(i)] for i in alert.detail.split(",") if i and int(i) in names)
            if alert.kind == "weekly_round"
            else (),
        )
        address, why = "", ""
        if delivery.channel == Channel.EMAIL.value:
            address, why = user.email or "", "the user has no e-mail address"
        elif link is None or not link.line_user_id:
            why = "the user's LINE account is not linked"
        elif link.blocked_at is not None:
            why = "the user blocked the LINE account"
        else:
            address = link.line_user_id
        if not user.active:
            address, why = "", "the account is deactivated"
        message = Message(address, "", "", delivery.retry_key) if address else None
        out.append((Claimed(delivery.id, delivery.channel, delivery.attempts), message, why, text))
    return out


def _record(token: str, outcomes: list[tuple[Claimed, Outcome]], now: datetime, result: SendResult) -> None:
    """Write what came of each try, only on rows this sender still holds."""
    mine = (AlertDelivery.claim_token == token, AlertDelivery.status == DeliveryStatus.SENDING.value)
    with unit_of_work() as session:
        sent = [d.id for d, o in outcomes if o.result == SENT]
        if sent:
            session.execute(
                sa.update(AlertDelivery)
                .where(AlertDelivery.id.in_(sent), *mine)
                .values(status=DeliveryStatus.SENT.value, sent_at=now, last_error="")
                .execution_options(synchronize_session=False)
            )
        result.sent += len(sent)
        for delivery, outcome in outcomes:
            if outcome.result == SENT:
                continue
            values: dict = {"last_error": outcome.reason[:200]}
            if outcome.result == RETRY and delivery.attempts < MAX_ATTEMPTS:
                values.update(
                    status=DeliveryStatus.RETRYING.value, next_attempt_at=now + backoff(delivery.attempts)
                )
                result.retrying += 1
            else:
                if outcome.result == RETRY:
                    values["last_error"] = f"gave up after {delivery.attempts} tries: {outcome.reason}"[:200]
                values["status"] = DeliveryStatus.FAILED.value
                result.failed += 1
            result.reasons.append(values["last_error"])
            session.execute(
                sa.update(AlertDelivery)
                .where(AlertDelivery.id == delivery.id, *mine)
                .values(**values)
                .execution_options(synchronize_session=False)
            )


def send_due(
    channels: Mapping[str, object],
    render: Renderer,
    *,
    now: Callable[[], datetime] = utcnow,
    batch: int = BATCH,
    max_batches: int | None = None,
) -> SendResult:
    """Deliver every due row on the configured channels, batch by batch; return the counts.

    `channels` maps a channel name to an object with `send(Message) -> Outcome`; rows on a
    channel that is not configured stay pending (the admin page says the channel is off).
    """
    result = SendResult()
    batches = 0
    while channels and (max_batches is None or batches < max_batches):
        token = claim(channels, now(), batch)
        if token is None:
            break
        batches += 1
        outcomes: list[tuple[Claimed, Outcome]] = []
        for delivery, message, why, text in _claimed(token):
            if message is None:
                outcomes.append((delivery, Outcome(FAILED, why)))
                continue
            subject, body = render(text)
            send = channels[delivery.channel].send  # type: ignore[attr-defined]
            try:
                outcome = send(Message(message.address, subject, body, message.retry_key))
            except Exception as error:  # a bug or a surprise in a library: it may have gone out
                outcome = Outcome(FAILED, f"unexpected error ({type(error).__name__}); not retried")
            outcomes.append((delivery, outcome))
        db.session.rollback()  # end the read before the write (a fresh BEGIN IMMEDIATE on SQLite)
        _record(token, outcomes, now(), result)
    return result


def requeue(delivery_id: int, now: datetime | None = None) -> bool:
    """Send a failed or interrupted row again (the admin's choice); False if it is not one."""
    now = now or utcnow()
    with unit_of_work() as session:
        changed = session.execute(
            sa.update(AlertDelivery)
            .where(
                AlertDelivery.id == delivery_id,
                sa.or_(
                    AlertDelivery.status == DeliveryStatus.FAILED.value,
                    sa.and_(
                        AlertDelivery.status == DeliveryStatus.SENDING.value,
                        AlertDelivery.claimed_at <= now - INTERRUPTED_AFTER,
                    ),
                ),
            )
            .values(
                status=DeliveryStatus.RETRYING.value,
                next_attempt_at=now,
                claim_token=None,
                attempts=0,
            )
            .execution_options(synchronize_session=False)
        ).rowcount
    return changed == 1
