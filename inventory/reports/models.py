"""Tables of the fiscal-year report: closed years (確定) with their snapshot, the log, the notes."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from inventory.core.clock import utcnow
from inventory.core.db import Model


class FiscalYearClosing(Model):
    """A closed fiscal year: the report as filed, kept as it was (one row per closed year)."""

    __tablename__ = "fiscal_year_closing"

    fiscal_year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    closed_at: Mapped[datetime] = mapped_column(default=utcnow)
    closed_by: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    # The report document (header and tables) as JSON text: the page, the CSV and the PDF of a
    # closed year are drawn from it, so nothing recorded or renamed later can change them.
    snapshot: Mapped[str] = mapped_column(sa.Text)

    __table_args__ = (sa.CheckConstraint("fiscal_year BETWEEN 2000 AND 2100", name="year_range"),)


class FiscalYearEvent(Model):
    """The log of closing and reopening fiscal years: who, when, why. Never updated or deleted."""

    __tablename__ = "fiscal_year_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    fiscal_year: Mapped[int] = mapped_column(index=True)
    action: Mapped[str] = mapped_column(sa.String(10))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    by: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    reason: Mapped[str] = mapped_column(sa.String(500), default="")

    __table_args__ = (sa.CheckConstraint("action IN ('close', 'reopen')", name="action_known"),)


class FiscalYearNote(Model):
    """The notes (特記事項) an admin writes for one fiscal year's report."""

    __tablename__ = "fiscal_year_note"

    fiscal_year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    text: Mapped[str] = mapped_column(sa.Text, default="")
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_by: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
