"""Domain errors: a refused action raises one of these and writes nothing."""


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
