"""The errors of the outcome side: each names a business reason and means nothing was written."""

from __future__ import annotations

from inventory.core.errors import Conflict, InvalidValue, NotFound


class UnknownDestination(NotFound):
    """No referral destination with this id, or one the admin has retired."""

    def __init__(self, destination_id, *, field: str = "referrals", retired: bool = False):
        super().__init__("unknown referral destination", field=field, destination=destination_id)
        self.destination_id, self.retired = destination_id, retired


class LocationNeeded(InvalidValue):
    """A consultation through a pack has to say which location the pack came from."""

    def __init__(self, *, field: str = "location_id"):
        super().__init__("location needed", field=field)


class NotAPlacementPoint(InvalidValue):
    """Packs are not found in a storeroom: the location must be a placement point."""

    def __init__(self, location_id, *, field: str = "location_id"):
        super().__init__("not a placement point", field=field, location=location_id)


class NothingToRecord(InvalidValue):
    """A monthly tally sheet with every count blank or zero."""

    def __init__(self, *, field: str | None = None):
        super().__init__("nothing to record", field=field)


class CafeSessionExists(Conflict):
    """A cafe session on this date is already recorded."""

    def __init__(self, held_on, *, field: str = "held_on"):
        super().__init__("cafe session exists", field=field, held_on=held_on)
        self.held_on = held_on


class DestinationNameTaken(Conflict):
    """Another referral destination already has this name."""

    def __init__(self, *, field: str = "name"):
        super().__init__("destination name taken", field=field)


class LocationNotExpected(InvalidValue):
    """Only a pack or a QR names a location; another way of hearing of us names none."""

    def __init__(self, *, field: str = "location_id"):
        super().__init__("location not expected", field=field)
