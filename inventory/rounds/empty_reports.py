"""Visitors' empty reports (空っぽ報告): one tap on the support page says a location has no packs.

Nothing about the visitor is stored with a report: a location, a kind (empty or low) and a time.
For the limits, each accepted tap leaves an attempt row for an hour — a keyed hash of the
sender's address (the caller hashes it; the address never reaches this module) and the nonce of
the signed token the page handed out — and is deleted after that:

- one address counts once per location per hour (more taps are thanked and not counted);
- one token is used once (a replay is refused);
- one address sends at most ADDRESS_LIMIT taps an hour, whatever the location (a flood is refused);
- one location counts at most LOCATION_LIMIT reports an hour (more are thanked and not counted).

An open report makes its location urgent on the round plan; a visit that finds packs or adds
some closes every report made before it, in the visit's own transaction (`close_reports`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from inventory.alerts.events import location_reported_empty
from inventory.core.clock import utcnow
from inventory.core.db import db, unit_of_work
from inventory.core.errors import InvalidValue
from inventory.rounds.errors import ReportTokenUsed, TooManyReports
from inventory.rounds.models import EmptyReport, EmptyReportAttempt, ReportKind
from inventory.stock.errors import RetiredLocation, UnknownLocation
from inventory.stock.models import Location, LocationKind

REPORT_WINDOW = timedelta(hours=1)
ADDRESS_LIMIT = 20
LOCATION_LIMIT = 10
_HEX64 = re.compile(r"[0-9a-f]{64}")
_NONCE = re.compile(r"[0-9a-f]{8,32}")


@dataclass(frozen=True)
class ReportResult:
    """What a tap did: counted as a new report (with its id), or thanked and not counted again."""

    location_id: int
    counted: bool
    report_id: int | None


@dataclass(frozen=True)
class OpenReport:
    """A location's open reports: the first one's time, the most urgent kind, how many."""

    location_id: int
    first_reported_at: datetime
    kind: str
    count: int


def report_location(
    location_id: int,
    *,
    kind: str,
    address_key: str,
    token_nonce: str,
    now: datetime | None = None,
) -> ReportResult:
    """Record a visitor's report for an active placement point, within the limits, in one transaction.

    Raises UnknownLocation, RetiredLocation, ReportTokenUsed or TooManyReports; each writes nothing.
    """
    if kind not in {k.value for k in ReportKind}:
        raise InvalidValue("unknown report kind", field="kind")
    if not isinstance(address_key, str) or not _HEX64.fullmatch(address_key):
        raise InvalidValue("address key", field=None)
    if not isinstance(token_nonce, str) or not _NONCE.fullmatch(token_nonce):
        raise InvalidValue("token nonce", field="token")
    now = now or utcnow()
    since = now - REPORT_WINDOW
    try:
        with unit_of_work() as session:
            # Reports of one location queue on its row (PostgreSQL; SQLite's one writer does the
            # same), so two taps from one address at once count once. NO KEY UPDATE: visits and
            # scans that only reference the location are not held up.
            row = session.execute(
                sa.select(Location.kind, Location.active)
                .where(Location.id == location_id)
                .with_for_update(key_share=True)
            ).first()
            if row is None or row.kind == LocationKind.STOREROOM.value:
                raise UnknownLocation(location_id)
            if not row.active:
                raise RetiredLocation(location_id)
            # Attempts older than the window have served their purpose: nothing of them stays.
            session.execute(sa.delete(EmptyReportAttempt).where(EmptyReportAttempt.attempted_at <= since))
            if session.scalar(
                sa.select(EmptyReportAttempt.id).where(EmptyReportAttempt.token_nonce == token_nonce)
            ):
                raise ReportTokenUsed()
            attempts = sa.select(sa.func.count()).select_from(EmptyReportAttempt)
            from_here = EmptyReportAttempt.address_key == address_key
            if session.scalar(attempts.where(from_here)) >= ADDRESS_LIMIT:
                raise TooManyReports(retry_minutes=int(REPORT_WINDOW.total_seconds() // 60))
            seen = session.scalar(attempts.where(from_here, EmptyReportAttempt.location_id == location_id))
            session.add(
                EmptyReportAttempt(
                    location_id=location_id,
                    address_key=address_key,
                    token_nonce=token_nonce,
                    attempted_at=now,
                )
            )
            # A second process using the same token fails here on the UNIQUE nonce, and rolls back.
            session.flush()
            recent = session.scalar(
                sa.select(sa.func.count())
                .select_from(EmptyReport)
                .where(EmptyReport.location_id == location_id, EmptyReport.reported_at > since)
            )
            if seen or recent >= LOCATION_LIMIT:
                return ReportResult(location_id, counted=False, report_id=None)
            report = EmptyReport(location_id=location_id, kind=kind, reported_at=now)
            session.add(report)
            session.flush()
            # The volunteers of the location hear of it (the outbox row commits with the report).
            location_reported_empty(location_id, kind, now)
            return ReportResult(location_id, counted=True, report_id=report.id)
    except IntegrityError as error:
        raise ReportTokenUsed() from error


def close_reports(session, location_id: int, visit_id: int, visited_at: datetime) -> int:
    """Close the location's open reports made up to `visited_at`; for record_visit's transaction.

    Only adds a statement to the caller's transaction. A visit replayed late from a phone closes
    only the reports made before the volunteer was there.
    """
    result = session.execute(
        sa.update(EmptyReport)
        .where(
            EmptyReport.location_id == location_id,
            EmptyReport.closed_at.is_(None),
            EmptyReport.reported_at <= visited_at,
        )
        .values(closed_at=visited_at, closed_by_visit_id=visit_id)
    )
    return result.rowcount or 0


def open_reports(location_id: int | None = None) -> dict[int, OpenReport]:
    """Open reports by location: when the first came, whether any says empty, how many."""
    is_empty = sa.case((EmptyReport.kind == ReportKind.EMPTY.value, 1), else_=0)
    query = (
        sa.select(
            EmptyReport.location_id,
            sa.func.min(EmptyReport.reported_at),
            sa.func.max(is_empty),
            sa.func.count(),
        )
        .where(EmptyReport.closed_at.is_(None))
        .group_by(EmptyReport.location_id)
    )
    if location_id is not None:
        query = query.where(EmptyReport.location_id == location_id)
    return {
        place: OpenReport(
            place, first, ReportKind.EMPTY.value if any_empty else ReportKind.LOW.value, int(count)
        )
        for place, first, any_empty, count in db.session.execute(query)
    }
