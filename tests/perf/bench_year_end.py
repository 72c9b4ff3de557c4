"""Benchmark of the year-end report on SQLite: `.venv/bin/python tests/perf/bench_year_end.py`.

With 1,000,000 movements (bench_reports' data set: 200 locations, 10 years, 1,000 reversals,
daily QR scan counts):
- the fiscal-year report (the domain call, which also computes the previous year) against the
  bare SQL that computes the same figures for both years, in the same run: target ≤ 2×;
- the PDF (GET /reports/fiscal-year.pdf, report and drawing) and the drawing alone: target ≤ 1 s;
- the page and the CSV, for reference.

With 50,000 consultation tallies (bench_outcomes.py's generator) on top: the report's outcome
actuals, and the page, CSV and PDF's outcome tables, against their bare aggregates.

Options: --movements N (default 1000000), --reuse DB (a database bench_reports.py --keep wrote).
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import sys
import tempfile
import time
from datetime import date, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parents[1]))

import bench_outcomes as outcomes_bench  # noqa: E402
from bench_ledger import connect_like_the_app, fill_large_ledger, make_app, timed  # noqa: E402
from bench_reports import add_report_details, month_case  # noqa: E402

FISCAL_YEAR = 2025
RATIO_TARGET, PDF_MS = 2.0, 1000.0
# The bare queries of the outcome side (consultations, referrals, cafe visits) of FY2025.
OUTCOME_BARE_QUERIES = [(sql, lambda since, until: ()) for sql in outcomes_bench.BARE]


def add_outcome_load(path: Path) -> dict:
    """50,000 consultation tallies over ten years, with referrals and cafe sessions."""
    outcomes_bench.fill(path, 50_000, make_locations=False)
    return {"tallies": 50_000}


def signed_sql(pads: str) -> str:
    """The movements of [:s, :u), reversals as minus their original on their own date."""
    return (
        "SELECT id AS mid, record_id, kind, item_id, from_location_id AS src, to_location_id AS dst, "
        "quantity AS qty, occurred_at AS at FROM stock_movement WHERE occurred_at >= :s AND "
        f"occurred_at < :u AND kind != 'reversal' AND item_id IN ({pads}) UNION ALL "
        "SELECT o.id, o.record_id, o.kind, o.item_id, o.from_location_id, o.to_location_id, -r.quantity, "
        "r.occurred_at FROM stock_movement r JOIN stock_movement o ON o.id = r.reverses_id WHERE "
        f"r.occurred_at >= :s AND r.occurred_at < :u AND r.kind = 'reversal' AND r.item_id IN ({pads})"
    )


def bare_year(conn: sqlite3.Connection, months: list[datetime], rooms: str, pads: str) -> None:
    """Every figure of one year's report in bare SQL (what fiscal_year_report asks of the database)."""
    span = {"s": str(months[0]), "u": str(months[-1])}
    src_room, dst_room = f"s.src IN ({rooms})", f"s.dst IN ({rooms})"
    discard = "coalesce(rec.reason, '') IN ('damaged', 'lost', 'expired')"
    kind = (
        f"CASE WHEN s.kind = 'transfer' THEN CASE WHEN {src_room} AND NOT {dst_room} THEN CASE WHEN "
        f"rec.kind = 'request' THEN 'delivered' ELSE 'placed' END WHEN NOT {src_room} AND {dst_room} "
        "THEN 'returned' ELSE 'internal' END WHEN s.kind = 'adjustment' THEN CASE WHEN rec.reason = "
        "'stocktake' OR rec.kind = 'restock_visit' THEN 'adjust_count' WHEN s.dst IS NULL AND "
        f"{discard} THEN 'discarded' ELSE 'adjust_manual' END ELSE s.kind END"
    )
    place = (
        "CASE WHEN s.kind IN ('receipt_donation', 'receipt_purchase') THEN s.dst WHEN s.kind = 'transfer' "
        f"AND NOT {dst_room} THEN s.dst WHEN s.kind = 'adjustment' THEN coalesce(s.dst, s.src) ELSE s.src END"
    )
    negative = (
        f"(s.kind = 'adjustment' AND s.dst IS NULL AND NOT {discard}) OR "
        f"(s.kind = 'transfer' AND NOT {src_room} AND {dst_room})"
    )
    conn.execute(
        f"WITH s AS ({signed_sql(pads)}) SELECT {kind}, s.item_id, {place}, {month_case('s.at', months)}, "
        f"sum(CASE WHEN {negative} THEN -s.qty ELSE s.qty END) FROM s LEFT JOIN stock_record rec ON "
        "rec.id = s.record_id AND s.kind IN ('transfer', 'adjustment') GROUP BY 1, 2, 3, 4",
        span,
    ).fetchall()
    undone = "EXISTS (SELECT 1 FROM stock_record x WHERE x.reverses_record_id = {} AND x.occurred_at < :u)"
    conn.execute(
        f"SELECT location_id, {month_case('visited_at', months)}, sum(added_unrecorded) FROM restock_visit v "
        "WHERE visited_at >= :s AND visited_at < :u AND added_unrecorded > 0 AND NOT "
        f"{undone.format('v.record_id')} GROUP BY 1, 2",
        span,
    ).fetchall()
    conn.execute(
        "SELECT d.donor_kind, count(*) FROM stock_record r JOIN donation d ON d.record_id = r.id WHERE "
        f"r.kind = 'donation' AND r.occurred_at >= :s AND r.occurred_at < :u AND NOT {undone.format('r.id')} "
        "GROUP BY 1",
        span,
    ).fetchall()
    conn.execute(
        "SELECT d.donor_kind, sum(m.quantity) FROM stock_record r JOIN donation d ON d.record_id = r.id "
        "JOIN stock_movement m ON m.record_id = r.id WHERE r.kind = 'donation' AND r.occurred_at >= :s AND "
        f"r.occurred_at < :u AND m.item_id IN ({pads}) AND NOT {undone.format('r.id')} GROUP BY 1",
        span,
    ).fetchall()
    conn.execute(
        "SELECT r.id, r.occurred_at, p.vendor, p.receipt_number, p.funding, l.item_id, l.quantity, "
        f"l.unit_cost_yen, {undone.format('r.id')} FROM stock_record r JOIN purchase p ON p.record_id = r.id "
        "JOIN purchase_line l ON l.purchase_id = p.record_id WHERE r.kind = 'purchase' "
        "AND r.occurred_at >= :s "
        "AND r.occurred_at < :u ORDER BY r.occurred_at, r.id, l.id",
        span,
    ).fetchall()
    conn.execute(
        "SELECT q.delivery, sum(m.quantity) FROM pack_request q JOIN stock_movement m ON m.record_id = "
        f"q.record_id WHERE m.kind = 'handed_over' AND m.occurred_at >= :s AND m.occurred_at < :u AND "
        f"m.item_id IN ({pads}) GROUP BY 1",
        span,
    ).fetchall()
    conn.execute(
        "SELECT q.delivery, -sum(o.quantity) FROM pack_request q JOIN stock_movement o ON o.record_id = "
        f"q.record_id WHERE o.kind = 'handed_over' AND o.item_id IN ({pads}) AND EXISTS (SELECT 1 FROM "
        "stock_movement r WHERE r.reverses_id = o.id AND r.occurred_at >= :s AND r.occurred_at < :u) "
        "GROUP BY 1",
        span,
    ).fetchall()
    conn.execute(
        "SELECT kind, status, channel, delivery, created_at, closed_at FROM pack_request WHERE "
        "created_at >= :s AND created_at < :u AND status != 'cancelled'",
        span,
    ).fetchall()
    conn.execute(
        "SELECT count(*) FROM pack_request WHERE created_at >= :s AND created_at < :u "
        "AND status = 'cancelled'",
        span,
    ).fetchall()
    first = (months[0] + (months[1] - months[0]) / 2).date().replace(day=1)
    conn.execute(
        "SELECT location_id, strftime('%m', scanned_on), sum(count) FROM support_page_scan WHERE "
        "scanned_on >= ? AND scanned_on < ? GROUP BY 1, 2",
        (str(first), str(first.replace(year=first.year + 1))),
    ).fetchall()
    conn.execute("SELECT metric, target FROM fiscal_target WHERE fiscal_year = ?", (first.year,)).fetchall()
    for sql, params in OUTCOME_BARE_QUERIES:
        conn.execute(sql, params(span["s"], span["u"])).fetchall()  # type: ignore[operator]


def bare_stock(conn: sqlite3.Connection, moments: list[datetime], pads: str) -> None:
    """The organisation's stock per item at each instant, in one scan (openings and closings)."""
    change = (
        "(CASE WHEN to_location_id IS NOT NULL THEN quantity ELSE 0 END - "
        "CASE WHEN from_location_id IS NOT NULL THEN quantity ELSE 0 END)"
    )
    buckets = ", ".join(f"sum(CASE WHEN occurred_at < '{m}' THEN {change} ELSE 0 END)" for m in moments)
    conn.execute(
        f"SELECT item_id, {buckets} FROM stock_movement WHERE occurred_at < ? AND item_id IN ({pads}) "
        "GROUP BY item_id",
        (str(max(moments)),),
    ).fetchall()


def bare_report(conn: sqlite3.Connection, years: list[list[datetime]], rooms: str, pads: str) -> None:
    """Both years' figures and the stock at their three boundaries."""
    for months in years:
        bare_year(conn, months, rooms, pads)
    bare_stock(conn, sorted({years[1][0], years[0][0], years[0][-1]}), pads)


def line(label: str, median: float, worst: float, note: str = "") -> None:
    print(f"  {label:<64} median {median:8.1f} ms  max {worst:8.1f} ms  {note}")


def bench(path: Path) -> None:
    """Time the report, its PDF, page and CSV against the bare SQL of the same figures."""
    from inventory.accounts.passwords import use_fast_hashing
    from inventory.accounts.users import create_user
    from inventory.core.clock import start_of_day_utc
    from inventory.core.db import db
    from inventory.reports import yearly as reports

    use_fast_hashing()
    app = make_app(path)
    app.config["WTF_CSRF_ENABLED"] = False
    with app.app_context():
        name = f"bench-year-{os.getpid()}"
        create_user(name, "correct-horse-battery", "staff")
        client = app.test_client()
        client.post("/login", data={"login": name, "password": "correct-horse-battery"})
        rooms = ",".join(str(r) for r in reports.storeroom_ids())
        pads = ",".join(str(i) for i in reports.pad_items())
        years = [
            [start_of_day_utc(d) for d in reports.month_starts(date(year, 4, 1), 12)]
            for year in (FISCAL_YEAR, FISCAL_YEAR - 1)
        ]
        results = {}
        for label, fn in [
            (
                "domain: fiscal_year_report(2025) with 2024 beside it",
                lambda: reports.fiscal_year_report(FISCAL_YEAR),
            ),
            (
                "GET /reports/fiscal-year (the page)",
                lambda: client.get(f"/reports/fiscal-year?year={FISCAL_YEAR}"),
            ),
            (
                "GET /reports/fiscal-year.pdf (report + PDF)",
                lambda: client.get(f"/reports/fiscal-year.pdf?year={FISCAL_YEAR}"),
            ),
            (
                "GET /reports/fiscal-year.csv (report + CSV, read to the end)",
                lambda: client.get(f"/reports/fiscal-year.csv?year={FISCAL_YEAR}").get_data(),
            ),
        ]:
            db.session.rollback()
            median, worst, result = timed(fn, repeat=5)
            assert getattr(result, "status_code", 200) == 200, label
            results[label] = median
            note = ""
            if "pdf" in label:
                note = f"target {PDF_MS:.0f} ms: {'met' if worst <= PDF_MS else 'missed'}"
            line(label, median, worst, note)
        # The drawing alone, from the document the page shows.
        with app.test_request_context(f"/reports/fiscal-year.pdf?year={FISCAL_YEAR}"):
            from flask_login import login_user

            from blueprints.reports.document import build_document, status_line
            from blueprints.reports.pdf import pdf_content
            from inventory.accounts.models import User
            from labels.report_pdf import render_report_pdf

            login_user(db.session.scalar(db.select(User).where(User.username == name)))
            document = build_document(reports.fiscal_year_report(FISCAL_YEAR))
            content = pdf_content(document, status_line(document, None))
            median, worst, pdf = timed(lambda: render_report_pdf(content), repeat=5)
            line(
                f"render_report_pdf alone ({len(pdf) // 1024} KB)",
                median,
                worst,
                f"target {PDF_MS:.0f} ms: {'met' if worst <= PDF_MS else 'missed'}",
            )
        db.engine.dispose()
    conn = connect_like_the_app(path)
    median, worst, _ = timed(lambda: bare_report(conn, years, rooms, pads), repeat=5)
    domain = results["domain: fiscal_year_report(2025) with 2024 beside it"]
    ratio = domain / median
    met = "met" if ratio <= RATIO_TARGET else "missed"
    line(
        "bare SQL: the same figures for 2025 and 2024 (baseline)",
        median,
        worst,
        f"domain/bare {ratio:.2f}x (target ≤ {RATIO_TARGET:g}x: {met})",
    )
    conn.close()


def main() -> None:
    """Generate (or reuse) the large ledger and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--movements", type=int, default=1_000_000)
    parser.add_argument("--reuse", type=Path, default=None, help="use an already generated database")
    args = parser.parse_args()
    os.environ.setdefault("FLASK_SECRET_KEY", "bench")
    with tempfile.TemporaryDirectory() as tmp:
        path = args.reuse
        if path is None:
            path = Path(tmp) / "year-end.db"
            app = make_app(path)
            from inventory.core.db import db

            with app.app_context():
                db.engine.dispose()
            started = time.perf_counter()
            fill_large_ledger(path, args.movements)
            extra = add_report_details(path)
            extra.update(add_outcome_load(path))
            print(f"generated {args.movements} movements, {extra} in {time.perf_counter() - started:.1f} s")
        print(f"== year-end report on SQLite, {datetime.now():%Y-%m-%d %H:%M}, fiscal year {FISCAL_YEAR}")
        bench(path)


if __name__ == "__main__":
    main()
