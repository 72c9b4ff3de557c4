"""HTTP and CLI: blueprints, forms and commands on top of the domain in `inventory`."""

from __future__ import annotations

from flask import Flask


def register_all(app: Flask) -> None:
    """Attach the database, the extensions, the blueprints and the CLI to the app."""
    import inventory.schema  # noqa: F401  (every table registered before migrations look)
    from inventory.core.db import configure_sqlite, db

    from . import (
        admin,
        alerts,
        api,
        auth,
        cli,
        errors,
        i18n,
        main,
        navigation,
        outcomes,
        printing,
        public,
        reports,
        requests,
        rounds,
        routing,
        security,
        stock,
    )
    from .api.views import init_app as init_api
    from .auth.access import init_app as init_login
    from .extensions import csrf, migrate

    routing.init_app(app)  # before any route is added: the converters are looked up then
    db.init_app(app)
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            configure_sqlite(db.engine)
    migrate.init_app(
        app, db, directory=str(app.root_path + "/migrations"), render_as_batch=True, compare_type=True
    )
    csrf.init_app(app)
    security.init_app(app)
    i18n.init_app(app)
    init_login(app)
    errors.init_app(app)
    navigation.init_app(app)
    init_api(app)
    for module in (
        main,
        auth,
        admin,
        api,
        public,
        rounds,
        stock,
        printing,
        requests,
        reports,
        outcomes,
        alerts,
    ):
        app.register_blueprint(module.bp)
    cli.init_app(app)
