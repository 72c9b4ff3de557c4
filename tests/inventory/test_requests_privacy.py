"""Personal data: deleted on time (and really gone from the file), counted afterwards, printed discreetly."""

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
from tests.conftest import make_app
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


def checkpoint() -> None:
    """Write the WAL into the database file and truncate it (no reader may hold it open)."""
    db.session.remove()
    with db.engine.connect() as connection:
        busy, _, _ = connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)").one()
    assert busy == 0


def file_bytes(database_url: str) -> bytes:
    path = Path(database_url.removeprefix("sqlite:///"))
    wal = path.with_name(path.name + "-wal")
    return path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")


def test_a_purged_address_is_nowhere_in_the_database_file_and_the_request_still_counts(
    app, database, database_url, mail_request, packages
):
    if database.backend != "sqlite":
        pytest.skip("reads the SQLite file's bytes")
    packages(2)
    unique = f"青葉町{uuid.uuid4().hex}番地"
    request_id = mail_request(address=unique)
    requests.fulfil_request(request_id, idempotency_key=fresh_key())
    checkpoint()
    assert unique.encode() in file_bytes(database_url)  # the test can see it while it is there

    result = retention.purge_personal_data(now=utcnow() + timedelta(days=31))
    checkpoint()

    assert result.requests == 1
    assert unique.encode() not in file_bytes(database_url)
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
