"""Subprocess for the crash test: append acts and seal continuously until killed; print each acknowledged act."""

from __future__ import annotations

import sys
import uuid

from ledger.court.keys import read_private_key
from ledger.ledger import sign
from ledger.sealer import Sealer
from ledger.store import Store
from ledger.writer import Writer


def main(url: str, keys_dir: str, checkpoints: str) -> None:
    from pathlib import Path

    store = Store(url)
    origin = store.meta("origin") or ""
    log_key = read_private_key(Path(keys_dir) / "log.key")
    officer = read_private_key(Path(keys_dir) / "officer.key")
    sealer = Sealer(store, log_key, Path(checkpoints))
    sealer.start(interval=0.01)
    writer = Writer(store)
    while True:
        case = str(uuid.uuid4())
        envelope = sign(officer, log=origin, case=case, case_version=0, type="lead.received", actor=officer.name,
                        payload={"source": "complaint", "channel": "12345", "summary": "crash test", "catalog_item": None})
        receipt = writer.append(envelope)
        sys.stdout.write(f"ACK {receipt.stream} {receipt.version} {receipt.entry_hash.hex()}\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main(*sys.argv[1:4])
