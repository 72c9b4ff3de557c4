"""The ledger's invariants: database backstops, verification, and the primitives others compose."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from inventory.core.clock import utcnow
from inventory.core.db import db, unit_of_work
from inventory.stock.errors import InsufficientStock
from inventory.stock.ledger import (
    create_record,
    record_count,
    record_outflow,
    verify_balances,
)
from inventory.stock.models import RecordKind


def test_the_check_constraint_refuses_a_direct_negative_balance(app, items, storeroom, donate):
    donate(3)
    with pytest.raises(IntegrityError) as refused, unit_of_work() as session:
        session.execute(sa.text("UPDATE stock_level SET qty = -1"))
    assert "qty_not_negative" in str(refused.value) or "CHECK" in str(refused.value)


def test_the_check_constraint_refuses_a_movement_of_nothing(app, items, storeroom, donate):
    record_id = donate(3).record_id
    with pytest.raises(IntegrityError), unit_of_work() as session:
        session.execute(
            sa.text(
                "INSERT INTO stock_movement (record_id, item_id, quantity, to_location_id, kind, "
                "occurred_at, recorded_at, note) VALUES (:r, :i, 0, :l, 'receipt_donation', :t, :t, '')"
            ),
            dict(r=record_id, i=items.pack, l=storeroom.id, t=utcnow()),
        )


def test_a_movement_cannot_be_reversed_twice_even_by_hand(app, items, storeroom, donate):
    movement_id = donate(3).movements[0].id
    insert = sa.text(
        "INSERT INTO stock_movement (record_id, item_id, quantity, from_location_id, kind, "
        "occurred_at, recorded_at, note, reverses_id) "
        "VALUES (:r, :i, 1, :l, 'reversal', :t, :t, '', :m)"
    )
    with unit_of_work() as session:
        record = create_record(RecordKind.ADJUSTMENT, occurred_at=utcnow())
        params = dict(r=record.id, i=items.pack, l=storeroom.id, t=utcnow(), m=movement_id)
        session.execute(insert, params)
    with pytest.raises(IntegrityError), unit_of_work() as session:
        session.execute(insert, params)


def test_verify_agrees_with_balances_kept_by_the_services(app, items, storeroom, point, donate):
    donate(10)
    assert verify_balances() == []


def test_verify_reports_a_balance_changed_behind_the_ledgers_back(app, items, storeroom, donate):
    donate(10)
    with unit_of_work() as session:
        session.execute(sa.text("UPDATE stock_level SET qty = 7"))
    [difference] = verify_balances()
    assert (difference.location_id, difference.item_id) == (storeroom.id, items.pack)
    assert (difference.ledger_qty, difference.level_qty) == (10, 7)


def test_stock_verify_command_exits_non_zero_on_a_difference(app, items, storeroom, donate):
    runner = app.test_cli_runner()
    donate(4)
    ok = runner.invoke(args=["stock", "verify"])
    assert ok.exit_code == 0 and "agree" in ok.output
    with unit_of_work() as session:
        session.execute(sa.text("UPDATE stock_level SET qty = 9"))
    bad = runner.invoke(args=["stock", "verify"])
    assert bad.exit_code == 1
    assert f"location {storeroom.id}\titem {items.pack}\tledger 4\tbalance 9" in bad.output


def test_outflow_primitives_compose_inside_the_callers_unit_of_work(
    app, items, storeroom, point, donate, level
):
    donate(10, items.package, location=storeroom)
    from inventory.stock.operations import transfer_stock

    transfer_stock(storeroom.id, point.id, [(items.package, 6)], idempotency_key=None)
    with unit_of_work():
        visit = create_record(RecordKind.RESTOCK_VISIT, occurred_at=utcnow(), location_id=point.id)
        record_count(visit, point.id, items.package, expected=6, counted=2)
        record_outflow(visit, point.id, items.package, 4, "consumption")
    assert level(point, items.package) == 2
    assert verify_balances() == []


def test_a_refused_outflow_rolls_back_the_whole_callers_record(app, items, storeroom, donate, ledger_counts):
    donate(2)
    before = ledger_counts()
    with pytest.raises(InsufficientStock), unit_of_work():
        request = create_record(RecordKind.REQUEST, occurred_at=utcnow())
        record_outflow(request, storeroom.id, items.pack, 1, "mailed")
        record_outflow(request, storeroom.id, items.pack, 5, "handed_over")
    assert ledger_counts() == before


def test_record_outflow_accepts_only_outflow_kinds(app, items, storeroom, donate):
    donate(2)
    with pytest.raises(ValueError), unit_of_work():
        record = create_record(RecordKind.REQUEST, occurred_at=utcnow())
        record_outflow(record, storeroom.id, items.pack, 1, "transfer")
    db.session.rollback()
