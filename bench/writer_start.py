"""What one CLI `append` pays before its act: opening the store and building the writer (its registry), at log sizes.

Prints, per log size and registry size, with and without the authenticated registry snapshot (the log's host), the
median time of ``Writer(store)`` (the registry brought up to the log's head) and of a whole
append through a fresh store and writer (what each ``zhifa append`` does), beside the median of one append through a
writer that is already running (the baseline, same process).
"""

from __future__ import annotations

import datetime as dt
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

from ledger.court.keys import SigningKey
from ledger.ledger import initialise, sign
from ledger.registry_snapshot import snapshot_key
from ledger.store import Store
from ledger.writer import Writer

ORIGIN = "bench.zhifa/ledger"
LEAD = {"source": "complaint", "channel": "12345", "summary": "bench", "catalog_item": None}


def _lead(officer: SigningKey, now: dt.datetime) -> bytes:
    return sign(officer, log=ORIGIN, case=str(uuid.uuid4()), case_version=0, type="lead.received", actor=officer.name,
                payload=LEAD, claimed_at=now)


def measure(sizes: list[int], people: int = 50, snapshot: bool = False) -> list[tuple[int, float, float, float]]:
    out = []
    for size in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            url = f"sqlite:///{Path(tmp) / 'ledger.sqlite'}"
            store = Store(url)
            log_key, authority = SigningKey.generate(ORIGIN), SigningKey.generate("authority/hr")
            initialise(store, origin=ORIGIN, log_key=log_key, authority_key=authority)
            writer = Writer(store)
            officers = []
            for i in range(people):
                key = SigningKey.generate(f"officer/{i}")
                writer.append(sign(authority, log=ORIGIN, case=f"person:officer/{i}", case_version=0, type="key.registered",
                                   actor=authority.name, payload={"vkey": key.verifier.text, "role": "officer", "agency": None, "valid_from": None}))
                officers.append(key)
            now = dt.datetime.now(dt.UTC)
            futures = [writer.submit(_lead(officers[i % people], now)) for i in range(size)]
            for f in futures:
                f.result()
            writer.stop()
            store.close()
            starts, whole, warm = [], [], []
            for _ in range(5):
                t0 = time.perf_counter()
                s = Store(url, create=False)
                t1 = time.perf_counter()
                w = Writer(s, snapshot_key=snapshot_key(log_key) if snapshot else None)
                t2 = time.perf_counter()
                w.append(_lead(officers[0], dt.datetime.now(dt.UTC)))
                t3 = time.perf_counter()
                w.append(_lead(officers[1], dt.datetime.now(dt.UTC)))
                t4 = time.perf_counter()
                s.close()
                starts.append(t2 - t1)
                whole.append(t3 - t0)
                warm.append(t4 - t3)
            out.append((size + people + 1, statistics.median(starts), statistics.median(whole), statistics.median(warm)))
    return out


def main(argv: list[str]) -> None:
    sizes = [int(x) for x in argv] or [300, 30_000]
    print("registry acts  snapshot  entries  writer start  fresh store+writer+append  append on a running writer (baseline)  ratio")
    for people in (50, 2000):
        for snapshot in (False, True):
            for entries, start, whole, warm in measure(sizes, people, snapshot):
                print(f"{people + 1:>13,}  {'yes' if snapshot else 'no':>8}  {entries:>7,}  {start * 1000:9.1f} ms  "
                      f"{whole * 1000:22.1f} ms  {warm * 1000:30.1f} ms  {whole / warm:8.1f}")


if __name__ == "__main__":
    main(sys.argv[1:])
