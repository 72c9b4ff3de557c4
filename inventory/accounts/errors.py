"""The errors of accounts: each names a business reason, carries what a form needs, and means
nothing was written."""

from __future__ import annotations

from inventory.core.errors import DomainError


class InvalidCredentials(DomainError):
    """The name or the password is wrong (deliberately not saying which)."""


class LoginThrottled(DomainError):
    """Too many failed logins for this account or address; try again later."""
