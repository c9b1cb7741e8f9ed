"""The log's followers — the sealer and the projection runner — as one child process of the web service, so that
they run on the other core instead of sharing the server's interpreter lock (``WebOptions.followers="process"``,
the default). On SQLite they still take turns with the server's writer for the database's write lock; that cost
stays, the interpreter lock's goes.

The child runs at a lower CPU priority (``FOLLOWER_NICENESS``): its work is catching up, and on a machine with fewer
free cores than busy processes the scheduler should serve the request path first. Followers that fell behind in a
burst catch up when it ends (``bench/web.py`` reports how long after the last POST); their lag stays visible in
``/readyz`` and ``/metrics``.

``python -m web.followers DATABASE_URL LOG_KEY_FILE CHECKPOINTS_FILE INTERVAL [PARENT_PID]`` seals and projects
until SIGTERM, or until the parent process is gone (a server killed with SIGKILL must not leave a follower behind).
"""

from __future__ import annotations

import logging
import os
import signal
import sys
import threading
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ledger.store import Store

log = logging.getLogger("zhifa.followers")

MODES = ("process", "threads")
DEFAULT_MODE = "process"  # WebOptions.followers and `zhifa serve --followers` (a light module: the CLI imports it)
PARENT_CHECK_SECONDS = 1.0
FOLLOWER_NICENESS = 10  # os.nice increment of the followers' process (0 = the server's priority)


def watch_parent(parent: int, stop: threading.Event) -> None:
    """Set ``stop`` once this process is no longer the child of ``parent`` (it was re-parented when that died)."""
    while not stop.wait(PARENT_CHECK_SECONDS):
        if os.getppid() != parent:
            stop.set()


def checkpoint_wal(store: Store, stop: threading.Event, interval: float) -> None:
    """Every ``interval``, copy the SQLite WAL's frames to the database file: the server's commits leave that to
    this process (``Database.checkpoints_elsewhere``), so none of them does it while holding the write lock."""
    while not stop.wait(interval):
        try:
            store.db.checkpoint()
        except Exception:
            log.exception("WAL checkpoint failed; retrying in %.1f s", interval)


def run(database_url: str, log_key_file: str, checkpoints_file: str, interval: float, parent: int | None = None) -> None:
    from ledger.court.keys import read_private_key
    from ledger.sealer import Sealer
    from ledger.store import Store
    from projections.catalog import default_views
    from projections.runner import Runner, follow_retrying

    os.nice(FOLLOWER_NICENESS)
    store = Store(database_url)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    if parent is not None:
        threading.Thread(target=watch_parent, args=(parent, stop), name="zhifa-parent-watch", daemon=True).start()
    sealer = None
    if log_key_file and Path(log_key_file).exists():
        sealer = Sealer(store, read_private_key(Path(log_key_file)), Path(checkpoints_file))
        sealer.start(interval)
    if store.kind == "sqlite":
        store.db.checkpoints_elsewhere = True  # this process's commits too: the thread below does it
        threading.Thread(target=checkpoint_wal, args=(store, stop, interval), name="zhifa-checkpoint", daemon=True).start()
    runner = Runner(store, default_views())
    try:
        follow_retrying(runner, stop, interval, log)  # a failed batch is logged here, and following goes on
    except KeyboardInterrupt:
        pass
    finally:
        if sealer is not None:
            sealer.stop()
        store.close()


if __name__ == "__main__":
    run(sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4]), int(sys.argv[5]) if len(sys.argv) > 5 else None)
