"""Benchmark of the outcome figures on SQLite: `.venv/bin/python tests/perf/bench_outcomes.py`.

With 50,000 consultation tallies over 10 fiscal years (5,000 in the measured one), 20,000
referrals and 500 cafe sessions: the outcome figures of one fiscal year, the city's version and
the publication version (suppression included), as the domain call, beside the bare SQL
aggregates that read the same numbers on a plain sqlite3 connection in the same run. The packs
placed are passed in (the fiscal-year report has them), so this measures the outcome side alone.
Target: ≤ 2× the bare SQL.

Options: --tallies N (default 50000), --keep DIR.
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import sys
import tempfile
from datetime import date, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parents[1]))

from bench_ledger import connect_like_the_app, make_app, timed  # noqa: E402

FISCAL_YEAR = 2025
FIRST = date(2016, 4, 1)
CHANNELS = ("phone", "line", "email", "cafe", "visit", "other")
HEARD = ("pack", "qr", "school", "city_office", "other", "unknown")
KINDS = ("city_hall", "elementary_school", "junior_high_school", "university", "other")


def fill(path: Path, tallies: int, seed: int = 15, *, make_locations: bool = True) -> None:
    """Tallies spread over ten years, referrals and cafe sessions, written directly; 200 locations
    first, unless the database has its own (the year-end benchmark's ledger)."""
    rng = random.Random(seed)
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA synchronous = OFF")
    conn.execute("BEGIN")
    if make_locations:
        conn.executemany(
            "INSERT INTO location (id, code, kind, name, address, spot, target_level, contact_note, active, "
            "created_at) VALUES (?, ?, ?, ?, '', '', 10, '', 1, '2016-01-01')",
            [(i, f"B{i:06d}", KINDS[i % len(KINDS)], f"拠点{i}") for i in range(1, 201)],
        )
    places = [row[0] for row in conn.execute("SELECT id FROM location WHERE kind != 'storeroom' ORDER BY id")]
    days = (date(FIRST.year + 10, 3, 31) - FIRST).days
    rows, referrals = [], []
    for tally in range(1, tallies + 1):
        heard = rng.choice(HEARD)
        place = rng.choice(places) if heard == "pack" or (heard == "qr" and rng.random() < 0.8) else None
        day = FIRST + timedelta(days=rng.randint(0, days))
        rows.append((tally, day.isoformat(), rng.choice(CHANNELS), rng.random() < 0.6, heard, place))
        if tally % 5 < 2:
            referrals.append((day.isoformat(), rng.randint(1, 8), tally))
    conn.executemany(
        "INSERT INTO consultation_tally (id, occurred_on, channel, is_new, heard_via, heard_location_id, "
        "count, note, recorded_at) VALUES (?, ?, ?, ?, ?, ?, 1, '', '2026-01-01')",
        rows,
    )
    conn.executemany(
        "INSERT INTO referral (occurred_on, destination_id, count, tally_id) VALUES (?, ?, 1, ?)", referrals
    )
    conn.executemany(
        "INSERT INTO cafe_session (held_on, visits, note, recorded_at) VALUES (?, ?, '', '2026-01-01')",
        [((FIRST + timedelta(days=7 * week)).isoformat(), rng.randint(0, 20)) for week in range(500)],
    )
    conn.execute("COMMIT")
    conn.execute("ANALYZE")
    conn.close()


BARE = [
    # The same aggregates the domain reads: tallies by month and every dimension, referrals, cafe.
    """SELECT CASE WHEN occurred_on < '2025-05-01' THEN 0 WHEN occurred_on < '2025-06-01' THEN 1
              WHEN occurred_on < '2025-07-01' THEN 2 WHEN occurred_on < '2025-08-01' THEN 3
              WHEN occurred_on < '2025-09-01' THEN 4 WHEN occurred_on < '2025-10-01' THEN 5
              WHEN occurred_on < '2025-11-01' THEN 6 WHEN occurred_on < '2025-12-01' THEN 7
              WHEN occurred_on < '2026-01-01' THEN 8 WHEN occurred_on < '2026-02-01' THEN 9
              WHEN occurred_on < '2026-03-01' THEN 10 ELSE 11 END AS m,
              t.channel, t.is_new, t.heard_via, l.kind, sum(t.count)
       FROM consultation_tally t LEFT JOIN location l ON l.id = t.heard_location_id
       WHERE t.occurred_on BETWEEN '2025-04-01' AND '2026-03-31'
       GROUP BY m, t.channel, t.is_new, t.heard_via, l.kind""",
    """SELECT destination_id, sum(count) FROM referral
       WHERE occurred_on BETWEEN '2025-04-01' AND '2026-03-31' GROUP BY destination_id""",
    """SELECT id, name FROM referral_destination
       WHERE active = 1 OR id IN (SELECT destination_id FROM referral
                                  WHERE occurred_on BETWEEN '2025-04-01' AND '2026-03-31')
       ORDER BY position, id""",
    """SELECT strftime('%m', held_on), count(*), sum(visits) FROM cafe_session
       WHERE held_on BETWEEN '2025-04-01' AND '2026-03-31' GROUP BY 1""",
]


def main() -> None:
    """Fill a database, then time the domain call and the bare SQL side by side."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--tallies", type=int, default=50_000)
    parser.add_argument("--keep")
    args = parser.parse_args()
    workdir = Path(args.keep or tempfile.mkdtemp(prefix="bench-outcomes-"))
    path = workdir / "outcomes.db"
    path.unlink(missing_ok=True)
    app = make_app(path)
    fill(path, args.tallies)
    conn = connect_like_the_app(path)

    def bare():
        return [conn.execute(sql).fetchall() for sql in BARE]

    bare_ms, bare_max, _ = timed(bare)
    placed = {kind: 1000 for kind in KINDS}
    with app.app_context():
        from inventory.core.db import db
        from inventory.outcomes import queries

        def city():
            db.session.rollback()
            return queries.outcome_figures(FISCAL_YEAR, placed=placed)

        def public():
            db.session.rollback()
            return queries.outcome_figures(FISCAL_YEAR, publication=True, placed=placed)

        city_ms, city_max, figures = timed(city)
        public_ms, public_max, _ = timed(public)
    total = figures.table("by_heard").grid[-1][-1]
    print(f"outcome figures of FY{FISCAL_YEAR}: {args.tallies:,} tallies in all, {total:,} in the year")
    print(f"  bare SQL (sqlite3, same aggregates)   median {bare_ms:7.2f} ms  max {bare_max:7.2f} ms")
    for label, median, worst in [
        ("city version", city_ms, city_max),
        ("publication version", public_ms, public_max),
    ]:
        verdict = "OK" if median <= 2 * bare_ms else "SLOW"
        print(
            f"  {label:<37} median {median:7.2f} ms  max {worst:7.2f} ms  "
            f"{median / bare_ms:4.2f}× bare  {verdict}"
        )


if __name__ == "__main__":
    main()
