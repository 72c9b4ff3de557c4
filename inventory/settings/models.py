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
