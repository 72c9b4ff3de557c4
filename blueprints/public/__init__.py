"""The page behind every printed QR code: support for visitors, the location for volunteers.

`/l/<code>` is printed on labels and placards that stay up for years: it must keep working,
set no cookie for visitors, load nothing from elsewhere and store nothing about them.
"""

from flask import Blueprint

bp = Blueprint("public", __name__)

from . import views  # noqa: E402,F401  (routes register on bp)
