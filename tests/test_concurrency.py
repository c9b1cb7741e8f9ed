"""Writers racing on one case version: exactly one wins per version, losers get a conflict, the chain stays linear."""

from __future__ import annotations

import multiprocessing as mp
import threading
import uuid
from typing import Any

import pytest

from ledger.check import check_ledger
from ledger.errors import VersionConflict
from ledger.ledger import entries, sign
from ledger.store import Store
from ledger.writer import Receipt, Writer
from tests.conftest import ORIGIN, LedgerFixture

THREADS = 8


def test_threads_racing_on_the_same_version(ledger: LedgerFixture) -> None:
    officer = ledger.register("officer/race")
    case = str(uuid.uuid4())
    ledger.lead(officer, case)
    writers = [Writer(ledger.store, clock=ledger.clock) for _ in range(THREADS)]
    for version in range(1, 6):
        envelopes = [ledger.act(officer, case, version, "case.note", {"text": f"v{version} t{i}"}) for i in range(THREADS)]
        barrier = threading.Barrier(THREADS)
        results: list[Any] = [None] * THREADS

        def run(i: int, envelopes: list[bytes] = envelopes, barrier: threading.Barrier = barrier, results: list[Any] = results) -> None:
            barrier.wait()
            try:
                results[i] = writers[i].append(envelopes[i])
            except VersionConflict as exc:
                results[i] = exc

        threads = [threading.Thread(target=run, args=(i,)) for i in range(THREADS)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        wins = [r for r in results if isinstance(r, Receipt)]
        assert len(wins) == 1, results
        assert all(isinstance(r, VersionConflict) for r in results if not isinstance(r, Receipt))
        assert wins[0].version == version + 1
    chain = list(entries(ledger.store, stream=case))
    assert [e.version for e in chain] == list(range(1, 7))
    assert check_ledger(ledger.store, workers=1).ok


def _process_worker(url: str, name: str, seed: bytes, case: str, start: Any, rounds: int, out: Any) -> None:
    from ledger.court.keys import SigningKey

    key = SigningKey(name, seed)
    store = Store(url)
    writer = Writer(store)
    wins = conflicts = 0
    for version in range(1, rounds + 1):
        start.wait(timeout=60)
        envelope = sign(key, log=ORIGIN, case=case, case_version=version, type="case.note", actor=name, payload={"text": f"{mp.current_process().name} v{version}"})
        try:
            writer.append(envelope)
            wins += 1
        except VersionConflict:
            conflicts += 1
    store.close()
    out.put((wins, conflicts))


@pytest.mark.slow
def test_two_processes_racing(database_url: str) -> None:
    import datetime as dt

    from tests.conftest import FakeClock, make_ledger

    fx = make_ledger(database_url, FakeClock(dt.datetime.now(dt.UTC)))
    fx.clock.now = dt.datetime.now(dt.UTC)
    officer = fx.register("officer/proc")
    case = str(uuid.uuid4())
    fx.lead(officer, case)
    fx.store.close()
    ctx = mp.get_context("spawn")
    rounds = 15
    start = ctx.Barrier(2)
    out = ctx.Queue()
    procs = [
        ctx.Process(target=_process_worker, args=(database_url, officer.name, officer.seed, case, start, rounds, out))
        for _ in range(2)
    ]
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
        assert p.exitcode == 0
    results = [out.get(timeout=5) for _ in procs]
    # Each round both processes try the same version: exactly one wins it.
    assert sum(w for w, _ in results) == rounds
    assert sum(c for _, c in results) == rounds
    store = Store(database_url)
    try:
        assert [e.version for e in entries(store, stream=case)] == list(range(1, rounds + 2))
        assert check_ledger(store, workers=1).ok
    finally:
        store.close()
