"""Personal data: deleted on time (and really gone from the file), counted afterwards, printed discreetly."""

import os
import stat
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from inventory.core.clock import utcnow
from inventory.core.db import db
from inventory.core.errors import InvalidValue
from inventory.requests import parcels as request_printing
from inventory.requests import queries as request_queries
from inventory.requests import retention
from inventory.requests import services as requests
from inventory.requests.errors import NoPersonalData
from inventory.requests.models import PackRequest, RequestPersonalData
from inventory.requests.personal_data import access_log
from inventory.settings import organisation as settings
from tests import pdf_tools
from tests.conftest import make_app, migrate_up
from tests.ledger_fixtures import fresh_key

PRODUCT_WORDS = ("生理", "ナプキン", "パッド", "生理用品", "sanitary")


def personal_rows() -> int:
    db.session.rollback()
    return db.session.scalar(sa.select(sa.func.count()).select_from(RequestPersonalData))


def closed_days_ago(mail_request, days, *, cancel=False, **personal):
    """A mailed request fulfilled (or cancelled) `days` ago."""
    request_id = mail_request(**personal)
    when = utcnow() - timedelta(days=days)
    if cancel:
        requests.cancel_request(request_id, reason="取り下げ", idempotency_key=fresh_key(), now=when)
    else:
        requests.fulfil_request(request_id, idempotency_key=fresh_key(), now=when)
    return request_id


def sqlite_files(database_url: str) -> list[Path]:
    """The database file and its -wal and -shm companions (those that exist right now)."""
    path = Path(database_url.removeprefix("sqlite:///"))
    candidates = [path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")]
    return [candidate for candidate in candidates if candidate.exists()]


def sqlite_bytes(database_url: str) -> bytes:
    """Everything SQLite keeps on disk for the database, as the app left it (no checkpoint here)."""
    return b"".join(path.read_bytes() for path in sqlite_files(database_url))


def test_a_purged_address_is_nowhere_in_the_database_wal_or_shm_file_and_the_request_still_counts(
    app, database, database_url, mail_request, packages
):
    if database.backend != "sqlite":
        pytest.skip("reads the SQLite files' bytes; PostgreSQL's table file has a test of its own")
    packages(2)
    unique = f"青葉町{uuid.uuid4().hex}番地"
    request_id = mail_request(address=unique)
    requests.fulfil_request(request_id, idempotency_key=fresh_key())
    assert unique.encode() in sqlite_bytes(database_url)  # the test can see it while it is there

    result = retention.purge_personal_data(now=utcnow() + timedelta(days=31))

    assert (result.requests, result.files_scrubbed) == (1, True)
    assert len(sqlite_files(database_url)) == 3  # the app still has them open: nothing skipped
    assert unique.encode() not in sqlite_bytes(database_url)
    request = db.session.get(PackRequest, request_id)
    assert (request.status, request.channel, request.delivery, request.quantity) == (
        "fulfilled",
        "phone",
        "mail",
        1,
    )
    assert request.personal_data_purged_at is not None and request.created_at is not None
    counts = request_queries.count_requests()
    assert (counts.total, counts.by_kind, counts.packs_fulfilled) == (1, {"individual": 1}, 1)


def postgres_table_files(connection, data_directory: Path, table: str) -> Path:
    """Where the table's rows are on disk now, after the server has written out what it holds."""
    connection.execute(sa.text("CHECKPOINT"))
    return (
        data_directory / connection.execute(sa.text("SELECT pg_relation_filepath(:t)"), {"t": table}).scalar()
    )


def test_a_purged_address_is_gone_from_the_postgresql_table_files(app, database, mail_request, packages):
    if database.backend != "postgresql":
        pytest.skip("reads PostgreSQL's table files; SQLite's files have a test of their own")
    server = db.engine.connect().execution_options(isolation_level="AUTOCOMMIT")
    try:
        data_directory = Path(server.execute(sa.text("SHOW data_directory")).scalar())
    except sa.exc.DBAPIError:
        server.close()
        pytest.skip("the test role may not read the server's data_directory setting")
    if not os.access(data_directory, os.R_OK | os.X_OK):
        server.close()
        pytest.skip("the server's data directory is not readable from the tests")
    packages(2)
    unique = f"青葉町{uuid.uuid4().hex}番地"
    request_id = mail_request(address=unique)
    requests.fulfil_request(request_id, idempotency_key=fresh_key())
    table = RequestPersonalData.__tablename__
    with server:
        before = postgres_table_files(server, data_directory, table)
        assert unique.encode() in before.read_bytes()  # the test can see it while it is there

        result = retention.purge_personal_data(now=utcnow() + timedelta(days=31))

        after = postgres_table_files(server, data_directory, table)
        assert (result.requests, result.files_scrubbed) == (1, True)
        for path in {before, after}:
            assert not path.exists() or unique.encode() not in path.read_bytes()
    assert db.session.get(PackRequest, request_id).personal_data_purged_at is not None


def test_personal_data_is_kept_until_the_retention_has_passed(mail_request, packages):
    packages(3)
    closed_days_ago(mail_request, 29)
    old = closed_days_ago(mail_request, 31)
    assert retention.purge_personal_data().requests == 1
    assert personal_rows() == 1 and db.session.get(RequestPersonalData, old) is None


def test_cancelled_requests_lose_their_personal_data_too(mail_request):
    closed_days_ago(mail_request, 40, cancel=True)
    assert retention.purge_personal_data().requests == 1 and personal_rows() == 0


def test_open_requests_keep_their_personal_data_however_old(mail_request):
    mail_request()
    assert retention.purge_personal_data(now=utcnow() + timedelta(days=3650)).requests == 0
    assert personal_rows() == 1


def test_the_retention_days_setting_decides_when(mail_request, packages):
    packages(1)
    settings.update_settings(retention_days=7)
    closed_days_ago(mail_request, 8)
    assert retention.purge_personal_data().requests == 1


def test_the_daily_purge_runs_once_a_day_across_two_app_instances(app, database_url, mail_request, packages):
    packages(2)
    closed_days_ago(mail_request, 40)
    db.session.remove()
    first, second = make_app(database_url), make_app(database_url)
    with first.app_context():
        assert retention.run_daily_purge().requests == 1
        db.session.remove()
    with second.app_context():
        assert retention.run_daily_purge() is None  # today's run is done, by the other process
        assert retention.run_daily_purge(now=utcnow() + timedelta(days=1)) is not None
        db.session.remove()
        db.engine.dispose()
    with first.app_context():
        db.engine.dispose()


def test_the_app_runs_the_purge_by_itself_on_its_first_request_of_the_day(
    app, database_url, mail_request, packages
):
    packages(1)
    closed_days_ago(mail_request, 40)
    db.session.remove()
    daily = make_app(database_url, PRIVACY_PURGE_DAILY=True)
    with daily.app_context():
        daily.test_client().get("/healthz")
        db.session.remove()
        db.engine.dispose()
    assert personal_rows() == 0


def test_flask_privacy_purge_deletes_what_is_due(runner, mail_request, packages):
    packages(1)
    closed_days_ago(mail_request, 40)
    result = runner.invoke(args=["privacy", "purge"])
    assert result.exit_code == 0, result.output
    assert "personal data deleted for 1 requests" in result.output
    assert personal_rows() == 0
    assert runner.invoke(args=["privacy", "purge", "--now", "not-a-date"]).exit_code != 0


# ---- printing ------------------------------------------------------------------------------


def pdf_text(pdf: bytes) -> str:
    """The text a PDF reader extracts from the file."""
    return pdf_tools.text(pdf)


def test_the_packing_slip_and_address_label_contain_no_product_words(mail_request, make_user):
    settings.update_settings(sender_name="あおば事務所")
    request_id = mail_request(quantity=2, recipient_name="ゆき", address="北見市青葉町2-3")
    staff = make_user("staff")
    label = pdf_text(request_printing.address_label_pdf(request_id, viewer_id=staff.id))
    slip = pdf_text(request_printing.packing_slip_pdf(request_id))
    assert "090-0018" in label and "ゆき" in label and "あおば事務所" in label
    assert "あおば事務所" in slip and "お届け物" in slip
    for text in (label, slip):
        assert not [word for word in PRODUCT_WORDS if word.lower() in text.lower()], text
    assert [row.action for row in access_log()] == ["address_label"]


def test_printing_for_mail_is_refused_until_a_neutral_sender_is_set(mail_request, make_user):
    request_id = mail_request()
    with pytest.raises(InvalidValue) as refused:
        request_printing.packing_slip_pdf(request_id)
    assert refused.value.details["reason"] == "no_sender"
    with pytest.raises(InvalidValue):
        request_printing.address_label_pdf(request_id, viewer_id=make_user("staff").id)
    assert access_log() == []


def test_there_is_no_address_label_once_the_data_is_purged(mail_request, packages, make_user):
    packages(1)
    settings.update_settings(sender_name="あおば事務所")
    request_id = closed_days_ago(mail_request, 40)
    retention.purge_personal_data()
    with pytest.raises(NoPersonalData):
        request_printing.address_label_pdf(request_id, viewer_id=make_user("staff").id)


def test_a_new_sqlite_database_and_its_wal_and_shm_are_readable_by_their_owner_only(tmp_path):
    previous = os.umask(0o022)  # the usual umask, under which files are created world-readable
    try:
        url = f"sqlite:///{tmp_path / 'new.db'}"
        migrate_up(url)
        app = make_app(url)
        with app.app_context():
            settings.update_settings(retention_days=14)  # a write: the WAL and its index are in use
            files = sqlite_files(url)
            assert [path.name for path in files] == ["new.db", "new.db-wal", "new.db-shm"]
            assert {path.name: stat.S_IMODE(path.stat().st_mode) for path in files} == {
                "new.db": 0o600,
                "new.db-wal": 0o600,
                "new.db-shm": 0o600,
            }
            db.session.remove()
    finally:
        os.umask(previous)


def test_after_the_purge_the_sqlite_connection_still_begins_its_own_transactions(database, database_url):
    if database.backend != "sqlite":
        pytest.skip("SQLite's transaction set-up")
    one_connection = make_app(database_url, SQLALCHEMY_ENGINE_OPTIONS={"pool_size": 1, "max_overflow": 0})
    with one_connection.app_context():
        assert retention.purge_personal_data().files_scrubbed
        with db.engine.connect() as connection:
            # None: SQLAlchemy sends BEGIN (IMMEDIATE) itself, never pysqlite's implicit one.
            assert connection.connection.dbapi_connection.isolation_level is None
        db.session.remove()
