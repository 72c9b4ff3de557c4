"""Benchmarks of the stock ledger on SQLite; a plain script: `.venv/bin/python tests/perf/bench_ledger.py`.

1. Recording donations through the service, next to raw INSERT baselines on the same kind of file.
2. With 1,000,000 movements across 200 locations and 10 years: the stock overview and filtered
   history pages, next to the bare SQL for the same question. Target: each ≤ 100 ms.

Options: --donations N (default 2000), --movements N (default 1000000), --keep DIR.
"""

from __future__ import annotations

import argparse
import logging
import os
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

LIMIT_MS = 100.0


def make_app(path: Path):
    """A migrated app on a fresh SQLite file."""
    from flask_migrate import upgrade

    from app import create_app

    app = create_app(
        {"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}", "PRIVACY_PURGE_DAILY": False}
    )
    with app.app_context():
        upgrade()
    logging.getLogger("alembic").setLevel(logging.WARNING)
    return app


def connect_like_the_app(path: Path) -> sqlite3.Connection:
    """A bare sqlite3 connection with the app's pragmas (WAL, synchronous FULL, foreign keys)."""
    conn = sqlite3.connect(path, isolation_level=None)
    for pragma in ("busy_timeout = 10000", "journal_mode = WAL", "synchronous = FULL", "foreign_keys = ON"):
        conn.execute(f"PRAGMA {pragma}")
    return conn


# ---- 1. recording donations --------------------------------------------------------------


def bench_donations(workdir: Path, count: int) -> None:
    """Time `count` donations through receive_donation, then raw INSERT baselines."""
    from inventory.core.db import db
    from inventory.stock import catalog, receipts

    app = make_app(workdir / "donations.db")
    with app.app_context():
        pack_id = catalog.ensure_default_items()[0].id
        storeroom_id = catalog.create_location("storeroom", "倉庫", idempotency_key=None).id
        day = date.today() - timedelta(days=1)
        started = time.perf_counter()
        for n in range(count):
            receipts.receive_donation(
                storeroom_id,
                day,
                [(pack_id, 1 + n % 50)],
                donor_kind="individual",
                idempotency_key=f"bench-donation-{n:08d}",
            )
            db.session.remove()
        service = time.perf_counter() - started
        db.engine.dispose()

    conn = connect_like_the_app(workdir / "raw.db")
    conn.execute(
        "CREATE TABLE movement (id INTEGER PRIMARY KEY, item_id INT, quantity INT, "
        "to_location_id INT, kind TEXT, occurred_at TEXT)"
    )
    rows = [(1, 1 + n % 50, 1, "receipt_donation", "2026-01-01 00:00:00") for n in range(count)]
    insert = "INSERT INTO movement (item_id, quantity, to_location_id, kind, occurred_at) VALUES (?,?,?,?,?)"
    started = time.perf_counter()
    conn.execute("BEGIN")
    conn.executemany(insert, rows)
    conn.execute("COMMIT")
    raw_batch = time.perf_counter() - started
    started = time.perf_counter()
    for row in rows:
        conn.execute("BEGIN IMMEDIATE")
        conn.execute(insert, row)
        conn.execute("COMMIT")
    raw_each = time.perf_counter() - started
    conn.close()

    per = lambda seconds: seconds / count * 1e3  # noqa: E731
    print(
        f"donations through receive_donation: {count} in {service:.2f} s = {per(service):.3f} ms/record "
        "(record + donation + movement + balance upsert + idempotency key, one commit each)"
    )
    print(
        f"raw INSERT, executemany, one transaction: {count} rows in {raw_batch:.3f} s "
        f"= {per(raw_batch):.4f} ms/row; service/raw ratio {service / raw_batch:.0f}x"
    )
    print(
        f"raw INSERT, one transaction per row:      {count} rows in {raw_each:.2f} s "
        f"= {per(raw_each):.3f} ms/row; service/raw ratio {service / raw_each:.1f}x"
    )


# ---- 2. a large ledger -------------------------------------------------------------------


def fill_large_ledger(path: Path, movements: int, seed: int = 7) -> dict:
    """Bulk-insert locations, items, records and movements, then rebuild stock_level from them."""
    rng = random.Random(seed)
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA synchronous = OFF")  # setup only; the measured queries are read-only
    conn.execute("PRAGMA foreign_keys = OFF")
    now = datetime(2026, 11, 1)
    start = now - timedelta(days=3650)
    conn.execute("BEGIN")
    conn.execute("DELETE FROM recipe_component")
    conn.execute("DELETE FROM item")
    conn.executemany(
        "INSERT INTO item (id, name, kind, unit, pads_per_unit, low_stock_threshold, active, created_at) "
        "VALUES (?, ?, ?, '個', NULL, 50, 1, ?)",
        [(i, f"item {i}", "package" if i == 3 else "supply", start) for i in range(1, 11)],
    )
    storerooms = list(range(1, 6))
    points = list(range(6, 201))
    kinds = ["storeroom"] * 5 + [
        random.Random(point).choice(
            ["city_hall", "elementary_school", "junior_high_school", "university", "other"]
        )
        for point in points
    ]
    conn.executemany(
        "INSERT INTO location (id, code, kind, name, address, spot, target_level, contact_note, active, "
        "created_at) VALUES (?, ?, ?, ?, '', '', 10, '', 1, ?)",
        [(n, f"B{n:06d}", kinds[n - 1], f"location {n}", start) for n in range(1, 201)],
    )
    indexes = [
        sql
        for (sql,) in conn.execute(
            "SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name IN ('stock_movement', "
            "'stock_record') AND sql IS NOT NULL"
        )
    ]
    for (name,) in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name IN "
        "('stock_movement', 'stock_record') AND sql IS NOT NULL"
    ).fetchall():
        conn.execute(f"DROP INDEX {name}")
    records, rows = [], []
    span = (now - start).total_seconds()
    record_id = movement_id = 0
    # Each group keeps every balance non-negative whatever the order: a storeroom receives 30,
    # sends 20 to a point, and the point's users take 10.
    while movement_id < movements:
        item = rng.randint(1, 10)
        room, point = rng.choice(storerooms), rng.choice(points)
        at = start + timedelta(seconds=rng.random() * span * 0.99)
        for kind, record_kind, qty, source, target, delay in (
            ("receipt_donation", "donation", 30, None, room, 0),
            ("transfer", "transfer", 20, room, point, 1),
            ("consumption", "restock_visit", 10, point, None, 3),
        ):
            if movement_id >= movements:
                break
            record_id += 1
            movement_id += 1
            when = (at + timedelta(days=delay)).isoformat(" ")
            records.append((record_id, record_kind, source or target, when, when))
            rows.append((movement_id, record_id, item, qty, source, target, kind, when, when))
    conn.executemany(
        "INSERT INTO stock_record (id, kind, location_id, occurred_at, recorded_at, note) "
        "VALUES (?, ?, ?, ?, ?, '')",
        records,
    )
    conn.executemany(
        "INSERT INTO stock_movement (id, record_id, item_id, quantity, from_location_id, "
        "to_location_id, kind, occurred_at, recorded_at, note) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, '')",
        rows,
    )
    for sql in indexes:
        conn.execute(sql)
    rebuild_balances(conn, now)
    conn.execute("COMMIT")
    conn.close()
    return {"point": points[0], "room": storerooms[0], "now": now}


def rebuild_balances(conn, now: datetime) -> None:
    """Set every balance to the sum of the movements written straight into the tables."""
    conn.execute("DELETE FROM stock_level")
    conn.execute(
        """
        INSERT INTO stock_level (location_id, item_id, qty, updated_at)
        SELECT location_id, item_id, sum(delta), ? FROM (
            SELECT to_location_id AS location_id, item_id, quantity AS delta FROM stock_movement
             WHERE to_location_id IS NOT NULL
            UNION ALL
            SELECT from_location_id, item_id, -quantity FROM stock_movement
             WHERE from_location_id IS NOT NULL)
        GROUP BY location_id, item_id""",
        (now,),
    )


def timed(fn, repeat: int = 7) -> tuple[float, float, object]:
    """Run fn once to warm up, then `repeat` times; return (median ms, max ms, last result)."""
    result = fn()
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - started) * 1e3)
    return statistics.median(times), max(times), result


def report(label: str, median: float, worst: float, rows: int, *, target: bool = True) -> None:
    """Print one figure, with OK/SLOW against the 100 ms target."""
    verdict = ("OK" if worst <= LIMIT_MS else "SLOW") if target else "baseline"
    print(f"  {label:<58} median {median:7.2f} ms  max {worst:7.2f} ms  rows {rows:5d}  {verdict}")


def bench_queries(workdir: Path, movements: int) -> None:
    """Time the overview and history queries on a large ledger, with bare SQL baselines."""
    from inventory.core.db import db
    from inventory.stock import queries as stock_queries

    path = workdir / "large.db"
    app = make_app(path)
    with app.app_context():
        db.engine.dispose()
    started = time.perf_counter()
    where = fill_large_ledger(path, movements)
    print(
        f"generated {movements} movements across 200 locations and 10 years "
        f"in {time.perf_counter() - started:.1f} s ({path.stat().st_size / 1e6:.0f} MB)"
    )
    point, room, now = where["point"], where["room"], where["now"]
    since, until = now - timedelta(days=730), now
    with app.app_context():
        from inventory.stock.ledger import verify_balances

        started = time.perf_counter()
        assert verify_balances() == []
        print(f"verify_balances over the whole ledger: {(time.perf_counter() - started) * 1e3:.0f} ms")

        def overview():
            return stock_queries.stock_overview()

        def history(**kwargs):
            return lambda: stock_queries.movement_history(**kwargs).rows

        def deep(pages: int, **kwargs):
            def run():
                page = stock_queries.movement_history(**kwargs)
                for _ in range(pages - 1):
                    page = stock_queries.movement_history(cursor=page.next_cursor, **kwargs)
                return page.rows

            return run

        filtered = dict(location_id=point, kind="transfer", since=since, until=until, limit=50)
        cases = [
            ("stock overview (all locations x items)", overview),
            ("history: point + transfer + 2 years, page 1 of 50", history(**filtered)),
            ("history: storeroom + transfer + 2 years, page 1", history(**dict(filtered, location_id=room))),
            ("history: storeroom, all kinds, all time, page 1", history(location_id=room, limit=50)),
            (
                "history: storeroom, all time, offset 2000 (page 41)",
                history(location_id=room, limit=50, offset=2000),
            ),
            ("history: no filter, page 1", history(limit=50)),
            (
                "history: item + 2 years, offset 1000 (page 21)",
                history(item_id=3, since=since, until=until, limit=50, offset=1000),
            ),
        ]
        print("queries through inventory.stock_queries (SQLAlchemy, joins for names):")
        for label, fn in cases:
            median, worst, rows = timed(fn)
            report(label, median, worst, len(rows))
        cursor_page = deep(21, location_id=room, limit=50)
        started = time.perf_counter()
        rows = cursor_page()
        walk = (time.perf_counter() - started) * 1e3
        print(
            f"  {'history: storeroom, page 21 reached by cursor (21 queries)':<58} total  {walk:7.2f} ms"
            f"  = {walk / 21:.2f} ms/page  rows {len(rows)}"
        )
        db.engine.dispose()

    conn = connect_like_the_app(path)
    bare = [
        (
            "bare SQL: overview (stock_level join location, item)",
            "SELECT l.code, i.name, s.qty FROM stock_level s JOIN location l ON l.id = s.location_id "
            "JOIN item i ON i.id = s.item_id ORDER BY l.kind, l.name, i.name",
            (),
        ),
        (
            "bare SQL: point + transfer + 2 years, page 1",
            "SELECT id, occurred_at, item_id, quantity FROM stock_movement WHERE (from_location_id = ? "
            "OR to_location_id = ?) AND kind = 'transfer' AND occurred_at >= ? AND occurred_at < ? "
            "ORDER BY occurred_at DESC, id DESC LIMIT 50",
            (point, point, str(since), str(until)),
        ),
        (
            "bare SQL: storeroom, all time, offset 2000",
            "SELECT id, occurred_at, item_id, quantity FROM stock_movement WHERE from_location_id = ? "
            "OR to_location_id = ? ORDER BY occurred_at DESC, id DESC LIMIT 50 OFFSET 2000",
            (room, room),
        ),
    ]
    print("bare SQL baselines (sqlite3, no joins for names):")
    for label, sql, params in bare:
        median, worst, rows = timed(lambda sql=sql, params=params: conn.execute(sql, params).fetchall())
        report(label, median, worst, len(rows), target=False)
    conn.close()


def main() -> None:
    """Run both benchmarks in a temporary directory (or --keep DIR) and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--donations", type=int, default=2_000)
    parser.add_argument("--movements", type=int, default=1_000_000)
    parser.add_argument("--keep", type=Path, default=None, help="write the databases here and keep them")
    args = parser.parse_args()
    os.environ.setdefault("FLASK_SECRET_KEY", "bench")
    with tempfile.TemporaryDirectory() as tmp:
        workdir = args.keep or Path(tmp)
        workdir.mkdir(parents=True, exist_ok=True)
        print(f"== recording donations (SQLite file, WAL, synchronous=FULL), {datetime.now():%Y-%m-%d %H:%M}")
        bench_donations(workdir, args.donations)
        print("== a large ledger")
        bench_queries(workdir, args.movements)


if __name__ == "__main__":
    main()
