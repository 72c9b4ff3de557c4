"""Tables of restock rounds: visits, anonymous support-page scan counts, visitors' empty reports."""

from __future__ import annotations

import enum
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from inventory.core.db import Model


class SupportPageScan(Model):
    """How often the support page of a location was opened on a day; nothing about who."""

    id: Mapped[int] = mapped_column(primary_key=True)
    location_id: Mapped[int] = mapped_column(sa.ForeignKey("location.id"))
    scanned_on: Mapped[date]
    count: Mapped[int] = mapped_column(default=0)

    __table_args__ = (
        sa.UniqueConstraint("location_id", "scanned_on", name="uq_support_page_scan_location_day"),
        sa.CheckConstraint("count >= 0", name="count_not_negative"),
    )


class RestockVisit(Model):
    """What a volunteer saw and did at a location; its stock effects are its record's movements."""

    __tablename__ = "restock_visit"

    id: Mapped[int] = mapped_column(primary_key=True)
    record_id: Mapped[int] = mapped_column(sa.ForeignKey("stock_record.id"), unique=True)
    location_id: Mapped[int] = mapped_column(sa.ForeignKey("location.id"))
    storeroom_id: Mapped[int | None] = mapped_column(sa.ForeignKey("location.id"))
    item_id: Mapped[int] = mapped_column(sa.ForeignKey("item.id"))
    visited_at: Mapped[datetime]
    visitor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    expected: Mapped[int]
    counted: Mapped[int]
    added: Mapped[int]
    # Packages the volunteer added that the storeroom's records could not cover.
    added_unrecorded: Mapped[int] = mapped_column(default=0)
    flags: Mapped[str] = mapped_column(sa.String(100), default="")
    note: Mapped[str] = mapped_column(sa.String(500), default="")

    __table_args__ = (
        sa.Index("ix_restock_visit_location_visited_at", "location_id", "visited_at"),
        sa.CheckConstraint(
            "expected >= 0 AND counted >= 0 AND added >= 0 AND added_unrecorded >= 0", name="not_negative"
        ),
    )


class ReportKind(enum.StrEnum):
    """What a visitor tapped on the support page."""

    EMPTY = "empty"  # ここのパックがなくなっています
    LOW = "low"  # 残りわずかです


class EmptyReport(Model):
    """A visitor's one tap: the packs at a location ran out (or are running low). Nothing about who.

    Open until a visit that finds packs or adds some closes it (`closed_at`, `closed_by_visit_id`).
    """

    __tablename__ = "empty_report"

    id: Mapped[int] = mapped_column(primary_key=True)
    location_id: Mapped[int] = mapped_column(sa.ForeignKey("location.id"))
    kind: Mapped[str] = mapped_column(sa.String(8))
    reported_at: Mapped[datetime]
    closed_at: Mapped[datetime | None]
    closed_by_visit_id: Mapped[int | None] = mapped_column(sa.ForeignKey("restock_visit.id"))

    __table_args__ = (
        sa.Index("ix_empty_report_location_closed_at", "location_id", "closed_at"),
        sa.Index("ix_empty_report_reported_at", "reported_at"),
        sa.CheckConstraint(sa.column("kind").in_([k.value for k in ReportKind]), name="kind_known"),
    )


class EmptyReportAttempt(Model):
    """One accepted tap, kept for an hour for the limits and then deleted.

    Only a keyed hash of the sender's address (never the address) and the nonce of the signed
    token the page handed out, so one token is used once.
    """

    __tablename__ = "empty_report_attempt"

    id: Mapped[int] = mapped_column(primary_key=True)
    location_id: Mapped[int] = mapped_column(sa.ForeignKey("location.id"))
    address_key: Mapped[str] = mapped_column(sa.String(64))
    token_nonce: Mapped[str] = mapped_column(sa.String(32), unique=True)
    attempted_at: Mapped[datetime]

    __table_args__ = (
        sa.Index("ix_empty_report_attempt_key_at", "address_key", "attempted_at"),
        sa.Index("ix_empty_report_attempt_location_at", "location_id", "attempted_at"),
        sa.Index("ix_empty_report_attempt_attempted_at", "attempted_at"),
    )
