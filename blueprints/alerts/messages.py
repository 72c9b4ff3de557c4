"""The text of each alert, in the recipient's language.

Only the kind, a location's name and code, and a number of days go in: never a name, an
address, or what a woman asked for (a new request says only that there is one).
"""

from __future__ import annotations

from flask_babel import force_locale
from flask_babel import gettext as _

from inventory.alerts.outbox import AlertText


def render(text: AlertText) -> tuple[str, str]:
    """Return (subject, body) for one alert."""
    with force_locale(text.locale if text.locale in ("ja", "en") else "ja"):
        subject, body = _render(text)
        footer = _("You can switch these alerts off on your account page (My alerts).")
    return subject, f"{body}\n\n{footer}\n"


def _render(text: AlertText) -> tuple[str, str]:
    name, code = text.location_name, text.location_code
    if text.kind == "location_empty":
        if text.detail == "low":
            return (
                _("Running low: %(name)s", name=name),
                _(
                    "A visitor reported that packs are running low at %(name)s (%(code)s).",
                    name=name,
                    code=code,
                ),
            )
        return (
            _("Reported empty: %(name)s", name=name),
            _("A visitor reported that there are no packs left at %(name)s (%(code)s).", name=name, code=code)
            + "\n"
            + _("Please restock it when you can, and record the visit."),
        )
    if text.kind == "predicted_empty":
        return (
            _("Likely to run out soon: %(name)s", name=name),
            _(
                "%(name)s (%(code)s) is likely to run out within %(days)s days, and no visit is planned.",
                name=name,
                code=code,
                days=text.detail,
            ),
        )
    if text.kind == "escalation":
        return (
            _("Nobody has acted yet: %(name)s", name=name),
            _(
                "%(name)s (%(code)s) needs a visit and nobody has recorded one since the alert.",
                name=name,
                code=code,
            ),
        )
    if text.kind == "new_request":
        return _("New request"), _("There is 1 new request.")
    if text.kind == "weekly_round":
        lines = "\n".join(f"- {location}" for location in text.due_locations)
        return _("Locations due this week"), _(
            "These locations are due for a visit this week:"
        ) + "\n" + lines
    return _("Alert"), ""
