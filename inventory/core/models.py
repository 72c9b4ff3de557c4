"""Tables every part shares: used one-time keys, and once-a-day tasks claimed across processes."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from inventory.core.clock import utcnow
from inventory.core.db import Model

# The one place the bounds of a one-time key are written: forms, the API and its schema use them.
MIN_KEY_LENGTH = 8
MAX_KEY_LENGTH = 100


class IdempotencyKey(Model):
    """A used key: which action it recorded, a hash of what was submitted, and the result's id."""

    __tablename__ = "idempotency_key"

    key: Mapped[str] = mapped_column(sa.String(MAX_KEY_LENGTH), primary_key=True)
    action: Mapped[str] = mapped_column(sa.String(40))
    fingerprint: Mapped[str] = mapped_column(sa.String(64))
    result_id: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class DailyTask(Model):
    """The last day a once-a-day task ran, shared by every app process."""

    __tablename__ = "daily_task"

    name: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    last_run_on: Mapped[date | None]
