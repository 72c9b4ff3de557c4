"""The outcome actuals of a period, for the targets table of the fiscal-year report."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from inventory.core.db import db
from inventory.outcomes.models import CafeSession, ConsultationTally, Referral


def outcome_actuals(first: date, last: date) -> dict[str, int]:
    """New consultations (新規), referrals and cafe visits on the days [first, last]."""
    new = db.session.scalar(
        sa.select(sa.func.coalesce(sa.func.sum(ConsultationTally.count), 0)).where(
            ConsultationTally.occurred_on.between(first, last), ConsultationTally.is_new.is_(True)
        )
    )
    referrals = db.session.scalar(
        sa.select(sa.func.coalesce(sa.func.sum(Referral.count), 0)).where(
            Referral.occurred_on.between(first, last)
        )
    )
    visits = db.session.scalar(
        sa.select(sa.func.coalesce(sa.func.sum(CafeSession.visits), 0)).where(
            CafeSession.held_on.between(first, last)
        )
    )
    return {
        "new_consultations": int(new or 0),
        "referrals": int(referrals or 0),
        "cafe_visits": int(visits or 0),
    }
