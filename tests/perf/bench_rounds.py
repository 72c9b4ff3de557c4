"""Restock rounds under a real WSGI server (gunicorn), beside a bare Flask app, on SQLite and PostgreSQL.

- SQLite: the public QR page and the volunteer's restock form, p50/p99 with 8 concurrent
  clients, and the volunteer page's own bytes;
- one volunteer at a time: visit POSTs in sequence, server time beside the bare app running the
  visit's statements on the plain driver (bare_app.py, bare_visit.py);
- the project's 20 volunteers posting visits at the same moment, in 5 bursts, then a burst of
  20 double taps: each visit recorded once, the ledger verified, p99 beside the bare app's bursts.
  On SQLite, then on a throwaway PostgreSQL cluster (tests/postgres_server.py) made durable.
"""

import collections
import http.client
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from benchlib import ROOT, percentiles, report, scratch_app, seed_rounds, verdict
from loadgen import Answer, burst, closed_loop, http_request

REQUESTS_PER_CLIENT = 150
CLIENTS = 8
CONCURRENT_POSTS = 20  # the project's volunteers, all posting at once
BURSTS = 5
SEQUENTIAL_POSTS = 100
TARGET = 2.0  # issue #13: a visit's server time ≤ 2× a bare transaction running its statements
WORKERS = {
    "2 sync workers": ["--workers", "2"],
    "2 workers x 4 threads": ["--workers", "2", "--threads", "4"],
}
# Each server setup gets its own locations: the app's and the bare app's.
POINTS_PER_SETUP = 2 * CONCURRENT_POSTS
BARE = "bare Flask + the visit's statements"
VISIT = "restock visit (API token)"


def free_port() -> int:
    """A TCP port nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(target: str, env: dict, access_log: Path, workers: list[str]) -> tuple[subprocess.Popen, int]:
    """Start gunicorn with `workers` (2 cores here) and wait until it answers.

    Its access log records each request's server time (%(D)s, microseconds): that is the
    figure reported, since the load generator on the same two cores adds its own delay.
    """
    port = free_port()
    process = subprocess.Popen(
        [
            str(ROOT / ".venv/bin/gunicorn"),
            "--config",
            str(ROOT / "gunicorn.conf.py"),
            *workers,
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            "--access-logfile",
            str(access_log),
            "--access-logformat",
            "%(m)s %(U)s %(s)s %(D)s",
            target,
        ],
        cwd=ROOT / "tests/perf" if "bare_app" in target else ROOT,
        env={**os.environ, **env},
    )
    for _ in range(100):
        try:
            http.client.HTTPConnection("127.0.0.1", port, timeout=1).request("GET", "/")
            return process, port
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("server did not start")


def stop(*processes: subprocess.Popen) -> None:
    """Stop the servers this bench started."""
    for process in processes:
        process.terminate()
        process.wait(timeout=10)


def server_times(
    access_log: Path, method: str, path_prefix: str, skip_lines: int, end_line: int | None = None
) -> list[float]:
    """Server-side milliseconds of the logged requests between two lines, matching method and path."""
    times = []
    for line in access_log.read_text().splitlines()[skip_lines:end_line]:
        logged_method, path, _status, micros = line.split()
        if logged_method == method and path.startswith(path_prefix):
            times.append(int(micros) / 1000)
    return times


def log_length(access_log: Path) -> int:
    """Lines in the access log so far."""
    time.sleep(0.3)  # gunicorn writes the log line after the response
    return len(access_log.read_text().splitlines()) if access_log.exists() else 0


def sign_in(port: int, username: str, password: str) -> str:
    """Sign in through the real form (with its CSRF token); return the Cookie header."""
    connection = http.client.HTTPConnection("127.0.0.1", port)
    connection.request("GET", "/login")
    response = connection.getresponse()
    page = response.read().decode()
    cookie = response.getheader("Set-Cookie").split(";")[0]
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    body = f"login={username}&password={password}&csrf_token={token}"
    connection.request(
        "POST",
        "/login",
        body=body,
        headers={"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie},
    )
    response = connection.getresponse()
    response.read()
    assert response.status == 302, response.status
    cookie = response.getheader("Set-Cookie").split(";")[0]
    # As a browser would: keep the cookie the first page updates (it adds its CSRF token).
    connection.request("GET", "/", headers={"Cookie": cookie})
    response = connection.getresponse()
    response.read()
    return (response.getheader("Set-Cookie") or cookie).split(";")[0]


def visit_request(path: str, code: str, token: str, key: str) -> bytes:
    """The bytes of one visit POST as a volunteer's phone sends it."""
    body = {"location_code": code, "counted": 0, "added": 5, "idempotency_key": key}
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    return http_request("POST", path, headers, json.dumps(body).encode())


@dataclass(eq=False)
class Target:
    """A server taking visit POSTs: its port, visit path, access log, its locations, and all it was sent."""

    port: int
    path: str
    log: Path
    codes: list[str]
    sent: list[tuple[str, Answer]] = field(default_factory=list)

    def post(
        self, tokens: list[str], codes: list[str] | None = None, double_tap: bool = False
    ) -> list[Answer]:
        """One visit per location from its own volunteer, all sent at once (each twice: a double tap)."""
        codes = codes or self.codes
        keys = [uuid.uuid4().hex for _ in codes]
        requests = [
            visit_request(self.path, code, token, key)
            for code, token, key in zip(codes, tokens, keys, strict=False)
        ]
        if double_tap:
            keys, requests = keys * 2, requests * 2
        answers = burst(self.port, requests)
        self.sent += zip(keys, answers, strict=True)
        return answers

    def server_times(self, skip_lines: int, end_line: int | None = None) -> list[float]:
        """Server-side milliseconds of the visit POSTs logged between two lines."""
        return server_times(self.log, "POST", self.path, skip_lines, end_line)


def bench_pages(env: dict, logs: Path, codes: list[str]) -> None:
    """The QR page and the restock form under 8 concurrent clients, beside the bare page, per server setup."""
    for config, workers in WORKERS.items():
        bare_log, app_log = logs / f"pages-bare-{len(workers)}.log", logs / f"pages-app-{len(workers)}.log"
        bare, bare_port = serve("bare_app:app", env, bare_log, workers)
        server, port = serve("app:create_app()", env, app_log, workers)
        try:
            client_rows, server_rows = [], []
            cookie = sign_in(port, "volunteer-00", "bench-password-1")
            for name, target_port, log, path, headers in [
                ("bare Flask + 1 query (gunicorn)", bare_port, bare_log, "/", {}),
                ("public QR page, visitor", port, app_log, f"/l/{codes[0]}", {}),
                ("restock form, signed-in volunteer", port, app_log, f"/l/{codes[1]}", {"Cookie": cookie}),
            ]:
                before = log_length(log)
                answers = closed_loop(
                    target_port, http_request("GET", path, headers), CLIENTS, REQUESTS_PER_CLIENT
                )
                assert {a.status for a in answers} == {200}, (name, {a.status for a in answers})
                client_rows.append((name, percentiles([a.ms for a in answers])))
                server_rows.append((name, percentiles(server_times(log, "GET", path, before + 1))))
            title = (
                f"under gunicorn ({config}), {CLIENTS} concurrent clients, "
                f"{REQUESTS_PER_CLIENT} requests each"
            )
            report("SQLite, server time " + title, server_rows, "bare Flask + 1 query (gunicorn)")
            report(
                "SQLite, client round trip (one-thread load generator on the same 2 cores) " + title,
                client_rows,
                "bare Flask + 1 query (gunicorn)",
            )
            if config == next(iter(WORKERS)):
                print_page_bytes(port, codes[1])
        finally:
            stop(server, bare)


def print_page_bytes(port: int, code: str) -> None:
    """The volunteer page's own bytes: its HTML, the stylesheet and its scripts."""
    cookie = sign_in(port, "volunteer-00", "bench-password-1")
    connection = http.client.HTTPConnection("127.0.0.1", port)
    sizes = {}
    for asset in [f"/l/{code}", "/static/style.css", "/static/offline.js", "/static/restock.js"]:
        connection.request("GET", asset, headers={"Cookie": cookie})
        sizes[asset] = len(connection.getresponse().read())
    print(
        f"\nvolunteer page bytes (uncompressed): {sum(sizes.values())} B total "
        + ", ".join(f"{k.rsplit('/', 1)[-1]} {v}" for k, v in sizes.items())
    )


def bench_posts(database: str, app, env: dict, logs: Path, seeded: dict) -> None:
    """Visit POSTs one at a time and 20 at once, app beside bare, under each server setup."""
    tokens = seeded["tokens"]
    for number, (config, workers) in enumerate(WORKERS.items()):
        codes = seeded["codes"][number * POINTS_PER_SETUP : (number + 1) * POINTS_PER_SETUP]
        tag = f"{database.split()[0]}-{number}"
        bare_process, bare_port = serve("bare_app:app", env, logs / f"visits-bare-{tag}.log", workers)
        app_process, app_port = serve("app:create_app()", env, logs / f"visits-app-{tag}.log", workers)
        bare = Target(bare_port, "/visit", logs / f"visits-bare-{tag}.log", codes[CONCURRENT_POSTS:])
        visit = Target(app_port, "/api/v1/visits", logs / f"visits-app-{tag}.log", codes[:CONCURRENT_POSTS])
        try:
            # A running server has served visits before: warm each worker up.
            bare.post(tokens)
            visit.post(tokens)
            if number == 0:
                one_at_a_time(database, visit, bare, tokens[0])
            skip_bare, skip_visit = log_length(bare.log), log_length(visit.log)
            # One burst's p99 is its second-slowest answer: a single sample of a noisy machine.
            # Several bursts, each beside its own bare burst, show the spread.
            bare_answers, visit_answers, burst_p99s = [], [], []
            for _ in range(BURSTS):
                bare_burst, visit_burst = bare.post(tokens), visit.post(tokens)
                bare_answers += bare_burst
                visit_answers += visit_burst
                burst_p99s.append(
                    (
                        percentiles([a.ms for a in bare_burst])["p99"],
                        percentiles([a.ms for a in visit_burst])["p99"],
                    )
                )
            end_bare, end_visit = log_length(bare.log), log_length(visit.log)
            # Every phone taps twice at the same moment: each key must still record one visit.
            bare.post(tokens, double_tap=True)
            visit.post(tokens, double_tap=True)
            check_recorded(app, f"{database}, gunicorn {config}", visit, bare)
            print(
                f"p99 of each burst of {CONCURRENT_POSTS}, bare -> restock visit (ms): "
                + ", ".join(f"{bare_p99:.1f} -> {visit_p99:.1f}" for bare_p99, visit_p99 in burst_p99s)
            )
            title = (
                f"{database}: {BURSTS} bursts of {CONCURRENT_POSTS} concurrent visit POSTs released "
                f"at once, gunicorn ({config})"
            )
            server_rows = [
                (BARE, percentiles(bare.server_times(skip_bare, end_bare))),
                (VISIT, percentiles(visit.server_times(skip_visit, end_visit))),
            ]
            client_rows = [
                (BARE, percentiles([a.ms for a in bare_answers])),
                (VISIT, percentiles([a.ms for a in visit_answers])),
            ]
            report(f"{title}: server time", server_rows, BARE)
            report(f"{title}: client round trip, queueing for a worker included", client_rows, BARE)
            for kind, rows in (("server time", server_rows), ("client round trip", client_rows)):
                base, figure = (figures["p99"] for _, figures in rows)
                print(
                    f"  {database} {CONCURRENT_POSTS} concurrent visits ({config}), {kind} p99: "
                    f"{figure:.1f} ms, bare {base:.1f} ms ({figure / base:.2f}×)"
                )
        finally:
            stop(app_process, bare_process)


def one_at_a_time(database: str, visit: Target, bare: Target, token: str) -> None:
    """SEQUENTIAL_POSTS visits posted one after another, app and bare in turn; print their server times."""
    skip_bare, skip_visit = log_length(bare.log), log_length(visit.log)
    for n in range(SEQUENTIAL_POSTS):
        bare.post([token], [bare.codes[n % len(bare.codes)]])
        visit.post([token], [visit.codes[n % len(visit.codes)]])
    base, figures = percentiles(bare.server_times(skip_bare)), percentiles(visit.server_times(skip_visit))
    report(
        f"{database}: one volunteer at a time, {SEQUENTIAL_POSTS} visit POSTs in sequence: server time",
        [(BARE, base), (VISIT, figures)],
        BARE,
    )
    for figure in ("p50", "p99"):
        ratio = figures[figure] / base[figure]
        print(
            f"  {database} visit POST vs bare, {figure}: {figures[figure]:.3f} ms vs {base[figure]:.3f} ms "
            f"= {ratio:.2f}×  ({verdict(ratio, TARGET)})"
        )


def check_recorded(app, label: str, visit: Target, bare: Target) -> None:
    """Each key answered 201 once (200 for its twin) and recorded one visit; the ledger balances."""
    with app.app_context():
        import sqlalchemy as sa

        from inventory.core.db import db
        from inventory.rounds.models import RestockVisit
        from inventory.stock.ledger import verify_balances
        from inventory.stock.models import Location

        def visits_at(codes):
            return db.session.scalar(
                sa.select(sa.func.count())
                .select_from(RestockVisit)
                .join(Location, Location.id == RestockVisit.location_id)
                .where(Location.code.in_(codes))
            )

        recorded = {target: visits_at(target.codes) for target in (visit, bare)}
        differences = verify_balances()
        db.session.remove()
    lines, once = [], not differences
    for name, target in (("app", visit), ("bare", bare)):
        by_key = collections.defaultdict(list)
        for key, answer in target.sent:
            by_key[key].append(answer.status)
        once = (
            once
            and recorded[target] == len(by_key)
            and all(sorted(statuses) == [200] * (len(statuses) - 1) + [201] for statuses in by_key.values())
        )
        statuses = dict(sorted(collections.Counter(answer.status for _, answer in target.sent).items()))
        lines.append(
            f"{name}: {len(target.sent)} POSTs, {len(by_key)} keys, statuses {statuses}, "
            f"visits recorded {recorded[target]}"
        )
    print(
        f"\n{label}: " + "; ".join(lines) + f"; ledger differences {len(differences)}; "
        f"every visit recorded once: {'yes' if once else 'NO'}"
    )
    if not once:
        raise SystemExit(f"{label}: visits lost, doubled or unbalanced: {differences[:5]}")


def bench_postgres(logs: Path) -> None:
    """The visit POSTs again on a throwaway PostgreSQL cluster, as durable as SQLite with synchronous=FULL."""
    try:
        from tests.postgres_server import find_bindir, throwaway_cluster
    except ImportError as error:
        print(f"\nPostgreSQL: skipped (tests/postgres_server.py: {error})")
        return
    if find_bindir() is None:
        print("\nPostgreSQL: skipped (server programs not installed: apt-get install postgresql)")
        return
    with throwaway_cluster() as cluster:
        settings = make_durable(cluster.url)
        print(f"\nPostgreSQL {cluster.version}, throwaway cluster on 127.0.0.1:{cluster.port}, {settings}")
        app, _ = scratch_app(cluster.url.replace("postgresql://", "postgresql+psycopg://", 1))
        seeded = seed_rounds(
            app, POINTS_PER_SETUP * len(WORKERS), volunteers=CONCURRENT_POSTS, packages=10000
        )
        env = {"DATABASE_URL": cluster.url, "BARE_DATABASE_URL": cluster.url}
        try:
            bench_posts(f"PostgreSQL {cluster.version}", app, env, logs, seeded)
        finally:
            with app.app_context():
                from inventory.core.db import db

                db.engine.dispose()


def make_durable(url: str) -> str:
    """Turn fsync back on (the test helper turns it off), so commits wait for the disk as SQLite's do."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as connection:
        for setting in ("fsync", "synchronous_commit", "full_page_writes"):
            connection.execute(f"ALTER SYSTEM SET {setting} = on")
        connection.execute("SELECT pg_reload_conf()")
    for _ in range(50):  # the postmaster reloads on a signal, not at once
        with psycopg.connect(url) as connection:
            values = {
                name: connection.execute(f"SHOW {name}").fetchone()[0]
                for name in ("fsync", "synchronous_commit", "full_page_writes")
            }
        if set(values.values()) == {"on"}:
            return ", ".join(f"{name}={value}" for name, value in values.items())
        time.sleep(0.1)
    raise RuntimeError(f"PostgreSQL did not take the durable settings: {values}")


def main():
    """Seed a SQLite database, run the pages and the visits on it, then the visits on PostgreSQL."""
    app, path = scratch_app()
    seeded = seed_rounds(app, POINTS_PER_SETUP * len(WORKERS), volunteers=CONCURRENT_POSTS, packages=10000)
    os.environ["FLASK_SECRET_KEY"] = uuid.uuid4().hex  # one key for all workers of a server
    env = {"DATABASE_URL": f"sqlite:///{path}", "BARE_DATABASE_URL": f"sqlite:///{path}"}
    logs = Path(tempfile.mkdtemp())
    bench_pages(env, logs, seeded["codes"])
    bench_posts("SQLite (WAL, synchronous=FULL)", app, env, logs, seeded)
    bench_postgres(logs)


if __name__ == "__main__":
    sys.exit(main())
