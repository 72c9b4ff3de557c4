"""Tables of requests: the request, its personal data kept apart, who read it, school links, form limits."""

from __future__ import annotations

import enum
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from inventory.core.clock import utcnow
from inventory.core.db import Model, in_check

MAX_NAME = 50
MAX_ADDRESS = 120
MAX_ADDRESS2 = 80


class AccessAction:
    """What a staff member did with personal data."""

    VIEW = "view"
    ADDRESS_LABEL = "address_label"
    ALL = (VIEW, ADDRESS_LABEL)


class RequestPersonalData(Model):
    """The recipient of a mailed pack: a name (a pseudonym is fine), postal code and address."""

    __tablename__ = "request_personal_data"

    # One row per request; deleting it is the purge, the request row stays.
    request_id: Mapped[int] = mapped_column(
        sa.ForeignKey("pack_request.id", ondelete="CASCADE"), primary_key=True
    )
    recipient_name: Mapped[str] = mapped_column(sa.String(MAX_NAME))
    postal_code: Mapped[str] = mapped_column(sa.String(8))
    address: Mapped[str] = mapped_column(sa.String(MAX_ADDRESS))
    address2: Mapped[str] = mapped_column(sa.String(MAX_ADDRESS2), default="")


class PersonalDataAccess(Model):
    """One look at a request's personal data: who, when, which request, what for. No data itself."""

    __tablename__ = "personal_data_access"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(sa.ForeignKey("pack_request.id"), index=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"))
    action: Mapped[str] = mapped_column(sa.String(16))
    accessed_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)

    __table_args__ = (sa.CheckConstraint(sa.column("action").in_(AccessAction.ALL), name="action_known"),)


class PublicRequestAttempt(Model):
    """One request accepted from the public form: a keyed hash of the sender's address and when."""

    __tablename__ = "public_request_attempt"

    id: Mapped[int] = mapped_column(primary_key=True)
    address_key: Mapped[str] = mapped_column(sa.String(64))
    attempted_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (sa.Index("ix_public_request_attempt_key_at", "address_key", "attempted_at"),)


MAX_REFILL_PACKAGES = 500
MAX_NOTE = 300
MAX_REASON = 200


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


class PackRequest(Model):
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
        sa.CheckConstraint(
            f"({in_check('status', CLOSED_STATUSES)}) = (closed_at IS NOT NULL)", name="closed_has_time"
        ),
        sa.CheckConstraint("kind = 'refill' OR delivery IS NOT NULL", name="person_has_delivery"),
        sa.Index("ix_pack_request_status_created_at", "status", "created_at"),
        sa.Index("ix_pack_request_location_created_at", "location_id", "created_at"),
    )

    @property
    def is_open(self) -> bool:
        """Whether the request still waits for its pack."""
        return self.status in OPEN_STATUSES


class SchoolLink(Model):
    """A school user linked to one of the school's placement points."""

    __tablename__ = "school_link"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"))
    location_id: Mapped[int] = mapped_column(sa.ForeignKey("location.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (sa.UniqueConstraint("user_id", "location_id", name="uq_school_link_user_location"),)
