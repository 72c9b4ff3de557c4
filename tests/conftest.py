"""Shared fixtures: an app on a migrated database (SQLite, and PostgreSQL when configured)."""

from __future__ import annotations

import contextvars
import os
import shutil

import pytest
import sqlalchemy as sa
from flask import has_app_context
from flask.testing import FlaskClient

from inventory.accounts.passwords import use_fast_hashing

use_fast_hashing()

PASSWORD = "correct-horse-battery"
# tests/postgres_server.py (a plugin, see pytest.ini) sets TEST_DATABASE_URL after this file is
# imported, and skips a backend's cases, with the reason, when it is unavailable or not selected.
BACKENDS = ["sqlite", "postgresql"]


def postgres_url() -> str:
    """The PostgreSQL test database in SQLAlchemy's psycopg 3 form."""
    url = os.environ["TEST_DATABASE_URL"]
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


class IsolatedClient(FlaskClient):
    """A test client whose every request runs in its own app context, as on a real server.

    Without this a request would reuse the test's app context, and with it `g` (Flask-Login's
    cached user) and the database session, hiding bugs a real server would show.
    """

    def open(self, *args, **kwargs):
        """Send the request from an empty context; afterwards the test's session reads afresh."""
        from inventory.core.db import db

        if has_app_context():
            db.session.rollback()
        response = contextvars.Context().run(super().open, *args, **kwargs)
        if has_app_context():
            db.session.rollback()
        return response


def make_app(database_url: str, **config):
    """Create a testing app on the given database."""
    from app import create_app

    app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": database_url,
            "WTF_CSRF_ENABLED": False,
            "PRIVACY_PURGE_DAILY": False,
            "ALERTS_SEND_IN_PROCESS": False,
            **config,
        }
    )
    app.test_client_class = IsolatedClient
    _apps.append(app)
    return app


_apps = []  # every app make_app created, so its engine is closed after the test


@pytest.fixture(autouse=True)
def _dispose_engines():
    """Close the pooled connections of the apps a test made: left to the GC each is a ResourceWarning."""
    yield
    from inventory.core.db import db

    while _apps:
        with _apps.pop().app_context():
            db.engine.dispose()


def migrate_up(database_url: str) -> None:
    """Bring a database to the newest migration, the way `flask db upgrade` does."""
    from flask_migrate import upgrade

    app = make_app(database_url)
    with app.app_context():
        upgrade()
        from inventory.core.db import db

        db.engine.dispose()


@pytest.fixture(scope="session", params=BACKENDS)
def database(request, tmp_path_factory):
    """A migrated database per backend; returns a callable giving a clean URL per test."""
    if request.param == "sqlite":
        template = tmp_path_factory.mktemp("sqlite") / "template.db"
        migrate_up(f"sqlite:///{template}")

        def fresh(tmp_path):
            target = tmp_path / "test.db"
            shutil.copyfile(template, target)
            return f"sqlite:///{target}"

        fresh.backend = "sqlite"
        yield fresh
        return

    url = postgres_url()
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text("DROP SCHEMA public CASCADE"))
        conn.execute(sa.text("CREATE SCHEMA public"))
    migrate_up(url)
    metadata = sa.MetaData()
    metadata.reflect(engine)
    tables = [t for name, t in metadata.tables.items() if name != "alembic_version"]
    # What the migrations themselves insert (the default items and recipe) is put back after each
    # truncation, so a PostgreSQL test starts from the same fresh database as a SQLite one.
    with engine.connect() as conn:
        seeds = {
            t: [dict(row._mapping) for row in conn.execute(sa.select(t))]
            for t in metadata.sorted_tables
            if t.name != "alembic_version"
        }
    seeds = {t: rows for t, rows in seeds.items() if rows}
    truncate = sa.text("TRUNCATE " + ", ".join(f'"{t.name}"' for t in tables) + " RESTART IDENTITY CASCADE")

    def fresh(tmp_path):
        with engine.begin() as conn:
            conn.execute(truncate)
            for table, rows in seeds.items():
                conn.execute(table.insert(), rows)
                if "id" in table.c:
                    conn.execute(
                        sa.text(
                            f"SELECT setval(pg_get_serial_sequence('\"{table.name}\"', 'id'), "
                            f'(SELECT max(id) FROM "{table.name}"))'
                        )
                    )
        return url

    fresh.backend = "postgresql"
    yield fresh
    engine.dispose()


@pytest.fixture
def database_url(database, tmp_path):
    """A clean, migrated database for one test."""
    return database(tmp_path)


@pytest.fixture
def app(database_url):
    """The app on a clean database, inside an app context."""
    app = make_app(database_url)
    with app.app_context():
        yield app
        from inventory.core.db import db

        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app):
    """A test client for the app."""
    return app.test_client()


@pytest.fixture
def runner(app):
    """A CLI runner for the app."""
    return app.test_cli_runner()


@pytest.fixture
def make_user(app):
    """Create users through the real service: make_user(role, username=None, **kwargs)."""
    from inventory.accounts import users as accounts

    counter = iter(range(1, 10_000))

    def make(role="staff", username=None, password=PASSWORD, **kwargs):
        return accounts.create_user(username or f"{role}{next(counter)}", password, role, **kwargs)

    return make


class AuthActions:
    """Sign a test client in and out, like flaskr's `auth` fixture."""

    def __init__(self, client, make_user):
        self._client, self._make_user = client, make_user

    def login(self, username, password=PASSWORD, remember=False):
        """Sign in through the login form."""
        return self._client.post(
            "/login", data={"login": username, "password": password, "remember": "y" if remember else ""}
        )

    def login_as(self, role, **kwargs):
        """Create a user with this role and sign in as them; return the user."""
        user = self._make_user(role, **kwargs)
        response = self.login(user.username)
        assert response.status_code == 302, response.data[:500]
        return user

    def logout(self):
        """Sign out through the form."""
        return self._client.post("/logout")


@pytest.fixture
def auth(client, make_user):
    """Sign-in helper for the test client."""
    return AuthActions(client, make_user)


# The ledger, request and alert fixtures (items, locations, donate, mail_request, smtp_server, …)
# serve every test folder.
pytest_plugins = ["tests.ledger_fixtures", "tests.request_fixtures", "tests.alert_helpers"]
