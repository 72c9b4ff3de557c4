"""Personal data (個人情報): the name and address a mailed pack needs, kept apart and audited.

Purpose (利用目的): to mail the pack the person asked for, and nothing else. So only mail
requests have a row here; a hand-over stores nothing about the person. The rows live in their
own table so that deleting them (retention.purge_personal_data) leaves the request and its
counts untouched. Reading them is for staff and admins only, and each read writes an access
entry saying who, when and which request — never the data itself.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from inventory.accounts.models import User
from inventory.core.checks import check_text
from inventory.core.clock import utcnow
from inventory.core.db import db, unit_of_work
from inventory.core.errors import DomainError, InvalidValue
from inventory.requests.models import (
    MAX_ADDRESS,
    MAX_ADDRESS2,
    MAX_NAME,
    AccessAction,
    PersonalDataAccess,
    RequestPersonalData,
)

POSTAL_CODE = re.compile(r"(\d{3})-?(\d{4})")
# Hyphen look-alikes people type in a postal code (NFKC leaves most of them alone).
HYPHENS = str.maketrans({c: "-" for c in "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u30fc\uff0d\uff70"})
# Refused everywhere: control, format (zero-width joiners), surrogate, private and unassigned.


@dataclass(frozen=True)
class PersonalInput:
    """Checked and normalised personal data, ready to store."""

    recipient_name: str
    postal_code: str
    address: str
    address2: str = ""


@dataclass(frozen=True)
class PersonalView:
    """A detached copy of one request's personal data, for the page that shows it."""

    request_id: int
    recipient_name: str
    postal_code: str
    address: str
    address2: str

    @property
    def address_lines(self) -> tuple[str, ...]:
        """The address as label lines."""
        return tuple(line for line in (self.address, self.address2) if line)


def _personal_text(value, *, field: str, limit: int, required: bool) -> str:
    # Printed on a parcel label: full-width letters normalised, no emoji the label font lacks.
    return check_text(value, field=field, limit=limit, required=required, symbols=False, normalize=True)


def normalize_postal_code(value) -> str:
    """〒０９０−００１８, 090 0018 or 0900018 → 090-0018; anything else raises InvalidValue."""
    if value is not None and not isinstance(value, str):
        raise InvalidValue("not text", field="postal_code", reason="postal_code")
    text = unicodedata.normalize("NFKC", value or "").translate(HYPHENS)
    text = text.replace("〒", "").replace(" ", "").strip()
    match = POSTAL_CODE.fullmatch(text)
    if match is None:
        raise InvalidValue(
            "postal code shape", field="postal_code", reason="required" if not text else "postal_code"
        )
    return f"{match.group(1)}-{match.group(2)}"


def check_personal(*, recipient_name, postal_code, address, address2=None) -> PersonalInput:
    """Check what a mailing needs: a name, a postal code (NNN-NNNN) and an address."""
    return PersonalInput(
        recipient_name=_personal_text(recipient_name, field="recipient_name", limit=MAX_NAME, required=True),
        postal_code=normalize_postal_code(postal_code),
        address=_personal_text(address, field="address", limit=MAX_ADDRESS, required=True),
        address2=_personal_text(address2, field="address2", limit=MAX_ADDRESS2, required=False),
    )


def personal_errors(*, recipient_name, postal_code, address, address2=None) -> list[DomainError]:
    """Every problem with a mailing's fields at once, so a form can show them together.

    `check_personal` stops at the first; a phone user should not fix them one submit at a time.
    """
    checks = (
        lambda: _personal_text(recipient_name, field="recipient_name", limit=MAX_NAME, required=True),
        lambda: normalize_postal_code(postal_code),
        lambda: _personal_text(address, field="address", limit=MAX_ADDRESS, required=True),
        lambda: _personal_text(address2, field="address2", limit=MAX_ADDRESS2, required=False),
    )
    errors = []
    for check in checks:
        try:
            check()
        except DomainError as error:
            errors.append(error)
    return errors


def add_personal(session, request_id: int, personal: PersonalInput) -> None:
    """Store a request's personal data (inside the caller's unit of work)."""
    session.add(
        RequestPersonalData(
            request_id=request_id,
            recipient_name=personal.recipient_name,
            postal_code=personal.postal_code,
            address=personal.address,
            address2=personal.address2,
        )
    )
    session.flush()


def matches_stored(request_id: int, personal: PersonalInput | None) -> bool:
    """Whether a resent form carries the personal data stored for its request.

    Nothing is shown to anyone, so this is no access to log; a purged request matches nothing.
    """
    row = db.session.execute(
        sa.select(
            RequestPersonalData.recipient_name,
            RequestPersonalData.postal_code,
            RequestPersonalData.address,
            RequestPersonalData.address2,
        ).where(RequestPersonalData.request_id == request_id)
    ).first()
    return (None if row is None else PersonalInput(*row)) == personal


def with_personal_data(request_ids) -> set[int]:
    """Which of these requests still hold personal data (for a marker in lists; nothing is read)."""
    ids = list(request_ids)
    if not ids:
        return set()
    return set(
        db.session.scalars(
            sa.select(RequestPersonalData.request_id).where(RequestPersonalData.request_id.in_(ids))
        )
    )


def read_personal(
    request_id: int, *, viewer_id: int, action: str = AccessAction.VIEW, now: datetime | None = None
) -> PersonalView | None:
    """Read a request's personal data and write the access entry in the same transaction.

    None when there is none (a hand-over, or already purged): then nothing was seen and
    nothing is logged.
    """
    if action not in AccessAction.ALL:
        raise ValueError(f"unknown access action: {action}")
    with unit_of_work() as session:
        row = session.get(RequestPersonalData, request_id)
        if row is None:
            return None
        view = PersonalView(row.request_id, row.recipient_name, row.postal_code, row.address, row.address2)
        session.add(
            PersonalDataAccess(
                request_id=request_id, user_id=viewer_id, action=action, accessed_at=now or utcnow()
            )
        )
    return view


@dataclass(frozen=True)
class AccessRow:
    """One access entry for the admin's log."""

    accessed_at: datetime
    user_name: str
    request_id: int
    action: str


def access_log(*, request_id: int | None = None, limit: int = 200) -> list[AccessRow]:
    """The latest access entries, newest first (optionally of one request)."""
    query = (
        sa.select(PersonalDataAccess, User)
        .join(User, User.id == PersonalDataAccess.user_id)
        .order_by(PersonalDataAccess.accessed_at.desc(), PersonalDataAccess.id.desc())
        .limit(limit)
    )
    if request_id is not None:
        query = query.where(PersonalDataAccess.request_id == request_id)
    return [
        AccessRow(entry.accessed_at, user.name, entry.request_id, entry.action)
        for entry, user in db.session.execute(query)
    ]
