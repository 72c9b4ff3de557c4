"""The domain's own input checks: what the API, the CLI and the forms meet alike."""

from datetime import datetime, timedelta, timezone

import pytest

from inventory.core import idempotency
from inventory.core.checks import MAX_ROW_ID, check_occurred_at, clean_note, is_row_id
from inventory.core.errors import InvalidDate, InvalidValue
from inventory.stock import catalog
from inventory.stock.errors import UnknownItem, UnknownLocation


def test_only_whole_numbers_from_1_to_the_largest_integer_are_row_ids():
    assert is_row_id(1) and is_row_id(MAX_ROW_ID)
    for value in (0, -1, MAX_ROW_ID + 1, 2**63 + 1, True, "1", 1.0, None):
        assert not is_row_id(value), value


@pytest.mark.parametrize(
    "when, reason",
    [
        (datetime(1, 1, 1, tzinfo=timezone(timedelta(hours=14))), "too_old"),
        (datetime(9999, 12, 31, 23, 59, 59, tzinfo=timezone(timedelta(hours=-14))), "future"),
    ],
)
def test_a_time_whose_offset_leaves_the_calendar_is_refused_as_a_date(when, reason):
    with pytest.raises(InvalidDate) as refused:
        check_occurred_at(when)
    assert refused.value.field == "occurred_at" and refused.value.details["reason"] == reason


@pytest.mark.parametrize("note", ["a\x00b", "bell\x07", "\u200bhidden", "\ud800"])
def test_a_note_with_hidden_characters_is_refused(note):
    with pytest.raises(InvalidValue) as refused:
        clean_note(note)
    assert refused.value.field == "note" and refused.value.details["reason"] == "characters"


def test_a_note_keeps_its_line_breaks_and_is_cut_to_length():
    assert clean_note(" 一行目\r\n\t二行目 ") == "一行目\r\n\t二行目"
    assert len(clean_note("x" * 10_000)) == 500


def test_a_key_with_a_nul_byte_is_refused_as_a_key():
    with pytest.raises(InvalidValue) as refused:
        idempotency.check_key("abcdefgh\x00ijkl")
    assert refused.value.field == "idempotency_key"


def test_lookups_with_impossible_ids_and_codes_find_nothing(app, point):
    assert catalog.find_location_by_code("ABC\x00DEF") is None
    assert catalog.find_location_by_code(point.code + "\x00") is None
    with pytest.raises(UnknownLocation):
        catalog.get_location(2**40)
    with pytest.raises(UnknownItem):
        catalog.get_item(MAX_ROW_ID + 1)
