"""The ledger as its users see it: initialise a database, build and sign acts, append, read entries.

``initialise`` stores the origin and the log's verifier key, then appends the one act the log key ever signs
on a stream: admitting the personnel authority (DESIGN.md, Keys). Everything else is appended by the writer.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from ledger import canonical
from ledger.court.keys import SigningKey
from ledger.envelope import Act, Entry, Opened, new_nonce, open_envelope, sign_act
from ledger.errors import LedgerError
from ledger.store import Store, unframe
from ledger.writer import Clock, Receipt, Writer, state_cache_key, utcnow


class AlreadyInitialised(LedgerError):
    code = "already-initialised"
    title = "账本已初始化"
    title_en = "This database already holds a ledger"
    status = 409


def make_act(
    *,
    log: str,
    case: str,
    case_version: int,
    type: str,
    actor: str,
    payload: dict[str, Any],
    claimed_at: dt.datetime | str | None = None,
    nonce: bytes | None = None,
) -> Act:
    """An act with ``claimed_at`` (now) and ``nonce`` (16 random bytes) filled when absent."""
    if claimed_at is None:
        claimed_at = utcnow()
    stamp = claimed_at if isinstance(claimed_at, str) else canonical.format_timestamp(claimed_at)
    return Act(
        actor=actor,
        case=case,
        case_version=case_version,
        claimed_at=stamp,
        log=log,
        nonce=new_nonce() if nonce is None else nonce,
        payload=payload,
        type=type,
    )


def sign(key: SigningKey, **fields: Any) -> bytes:
    """Build an act (see :func:`make_act`) and return its canonical signed envelope."""
    return sign_act(make_act(**fields), key)


def initialise(
    store: Store,
    *,
    origin: str,
    log_key: SigningKey,
    authority_key: SigningKey,
    authority_name: str = "人事管理机构",
    clock: Clock = utcnow,
) -> Receipt:
    """Create the ledger in an empty database and admit the personnel authority (signed by the log key)."""
    if log_key.name != origin:
        raise ValueError(f"the log key must be named by the origin {origin!r}, not {log_key.name!r}")
    if store.meta("origin") is not None or store.position() != 0:
        raise AlreadyInitialised(f"origin {store.meta('origin')!r} is already set up here")
    with store.db.write() as cur:
        store.set_meta(cur, "origin", origin)
        store.set_meta(cur, "log_vkey", log_key.verifier.text)
    writer = Writer(store, clock=clock, cache_key=state_cache_key(log_key))
    envelope = sign(
        log_key,
        log=origin,
        case=f"person:{authority_key.name}",
        case_version=0,
        type="authority.admitted",
        actor=origin,
        payload={"vkey": authority_key.verifier.text, "name": authority_name, "agency": None},
        claimed_at=clock(),
    )
    return writer.append(envelope)


@dataclass(frozen=True)
class StoredEntry:
    """One entry as stored: its log position, the exact entry bytes and envelope bytes."""

    position: int
    stream: str
    version: int
    entry_bytes: bytes
    envelope: bytes
    topic: str

    @property
    def entry(self) -> Entry:
        return canonical.decode(self.entry_bytes, Entry)

    def opened(self) -> Opened:
        return open_envelope(self.envelope)


def entries(store: Store, *, stream: str | None = None, after: int = 0) -> Iterator[StoredEntry]:
    """Entries in log order (all streams), or one stream's entries in version order."""
    if stream is not None:
        for rec in store.stream(stream):
            yield StoredEntry(0, rec.originator_id, rec.originator_version, rec.entry, rec.envelope, rec.topic)
        return
    for note in store.iter_notifications(after=after):
        entry_data, envelope = unframe(note.state)
        yield StoredEntry(
            note.id, str(note.originator_id), int(note.originator_version), entry_data, envelope, note.topic
        )
