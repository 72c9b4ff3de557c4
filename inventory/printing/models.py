"""Tables of the print kit: label batches (who printed what, for which location)."""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

import labels
from inventory.core.clock import utcnow
from inventory.core.db import Model

MAX_NOTE = 200


class Product(enum.StrEnum):
    """What a batch prints."""

    PACKAGE_LABEL = "package_label"
    LEAFLET_CARD = "leaflet_card"
    PLACARD = "placard"


class LabelBatch(Model):
    """One print job as it was asked for; reprinting renders it again from these values."""

    __tablename__ = "label_batch"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    created_by: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    product: Mapped[str] = mapped_column(sa.String(20))
    # None: the general support page (/support) instead of a location's page.
    location_id: Mapped[int | None] = mapped_column(sa.ForeignKey("location.id"))
    assembly_record_id: Mapped[int | None] = mapped_column(sa.ForeignKey("stock_record.id"))
    layout: Mapped[str] = mapped_column(sa.String(20))
    # The measures of a custom layout as JSON (layout = "custom"), else None.
    layout_spec: Mapped[str | None] = mapped_column(sa.String(400))
    count: Mapped[int]
    skip: Mapped[int] = mapped_column(default=0)
    # Tenths of a millimetre: exact on both databases, and finer than any printer drifts.
    offset_x_tenths: Mapped[int] = mapped_column(default=0)
    offset_y_tenths: Mapped[int] = mapped_column(default=0)
    note: Mapped[str] = mapped_column(sa.String(MAX_NOTE), default="")

    __table_args__ = (
        sa.CheckConstraint(sa.column("product").in_([p.value for p in Product]), name="product_known"),
        sa.CheckConstraint(f"count BETWEEN 1 AND {labels.MAX_LABELS}", name="count_range"),
        sa.CheckConstraint("skip >= 0", name="skip_not_negative"),
        sa.CheckConstraint("product <> 'placard' OR location_id IS NOT NULL", name="placard_has_location"),
    )
