"""Server time of the signed-in pages through the WSGI app, beside a bare Flask app doing one query.

In-process (the test client, no HTTP), on SQLite with the project's size of data: a storeroom,
40 toilets, 20 volunteers, a few hundred restock visits behind them and 10 open requests.
Target (issue #13): each signed-in page's p50 ≤ 3× the bare page's.
"""

import sqlite3
import time
import uuid

from benchlib import percentiles, report, scratch_app, seed_rounds, verdict
from flask import Flask

ROUNDS, RUN, WARM_UP = 10, 50, 5  # 500 timed requests per page
TARGET = 3.0
BASELINE = "bare Flask + 1 query"


def bare_app(database_path):
    """The baseline: Flask, one query on the same SQLite file, a tiny template."""
    bare = Flask("bare")

    @bare.route("/")
    def index():
        with sqlite3.connect(database_path) as connection:
            count = connection.execute("SELECT count(*) FROM user").fetchone()[0]
        return f"<html><body>{count}</body></html>"

    return bare


def record_history(app, seeded: dict, visits: int, requests: int) -> None:
    """Restock visits round-robin over the locations, and open requests by phone: the pages' data."""
    with app.app_context():
        from inventory.core.db import db
        from inventory.requests.services import create_individual_request
        from inventory.rounds.visits import record_visit

        points = seeded["point_ids"]
        for n in range(visits):
            record_visit(points[n % len(points)], counted=n % 4, added=6, idempotency_key=uuid.uuid4().hex)
        for _ in range(requests):
            create_individual_request(quantity=1, delivery="office", channel="phone", idempotency_key=None)
        db.session.remove()
        db.engine.dispose()


def signed_in(app, username: str):
    """A test client signed in through the login form."""
    client = app.test_client()
    response = client.post("/login", data={"login": username, "password": "bench-password-1"})
    assert response.status_code == 302, (username, response.status_code)
    return client


def page(client, path: str):
    """A call that GETs `path` and insists on a 200."""

    def get():
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)

    return get


def main():
    """Seed, then time the bare page and each signed-in page; print p50s and ratios."""
    app, path = scratch_app()
    seeded = seed_rounds(app, 40, volunteers=20)
    record_history(app, seeded, visits=400, requests=10)
    with app.app_context():
        from inventory.accounts import users as accounts

        accounts.create_user("bench-staff", "bench-password-1", "staff")
    volunteer, staff = signed_in(app, "volunteer-00"), signed_in(app, "bench-staff")
    code = seeded["codes"][0]
    bare = bare_app(path).test_client()
    pages = [
        (BASELINE, lambda: bare.get("/")),
        ("volunteer: home", page(volunteer, "/")),
        ("volunteer: round plan /rounds", page(volunteer, "/rounds")),
        ("volunteer: restock form /l/<code>", page(volunteer, f"/l/{code}")),
        ("staff: home", page(staff, "/")),
        ("staff: stock overview /stock/", page(staff, "/stock/")),
        ("staff: requests queue /requests", page(staff, "/requests")),
        ("anonymous: login page", page(app.test_client(), "/login")),
    ]
    # Short runs of each page, round after round: a busy moment of this shared machine hits every
    # page alike, while each run stays a tight loop (no other page's garbage or cold caches in it).
    samples = {name: [] for name, _ in pages}
    for _ in range(ROUNDS):
        for name, call in pages:
            for n in range(WARM_UP + RUN):
                start = time.perf_counter()
                call()
                if n >= WARM_UP:
                    samples[name].append((time.perf_counter() - start) * 1000)
    rows = [(name, percentiles(times)) for name, times in samples.items()]
    report(f"Signed-in pages on SQLite, {ROUNDS * RUN} requests each through the WSGI app", rows, BASELINE)
    base = rows[0][1]["p50"]
    for name, figures in rows[1:]:
        ratio = figures["p50"] / base
        print(
            f"  {name} p50: {figures['p50']:.3f} ms vs bare {base:.3f} ms = {ratio:.2f}×  "
            f"({verdict(ratio, TARGET)})"
        )


if __name__ == "__main__":
    main()
