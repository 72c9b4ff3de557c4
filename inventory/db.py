"""The database handle, the naming convention for constraints, and the unit of work."""
from __future__ import annotations

import contextlib
import contextvars
import fcntl
import os
import threading
from datetime import datetime, timezone

import sqlalchemy as sa
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy.orm import DeclarativeBase

# Stable constraint names on SQLite and PostgreSQL alike, so migrations can name what they alter.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Declarative base carrying the naming convention."""

    metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)


def in_check(column: str, values) -> str:
    """SQL for a CHECK that a column holds one of an enum's values (`kind IN ('a', 'b')`)."""
    return f"{column} IN ({', '.join(repr(str(v)) for v in values)})"


def is_row_id(value) -> bool:
    """Whether a value can be a row's id: an int, not a bool (forged ids of any shape are not)."""
    return isinstance(value, int) and not isinstance(value, bool)


# The connection of the unit of work running in this context: asking the session for it
# again costs its bookkeeping (23k instructions), a dozen times a visit inside the write lock.
_writing: contextvars.ContextVar[sa.Connection | None] = contextvars.ContextVar("writing", default=None)


def connection() -> sa.Connection:
    """The connection of the session's transaction, for Core statements (no ORM objects in or out).

    `db.session.execute` runs the ORM's bind and transaction bookkeeping on every statement:
    about 450k instructions a statement against 200k on the connection (callgrind). A scan or
    a visit makes a dozen statements, a visit's inside SQLite's one write lock. Same
    transaction either way, with one difference: `db.session.execute` first flushes the ORM
    objects added or changed in the session, this does not. A statement here that must see
    them needs a `session.flush()` before it. Records, movements, balances, counts, one-time
    keys and visits are only ever written with Core statements, so their reads need none.
    The write path's fixed statements go one step further, to the driver (`driver_sql`).
    """
    writing = _writing.get()
    return writing if writing is not None else db.session.connection()


def utcnow() -> datetime:
    """Return the current time as a naive UTC datetime (how every *_at column is stored)."""
    return datetime.now(timezone.utc).replace(tzinfo=None)


def configure_sqlite(engine: sa.Engine) -> None:
    """Give every SQLite connection WAL, foreign keys, a busy timeout and explicit BEGINs."""

    @sa.event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        # Let SQLAlchemy emit BEGIN itself (below) instead of pysqlite's implicit, deferred one.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA busy_timeout = 10000")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = FULL")
        cursor.execute("PRAGMA foreign_keys = ON")
        # Personal data must not linger in free pages after it is deleted.
        cursor.execute("PRAGMA secure_delete = ON")
        cursor.close()

    @sa.event.listens_for(engine, "begin")
    def _on_begin(connection):
        # A writer takes the write lock up front, so a concurrent writer waits (busy_timeout)
        # instead of failing when it upgrades a read snapshot that has gone stale. Sent on the
        # driver's connection: SQLAlchemy's statement machinery cost 70k instructions a BEGIN.
        immediate = connection.get_execution_options().get("sqlite_immediate")
        connection.connection.driver_connection.execute("BEGIN IMMEDIATE" if immediate else "BEGIN")


class _SqliteWriterQueue:
    """Writers to one SQLite file wait here, in turn, rather than in SQLite's busy handler.

    The busy handler sleeps in growing steps (up to 100 ms) between tries, so under load a
    writer can sleep long after the lock came free. Threads of a process queue on a lock, and
    processes (gunicorn workers) on an flock of a file beside the database, which wakes the
    next writer the moment the last one commits. SQLite's own lock still guards the data;
    writers that do not come through here (a migration, the sqlite3 shell) meet the busy
    handler as before.
    """

    def __init__(self):
        self._threads = threading.RLock()
        self._depth = 0  # only changed by the thread holding _threads
        self._files: dict[tuple[int, str], int] = {}

    def _lock_file(self, database: str) -> int:
        # Per process: a descriptor inherited across fork would share one lock with the parent.
        key = (os.getpid(), database)
        if key not in self._files:
            self._files[key] = os.open(f"{database}-writer.lock", os.O_RDWR | os.O_CREAT, 0o600)
        return self._files[key]

    @contextlib.contextmanager
    def turn(self, database: str | None):
        """Hold the write turn for `database` (a file path; None or ':memory:' is per process)."""
        with self._threads:
            fd = self._lock_file(database) if database and database != ":memory:" else None
            if fd is not None and self._depth == 0:
                fcntl.flock(fd, fcntl.LOCK_EX)
            self._depth += 1
            try:
                yield
            finally:
                self._depth -= 1
                if fd is not None and self._depth == 0:
                    fcntl.flock(fd, fcntl.LOCK_UN)


_sqlite_writers = _SqliteWriterQueue()


@contextlib.contextmanager
def unit_of_work():
    """Run the block as one writing transaction: commit on success, roll back on any error.

    Public service functions own their transaction through this; the helpers they call only
    add and flush. A read transaction the caller left open is ended first, so that on SQLite
    the write begins IMMEDIATE from a fresh snapshot.
    """
    session = db.session()
    if session.in_transaction():
        session.rollback()
    engine = db.engine
    queue = (_sqlite_writers.turn(engine.url.database) if engine.dialect.name == "sqlite"
             else contextlib.nullcontext())
    with queue:
        writing = _writing.set(session.connection(execution_options={"sqlite_immediate": True}))
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            _writing.reset(writing)
