"""Operator commands: users, backup (private files, refusals, pruning), demo seed."""

import os
import shutil
import sqlite3
import stat
from datetime import timedelta

import pytest
import sqlalchemy as sa

from inventory.accounts import users as accounts
from inventory.core import backup
from inventory.core.clock import utcnow
from tests.conftest import make_app


def test_users_create_reads_the_password_from_stdin(runner):
    result = runner.invoke(
        args=["users", "create", "Kana", "--role", "volunteer", "--password-stdin"], input="a-long-password\n"
    )
    assert result.exit_code == 0, result.output
    assert accounts.login("kana", "a-long-password", address=None).user.role == "volunteer"


def test_users_create_refuses_a_short_password_and_an_unknown_role(runner):
    short = runner.invoke(
        args=["users", "create", "kana", "--role", "staff", "--password-stdin"], input="short\n"
    )
    assert short.exit_code != 0 and accounts.find_user("kana") is None
    unknown = runner.invoke(
        args=["users", "create", "kana", "--role", "root", "--password-stdin"], input="a-long-password\n"
    )
    assert unknown.exit_code != 0 and accounts.find_user("kana") is None


def test_set_password_deactivate_and_list(runner, make_user):
    make_user("staff", username="ops")
    assert (
        runner.invoke(
            args=["users", "set-password", "ops", "--password-stdin"], input="another-password\n"
        ).exit_code
        == 0
    )
    assert accounts.login("ops", "another-password", address=None)
    assert runner.invoke(args=["users", "deactivate", "ops"]).exit_code == 0
    listing = runner.invoke(args=["users", "list"]).output
    assert "ops\tstaff\tinactive" in listing
    assert runner.invoke(args=["users", "deactivate", "ghost"]).exit_code != 0


def test_demo_seed_creates_an_account_per_role_once_and_prints_each_password(runner):
    first = runner.invoke(args=["demo", "seed", "--if-empty"])
    assert first.exit_code == 0, first.output
    for role in ("admin", "staff", "volunteer", "school"):
        line = next(line for line in first.output.splitlines() if f"'demo-{role}'" in line)
        password = line.split("password '")[1].split("'")[0]
        assert accounts.login(f"demo-{role}", password, address=None).user.role == role
    assert "users set-password" in first.output
    second = runner.invoke(args=["demo", "seed", "--if-empty"])
    assert "skipped" in second.output


def test_a_sqlite_backup_restores_to_the_same_data(runner, database, make_user, tmp_path):
    if database.backend != "sqlite":
        pytest.skip("the SQLite backup API; PostgreSQL uses pg_dump")
    make_user("staff", username="before-backup")
    target = tmp_path / "backup.db"
    result = runner.invoke(args=["backup", str(target)])
    assert result.exit_code == 0, result.output
    with sqlite3.connect(target) as copy:
        assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    restored = make_app(f"sqlite:///{target}")
    with restored.app_context():
        assert accounts.find_user("before-backup") is not None


def test_a_postgresql_backup_restores_to_the_same_data(runner, database, database_url, make_user, tmp_path):
    if database.backend != "postgresql":
        pytest.skip("pg_dump; SQLite uses its online backup API")
    import subprocess

    if shutil.which("pg_restore") is None:
        pytest.skip("pg_restore is not installed")
    make_user("staff", username="before-backup")
    target = tmp_path / "backup.dump"
    result = runner.invoke(args=["backup", str(target)])
    assert result.exit_code == 0, result.output
    url = sa.engine.make_url(database_url)
    engine = sa.create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    copy_name = f"{url.database}_restore"
    with engine.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{copy_name}"'))
        conn.execute(sa.text(f'CREATE DATABASE "{copy_name}"'))
    try:
        env = {"PGPASSWORD": url.password or "", "PATH": "/usr/bin:/bin"}
        subprocess.run(
            [
                "pg_restore",
                "--no-owner",
                "-h",
                url.host or "127.0.0.1",
                "-p",
                str(url.port or 5432),
                "-U",
                url.username,
                "-d",
                copy_name,
                str(target),
            ],
            check=True,
            env=env,
        )
        restored = sa.create_engine(url.set(database=copy_name))
        with restored.connect() as conn:
            assert (
                conn.execute(
                    sa.text("SELECT count(*) FROM \"user\" WHERE username = 'before-backup'")
                ).scalar()
                == 1
            )
        restored.dispose()
    finally:
        with engine.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{copy_name}"'))
        engine.dispose()


@pytest.fixture
def umask_022():
    """The usual umask, under which files are created world-readable unless made otherwise."""
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_backup_is_readable_by_its_owner_only(runner, database, umask_022, make_user, tmp_path):
    if database.backend == "postgresql" and shutil.which("pg_dump") is None:
        pytest.skip("pg_dump is not installed")
    make_user("staff", username="before-backup")
    target = tmp_path / "backup.copy"
    result = runner.invoke(args=["backup", str(target)])
    assert result.exit_code == 0, result.output
    assert mode(target) == 0o600 and target.stat().st_size > 0
    target.chmod(0o644)  # an existing file written over is made private too
    assert runner.invoke(args=["backup", str(target)]).exit_code == 0
    assert mode(target) == 0o600


def test_backup_refuses_a_sqlite_database_that_does_not_exist_and_creates_none(tmp_path):
    missing = tmp_path / "typo.db"
    app = make_app(f"sqlite:///{missing}")
    with app.app_context():
        result = app.test_cli_runner().invoke(args=["backup", str(tmp_path / "copy.db")])
    assert result.exit_code != 0
    assert result.output.strip().count("\n") == 0 and "Traceback" not in result.output
    assert f"there is no database at {missing}" in result.output
    assert list(tmp_path.iterdir()) == []


def test_backup_refuses_a_postgresql_database_that_does_not_exist_in_one_line(
    database, database_url, tmp_path
):
    if database.backend != "postgresql":
        pytest.skip("pg_dump's answer; SQLite has a test of its own")
    if shutil.which("pg_dump") is None:
        pytest.skip("pg_dump is not installed")
    wrong = sa.engine.make_url(database_url).set(database="no_such_database")
    app = make_app(wrong.render_as_string(hide_password=False))
    with app.app_context():
        result = app.test_cli_runner().invoke(args=["backup", str(tmp_path / "copy.dump")])
    assert result.exit_code != 0
    assert result.output.strip().count("\n") == 0 and "no_such_database" in result.output
    assert list(tmp_path.iterdir()) == []  # no empty file left behind


def test_backup_refuses_a_folder_that_does_not_exist_in_one_line(runner, tmp_path):
    result = runner.invoke(args=["backup", str(tmp_path / "not-made-yet" / "copy.db")])
    assert result.exit_code != 0
    assert (
        result.output.strip()
        == f"Error: the folder {tmp_path / 'not-made-yet'} does not exist: create it first"
    )
    assert not (tmp_path / "not-made-yet").exists()
    as_folder = runner.invoke(args=["backup", f"{tmp_path / 'not-made-yet'}/"])
    assert as_folder.exit_code != 0 and "the folder" in as_folder.output
    assert not (tmp_path / "not-made-yet").exists()


def test_backup_into_a_folder_names_the_file_and_prunes_only_its_own_old_backups(
    runner, database, umask_022, tmp_path
):
    if database.backend == "postgresql" and shutil.which("pg_dump") is None:
        pytest.skip("pg_dump is not installed")
    folder = tmp_path / "backups"
    folder.mkdir()
    now = utcnow()
    old = [folder / backup.backup_name("sqlite", now - timedelta(days=d)) for d in (31, 400)]
    old.append(folder / backup.backup_name("postgresql", now - timedelta(days=45)))
    recent = folder / backup.backup_name("sqlite", now - timedelta(days=29))
    others = [
        folder / "tsunagari-2020-01-01.db",
        folder / "notes.txt",
        folder / "tsunagari-20200101-000000Z.db.gz",
    ]
    for path in [*old, recent, *others]:
        path.write_bytes(b"x")

    result = runner.invoke(args=["backup", "--prune-older-than", "30", str(folder)])

    assert result.exit_code == 0, result.output
    written = [p for p in folder.iterdir() if p not in (*old, recent, *others)]
    assert len(written) == 1 and backup.NAME_PATTERN.fullmatch(written[0].name)
    assert mode(written[0]) == 0o600
    assert sorted(folder.iterdir()) == sorted([recent, *others, written[0]])
    assert all(f"deleted old backup {path}" in result.output for path in old)


def test_prune_needs_at_least_one_day_so_the_new_backup_stays(runner, tmp_path):
    folder = tmp_path / "backups"
    folder.mkdir()
    result = runner.invoke(args=["backup", "--prune-older-than", "0", str(folder)])
    assert result.exit_code != 0 and list(folder.iterdir()) == []


def test_users_create_refuses_a_name_starting_with_a_hyphen(runner):
    result = runner.invoke(
        args=["users", "create", "--role", "staff", "--password-stdin", "--", "-1"], input="a-long-password\n"
    )
    assert result.exit_code != 0 and "cannot start with '-'" in result.output
    assert accounts.find_user("-1") is None
