"""The application factory: config, extensions, blueprints. The one entry point (`flask --app app`)."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from flask import Flask

DEV_KEYS = {None, "", "dev", "change-me", "secret"}


class MissingSecretKey(RuntimeError):
    """Raised when a production app is started without a real SECRET_KEY."""


def database_url_from_env() -> str | None:
    """Read DATABASE_URL, accepting the `postgres://` form some hosts hand out."""
    url = os.environ.get("DATABASE_URL")
    if url and url.startswith("postgres://"):
        url = "postgresql+psycopg://" + url[len("postgres://") :]
    elif url and url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


def create_app(test_config: dict | None = None) -> Flask:
    """Create and configure the app: defaults, instance config, environment, then test_config."""
    app = Flask(__name__, instance_relative_config=True)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    app.config.from_mapping(
        SECRET_KEY=None,
        SQLALCHEMY_DATABASE_URI="sqlite:///" + os.path.join(app.instance_path, "tsunagari.db"),
        # Database errors (and so logs) never repeat the values sent: they may be names or addresses.
        SQLALCHEMY_ENGINE_OPTIONS={"hide_parameters": True},
        MAX_CONTENT_LENGTH=1024 * 1024,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        REMEMBER_COOKIE_HTTPONLY=True,
        REMEMBER_COOKIE_SAMESITE="Lax",
        REMEMBER_COOKIE_DURATION=60 * 60 * 24 * 30,
        WTF_CSRF_TIME_LIMIT=None,  # the token lives as long as the login session
        BABEL_DEFAULT_LOCALE="ja",
        BABEL_DEFAULT_TIMEZONE="Asia/Tokyo",
        BABEL_TRANSLATION_DIRECTORIES=str(Path(app.root_path) / "translations"),
        PROXY_FIX=0,
        LABEL_FONT_PATH=None,
        PRIVACY_PURGE_DAILY=True,
    )
    app.config.from_pyfile("config.py", silent=True)
    app.config.from_prefixed_env()
    if url := database_url_from_env():
        app.config["SQLALCHEMY_DATABASE_URI"] = url
    if test_config is not None:
        app.config.from_mapping(test_config)
    _check_secret_key(app)

    from blueprints import register_all

    register_all(app)
    return app


def _check_secret_key(app: Flask) -> None:
    """Refuse to run in production with no key; debug and tests get a throwaway one."""
    if app.config.get("SECRET_KEY") not in DEV_KEYS:
        return
    if app.debug or app.testing:
        app.config["SECRET_KEY"] = secrets.token_hex(32)
        return
    raise MissingSecretKey(
        "SECRET_KEY is not set. Put a long random value in instance/config.py "
        "(SECRET_KEY = '...'; `make run` writes one for you) or set FLASK_SECRET_KEY, e.g.\n"
        "  export FLASK_SECRET_KEY=$(python3 -c 'import secrets; print(secrets.token_hex(32))')"
    )
