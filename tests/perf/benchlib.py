"""Small helpers the benchmarks share: timing loops, percentiles, a scratch app."""
from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))


def percentiles(samples_ms: list[float]) -> dict[str, float]:
    """Return p50, p99 and mean of a list of milliseconds."""
    ordered = sorted(samples_ms)
    return {"p50": statistics.median(ordered), "p99": ordered[int(len(ordered) * 0.99) - 1],
            "mean": statistics.fmean(ordered)}


def time_calls(call, n: int, warmup: int = 20) -> list[float]:
    """Call `call` n times after a warm-up; return each call's time in ms."""
    for _ in range(warmup):
        call()
    samples = []
    for _ in range(n):
        start = time.perf_counter()
        call()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def scratch_app(**config):
    """A migrated app on a fresh SQLite file in a temp folder; returns (app, database path)."""
    from inventory.accounts.passwords import use_fast_hashing
    from tests.conftest import make_app, migrate_up
    use_fast_hashing()
    path = Path(tempfile.mkdtemp()) / "bench.db"
    migrate_up(f"sqlite:///{path}")
    return make_app(f"sqlite:///{path}", **config), path


def report(title: str, rows: list[tuple[str, dict[str, float]]], baseline: str) -> None:
    """Print a table of p50/p99 per row and each row's p50 ratio to the baseline row."""
    base = dict(rows)[baseline]["p50"]
    print(f"\n{title}")
    print(f"  {'case':<44}{'p50 ms':>9}{'p99 ms':>9}{'x base':>8}")
    for name, figures in rows:
        print(f"  {name:<44}{figures['p50']:>9.3f}{figures['p99']:>9.3f}{figures['p50'] / base:>8.2f}")
