"""Imports every package's tables, so the metadata (and migrations) see them all."""

from inventory.alerts import models as _alerts  # noqa: F401
from inventory.core import models as _core  # noqa: F401
from inventory.outcomes import models as _outcomes  # noqa: F401
from inventory.reports import models as _reports  # noqa: F401
from inventory.stock import models as _stock  # noqa: F401
