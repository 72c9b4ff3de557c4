"""The read side: stock overview, movement history, receipt lists, location detail."""

from __future__ import annotations

from datetime import date, timedelta

from inventory.core.clock import utcnow
from inventory.stock import operations, receipts
from inventory.stock import queries as stock_queries


def test_the_overview_flags_a_storeroom_under_the_item_threshold_and_a_point_under_its_target(
    app, items, storeroom, point, donate
):
    donate(40, items.pack)  # threshold 50 → low
    donate(500, items.leaflet)  # threshold 100 → fine
    donate(20, items.package)
    operations.transfer_stock(storeroom.id, point.id, [(items.package, 4)], idempotency_key=None)
    rows = {(row.location_id, row.item_id): row for row in stock_queries.stock_overview()}
    assert rows[(storeroom.id, items.pack)].low
    assert not rows[(storeroom.id, items.leaflet)].low
    assert rows[(point.id, items.package)].low  # 4 < target 10
    assert rows[(point.id, items.package)].threshold == 10
    assert [row.location_id for row in stock_queries.stock_overview(low_only=True)].count(point.id) == 1


def test_history_filters_by_location_kind_and_dates_and_pages_by_cursor(app, items, storeroom, point, donate):
    donate(100, items.package)
    now = utcnow()
    for day in range(7):
        operations.transfer_stock(
            storeroom.id,
            point.id,
            [(items.package, 1)],
            occurred_at=now - timedelta(days=day),
            idempotency_key=None,
        )
    first = stock_queries.movement_history(
        location_id=point.id, kind="transfer", limit=3, since=now - timedelta(days=5, hours=1)
    )
    assert [row.occurred_at for row in first.rows] == [now - timedelta(days=d) for d in (0, 1, 2)]
    assert first.rows[0].to_name == "市役所" and first.rows[0].from_name == "倉庫"
    second = stock_queries.movement_history(
        location_id=point.id,
        kind="transfer",
        limit=3,
        since=now - timedelta(days=5, hours=1),
        cursor=first.next_cursor,
    )
    assert [row.occurred_at for row in second.rows] == [now - timedelta(days=d) for d in (3, 4, 5)]
    assert second.next_cursor is None
    by_offset = stock_queries.movement_history(
        location_id=point.id, kind="transfer", limit=3, offset=3, since=now - timedelta(days=5, hours=1)
    )
    assert by_offset.rows == second.rows
    assert stock_queries.movement_history(location_id=point.id, kind="receipt_donation").rows == []


def test_history_shows_which_movement_reversed_which(app, items, donate):
    from inventory.stock.reversal import reverse_record

    donation = donate(5)
    undo = reverse_record(donation.record_id, idempotency_key=None)
    rows = {row.id: row for row in stock_queries.record_movements(donation.record_id)}
    assert rows[donation.movements[0].id].reversed_by_id == undo.movements[0].id
    assert stock_queries.list_donations()[0].reversed_by_id == undo.record_id


def test_donation_and_purchase_lists_filter_and_total(app, items, storeroom, donate):
    donate(5, donor_kind="company", donor_name="会社")
    donate(7, donor_kind="individual", on=date.today() - timedelta(days=40))
    receipts.record_purchase(
        storeroom.id,
        date.today(),
        [(items.pack, 10, 300), (items.leaflet, 100, 10)],
        vendor="店",
        funding="grant",
        idempotency_key=None,
    )
    assert [row.total_quantity for row in stock_queries.list_donations()] == [5, 7]
    assert [row.party for row in stock_queries.list_donations(donor_kind="company")] == ["会社"]
    recent = stock_queries.list_donations(since=utcnow() - timedelta(days=10))
    assert [row.total_quantity for row in recent] == [5]
    [purchase] = stock_queries.list_purchases(funding="grant")
    assert purchase.total_cost_yen == 10 * 300 + 100 * 10
    assert stock_queries.list_purchases(funding="own_funds") == []


def test_location_detail_gives_balances_and_recent_movements(app, items, storeroom, donate):
    donate(5)
    detail = stock_queries.location_detail(storeroom.id)
    assert detail.location.id == storeroom.id
    assert [(row.item_id, row.qty) for row in detail.levels] == [(items.pack, 5)]
    assert len(detail.recent) == 1
