"""Re-verify the whole stored ledger: every entry's form, chain link, act digest, key validity and signature.

Walks the notification log in order (bounded memory: one chunk at a time). Chain and key-validity checks are
sequential and cheap; signatures dominate, so each chunk's signatures are verified on a process pool that uses
every core. Reports problems in log order, each naming the stream, version and log position.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, ProcessPoolExecutor
from dataclasses import dataclass, field

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from eventsourcing.persistence import Notification

from domain.errors import DomainError
from domain.registry import Registry, apply_registry
from ledger import canonical
from ledger.envelope import ACT_DOMAIN, ZERO_HASH, EnvelopeError, decode_entry, entry_hash, open_envelope
from ledger.keys import parse_verifier_key
from ledger.store import TOPIC_REGISTRY, Store, unframe
from ledger.writer import act_record

CHUNK = 4096


@dataclass(frozen=True)
class Problem:
    code: str
    stream: str
    version: int
    position: int
    message: str

    def one_line(self) -> str:
        return f"{self.code}: stream {self.stream} version {self.version} (log position {self.position}) — {self.message}"


@dataclass
class CheckReport:
    entries: int = 0
    streams: int = 0
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def _verify_batch(items: list[tuple[bytes, bytes, bytes]]) -> list[bool]:
    out = []
    for public_key, sig, message in items:
        try:
            Ed25519PublicKey.from_public_bytes(public_key).verify(sig, message)
            out.append(True)
        except (InvalidSignature, ValueError):
            out.append(False)
    return out


def check_ledger(
    store: Store,
    *,
    workers: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> CheckReport:
    origin = store.meta("origin")
    log_vkey = store.meta("log_vkey")
    report = CheckReport()
    if origin is None or log_vkey is None:
        report.problems.append(Problem("not-initialised", "-", 0, 0, "no origin/log key stored"))
        return report
    registry = Registry.genesis(origin, log_vkey)
    heads: dict[str, tuple[int, bytes]] = {}
    total = store.position()
    workers = workers or os.cpu_count() or 1
    pool: Executor | None = ProcessPoolExecutor(workers) if workers > 1 else None
    try:
        for chunk in _chunks(store):
            pending: list[tuple[tuple[bytes, bytes, bytes], Problem]] = []
            for note in chunk:
                report.entries += 1
                stream = str(note.originator_id)
                where = (stream, note.originator_version, note.id)
                try:
                    entry_data, envelope = unframe(note.state)
                    entry = decode_entry(entry_data)
                    recorded_at = canonical.parse_timestamp(entry.recorded_at)
                    opened = open_envelope(envelope)
                except (ValueError, EnvelopeError, canonical.NonCanonicalError) as exc:
                    report.problems.append(Problem("malformed-entry", *where, str(exc)))
                    continue
                version, prev = heads.get(stream, (0, ZERO_HASH))
                if entry.case != stream or entry.version != note.originator_version:
                    report.problems.append(Problem("entry-mismatch", *where, "entry names another stream or version"))
                if entry.version != version + 1:
                    report.problems.append(
                        Problem("chain-gap", *where, f"expected version {version + 1}, found {entry.version}")
                    )
                elif entry.prev != prev:
                    report.problems.append(Problem("chain-broken", *where, "prev does not match the previous entry"))
                heads[stream] = (entry.version, entry_hash(entry_data))
                if entry.act_digest != hashlib.sha256(envelope).digest():
                    report.problems.append(Problem("act-digest", *where, "envelope does not match act_digest"))
                act = opened.act
                if act.case != stream or act.case_version != entry.version - 1 or act.log != origin:
                    report.problems.append(Problem("act-mismatch", *where, "act names another stream, version or log"))
                key = registry.key(opened.signed.kid)
                if key is None or not key.active:
                    state = "unknown" if key is None else "revoked"
                    report.problems.append(Problem("key-invalid", *where, f"kid {opened.signed.kid} is {state} here"))
                else:
                    if not key.valid_at(recorded_at):
                        report.problems.append(Problem("key-not-yet-valid", *where, f"kid {opened.signed.kid}"))
                    if key.person != act.actor:
                        report.problems.append(Problem("actor-mismatch", *where, "key not registered to the actor"))
                    vk = parse_verifier_key(key.vkey)
                    pending.append(
                        (
                            (vk.public_key, opened.signed.sig, ACT_DOMAIN + opened.signed.act),
                            Problem("bad-signature", *where, f"signature by kid {opened.signed.kid} does not verify"),
                        )
                    )
                if note.topic == TOPIC_REGISTRY:
                    try:
                        registry = apply_registry(
                            registry, act_record(opened, entry.version, recorded_at)
                        )
                    except DomainError as exc:
                        report.problems.append(Problem("registry-replay", *where, exc.one_line()))
            _verify_signatures(pending, pool, workers, report)
            if progress:
                progress(report.entries, total)
    finally:
        if pool is not None:
            pool.shutdown()
    # A deleted tail leaves the chain intact but disagrees with the stream-state table written with each append.
    for stream, version in store.streams():
        seen = heads.get(stream)
        if seen is None or seen[0] != version:
            report.problems.append(
                Problem("tail-missing", stream, version, 0, f"stream head is version {version}, log has {seen and seen[0]}")
            )
    report.streams = len(heads)
    report.problems.sort(key=lambda p: p.position)
    return report


def _verify_signatures(
    pending: list[tuple[tuple[bytes, bytes, bytes], Problem]], pool: Executor | None, workers: int, report: CheckReport
) -> None:
    if not pending:
        return
    items = [p[0] for p in pending]
    if pool is None:
        results = _verify_batch(items)
    else:
        size = max(1, len(items) // workers + 1)
        parts = [items[i : i + size] for i in range(0, len(items), size)]
        results = [ok for part in pool.map(_verify_batch, parts) for ok in part]
    for ok, (_, problem) in zip(results, pending, strict=True):
        if not ok:
            report.problems.append(problem)


def _chunks(store: Store) -> Iterator[list[Notification]]:
    chunk: list[Notification] = []
    for note in store.iter_notifications(after=0, batch=CHUNK):
        chunk.append(note)
        if len(chunk) >= CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk
