"""Tables of the outcome side: consultation tallies, referrals, their destinations, cafe sessions.

Anonymous by construction: a tally row holds a date, a channel, new or continuing, how she heard
of the window and a count; never a name, an age or anything else about a person.
"""

from __future__ import annotations

import enum
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from inventory.core.clock import utcnow
from inventory.core.db import Model, in_check


class Channel(enum.StrEnum):
    """How the contact reached the consultation window."""

    PHONE = "phone"
    LINE = "line"
    EMAIL = "email"
    CAFE = "cafe"
    VISIT = "visit"
    OTHER = "other"


class HeardVia(enum.StrEnum):
    """How she heard of the window: a pack from a location, the QR support page, and others."""

    PACK = "pack"
    QR = "qr"
    SCHOOL = "school"
    CITY_OFFICE = "city_office"
    OTHER = "other"
    UNKNOWN = "unknown"


# Through a pack or a QR the tally names the location; the other ways name none.
HEARD_AT_LOCATION = (HeardVia.PACK.value, HeardVia.QR.value)
MAX_NOTE = 200


class MonthlyTally(Model):
    """One month of a paper tally sheet entered at once; its rows are the tallies it names."""

    __tablename__ = "monthly_tally"

    id: Mapped[int] = mapped_column(primary_key=True)
    month: Mapped[date]  # the first day of the month
    note: Mapped[str] = mapped_column(sa.String(MAX_NOTE), default="")
    recorded_by: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)


class ConsultationTally(Model):
    """`count` contacts on one day, alike in channel, new or continuing and how she heard of us."""

    __tablename__ = "consultation_tally"

    id: Mapped[int] = mapped_column(primary_key=True)
    occurred_on: Mapped[date] = mapped_column(index=True)
    channel: Mapped[str] = mapped_column(sa.String(16))
    is_new: Mapped[bool]
    heard_via: Mapped[str] = mapped_column(sa.String(16))
    heard_location_id: Mapped[int | None] = mapped_column(sa.ForeignKey("location.id"))
    count: Mapped[int] = mapped_column(default=1)
    monthly_tally_id: Mapped[int | None] = mapped_column(sa.ForeignKey("monthly_tally.id"))
    note: Mapped[str] = mapped_column(sa.String(MAX_NOTE), default="")
    recorded_by: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (
        sa.CheckConstraint(in_check("channel", Channel), name="channel_known"),
        sa.CheckConstraint(in_check("heard_via", HeardVia), name="heard_via_known"),
        sa.CheckConstraint("count BETWEEN 1 AND 100000", name="count_range"),
        # A pack names the location it came from; only a pack or a QR may name one.
        sa.CheckConstraint(
            "heard_via <> 'pack' OR heard_location_id IS NOT NULL", name="pack_names_location"
        ),
        sa.CheckConstraint(
            "heard_via IN ('pack', 'qr') OR heard_location_id IS NULL", name="location_only_for_pack_or_qr"
        ),
    )


class ReferralDestination(Model):
    """A service the window refers people to (city counter, medical care, police, legal aid…)."""

    __tablename__ = "referral_destination"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(100), unique=True)
    position: Mapped[int] = mapped_column(default=0)
    active: Mapped[bool] = mapped_column(default=True)


class Referral(Model):
    """`count` referrals to one destination, from one tally or one month of a paper sheet."""

    id: Mapped[int] = mapped_column(primary_key=True)
    occurred_on: Mapped[date] = mapped_column(index=True)
    destination_id: Mapped[int] = mapped_column(sa.ForeignKey("referral_destination.id"))
    count: Mapped[int] = mapped_column(default=1)
    tally_id: Mapped[int | None] = mapped_column(sa.ForeignKey("consultation_tally.id"))
    monthly_tally_id: Mapped[int | None] = mapped_column(sa.ForeignKey("monthly_tally.id"))

    __table_args__ = (sa.CheckConstraint("count BETWEEN 1 AND 100000", name="count_range"),)


class CafeSession(Model):
    """One session of the drop-in cafe (居場所) and its visits (延べ利用者数); nothing about who."""

    __tablename__ = "cafe_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    held_on: Mapped[date] = mapped_column(unique=True)
    visits: Mapped[int] = mapped_column(default=0)
    note: Mapped[str] = mapped_column(sa.String(MAX_NOTE), default="")
    recorded_by: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (sa.CheckConstraint("visits BETWEEN 0 AND 100000", name="visits_range"),)
