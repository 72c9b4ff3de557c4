"""Small helpers the benchmarks share: percentiles, a scratch app and its data, the report table."""

from __future__ import annotations

import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))


def percentiles(samples_ms: list[float]) -> dict[str, float]:
    """Return p50, p99 and mean of a list of milliseconds."""
    ordered = sorted(samples_ms)
    return {
        "p50": statistics.median(ordered),
        "p99": ordered[int(len(ordered) * 0.99) - 1],
        "mean": statistics.fmean(ordered),
    }


def scratch_app(url: str | None = None, **config):
    """A migrated app on `url` (default: a new SQLite file in a temp folder); returns (app, file or None)."""
    from inventory.accounts.passwords import use_fast_hashing
    from tests.conftest import make_app, migrate_up

    use_fast_hashing()
    path = None
    if url is None:
        path = Path(tempfile.mkdtemp()) / "bench.db"
        url = f"sqlite:///{path}"
    migrate_up(url)
    return make_app(url, **config), path


def seed_rounds(app, points: int, volunteers: int = 0, packages: int = 5000) -> dict:
    """A storeroom of `packages` assembled from donations, `points` toilets, volunteers with API tokens."""
    with app.app_context():
        from inventory.accounts import api_tokens
        from inventory.accounts import users as accounts
        from inventory.core.clock import local_today
        from inventory.core.db import db
        from inventory.stock import catalog, operations, receipts

        pack, leaflet, package = catalog.ensure_default_items()
        storeroom = catalog.create_location("storeroom", "倉庫", idempotency_key=None)
        placed = [
            catalog.create_location(
                "elementary_school",
                f"小学校 {i}",
                spot="1階 女子トイレ",
                target_level=10,
                idempotency_key=None,
            )
            for i in range(points)
        ]
        for item in (pack, leaflet):
            receipts.receive_donation(
                storeroom.id, local_today(), [(item.id, packages)], donor_kind="company", idempotency_key=None
            )
        operations.assemble_packages(storeroom.id, package.id, packages, idempotency_key=None)
        tokens = []
        for i in range(volunteers):
            volunteer = accounts.create_user(f"volunteer-{i:02d}", "bench-password-1", "volunteer")
            tokens.append(api_tokens.issue_token(volunteer.id, "phone"))
        seeded = {"point_ids": [p.id for p in placed], "codes": [p.code for p in placed], "tokens": tokens}
        db.session.remove()
        db.engine.dispose()
    return seeded


def verdict(ratio: float, target: float) -> str:
    """'target ≤ 2×: met' or '...: missed'."""
    return f"target ≤ {target:g}×: {'met' if ratio <= target else 'missed'}"


def report(title: str, rows: list[tuple[str, dict[str, float]]], baseline: str) -> None:
    """Print a table of p50/p99 per row and each row's p50 ratio to the baseline row."""
    base = dict(rows)[baseline]["p50"]
    print(f"\n{title}")
    print(f"  {'case':<44}{'p50 ms':>9}{'p99 ms':>9}{'x base':>8}")
    for name, figures in rows:
        print(f"  {name:<44}{figures['p50']:>9.3f}{figures['p99']:>9.3f}{figures['p50'] / base:>8.2f}")
