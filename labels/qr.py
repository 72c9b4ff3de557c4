"""QR codes: location URLs, module matrices, and the 1-bit image embedded in PDFs."""

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import urlsplit

import qrcode
import qrcode.constants
import qrcode.exceptions
from PIL import Image

from .errors import UrlError

QUIET_ZONE_MODULES = 4
MIN_MODULE_MM = 0.5
MAX_PAYLOAD_CHARS = 1000

# Pixels per module in the embedded image. One pixel per module would be smallest, but
# PDF viewers smooth images when they enlarge them, which blurs module edges on screen;
# at 8 px the blur is 1/8 of a module, and CCITT G4 keeps the image to a few hundred bytes.
IMAGE_PIXELS_PER_MODULE = 8

_EC_LEVELS = {
    "L": qrcode.constants.ERROR_CORRECT_L,
    "M": qrcode.constants.ERROR_CORRECT_M,
    "Q": qrcode.constants.ERROR_CORRECT_Q,
    "H": qrcode.constants.ERROR_CORRECT_H,
}
# The characters of QR alphanumeric mode (5.5 bits each instead of 8 in byte mode).
_ALPHANUMERIC = set("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:")
_CODE_PATTERN = re.compile(r"[0-9A-Z]{1,64}")


@dataclass(frozen=True)
class QrCode:
    """A QR symbol as a square matrix of dark (True) modules, without its quiet zone."""

    payload: str
    error_correction: str
    version: int
    rows: tuple  # tuple of tuples of bool

    @property
    def size(self):
        """Number of modules along one side, quiet zone excluded."""
        return len(self.rows)

    @property
    def size_with_quiet_zone(self):
        """Number of modules along one side including the 4-module quiet zone on both sides."""
        return self.size + 2 * QUIET_ZONE_MODULES

    def dark_runs(self):
        """Yield (row, first_column, length) for each horizontal run of dark modules."""
        for row_index, row in enumerate(self.rows):
            column = 0
            width = len(row)
            while column < width:
                if row[column]:
                    start = column
                    while column < width and row[column]:
                        column += 1
                    yield row_index, start, column - start
                else:
                    column += 1


def location_url(base_url, code):
    """Return the URL printed in a location's QR code, e.g. HTTPS://EXAMPLE.JP/L/ABC234.

    Why uppercase: QR alphanumeric mode holds only 0-9, A-Z and ` $%*+-./:`, at 5.5 bits per
    character instead of 8, so an all-uppercase URL makes a smaller symbol with bigger modules
    that scan more easily. Scheme and host are case-insensitive (RFC 3986 §3.1, §3.2.2) and
    phones lowercase them before opening, so uppercasing them is always safe. `/L/<CODE>` is
    our own route; the app must answer `/L/<code>` and `/l/<code>` and look codes up in
    uppercase. A path prefix in `base_url` (e.g. behind a reverse proxy) belongs to someone
    else's server and may be case-sensitive, so it is kept exactly as given.
    """
    if not isinstance(base_url, str) or not isinstance(code, str):
        raise UrlError("The base URL and the location code must be text.", code="invalid_base_url")
    parts = urlsplit(base_url.strip())
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise UrlError(
            f"The base URL {base_url!r} must start with http:// or https:// and name a host.",
            code="invalid_base_url",
            value=base_url,
        )
    if parts.query or parts.fragment or parts.username or parts.password:
        raise UrlError(
            f"The base URL {base_url!r} must not contain a query, fragment or user name.",
            code="invalid_base_url",
            value=base_url,
        )
    normalised_code = unicodedata.normalize("NFKC", code).strip().upper()
    if not _CODE_PATTERN.fullmatch(normalised_code):
        raise UrlError(
            f"The location code {code!r} must be 1 to 64 letters and digits.",
            code="invalid_location_code",
            value=code,
        )
    try:
        host = parts.hostname.encode("idna").decode("ascii")
    except UnicodeError:
        raise UrlError(
            f"The host name in {base_url!r} is not valid.", code="invalid_base_url", value=base_url
        ) from None
    port = f":{parts.port}" if parts.port else ""
    prefix = parts.path.rstrip("/")
    return f"{parts.scheme.upper()}://{host.upper()}{port}{prefix}/L/{normalised_code}"


def is_alphanumeric(payload):
    """Tell whether the whole payload fits QR alphanumeric mode (the compact one)."""
    return all(character in _ALPHANUMERIC for character in payload)


def make_qr(payload, error_correction="M"):
    """Build (and cache) the QR symbol for a payload at error-correction level L/M/Q/H."""
    if error_correction not in _EC_LEVELS:
        raise UrlError(
            f"Unknown QR error-correction level {error_correction!r}.",
            code="invalid_error_correction",
        )
    if not isinstance(payload, str) or not payload.strip():
        raise UrlError("The QR payload must be non-empty text.", code="empty_payload")
    if len(payload) > MAX_PAYLOAD_CHARS:
        raise UrlError(
            f"The QR payload is {len(payload)} characters; at most {MAX_PAYLOAD_CHARS} fit on a label.",
            code="payload_too_long",
            maximum=MAX_PAYLOAD_CHARS,
            value=len(payload),
        )
    return _build_qr(payload, error_correction)


@lru_cache(maxsize=256)
def _build_qr(payload, error_correction):
    builder = qrcode.QRCode(error_correction=_EC_LEVELS[error_correction], border=0)
    builder.add_data(payload)
    try:
        builder.make(fit=True)
    except qrcode.exceptions.DataOverflowError:
        raise UrlError(
            "The QR payload is too long for a QR code.",
            code="payload_too_long",
            maximum=MAX_PAYLOAD_CHARS,
            value=len(payload),
        ) from None
    rows = tuple(tuple(bool(cell) for cell in row) for row in builder.get_matrix())
    return QrCode(payload, error_correction, builder.version, rows)


@lru_cache(maxsize=256)
def qr_image(code):
    """Return the symbol as a 1-bit PIL image, IMAGE_PIXELS_PER_MODULE pixels per module."""
    size = code.size
    small = Image.new("1", (size, size), 1)
    small.putdata([0 if dark else 1 for row in code.rows for dark in row])
    scale = IMAGE_PIXELS_PER_MODULE
    return small.resize((size * scale, size * scale), Image.Resampling.NEAREST)
