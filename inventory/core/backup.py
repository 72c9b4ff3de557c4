"""Consistent online backups of the live database."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess

from inventory.core.db import db


class BackupUnsupported(Exception):
    """The database cannot be backed up from here; the message says what to do instead."""


def backup_database(path: str) -> None:
    """Copy the live database to `path` without stopping the app.

    SQLite goes through its online backup API (a file copy can catch a half-written page
    or miss the WAL); PostgreSQL through pg_dump in its custom format.
    """
    engine = db.engine
    if engine.dialect.name == "sqlite":
        database = engine.url.database
        if not database or database == ":memory:":
            raise BackupUnsupported("an in-memory SQLite database has no file to back up")
        source = sqlite3.connect(database)
        target = sqlite3.connect(path)
        try:
            with target:
                source.backup(target)
        finally:
            target.close()
            source.close()
        return
    if engine.dialect.name == "postgresql":
        if shutil.which("pg_dump") is None:
            raise BackupUnsupported(
                "pg_dump was not found. Install the PostgreSQL client tools and run: "
                'pg_dump --format=custom --file=PATH "$DATABASE_URL"'
            )
        # The password travels in the environment, not on a command line others can read.
        url = engine.url
        env = dict(os.environ, PGPASSWORD=url.password or "")
        command = [
            "pg_dump",
            "--format=custom",
            f"--file={path}",
            "-h",
            url.host or "localhost",
            "-p",
            str(url.port or 5432),
            *(["-U", url.username] if url.username else []),
            url.database or "",
        ]
        try:
            subprocess.run(command, check=True, env=env, capture_output=True, text=True)
        except subprocess.CalledProcessError as error:
            raise BackupUnsupported(f"pg_dump failed: {error.stderr.strip()}") from None
        return
    raise BackupUnsupported(f"no backup method for {engine.dialect.name}")
