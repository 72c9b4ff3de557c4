"""Tables of settings: the organisation's one row of settings, and its fiscal-year targets."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from inventory.core.clock import utcnow
from inventory.core.db import Model


class OrganisationSettings(Model):
    """What the printed kit, the public page and the reports say about the organisation."""

    __tablename__ = "organisation_settings"

    id: Mapped[int] = mapped_column(primary_key=True)
    org_name: Mapped[str] = mapped_column(sa.String(100), default="")
    # The fiscal-year report's header: 事業名, 委託元 and the organisation's representative.
    project_name: Mapped[str] = mapped_column(sa.String(200), default="")
    commissioned_by: Mapped[str] = mapped_column(sa.String(100), default="")
    representative: Mapped[str] = mapped_column(sa.String(100), default="")
    consultation_phone: Mapped[str] = mapped_column(sa.String(30), default="")
    hours: Mapped[str] = mapped_column(sa.String(100), default="")
    # Where a pack is collected ("I will collect it at the office"): the thanks page says it.
    office_address: Mapped[str] = mapped_column(sa.String(200), default="", server_default="")
    line_contact: Mapped[str] = mapped_column(sa.String(100), default="")
    email_contact: Mapped[str] = mapped_column(sa.String(254), default="")
    cafe_text: Mapped[str] = mapped_column(sa.String(300), default="")
    public_base_url: Mapped[str] = mapped_column(sa.String(200), default="")
    sender_name: Mapped[str] = mapped_column(sa.String(100), default="")
    pads_per_pack: Mapped[int] = mapped_column(default=20)
    retention_days: Mapped[int] = mapped_column(default=30)
    updated_at: Mapped[datetime | None] = mapped_column(default=utcnow, onupdate=utcnow)

    __table_args__ = (
        sa.CheckConstraint("pads_per_pack BETWEEN 1 AND 1000", name="pads_per_pack_range"),
        sa.CheckConstraint("retention_days BETWEEN 1 AND 3650", name="retention_days_range"),
    )


class FiscalTarget(Model):
    """A target (目標値) for one metric in one fiscal year, reported against the actual figure."""

    id: Mapped[int] = mapped_column(primary_key=True)
    fiscal_year: Mapped[int]
    metric: Mapped[str] = mapped_column(sa.String(32))
    target: Mapped[int]

    __table_args__ = (
        sa.UniqueConstraint("fiscal_year", "metric", name="uq_fiscal_target_year_metric"),
        sa.CheckConstraint("target >= 0", name="target_not_negative"),
    )


class AlertChannelSettings(Model):
    """How alerts leave: the SMTP server, the LINE channel, and when alerts fire.

    The SMTP password is never stored here: it comes from the environment only.
    """

    __tablename__ = "alert_channel_settings"

    id: Mapped[int] = mapped_column(primary_key=True)
    smtp_host: Mapped[str] = mapped_column(sa.String(200), default="")
    smtp_port: Mapped[int] = mapped_column(default=587)
    smtp_tls: Mapped[str] = mapped_column(sa.String(8), default="starttls")
    smtp_user: Mapped[str] = mapped_column(sa.String(200), default="")
    smtp_sender: Mapped[str] = mapped_column(sa.String(254), default="")
    line_channel_access_token: Mapped[str] = mapped_column(sa.String(500), default="")
    line_channel_secret: Mapped[str] = mapped_column(sa.String(100), default="")
    predict_days: Mapped[int] = mapped_column(default=2)
    escalate_after_minutes: Mapped[int] = mapped_column(default=180)
    reminder_weekday: Mapped[int] = mapped_column(default=0)
    updated_at: Mapped[datetime | None] = mapped_column(default=utcnow, onupdate=utcnow)

    __table_args__ = (
        sa.CheckConstraint("smtp_port BETWEEN 1 AND 65535", name="smtp_port_range"),
        sa.CheckConstraint("smtp_tls IN ('none', 'starttls', 'ssl')", name="smtp_tls_known"),
        sa.CheckConstraint("predict_days BETWEEN 0 AND 30", name="predict_days_range"),
        sa.CheckConstraint("escalate_after_minutes BETWEEN 5 AND 10080", name="escalate_after_range"),
        sa.CheckConstraint("reminder_weekday BETWEEN 0 AND 6", name="reminder_weekday_range"),
    )
