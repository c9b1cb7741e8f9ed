"""Append throughput: signed + verified + ruled + chained acts vs a plain eventsourcing save, same backend.

Acts are pre-signed (signing is the officer's side). Rows:
- ``queued`` vs ``per save``: the ledger's production path (the writer's queue with group commit) against a plain
  eventsourcing application saving each new aggregate with ``Application.save`` — the DESIGN.md target (≥ 0.6);
- ``single`` vs ``per save``: the ledger forced to one act per transaction (one fsync each), like for like;
- ``queued`` vs ``batched``: a stricter baseline that batches 256 aggregates per save, which no per-act service
  can do without its own queue — shown so the cost of verification and rules is visible.
"""

from __future__ import annotations

import datetime as dt
import tempfile
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from eventsourcing.application import Application
from eventsourcing.domain import Aggregate, event

from ledger.court.keys import SigningKey
from ledger.ledger import initialise, sign
from ledger.store import Store, _ensure_schema, parse_database_url
from ledger.writer import Writer, state_cache_key

ORIGIN = "bench.zhifa/ledger"
GROUP = 256


class Noted(Aggregate):
    @event("Opened")
    def __init__(self, source: str, channel: str, summary: str) -> None:
        self.summary = summary


@dataclass
class Result:
    backend: str
    shape: str  # how the ledger commits: "queued" (the writer's group commit) or "single" (one act a transaction)
    baseline: str  # "per save" (one aggregate per Application.save) or "batched" (GROUP aggregates per save)
    acts: int
    ledger_rate: float
    baseline_rate: float

    @property
    def ratio(self) -> float:
        return self.ledger_rate / self.baseline_rate


def _es_env(url: str) -> dict[str, str]:
    config = parse_database_url(url)
    env = dict(config.env)
    env.pop("APPLICATION_RECORDER_TOPIC", None)
    env["CREATE_TABLE"] = "true"
    return env


def baseline(url: str, n: int, group: int) -> float:
    _ensure_schema(parse_database_url(url))
    app: Application[Any] = Application(env=_es_env(url))
    try:
        items = [Noted("complaint", "12345", "某超市销售过期食品") for _ in range(n)]
        start = time.perf_counter()
        for i in range(0, n, group):
            app.save(*items[i : i + group])
        return n / (time.perf_counter() - start)
    finally:
        app.close()


def ledger_rate(url: str, n: int, group: int, progress: Callable[[int], None]) -> float:
    store = Store(url)
    now = dt.datetime.now(dt.UTC)
    log_key, authority = SigningKey.generate(ORIGIN), SigningKey.generate("authority/bench")
    initialise(store, origin=ORIGIN, log_key=log_key, authority_key=authority)
    writer = Writer(store, cache_key=state_cache_key(log_key))  # as `zhifa append` on the log's host: caches sealed
    officer = SigningKey.generate("officer/bench")
    writer.append(
        sign(authority, log=ORIGIN, case="person:officer/bench", case_version=0, type="key.registered", actor=authority.name,
             payload={"vkey": officer.verifier.text, "role": "officer", "agency": None, "valid_from": None})
    )
    envelopes = [
        sign(officer, log=ORIGIN, case=str(uuid.uuid4()), case_version=0, type="lead.received", actor=officer.name,
             payload={"source": "complaint", "channel": "12345", "summary": "某超市销售过期食品", "catalog_item": None}, claimed_at=now)
        for _ in range(n)
    ]
    try:
        start = time.perf_counter()
        if group == 1:
            for i, env in enumerate(envelopes):
                writer.append(env)
                if i % 100 == 0:
                    progress(100)
        else:
            futures = [writer.submit(env) for env in envelopes]
            for i, f in enumerate(futures):
                f.result()
                if i % 100 == 0:
                    progress(100)
        elapsed = time.perf_counter() - start
        writer.stop()
        return n / elapsed
    finally:
        store.close()


def fresh_url(backend: str, base_pg: str, tmp: Path, tag: str) -> str:
    if backend == "sqlite":
        return f"sqlite:///{tmp / (tag + '.sqlite')}"
    sep = "&" if "?" in base_pg else "?"
    return f"{base_pg}{sep}schema=bench_{tag}_{uuid.uuid4().hex[:8]}"


def run(backends: list[str], pg_url: str, n_single: int, n_grouped: int, progress: Callable[[int], None]) -> list[Result]:
    out = []
    with tempfile.TemporaryDirectory() as tmp_dir:
        tmp = Path(tmp_dir)
        for backend in backends:
            per_save = baseline(fresh_url(backend, pg_url, tmp, "es_single"), n_single, 1)
            batched = baseline(fresh_url(backend, pg_url, tmp, "es_batched"), n_grouped, GROUP)
            single = ledger_rate(fresh_url(backend, pg_url, tmp, "zh_single"), n_single, 1, progress)
            queued = ledger_rate(fresh_url(backend, pg_url, tmp, "zh_queued"), n_grouped, GROUP, progress)
            out.append(Result(backend, "queued", "per save", n_grouped, queued, per_save))
            out.append(Result(backend, "single", "per save", n_single, single, per_save))
            out.append(Result(backend, "queued", "batched", n_grouped, queued, batched))
    return out
