"""The sealer: stored tree equals the RFC 6962 tree, proofs from stored nodes, checkpoints, kill -9, rollback."""

from __future__ import annotations

import itertools
import os
import random
import select
import shutil
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from ledger.court import merkle
from ledger.court.checkpoint import open_checkpoint
from ledger.envelope import entry_hash
from ledger.ledger import entries
from ledger.sealer import RolledBack, Sealer, Tree
from ledger.store import Store
from tests.conftest import FailingFirst, LedgerFixture, make_ledger

ROOT = Path(__file__).resolve().parents[1]


def _leaves(store: Store) -> list[bytes]:
    return [entry_hash(e.entry_bytes) for e in entries(store)]


def test_stored_tree_matches_rfc6962_and_proofs_verify(ledger: LedgerFixture, tmp_path: Path) -> None:
    officer = ledger.register("officer/seal")
    sealer = Sealer(ledger.store, ledger.log_key, tmp_path / "checkpoints.log", batch=7)
    for i in range(30):
        ledger.lead(officer)
        if i % 9 == 0:
            sealer.seal_once()
    sealer.seal_all()
    leaves = _leaves(ledger.store)
    tree = sealer.tree
    assert tree.size() == len(leaves) == 32
    for size in range(1, len(leaves) + 1):
        root = merkle.root(leaves[:size])
        assert tree.root(size) == root
        for i in range(size):
            assert merkle.verify_inclusion(leaves[i], i, size, tree.inclusion_proof(i, size), root)
        for m in range(1, size + 1):
            proof = tree.consistency_proof(m, size)
            assert merkle.verify_consistency(m, size, proof, merkle.root(leaves[:m]), root)
    # every leaf knows its stream and version
    case_leaves = tree.leaves_of("person:officer/seal")
    assert [leaf.version for leaf in case_leaves] == [1]
    # the checkpoint is a signed C2SP note of the current tree
    size, note = tree.latest_checkpoint() or (0, "")
    cp = open_checkpoint(note, ledger.log_key.verifier)
    assert (cp.origin, cp.size, cp.root) == (ledger.store.meta("origin"), 32, merkle.root(leaves))


def test_seal_all_tells_its_progress_batch_by_batch(ledger: LedgerFixture, tmp_path: Path) -> None:
    officer = ledger.register("officer/progress")
    sealer = Sealer(ledger.store, ledger.log_key, tmp_path / "checkpoints.log", batch=4)
    for _ in range(9):
        ledger.lead(officer)
    backlog = sealer.backlog()
    assert backlog == len(_leaves(ledger.store)) - sealer.tree.size() > 8
    told: list[int] = []
    assert sealer.seal_all(told.append) == backlog
    assert sum(told) == backlog and max(told) == 4 and sealer.backlog() == 0


def test_checkpoints_are_monotonic_and_consistent(ledger: LedgerFixture, tmp_path: Path) -> None:
    officer = ledger.register("officer/cp")
    sealer = Sealer(ledger.store, ledger.log_key, tmp_path / "checkpoints.log")
    for _ in range(5):
        for _ in range(3):
            ledger.lead(officer)
        sealer.seal_once()
    assert sealer.seal_once() == 0  # nothing new: no new checkpoint
    _assert_checkpoints_consistent(ledger.store, ledger.log_key.verifier, tmp_path / "checkpoints.log")


def _assert_checkpoints_consistent(store: Store, vkey: object, path: Path) -> list[int]:
    blocks = [b + "\n" for b in path.read_text().split("\n\n\n") if b.strip()]
    cps = [open_checkpoint(b, vkey) for b in blocks]  # type: ignore[arg-type]
    sizes = [c.size for c in cps]
    assert sizes == sorted(set(sizes)), sizes
    tree = Tree(store)
    for a, b in itertools.pairwise(cps):
        assert merkle.verify_consistency(a.size, b.size, tree.consistency_proof(a.size, b.size), a.root, b.root)
    return sizes


def test_a_rolled_back_database_is_refused(tmp_path: Path) -> None:
    db = tmp_path / "ledger.sqlite"
    fx = make_ledger(f"sqlite:///{db}")
    officer = fx.register("officer/rb")
    fx.lead(officer)
    checkpoints = tmp_path / "checkpoints.log"
    Sealer(fx.store, fx.log_key, checkpoints).seal_all()
    fx.store.close()
    backup = tmp_path / "backup.sqlite"
    shutil.copy(db, backup)  # an operator's backup, taken after the first checkpoint
    store = Store(f"sqlite:///{db}")
    from ledger.writer import Writer
    from tests.conftest import FakeClock

    writer = Writer(store, clock=FakeClock())
    from ledger.ledger import sign

    writer.append(sign(officer, log=store.meta("origin") or "", case="6f1d2c3b-0000-4000-8000-0000000000c2", case_version=0, type="lead.received", actor=officer.name,
                       payload={"source": "complaint", "channel": "12345", "summary": "s", "catalog_item": None}, claimed_at=FakeClock()()))
    Sealer(store, fx.log_key, checkpoints).seal_all()
    store.close()
    # restore the old backup: the database is now behind the published checkpoint
    shutil.copy(backup, db)
    for suffix in ("-wal", "-shm"):
        Path(str(db) + suffix).unlink(missing_ok=True)
    store = Store(f"sqlite:///{db}")
    with pytest.raises(RolledBack) as info:
        Sealer(store, fx.log_key, checkpoints)
    assert "published" in str(info.value)
    # `zhifa check --full` says the same, naming the published checkpoint the database no longer has
    from ledger.check import check_log

    report = check_log(store, checkpoints_file=checkpoints)
    assert [p.code for p in report.problems] == ["rolled-back"]
    store.close()


@pytest.mark.slow
def test_kill_9_while_appending_and_sealing(database_url: str, tmp_path: Path) -> None:
    fx = make_ledger(database_url)
    officer = fx.register("officer/crash")
    keys = tmp_path / "keys"
    fx.log_key.write(keys / "log.key")
    officer.write(keys / "officer.key")
    fx.store.close()
    checkpoints = tmp_path / "checkpoints.log"
    acked: list[tuple[str, int, str]] = []
    rng = random.Random(7)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    for _round in range(5):
        proc = subprocess.Popen(
            [sys.executable, "-m", "tests.crash_worker", database_url, str(keys), str(checkpoints)],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT, env=env, text=True,
        )
        assert proc.stdout is not None
        ready, _, _ = select.select([proc.stdout], [], [], 60)  # wait for the first acknowledgement
        first = proc.stdout.readline() if ready else ""
        time.sleep(rng.uniform(0.3, 1.2))
        os.kill(proc.pid, signal.SIGKILL)
        out, err = proc.communicate()
        out = first + out
        lines = [line.split() for line in out.splitlines() if line.startswith("ACK ")]
        assert lines, err[-2000:]
        # a line cut off by the kill was never acknowledged in full: only complete lines count
        acked.extend((p[1], int(p[2]), p[3]) for p in lines if len(p) == 4 and len(p[3]) == 64)
    assert len(acked) > 20, "the worker must have acknowledged acts before being killed"
    store = Store(database_url)
    try:
        sealer = Sealer(store, fx.log_key, checkpoints)  # refuses if the file and the database disagree
        sealer.seal_all()
        stored = {(e.stream, e.version): entry_hash(e.entry_bytes).hex() for e in entries(store)}
        for stream, version, digest in acked:
            assert stored.get((stream, version)) == digest
        leaves = _leaves(store)
        assert sealer.tree.size() == len(leaves) and sealer.tree.root(len(leaves)) == merkle.root(leaves)
        sizes = _assert_checkpoints_consistent(store, fx.log_key.verifier, checkpoints)
        assert sizes and sizes[-1] == len(leaves)
    finally:
        store.close()


def test_check_full_finds_a_changed_tree_node(ledger: LedgerFixture, tmp_path: Path) -> None:
    from ledger.check import check_log

    officer = ledger.register("officer/full")
    for _ in range(9):
        ledger.lead(officer)
    Sealer(ledger.store, ledger.log_key, tmp_path / "cp.log").seal_all()
    assert check_log(ledger.store, checkpoints_file=tmp_path / "cp.log").ok
    with ledger.store.db.write() as cur:
        cur.execute("UPDATE zhifa_tree_nodes SET hash=? WHERE id=?", (bytes(32), (1 << 48) | 2))  # level 1, index 2
    report = check_log(ledger.store, checkpoints_file=tmp_path / "cp.log")
    assert [p.code for p in report.problems][:1] == ["tree-node"]
    assert report.problems[0].message.startswith("stored node (1,2)")


def test_check_full_finds_a_leaf_recorded_for_another_entry(ledger: LedgerFixture, tmp_path: Path) -> None:
    from ledger.check import check_log

    officer = ledger.register("officer/leafrow")
    for _ in range(5):
        ledger.lead(officer)
    Sealer(ledger.store, ledger.log_key, tmp_path / "cp.log").seal_all()
    with ledger.store.db.write() as cur:
        cur.execute("UPDATE zhifa_leaves SET stream=? WHERE leaf_index=?", ("person:officer/leafrow", 4))
    report = check_log(ledger.store, checkpoints_file=tmp_path / "cp.log")
    assert [p.code for p in report.problems] == ["leaf-row"]
    assert report.problems[0].message.startswith("leaf 4 is recorded as") and "person:officer/leafrow" in report.problems[0].message


def test_under_a_steady_stream_of_appends_the_sealer_seals_at_most_once_per_interval(ledger: LedgerFixture, tmp_path: Path) -> None:
    """Coalescing: one checkpoint (one transaction, signature and fsync) covers every act of an interval, instead of
    the sealer chasing the writer batch after tiny batch for its write lock."""
    officer = ledger.register("officer/a")
    sealer = Sealer(ledger.store, ledger.log_key, tmp_path / "checkpoints.log")
    sealer.seal_all()
    with ledger.store.db.read() as cur:
        before = len(cur.execute("SELECT size FROM zhifa_checkpoints").fetchall())
    interval = 0.3
    sealer.start(interval)
    try:
        started = time.monotonic()
        while time.monotonic() - started < 1.0:
            ledger.lead(officer, str(uuid.uuid4()))
        elapsed = time.monotonic() - started
        head = ledger.store.position()
        deadline = time.monotonic() + 5
        while Tree(ledger.store).state()[0] < head and time.monotonic() < deadline:
            time.sleep(0.01)
    finally:
        sealer.stop()
    assert Tree(ledger.store).state()[0] == head  # everything sealed, within an interval or two of the last append
    with ledger.store.db.read() as cur:
        published = len(cur.execute("SELECT size FROM zhifa_checkpoints").fetchall()) - before
    assert 1 <= published <= elapsed / interval + 2


def test_a_following_sealer_logs_a_failed_batch_and_goes_on(ledger: LedgerFixture, tmp_path: Path, caplog) -> None:  # type: ignore[no-untyped-def]
    """The sealer's thread (threads mode of the web service, and the followers' process) must not die on the first
    error — a database locked past its timeout — and leave the log unsealed with nobody told."""
    import time

    officer = ledger.register("officer/seal-retry")
    sealer = Sealer(ledger.store, ledger.log_key, tmp_path / "checkpoints.log")
    flaky = FailingFirst(sealer.seal_once, 2)
    sealer.seal_once = flaky  # type: ignore[method-assign]
    ledger.lead(officer)
    with caplog.at_level("ERROR", logger="zhifa.sealer"):
        sealer.start(0.01)
        try:
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline and sealer.tree.size() < ledger.store.position():
                time.sleep(0.01)
        finally:
            sealer.stop()
    assert flaky.left == 0 and sealer.tree.size() == ledger.store.position()
    assert caplog.text.count("sealing failed") == 2 and "database is locked" in caplog.text
