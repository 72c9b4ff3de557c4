"""Domain errors: a refused action raises one of these and writes nothing."""

from __future__ import annotations


class DomainError(Exception):
    """Base of every error a user can cause; `field` names the form field it belongs to."""

    field: str | None = None

    def __init__(self, message: str = "", field: str | None = None, **details):
        super().__init__(message or self.__class__.__name__)
        if field is not None:
            self.field = field
        self.details = details


class NotFound(DomainError):
    """The record asked for does not exist (or is not the caller's to see)."""


class InvalidValue(DomainError):
    """A value has the wrong shape or is out of range."""


class Conflict(DomainError):
    """The action clashes with what is already recorded (a taken name, a reused key)."""


class InvalidQuantity(InvalidValue):
    """A quantity that is not a whole number within `minimum`..`maximum`."""

    def __init__(self, value, *, field: str = "quantity", minimum: int = 1, maximum: int = 1_000_000):
        super().__init__("invalid quantity", field=field, value=value, minimum=minimum, maximum=maximum)
        self.value, self.minimum, self.maximum = value, minimum, maximum


class InvalidDate(InvalidValue):
    """A date too far in the future (or before the records begin)."""

    def __init__(self, value, *, field: str = "occurred_on", reason: str = "future"):
        super().__init__("invalid date", field=field, value=value, reason=reason)
        self.value, self.reason = value, reason


class IdempotencyConflict(Conflict):
    """The one-time key was already used for a different action or different content."""

    def __init__(self, key: str):
        super().__init__("idempotency key reused with different content", field=None)
        self.key = key
