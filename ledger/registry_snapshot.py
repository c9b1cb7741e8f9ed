"""A snapshot of the registry bound to a log position, so that starting a writer (each CLI `append`) does not replay
every registry act.

A cache the writer cannot verify must not decide who may sign (issue 12, item 3). So the snapshot is trusted only
when (1) its HMAC verifies under a key derived from the log's private key — only the log's host can write one, and
an edited row is discarded, not believed — and (2) the log still holds, at the snapshot's position, the registry
entry it was taken after (same entry hash): a restored or rewritten log discards it. The registry acts after that
position are then replayed from the signed rows. Without the log key (a writer on another host) there is no
snapshot and the writer replays the registry's rows alone, which is always correct.

Table ``zhifa_registry_snapshot`` (one row): position of the last registry entry applied, its entry hash, the
pickled :class:`~domain.registry.Registry` and the HMAC over all three (unpickled only after the HMAC verifies).
"""

from __future__ import annotations

import copyreg
import hashlib
import hmac
import io
import pickle
import types
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from domain.fingerprint import RULES_FINGERPRINT
from domain.registry import Registry
from ledger.court.keys import SigningKey
from ledger.store import Store, position_column, unframe

SAVE_AFTER = 32
"""Write a new snapshot when starting replayed at least this many registry acts after the stored one."""

_DOMAIN = b"zhifa/registry-snapshot/v1\n"


@dataclass(frozen=True)
class Snapshot:
    position: int
    entry_hash: bytes
    registry: Registry


def snapshot_key(log_key: SigningKey) -> bytes:
    """The HMAC key: derived from the log's private key (never stored)."""
    return hashlib.sha256(_DOMAIN + b"hmac-key\n" + log_key.private_text.encode()).digest()


def _mac(key: bytes, position: int, entry_hash: bytes, body: bytes) -> bytes:
    # Bound to the rules (domain.fingerprint) too: a registry replayed by other rules is replayed again, not believed.
    return hmac.new(key, _DOMAIN + RULES_FINGERPRINT.encode() + position.to_bytes(8, "big") + entry_hash + body,
                    hashlib.sha256).digest()


def _ensure_table(store: Store) -> None:
    b, i = store.db.blob, store.db.bigint
    with store.db.write() as cur:
        cur.execute(
            f"CREATE TABLE IF NOT EXISTS zhifa_registry_snapshot (name TEXT PRIMARY KEY, position {i} NOT NULL, "
            f"entry_hash {b} NOT NULL, body {b} NOT NULL, mac {b} NOT NULL)"
        )


def load(store: Store, key: bytes, origin: str) -> Snapshot | None:
    """The stored snapshot if its HMAC verifies and the log still holds its entry; else None (replay instead)."""
    try:
        with store.db.read() as cur:
            row = cur.execute("SELECT position, entry_hash, body, mac FROM zhifa_registry_snapshot WHERE name='registry'").fetchone()
    except Exception:  # no table yet (or a read-only database made before it): no snapshot
        return None
    if row is None:
        return None
    position, entry_hash, body, mac = int(row[0]), bytes(row[1]), bytes(row[2]), bytes(row[3])
    if not hmac.compare_digest(mac, _mac(key, position, entry_hash, body)):
        return None
    with store.db.read() as cur:
        stored = cur.execute(
            f"SELECT state FROM stored_events WHERE {position_column(cur.kind)}=? AND topic='zhifa/registry/v1'", (position,)
        ).fetchone()
    if stored is None:
        return None
    from ledger.envelope import entry_hash as hash_entry

    if hash_entry(unframe(bytes(stored[0]))[0]) != entry_hash:
        return None
    registry = pickle.loads(body)  # authenticated above: written by this log's host
    if not isinstance(registry, Registry) or registry.origin != origin:
        return None
    return Snapshot(position, entry_hash, registry)


def as_proxy(mapping: dict[object, object]) -> types.MappingProxyType[object, object]:
    """What unpickling a snapshot's read-only map calls (mappingproxy itself cannot be pickled by reference)."""
    return types.MappingProxyType(mapping)


def _proxy(mapping: Any) -> tuple[Callable[..., Any], tuple[Any, ...]]:
    return as_proxy, (dict(mapping),)


def save(store: Store, key: bytes, snapshot: Snapshot) -> None:
    _ensure_table(store)
    out = io.BytesIO()
    pickler = pickle.Pickler(out, protocol=pickle.HIGHEST_PROTOCOL)
    pickler.dispatch_table = {**copyreg.dispatch_table, types.MappingProxyType: _proxy}  # the registry's read-only maps
    pickler.dump(snapshot.registry)
    body = out.getvalue()
    mac = _mac(key, snapshot.position, snapshot.entry_hash, body)
    with store.db.write() as cur:
        cur.execute(
            store.db.upsert("zhifa_registry_snapshot", ["name"], ["position", "entry_hash", "body", "mac"]),
            ("registry", snapshot.position, snapshot.entry_hash, body, mac),
        )
