"""CSV exports: Japan time, no personal data, UTF-8 with BOM or Shift_JIS with a named replacement."""

import csv
import io
from datetime import date, datetime

import pytest

from inventory.reports import exports
from inventory.stock import operations, receipts
from tests.inventory.test_reports import at_jst

PERSONAL = {
    "donor_name",
    "note",
    "recorded_by",
    "visitor",
    "visitor_id",
    "created_by",
    "name",
    "recipient_name",
    "address",
    "postal_code",
    "phone",
    "email",
    "line_id",
}


def test_no_export_has_a_personal_data_column():
    for dataset, columns in exports.COLUMNS.items():
        assert PERSONAL.isdisjoint(columns), dataset


def test_movements_are_exported_oldest_first_in_japan_time(items, storeroom, point, donate):
    donate(10, item=items.package, on=date(2026, 3, 1))
    operations.transfer_stock(
        storeroom.id,
        point.id,
        [(items.package, 4)],
        occurred_at=at_jst(2026, 3, 31, 23, 59),
        note="山田さんに電話",
        idempotency_key=None,
    )
    rows = list(exports.rows("movements", None, None))
    assert [row[1] for row in rows] == ["2026-03-01 00:00", "2026-03-31 23:59"]
    assert rows[1][2] == "transfer" and rows[1][5] == 4 and rows[1][6] == storeroom.code
    assert not any("山田" in str(value) for row in rows for value in row)


def test_a_date_range_selects_by_utc_bounds(items, storeroom, point, donate):
    donate(10, item=items.package, on=date(2026, 3, 1))
    for minute in (at_jst(2026, 3, 31, 23, 59), at_jst(2026, 4, 1, 0, 0)):
        operations.transfer_stock(
            storeroom.id, point.id, [(items.package, 1)], occurred_at=minute, idempotency_key=None
        )
    since, until = datetime(2026, 3, 31, 15, 0), datetime(2026, 4, 1, 15, 0)  # April 1 in Japan
    assert [row[1] for row in exports.rows("movements", since, until)] == ["2026-04-01 00:00"]


def test_donations_leave_out_the_donor_name_and_purchases_carry_yen(items, storeroom):
    receipts.receive_donation(
        storeroom.id,
        date(2026, 5, 1),
        [(items.pack, 3)],
        donor_kind="individual",
        donor_name="山田花子",
        idempotency_key=None,
    )
    receipts.record_purchase(
        storeroom.id,
        date(2026, 5, 2),
        [(items.pack, 4, 250)],
        vendor="薬局",
        funding="grant",
        idempotency_key=None,
    )
    donations = list(exports.rows("donations", None, None, {"donor_kind": {"individual": "個人"}}))
    assert donations == [
        (donations[0][0], "2026-05-01", "倉庫", "個人", "生理用品パック（約20個入り）", "パック", 3, "")
    ]
    [purchase] = list(exports.rows("purchases", None, None))
    assert purchase[8:11] == (4, 250, 1000)


def test_the_requests_export_has_counts_and_codes_and_nothing_personal(app, point):
    import uuid

    from inventory.requests import services as requests

    requests.create_individual_request(
        quantity=2,
        channel="phone",
        delivery="mail",
        location_id=point.id,
        recipient_name="秘密の名前",
        postal_code="090-0018",
        address="北見市どこか1-1",
        idempotency_key=uuid.uuid4().hex,
    )
    [row] = list(exports.rows("requests", None, None))
    assert row[2:8] == ("individual", "phone", "mail", point.code, 2, "new")
    assert not any("秘密の名前" in str(value) or "北見市どこか" in str(value) for value in row)


def _decode(chunks, encoding):
    return b"".join(chunks).decode(encoding)


def test_utf8_csv_starts_with_a_bom_and_round_trips():
    rows = [(1, "生理用品, パック", 'say "hi"'), (2, "line\nbreak", "")]
    text = _decode(exports.csv_chunks(["番号", "品目", "メモ"], rows), "utf-8")
    assert text.startswith("\ufeff")
    parsed = list(csv.reader(io.StringIO(text[1:], newline="")))
    assert parsed == [
        ["番号", "品目", "メモ"],
        ["1", "生理用品, パック", 'say "hi"'],
        ["2", "line\nbreak", ""],
    ]


def test_cp932_replaces_what_it_cannot_hold_with_geta_and_names_it_on_the_last_line():
    rows = [(1, "𠮷野家"), (2, "〜−")]  # U+20BB7 has no cp932 code; the wave dash and minus have look-alikes
    data = b"".join(exports.csv_chunks(["番号", "名前"], rows, "cp932", "replaced: %(chars)s"))
    assert not data.startswith(b"\xef\xbb\xbf")
    parsed = list(csv.reader(io.StringIO(data.decode("cp932"), newline="")))
    assert parsed[1] == ["1", "〓野家"]
    assert parsed[2] == ["2", "～－"]
    assert parsed[-1] == ["〓", "replaced: U+20BB7"]


def test_cp932_without_replacements_has_no_note():
    data = b"".join(exports.csv_chunks(["a"], [("倉庫",)], "shift_jis"))
    assert data.decode("cp932") == "a\r\n倉庫\r\n"


@pytest.mark.parametrize("name", ["latin-1", "utf-16", "", "ebcdic"])
def test_an_unsupported_encoding_is_refused(name):
    if name == "":
        assert exports.check_encoding(name) == "utf-8-sig"
        return
    with pytest.raises(exports.UnsupportedEncoding):
        exports.check_encoding(name)
