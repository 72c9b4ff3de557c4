"""Consultation, referral and cafe tallies: a hand-computed fiscal year, double sends, bad input."""

from datetime import date, datetime, timedelta
from types import SimpleNamespace

import pytest
import sqlalchemy as sa

from inventory.core.clock import local_today
from inventory.core.db import db
from inventory.core.errors import IdempotencyConflict, InvalidDate, InvalidQuantity, InvalidValue
from inventory.outcomes import queries, services
from inventory.outcomes.errors import (
    CafeSessionExists,
    LocationNeeded,
    LocationNotExpected,
    NotAPlacementPoint,
    NothingToRecord,
    UnknownDestination,
)
from inventory.reports import yearly
from inventory.settings import organisation as settings
from inventory.stock import operations, receipts
from inventory.stock.errors import UnknownLocation
from tests.ledger_fixtures import fresh_key

OUTCOME_TABLES = ("consultation_tally", "referral", "monthly_tally", "cafe_session", "idempotency_key")
# Seeded by the migration, in this order.
CITY, MEDICAL, POLICE, LEGAL, DV_CENTRE = 1, 2, 3, 4, 5


def count_outcome_rows() -> dict[str, int]:
    """Rows in every outcome table, from a fresh snapshot."""
    db.session.rollback()
    counts = {t: db.session.scalar(sa.text(f"SELECT count(*) FROM {t}")) for t in OUTCOME_TABLES}
    db.session.rollback()
    return counts


def at_jst(year, month, day, hour=12) -> datetime:
    """A Japan time as the naive UTC the ledger stores."""
    return datetime(year, month, day, hour) - timedelta(hours=9)


def consult(on, channel, is_new, heard, location=None, referrals=(), key=None, **kwargs):
    """Record one consultation through the real service."""
    return services.record_consultation(
        occurred_on=on,
        channel=channel,
        is_new=is_new,
        heard_via=heard,
        location_id=location,
        referrals=list(referrals),
        idempotency_key=key,
        **kwargs,
    )


def build_outcome_year(items, storeroom, make_location):
    """FY2025: the fixed outcome data whose figures the tests compute by hand.

    Placed 20 packs at city hall and 10 at an elementary school (7 more at city hall in March
    2025, the year before). Six consultations entered one by one in the year (two more just
    outside it), a September paper sheet of 35 consultations and 16 referrals, and four cafe
    sessions (one each side of the year).
    """
    hall = make_location("city_hall", "市役所")
    school = make_location("elementary_school", "小学校")
    make_location("university", "大学")
    room = storeroom.id
    receipts.receive_donation(
        room, date(2025, 3, 1), [(items.pack, 100)], donor_kind="group", idempotency_key=None
    )
    for target, quantity, when in [
        (hall, 7, at_jst(2025, 3, 20)),
        (hall, 20, at_jst(2025, 4, 2)),
        (school, 10, at_jst(2025, 5, 1)),
    ]:
        operations.transfer_stock(
            room, target.id, [(items.pack, quantity)], occurred_at=when, idempotency_key=None
        )

    consult(date(2025, 4, 10), "phone", True, "pack", hall.id, [CITY])
    consult(date(2025, 4, 15), "line", True, "qr", hall.id)
    consult(date(2025, 5, 2), "phone", False, "pack", hall.id, [MEDICAL, POLICE])
    consult(date(2025, 6, 20), "email", True, "school")
    consult(date(2026, 3, 31), "cafe", True, "qr", None, [LEGAL])
    consult(date(2025, 11, 11), "visit", False, "pack", school.id, [CITY])
    consult(date(2025, 3, 31), "phone", True, "pack", hall.id, [CITY])  # the year before
    consult(date(2026, 4, 1), "phone", True, "other")  # the year after
    services.record_month(
        month=date(2025, 9, 1),
        cells={
            ("phone", True, "pack", school.id): 12,
            ("phone", False, "city_office", None): 3,
            ("line", True, "unknown", None): 20,
        },
        referrals={CITY: 5, DV_CENTRE: 11},
        idempotency_key=None,
    )
    for day, visits in [
        (date(2025, 4, 5), 7),
        (date(2025, 4, 12), 9),
        (date(2025, 10, 4), 0),
        (date(2025, 3, 29), 5),
        (date(2026, 4, 4), 3),
    ]:
        services.record_cafe_session(held_on=day, visits=visits, idempotency_key=None)
    settings.set_targets(2025, {"new_consultations": 100, "referrals": 20})
    return SimpleNamespace(hall=hall, school=school)


@pytest.fixture
def outcome_year(items, storeroom, make_location):
    """The fixed fiscal year 2025 of outcomes."""
    return build_outcome_year(items, storeroom, make_location)


def rows_of(table):
    """A table's cells by row code: [cells..., row total] (the totals row under "total")."""
    return {code: row for code, row in zip([*table.rows, "total"], table.grid, strict=True)}


def test_consultations_by_how_she_heard_keep_new_and_all_contacts_apart(outcome_year):
    table = queries.outcome_figures(2025).table("by_heard")
    assert table.columns == ["new", "continuing"]
    assert rows_of(table) == {
        "pack": [13, 2, 15],
        "qr": [2, 0, 2],
        "school": [1, 0, 1],
        "city_office": [0, 3, 3],
        "other": [0, 0, 0],
        "unknown": [20, 0, 20],
        "total": [36, 5, 41],
    }


def test_consultations_by_channel(outcome_year):
    table = queries.outcome_figures(2025).table("by_channel")
    assert rows_of(table) == {
        "phone": [13, 4, 17],
        "line": [21, 0, 21],
        "email": [1, 0, 1],
        "cafe": [1, 0, 1],
        "visit": [0, 1, 1],
        "other": [0, 0, 0],
        "total": [36, 5, 41],
    }


def test_consultations_by_month_count_the_paper_sheet_in_its_month(outcome_year):
    figures = queries.outcome_figures(2025)
    by_month = rows_of(figures.table("by_month"))
    assert by_month["2025-04-01"] == [2, 0, 2]
    assert by_month["2025-05-01"] == [0, 1, 1]
    assert by_month["2025-06-01"] == [1, 0, 1]
    assert by_month["2025-09-01"] == [32, 3, 35]
    assert by_month["2025-11-01"] == [0, 1, 1]
    assert by_month["2026-03-01"] == [1, 0, 1]
    assert by_month["total"] == [36, 5, 41]
    assert sum(row[2] for code, row in by_month.items() if code != "total") == 41
    heard = rows_of(figures.table("by_month_heard"))
    assert heard["2025-09-01"] == [12, 0, 0, 3, 0, 20, 35]
    assert heard["2025-04-01"] == [1, 1, 0, 0, 0, 0, 2]


def test_consultations_through_a_pack_or_a_qr_per_100_packs_placed_by_kind(outcome_year):
    table = queries.outcome_figures(2025).table("by_location_kind")
    assert rows_of(table) == {
        "city_hall": [2, 1, 3],
        "elementary_school": [13, 0, 13],
        "junior_high_school": [0, 0, 0],
        "university": [0, 0, 0],
        "other": [0, 0, 0],
        "unknown": [0, 1, 1],
        "total": [15, 2, 17],
    }
    extra = dict(zip([*table.rows, "total"], table.extra, strict=True))
    assert extra["city_hall"] == [20, 15.0]  # 3 per 20 packs; the 7 placed in March 2025 not counted
    assert extra["elementary_school"] == [10, 130.0]
    assert extra["university"] == [0, None]
    assert extra["unknown"] == [None, None]
    assert extra["total"] == [30, 56.7]  # 17 × 100 / 30


def test_packs_placed_agree_with_the_fiscal_year_report(outcome_year):
    report = yearly.fiscal_year_report(2025)
    assert queries.placed_by_kind(2025) == report.placed_by_kind == {"city_hall": 20, "elementary_school": 10}


def test_referrals_by_destination_from_entries_and_sheets(outcome_year):
    figures = queries.outcome_figures(2025)
    table = figures.table("referrals")
    counts = {
        figures.destinations[int(code)]: row[0] for code, row in zip(table.rows, table.grid, strict=False)
    }
    assert counts["市の相談窓口"] == 7  # 1 + 1 entered, 5 on the sheet; the March 2025 one is the year before
    assert counts["医療機関"] == 1
    assert counts["警察"] == 1
    assert counts["法律相談（法テラス・弁護士）"] == 1
    assert counts["配偶者暴力相談支援センター"] == 11
    assert table.grid[-1][0] == 21


def test_cafe_sessions_and_visits_by_month(outcome_year):
    table = queries.outcome_figures(2025).table("cafe")
    by_month = dict(zip([*table.rows, "total"], zip(table.grid, table.extra, strict=True), strict=True))
    assert by_month["2025-04-01"] == ([16, 16], [2])
    assert by_month["2025-10-01"] == ([0, 0], [1])
    assert by_month["total"] == ([16, 16], [3])


def test_new_consultations_referrals_and_cafe_visits_are_target_metrics_of_the_report(outcome_year):
    kpis = {k.metric: k for k in yearly.fiscal_year_report(2025).kpis}
    assert (kpis["new_consultations"].target, kpis["new_consultations"].actual) == (100, 36)
    assert (kpis["referrals"].target, kpis["referrals"].actual) == (20, 21)
    assert (kpis["cafe_visits"].target, kpis["cafe_visits"].actual) == (None, 16)


def test_the_publication_version_hides_every_small_count_and_keeps_the_large_ones(outcome_year):
    from tests.disclosure import recoverable

    exact = queries.outcome_figures(2025)
    public = queries.outcome_figures(2025, publication=True)
    assert [t.key for t in public.tables] == [t.key for t in exact.tables if t.key != "by_month_heard"]
    for published in public.tables:
        city = exact.table(published.key)
        assert published.publication and not city.publication
        truth = city.grid
        for i, row in enumerate(published.grid):
            for j, value in enumerate(row):
                printed = (j < len(city.columns) or city.row_totals) and (
                    i < len(city.rows) or city.column_totals
                )
                if printed and 1 <= truth[i][j] <= 9:
                    assert value is None, (city.key, i, j)
                if value is not None:
                    assert value == truth[i][j]
        assert (
            recoverable(truth, published.grid, row_totals=city.row_totals, column_totals=city.column_totals)
            == []
        )
    by_heard = rows_of(public.table("by_heard"))
    assert by_heard["unknown"] == [20, 0, 20]  # nothing small in that row: printed as it is
    # Only 5 continuing contacts in the year: that total is hidden, and so one more in its row.
    assert by_heard["total"][1] is None and [v is None for v in by_heard["total"]].count(True) == 2
    places = public.table("by_location_kind")
    for grid_row, (_packs, rate) in zip(places.grid, places.extra, strict=True):
        if grid_row[-1] is None:
            assert rate is None  # a rate would give the hidden count back from the packs placed


def test_a_double_tap_records_one_consultation(app, point):
    key = fresh_key()
    first = consult(local_today(), "phone", True, "pack", point.id, [CITY], key=key)
    again = consult(local_today(), "phone", True, "pack", point.id, [CITY], key=key)
    assert first.id == again.id and again.replayed and not first.replayed
    assert count_outcome_rows()["consultation_tally"] == 1
    assert count_outcome_rows()["referral"] == 1


def test_the_same_key_with_other_content_is_refused(app, point):
    key = fresh_key()
    consult(local_today(), "phone", True, "pack", point.id, key=key)
    with pytest.raises(IdempotencyConflict):
        consult(local_today(), "line", True, "pack", point.id, key=key)
    assert count_outcome_rows()["consultation_tally"] == 1


def test_a_double_sent_monthly_sheet_and_cafe_session_record_once(app):
    key = fresh_key()
    for _ in range(2):
        services.record_month(
            month=date(2025, 9, 1),
            cells={("phone", True, "unknown", None): 4},
            referrals={CITY: 2},
            idempotency_key=key,
        )
    cafe_key = fresh_key()
    for _ in range(2):
        services.record_cafe_session(held_on=date(2025, 9, 6), visits=8, idempotency_key=cafe_key)
    counts = count_outcome_rows()
    assert (
        counts["monthly_tally"],
        counts["consultation_tally"],
        counts["referral"],
        counts["cafe_session"],
    ) == (1, 1, 1, 1)


BAD_CONSULTATIONS = [
    (dict(on=local_today() + timedelta(days=1)), InvalidDate),
    (dict(on="2025-04-01"), InvalidDate),
    (dict(on=date(1999, 12, 31)), InvalidDate),
    (dict(channel="fax"), InvalidValue),
    (dict(heard="radio"), InvalidValue),
    (dict(is_new="yes"), InvalidValue),
    (dict(heard="pack", location=None), LocationNeeded),
    (dict(heard="pack", location=99999), UnknownLocation),
    (dict(heard="pack", location="1"), UnknownLocation),
    (dict(heard="school", location="point"), LocationNotExpected),
    (dict(referrals=[999]), UnknownDestination),
    (dict(referrals=["1"]), UnknownDestination),
    (dict(referrals=[True]), UnknownDestination),
    (dict(note="a\u202ename"), InvalidValue),
    (dict(note="x" * 201), InvalidValue),
]


@pytest.mark.parametrize(
    ("change", "error"), BAD_CONSULTATIONS, ids=[str(i) for i in range(len(BAD_CONSULTATIONS))]
)
def test_a_bad_consultation_is_refused_and_writes_nothing(app, point, change, error):
    values = dict(
        on=local_today(),
        channel="phone",
        is_new=True,
        heard="pack",
        location=point.id,
        referrals=[CITY],
        note="",
    )
    values.update(change)
    if values["location"] == "point":
        values["location"] = point.id
    before = count_outcome_rows()
    with pytest.raises(error):
        consult(
            values["on"],
            values["channel"],
            values["is_new"],
            values["heard"],
            values["location"],
            values["referrals"],
            key=fresh_key(),
            note=values["note"],
        )
    assert count_outcome_rows() == before


def test_a_storeroom_is_not_where_she_found_a_pack(app, storeroom):
    with pytest.raises(NotAPlacementPoint):
        consult(local_today(), "phone", True, "pack", storeroom.id, key=fresh_key())
    assert count_outcome_rows()["consultation_tally"] == 0


def test_a_retired_destination_is_refused(app, point):
    services.set_destination_active(POLICE, False)
    with pytest.raises(UnknownDestination) as refused:
        consult(local_today(), "phone", True, "pack", point.id, [CITY, POLICE], key=fresh_key())
    assert refused.value.retired
    assert count_outcome_rows()["consultation_tally"] == 0


def test_a_retired_location_still_counts_where_she_heard_of_us(app, point):
    from inventory.stock import catalog

    catalog.set_location_active(point.id, False)
    assert consult(local_today(), "phone", True, "pack", point.id, key=fresh_key()).id


BAD_SHEETS = [
    (dict(cells={("phone", True, "unknown", None): 10**9}), InvalidQuantity),
    (dict(cells={("phone", True, "unknown", None): -1}), InvalidQuantity),
    (dict(cells={("phone", True, "unknown", None): "12"}), InvalidQuantity),
    (dict(cells={("line", False, "school", None): 0}, referrals={CITY: 0}), NothingToRecord),
    (dict(cells={("fax", True, "unknown", None): 1}), InvalidValue),
    (dict(cells={("phone", True, "pack", 99999): 1}), UnknownLocation),
    (dict(cells={("phone", True, "pack", None): 1}), LocationNeeded),
    (dict(referrals={999: 3}), UnknownDestination),
    (dict(referrals={CITY: 10**9}), InvalidQuantity),
    (dict(month=date(2099, 1, 1)), InvalidDate),
    (dict(month="2025-09"), InvalidDate),
]


@pytest.mark.parametrize(("change", "error"), BAD_SHEETS, ids=[str(i) for i in range(len(BAD_SHEETS))])
def test_a_bad_monthly_sheet_is_refused_whole_and_writes_nothing(app, change, error):
    values = dict(month=date(2025, 9, 1), cells={("line", False, "school", None): 5}, referrals={CITY: 2})
    change = dict(change)
    values["cells"] = {**values["cells"], **change.pop("cells", {})}
    values.update(change)
    before = count_outcome_rows()
    with pytest.raises(error):
        services.record_month(idempotency_key=fresh_key(), **values)
    assert count_outcome_rows() == before


def test_a_sheet_for_the_current_month_is_taken_but_not_for_the_next(app):
    this_month = local_today().replace(day=1)
    services.record_month(
        month=this_month, cells={("phone", True, "other", None): 2}, referrals={}, idempotency_key=None
    )
    next_month = (this_month + timedelta(days=32)).replace(day=1)
    with pytest.raises(InvalidDate):
        services.record_month(
            month=next_month, cells={("phone", True, "other", None): 2}, referrals={}, idempotency_key=None
        )


def test_a_second_cafe_session_on_the_same_day_and_bad_visits_are_refused(app):
    services.record_cafe_session(held_on=date(2025, 9, 6), visits=8, idempotency_key=fresh_key())
    before = count_outcome_rows()
    with pytest.raises(CafeSessionExists):
        services.record_cafe_session(held_on=date(2025, 9, 6), visits=3, idempotency_key=fresh_key())
    for visits in (10**9, -1, "8", None):
        with pytest.raises(InvalidQuantity):
            services.record_cafe_session(
                held_on=date(2025, 9, 13), visits=visits, idempotency_key=fresh_key()
            )
    with pytest.raises(InvalidDate):
        services.record_cafe_session(
            held_on=local_today() + timedelta(days=1), visits=3, idempotency_key=fresh_key()
        )
    assert count_outcome_rows() == before


def test_the_quick_form_starts_from_the_users_last_entry_else_the_most_common(app, point, make_user):
    me, other = make_user("staff"), make_user("staff")
    assert queries.quick_defaults(me.id)["heard_via"] == "unknown"
    for _ in range(2):
        consult(local_today(), "line", False, "school", recorded_by=other.id, key=fresh_key())
    consult(local_today(), "phone", True, "pack", point.id, recorded_by=other.id, key=fresh_key())
    assert queries.quick_defaults(me.id) == {
        "channel": "line",
        "is_new": False,
        "heard_via": "school",
        "location_id": None,
    }
    consult(local_today(), "email", True, "qr", point.id, recorded_by=me.id, key=fresh_key())
    assert queries.quick_defaults(me.id) == {
        "channel": "email",
        "is_new": True,
        "heard_via": "qr",
        "location_id": point.id,
    }


def test_a_year_nobody_can_mean_is_refused():
    with pytest.raises(yearly.YearOutOfRange):
        queries.outcome_figures(1999)
    with pytest.raises(yearly.YearOutOfRange):
        queries.outcome_figures("abc")  # type: ignore[arg-type]


def test_the_tables_read_together_give_no_hidden_count_away(outcome_year):
    # The total of new contacts is printed by three tables, the contacts per way of hearing by two:
    # a count one table hides must not be printed by another, nor follow from all of them at once.
    from tests.disclosure import recoverable_together

    exact = {t.key: t for t in queries.outcome_figures(2025).tables}
    public = {t.key: t for t in queries.outcome_figures(2025, publication=True).tables}
    links = queries._shared_cells(public)
    assert len(links) == 5  # the total row of three tables, the pack and QR totals of two
    for group in links:
        printed = {public[key].grid[i][j] for key, (i, j) in group}
        assert len(printed) == 1, group  # hidden everywhere, or the same number everywhere
    tables = {
        key: (exact[key].grid, public[key].grid, exact[key].row_totals, exact[key].column_totals)
        for key in public
    }
    assert recoverable_together(tables, links) == []


def test_tallies_dated_in_a_closed_fiscal_year_are_refused_and_write_nothing(app, point, make_user):
    from inventory.reports import closing
    from inventory.reports.errors import YearClosed

    admin = make_user("admin")
    closing.close_year(2024, {"marker": 2024}, closed_by=admin.id)
    in_closed_year = date(2025, 3, 31)
    with pytest.raises(YearClosed):
        consult(in_closed_year, "phone", True, "pack", point.id, [CITY])
    with pytest.raises(YearClosed):
        services.record_month(
            month=date(2025, 3, 1),
            cells={("phone", True, "unknown", None): 4},
            referrals={},
            recorded_by=None,
            idempotency_key=fresh_key(),
        )
    with pytest.raises(YearClosed):
        services.record_cafe_session(held_on=in_closed_year, visits=3, idempotency_key=fresh_key())
    assert set(count_outcome_rows().values()) == {0}
    consult(date(2025, 4, 1), "phone", True, "pack", point.id, [CITY])  # the open year takes it
    assert count_outcome_rows()["consultation_tally"] == 1
