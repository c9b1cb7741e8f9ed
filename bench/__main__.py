"""``make bench``: every benchmark prints its rate, its baseline from the same process, and the ratio."""

from __future__ import annotations

import os
import sys

from rich.console import Console
from rich.table import Table

from bench import append
from zhifa.console import progress_bar

PG_URL = os.environ.get("ZHIFA_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")


def _drop_bench_schemas() -> None:
    try:
        import psycopg

        with psycopg.connect(PG_URL, autocommit=True) as conn:
            for (name,) in conn.execute("SELECT nspname FROM pg_namespace WHERE nspname LIKE 'bench\\_%'").fetchall():
                conn.execute(f'DROP SCHEMA "{name}" CASCADE')
    except Exception as exc:  # pragma: no cover - only when PostgreSQL is absent
        Console(stderr=True).print(f"(PostgreSQL cleanup skipped: {exc})")


def main() -> int:
    quick = "--quick" in sys.argv
    n_single, n_grouped = (300, 2000) if quick else (2000, 20000)
    backends = ["sqlite", "postgres"]
    out = Console() if Console().is_terminal else Console(width=160)  # logs keep whole rows
    with progress_bar() as bar:
        task = bar.add_task("append benchmark", total=len(backends) * (n_single + n_grouped))
        results = append.run(backends, PG_URL, n_single, n_grouped, lambda k: bar.advance(task, k))
    _drop_bench_schemas()
    table = Table(title="append: signed + verified + ruled + chained vs plain eventsourcing save (same backend)")
    for col in ("backend", "ledger", "acts/s", "baseline", "events/s", "ratio", "target"):
        table.add_column(col, justify="right")
    for r in results:
        floor = {"sqlite": 1000, "postgres": 500}[r.backend]
        if r.baseline == "batched":
            verdict = "(stricter baseline: no target)"
        else:
            ok = r.ratio >= 0.6 and (r.shape != "queued" or r.ledger_rate >= floor)
            verdict = "≥0.6" + (f", ≥{floor}/s" if r.shape == "queued" else "") + (" ✓" if ok else " ✗")
        table.add_row(
            r.backend, r.shape, f"{r.ledger_rate:,.0f}", r.baseline, f"{r.baseline_rate:,.0f}", f"{r.ratio:.2f}", verdict
        )
    out.print(table)
    # Each suite in a fresh process, so that one suite's heap and threads do not slow the next
    # (every benchmark still runs its baseline in its own process).
    import subprocess

    codes = [
        subprocess.run([sys.executable, "-m", suite, *(["--quick"] if quick else [])], check=False).returncode
        for suite in ("bench.transparency", "bench.projections", "bench.web")
    ]
    return max(codes)


if __name__ == "__main__":
    sys.exit(main())
