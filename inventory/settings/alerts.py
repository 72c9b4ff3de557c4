"""The alert settings (one row): the SMTP server, the LINE channel, and when alerts fire.

Secrets never live only in the database: the SMTP password comes from the environment alone,
and the LINE token and secret may come from it too (the environment wins). The settings page
shows whether each is set, never its value.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields, replace

import sqlalchemy as sa

from inventory.core.db import db, unit_of_work
from inventory.core.errors import InvalidValue
from inventory.settings.models import AlertChannelSettings

TLS_MODES = ("none", "starttls", "ssl")
LIMITS = {
    "smtp_port": (1, 65535),
    "predict_days": (0, 30),
    "escalate_after_minutes": (5, 10080),
    "reminder_weekday": (0, 6),
}


@dataclass(frozen=True)
class AlertSettings:
    """A plain copy of the alert settings, with the secrets taken from the environment added."""

    smtp_host: str = ""
    smtp_port: int = 587
    smtp_tls: str = "starttls"
    smtp_user: str = ""
    smtp_sender: str = ""
    line_channel_access_token: str = ""
    line_channel_secret: str = ""
    predict_days: int = 2
    escalate_after_minutes: int = 180
    reminder_weekday: int = 0
    smtp_password: str = ""  # environment only

    @property
    def email_enabled(self) -> bool:
        """Whether e-mail can be sent: a server and a sender address are set."""
        return bool(self.smtp_host and self.smtp_sender)

    @property
    def line_enabled(self) -> bool:
        """Whether LINE messages can be pushed: a channel access token is set."""
        return bool(self.line_channel_access_token)


STORED = tuple(f.name for f in fields(AlertSettings) if f.name != "smtp_password")


def _row() -> AlertChannelSettings | None:
    return db.session.scalar(sa.select(AlertChannelSettings).order_by(AlertChannelSettings.id).limit(1))


def get_alert_settings(environment: dict | None = None) -> AlertSettings:
    """Return the settings; `environment` (the app's config) supplies or overrides the secrets."""
    row = _row()
    settings = AlertSettings(**{name: getattr(row, name) for name in STORED}) if row else AlertSettings()
    environment = environment or {}
    return replace(
        settings,
        smtp_password=str(environment.get("ALERTS_SMTP_PASSWORD") or ""),
        line_channel_access_token=str(
            environment.get("ALERTS_LINE_CHANNEL_ACCESS_TOKEN") or settings.line_channel_access_token
        ),
        line_channel_secret=str(
            environment.get("ALERTS_LINE_CHANNEL_SECRET") or settings.line_channel_secret
        ),
    )


def update_alert_settings(**values) -> None:
    """Save alert settings; an empty token or secret leaves the stored one unless clear_* is given."""
    clear = {
        name
        for name in ("line_channel_access_token", "line_channel_secret")
        if values.pop(f"clear_{name}", False)
    }
    unknown = set(values) - set(STORED)
    if unknown:
        raise InvalidValue("unknown setting", field=sorted(unknown)[0])
    for name, (low, high) in LIMITS.items():
        if name in values and not (isinstance(values[name], int) and low <= values[name] <= high):
            raise InvalidValue("out of range", field=name, minimum=low, maximum=high)
    if "smtp_tls" in values and values["smtp_tls"] not in TLS_MODES:
        raise InvalidValue("unknown TLS mode", field="smtp_tls")
    with unit_of_work() as session:
        row = _row()
        if row is None:
            row = AlertChannelSettings(**{k: v for k, v in asdict(AlertSettings()).items() if k in STORED})
            session.add(row)
        for name, value in values.items():
            value = value.strip() if isinstance(value, str) else value
            if name in ("line_channel_access_token", "line_channel_secret") and not value:
                continue  # a blank secret field means "keep what is set"
            setattr(row, name, value)
        for name in clear:
            setattr(row, name, "")
