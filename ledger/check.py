"""Re-verify the whole stored ledger: every entry's form, chain link, act digest, key validity and signature.

Walks the notification log in order (bounded memory: one chunk at a time). Chain and key-validity checks are
sequential and cheap; signatures dominate, so each chunk's signatures are verified on a process pool that uses
every core. Reports problems in log order, each naming the stream, version and log position.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from eventsourcing.persistence import Notification

from domain.errors import DomainError
from domain.registry import Registry, apply_registry
from ledger import canonical
from ledger.envelope import ACT_DOMAIN, ZERO_HASH, EnvelopeError, decode_entry, entry_hash, open_envelope
from ledger.keys import VerifierKey, parse_verifier_key
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
    keys: dict[bytes, Ed25519PublicKey | None] = {}  # decoding a public key costs a sixth of a verify: once per key
    for public_key, sig, message in items:
        if public_key not in keys:
            try:
                keys[public_key] = Ed25519PublicKey.from_public_bytes(public_key)
            except ValueError:
                keys[public_key] = None
        key = keys[public_key]
        try:
            if key is None:
                raise InvalidSignature
            key.verify(sig, message)
            out.append(True)
        except InvalidSignature:
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
    vkeys: dict[str, VerifierKey] = {}
    in_flight: list[tuple[_Pending, list[Future[list[bool]]]]] = []
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
                    vk = vkeys.get(key.vkey)
                    if vk is None:
                        vk = vkeys[key.vkey] = parse_verifier_key(key.vkey)
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
            # Pipeline: this chunk's signatures verify on the pool while the next chunk is decoded here.
            in_flight.append(_submit_signatures(pending, pool, workers))
            while len(in_flight) > 2:
                _collect(in_flight.pop(0), report)
            if progress:
                progress(report.entries, total)
        for batch in in_flight:
            _collect(batch, report)
    finally:
        if pool is not None:
            pool.shutdown()
    # A deleted tail leaves the chain intact but disagrees with the stream-state table written with each append.
    # The same table holds each head's entry hash: a changed last entry (no later link covers it) is caught here.
    with store.db.read() as cur:
        recorded = cur.execute("SELECT stream, version, head FROM zhifa_stream_state").fetchall()
    for stream, version, head in ((str(r[0]), int(r[1]), bytes(r[2])) for r in recorded):
        seen = heads.get(stream)
        if seen is None or seen[0] != version:
            report.problems.append(
                Problem("tail-missing", stream, version, 0, f"stream head is version {version}, log has {seen and seen[0]}")
            )
        elif seen[1] != head:
            report.problems.append(
                Problem("head-changed", stream, version, 0, "the last entry differs from the head recorded at append")
            )
    report.streams = len(heads)
    report.problems.sort(key=lambda p: p.position)
    return report


_Pending = list[tuple[tuple[bytes, bytes, bytes], Problem]]


def _submit_signatures(pending: _Pending, pool: Executor | None, workers: int) -> tuple[_Pending, list[Future[list[bool]]]]:
    items = [p[0] for p in pending]
    if pool is None or not items:
        done: Future[list[bool]] = Future()
        done.set_result(_verify_batch(items))
        return pending, [done]
    size = max(1, len(items) // workers + 1)
    return pending, [pool.submit(_verify_batch, items[i : i + size]) for i in range(0, len(items), size)]


def _collect(batch: tuple[_Pending, list[Future[list[bool]]]], report: CheckReport) -> None:
    pending, futures = batch
    results = [ok for f in futures for ok in f.result()]
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


def check_log(
    store: Store,
    *,
    checkpoints_file: Path | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> CheckReport:
    """Re-derive the Merkle log from the entries and compare it with what is stored and what was published.

    Rebuilds the RFC 6962 tree leaf by leaf (O(log n) memory), compares every stored node and leaf row, checks
    every stored checkpoint's signature and root, and every checkpoint published to ``checkpoints_file``.
    """
    from ledger import merkle
    from ledger.checkpoint import open_checkpoint
    from ledger.sealer import Tree

    report = CheckReport()
    log_vkey = parse_verifier_key(store.meta("log_vkey") or "")
    tree = Tree(store)
    _, sealed = tree.state()
    builder = merkle.TreeBuilder()
    roots: dict[int, bytes] = {}
    with store.db.read() as cur:
        sizes = {int(r[0]): (bytes(r[1]), str(r[2])) for r in cur.execute("SELECT size, root, note FROM zhifa_checkpoints").fetchall()}
    total = store.position()
    # Checked a batch at a time (bounded memory): each leaf's row and every node its append completed.
    batch: list[tuple[int, list[tuple[int, int, bytes]], tuple[str, int, int]]] = []

    def flush() -> None:
        if not batch:
            return
        stored = tree.nodes([(lv, ix) for _, nodes, _ in batch for lv, ix, _ in nodes])
        with store.db.read() as cur:
            rows = cur.execute(
                "SELECT leaf_index, position, stream, version FROM zhifa_leaves WHERE leaf_index BETWEEN ? AND ?",
                (batch[0][0], batch[-1][0]),
            ).fetchall()
        leaf_rows = {int(r[0]): (int(r[1]), str(r[2]), int(r[3])) for r in rows}
        for leaf_index, nodes, (stream, version, position) in batch:
            if leaf_rows.get(leaf_index) != (position, stream, version):
                report.problems.append(
                    Problem("leaf-row", stream, version, position, f"leaf {leaf_index} is recorded as {leaf_rows.get(leaf_index)}")
                )
            for lv, ix, digest in nodes:
                if stored.get((lv, ix)) != digest:
                    report.problems.append(
                        Problem("tree-node", stream, version, position, f"stored node ({lv},{ix}) differs (leaf {leaf_index})")
                    )
        batch.clear()

    for note in store.iter_notifications(after=0, batch=CHUNK):
        index = builder.size
        if index >= sealed:
            break
        stream, version = str(note.originator_id), int(note.originator_version)
        try:
            entry_data, _ = unframe(note.state)
        except ValueError as exc:
            report.problems.append(Problem("malformed-entry", stream, version, note.id, str(exc)))
            entry_data = b""
        batch.append((index, builder.append(entry_hash(entry_data)), (stream, version, note.id)))
        if builder.size in sizes:
            roots[builder.size] = builder.root()
        if len(batch) >= 2000:
            flush()
        report.entries += 1
        if progress and report.entries % 1000 == 0:
            progress(report.entries, total)
    flush()
    if builder.size != sealed:
        report.problems.append(Problem("tree-size", "-", 0, 0, f"sealed size {sealed}, log re-derives {builder.size}"))
    for size, (root, note_text) in sorted(sizes.items()):
        try:
            cp = open_checkpoint(note_text, log_vkey)
        except ValueError as exc:
            report.problems.append(Problem("checkpoint-signature", "-", 0, 0, f"checkpoint {size}: {exc}"))
            continue
        if cp.size != size or cp.root != root or roots.get(size) != root:
            report.problems.append(Problem("checkpoint-root", "-", 0, 0, f"checkpoint {size} does not match the log"))
    if checkpoints_file is not None and checkpoints_file.exists():
        for block in [b + "\n" for b in checkpoints_file.read_text().split("\n\n\n") if b.strip()]:
            try:
                cp = open_checkpoint(block, log_vkey)
            except ValueError as exc:
                report.problems.append(Problem("published-checkpoint", "-", 0, 0, str(exc)))
                continue
            if cp.size > builder.size or (cp.size in roots and roots[cp.size] != cp.root) or (
                cp.size not in roots and cp.size <= builder.size and tree.root(cp.size) != cp.root
            ):
                report.problems.append(
                    Problem("rolled-back", "-", 0, 0, f"published checkpoint {cp.size} is not in this database's log")
                )
    if progress:
        progress(total, total)
    return report
