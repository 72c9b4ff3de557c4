"""CSV exports for Excel: movements, donations, purchases, visits and requests, row by row.

No personal data ever leaves through here: no donor names, no notes (free text), no one who
recorded or visited, nothing of a requester. Times are shown in Japan time. The text is
encoded as UTF-8 with a BOM (what Excel in Japan opens) or, on request, Shift_JIS (cp932):
a character cp932 cannot hold becomes 〓 and a last line names every such character.
"""

from __future__ import annotations

import csv
import io
import itertools
from collections.abc import Callable, Iterable, Iterator
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from inventory.core.db import db
from inventory.requests.queries import export_rows as request_export_rows
from inventory.rounds.models import RestockVisit
from inventory.stock.models import (
    Donation,
    Item,
    Location,
    Purchase,
    PurchaseLine,
    StockMovement,
    StockRecord,
)

ENCODINGS = ("utf-8-sig", "cp932")
GETA = "〓"
# Japan has had no daylight saving time since 1951: a fixed offset is exact and fast.
JST_OFFSET = timedelta(hours=9)
CHUNK_ROWS = 500
YIELD_PER = 2000
# Look-alikes Windows uses in cp932 for characters it lacks (the "wave dash problem").
CP932_FRIENDLY = str.maketrans(
    {
        "\u2212": "\uff0d",
        "\u301c": "\uff5e",
        "\u2016": "\u2225",
        "\u00a2": "\uffe0",
        "\u00a3": "\uffe1",
        "\u00ac": "\uffe2",
        "\u2014": "\u2015",
    }
)
COLUMNS = {
    "movements": (
        "movement_id",
        "occurred_at",
        "kind",
        "item",
        "unit",
        "quantity",
        "from_code",
        "from_name",
        "to_code",
        "to_name",
        "record_id",
        "reverses_movement_id",
    ),
    "donations": (
        "record_id",
        "occurred_on",
        "storeroom",
        "donor_kind",
        "item",
        "unit",
        "quantity",
        "reversed",
    ),
    "purchases": (
        "record_id",
        "occurred_on",
        "storeroom",
        "vendor",
        "funding",
        "receipt_number",
        "item",
        "unit",
        "quantity",
        "unit_cost_yen",
        "amount_yen",
        "reversed",
    ),
    "visits": (
        "visit_id",
        "visited_at",
        "location_code",
        "location_name",
        "item",
        "expected",
        "counted",
        "consumed",
        "added",
        "added_unrecorded",
        "flags",
        "reversed",
    ),
    # What request_queries.export_rows(since, until) yields, in this order.
    "requests": (
        "request_id",
        "requested_at",
        "request_kind",
        "channel",
        "delivery_method",
        "location_code",
        "quantity",
        "status",
        "fulfilled_at",
    ),
}
DATASETS = tuple(COLUMNS)


# A spreadsheet reads a cell starting with one of these as a formula (or, for tab and CR, may
# shift it into one): "=HYPERLINK(...)" typed as a location name must stay text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    """A cell made safe for spreadsheets: text starting like a formula gets a leading apostrophe.

    Numbers stay numbers (a negative correction is a number, not a formula); only text is changed.
    Every CSV the app writes goes through csv_chunks, which applies this to every cell.
    """
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _safe_row(row) -> list:
    return [neutralise(value) for value in row]


class UnsupportedEncoding(ValueError):
    """An encoding other than UTF-8 (with BOM) or Shift_JIS (cp932)."""


def local_time(at: datetime | None) -> str:
    """A stored UTC time as Japan time, e.g. 2026-04-01 09:30."""
    return (at + JST_OFFSET).isoformat(" ", "minutes") if at else ""


def local_day(at: datetime | None) -> str:
    """A stored UTC time as its Japanese calendar day, e.g. 2026-04-01."""
    return f"{at + JST_OFFSET:%Y-%m-%d}" if at else ""


def _names():
    items = {
        id_: (name, unit) for id_, name, unit in db.session.execute(sa.select(Item.id, Item.name, Item.unit))
    }
    places = {
        id_: (code, name + (f" {spot}" if spot else ""))
        for id_, code, name, spot in db.session.execute(
            sa.select(Location.id, Location.code, Location.name, Location.spot)
        )
    }
    return items, places


def _range(column, since, until) -> list:
    conditions = []
    if since is not None:
        conditions.append(column >= since)
    if until is not None:
        conditions.append(column < until)
    return conditions


def _stream(query):
    # Plain rows, fetched from the database in batches rather than all at once.
    return db.session.execute(query.execution_options(yield_per=YIELD_PER))


def local_minute_sql(column):
    """A UTC column as Japan time text 'YYYY-MM-DD HH:MM', computed by the database (fast for big exports)."""
    dialect = db.session.get_bind().dialect.name
    if dialect == "sqlite":
        return sa.func.strftime("%Y-%m-%d %H:%M", column, "+9 hours")
    if dialect == "postgresql":
        return sa.func.to_char(column + sa.text("interval '9 hours'"), "YYYY-MM-DD HH24:MI")
    return None


def movement_rows(since, until, names: dict) -> Iterator[tuple]:
    """Every movement in [since, until), oldest first."""
    items, places = _names()
    m = StockMovement
    kinds = names.get("kind", {})
    nowhere = ("", "")
    when = local_minute_sql(m.occurred_at)
    query = (
        sa.select(
            m.id,
            m.occurred_at if when is None else when,
            m.kind,
            m.item_id,
            m.quantity,
            m.from_location_id,
            m.to_location_id,
            m.record_id,
            m.reverses_id,
        )
        .where(*_range(m.occurred_at, since, until))
        .order_by(m.occurred_at, m.id)
    )
    item_of, place_of, kind_of = items.get, places.get, kinds.get
    for id_, at, kind, item_id, qty, source, target, record_id, reverses in _stream(query):
        item_name, unit = item_of(item_id, nowhere)
        from_code, from_name = place_of(source, nowhere)
        to_code, to_name = place_of(target, nowhere)
        yield (
            id_,
            at if when is not None else local_time(at),
            kind_of(kind, kind),
            item_name,
            unit,
            qty,
            from_code,
            from_name,
            to_code,
            to_name,
            record_id,
            reverses or "",
        )


def _reversal_join(record_id_column):
    reversal = aliased(StockRecord)
    return reversal, reversal.reverses_record_id == record_id_column


def donation_rows(since, until, names: dict) -> Iterator[tuple]:
    """One row per donated item line (no donor name: it may name a person)."""
    items, places = _names()
    kinds, yes = names.get("donor_kind", {}), names.get("yes", "yes")
    reversal, on = _reversal_join(StockRecord.id)
    query = (
        sa.select(
            StockRecord.id,
            StockRecord.occurred_at,
            StockRecord.location_id,
            Donation.donor_kind,
            StockMovement.item_id,
            StockMovement.quantity,
            reversal.id,
        )
        .join(Donation, Donation.record_id == StockRecord.id)
        .join(StockMovement, StockMovement.record_id == StockRecord.id)
        .outerjoin(reversal, on)
        .where(*_range(StockRecord.occurred_at, since, until))
        .order_by(StockRecord.occurred_at, StockRecord.id, StockMovement.id)
    )
    for record_id, at, room, kind, item_id, qty, reversed_by in _stream(query):
        item_name, unit = items.get(item_id, ("", ""))
        yield (
            record_id,
            local_day(at),
            places.get(room, ("", ""))[1],
            kinds.get(kind, kind),
            item_name,
            unit,
            qty,
            yes if reversed_by else "",
        )


def purchase_rows(since, until, names: dict) -> Iterator[tuple]:
    """One row per purchased item line, with unit cost and amount in yen."""
    items, places = _names()
    funding, yes = names.get("funding", {}), names.get("yes", "yes")
    reversal, on = _reversal_join(StockRecord.id)
    query = (
        sa.select(
            StockRecord.id,
            StockRecord.occurred_at,
            StockRecord.location_id,
            Purchase.vendor,
            Purchase.funding,
            Purchase.receipt_number,
            PurchaseLine.item_id,
            PurchaseLine.quantity,
            PurchaseLine.unit_cost_yen,
            reversal.id,
        )
        .join(Purchase, Purchase.record_id == StockRecord.id)
        .join(PurchaseLine, PurchaseLine.purchase_id == Purchase.record_id)
        .outerjoin(reversal, on)
        .where(*_range(StockRecord.occurred_at, since, until))
        .order_by(StockRecord.occurred_at, StockRecord.id, PurchaseLine.id)
    )
    for record_id, at, room, vendor, fund, number, item_id, qty, cost, reversed_by in _stream(query):
        item_name, unit = items.get(item_id, ("", ""))
        yield (
            record_id,
            local_day(at),
            places.get(room, ("", ""))[1],
            vendor,
            funding.get(fund, fund),
            number,
            item_name,
            unit,
            qty,
            cost,
            qty * cost,
            yes if reversed_by else "",
        )


def visit_rows(since, until, names: dict) -> Iterator[tuple]:
    """One row per restock visit (no visitor, no note)."""
    items, places = _names()
    flag_names, yes = names.get("flags", {}), names.get("yes", "yes")
    reversal, on = _reversal_join(RestockVisit.record_id)
    v = RestockVisit
    query = (
        sa.select(
            v.id,
            v.visited_at,
            v.location_id,
            v.item_id,
            v.expected,
            v.counted,
            v.added,
            v.added_unrecorded,
            v.flags,
            reversal.id,
        )
        .outerjoin(reversal, on)
        .where(*_range(v.visited_at, since, until))
        .order_by(v.visited_at, v.id)
    )
    for id_, at, place, item_id, expected, counted, added, unrecorded, flags, reversed_by in _stream(query):
        code, name = places.get(place, ("", ""))
        flags = " / ".join(str(flag_names.get(flag, flag)) for flag in flags.split(",") if flag)
        yield (
            id_,
            local_time(at),
            code,
            name,
            items.get(item_id, ("", ""))[0],
            expected,
            counted,
            max(expected - counted, 0),
            added,
            unrecorded,
            flags,
            yes if reversed_by else "",
        )


def request_rows(since, until, names: dict) -> Iterator[tuple]:
    """Requests made in the period, codes translated, times in Japan time; nothing personal."""
    translated = {index: names[key] for index, key in enumerate(COLUMNS["requests"]) if key in names}
    for row in request_export_rows(since, until):
        row = list(row)
        for index, mapping in translated.items():
            row[index] = mapping.get(row[index], row[index])
        for index in (1, 8):  # requested_at, fulfilled_at
            if isinstance(row[index], datetime):
                row[index] = local_time(row[index])
            elif isinstance(row[index], date):
                row[index] = row[index].isoformat()
        yield tuple(row)


ROWS: dict[str, Callable[..., Iterator[tuple]]] = {
    "movements": movement_rows,
    "donations": donation_rows,
    "purchases": purchase_rows,
    "visits": visit_rows,
    "requests": request_rows,
}


def rows(
    dataset: str, since: datetime | None, until: datetime | None, names: dict | None = None
) -> Iterator[tuple]:
    """The rows of one dataset in [since, until) (naive UTC bounds, None = open)."""
    return ROWS[dataset](since, until, names or {})


def check_encoding(encoding: str | None) -> str:
    """Map the encoding a user chose to its codec, or raise UnsupportedEncoding."""
    chosen = (encoding or "utf-8").strip().lower().replace("_", "-")
    if chosen in ("utf-8", "utf8", "utf-8-sig", "utf-8-bom"):
        return "utf-8-sig"
    if chosen in ("cp932", "shift-jis", "sjis", "shiftjis", "windows-31j", "ms932"):
        return "cp932"
    raise UnsupportedEncoding(encoding)


class Cp932Encoder:
    """Encode text as cp932, putting 〓 for what it cannot hold and remembering what that was."""

    def __init__(self) -> None:
        self.replaced: dict[str, int] = {}

    def __call__(self, text: str) -> bytes:
        """Encode one chunk of text."""
        text = text.translate(CP932_FRIENDLY)
        try:
            return text.encode("cp932")
        except UnicodeEncodeError:
            out = []
            for ch in text:
                try:
                    out.append(ch.encode("cp932"))
                except UnicodeEncodeError:
                    self.replaced[ch] = self.replaced.get(ch, 0) + 1
                    out.append(GETA.encode("cp932"))
            return b"".join(out)


def describe_characters(chars: Iterable[str]) -> str:
    """Name characters by code point (they cannot be written in the file itself): U+20BB7, U+1F600."""
    return ", ".join(f"U+{ord(ch):04X}" for ch in chars)


def csv_chunks(
    header: list[str], body: Iterable[tuple], encoding: str = "utf-8-sig", replaced_note: str = "%(chars)s"
) -> Iterator[bytes]:
    """Encode a header and rows as CSV, a few hundred rows per chunk, ending with a note if needed.

    `replaced_note` (with %(chars)s) becomes the last line when cp932 had to replace characters.
    Every cell is neutralised against formulas (see `neutralise`): this is the one CSV writer.
    """
    codec = check_encoding(encoding)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    encoder = Cp932Encoder() if codec == "cp932" else None
    encode = encoder or (lambda text: text.encode("utf-8"))

    def take() -> bytes:
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return encode(text)

    writer.writerow(_safe_row(header))
    yield (b"\xef\xbb\xbf" if codec == "utf-8-sig" else b"") + take()
    body = iter(body)
    while batch := list(itertools.islice(body, CHUNK_ROWS)):
        writer.writerows(map(_safe_row, batch))
        yield take()
    if encoder is not None and encoder.replaced:
        writer.writerow([GETA, replaced_note % {"chars": describe_characters(encoder.replaced)}])
        yield take()
