"""Tables of restock rounds: visits to placement points, and anonymous support-page scan counts."""

from __future__ import annotations

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
