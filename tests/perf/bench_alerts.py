"""Benchmark: 10,000 queued alerts delivered to a local SMTP server, against bare smtplib.

Run as `.venv/bin/python tests/perf/bench_alerts.py [--profile]` (not collected by pytest).
The SMTP server (aiosmtpd, counting what it receives) runs in its own process so it does not
share the sender's interpreter. Two runs on one server:

- baseline: bare smtplib, one session, 10,000 `sendmail` calls of a message of the same size;
- outbox: 10,000 rows queued through the real event function (100 requests x 100 staff), then
  the real sender (`flask alerts send` without the schedule): claim 200 rows, render each
  message in the recipient's language, MAIL/RCPT/DATA over one session, record the outcomes.

Target: >= 200 alerts per second, each row delivered once.
"""

from __future__ import annotations

import argparse
import cProfile
import multiprocessing
import pstats
import smtplib
import sys
import time
from email.message import EmailMessage
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.perf.benchlib import scratch_app  # noqa: E402

STAFF, REQUESTS = 100, 100  # 10,000 deliveries
TARGET_PER_SECOND = 200


def _serve(port: int, count, ready) -> None:
    """Run an aiosmtpd server that counts the messages (and recipients) it accepts."""
    from aiosmtpd.controller import Controller

    class Counter:
        async def handle_DATA(self, server, session, envelope):
            with count.get_lock():
                count.value += len(envelope.rcpt_tos)
            return "250 OK"

    controller = Controller(Counter(), hostname="127.0.0.1", port=port)
    controller.start()
    ready.set()
    try:
        while True:
            time.sleep(1)
    finally:
        controller.stop()


def _wait_for(count, expected: int, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while count.value < expected and time.monotonic() < deadline:
        time.sleep(0.01)


def baseline(port: int, count, n: int) -> float:
    """Bare smtplib: one session, n messages; returns messages per second."""
    before = count.value
    message = EmailMessage()
    message["From"], message["Subject"] = "alerts@example.org", "新しい依頼"
    message.set_content("新しい依頼が 1 件あります\n\nこの通知は「自分の通知」ページで止められます。\n")
    started = time.perf_counter()
    with smtplib.SMTP("127.0.0.1", port, timeout=10) as smtp:
        for i in range(n):
            del message["To"]
            message["To"] = f"staff{i % STAFF}@example.org"
            smtp.sendmail("alerts@example.org", [message["To"]], message.as_bytes())
    elapsed = time.perf_counter() - started
    _wait_for(count, before + n)
    assert count.value - before == n
    return n / elapsed


def queue_alerts(app) -> float:
    """Queue STAFF x REQUESTS deliveries through the real event; returns seconds taken."""
    with app.app_context():
        from inventory.accounts import users as accounts
        from inventory.alerts import events
        from inventory.core.db import db, unit_of_work

        for i in range(STAFF):
            accounts.create_user(f"staff{i:03d}", "bench-password-1", "staff", email=f"staff{i}@example.org")
        started = time.perf_counter()
        for _ in range(REQUESTS):
            with unit_of_work():
                events.request_received()
        elapsed = time.perf_counter() - started
        db.session.remove()
    return elapsed


def send_outbox(app, port: int, count, profile: bool) -> tuple[float, int, object]:
    """Deliver the whole outbox with the real sender; returns (alerts per second, sent, profile)."""
    from blueprints.alerts import runner

    with app.app_context():
        from inventory.core.db import db
        from inventory.settings.alerts import update_alert_settings

        update_alert_settings(
            smtp_host="127.0.0.1", smtp_port=port, smtp_tls="none", smtp_sender="alerts@example.org"
        )
        before = count.value
        profiler = cProfile.Profile() if profile else None
        started = time.perf_counter()
        if profiler:
            profiler.enable()
        _, result = runner.send_now(app, run_schedule=False)
        if profiler:
            profiler.disable()
        elapsed = time.perf_counter() - started
        _wait_for(count, before + result.sent)
        received = count.value - before
        db.session.remove()
    assert result.sent == STAFF * REQUESTS and received == result.sent, (result, received)
    return result.sent / elapsed, received, profiler


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profile", action="store_true", help="print where the sender spends its time")
    parser.add_argument("--requests", type=int, default=100, help="requests queued (x 100 staff)")
    args = parser.parse_args()
    globals()["REQUESTS"] = args.requests

    from tests.alert_helpers import free_port

    port = free_port()
    count, ready = multiprocessing.Value("l", 0), multiprocessing.Event()
    server = multiprocessing.Process(target=_serve, args=(port, count, ready), daemon=True)
    server.start()
    ready.wait(10)
    try:
        app, _ = scratch_app(ALERTS_SEND_IN_PROCESS=False)
        queued = queue_alerts(app)
        bare = baseline(port, count, STAFF * REQUESTS)
        rate, received, profiler = send_outbox(app, port, count, args.profile)
    finally:
        server.terminate()
        server.join(5)
    n = STAFF * REQUESTS
    print(f"queued {n} alerts in {queued:.2f} s ({n / queued:,.0f}/s, {REQUESTS} transactions)")
    print(f"bare smtplib baseline: {bare:,.0f} messages/s (one session, sendmail)")
    print(f"outbox sender:         {rate:,.0f} alerts/s, {received} received, each once")
    print(f"sender / baseline:     {rate / bare:.2f}")
    print(f"target >= {TARGET_PER_SECOND}/s: {'met' if rate >= TARGET_PER_SECOND else 'missed'}")
    if profiler is not None:
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)


if __name__ == "__main__":
    main()
