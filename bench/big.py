"""``make bench-big``: a 1,000,000-entry ledger verified end to end in bounded memory (DESIGN.md: < 500 MB RSS).

1. A template: the demo's 22 scenarios, appended once through the real writer and rules, give realistic act types
   and payloads (about 14 acts per case).
2. The big ledger re-signs those templates under new case ids, fresh nonces and one registered officer key, in two
   processes, and puts the framed entries straight into the store in groups, each stream's head in
   ``zhifa_stream_state`` as the writer records it (bulk-loaded from pre-signed acts, DESIGN.md: Performance). The
   writer's rules are not re-run here: `zhifa check` does not judge procedure, only form, chain, digests, key
   validity and signatures, which these entries satisfy exactly as appended ones do. Then the sealer seals it.
3. A child process runs what ``zhifa check --full`` runs (every entry on both cores, then the whole Merkle log
   re-derived), while this process samples the child's process tree from ``/proc`` every 20 ms: the peak of each
   process's RSS, the largest single one, and the tree's summed PSS (shared pages counted once: the workers are
   forked from the child and share its pages).
4. Raw Ed25519 verifies/s of the same signatures, on one core, before and after, give the verification's ratio.

Takes a few minutes and about 1.5 GB of disk in a temporary directory, removed afterwards. ``--entries N`` for
another size.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from multiprocessing import get_context
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from ledger import canonical
from ledger.court.keys import SigningKey
from ledger.envelope import Act, Entry, entry_bytes, entry_hash, new_nonce, sign_act
from ledger.sealer import Sealer
from ledger.store import TOPIC_CASE, Recorded, Store
from zhifa.console import progress_bar

CASES_PER_CHUNK = 500
Template = list[tuple[str, dict[str, Any]]]  # one case: (act type, payload) in version order
Row = tuple[str, int, bytes, bytes, bytes]  # stream, version, entry, envelope, nonce


def templates(tmp: Path) -> list[Template]:
    """Every case stream of one copy of the demo ledger, as (type, payload) in version order."""
    from bench.transparency import realistic_ledger
    from ledger.envelope import open_envelope
    from ledger.store import unframe

    store = realistic_ledger(tmp, 1)
    cases: dict[str, Template] = {}
    for _, stream, _, state in store.log_range(0, store.position()):
        if ":" in stream:  # person:, agency:, item: streams belong to the registry
            continue
        act = open_envelope(unframe(state)[1]).act
        cases.setdefault(stream, []).append((act.type, act.payload))
    store.close()
    return list(cases.values())


def _chunk(args: tuple[int, list[Template], bytes, str, str]) -> tuple[list[Row], dict[str, tuple[int, bytes]]]:
    """CASES_PER_CHUNK cases re-signed from the templates, chained; runs in a pool process."""
    index, cases, seed, officer_name, origin = args
    officer = SigningKey(officer_name, seed)
    start = dt.datetime(2026, 1, 5, 1, 0, tzinfo=dt.UTC) + dt.timedelta(minutes=index)
    rows: list[Row] = []
    heads: dict[str, tuple[int, bytes]] = {}
    for n in range(CASES_PER_CHUNK):
        template = cases[(index * CASES_PER_CHUNK + n) % len(cases)]
        stream, prev = str(uuid.uuid4()), bytes(32)
        for version, (act_type, payload) in enumerate(template, start=1):
            when = start + dt.timedelta(seconds=n, microseconds=version)
            nonce, stamp = new_nonce(), canonical.format_timestamp(when)
            envelope = sign_act(Act(officer.name, stream, version - 1, stamp, origin, nonce, payload, act_type), officer)
            entry = entry_bytes(Entry(hashlib.sha256(envelope).digest(), stream, prev, stamp, version))
            rows.append((stream, version, entry, envelope, nonce))
            prev = entry_hash(entry)
        heads[stream] = (len(template), prev)
    return rows, heads


def build(tmp: Path, entries: int) -> tuple[Path, int, int]:
    """The big ledger at ``tmp/big.sqlite``, sealed; returns its path, entries and streams."""
    from bench.transparency import ORIGIN, _ledger

    cases = templates(tmp)
    per_case = sum(map(len, cases)) / len(cases)
    path = tmp / "big.sqlite"
    store, writer, log_key, officer = _ledger(path)
    writer.stop()
    seed = officer.seed
    chunks = max(1, round(entries / per_case / CASES_PER_CHUNK))
    jobs = [(i, cases, seed, officer.name, ORIGIN) for i in range(chunks)]
    loaded = streams = 0
    with progress_bar() as bar, get_context("fork").Pool(os.cpu_count() or 1) as pool:
        task = bar.add_task("bulk-loading signed entries", total=chunks * CASES_PER_CHUNK * per_case)
        for rows, heads in pool.imap(_chunk, jobs):
            _put(store, rows, heads)
            loaded += len(rows)
            streams += len(heads)
            bar.update(task, completed=loaded)
        bar.update(task, total=loaded, completed=loaded)
        seal = bar.add_task("sealing", total=store.position())
        sealer = Sealer(store, log_key, None, batch=50_000)
        while sealer.seal_once():
            bar.update(seal, completed=sealer.tree.state()[1])
    store.close()
    return path, loaded, streams


def _put(store: Store, rows: list[Row], heads: dict[str, tuple[int, bytes]]) -> None:
    def write_heads(cur: Any, ids: Any) -> None:
        cur.executemany(
            store.db.upsert("zhifa_stream_state", ["stream"], ["version", "head", "state"]),
            [(stream, version, head, None) for stream, (version, head) in heads.items()],
        )

    store.put(
        [Recorded(stream, version, TOPIC_CASE, entry, envelope) for stream, version, entry, envelope, _ in rows],
        expected_position=store.position(),
        nonces=[nonce for *_, nonce in rows],
        in_transaction=write_heads,
    )


def _tree(root: int) -> Iterator[int]:
    yield root
    try:
        children = Path(f"/proc/{root}/task/{root}/children").read_text().split()
    except OSError:
        return
    for child in children:
        yield from _tree(int(child))


def _status_kb(pid: int, field: str) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def _pss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def verify_child(url: str) -> None:
    """In the child: what `zhifa check --full` runs, timed; prints one JSON line."""
    from ledger.check import check_ledger, check_log

    store = Store(url)
    t = time.perf_counter()
    report = check_ledger(store)
    entries_s = time.perf_counter() - t
    t = time.perf_counter()
    log_report = check_log(store)
    log_s = time.perf_counter() - t
    problems = [p.one_line() for p in (report.problems + log_report.problems)[:5]]
    print(json.dumps({"entries": report.entries, "streams": report.streams, "check_s": entries_s, "log_s": log_s,
                      "log_entries": log_report.entries, "problems": problems}))


def run_sampled(argv: list[str], what: str) -> dict[str, Any]:
    """Run ``argv`` as a child whose last stdout line is a JSON result, sampling its process tree's memory every
    20 ms from /proc; return the result with the peaks (kB): ``rss_sum``, ``rss_max``, ``pss_sum``, ``anon_max``,
    ``processes``."""
    child = subprocess.Popen(argv, stdout=subprocess.PIPE, text=True)
    peak: dict[str, int] = {"rss_sum": 0, "rss_max": 0, "pss_sum": 0, "anon_max": 0, "processes": 0}
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            pids = list(_tree(child.pid))
            rss = [_status_kb(p, "VmRSS") for p in pids]
            peak["rss_sum"] = max(peak["rss_sum"], sum(rss))
            peak["rss_max"] = max(peak["rss_max"], max(rss, default=0))
            peak["anon_max"] = max(peak["anon_max"], max((_status_kb(p, "RssAnon") for p in pids), default=0))
            peak["pss_sum"] = max(peak["pss_sum"], sum(_pss_kb(p) for p in pids))
            peak["processes"] = max(peak["processes"], len(pids))
            time.sleep(0.02)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, _ = child.communicate()
    done.set()
    sampler.join()
    if child.returncode != 0:
        raise SystemExit(f"the {what} child failed with exit code {child.returncode}")
    result: dict[str, Any] = json.loads(out.strip().splitlines()[-1])
    result.update(peak)
    return result


def measure(path: Path) -> dict[str, Any]:
    """Run the check in a child process and sample its process tree's memory."""
    return run_sampled([sys.executable, "-m", "bench.big", "--verify-child", f"sqlite:///{path}"], "verifying")


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.big")
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--verify-child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.verify_child:
        verify_child(args.verify_child)
        return 0
    from bench.transparency import _raw_verify_rate, _signatures

    out = Console() if Console().is_terminal else Console(width=160)
    with tempfile.TemporaryDirectory(prefix="zhifa-big-") as tmp:
        t = time.perf_counter()
        path, entries, streams = build(Path(tmp), args.entries)
        build_s = time.perf_counter() - t
        store = Store(f"sqlite:///{path}")
        signatures = _signatures(store)
        store.close()
        before = _raw_verify_rate(signatures, seconds=1.0)
        result = measure(path)
        raw = (before + _raw_verify_rate(signatures, seconds=1.0)) / 2
        size_mb = path.stat().st_size / 2**20
    workers = os.cpu_count() or 1
    rate = result["entries"] / result["check_s"]
    ratio = rate / (raw * workers)
    table = Table(title=f"one ledger of {entries:,} entries ({streams:,} cases, {size_mb:,.0f} MB SQLite file), "
                        f"built in {build_s:.0f} s")
    for col in ("measure", "result", "target"):
        table.add_column(col)
    table.add_row("entries checked (form, chain, digests, key validity, signatures), "
                  f"{workers} cores", f"{result['entries']:,} in {result['check_s']:.1f} s: {rate:,.0f}/s", "")
    table.add_row("raw Ed25519 of the same signatures, one core", f"{raw:,.0f}/s",
                  f"ratio {ratio:.2f} per core (≥ 0.8 {'✓' if ratio >= 0.8 else '✗'})")
    table.add_row("Merkle log re-derived and compared", f"{result['log_entries']:,} leaves in {result['log_s']:.1f} s", "")
    table.add_row("problems found", str(len(result["problems"])) + "".join("\n" + p for p in result["problems"]),
                  "0 " + ("✓" if not result["problems"] else "✗"))
    mb = 1024
    table.add_row("peak RSS, largest process", f"{result['rss_max'] / mb:,.0f} MB (anonymous {result['anon_max'] / mb:,.0f} MB)",
                  f"< 500 MB {'✓' if result['rss_max'] < 500 * mb else '✗'}")
    table.add_row(f"peak memory, whole process tree ({result['processes']} processes)",
                  f"PSS {result['pss_sum'] / mb:,.0f} MB (RSS summed {result['rss_sum'] / mb:,.0f} MB, "
                  "shared pages counted per process)", f"< 500 MB {'✓' if result['pss_sum'] < 500 * mb else '✗'}")
    out.print(table)
    return 0 if not result["problems"] else 1


if __name__ == "__main__":
    sys.exit(main())
