"""One restock visit's statements on a plain driver connection: the floor under record_visit.

The SQL is what SQLAlchemy emits for `inventory.rounds.visits.record_visit` on SQLite, copied
verbatim; bench_visits.py checks on every run that the service still emits exactly these.
PostgreSQL gets the same text with its placeholders and booleans.
"""

from __future__ import annotations

import hashlib
import sqlite3
from datetime import UTC, datetime, timedelta

CLAIM = (
    'INSERT INTO idempotency_key ("key", action, fingerprint, created_at) VALUES (?, ?, ?, ?) '
    'ON CONFLICT ("key") DO NOTHING'
)
PLACE = (
    "SELECT location.kind, location.active, (SELECT item.id \nFROM item \n"
    "WHERE item.kind = ? AND item.active = 1 ORDER BY item.id\n LIMIT ? OFFSET ?) AS anon_1, "
    "(SELECT location.id \nFROM location \nWHERE location.kind = ? AND location.active = 1 "
    "ORDER BY location.id\n LIMIT ? OFFSET ?) AS anon_2 \nFROM location \nWHERE location.id = ?"
)
RECORD = (
    "INSERT INTO stock_record (kind, location_id, occurred_at, recorded_at, recorded_by, reason, note, "
    "reverses_record_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id"
)
LOCK = (
    "INSERT INTO stock_level (location_id, item_id, qty, updated_at) VALUES (?, ?, 0, ?) "
    "ON CONFLICT (location_id, item_id) DO UPDATE SET qty = stock_level.qty RETURNING qty"
)
TAKE = (
    "UPDATE stock_level SET qty=(stock_level.qty - ?), updated_at=? WHERE stock_level.location_id = ? "
    "AND stock_level.item_id = ? AND stock_level.qty >= ?"
)
PUT = (
    "INSERT INTO stock_level (location_id, item_id, qty, updated_at) VALUES (?, ?, ?, ?) "
    "ON CONFLICT (location_id, item_id) DO UPDATE SET qty = stock_level.qty + excluded.qty, "
    "updated_at = excluded.updated_at"
)
MOVEMENT = (
    "INSERT INTO stock_movement (record_id, item_id, quantity, from_location_id, to_location_id, "
    "kind, occurred_at, recorded_at, recorded_by, note, reverses_id) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
VISIT = (
    "INSERT INTO restock_visit (record_id, location_id, storeroom_id, item_id, visited_at, visitor_id, "
    "expected, counted, added, added_unrecorded, flags, note) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id"
)
SET_RESULT = 'UPDATE idempotency_key SET result_id=? WHERE idempotency_key."key" = ?'
CLOSED_YEAR = (
    "SELECT fiscal_year_closing.fiscal_year \nFROM fiscal_year_closing \n"
    "WHERE fiscal_year_closing.fiscal_year = ?"
)
CLOSE_REPORTS = (
    "UPDATE empty_report SET closed_at=?, closed_by_visit_id=? WHERE empty_report.location_id = ? "
    "AND empty_report.closed_at IS NULL AND empty_report.reported_at <= ?"
)
LOCATION_BY_CODE = "SELECT id FROM location WHERE code = ?"

SQLITE = {
    "CLAIM": CLAIM,
    "PLACE": PLACE,
    "RECORD": RECORD,
    "LOCK": LOCK,
    "TAKE": TAKE,
    "PUT": PUT,
    "MOVEMENT": MOVEMENT,
    "VISIT": VISIT,
    "SET_RESULT": SET_RESULT,
    "CLOSED_YEAR": CLOSED_YEAR,
    "CLOSE_REPORTS": CLOSE_REPORTS,
    "LOCATION_BY_CODE": LOCATION_BY_CODE,
}
# psycopg takes %s, and PostgreSQL compares booleans as booleans; nothing else differs.
POSTGRES = {name: text.replace("?", "%s").replace(".active = 1", ".active") for name, text in SQLITE.items()}


def connect_sqlite(path, factory=sqlite3.Connection) -> sqlite3.Connection:
    """A plain sqlite3 connection with the app's pragmas; BEGIN is ours to issue, as in the app."""
    connection = sqlite3.connect(path, isolation_level=None, factory=factory, check_same_thread=False)
    for pragma in (
        "busy_timeout = 10000",
        "journal_mode = WAL",
        "synchronous = FULL",
        "foreign_keys = ON",
        "secure_delete = ON",
        "journal_size_limit = 0",
    ):
        connection.execute(f"PRAGMA {pragma}")
    return connection


def sqlite_now() -> str:
    """Now in UTC as SQLAlchemy stores a DateTime in SQLite."""
    return datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


def postgres_now() -> datetime:
    """Now in UTC, naive, as the app passes it to psycopg."""
    return datetime.now(UTC).replace(tzinfo=None)


def record_visit(
    connection,
    location_id: int,
    counted: int,
    added: int,
    key: str,
    *,
    sql=SQLITE,
    now=sqlite_now,
    begin: str = "BEGIN IMMEDIATE",
) -> int | None:
    """Record one visit in one transaction, as the service does; None when the key was seen."""
    run = connection.execute
    when = now()
    run(begin)
    try:
        # The place is read first: the one-time key's fingerprint names it.
        _kind, _active, item_id, storeroom_id = run(
            sql["PLACE"], ("package", 1, 0, "storeroom", 1, 0, location_id)
        ).fetchone()
        fingerprint = hashlib.sha256(key.encode()).hexdigest()
        if not run(sql["CLAIM"], (key, "record_visit", fingerprint, now())).rowcount:
            run("ROLLBACK")
            return None
        # Both balance rows locked first, in location order, as the ledger does; then the check
        # that the day is not in a closed fiscal year.
        places = sorted({location_id, storeroom_id} if added else {location_id})
        levels = {place: run(sql["LOCK"], (place, item_id, now())).fetchone()[0] for place in places}
        expected = levels[location_id]
        today = datetime.now(UTC) + timedelta(hours=9)
        run(sql["CLOSED_YEAR"], (today.year if today.month >= 4 else today.year - 1,))
        recorded_at = now()
        record_id = run(
            sql["RECORD"], ("restock_visit", location_id, when, recorded_at, None, None, "", None)
        ).fetchone()[0]

        def movement(quantity, source, target, kind, note=""):
            run(
                sql["MOVEMENT"],
                (record_id, item_id, quantity, source, target, kind, when, recorded_at, None, note, None),
            )

        if counted < expected:
            run(sql["TAKE"], (expected - counted, now(), location_id, item_id, expected - counted))
            movement(expected - counted, location_id, None, "consumption")
        elif counted > expected:
            run(sql["PUT"], (location_id, item_id, counted - expected, now()))
            movement(counted - expected, None, location_id, "adjustment", "found")
        moved = 0
        if added and run(sql["TAKE"], (added, now(), storeroom_id, item_id, added)).rowcount == 1:
            run(sql["PUT"], (location_id, item_id, added, now()))
            movement(added, storeroom_id, location_id, "transfer")
            moved = added
        visit_id = run(
            sql["VISIT"],
            (
                record_id,
                location_id,
                storeroom_id,
                item_id,
                when,
                None,
                expected,
                counted,
                moved,
                added - moved,
                "",
                "",
            ),
        ).fetchone()[0]
        if counted or added:
            run(sql["CLOSE_REPORTS"], (when, visit_id, location_id, when))
        run(sql["SET_RESULT"], (record_id, key))
        run("COMMIT")
        return visit_id
    except BaseException:
        run("ROLLBACK")
        raise
