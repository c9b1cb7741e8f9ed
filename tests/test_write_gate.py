"""The SQLite write gate (ledger.db.WriteGate): every write transaction holds an flock on ``<db>-zhifa.lock``, so a
writer waiting on another process's transaction is woken when it ends instead of sleeping in SQLite's busy handler;
reading creates no lock file; a forked child takes its own lock instead of sharing the parent's."""

from __future__ import annotations

import fcntl
import multiprocessing
import os
import time
from pathlib import Path
from typing import Any

import pytest

from ledger.court.keys import SigningKey
from ledger.ledger import initialise
from ledger.store import Store


def _ledger(path: Path) -> Store:
    store = Store(f"sqlite:///{path}")
    initialise(store, origin="gate.test/log", log_key=SigningKey.generate("gate.test/log"),
               authority_key=SigningKey.generate("authority/gate"))
    return store


def _lock_file_busy(lock: str) -> bool:
    fd = os.open(lock, os.O_RDWR)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)
    return False


def test_a_write_transaction_holds_the_gate_and_releases_it(tmp_path: Path) -> None:
    store = _ledger(tmp_path / "l.sqlite")
    try:
        assert store.db.gate is not None
        lock = store.db.gate.path
        with store.db.write() as cur:
            cur.execute("INSERT INTO zhifa_meta (key, value) VALUES ('gate', '1')")
            assert _lock_file_busy(lock)
        assert not _lock_file_busy(lock)
    finally:
        store.close()


def _hold(path: str, seconds: float, ready: Any) -> None:
    store = Store(f"sqlite:///{path}", create=False)
    with store.db.write() as cur:
        cur.execute("INSERT INTO zhifa_meta (key, value) VALUES ('held', '1')")
        ready.set()
        time.sleep(seconds)
    store.close()


def test_a_writer_waits_for_another_process_and_goes_on_when_it_commits(tmp_path: Path) -> None:
    path = tmp_path / "l.sqlite"
    store = _ledger(path)
    try:
        ctx = multiprocessing.get_context("spawn")
        ready = ctx.Event()
        holder = ctx.Process(target=_hold, args=(str(path), 0.6, ready))
        holder.start()
        assert ready.wait(30)
        started = time.monotonic()
        with store.db.write() as cur:
            waited = time.monotonic() - started
            assert cur.execute("SELECT value FROM zhifa_meta WHERE key='held'").fetchone() == ("1",)
        holder.join(10)
        assert waited >= 0.3, "the second writer did not wait for the first"
        assert waited < 5, "the second writer was not let in when the first committed"
    finally:
        store.close()


def test_reading_creates_no_lock_file(tmp_path: Path) -> None:
    path = tmp_path / "l.sqlite"
    _ledger(path).close()
    lock = Path(str(path) + "-zhifa.lock")
    lock.unlink()
    reader = Store(f"sqlite:///{path}", create=False)
    try:
        with reader.db.read() as cur:
            assert cur.execute("SELECT COUNT(*) FROM zhifa_meta").fetchone() is not None
        assert not lock.exists()
    finally:
        reader.close()


@pytest.mark.skipif(not hasattr(os, "fork"), reason="fork only")
def test_a_forked_child_takes_its_own_lock(tmp_path: Path) -> None:
    store = _ledger(tmp_path / "l.sqlite")
    try:
        gate = store.db.gate
        assert gate is not None
        with store.db.write():
            pass  # the parent has opened its lock file descriptor
        r, w = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: its gate forgot the parent's descriptor
            os.close(r)
            os.write(w, b"1" if gate._fd is None and gate._depth == 0 else b"0")
            os._exit(0)
        os.close(w)
        assert os.read(r, 1) == b"1"
        os.waitpid(pid, 0)
    finally:
        store.close()


def _write_pages(store: Store, pages: int) -> None:
    with store.db.write() as cur:
        cur.execute("CREATE TABLE IF NOT EXISTS zhifa_test_pages (n INTEGER PRIMARY KEY, blob BLOB NOT NULL)")
    for _ in range(0, pages, 100):  # a hundred pages a transaction
        with store.db.write() as cur:
            cur.executemany("INSERT INTO zhifa_test_pages (blob) VALUES (?)", [(os.urandom(4000),) for _ in range(100)])


@pytest.mark.parametrize("elsewhere", [False, True])
def test_commits_leave_the_wal_to_checkpoint_when_another_process_does_it(tmp_path: Path, elsewhere: bool) -> None:
    """SQLite checkpoints the WAL inside the commit that takes it past 1,000 pages, so under the write gate; with
    ``checkpoints_elsewhere`` (the web server whose followers' process checkpoints) no commit does, the WAL grows
    until :meth:`Database.checkpoint` copies it, and that copies every frame."""
    path = tmp_path / "l.sqlite"
    store = _ledger(path)
    store.db.checkpoints_elsewhere = elsewhere
    try:
        _write_pages(store, 2500)
        wal_pages = os.path.getsize(f"{path}-wal") // 4096
        if not elsewhere:
            assert wal_pages < 1500  # restarted from its start after each automatic checkpoint
            return
        assert wal_pages > 2500
        done = store.db.checkpoint()
        assert done is not None and done[0] == 0 and done[1] == done[2] > 2500
        _write_pages(store, 300)  # the next commits start the WAL again from its beginning: no growth
        assert os.path.getsize(f"{path}-wal") // 4096 == wal_pages
    finally:
        store.close()


def test_a_projection_commit_checkpoints_later_and_leaves_the_connection_as_it_was(tmp_path: Path) -> None:
    """``write(durable=False)`` (projection batches) runs with the bulk autocheckpoint and NORMAL sync, and the
    pooled connection goes back to SQLite's defaults for the ledger's own commits; every connection has the larger
    page cache."""
    from ledger.db import BULK_AUTOCHECKPOINT, SQLITE_CACHE_KIB

    store = _ledger(tmp_path / "l.sqlite")
    try:
        with store.db.write(durable=False) as cur:
            inside = (cur.execute("PRAGMA wal_autocheckpoint").fetchone(), cur.execute("PRAGMA synchronous").fetchone())
        with store.db.write() as cur:
            after = (cur.execute("PRAGMA wal_autocheckpoint").fetchone(), cur.execute("PRAGMA synchronous").fetchone())
        with store.db.read() as cur:
            cache = cur.execute("PRAGMA cache_size").fetchone()
        assert inside == ((BULK_AUTOCHECKPOINT,), (1,))  # 1 = NORMAL
        assert after == ((1000,), (2,))  # 2 = FULL
        assert cache == (-SQLITE_CACHE_KIB,)
    finally:
        store.close()
