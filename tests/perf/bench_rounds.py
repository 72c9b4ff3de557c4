"""Restock rounds under a real WSGI server (gunicorn) on SQLite, beside a bare Flask page.

- the public QR page and the volunteer's restock form: p50/p99 with 8 concurrent clients;
- the volunteer page's own bytes (HTML + CSS + JS);
- 50 concurrent visit POSTs from separate clients, in 5 bursts: each recorded once, ledger
  verified, p99 of each burst and of all, beside a bare Flask app committing one durable
  write per POST under the same server.
"""
import http.client
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

from benchlib import ROOT, percentiles, report, scratch_app
from loadgen import Answer, burst, closed_loop, http_request

REQUESTS_PER_CLIENT = 150
CLIENTS = 8
CONCURRENT_POSTS = 50
BURSTS = 5


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


WORKERS = {"2 sync workers": ["--workers", "2"],
           "2 workers x 4 threads": ["--workers", "2", "--threads", "4"]}


def serve(target: str, env: dict, access_log: Path, workers: list[str]) -> tuple[subprocess.Popen, int]:
    """Start gunicorn with `workers` (2 cores here) and wait until it answers.

    Its access log records each request's server time (%(D)s, microseconds): that is the
    figure reported, since the load generator on the same two cores adds its own delay.
    """
    port = free_port()
    process = subprocess.Popen(
        [str(ROOT / ".venv/bin/gunicorn"), "--config", str(ROOT / "gunicorn.conf.py"), *workers,
         "--bind", f"127.0.0.1:{port}",
         "--log-level", "warning", "--access-logfile", str(access_log),
         "--access-logformat", "%(m)s %(U)s %(s)s %(D)s", target],
        cwd=ROOT / "tests/perf" if "bare_app" in target else ROOT, env={**os.environ, **env})
    for _ in range(100):
        try:
            http.client.HTTPConnection("127.0.0.1", port, timeout=1).request("GET", "/")
            return process, port
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("server did not start")


def server_times(access_log: Path, method: str, path_prefix: str, skip_lines: int) -> list[float]:
    """Server-side milliseconds of the logged requests after `skip_lines`, matching method and path."""
    times = []
    for line in access_log.read_text().splitlines()[skip_lines:]:
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
    connection.request("POST", "/login", body=body, headers={
        "Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie})
    response = connection.getresponse()
    response.read()
    assert response.status == 302, response.status
    cookie = response.getheader("Set-Cookie").split(";")[0]
    # As a browser would: keep the cookie the first page updates (it adds its CSRF token).
    connection.request("GET", "/", headers={"Cookie": cookie})
    response = connection.getresponse()
    response.read()
    return (response.getheader("Set-Cookie") or cookie).split(";")[0]


def main():
    app, path = scratch_app()
    with app.app_context():
        from inventory.accounts import api_tokens
        from inventory.accounts import users as accounts
        from inventory.core.clock import local_today
        from inventory.stock import catalog, operations, receipts
        pack, leaflet, package = catalog.ensure_default_items()
        storeroom = catalog.create_location("storeroom", "倉庫", idempotency_key=None)
        points = [catalog.create_location("elementary_school", f"小学校 {i}", spot="1階 女子トイレ",
                                          target_level=10, idempotency_key=None) for i in range(75 * len(WORKERS))]
        for item in (pack, leaflet):
            receipts.receive_donation(storeroom.id, local_today(), [(item.id, 5000)], donor_kind="company",
                                      idempotency_key=None)
        operations.assemble_packages(storeroom.id, package.id, 5000, idempotency_key=None)
        volunteer = accounts.create_user("bench-volunteer", "bench-password-1", "volunteer")
        tokens = [api_tokens.issue_token(volunteer.id, f"client {i}") for i in range(75 * len(WORKERS))]
        codes = [p.code for p in points]
    env = {"DATABASE_URL": f"sqlite:///{path}", "FLASK_SECRET_KEY": uuid.uuid4().hex, "BARE_DATABASE": str(path)}

    logs = Path(tempfile.mkdtemp())
    for config, workers in WORKERS.items():
        bare_log, app_log = logs / f"bare-{len(workers)}.log", logs / f"app-{len(workers)}.log"
        bare, bare_port = serve("bare_app:app", env, bare_log, workers)
        server, port = serve("app:create_app()", env, app_log, workers)
        try:
            client_rows, server_rows = [], []
            cookie = sign_in(port, "bench-volunteer", "bench-password-1")
            for name, target_port, log, path, headers in [
                    ("bare Flask + 1 query (gunicorn)", bare_port, bare_log, "/", {}),
                    ("public QR page, visitor", port, app_log, f"/l/{codes[0]}", {}),
                    ("restock form, signed-in volunteer", port, app_log, f"/l/{codes[1]}", {"Cookie": cookie})]:
                before = log_length(log)
                answers = closed_loop(target_port, http_request("GET", path, headers), CLIENTS, REQUESTS_PER_CLIENT)
                assert {a.status for a in answers} == {200}, (name, {a.status for a in answers})
                client_rows.append((name, percentiles([a.ms for a in answers])))
                server_rows.append((name, percentiles(server_times(log, "GET", path, before + 1))))
            title = f"under gunicorn ({config}), {CLIENTS} concurrent clients, {REQUESTS_PER_CLIENT} requests each"
            report("Server time " + title, server_rows, "bare Flask + 1 query (gunicorn)")
            report("Client round trip (one-thread load generator on the same 2 cores) " + title,
                   client_rows, "bare Flask + 1 query (gunicorn)")
        finally:
            for process in (server, bare):
                process.terminate()
                process.wait(timeout=10)

    for round_number, (config, workers) in enumerate(WORKERS.items()):
        bare_log, app_log = logs / f"bare-posts-{round_number}.log", logs / f"posts-{round_number}.log"
        bare, bare_port = serve("bare_app:app", env, bare_log, workers)
        server, port = serve("app:create_app()", env, app_log, workers)
        try:
            if round_number == 0:
                print_page_bytes(port, codes[1])
            # A running server has served visits before: warm each worker on other locations.
            first = round_number * 75  # 50 locations measured, then 25 to warm up on
            warm, measured = slice(first + 50, first + 75), slice(first, first + CONCURRENT_POSTS)
            send_visits(port, "/api/v1/visits", codes[warm], tokens[warm])
            send_visits(bare_port, "/write", codes[warm], tokens[warm])
            skip_app, skip_bare = log_length(app_log), log_length(bare_log)
            # One burst's p99 is its second-slowest answer: a single sample of a noisy machine.
            # Several bursts, each beside its own bare burst, show the spread.
            bare_results, results, burst_p99s = [], [], []
            for _ in range(BURSTS):
                bare_burst = send_visits(bare_port, "/write", codes[measured], tokens[measured])
                app_burst = send_visits(port, "/api/v1/visits", codes[measured], tokens[measured])
                bare_results += bare_burst
                results += app_burst
                burst_p99s.append((percentiles([a.ms for a in bare_burst])["p99"],
                                   percentiles([a.ms for a in app_burst])["p99"]))
            check_recorded(app, codes[measured], results, bare_results, config)
            print(f"p99 of each burst of {CONCURRENT_POSTS}, bare write -> restock visit (ms): "
                  + ", ".join(f"{bare:.1f} -> {visit:.1f}" for bare, visit in burst_p99s))
            baseline = "bare Flask + 1 durable write"
            title = f"{BURSTS} bursts of {CONCURRENT_POSTS} concurrent POSTs released at once, gunicorn ({config})"
            report(f"{title}: server time",
                   [(baseline, percentiles(server_times(bare_log, "POST", "/write", skip_bare))),
                    ("restock visit (API token)",
                     percentiles(server_times(app_log, "POST", "/api/v1/visits", skip_app)))], baseline)
            report(f"{title}: client round trip, queueing for a worker included",
                   [(baseline, percentiles([a.ms for a in bare_results])),
                    ("restock visit (API token)", percentiles([a.ms for a in results]))], baseline)
        finally:
            for process in (server, bare):
                process.terminate()
                process.wait(timeout=10)


def print_page_bytes(port: int, code: str) -> None:
    """The volunteer page's own bytes: its HTML, the stylesheet and its scripts."""
    cookie = sign_in(port, "bench-volunteer", "bench-password-1")
    connection = http.client.HTTPConnection("127.0.0.1", port)
    sizes = {}
    for asset in [f"/l/{code}", "/static/style.css", "/static/offline.js", "/static/restock.js"]:
        connection.request("GET", asset, headers={"Cookie": cookie})
        sizes[asset] = len(connection.getresponse().read())
    print(f"\nvolunteer page bytes (uncompressed): {sum(sizes.values())} B total "
          + ", ".join(f"{k.rsplit('/', 1)[-1]} {v}" for k, v in sizes.items()))


def send_visits(port: int, path: str, codes: list[str], tokens: list[str]) -> list[Answer]:
    """One visit POST per code, each from its own connection, all sent at once."""
    return burst(port, [http_request("POST", path, {
        "Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        (f'{{"location_code": "{code}", "counted": 0, "added": 5, '
         f'"idempotency_key": "{uuid.uuid4().hex}"}}').encode()) for code, token in zip(codes, tokens)])


def check_recorded(app, codes: list[str], results, bare_results, config: str) -> None:
    """Every visit answered 201 and was recorded exactly once (once a burst), and the ledger balances."""
    with app.app_context():
        import sqlalchemy as sa

        from inventory.core.db import db
        from inventory.rounds.models import RestockVisit
        from inventory.stock.ledger import verify_balances
        from inventory.stock.models import Location
        recorded = db.session.scalar(sa.select(sa.func.count()).select_from(RestockVisit)
                                     .join(Location, Location.id == RestockVisit.location_id)
                                     .where(Location.code.in_(codes)))
        differences = verify_balances()
    statuses = sorted({answer.status for answer in results + bare_results})
    print(f"\n{BURSTS} x {CONCURRENT_POSTS} concurrent visit POSTs, gunicorn {config}: statuses {statuses}, "
          f"visits recorded {recorded}, ledger differences {len(differences)}")
    assert statuses == [201] and recorded == len(results) and not differences


if __name__ == "__main__":
    sys.exit(main())
