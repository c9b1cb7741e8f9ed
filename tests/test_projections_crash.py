"""`zhifa run projections` killed with SIGKILL mid-batch, again and again while acts keep arriving, then restarted,
leaves exactly the tables a clean rebuild gives (SQLite and PostgreSQL). ``ZHIFA_CRASH_ROUNDS`` sets how many kills
(``make trials`` runs many; ``make test`` a few)."""

from __future__ import annotations

import datetime as dt
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from ledger.store import Store
from projections.catalog import default_views
from projections.runner import Runner
from tests.workload import run_stories, start_world
from zhifa import scenarios as sc

ROOT = Path(__file__).resolve().parent.parent
START = dt.datetime(2026, 3, 2, 1, 0, tzinfo=dt.UTC)
ROUNDS = int(os.environ.get("ZHIFA_CRASH_ROUNDS", "4"))


def dump(store: Store) -> dict[str, list[tuple[Any, ...]]]:
    """Every view table, rows sorted, and the views' positions."""
    out: dict[str, list[tuple[Any, ...]]] = {}
    with store.db.read() as cur:
        for view in default_views():
            for table in view.tables:
                out[table] = sorted(cur.execute(f"SELECT * FROM {table}").fetchall(), key=repr)
        out["positions"] = sorted(cur.execute("SELECT name, position FROM zhifa_tracking WHERE name LIKE ?", ("projection:%",)).fetchall())
    return out


def test_sigkill_mid_batch_many_times_then_restart_equals_a_clean_rebuild(database_url: str, tmp_path: Path) -> None:
    rng = random.Random(14)
    store = Store(database_url)
    w = start_world(store, START)
    names = sorted(sc.SCENARIOS)
    run_stories(w, [(name, None, i * 0.2) for i, name in enumerate(names)], START)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "ZHIFA_DATABASE_URL": database_url, "ZHIFA_VAR_DIR": str(tmp_path / "var")}
    positions_seen: list[int] = []
    watcher = Runner(store, default_views())
    for round_ in range(ROUNDS):
        before = max(watcher.positions().values())
        proc = subprocess.Popen(
            [sys.executable, "-m", "zhifa.cli", "run", "projections", "--batch", "3", "--interval", "0.01"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT, env=env,
        )
        deadline = time.monotonic() + 120
        while max(watcher.positions().values()) == before and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.005)  # until it is under way (start-up takes long on a busy machine)
        time.sleep(rng.uniform(0.0, 0.25))
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        positions_seen.append(min(Runner(store, default_views()).positions().values()))
        # more acts arrive while the runner is down (and the next one starts behind again)
        run_stories(w, [(rng.choice(names), None, 30 + round_)], START)
    head = store.position()
    assert any(0 < p < head for p in positions_seen), f"no kill landed mid-way: {positions_seen} of {head}"
    restarted = Runner(store, default_views())
    restarted.catch_up()
    after_kills = dump(store)
    restarted.rebuild()
    assert dump(store) == after_kills
    assert all(p == head for _, p in after_kills["positions"])
    store.close()
