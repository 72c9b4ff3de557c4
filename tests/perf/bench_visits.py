"""A restock visit in the service against the same statements on a plain sqlite3 connection.

In-process, no HTTP. `inventory.rounds.visits.record_visit` (each visit its own unit of work,
with a one-time key) beside bare_visit.record_visit (the very statements the service emits,
checked below, in one BEGIN IMMEDIATE transaction each) on a copy of the same database, the
two taking turns visit by visit so both see the same machine. Same pragmas on both sides
(WAL, synchronous=FULL, foreign keys). Target (issue #13): service ≤ 2× bare.

Options: --visits N (default 300), --profile (cProfile of the service's CPU: its fsync-free visits).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import sqlite3
import statistics
import time
import uuid

import bare_visit
from benchlib import percentiles, report, scratch_app, seed_rounds, verdict

LOCATIONS = 30
TARGET_LEVEL = 10
WARM_UP = LOCATIONS  # one visit per location: the first count of each dispenser
TARGET = 2.0


class RecordingConnection(sqlite3.Connection):
    """A sqlite3 connection that keeps the SQL it executes."""

    def __init__(self, *args, **kwargs):
        """Open the connection with an empty record."""
        super().__init__(*args, **kwargs)
        self.statements = []

    def execute(self, sql, *args):
        """Note the statement, then run it."""
        self.statements.append(sql)
        return super().execute(sql, *args)


def visit_plan(point_ids: list[int], count: int) -> list[tuple[int, int, int]]:
    """(location, counted, added) per visit: people took 1-5 packs, the volunteer fills back to 10."""
    level = dict.fromkeys(point_ids, 0)
    plan = []
    for n in range(count):
        location = point_ids[n % len(point_ids)]
        counted = max(level[location] - (1 + n % 5), 0)
        plan.append((location, counted, TARGET_LEVEL - counted))
        level[location] = TARGET_LEVEL
    return plan


def service_visit(location: int, counted: int, added: int) -> None:
    """One visit through the service, then the session's end as at the end of a request."""
    from inventory.core.db import db
    from inventory.rounds.visits import record_visit

    record_visit(location, counted=counted, added=added, idempotency_key=uuid.uuid4().hex)
    db.session.remove()


def check_statements(connection: RecordingConnection, visit: tuple[int, int, int]) -> None:
    """Stop unless the service's statements for `visit` are exactly those the bare side runs."""
    import sqlalchemy as sa

    from inventory.core.db import db

    emitted = []

    def keep(_conn, _cursor, statement, _parameters, _context, _executemany):
        emitted.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", keep)
    service_visit(*visit)
    sa.event.remove(db.engine, "before_cursor_execute", keep)
    connection.statements = []
    bare_visit.record_visit(connection, *visit, uuid.uuid4().hex)
    # The service's BEGIN goes through the same cursor; its COMMIT is the driver's commit().
    bare = [s for s in connection.statements if s != "COMMIT"]
    print(
        f"one visit (consumption + transfer): the service emits {len(emitted)} statements, "
        f"the bare side runs {len(bare)}; identical: {'yes' if emitted == bare else 'NO'}"
    )
    if emitted != bare:
        raise SystemExit(
            "the service's statements changed; update tests/perf/bare_visit.py:\n"
            + "\n".join(f"  {s!r}" for s in emitted)
        )


def run_visits(plan, bare_connection, profile: cProfile.Profile | None = None):
    """Each planned visit through the service and on the bare connection, in turn; ms samples of both."""
    service_ms, bare_ms = [], []

    def timed_service(visit):
        start = time.perf_counter()
        if profile:
            profile.runcall(service_visit, *visit)
        else:
            service_visit(*visit)
        service_ms.append((time.perf_counter() - start) * 1000)

    def timed_bare(visit):
        start = time.perf_counter()
        bare_visit.record_visit(bare_connection, *visit, uuid.uuid4().hex)
        bare_ms.append((time.perf_counter() - start) * 1000)

    for n, visit in enumerate(plan):
        # Alternate who goes first, so neither always follows the other's fsync.
        first, second = (timed_service, timed_bare) if n % 2 else (timed_bare, timed_service)
        first(visit)
        second(visit)
    return service_ms, bare_ms


def paired(service_ms: list[float], bare_ms: list[float]) -> float:
    """The median of service minus bare, visit by visit."""
    return statistics.median(s - b for s, b in zip(service_ms, bare_ms, strict=True))


def check_recorded(url: str, expected: int) -> str:
    """Visits stored and ledger differences on one database, as a short text; stop if either is wrong."""
    import sqlalchemy as sa

    from inventory.core.db import db
    from inventory.rounds.models import RestockVisit
    from inventory.stock.ledger import verify_balances
    from tests.conftest import make_app

    with make_app(url).app_context():
        recorded = db.session.scalar(sa.select(sa.func.count()).select_from(RestockVisit))
        differences = verify_balances()
        db.engine.dispose()
    if recorded != expected or differences:
        raise SystemExit(
            f"{url}: {recorded} visits stored, {expected} expected; ledger differences {differences}"
        )
    return f"{recorded} visits, ledger differences 0"


def set_synchronous_off(app) -> None:
    """From here on the service's new connections skip the fsync (a listener of ours, run after the app's)."""
    import sqlalchemy as sa

    from inventory.core.db import db

    def off(dbapi_connection, _record):
        dbapi_connection.execute("PRAGMA synchronous = OFF")

    sa.event.listen(db.engine, "connect", off)
    db.engine.dispose()


def main() -> None:
    """Seed one database, copy it for the bare side, check the statements, time both, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--visits", type=int, default=300)
    parser.add_argument("--profile", action="store_true", help="profile the service's fsync-free visits")
    args = parser.parse_args()

    app, path = scratch_app()
    seeded = seed_rounds(app, LOCATIONS)
    bare_path = path.with_name("bare.db")
    with sqlite3.connect(path) as source, sqlite3.connect(bare_path) as target:
        source.backup(target)
    # The recording connection only for the check: its Python-level execute() would slow the bare side.
    recording = bare_visit.connect_sqlite(bare_path, factory=RecordingConnection)
    bare = bare_visit.connect_sqlite(bare_path)
    plan = visit_plan(seeded["point_ids"], WARM_UP + 1 + (3 if args.profile else 2) * args.visits)
    first = WARM_UP + 1
    warm_up, checked = plan[:WARM_UP], plan[WARM_UP]
    measured, fsync_off = (
        plan[first : first + args.visits],
        plan[first + args.visits : first + 2 * args.visits],
    )
    profiled = plan[first + 2 * args.visits :]
    with app.app_context():
        run_visits(warm_up, bare)
        check_statements(recording, checked)
        recording.close()
        service_ms, bare_ms = run_visits(measured, bare)
        set_synchronous_off(app)
        bare.execute("PRAGMA synchronous = OFF")
        service_off_ms, bare_off_ms = run_visits(fsync_off, bare)
        # Profiled without the fsync (the disk's time is the same on both sides, the CPU is not),
        # in a pass of its own so the profiler's cost stays out of the figures.
        profile = cProfile.Profile() if args.profile else None
        run_visits(profiled, bare, profile)
        from inventory.core.db import db

        db.session.remove()
        db.engine.dispose()
    bare.close()
    total = len(plan)
    print(
        f"recorded: service {check_recorded(f'sqlite:///{path}', total)}; "
        f"bare {check_recorded(f'sqlite:///{bare_path}', total)}"
    )

    service, base = percentiles(service_ms), percentiles(bare_ms)
    title = (
        f"Restock visit, in-process, SQLite (WAL, synchronous=FULL): {args.visits} visits over "
        f"{LOCATIONS} locations, each its own transaction with a one-time key"
    )
    report(
        title,
        [("bare sqlite3, the same statements", base), ("record_visit() (service)", service)],
        "bare sqlite3, the same statements",
    )
    for figure in ("p50", "p99"):
        ratio = service[figure] / base[figure]
        print(
            f"  visit service vs bare sqlite3 {figure}: {service[figure]:.3f} ms vs "
            f"{base[figure]:.3f} ms = {ratio:.2f}×  ({verdict(ratio, TARGET)})"
        )
    service_off, base_off = percentiles(service_off_ms), percentiles(bare_off_ms)
    report(
        "The same without the fsync (synchronous=OFF on both sides; not the target: "
        "the per-visit CPU the service adds)",
        [("bare sqlite3, the same statements", base_off), ("record_visit() (service)", service_off)],
        "bare sqlite3, the same statements",
    )
    # Visit by visit (both sides ran back to back), so a slow moment of the disk cancels out.
    print(
        f"  service minus bare, median of each visit's difference: {paired(service_ms, bare_ms):.3f} ms "
        f"with fsync, {paired(service_off_ms, bare_off_ms):.3f} ms without"
    )
    if profile:
        out = io.StringIO()
        pstats.Stats(profile, stream=out).sort_stats("cumulative").print_stats(30)
        print(f"\ncProfile of {len(profiled)} fsync-free service visits:\n{out.getvalue()}")


if __name__ == "__main__":
    main()
