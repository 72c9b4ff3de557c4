"""The organisation's settings (one row) and its fiscal-year targets."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from datetime import date

import sqlalchemy as sa

from inventory.core.db import db, unit_of_work
from inventory.core.errors import InvalidValue
from inventory.settings.models import FiscalTarget, OrganisationSettings

OUTPUT, OUTCOME = "output", "outcome"


class TargetMetric(str):
    """A metric's code (a plain str everywhere) that also says whether it is an output or an outcome.

    The Cabinet Office's case reports mark each indicator アウトプット (what the project did) or
    アウトカム (what it led to); the fiscal-year report's KPI table reads the mark from here.
    """

    kind: str

    def __new__(cls, code: str, kind: str = OUTPUT) -> TargetMetric:
        """A metric code with its kind (OUTPUT or OUTCOME)."""
        if kind not in (OUTPUT, OUTCOME):
            raise ValueError(kind)
        metric = super().__new__(cls, code)
        metric.kind = kind
        return metric


def metric_kind(metric: str) -> str:
    """Output or outcome; a plain code without a mark counts as an output."""
    return getattr(metric, "kind", OUTPUT)


# The metrics the city's report compares with targets, in report order.
TARGET_METRICS = (
    TargetMetric("packs_placed", OUTPUT),
    TargetMetric("packs_sent", OUTPUT),
    TargetMetric("placement_locations", OUTPUT),
    TargetMetric("support_page_scans", OUTCOME),
    TargetMetric("availability_percent", OUTPUT),  # days with packs, all locations (e.g. 98)
    TargetMetric("new_consultations", OUTCOME),
    TargetMetric("referrals", OUTCOME),
    TargetMetric("cafe_visits", OUTCOME),
)


LIMITS = {"pads_per_pack": (1, 1000), "retention_days": (1, 3650)}


@dataclass(frozen=True)
class Settings:
    """A plain, detached copy of the settings for views, labels and reports."""

    org_name: str
    project_name: str
    commissioned_by: str
    representative: str
    consultation_phone: str
    hours: str
    office_address: str
    line_contact: str
    email_contact: str
    cafe_text: str
    public_base_url: str
    sender_name: str
    pads_per_pack: int
    retention_days: int


DEFAULTS = Settings(
    org_name="つながりパック",
    project_name="",
    commissioned_by="",
    representative="",
    consultation_phone="0157-57-3190",
    hours="平日 9:00〜17:30",
    office_address="",
    line_contact="",
    email_contact="",
    cafe_text="",
    public_base_url="",
    sender_name="",
    pads_per_pack=20,
    retention_days=30,
)
SETTING_NAMES = tuple(f.name for f in fields(Settings))


def _row() -> OrganisationSettings | None:
    return db.session.scalar(sa.select(OrganisationSettings).order_by(OrganisationSettings.id).limit(1))


def get_settings() -> Settings:
    """Return the current settings (the defaults until an admin saves them)."""
    row = _row()
    if row is None:
        return DEFAULTS
    return Settings(**{name: getattr(row, name) for name in SETTING_NAMES})


def update_settings(**values) -> Settings:
    """Save new settings; numbers are checked against their ranges."""
    unknown = set(values) - set(SETTING_NAMES)
    if unknown:
        raise InvalidValue("unknown setting", field=sorted(unknown)[0])
    for name, (low, high) in LIMITS.items():
        if name in values and not (low <= int(values[name]) <= high):
            raise InvalidValue("out of range", field=name, minimum=low, maximum=high)
    with unit_of_work() as session:
        row = _row()
        if row is None:
            row = OrganisationSettings(**asdict(DEFAULTS))
            session.add(row)
        for name, value in values.items():
            setattr(row, name, value.strip() if isinstance(value, str) else value)
    return get_settings()


def fiscal_year_of(day: date) -> int:
    """Return the fiscal year (年度) a date falls in: April to March, named by its April."""
    return day.year if day.month >= 4 else day.year - 1


def get_targets(fiscal_year: int) -> dict[str, int | None]:
    """Return the targets of a fiscal year by metric (None where none is set)."""
    rows = db.session.scalars(sa.select(FiscalTarget).where(FiscalTarget.fiscal_year == fiscal_year))
    found = {row.metric: row.target for row in rows}
    return {metric: found.get(metric) for metric in TARGET_METRICS}


def set_targets(fiscal_year: int, targets: dict[str, int | None]) -> None:
    """Save the targets of a fiscal year; None removes a target."""
    if not 2000 <= fiscal_year <= 2100:
        raise InvalidValue("fiscal year", field="fiscal_year")
    with unit_of_work() as session:
        for metric in TARGET_METRICS:
            value = targets.get(metric)
            if value is not None and not 0 <= value <= 10**9:
                raise InvalidValue("target", field=metric)
            row = session.scalar(
                sa.select(FiscalTarget).where(
                    FiscalTarget.fiscal_year == fiscal_year, FiscalTarget.metric == metric
                )
            )
            if value is None:
                if row is not None:
                    session.delete(row)
            elif row is None:
                session.add(FiscalTarget(fiscal_year=fiscal_year, metric=metric, target=value))
            else:
                row.target = value
