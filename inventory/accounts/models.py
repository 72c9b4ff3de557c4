"""Tables of accounts: users and their roles, server-side login sessions, failed logins, API tokens."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from inventory.core.clock import utcnow
from inventory.core.db import Model


class Role(enum.StrEnum):
    """What a user may do; each user has exactly one."""

    ADMIN = "admin"
    STAFF = "staff"
    VOLUNTEER = "volunteer"
    SCHOOL = "school"


STAFF_ROLES = frozenset({Role.ADMIN, Role.STAFF})
MAX_NAME_LENGTH = 64


class User(Model):
    """A person who signs in."""

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(sa.String(MAX_NAME_LENGTH), unique=True)
    email: Mapped[str | None] = mapped_column(sa.String(254), unique=True)
    display_name: Mapped[str] = mapped_column(sa.String(100), default="")
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    role: Mapped[str] = mapped_column(sa.String(16))
    locale: Mapped[str] = mapped_column(sa.String(5), default="ja")
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (sa.CheckConstraint(sa.column("role").in_([r.value for r in Role]), name="role_known"),)

    # Set by the session loader: the login session this request runs in (see get_id). Not a
    # column: annotated for the checker only, as declarative maps any annotation it sees.
    if TYPE_CHECKING:
        session_token: str | None
    session_token = None

    @property
    def is_staff(self) -> bool:
        """Whether the user works in the office (staff or admin) and may see personal data."""
        return self.role in STAFF_ROLES

    @property
    def name(self) -> str:
        """The name to show: the display name, else the user name."""
        return self.display_name or self.username

    # Flask-Login's protocol. The id it keeps in the cookie is the login session's token,
    # so ending that session on the server makes a copied cookie worthless.
    is_authenticated = True
    is_anonymous = False

    @property
    def is_active(self) -> bool:
        """Whether the account may sign in."""
        return self.active

    def get_id(self) -> str | None:
        """Return the login session token Flask-Login stores in the cookie."""
        return self.session_token


class LoginSession(Model):
    """One signed-in browser; ended on logout, password change or deactivation."""

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"), index=True)
    remember: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    ended_at: Mapped[datetime | None]


class LoginFailure(Model):
    """A failed login, counted per account name and per address to throttle guessing."""

    id: Mapped[int] = mapped_column(primary_key=True)
    scope: Mapped[str] = mapped_column(sa.String(8))
    key: Mapped[str] = mapped_column(sa.String(255))
    occurred_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (sa.Index("ix_login_failure_scope_key_at", "scope", "key", "occurred_at"),)


class ApiToken(Model):
    """A token (only its hash is kept) acting as one user until it is revoked."""

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(100))
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None]
