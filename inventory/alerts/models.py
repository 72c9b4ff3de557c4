"""Tables of alerts: who looks after a location, per-user switches, LINE links, and the outbox."""

from __future__ import annotations

import enum
import uuid
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from inventory.core.clock import utcnow
from inventory.core.db import Model, in_check


class AlertKind(enum.StrEnum):
    """What an alert is about; each one can be switched off per user."""

    LOCATION_EMPTY = "location_empty"  # reported empty (or low) by a visitor
    PREDICTED_EMPTY = "predicted_empty"  # predicted empty within N days, nothing planned
    ESCALATION = "escalation"  # nobody acted on one of the two above in time: to staff
    NEW_REQUEST = "new_request"  # a request from the public form or a school: to staff
    WEEKLY_ROUND = "weekly_round"  # the locations due this week: to their volunteers


class Channel(enum.StrEnum):
    """How an alert reaches a person."""

    EMAIL = "email"
    LINE = "line"


class DeliveryStatus(enum.StrEnum):
    """Where one delivery (one alert, one person, one channel) stands."""

    PENDING = "pending"  # waiting for its first try
    RETRYING = "retrying"  # a try failed for a passing reason; next_attempt_at says when again
    SENDING = "sending"  # claimed by a sender; never claimed again automatically (at most once)
    SENT = "sent"
    FAILED = "failed"  # given up: refused for good, or too many tries


class LocationVolunteer(Model):
    """A volunteer who looks after a location and hears when it needs a visit."""

    __tablename__ = "location_volunteer"

    location_id: Mapped[int] = mapped_column(sa.ForeignKey("location.id"), primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"), primary_key=True, index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class AlertPreference(Model):
    """A user's switch for one kind of alert (no row: on)."""

    __tablename__ = "alert_preference"

    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"), primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(24), primary_key=True)
    enabled: Mapped[bool] = mapped_column(default=True)

    __table_args__ = (sa.CheckConstraint(in_check("kind", AlertKind), name="kind_known"),)


class LineLink(Model):
    """A user's LINE account: a pending one-time code (only its hash), then the linked userId."""

    __tablename__ = "line_link"

    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"), primary_key=True)
    code_hash: Mapped[str | None] = mapped_column(sa.String(64), unique=True)
    code_expires_at: Mapped[datetime | None]
    line_user_id: Mapped[str | None] = mapped_column(sa.String(64), unique=True)
    linked_at: Mapped[datetime | None]
    # Set when LINE says the user blocked the account (an unfollow event): nothing is pushed.
    blocked_at: Mapped[datetime | None]


class Alert(Model):
    """Something a person should hear about; its deliveries are the outbox rows."""

    __tablename__ = "alert"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(24))
    location_id: Mapped[int | None] = mapped_column(sa.ForeignKey("location.id"), index=True)
    # What the message says beyond its kind: "empty"/"low", a number of days, a list of codes.
    # Never a name, an address or a quantity someone asked for.
    detail: Mapped[str] = mapped_column(sa.String(500), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Staff hear about it at this time unless someone acted (a visit) first.
    escalate_at: Mapped[datetime | None]
    escalated_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]

    __table_args__ = (
        sa.CheckConstraint(in_check("kind", AlertKind), name="kind_known"),
        sa.Index("ix_alert_open_escalation", "escalate_at", "escalated_at", "closed_at"),
    )


class AlertDelivery(Model):
    """One outbox row: one alert to one person on one channel, sent at most once."""

    __tablename__ = "alert_delivery"

    id: Mapped[int] = mapped_column(primary_key=True)
    alert_id: Mapped[int] = mapped_column(sa.ForeignKey("alert.id"))
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"), index=True)
    channel: Mapped[str] = mapped_column(sa.String(8))
    status: Mapped[str] = mapped_column(sa.String(10), default=DeliveryStatus.PENDING.value)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Sent with a LINE push (X-Line-Retry-Key): LINE drops a repeat of a push it already took.
    retry_key: Mapped[str] = mapped_column(sa.String(36), default=lambda: str(uuid.uuid4()))
    claim_token: Mapped[str | None] = mapped_column(sa.String(32))
    claimed_at: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]
    # A short reason for the admin (an SMTP code, an HTTP status): never the message or an address.
    last_error: Mapped[str] = mapped_column(sa.String(200), default="")

    __table_args__ = (
        sa.UniqueConstraint("alert_id", "user_id", "channel", name="uq_alert_delivery_once"),
        sa.CheckConstraint(in_check("channel", Channel), name="channel_known"),
        sa.CheckConstraint(in_check("status", DeliveryStatus), name="status_known"),
        sa.CheckConstraint("attempts >= 0", name="attempts_not_negative"),
        sa.Index("ix_alert_delivery_due", "status", "next_attempt_at"),
    )


class AlertRun(Model):
    """When a sender last started, shared by every app process (the in-process trigger's claim)."""

    __tablename__ = "alert_run"

    name: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    last_started_at: Mapped[datetime | None]
