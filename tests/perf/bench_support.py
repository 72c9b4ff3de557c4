"""Server time and weight of the support page behind every QR, now with its report buttons.

In-process (the test client, no HTTP), on SQLite with the project's size of data (40 toilets,
400 visits, some open empty reports), beside a bare Flask app doing one query in the same run.
Budget (issue #16): the support page's server p50 ≤ 5 ms and the page (HTML + its stylesheet)
≤ 30 KB. Also timed: a tap on a report button (token check, limits, one write) and /where, and
two references that show where the time goes: the same page fetched by a bot (the day's scan
counter is not written) and a retired location's page (no buttons, no token, no scan).
"""

import re
import time

from bench_pages import bare_app, record_history
from benchlib import percentiles, report, scratch_app, seed_rounds

ROUNDS, RUN, WARM_UP = 10, 50, 5  # 500 timed requests per case
P50_BUDGET_MS, PAGE_BUDGET_KB = 5.0, 30.0
BASELINE = "bare Flask + 1 query"
PHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 Line/14.9.0"


def main():
    """Seed, then time the bare page, the support page, a report tap and /where; print the budget."""
    app, path = scratch_app()
    seeded = seed_rounds(app, 40, volunteers=0)
    record_history(app, seeded, visits=400, requests=0)
    visitor = app.test_client()
    visitor.environ_base.update(HTTP_USER_AGENT=PHONE)
    codes = seeded["codes"]
    for code in codes[:5]:  # a few locations already reported empty
        body = visitor.get(f"/l/{code}").get_data(as_text=True)
        token = re.search(r'name="token" value="([^"]+)"', body).group(1)
        visitor.post(f"/l/{code}/report", data={"token": token, "kind": "empty"})
    with app.app_context():
        from inventory.stock import catalog

        retired = catalog.create_location("other", "retired", idempotency_key=None)
        catalog.set_location_active(retired.id, False)
        retired_code = retired.code
    bare = bare_app(path).test_client()
    robot = app.test_client()
    robot.environ_base.update(HTTP_USER_AGENT="curl/8.5.0")
    taps = iter(range(10**6))

    def support_page():
        response = visitor.get(f"/l/{codes[7]}")
        assert response.status_code == 200 and "Set-Cookie" not in response.headers

    def tap():
        # A fresh token and a different address each time: every tap is a counted attempt.
        n = next(taps)
        token = re.search(
            r'name="token" value="([^"]+)"', visitor.get(f"/l/{codes[n % 40]}").get_data(as_text=True)
        ).group(1)
        response = visitor.post(
            f"/l/{codes[n % 40]}/report",
            data={"token": token, "kind": "low"},
            environ_base={"REMOTE_ADDR": f"10.{n // 65536 % 256}.{n // 256 % 256}.{n % 256}"},
        )
        assert response.status_code == 303, response.status_code

    def where():
        assert visitor.get("/where").status_code == 200

    cases = [
        (BASELINE, lambda: bare.get("/")),
        ("visitor: support page /l/<code>", support_page),
        ("(same page, a bot: no scan counted)", lambda: robot.get(f"/l/{codes[7]}")),
        ("(retired location: no buttons, no scan)", lambda: visitor.get(f"/l/{retired_code}")),
        ("visitor: GET page + tap a report button", tap),
        ("visitor: where packs are /where", where),
    ]
    samples: dict[str, list[float]] = {name: [] for name, _ in cases}
    cpu: dict[str, list[float]] = {name: [] for name, _ in cases}
    for _ in range(ROUNDS):
        for name, call in cases:
            for n in range(WARM_UP + RUN):
                start, start_cpu = time.perf_counter(), time.process_time()
                call()
                if n >= WARM_UP:
                    samples[name].append((time.perf_counter() - start) * 1000)
                    cpu[name].append((time.process_time() - start_cpu) * 1000)
    rows = [(name, percentiles(times)) for name, times in samples.items()]
    report(f"Public pages on SQLite, {ROUNDS * RUN} requests each through the WSGI app", rows, BASELINE)
    # CPU time of this process per request: what the page costs when the machine is not shared.
    print(
        "  CPU ms p50: "
        + ", ".join(f"{name}: {percentiles(times)['p50']:.2f}" for name, times in cpu.items())
    )

    page = visitor.get(f"/l/{codes[7]}").get_data()
    css = visitor.get("/static/style.css").get_data()
    support_p50 = dict(rows)["visitor: support page /l/<code>"]["p50"]
    weight_kb = (len(page) + len(css)) / 1024
    print(
        f"  support page p50: {support_p50:.3f} ms (budget ≤ {P50_BUDGET_MS:g} ms: "
        f"{'met' if support_p50 <= P50_BUDGET_MS else 'missed'})"
    )
    verdict = "met" if weight_kb <= PAGE_BUDGET_KB else "missed"
    print(
        f"  support page weight: HTML {len(page) / 1024:.1f} KB + stylesheet {len(css) / 1024:.1f} KB = "
        f"{weight_kb:.1f} KB (budget ≤ {PAGE_BUDGET_KB:g} KB: {verdict})"
    )


if __name__ == "__main__":
    main()
