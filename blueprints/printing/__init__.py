"""The print kit: package labels, leaflet cards and placards as PDF, with a preview and a batch record.

Every refusal (a count out of range, a sheet that does not fit, a retired location) comes back
as a message on the form with status 200; a PDF is sent only when it rendered completely.
Labels are rendered on demand: nothing is written to disk.
"""

from flask import Blueprint

bp = Blueprint("printing", __name__, url_prefix="/print")

from . import views  # noqa: E402,F401  (routes register on bp)
