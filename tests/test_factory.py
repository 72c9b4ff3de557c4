"""The app factory: config order and the refusal to run without a real secret key."""

import pytest

from app import MissingSecretKey, create_app


def test_testing_config_is_applied_last(monkeypatch, tmp_path):
    monkeypatch.setenv("FLASK_MAX_CONTENT_LENGTH", "12345")
    app = create_app(
        {"TESTING": True, "MAX_CONTENT_LENGTH": 999, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.db"}
    )
    assert app.testing
    assert app.config["MAX_CONTENT_LENGTH"] == 999


def test_environment_overrides_the_instance_config_file(monkeypatch, tmp_path):
    instance = tmp_path / "instance"
    instance.mkdir()
    (instance / "config.py").write_text("SECRET_KEY = 'from-file-0123456789'\nMAX_CONTENT_LENGTH = 1\n")
    monkeypatch.setattr("flask.Flask.auto_find_instance_path", lambda self: str(instance))
    monkeypatch.setenv("FLASK_MAX_CONTENT_LENGTH", "2048")
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/env.db")
    app = create_app()
    assert app.config["SECRET_KEY"] == "from-file-0123456789"
    assert app.config["MAX_CONTENT_LENGTH"] == 2048
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path}/env.db"


def test_postgres_scheme_from_hosting_providers_is_accepted(monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", "postgres://u:p@db.invalid:5432/tsunagari")
    app = create_app({"TESTING": True})
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u:p@db.invalid:5432/tsunagari"


@pytest.mark.parametrize("key", [None, "", "dev"])
def test_production_app_refuses_to_start_without_a_real_secret_key(monkeypatch, tmp_path, key):
    monkeypatch.setattr("flask.Flask.auto_find_instance_path", lambda self: str(tmp_path))
    monkeypatch.delenv("FLASK_SECRET_KEY", raising=False)
    monkeypatch.delenv("FLASK_DEBUG", raising=False)
    config = {} if key is None else {"SECRET_KEY": key}
    with pytest.raises(MissingSecretKey, match="FLASK_SECRET_KEY"):
        create_app(config or None)


def test_debug_app_gets_a_throwaway_key(monkeypatch, tmp_path):
    monkeypatch.setattr("flask.Flask.auto_find_instance_path", lambda self: str(tmp_path))
    monkeypatch.delenv("FLASK_SECRET_KEY", raising=False)
    monkeypatch.setenv("FLASK_DEBUG", "1")
    app = create_app()
    assert len(app.config["SECRET_KEY"]) >= 32
