"""``make bench-big`` (projections): every view rebuilt over a ledger of about 1,000,000 events in bounded memory.

The views replay ``apply_case``, so the ledger must be one the rules accept: the demo's cast, registry and 22 case
stories, all copies of a story starting at the same moment, appended through the real writer in groups (every copy's
act of the same step shares its time, so each group is one step of many copies). Then a child process rebuilds every
view while this process samples its RSS from ``/proc`` every 20 ms. ``--entries N`` for another size;
``--ledger PATH`` keeps the built ledger there (building it takes most of the run) and, given an existing file, rebuilds
its views again without building.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from ledger.court.keys import SigningKey
from ledger.envelope import sign_act
from ledger.ledger import initialise, make_act
from ledger.store import Store
from ledger.writer import SettableClock, Writer
from zhifa import scenarios as sc
from zhifa.console import progress_bar

ORIGIN = "bench.zhifa/projections"
START = dt.datetime(2026, 3, 2, 1, 0, tzinfo=dt.UTC)


def build(path: Path, entries: int) -> int:
    store = Store(f"sqlite:///{path}")
    clock = SettableClock(START - dt.timedelta(days=3, hours=1))
    log_key, authority = SigningKey.generate(ORIGIN), SigningKey.generate("authority/personnel")
    initialise(store, origin=ORIGIN, log_key=log_key, authority_key=authority, clock=clock)
    writer = Writer(store, clock=clock)
    keys = {authority.name: authority}
    versions: dict[str, int] = {}

    def signed(stream: str, type: str, actor: str, payload: dict[str, Any]) -> bytes:
        version = versions.get(stream, 0)
        versions[stream] = version + 1
        return sign_act(make_act(log=ORIGIN, actor=actor, claimed_at=clock(), case=stream, case_version=version, type=type,
                                 payload=payload), keys[actor])

    for member in sc.CAST:
        keys[member.id] = SigningKey.generate(member.id)
        writer.append(signed(f"person:{member.id}", "key.registered", authority.name,
                             {"vkey": keys[member.id].verifier.text, "role": member.role, "agency": member.agency, "valid_from": None}))
    setup = START - dt.timedelta(days=3)
    for step in sc.setup_steps(setup, authority.name):
        clock.now = setup + step.offset
        writer.append(signed(step.stream or "", step.type, step.actor, step.payload))
    stories = [(name, sc.scenario(name, START + dt.timedelta(hours=i))) for i, name in enumerate(sorted(sc.SCENARIOS))]
    per_copy = sum(len(steps) for _, steps in stories)
    copies = max(1, round(entries / per_copy))
    cases = {(name, c): str(uuid.uuid4()) for name, _ in stories for c in range(copies)}
    timeline = sorted(
        ((START + dt.timedelta(hours=i) + step.offset, i, k, name, step) for i, (name, steps) in enumerate(stories) for k, step in enumerate(steps)),
        key=lambda t: (t[0], t[1], t[2]),
    )
    refused = 0
    with progress_bar() as bar:
        task = bar.add_task("appending the demo stories through the writer", total=len(timeline) * copies)
        for at, _, _, name, step in timeline:
            clock.now = max(clock.now, at)
            group = [signed(step.stream or cases[(name, c)], step.type, step.actor, step.payload) for c in range(copies)]
            for i in range(0, len(group), 512):
                results = writer.append_group(group[i : i + 512])
                refused += sum(isinstance(r, Exception) for r in results)
            bar.advance(task, len(group))
    if refused:
        raise SystemExit(f"{refused} acts refused: the bench ledger must be all accepted acts")
    count = store.position()
    store.close()
    return count


def rebuild_child(url: str) -> None:
    from projections.catalog import default_views
    from projections.runner import Runner

    store = Store(url)
    runner = Runner(store, default_views())
    wall, cpu = time.perf_counter(), time.thread_time()
    n = runner.rebuild()
    print(json.dumps({"events": n, "wall_s": time.perf_counter() - wall, "cpu_s": time.thread_time() - cpu}))


def measure(path: Path) -> dict[str, Any]:
    """Rebuild in a child process and sample its memory (bench.big's sampler)."""
    from bench.big import run_sampled

    argv = [sys.executable, "-m", "bench.big_projections", "--rebuild-child", f"sqlite:///{path}"]
    return run_sampled(argv, "rebuilding")


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.big_projections")
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--ledger", type=Path, help="keep the built ledger here; reuse it if it exists")
    parser.add_argument("--rebuild-child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.rebuild_child:
        rebuild_child(args.rebuild_child)
        return 0
    out = Console() if Console().is_terminal else Console(width=160)
    with tempfile.TemporaryDirectory(prefix="zhifa-big-proj-") as tmp:
        path = args.ledger or Path(tmp) / "big.sqlite"
        t = time.perf_counter()
        if path.exists():
            built = "reused"
            store = Store(f"sqlite:///{path}")
            count = store.position()
            store.close()
        else:
            count = build(path, args.entries)
            built = f"appended through the writer in {time.perf_counter() - t:.0f} s"
        result = measure(path)
        size_mb = path.stat().st_size / 2**20
    mb = 1024
    table = Table(title=f"projections over {count:,} events ({size_mb:,.0f} MB SQLite file, {built})")
    for col in ("measure", "result", "target"):
        table.add_column(col)
    table.add_row("rebuild, every view, one process", f"{result['events']:,} events in {result['wall_s']:.0f} s wall, "
                  f"{result['cpu_s']:.0f} s CPU: {result['events'] / result['cpu_s']:,.0f} events per CPU second", "")
    table.add_row("peak RSS of the rebuilding process", f"{result['rss_max'] / mb:,.0f} MB (anonymous {result['anon_max'] / mb:,.0f} MB)",
                  f"< 500 MB {'✓' if result['rss_max'] < 500 * mb else '✗'}")
    out.print(table)
    return 0 if result["rss_max"] < 500 * mb else 1


if __name__ == "__main__":
    sys.exit(main())
