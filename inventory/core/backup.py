"""Consistent online backups of the live database, readable by their owner only, and their pruning."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import sqlite3
import subprocess
from datetime import datetime, timedelta
from pathlib import Path

from inventory.core.clock import utcnow
from inventory.core.db import db

# The names the tool gives backups written into a folder; pruning deletes only files named so.
NAME_PREFIX = "tsunagari-"
STAMP_FORMAT = "%Y%m%d-%H%M%SZ"
NAME_PATTERN = re.compile(r"tsunagari-(\d{8}-\d{6}Z)\.(db|dump)")


class BackupUnsupported(Exception):
    """The backup cannot be made as asked; the one-line message says why and what to do."""


def backup_name(dialect: str, now: datetime) -> str:
    """The file name of a backup the tool names itself: tsunagari-<UTC time>.db (or .dump)."""
    return f"{NAME_PREFIX}{now.strftime(STAMP_FORMAT)}.{'db' if dialect == 'sqlite' else 'dump'}"


def backup_database(path: str, now: datetime | None = None) -> Path:
    """Copy the live database to `path` (a file, or a folder to name it in) without stopping the app.

    SQLite goes through its online backup API (a file copy can catch a half-written page
    or miss the WAL); PostgreSQL through pg_dump in its custom format. The copy holds names
    and addresses, so it is created readable by its owner only. Returns the file written.
    """
    engine = db.engine
    dialect = engine.dialect.name
    if dialect not in ("sqlite", "postgresql"):
        raise BackupUnsupported(f"no backup method for {dialect}")
    source = engine.url.database or ""
    if dialect == "sqlite":
        if not source or source == ":memory:":
            raise BackupUnsupported("an in-memory SQLite database has no file to back up")
        if not os.path.isfile(source):
            raise BackupUnsupported(f"there is no database at {source} (check the database setting)")
    target = Path(path)
    if target.is_dir() or path.endswith(os.sep):
        target = target / backup_name(dialect, now or utcnow())
    if not target.parent.is_dir():
        raise BackupUnsupported(f"the folder {target.parent} does not exist: create it first")
    created = _create_private(target)
    try:
        if dialect == "sqlite":
            _backup_sqlite(source, target)
        else:
            _backup_postgresql(target)
    except BaseException:
        if created:
            target.unlink(missing_ok=True)
        raise
    return target


def _create_private(target: Path) -> bool:
    """Make sure the target exists with mode 0600 before anything is written; True if it is new."""
    try:
        os.close(os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        created = True
    except FileExistsError:
        created = False
    except OSError as error:
        raise BackupUnsupported(f"cannot write {target}: {error.strerror}") from None
    os.chmod(target, 0o600)
    return created


def _backup_sqlite(source_path: str, target: Path) -> None:
    source = sqlite3.connect(source_path)
    destination = sqlite3.connect(target)
    try:
        with destination:
            source.backup(destination)
    except sqlite3.Error as error:
        raise BackupUnsupported(f"the SQLite backup failed: {error}") from None
    finally:
        destination.close()
        source.close()


def _backup_postgresql(target: Path) -> None:
    if shutil.which("pg_dump") is None:
        raise BackupUnsupported(
            "pg_dump was not found. Install the PostgreSQL client tools and run: "
            'pg_dump --format=custom --file=PATH "$DATABASE_URL"'
        )
    # The password travels in the environment, not on a command line others can read.
    url = db.engine.url
    env = dict(os.environ, PGPASSWORD=url.password or "")
    command = [
        "pg_dump",
        "--format=custom",
        f"--file={target}",
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
        raise BackupUnsupported(f"pg_dump failed: {' '.join(error.stderr.split())}") from None


def prune_backups(folder: Path, older_than_days: int, now: datetime | None = None) -> list[Path]:
    """Delete the backups the tool named in `folder` that are older than the given days.

    Only files named tsunagari-<UTC time>.db/.dump count, by the time in their name: a copy
    someone named by hand, or any other file, is left alone. Returns the files deleted.
    """
    if older_than_days < 1:
        raise ValueError("older_than_days must be at least 1, or the newest backup would go too")
    cutoff = (now or utcnow()) - timedelta(days=older_than_days)
    deleted = []
    for path in sorted(folder.iterdir()):
        match = NAME_PATTERN.fullmatch(path.name)
        if not match or not path.is_file():
            continue
        made_at = datetime.strptime(match.group(1), STAMP_FORMAT)
        if made_at < cutoff:
            with contextlib.suppress(FileNotFoundError):
                path.unlink()
                deleted.append(path)
    return deleted
