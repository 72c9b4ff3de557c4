"""Helpers for the stock page tests: form data builders and row counts."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

import sqlalchemy as sa

from inventory.core.db import db


def key() -> str:
    """A fresh one-time key, as a freshly shown form would carry."""
    return uuid.uuid4().hex


def yesterday() -> str:
    """Yesterday's date as an HTML date input sends it."""
    return (date.today() - timedelta(days=1)).isoformat()


def lines(*pairs, blank_to=5, cost=False) -> dict:
    """Form fields of item lines: lines(("1", "20"), ("2", "5")) plus blank lines up to `blank_to`."""
    data = {}
    for index in range(max(blank_to, len(pairs))):
        item, quantity, *rest = pairs[index] if index < len(pairs) else ("", "", "")
        data[f"lines-{index}-item_id"] = item
        data[f"lines-{index}-quantity"] = quantity
        if cost:
            data[f"lines-{index}-unit_cost_yen"] = rest[0] if rest else ""
    return data


def donation_form(storeroom_id, *pairs, **overrides) -> dict:
    """A filled donation form."""
    data = {
        "idempotency_key": key(),
        "storeroom_id": str(storeroom_id),
        "occurred_on": yesterday(),
        "donor_kind": "individual",
        "donor_name": "",
        "note": "",
        **lines(*pairs),
    }
    return {**data, **overrides}


def purchase_form(storeroom_id, *triples, **overrides) -> dict:
    """A filled purchase form."""
    data = {
        "idempotency_key": key(),
        "storeroom_id": str(storeroom_id),
        "occurred_on": yesterday(),
        "vendor": "ドラッグストア",
        "funding": "grant",
        "receipt_number": "R-1",
        "note": "",
        **lines(*triples, cost=True),
    }
    return {**data, **overrides}


def written_rows() -> tuple[int, int]:
    """How many stock records and movements exist (to prove a refusal wrote nothing)."""
    db.session.rollback()
    records = db.session.scalar(sa.text("SELECT count(*) FROM stock_record"))
    movements = db.session.scalar(sa.text("SELECT count(*) FROM stock_movement"))
    db.session.rollback()
    return records, movements


def refused(response) -> bool:
    """Whether the page re-rendered with an error shown (field error or form-level alert)."""
    html = response.get_data(as_text=True)
    return response.status_code == 200 and ('class="error"' in html or "flash-error" in html)
