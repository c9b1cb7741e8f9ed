"""The log's followers — the sealer and the projection runner — as one child process of the web service, so that
they run on the other core instead of sharing the server's interpreter lock (``WebOptions.followers="process"``).

``python -m web.followers DATABASE_URL LOG_KEY_FILE CHECKPOINTS_FILE INTERVAL`` seals and projects until SIGTERM.
"""

from __future__ import annotations

import signal
import sys
import threading
from pathlib import Path


def run(database_url: str, log_key_file: str, checkpoints_file: str, interval: float) -> None:
    from ledger.court.keys import read_private_key
    from ledger.sealer import Sealer
    from ledger.store import Store
    from projections.catalog import default_views
    from projections.runner import Runner

    store = Store(database_url)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    sealer = None
    if log_key_file and Path(log_key_file).exists():
        sealer = Sealer(store, read_private_key(Path(log_key_file)), Path(checkpoints_file))
        sealer.start(interval)
    runner = Runner(store, default_views())
    try:
        runner.follow(stop, interval)
    except KeyboardInterrupt:
        pass
    finally:
        if sealer is not None:
            sealer.stop()
        store.close()


if __name__ == "__main__":
    run(sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4]))
