"""The database handle, the naming convention for constraints, and the unit of work."""

from __future__ import annotations

import contextlib
import hashlib
import os
from typing import TYPE_CHECKING, ClassVar

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

if TYPE_CHECKING:
    from flask_sqlalchemy.model import Model as _FlaskModel

    class Model(_FlaskModel, Base):
        """What `db.Model` is to the type checker.

        Flask-SQLAlchemy builds `db.Model` at run time (Base's body plus its own mixins), so
        mypy cannot use the attribute as a base class. Models subclass this name instead.
        """

        # SQLAlchemy types it as any FromClause; every model here is mapped to a Table.
        __table__: ClassVar[sa.Table]

else:
    Model = db.Model


def in_check(column: str, values) -> str:
    """SQL for a CHECK that a column holds one of an enum's values (`kind IN ('a', 'b')`)."""
    return f"{column} IN ({', '.join(repr(str(v)) for v in values)})"


def configure_sqlite(engine: sa.Engine) -> None:
    """Give every SQLite connection WAL, foreign keys, a busy timeout and explicit BEGINs."""

    @sa.event.listens_for(engine, "do_connect")
    def _create_private(_dialect, _record, _cargs, _cparams):
        # The file holds names and addresses: create it readable by its owner only, before SQLite
        # opens it. SQLite gives the -wal and -shm files the database file's permissions.
        database = engine.url.database
        if database and database != ":memory:" and not database.startswith("file:"):
            # Already there, or a folder that is missing: SQLite opens it (or says why it cannot).
            with contextlib.suppress(OSError):
                os.close(os.open(database, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))

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
        # When the WAL starts over, cut it back to nothing: old frames (deleted rows among them)
        # do not stay behind in the unused tail of the file.
        cursor.execute("PRAGMA journal_size_limit = 0")
        cursor.close()

    @sa.event.listens_for(engine, "begin")
    def _on_begin(connection):
        # A writer takes the write lock up front, so a concurrent writer waits (busy_timeout)
        # instead of failing when it upgrades a read snapshot that has gone stale.
        immediate = connection.get_execution_options().get("sqlite_immediate")
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def lock_for_transaction(*keys: str) -> None:
    """Make transactions that name the same key run one after another, until this one ends.

    For a limit that is counted and then written (failed logins, public requests): without it,
    two PostgreSQL transactions both count below the limit and both insert. PostgreSQL takes a
    transaction-level advisory lock per key (in a fixed order, so two callers never wait for
    each other in a circle); SQLite needs nothing, as unit_of_work() already holds its one
    write lock (BEGIN IMMEDIATE).
    """
    if db.engine.dialect.name != "postgresql":
        return
    for number in sorted({_lock_number(key) for key in keys}):
        db.session.execute(sa.select(sa.func.pg_advisory_xact_lock(number)))


def _lock_number(key: str) -> int:
    """The signed 64-bit number PostgreSQL's advisory locks take, derived from the key."""
    return int.from_bytes(hashlib.sha256(key.encode()).digest()[:8], "big", signed=True)


def remove_deleted_bytes(table: sa.Table) -> bool:
    """Make the rows deleted from `table` unreadable on disk too; False if SQLite was kept busy.

    Deleting a row only hides it. SQLite (secure_delete on) zeroes it in the database pages,
    but the WAL keeps the earlier frames that carried it until the WAL happens to start over:
    a TRUNCATE checkpoint copies the WAL back and empties it (it waits, busy_timeout, for
    readers to finish; if one outlasts that, the WAL stays until the next run). PostgreSQL keeps
    a dead row's bytes in the table's file until VACUUM FULL rewrites the table into a new
    file; that takes the table's lock for a moment, and runs only outside a transaction.
    """
    dialect = db.engine.dialect.name
    if dialect == "sqlite":
        # Inside the (deferred) BEGIN nothing has been read yet, so nothing holds the WAL.
        with db.engine.connect() as connection:
            busy, _, _ = connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)").one()
        return busy == 0
    if dialect == "postgresql":
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            name = connection.dialect.identifier_preparer.quote(table.name)
            connection.execute(sa.text(f"VACUUM FULL {name}"))
    return True


# PostgreSQL's SQLSTATEs for "try the same transaction again": deadlock_detected (it aborted us
# to break a cycle of row locks) and serialization_failure.
RETRYABLE_SQLSTATES = frozenset({"40P01", "40001"})


def is_retryable(error: BaseException) -> bool:
    """Whether the database aborted a transaction that may simply be run again (PostgreSQL)."""
    orig = getattr(error, "orig", None) if isinstance(error, sa.exc.DBAPIError) else None
    return getattr(orig, "sqlstate", None) in RETRYABLE_SQLSTATES


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
    session.connection(execution_options={"sqlite_immediate": True})
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
