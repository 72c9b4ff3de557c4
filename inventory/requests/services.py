"""Requests (依頼): a school asking for a refill, or a person asking for a pack (mailed or handed over).

The request row keeps only what reports need: when, through which channel, how it is delivered,
how many, its status and the location it concerns. The name and address a mailing needs live
apart (personal_data) and are deleted on schedule (retention). The status moves by conditional
updates (`… WHERE status IN ('new', 'planned')`), so two clicks or two staff members can never
fulfil or cancel one request twice; fulfilling moves stock in the same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, cast

import sqlalchemy as sa

from inventory.alerts import events as alert_events
from inventory.core import idempotency
from inventory.core.checks import check_choice, check_quantity, check_text, is_row_id
from inventory.core.clock import local_today, utcnow
from inventory.core.db import db, unit_of_work
from inventory.core.errors import InvalidDate, InvalidValue
from inventory.requests import personal_data, schools
from inventory.requests.errors import RequestClosed, UnknownRequest
from inventory.requests.models import (
    MAX_NOTE,
    MAX_REASON,
    MAX_REFILL_PACKAGES,
    OPEN_STATUSES,
    Channel,
    Delivery,
    PackRequest,
    RequestKind,
    RequestStatus,
)
from inventory.rounds.models import RestockVisit
from inventory.rounds.visits import default_storeroom, placement_item
from inventory.stock.catalog import get_location, require_item, require_location
from inventory.stock.ledger import create_record, lock_levels, move, record_outflow
from inventory.stock.models import LocationKind, MovementKind, RecordKind

MAX_PACKS_PER_PERSON = 10
NEEDED_WITHIN = timedelta(days=366)
PERSON_DELIVERIES = (Delivery.MAIL, Delivery.OFFICE, Delivery.CAFE, Delivery.PICKUP)
PERSON_CHANNELS = tuple(c for c in Channel if c != Channel.SCHOOL)


@dataclass(frozen=True)
class RequestResult:
    """What a request service recorded: the request, its stock record (if any), whether a replay."""

    request_id: int
    record_id: int | None = None
    replayed: bool = False


def check_needed_on(value: date | None, *, today: date | None = None) -> date | None:
    """A "needed by" date: empty, or from today up to a year ahead."""
    if value is None:
        return None
    today = today or local_today()
    if isinstance(value, datetime) or not isinstance(value, date):
        raise InvalidDate(value, field="needed_on", reason="not_a_date")
    if value < today:
        raise InvalidDate(value, field="needed_on", reason="past")
    if value > today + NEEDED_WITHIN:
        raise InvalidDate(value, field="needed_on", reason="too_far")
    return value


@dataclass(frozen=True)
class IndividualInput:
    """A person's request, checked: personal data only when the pack is mailed."""

    quantity: int
    delivery: str
    channel: str
    location_id: int | None
    personal: personal_data.PersonalInput | None

    def fingerprint_payload(self) -> dict:
        """What identifies a resubmission, without the personal data (no hash of an address is kept)."""
        return dict(
            quantity=self.quantity,
            delivery=self.delivery,
            channel=self.channel,
            location=self.location_id,
            mail=self.personal is not None,
        )


def check_individual(
    *,
    quantity,
    delivery,
    channel,
    location_id=None,
    recipient_name=None,
    postal_code=None,
    address=None,
    address2=None,
    max_quantity: int = MAX_PACKS_PER_PERSON,
) -> IndividualInput:
    """Check a person's request; a hand-over keeps no personal data even if some was typed."""
    check_quantity(quantity, field="quantity", maximum=max_quantity)
    delivery = check_choice(delivery, PERSON_DELIVERIES, field="delivery")
    channel = check_choice(channel, PERSON_CHANNELS, field="channel")
    personal = None
    if delivery == Delivery.MAIL:
        personal = personal_data.check_personal(
            recipient_name=recipient_name, postal_code=postal_code, address=address, address2=address2
        )
    return IndividualInput(quantity, delivery, channel, location_id, personal)


def add_individual(
    session, checked: IndividualInput, *, created_by: int | None, now: datetime | None = None
) -> PackRequest:
    """Add a checked request and its personal data (inside the caller's unit of work)."""
    location_id = None
    if checked.location_id is not None:
        # A retired toilet's QR still leads people to ask: keep the link whatever its state.
        location_id = get_location(checked.location_id).id
    request = PackRequest(
        kind=RequestKind.INDIVIDUAL.value,
        channel=checked.channel,
        delivery=checked.delivery,
        location_id=location_id,
        quantity=checked.quantity,
        created_at=now or utcnow(),
        created_by=created_by,
    )
    session.add(request)
    session.flush()
    if checked.personal is not None:
        personal_data.add_personal(session, request.id, checked.personal)
    return request


def create_individual_request(
    *,
    quantity,
    delivery,
    channel,
    location_id=None,
    recipient_name=None,
    postal_code=None,
    address=None,
    address2=None,
    recorded_by: int | None = None,
    idempotency_key: str | None,
    now: datetime | None = None,
) -> RequestResult:
    """Record a person's request that came by phone, LINE, e-mail, the cafe or in person."""
    checked = check_individual(
        quantity=quantity,
        delivery=delivery,
        channel=channel,
        location_id=location_id,
        recipient_name=recipient_name,
        postal_code=postal_code,
        address=address,
        address2=address2,
    )
    request_id, replayed = idempotency.run(
        "create_individual_request",
        idempotency_key,
        checked.fingerprint_payload(),
        lambda session: add_individual(session, checked, created_by=recorded_by, now=now).id,
    )
    return RequestResult(request_id, replayed=replayed)


def create_refill_request(
    location_id: int,
    *,
    quantity,
    needed_on: date | None = None,
    note: str = "",
    requested_by: int,
    idempotency_key: str | None,
    now: datetime | None = None,
) -> RequestResult:
    """A school contact asks for a refill of one of her school's locations."""
    check_quantity(quantity, field="quantity", maximum=MAX_REFILL_PACKAGES)
    needed_on = check_needed_on(needed_on)
    note = check_text(note, field="note", limit=MAX_NOTE, multiline=True)
    payload = dict(location=location_id, quantity=quantity, needed_on=needed_on, note=note)

    def work(session) -> int:
        location = require_location(location_id)
        # The object-level check lives here too: a school asks only for its own locations.
        if location.kind == LocationKind.STOREROOM or not schools.is_linked(requested_by, location.id):
            raise UnknownRequest(None, field="location_id")
        request = PackRequest(
            kind=RequestKind.REFILL.value,
            channel=Channel.SCHOOL.value,
            location_id=location.id,
            quantity=quantity,
            needed_on=needed_on,
            note=note,
            created_at=now or utcnow(),
            created_by=requested_by,
        )
        session.add(request)
        session.flush()
        # Staff hear that a request came in, in this transaction: a refused one tells no one.
        alert_events.request_received(request.created_at)
        return request.id

    request_id, replayed = idempotency.run("create_refill_request", idempotency_key, payload, work)
    return RequestResult(request_id, replayed=replayed)


def get_request(request_id) -> PackRequest:
    """Load a request by id or raise UnknownRequest (forged ids of any shape included)."""
    request = db.session.get(PackRequest, request_id) if is_row_id(request_id) else None
    if request is None:
        raise UnknownRequest(request_id)
    return request


def _close(request_id: int, from_statuses, **values) -> None:
    """Move a request on only from the given statuses; otherwise say what it already is."""
    # An UPDATE runs on a cursor; Session.execute is only typed to return a Result.
    result = cast(
        "sa.CursorResult[Any]",
        db.session.execute(
            sa.update(PackRequest)
            .where(PackRequest.id == request_id, PackRequest.status.in_(from_statuses))
            .values(**values)
            .execution_options(synchronize_session=False)
        ),
    )
    if result.rowcount != 1:
        status = db.session.scalar(sa.select(PackRequest.status).where(PackRequest.id == request_id))
        if status is None:
            raise UnknownRequest(request_id)
        raise RequestClosed(request_id, status)


def plan_request(request_id: int, *, by: int | None = None, now: datetime | None = None) -> None:
    """Put a school refill on a round (new → planned); planning it again changes nothing."""
    with unit_of_work():
        request = get_request(request_id)
        if request.kind != RequestKind.REFILL:
            raise RequestClosed(request.id, "not_refill")
        if request.status == RequestStatus.PLANNED:
            return
        _close(
            request.id,
            (RequestStatus.NEW.value,),
            status=RequestStatus.PLANNED.value,
            planned_at=now or utcnow(),
        )


def cancel_request(
    request_id: int,
    *,
    reason: str,
    by: int | None = None,
    idempotency_key: str | None,
    now: datetime | None = None,
) -> RequestResult:
    """Cancel an open request with a reason (a school sees it); a fulfilled one cannot be cancelled."""
    reason = check_text(reason, field="reason", limit=MAX_REASON, required=True, multiline=True)

    def work(session) -> int:
        get_request(request_id)
        _close(
            request_id,
            OPEN_STATUSES,
            status=RequestStatus.CANCELLED.value,
            closed_at=now or utcnow(),
            closed_by=by,
            cancel_reason=reason,
        )
        return request_id

    stored, replayed = idempotency.run(
        "cancel_request", idempotency_key, dict(request=request_id, reason=reason), work
    )
    return RequestResult(stored, replayed=replayed)


def fulfil_request(
    request_id: int,
    *,
    by: int | None = None,
    storeroom_id: int | None = None,
    item_id: int | None = None,
    quantity: int | None = None,
    visit_id: int | None = None,
    idempotency_key: str | None,
    now: datetime | None = None,
) -> RequestResult:
    """Fulfil a request in one transaction, once.

    A person's pack leaves the storeroom (mailed / handed over). A school refill is either
    delivered (a transfer storeroom → school) or was brought on a restock visit (`visit_id`:
    the visit already moved the stock; the request only links to it).
    """
    if quantity is not None:
        check_quantity(quantity, field="quantity", maximum=MAX_REFILL_PACKAGES)
    payload = dict(
        request=request_id, storeroom=storeroom_id, item=item_id, quantity=quantity, visit=visit_id
    )

    def work(session) -> int:
        request = get_request(request_id)
        when = now or utcnow()
        if request.kind == RequestKind.REFILL and visit_id is not None:
            visit = db.session.get(RestockVisit, visit_id) if isinstance(visit_id, int) else None
            if visit is None or visit.location_id != request.location_id:
                raise InvalidValue("visit of another location", field="visit_id")
            _close(
                request.id,
                OPEN_STATUSES,
                status=RequestStatus.FULFILLED.value,
                closed_at=when,
                closed_by=by,
                delivery=Delivery.VISIT.value,
                record_id=visit.record_id,
            )
            return request.id
        # The status changes first: on PostgreSQL the row lock makes a concurrent twin wait here.
        _close(request.id, OPEN_STATUSES, status=RequestStatus.FULFILLED.value, closed_at=when, closed_by=by)
        storeroom = (
            require_location(storeroom_id, field="storeroom_id", storeroom=True)
            if storeroom_id is not None
            else default_storeroom()
        )
        if storeroom is None:
            raise InvalidValue("no storeroom", field="storeroom_id")
        item = require_item(item_id) if item_id is not None else placement_item()
        amount = quantity or request.quantity
        if request.kind == RequestKind.REFILL:
            school_location = require_location(request.location_id).id
            # Both balances locked up front, in the one order all stock services use: a restock
            # visit or a transfer between the same places waits here instead of deadlocking.
            lock_levels([(storeroom.id, item.id), (school_location, item.id)])
            record = create_record(
                RecordKind.REQUEST, occurred_at=when, recorded_by=by, location_id=request.location_id
            )
            move(
                record,
                item.id,
                amount,
                kind=MovementKind.TRANSFER,
                from_location_id=storeroom.id,
                to_location_id=school_location,
            )
            delivery: str | None = Delivery.DELIVERY.value
        else:
            # One balance only: its conditional update is all the locking it needs.
            record = create_record(
                RecordKind.REQUEST, occurred_at=when, recorded_by=by, location_id=storeroom.id
            )
            kind = MovementKind.MAILED if request.delivery == Delivery.MAIL else MovementKind.HANDED_OVER
            record_outflow(record, storeroom.id, item.id, amount, kind)
            delivery = request.delivery
        session.execute(
            sa.update(PackRequest)
            .where(PackRequest.id == request.id)
            .values(record_id=record.id, delivery=delivery)
            .execution_options(synchronize_session=False)
        )
        return request.id

    stored, replayed = idempotency.run("fulfil_request", idempotency_key, payload, work)
    record_id = db.session.scalar(sa.select(PackRequest.record_id).where(PackRequest.id == stored))
    return RequestResult(stored, record_id=record_id, replayed=replayed)
