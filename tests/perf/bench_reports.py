"""Benchmarks of the reports on SQLite; a plain script: `.venv/bin/python tests/perf/bench_reports.py`.

With 1,000,000 movements across 200 locations and 10 years (bench_ledger's generator, plus
donation/purchase details, 1,000 reversals and daily QR scan counts):
- the dashboard ≤ 150 ms and the fiscal-year report ≤ 500 ms, each as the domain call and as the
  whole page, beside the bare SQL aggregates that compute the same numbers;
- the CSV export of every movement ≥ 100,000 rows/s with peak memory ≤ 150 MB, measured in a
  fresh process, beside a bare sqlite3 cursor loop writing the same CSV.

Options: --movements N (default 1000000), --keep DIR.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import random
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parents[1]))

from bench_ledger import (  # noqa: E402  (found through the path set just above)
    connect_like_the_app,
    fill_large_ledger,
    make_app,
    rebuild_balances,
    timed,
)

DASHBOARD_MS, REPORT_MS, ROWS_PER_S, PEAK_MB = 150.0, 500.0, 100_000, 150.0
NOW = datetime(2026, 11, 1)
FISCAL_YEAR = 2025


def add_report_details(path: Path, seed: int = 11) -> dict:
    """Donation and purchase details for the generated receipts, 1,000 reversals, daily scan counts."""
    rng = random.Random(seed)
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA synchronous = OFF")
    conn.execute("BEGIN")
    # Every tenth receipt becomes a purchase; the rest are donations of mixed donor kinds.
    conn.execute("UPDATE stock_record SET kind = 'purchase' WHERE kind = 'donation' AND id % 10 = 1")
    conn.execute(
        "UPDATE stock_movement SET kind = 'receipt_purchase' WHERE kind = 'receipt_donation' "
        "AND record_id % 10 = 1"
    )
    conn.execute(
        "INSERT INTO donation (record_id, donor_name, donor_kind) SELECT id, '', CASE id % 5 "
        "WHEN 0 THEN 'individual' WHEN 1 THEN 'company' WHEN 2 THEN 'group' "
        "WHEN 3 THEN 'school_drive' ELSE 'other' END FROM stock_record WHERE kind = 'donation'"
    )
    conn.execute(
        "INSERT INTO purchase (record_id, vendor, funding, receipt_number) SELECT id, 'vendor', "
        "CASE id % 3 WHEN 0 THEN 'grant' WHEN 1 THEN 'own_funds' ELSE 'other' END, '' "
        "FROM stock_record WHERE kind = 'purchase'"
    )
    conn.execute(
        "INSERT INTO purchase_line (purchase_id, item_id, quantity, unit_cost_yen) "
        "SELECT record_id, item_id, quantity, 250 FROM stock_movement WHERE kind = 'receipt_purchase'"
    )
    # 1,000 consumptions reversed (a reversal only adds stock back at a point: balances stay >= 0).
    max_record, max_movement = conn.execute("SELECT max(record_id), max(id) FROM stock_movement").fetchone()
    victims = conn.execute(
        "SELECT id, record_id, item_id, quantity, from_location_id, occurred_at "
        "FROM stock_movement WHERE kind = 'consumption' ORDER BY random() LIMIT 1000"
    ).fetchall()
    for n, (movement_id, record_id, item_id, qty, place, at) in enumerate(victims, start=1):
        when = (datetime.fromisoformat(at) + timedelta(days=1)).isoformat(" ")
        conn.execute(
            "INSERT INTO stock_record (id, kind, location_id, occurred_at, recorded_at, note, "
            "reverses_record_id) VALUES (?, 'reversal', ?, ?, ?, '', ?)",
            (max_record + n, place, when, when, record_id),
        )
        conn.execute(
            "INSERT INTO stock_movement (id, record_id, item_id, quantity, from_location_id, "
            "to_location_id, kind, occurred_at, recorded_at, note, reverses_id) "
            "VALUES (?, ?, ?, ?, NULL, ?, 'reversal', ?, ?, '', ?)",
            (max_movement + n, max_record + n, item_id, qty, place, when, when, movement_id),
        )
    rebuild_balances(conn, NOW)
    first = date(NOW.year - 10, NOW.month, 1)
    rows = [
        (place, first + timedelta(days=day), rng.randint(1, 5))
        for place in range(6, 201)
        for day in range(0, 3650, 3)
    ]
    conn.executemany("INSERT INTO support_page_scan (location_id, scanned_on, count) VALUES (?, ?, ?)", rows)
    conn.execute("COMMIT")
    conn.execute("ANALYZE")
    conn.close()
    return {"scans": len(rows), "reversals": len(victims)}


def verdict(worst: float, limit: float) -> str:
    return "OK" if worst <= limit else "SLOW"


def line(label: str, median: float, worst: float, note: str = "") -> None:
    print(f"  {label:<62} median {median:8.2f} ms  max {worst:8.2f} ms  {note}")


def month_case(column: str, bounds: list[datetime]) -> str:
    whens = " ".join(f"WHEN {column} < '{b}' THEN {i}" for i, b in enumerate(bounds[1:-1]))
    return f"CASE {whens} ELSE {len(bounds) - 2} END"


def bare_dashboard(conn: sqlite3.Connection, months: list[datetime], rooms: str, pads: str) -> None:
    """The dashboard's numbers in bare SQL: storeroom outflow, consumption rates, 12 months, scans."""
    now = str(NOW)
    conn.execute(
        "SELECT s.location_id, s.item_id, s.qty FROM stock_level s JOIN location l ON l.id = "
        "s.location_id WHERE l.kind = 'storeroom'"
    ).fetchall()
    conn.execute(
        f"SELECT from_location_id, item_id, sum(quantity) FROM stock_movement m WHERE "
        f"from_location_id IN ({rooms}) AND kind != 'reversal' AND occurred_at >= ? AND occurred_at < ? "
        "AND NOT EXISTS (SELECT 1 FROM stock_movement r WHERE r.reverses_id = m.id) "
        "GROUP BY from_location_id, item_id",
        (str(NOW - timedelta(days=90)), now),
    ).fetchall()
    conn.execute(
        "SELECT from_location_id, sum(quantity) FROM stock_movement WHERE kind = 'consumption' AND "
        "occurred_at >= ? AND occurred_at <= ? GROUP BY from_location_id",
        (str(NOW - timedelta(days=60)), now),
    ).fetchall()
    conn.execute(
        f"SELECT kind, {month_case('occurred_at', months)} AS month, sum(quantity) FROM stock_movement "
        f"WHERE item_id IN ({pads}) AND occurred_at >= ? AND occurred_at < ? AND kind IN "
        "('receipt_donation', 'receipt_purchase', 'transfer', 'consumption', 'mailed', 'handed_over') "
        f"AND (kind != 'transfer' OR (from_location_id IN ({rooms}) AND to_location_id NOT IN ({rooms}))) "
        "GROUP BY kind, month",
        (str(months[0]), str(months[-1])),
    ).fetchall()
    conn.execute("SELECT sum(count) FROM support_page_scan WHERE scanned_on >= ?", ("2026-04-01",)).fetchall()


def bare_fiscal_year(conn: sqlite3.Connection, months: list[datetime], rooms: str, pads: str) -> None:
    """The fiscal-year report's numbers in bare SQL: flows by kind/place/month, donors, funding, scans."""
    since, until = str(months[0]), str(months[-1])
    place = (
        "CASE WHEN kind IN ('receipt_donation', 'receipt_purchase', 'transfer') THEN to_location_id "
        "ELSE from_location_id END"
    )
    conn.execute(
        f"SELECT kind, item_id, {place} AS place, {month_case('occurred_at', months)} AS month, "
        f"sum(quantity) FROM stock_movement WHERE item_id IN ({pads}) AND occurred_at >= ? AND "
        "occurred_at < ? AND kind IN ('receipt_donation', 'receipt_purchase', 'transfer', "
        "'consumption', 'mailed', 'handed_over') AND (kind != 'transfer' OR (from_location_id IN "
        f"({rooms}) AND to_location_id NOT IN ({rooms}))) GROUP BY kind, item_id, place, month",
        (since, until),
    ).fetchall()
    conn.execute(
        "SELECT d.donor_kind, count(*) FROM stock_record r JOIN donation d ON d.record_id = r.id "
        "WHERE r.kind = 'donation' AND r.occurred_at >= ? AND r.occurred_at < ? AND NOT EXISTS "
        "(SELECT 1 FROM stock_record x WHERE x.reverses_record_id = r.id) GROUP BY d.donor_kind",
        (since, until),
    ).fetchall()
    conn.execute(
        f"SELECT d.donor_kind, sum(m.quantity) FROM stock_movement m JOIN donation d ON d.record_id = "
        f"m.record_id WHERE m.item_id IN ({pads}) AND m.kind = 'receipt_donation' AND m.occurred_at >= ? "
        "AND m.occurred_at < ? GROUP BY d.donor_kind",
        (since, until),
    ).fetchall()
    conn.execute(
        "SELECT p.funding, count(DISTINCT r.id), sum(l.quantity), sum(l.quantity * l.unit_cost_yen) "
        "FROM stock_record r JOIN purchase p ON p.record_id = r.id JOIN purchase_line l ON "
        "l.purchase_id = p.record_id WHERE r.kind = 'purchase' AND r.occurred_at >= ? AND r.occurred_at < ? "
        "GROUP BY p.funding",
        (since, until),
    ).fetchall()
    conn.execute(
        "SELECT location_id, strftime('%m', scanned_on), sum(count) FROM support_page_scan WHERE "
        "scanned_on >= ? AND scanned_on < ? GROUP BY 1, 2",
        ("2025-04-01", "2026-04-01"),
    ).fetchall()


def bench_pages(path: Path) -> None:
    """Time the dashboard and the fiscal-year report (domain call and page) against bare SQL."""
    from unittest import mock

    from inventory.accounts.passwords import use_fast_hashing
    from inventory.accounts.users import create_user
    from inventory.core.clock import start_of_day_utc
    from inventory.core.db import db
    from inventory.reports import dashboard
    from inventory.reports import yearly as reports

    use_fast_hashing()
    app = make_app(path)
    app.config["WTF_CSRF_ENABLED"] = False
    with app.app_context():
        create_user(f"bench-staff-{os.getpid()}", "correct-horse-battery", "staff")
        client = app.test_client()
        client.post(
            "/login", data={"login": f"bench-staff-{os.getpid()}", "password": "correct-horse-battery"}
        )
        rooms = ",".join(str(r) for r in reports.storeroom_ids())
        pads = ",".join(str(i) for i in reports.pad_items())
        year_months = [start_of_day_utc(d) for d in reports.month_starts(date(FISCAL_YEAR, 4, 1), 12)]
        last_months = [start_of_day_utc(d) for d in dashboard.last_months(NOW)]
        print(f"pad-carrying items: {pads}; storerooms: {rooms}")
        with (
            mock.patch("inventory.reports.dashboard.utcnow", lambda: NOW),
            mock.patch("inventory.rounds.plan.utcnow", lambda: NOW),
        ):
            cases = [
                ("dashboard: reports.dashboard.dashboard()", lambda: dashboard.dashboard(NOW), DASHBOARD_MS),
                (
                    "dashboard: GET /reports/ (whole page, HTML + SVG)",
                    lambda: client.get("/reports/"),
                    DASHBOARD_MS,
                ),
                (
                    f"fiscal-year report {FISCAL_YEAR}: reports.fiscal_year_report()",
                    lambda: reports.fiscal_year_report(FISCAL_YEAR),
                    REPORT_MS,
                ),
                (
                    f"fiscal-year report {FISCAL_YEAR}: GET /reports/fiscal-year (page)",
                    lambda: client.get(f"/reports/fiscal-year?year={FISCAL_YEAR}"),
                    REPORT_MS,
                ),
            ]
            results = {}
            for label, fn, limit in cases:
                db.session.rollback()
                median, worst, result = timed(fn)
                status = getattr(result, "status_code", 200)
                assert status == 200, (label, status)
                results[label] = median
                line(label, median, worst, f"target {limit:.0f} ms: {verdict(worst, limit)}")
        db.engine.dispose()
    conn = connect_like_the_app(path)
    for label, fn, domain in (
        (
            "bare SQL: the dashboard's aggregates (5 queries)",
            lambda: bare_dashboard(conn, last_months, rooms, pads),
            "dashboard: reports.dashboard.dashboard()",
        ),
        (
            "bare SQL: the fiscal-year report's aggregates (5 queries)",
            lambda: bare_fiscal_year(conn, year_months, rooms, pads),
            f"fiscal-year report {FISCAL_YEAR}: reports.fiscal_year_report()",
        ),
    ):
        median, worst, _ = timed(fn)
        line(label, median, worst, f"domain/bare ratio {results[domain] / median:.2f}x")
    conn.close()


def peak_rss_mb() -> float:
    """This process's peak resident memory (VmHWM; ru_maxrss would include the parent's, kept across exec)."""
    for text in Path("/proc/self/status").read_text().splitlines():
        if text.startswith("VmHWM:"):
            return int(text.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def export_in_this_process(path: Path) -> dict:
    """Stream GET /reports/export?dataset=movements to nowhere; return rows/s and peak RSS (child process)."""
    from flask.testing import FlaskClient

    from inventory.accounts.passwords import use_fast_hashing
    from inventory.accounts.users import create_user

    use_fast_hashing()
    app = make_app(path)
    app.test_client_class = FlaskClient
    app.config["WTF_CSRF_ENABLED"] = False
    with app.app_context():
        create_user(f"bench-export-{os.getpid()}", "correct-horse-battery", "staff")
    client = app.test_client()
    client.post("/login", data={"login": f"bench-export-{os.getpid()}", "password": "correct-horse-battery"})
    before = peak_rss_mb()
    started = time.perf_counter()
    response = client.get("/reports/export?dataset=movements")
    lines = size = 0
    for chunk in response.response:
        lines += chunk.count(b"\n")
        size += len(chunk)
    seconds = time.perf_counter() - started
    response.close()
    peak = peak_rss_mb()
    return {"rows": lines - 1, "seconds": seconds, "bytes": size, "rss_before_mb": before, "peak_mb": peak}


def bare_export(path: Path) -> dict:
    """A bare sqlite3 cursor loop writing the same columns as CSV to nowhere."""
    conn = connect_like_the_app(path)
    started = time.perf_counter()
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    rows = 0
    for row in conn.execute(
        "SELECT id, occurred_at, kind, item_id, quantity, from_location_id, to_location_id, "
        "record_id, reverses_id FROM stock_movement ORDER BY occurred_at, id"
    ):
        writer.writerow(row)
        rows += 1
        if rows % 500 == 0:
            buffer.getvalue().encode()
            buffer.seek(0)
            buffer.truncate()
    conn.close()
    return {"rows": rows, "seconds": time.perf_counter() - started}


def bench_export(path: Path) -> None:
    """Run the export in a fresh process (so its peak memory is its own) and the bare loop here."""
    child = subprocess.run(
        [sys.executable, __file__, "--export-child", str(path)],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "FLASK_SECRET_KEY": "bench"},
    )
    result = json.loads(child.stdout.strip().splitlines()[-1])
    rate = result["rows"] / result["seconds"]
    bare = bare_export(path)
    bare_rate = bare["rows"] / bare["seconds"]
    print(
        f"  CSV export GET /reports/export?dataset=movements: {result['rows']} rows, "
        f"{result['bytes'] / 1e6:.0f} MB in {result['seconds']:.2f} s = {rate:,.0f} rows/s "
        f"(target {ROWS_PER_S:,}: {'OK' if rate >= ROWS_PER_S else 'SLOW'})"
    )
    print(
        f"  peak memory of that process: {result['peak_mb']:.0f} MB (app loaded, before the export: "
        f"{result['rss_before_mb']:.0f} MB; target {PEAK_MB:.0f} MB: "
        f"{'OK' if result['peak_mb'] <= PEAK_MB else 'OVER'})"
    )
    print(
        f"  bare sqlite3 cursor loop + csv.writer, same columns: {bare['rows']} rows "
        f"in {bare['seconds']:.2f} s "
        f"= {bare_rate:,.0f} rows/s; export/bare ratio {bare_rate / rate:.2f}x slower"
    )


def main() -> None:
    """Generate the large ledger in a temporary directory (or --keep DIR) and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--movements", type=int, default=1_000_000)
    parser.add_argument("--keep", type=Path, default=None, help="write the database here and keep it")
    parser.add_argument("--reuse", type=Path, default=None, help="use an already generated database")
    parser.add_argument("--export-child", type=Path, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    os.environ.setdefault("FLASK_SECRET_KEY", "bench")
    if args.export_child:
        print(json.dumps(export_in_this_process(args.export_child)))
        return
    with tempfile.TemporaryDirectory() as tmp:
        if args.reuse:
            path = args.reuse
        else:
            workdir = args.keep or Path(tmp)
            workdir.mkdir(parents=True, exist_ok=True)
            path = workdir / "reports.db"
            app = make_app(path)
            from inventory.core.db import db

            with app.app_context():
                db.engine.dispose()
            started = time.perf_counter()
            fill_large_ledger(path, args.movements)
            extra = add_report_details(path)
            print(
                f"generated {args.movements} movements across 200 locations and 10 years, "
                f"{extra['reversals']} reversals, {extra['scans']} daily scan counts in "
                f"{time.perf_counter() - started:.1f} s ({path.stat().st_size / 1e6:.0f} MB)"
            )
        print(f"== reports on SQLite, {datetime.now():%Y-%m-%d %H:%M}, 'now' = {NOW:%Y-%m-%d}")
        bench_pages(path)
        print("== CSV export of every movement")
        bench_export(path)


if __name__ == "__main__":
    main()
