"""Requests (依頼): a school asking for a refill, or a person asking for a pack (mailed or handed over).

The request row keeps only what reports need: when, through which channel, how it is delivered,
how many, its status and the location it concerns. The name and address a mailing needs live
apart (personal_data) and are deleted on schedule (retention). The status moves by conditional
updates (`… WHERE status IN ('new', 'planned')`), so two clicks or two staff members can never
fulfil or cancel one request twice; fulfilling moves stock in the same transaction.
"""
from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from . import idempotency, personal_data, schools
from .catalog import LocationKind, get_location, require_item, require_location
from .db import db, in_check, is_row_id, unit_of_work, utcnow
from .errors import Conflict, InvalidValue, NotFound
from .ledger import MovementKind, RecordKind, create_record, move, record_outflow
from .stock_errors import InvalidDate
from .stock_input import check_quantity, local_today
from .visits import RestockVisit, default_storeroom, placement_item

MAX_PACKS_PER_PERSON = 10
MAX_REFILL_PACKAGES = 500
MAX_NOTE = 300
MAX_REASON = 200
NEEDED_WITHIN = timedelta(days=366)


class RequestKind(enum.StrEnum):
    """Who asks: a school for its toilets, or one person for herself."""

    REFILL = "refill"
    INDIVIDUAL = "individual"


class RequestStatus(enum.StrEnum):
    """new → planned (school refills, put on a round) → fulfilled, or cancelled with a reason."""

    NEW = "new"
    PLANNED = "planned"
    FULFILLED = "fulfilled"
    CANCELLED = "cancelled"


OPEN_STATUSES = (RequestStatus.NEW.value, RequestStatus.PLANNED.value)
CLOSED_STATUSES = (RequestStatus.FULFILLED.value, RequestStatus.CANCELLED.value)


class Channel(enum.StrEnum):
    """How the request reached the office."""

    PHONE = "phone"
    LINE = "line"
    EMAIL = "email"
    WEB = "web"
    CAFE = "cafe"
    IN_PERSON = "in_person"
    SCHOOL = "school"  # a school contact's refill form


class Delivery(enum.StrEnum):
    """How a pack reaches a person, or how a school refill was brought."""

    MAIL = "mail"
    OFFICE = "office"  # handed over at the office
    CAFE = "cafe"  # handed over at the drop-in cafe
    PICKUP = "pickup"  # picked up at an agreed place
    VISIT = "visit"  # school refill: brought on a restock visit
    DELIVERY = "delivery"  # school refill: delivered from the storeroom


PERSON_DELIVERIES = (Delivery.MAIL, Delivery.OFFICE, Delivery.CAFE, Delivery.PICKUP)
PERSON_CHANNELS = tuple(c for c in Channel if c != Channel.SCHOOL)


class PackRequest(db.Model):
    """One request; nothing here says who the person is (see RequestPersonalData)."""

    __tablename__ = "pack_request"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(12))
    status: Mapped[str] = mapped_column(sa.String(12), default=RequestStatus.NEW.value)
    channel: Mapped[str] = mapped_column(sa.String(12))
    # Individuals: how it is delivered. Refills: how it was brought, once fulfilled.
    delivery: Mapped[str | None] = mapped_column(sa.String(12))
    # Refills: the school. Individuals: the QR page the request was sent from, if any.
    location_id: Mapped[int | None] = mapped_column(sa.ForeignKey("location.id"))
    quantity: Mapped[int]
    needed_on: Mapped[date | None]
    # The school's note; a person's request has none (nothing about her beyond delivery).
    note: Mapped[str] = mapped_column(sa.String(MAX_NOTE), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    planned_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    closed_by: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    cancel_reason: Mapped[str] = mapped_column(sa.String(MAX_REASON), default="")
    # The stock record that fulfilled it: a request record, or the restock visit's record.
    record_id: Mapped[int | None] = mapped_column(sa.ForeignKey("stock_record.id"))
    personal_data_purged_at: Mapped[datetime | None]

    __table_args__ = (
        sa.CheckConstraint(in_check("kind", RequestKind), name="kind_known"),
        sa.CheckConstraint(in_check("status", RequestStatus), name="status_known"),
        sa.CheckConstraint(in_check("channel", Channel), name="channel_known"),
        sa.CheckConstraint("delivery IS NULL OR " + in_check("delivery", Delivery), name="delivery_known"),
        sa.CheckConstraint(f"quantity BETWEEN 1 AND {MAX_REFILL_PACKAGES}", name="quantity_range"),
        sa.CheckConstraint(f"({in_check('status', CLOSED_STATUSES)}) = (closed_at IS NOT NULL)",
                           name="closed_has_time"),
        sa.CheckConstraint("kind = 'refill' OR delivery IS NOT NULL", name="person_has_delivery"),
        sa.Index("ix_pack_request_status_created_at", "status", "created_at"),
        sa.Index("ix_pack_request_location_created_at", "location_id", "created_at"),
    )

    @property
    def is_open(self) -> bool:
        """Whether the request still waits for its pack."""
        return self.status in OPEN_STATUSES


# ---- errors --------------------------------------------------------------------------------

class UnknownRequest(NotFound):
    """No request with this id (or not one the caller may see)."""

    def __init__(self, request_id, *, field: str | None = None):
        super().__init__("unknown request", field=field, request=request_id)
        self.request_id = request_id


class RequestClosed(Conflict):
    """The request is already fulfilled or cancelled (or cannot take this step); `status` says which."""

    def __init__(self, request_id: int, status: str, *, field: str | None = None):
        super().__init__("request closed: " + status, field=field, request=request_id, status=status)
        self.request_id, self.status = request_id, status


@dataclass(frozen=True)
class RequestResult:
    """What a request service recorded: the request, its stock record (if any), whether a replay."""

    request_id: int
    record_id: int | None = None
    replayed: bool = False


# ---- checks --------------------------------------------------------------------------------

def _choice(value, allowed, field: str) -> str:
    if value not in {str(v) for v in allowed}:
        raise InvalidValue("unknown choice", field=field)
    return str(value)


def clean_text(value: str | None, *, field: str, limit: int, required: bool = False) -> str:
    """Trim free text; refuse it when missing (if required) or longer than `limit`."""
    value = (value or "").strip()
    if required and not value:
        raise InvalidValue("required", field=field)
    if len(value) > limit:
        raise InvalidValue("too long", field=field, maximum=limit)
    personal_data.check_characters(value, field=field, multiline=True)
    return value


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


# ---- creating ------------------------------------------------------------------------------

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
        return dict(quantity=self.quantity, delivery=self.delivery, channel=self.channel,
                    location=self.location_id, mail=self.personal is not None)


def check_individual(*, quantity, delivery, channel, location_id=None, recipient_name=None,
                     postal_code=None, address=None, address2=None,
                     max_quantity: int = MAX_PACKS_PER_PERSON) -> IndividualInput:
    """Check a person's request; a hand-over keeps no personal data even if some was typed."""
    check_quantity(quantity, field="quantity", maximum=max_quantity)
    delivery = _choice(delivery, PERSON_DELIVERIES, "delivery")
    channel = _choice(channel, PERSON_CHANNELS, "channel")
    personal = None
    if delivery == Delivery.MAIL:
        personal = personal_data.check_personal(recipient_name=recipient_name, postal_code=postal_code,
                                                address=address, address2=address2)
    return IndividualInput(quantity, delivery, channel, location_id, personal)


def add_individual(session, checked: IndividualInput, *, created_by: int | None,
                   now: datetime | None = None) -> PackRequest:
    """Add a checked request and its personal data (inside the caller's unit of work)."""
    location_id = None
    if checked.location_id is not None:
        # A retired toilet's QR still leads people to ask: keep the link whatever its state.
        location_id = get_location(checked.location_id).id
    request = PackRequest(kind=RequestKind.INDIVIDUAL.value, channel=checked.channel,
                          delivery=checked.delivery, location_id=location_id,
                          quantity=checked.quantity, created_at=now or utcnow(), created_by=created_by)
    session.add(request)
    session.flush()
    if checked.personal is not None:
        personal_data.add_personal(session, request.id, checked.personal)
    return request


def create_individual_request(*, quantity, delivery, channel, location_id=None, recipient_name=None,
                              postal_code=None, address=None, address2=None,
                              recorded_by: int | None = None, idempotency_key: str | None,
                              now: datetime | None = None) -> RequestResult:
    """Record a person's request that came by phone, LINE, e-mail, the cafe or in person."""
    checked = check_individual(quantity=quantity, delivery=delivery, channel=channel,
                               location_id=location_id, recipient_name=recipient_name,
                               postal_code=postal_code, address=address, address2=address2)
    request_id, replayed = idempotency.run(
        "create_individual_request", idempotency_key, checked.fingerprint_payload(),
        lambda session: add_individual(session, checked, created_by=recorded_by, now=now).id)
    return RequestResult(request_id, replayed=replayed)


def create_refill_request(location_id: int, *, quantity, needed_on: date | None = None, note: str = "",
                          requested_by: int, idempotency_key: str | None,
                          now: datetime | None = None) -> RequestResult:
    """A school contact asks for a refill of one of her school's locations."""
    check_quantity(quantity, field="quantity", maximum=MAX_REFILL_PACKAGES)
    needed_on = check_needed_on(needed_on)
    note = clean_text(note, field="note", limit=MAX_NOTE)
    payload = dict(location=location_id, quantity=quantity, needed_on=needed_on, note=note)

    def work(session) -> int:
        location = require_location(location_id)
        # The object-level check lives here too: a school asks only for its own locations.
        if location.kind == LocationKind.STOREROOM or not schools.is_linked(requested_by, location.id):
            raise UnknownRequest(None, field="location_id")
        request = PackRequest(kind=RequestKind.REFILL.value, channel=Channel.SCHOOL.value,
                              location_id=location.id, quantity=quantity, needed_on=needed_on,
                              note=note, created_at=now or utcnow(), created_by=requested_by)
        session.add(request)
        session.flush()
        return request.id

    request_id, replayed = idempotency.run("create_refill_request", idempotency_key, payload, work)
    return RequestResult(request_id, replayed=replayed)


# ---- the steps of the queue -----------------------------------------------------------------

def get_request(request_id) -> PackRequest:
    """Load a request by id or raise UnknownRequest (forged ids of any shape included)."""
    request = db.session.get(PackRequest, request_id) if is_row_id(request_id) else None
    if request is None:
        raise UnknownRequest(request_id)
    return request


def _close(request_id: int, from_statuses, **values) -> None:
    """Move a request on only from the given statuses; otherwise say what it already is."""
    result = db.session.execute(
        sa.update(PackRequest).where(PackRequest.id == request_id, PackRequest.status.in_(from_statuses))
        .values(**values).execution_options(synchronize_session=False))
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
        _close(request.id, (RequestStatus.NEW.value,), status=RequestStatus.PLANNED.value,
               planned_at=now or utcnow())


def cancel_request(request_id: int, *, reason: str, by: int | None = None,
                   idempotency_key: str | None, now: datetime | None = None) -> RequestResult:
    """Cancel an open request with a reason (a school sees it); a fulfilled one cannot be cancelled."""
    reason = clean_text(reason, field="reason", limit=MAX_REASON, required=True)

    def work(session) -> int:
        get_request(request_id)
        _close(request_id, OPEN_STATUSES, status=RequestStatus.CANCELLED.value,
               closed_at=now or utcnow(), closed_by=by, cancel_reason=reason)
        return request_id

    stored, replayed = idempotency.run("cancel_request", idempotency_key,
                                       dict(request=request_id, reason=reason), work)
    return RequestResult(stored, replayed=replayed)


def fulfil_request(request_id: int, *, by: int | None = None, storeroom_id: int | None = None,
                   item_id: int | None = None, quantity: int | None = None, visit_id: int | None = None,
                   idempotency_key: str | None, now: datetime | None = None) -> RequestResult:
    """Fulfil a request in one transaction, once.

    A person's pack leaves the storeroom (mailed / handed over). A school refill is either
    delivered (a transfer storeroom → school) or was brought on a restock visit (`visit_id`:
    the visit already moved the stock; the request only links to it).
    """
    if quantity is not None:
        check_quantity(quantity, field="quantity", maximum=MAX_REFILL_PACKAGES)
    payload = dict(request=request_id, storeroom=storeroom_id, item=item_id, quantity=quantity,
                   visit=visit_id)

    def work(session) -> int:
        request = get_request(request_id)
        when = now or utcnow()
        if request.kind == RequestKind.REFILL and visit_id is not None:
            visit = db.session.get(RestockVisit, visit_id) if isinstance(visit_id, int) else None
            if visit is None or visit.location_id != request.location_id:
                raise InvalidValue("visit of another location", field="visit_id")
            _close(request.id, OPEN_STATUSES, status=RequestStatus.FULFILLED.value, closed_at=when,
                   closed_by=by, delivery=Delivery.VISIT.value, record_id=visit.record_id)
            return request.id
        # The status changes first: on PostgreSQL the row lock makes a concurrent twin wait here.
        _close(request.id, OPEN_STATUSES, status=RequestStatus.FULFILLED.value, closed_at=when,
               closed_by=by)
        storeroom = (require_location(storeroom_id, field="storeroom_id", storeroom=True)
                     if storeroom_id is not None else default_storeroom())
        if storeroom is None:
            raise InvalidValue("no storeroom", field="storeroom_id")
        item = require_item(item_id) if item_id is not None else placement_item()
        amount = quantity or request.quantity
        if request.kind == RequestKind.REFILL:
            record = create_record(RecordKind.REQUEST, occurred_at=when, recorded_by=by,
                                   location_id=request.location_id)
            move(record, item.id, amount, kind=MovementKind.TRANSFER, from_location_id=storeroom.id,
                 to_location_id=require_location(request.location_id).id)
            delivery = Delivery.DELIVERY.value
        else:
            record = create_record(RecordKind.REQUEST, occurred_at=when, recorded_by=by,
                                   location_id=storeroom.id)
            kind = MovementKind.MAILED if request.delivery == Delivery.MAIL else MovementKind.HANDED_OVER
            record_outflow(record, storeroom.id, item.id, amount, kind)
            delivery = request.delivery
        session.execute(sa.update(PackRequest).where(PackRequest.id == request.id)
                        .values(record_id=record.id, delivery=delivery)
                        .execution_options(synchronize_session=False))
        return request.id

    stored, replayed = idempotency.run("fulfil_request", idempotency_key, payload, work)
    record_id = db.session.scalar(sa.select(PackRequest.record_id).where(PackRequest.id == stored))
    return RequestResult(stored, record_id=record_id, replayed=replayed)
