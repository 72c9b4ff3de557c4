"""The errors of requests: each names a business reason, carries what a form needs, and means
nothing was written."""

from __future__ import annotations

from inventory.core.errors import (
    Conflict,
    DomainError,
    NotFound,
)


class RateLimited(DomainError):
    """Too many requests from this address lately; try again later (or call)."""

    def __init__(self, *, retry_minutes: int):
        super().__init__("rate limited", retry_minutes=retry_minutes)
        self.retry_minutes = retry_minutes


class NoPersonalData(NotFound):
    """The request has no name and address (a hand-over, or already deleted)."""


class UnknownRequest(NotFound):
    """No request with this id (or not one the caller may see)."""

    def __init__(self, request_id, *, field: str | None = None):
        super().__init__("unknown request", field=field, request=request_id)
        self.request_id = request_id


class AlreadySent(Conflict):
    """A one-time key sent again with another name or address: the first one was kept."""

    def __init__(self, request_id: int):
        super().__init__("already sent", request=request_id)
        self.request_id = request_id


class RequestClosed(Conflict):
    """The request is already fulfilled or cancelled (or cannot take this step); `status` says which."""

    def __init__(self, request_id: int, status: str, *, field: str | None = None):
        super().__init__("request closed: " + status, field=field, request=request_id, status=status)
        self.request_id, self.status = request_id, status
