"""Operator commands: users, backup, demo seed."""

import sqlite3

import pytest

from inventory.accounts import users as accounts
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


def test_demo_seed_creates_an_admin_once_and_prints_its_password(runner):
    first = runner.invoke(args=["demo", "seed", "--if-empty"])
    assert first.exit_code == 0, first.output
    password = first.output.split("password '")[1].split("'")[0]
    assert accounts.login("demo-admin", password, address=None).user.role == "admin"
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
    import shutil
    import subprocess

    import sqlalchemy as sa

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


def test_users_create_refuses_a_name_starting_with_a_hyphen(runner):
    result = runner.invoke(
        args=["users", "create", "--role", "staff", "--password-stdin", "--", "-1"], input="a-long-password\n"
    )
    assert result.exit_code != 0 and "cannot start with '-'" in result.output
    assert accounts.find_user("-1") is None
