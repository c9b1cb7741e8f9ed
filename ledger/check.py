"""Re-verify the whole stored ledger: every entry's form, chain link, act digest, key validity and signature.

Signatures dominate the cost, so the work is split so that both cores spend their time verifying:

1. The parent replays the registry (a small, sequential part of the log) into a *key timeline*: for every key id,
   the positions at which its state changed. A key's state at any position is then one bisect away.
2. The log is cut into position ranges. Each range is checked by a worker process that reads its own rows over its
   own read-only connection and does everything an entry needs: decode, canonical form, act digest, chain links
   inside the range, key validity at the entry's position, and the Ed25519 signature. It sends back only its
   problems and, per stream, the first entry's link and the last entry's hash.
3. The parent stitches ranges in log order (is each stream's first link in the range the previous range's last
   hash?) and finally compares the heads with the stream-state table written with every append.

Reports problems in log order, each naming the stream, version and log position. Memory is bounded by the number
of streams (one head each), not by the log's length.
"""

from __future__ import annotations

import bisect
import contextlib
import datetime as dt
import gc
import hashlib
import os
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import msgspec
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from domain.acts import stream_kind
from domain.case import CaseState, apply_case, note_refused
from domain.errors import DomainError
from domain.registry import Registry
from domain.registry_acts import apply_registry
from ledger import canonical
from ledger.court.keys import KeyFormatError, parse_verifier_key
from ledger.db import Cursor
from ledger.envelope import (
    ACT_DOMAIN,
    ZERO_HASH,
    EnvelopeError,
    decode_entry,
    entry_hash,
    open_entry,
    open_envelope,
)
from ledger.store import LogRow, Store, StoreConfig, position_column, unframe
from ledger.writer import act_record, decode_case

CHUNK = 4096
RANGE = 1024  # log positions per worker task at most (one read, one result message)
TAIL_RANGE = 64  # the smallest task: the last ones, so that no core waits long for the other at the end


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


@dataclass(frozen=True)
class KeyState:
    """A key's state from one log position on (the registry's KeyRecord, reduced to what checking needs)."""

    active: bool
    valid_from: str | None  # canonical timestamp, compared as text with entries' recorded_at
    person: str
    public_key: bytes | None  # None: the registered verifier key does not parse (every signature fails)


class KeyTimeline:
    """Each key id's states in log order; ``at(kid, p)`` is the registry's view just before position ``p``."""

    def __init__(self) -> None:
        self._positions: dict[str, list[int]] = {}
        self._states: dict[str, list[KeyState]] = {}

    def add(self, kid: str, position: int, state: KeyState) -> None:
        self._positions.setdefault(kid, []).append(position)
        self._states.setdefault(kid, []).append(state)

    def at(self, kid: str, position: int) -> KeyState | None:
        positions = self._positions.get(kid)
        if positions is None:
            return None
        if position > positions[-1]:  # the common case: no change to this key since
            return self._states[kid][-1]
        i = bisect.bisect_left(positions, position) - 1
        return self._states[kid][i] if i >= 0 else None


def key_timeline(store: Store, upto: int, origin: str, log_vkey: str, problems: list[Problem]) -> KeyTimeline:
    """Replay the registry rows up to position ``upto`` (registry-replay problems are appended to ``problems``;
    malformed rows are skipped here and reported by the range check)."""
    registry = Registry.genesis(origin, log_vkey)
    timeline = KeyTimeline()
    for kid, root in registry.keys.items():
        timeline.add(kid, 0, _key_state(root.revoked, root.valid_from, root.person, root.vkey))
    for position, stream, version, state in store.log_range(0, upto, registry=True):
        try:
            entry_data, envelope = unframe(state)
            entry = decode_entry(entry_data)
            opened = open_envelope(envelope)
            record = act_record(opened, entry.version, canonical.parse_timestamp(entry.recorded_at))
        except (ValueError, EnvelopeError, canonical.NonCanonicalError):
            continue
        try:
            after = apply_registry(registry, record)
        except DomainError as exc:
            problems.append(Problem("registry-replay", stream, version, position, exc.one_line()))
            continue
        if after.keys is not registry.keys:
            for kid, rec in after.keys.items():
                if registry.keys.get(kid) is not rec:
                    timeline.add(kid, position, _key_state(rec.revoked, rec.valid_from, rec.person, rec.vkey))
        registry = after
    return timeline


def _key_state(revoked: bool, valid_from: dt.datetime | None, person: str, vkey: str) -> KeyState:
    try:
        public_key: bytes | None = parse_verifier_key(vkey).public_key
    except KeyFormatError:
        public_key = None
    valid_text = None if valid_from is None else canonical.format_timestamp(valid_from)
    return KeyState(not revoked, valid_text, person, public_key)


# Per stream met in a range: (stream, its first entry's version, prev, log position and row version, and its last
# entry's version and hash): what the parent needs to link ranges.
Link = tuple[str, int, bytes, int, int, int, bytes]
RangeResult = tuple[int, list[Problem], list[Link]]


@dataclass
class _RangeChecker:
    read: Callable[[int, int], list[LogRow]]
    origin: str
    timeline: KeyTimeline
    public_keys: dict[bytes, Ed25519PublicKey | None] = field(default_factory=dict)

    def check(self, lo: int, hi: int) -> RangeResult:
        # The loop makes no reference cycles, so the cyclic collector only costs time here (~5 % of the decoding).
        collecting = gc.isenabled()
        gc.disable()
        try:
            return self._check(lo, hi)
        finally:
            if collecting:
                gc.enable()

    def _check(self, lo: int, hi: int) -> RangeResult:
        problems: list[Problem] = []
        firsts: dict[str, tuple[int, bytes, int, int]] = {}  # stream → its first entry here: version, prev, where
        heads: dict[str, tuple[int, bytes]] = {}  # stream → (version, entry hash) of its latest entry so far
        # Signatures are verified after the range is decoded, in one tight loop: interleaving them with decoding
        # slowed each verify (its code and tables fall out of the caches between entries).
        signatures: list[tuple[Ed25519PublicKey | None, bytes, bytes, int, str]] = []
        key_at, public_key, sha256, origin = self.timeline.at, self._public_key, hashlib.sha256, self.origin
        rows = self.read(lo, hi)
        for i, (position, stream, version, state) in enumerate(rows):
            try:
                entry_data, envelope = unframe(state)
                entry, signed, act = open_entry(entry_data, envelope)
            except (ValueError, EnvelopeError, canonical.NonCanonicalError) as exc:
                problems.append(Problem("malformed-entry", stream, version, position, str(exc)))
                continue
            if entry.case != stream or entry.version != version:
                problems.append(Problem("entry-mismatch", stream, version, position, "entry names another stream or version"))
            digest = entry_hash(entry_data)
            head = heads.get(stream)
            if head is None:
                firsts[stream] = (entry.version, entry.prev, position, version)  # linked by the parent, across ranges
            elif entry.version != head[0] + 1:
                problems.append(
                    Problem("chain-gap", stream, version, position, f"expected version {head[0] + 1}, found {entry.version}")
                )
            elif entry.prev != head[1]:
                problems.append(Problem("chain-broken", stream, version, position, "prev does not match the previous entry"))
            heads[stream] = (entry.version, digest)
            if entry.act_digest != sha256(envelope).digest():
                problems.append(Problem("act-digest", stream, version, position, "envelope does not match act_digest"))
            if act.case != stream or act.case_version != entry.version - 1 or act.log != origin:
                problems.append(Problem("act-mismatch", stream, version, position, "act names another stream, version or log"))
            key = key_at(signed.kid, position)
            if key is None or not key.active:
                state_of = "unknown" if key is None else "revoked"
                problems.append(Problem("key-invalid", stream, version, position, f"kid {signed.kid} is {state_of} here"))
                continue
            if key.valid_from is not None and entry.recorded_at < key.valid_from:  # canonical UTC: text order is time order
                problems.append(Problem("key-not-yet-valid", stream, version, position, f"kid {signed.kid}"))
            if key.person != act.actor:
                problems.append(Problem("actor-mismatch", stream, version, position, "key not registered to the actor"))
            signatures.append((public_key(key.public_key), signed.sig, ACT_DOMAIN + signed.act, i, signed.kid))
        for verifier, sig, message, i, kid in signatures:
            try:
                if verifier is None:
                    raise InvalidSignature
                verifier.verify(sig, message)
            except InvalidSignature:
                position, stream, version = rows[i][:3]
                problems.append(Problem("bad-signature", stream, version, position, f"signature by kid {kid} does not verify"))
        return len(rows), problems, [(s, *firsts[s], *heads[s]) for s in firsts]

    def _public_key(self, raw: bytes | None) -> Ed25519PublicKey | None:
        """The key object for raw public-key bytes, made once per key and process (making one costs a sixth of a
        verify); None when the bytes are not a valid Ed25519 key (every signature under it then fails)."""
        if raw is None:
            return None
        if raw not in self.public_keys:
            try:
                self.public_keys[raw] = Ed25519PublicKey.from_public_bytes(raw)
            except ValueError:
                self.public_keys[raw] = None
        return self.public_keys[raw]


_worker: _RangeChecker | None = None


def _start_worker(config: StoreConfig, events_table: str, origin: str, timeline: KeyTimeline) -> None:
    global _worker
    from ledger.store import LogReader

    _worker = _RangeChecker(LogReader(config, events_table).log_range, origin, timeline)


def _check_range(lo: int, hi: int) -> RangeResult:
    assert _worker is not None, "worker not started"
    return _worker.check(lo, hi)


def _ranges(total: int, workers: int) -> list[tuple[int, int]]:
    """Cut positions 1..total into tasks that shrink towards the end (guided scheduling): the whole log in ranges of
    ``RANGE``, then each a quarter of a core's share of what remains, down to ``TAIL_RANGE``. With equal ranges the
    last one ran on one core while the other sat idle, up to a tenth of the run on a 20,000-entry ledger."""
    out, lo = [], 0
    while lo < total:
        size = min(RANGE, max(TAIL_RANGE, (total - lo) // (4 * workers)))
        out.append((lo, min(lo + size, total)))
        lo += size
    return out


def _heads_recorded(cur: Cursor) -> dict[str, tuple[int, bytes]]:
    """Every stream's (version, head entry hash) as recorded with its last append (the drivers give str, int,
    bytes). Each row also holds the writer's case-state cache (about 1.4 KB), so on SQLite the pages are read
    through a memory map: half the CPU of copying them in (110 → 50 ms for 20,000 cases), time the parent would
    otherwise take from the verifying workers. The map is dropped afterwards: its pages would stay in the RSS of
    this pooled connection's process. Rows are taken as they come, not first gathered in a list."""
    mapped = cur.kind == "sqlite"
    if mapped:
        cur.raw.execute("PRAGMA mmap_size = 1073741824")
    try:
        cur.raw.execute(cur.q("SELECT stream, version, head FROM zhifa_stream_state"))
        return {stream: (version, head) for stream, version, head in cur.raw}
    finally:
        if mapped:
            cur.raw.execute("PRAGMA mmap_size = 0")


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
    workers = workers or os.cpu_count() or 1
    in_memory = store.kind == "sqlite" and store.config.location in ("", ":memory:")
    heads: dict[str, tuple[int, bytes]] = {}

    def stitch(hi: int, result: RangeResult) -> None:
        count, problems, links = result
        report.entries += count
        report.problems.extend(problems)
        for stream, first_version, first_prev, position, row_version, last_version, last_hash in links:
            version, prev = heads.get(stream, (0, ZERO_HASH))
            if first_version != version + 1:
                report.problems.append(
                    Problem("chain-gap", stream, row_version, position, f"expected version {version + 1}, found {first_version}")
                )
            elif first_prev != prev:
                report.problems.append(
                    Problem("chain-broken", stream, row_version, position, "prev does not match the previous entry")
                )
            heads[stream] = (last_version, last_hash)
        if progress:
            progress(hi, total)

    # One snapshot, held open while the ranges are checked: the log's end and every stream's recorded head
    # (acts appended meanwhile are after the end and not judged). The heads are read once the workers are busy.
    with store.db.read() as cur:
        if store.kind == "postgres":
            cur.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        row = cur.execute(f"SELECT MAX({position_column(store.kind)}) FROM stored_events").fetchone()
        total = int(row[0] or 0) if row else 0
        timeline = key_timeline(store, total, origin, log_vkey, report.problems)
        ranges = _ranges(total, workers)
        if workers == 1 or in_memory or len(ranges) < 2:
            recorded = _heads_recorded(cur)
            checker = _RangeChecker(store.log_range, origin, timeline)
            for lo, hi in ranges:
                stitch(hi, checker.check(lo, hi))
        else:
            with ProcessPoolExecutor(
                workers, initializer=_start_worker, initargs=(store.config, store.db.events_table, origin, timeline)
            ) as pool:
                in_flight = [(hi, pool.submit(_check_range, lo, hi)) for lo, hi in ranges[: 3 * workers]]
                recorded = _heads_recorded(cur)
                for lo, hi in ranges[3 * workers :]:
                    done_hi, future = in_flight.pop(0)
                    stitch(done_hi, future.result())
                    in_flight.append((hi, pool.submit(_check_range, lo, hi)))
                for done_hi, future in in_flight:
                    stitch(done_hi, future.result())
    # A deleted tail leaves the chain intact but disagrees with the stream-state table written with each append.
    # The same table holds each head's entry hash: a changed last entry (no later link covers it) is caught here.
    # A stream in the log with no recorded head was not appended by the writer (or its row was deleted): the
    # writer would take the case for new and its next act would collide with the stored versions.
    if heads != recorded:  # one comparison in C when all is well; the loops below only name what differs
        for stream in heads.keys() - recorded.keys():
            report.problems.append(
                Problem("head-missing", stream, heads[stream][0], 0, "entries in the log, but no head recorded for the stream")
            )
        for stream, (version, head) in recorded.items():
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
    sort_problems(report.problems)
    return report


def sort_problems(problems: list[Problem]) -> None:
    """Log order: problems at an entry by its position, first; then those that have no position (a deleted tail, a
    recorded head, the tree's size, a checkpoint), in the order found. The first problem is the first bad entry."""
    problems.sort(key=lambda p: (p.position <= 0, p.position))


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
    from ledger.court import merkle
    from ledger.court.checkpoint import open_checkpoint
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
    bad_leaves: list[int] = []  # leaf indexes whose stored leaf hash differs from the entry's: they explain ancestors

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
                if stored.get((lv, ix)) == digest:
                    continue
                if lv == 0:
                    bad_leaves.append(ix)
                    report.problems.append(
                        Problem("tree-leaf", stream, version, position,
                                f"the stored leaf hash of leaf {ix} is not this entry's hash (the entry or the tree was changed)")
                    )
                    continue
                first, last = ix << lv, ((ix + 1) << lv) - 1
                if bisect.bisect_left(bad_leaves, first) < len(bad_leaves) and bad_leaves[bisect.bisect_left(bad_leaves, first)] <= last:
                    continue  # follows from a leaf already named
                # Every leaf under it re-derives its stored hash, so this node itself was altered: it is named, not
                # the entry whose append happened to complete it (that entry is untouched).
                report.problems.append(
                    Problem("tree-node", "-", 0, position,
                            f"stored node ({lv},{ix}) covering leaves {first}–{last} differs from the one re-derived "
                            "from the entries, whose leaf hashes all match: the stored tree was altered")
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
    sort_problems(report.problems)
    return report


def _same_state(cached: bytes | None, state: CaseState | None) -> bool:
    """The cached state is the state the acts give, compared as values: a cache written before a field was added to
    ``CaseState`` (an upgrade) decodes with that field's default and is not taken for a forgery."""
    if cached is None or state is None:
        return cached is None and state is None
    try:
        return decode_case(cached) == state
    except msgspec.DecodeError:
        return False


def check_case_states(store: Store, *, progress: Callable[[int, int], None] | None = None) -> CheckReport:
    """Recompute every case's state from the log — the registry replayed from the log key, each case act applied by
    the rules with the registry as of its position — and compare it with the writer's cached state at the stream's
    recorded head (``zhifa_stream_state.state``). Names a cache that differs (forged or stale) and any recorded act
    the rules refuse on replay (one that got in past a forged cache). Sequential; memory holds the states of the
    cases whose head is still ahead."""
    report = CheckReport()
    origin, log_vkey = store.meta("origin"), store.meta("log_vkey")
    if origin is None or log_vkey is None:
        return report
    with store.db.read() as cur:
        recorded = {
            str(r[0]): (int(r[1]), None if r[2] is None else bytes(r[2]))
            for r in cur.execute("SELECT stream, version, state FROM zhifa_stream_state").fetchall()
        }
    registry = Registry.genesis(origin, log_vkey)
    states: dict[str, CaseState | None] = {}
    refused: set[str] = set()
    total = store.position()
    for note in store.iter_notifications(after=0, batch=CHUNK):
        stream, version = str(note.originator_id), int(note.originator_version)
        report.entries += 1
        if progress and report.entries % 1000 == 0:
            progress(note.id, total)
        try:
            entry_data, envelope = unframe(note.state)
            entry = decode_entry(entry_data)
            record = act_record(open_envelope(envelope), entry.version, canonical.parse_timestamp(entry.recorded_at))
            kind = stream_kind(record.type)
        except (ValueError, EnvelopeError, canonical.NonCanonicalError, DomainError):
            continue  # malformed entries are named by the entry check
        if kind == "registry":
            with contextlib.suppress(DomainError):  # a refused registry act is named by the entry check
                registry = apply_registry(registry, record)
        else:
            # As every reader replays (domain.case.apply_recorded): a refused act is named and the replay goes on,
            # so each later act the rules refuse is named too, judged against the state without the earlier ones.
            try:
                states[stream] = apply_case(states.get(stream), record, registry)
            except DomainError as exc:
                refused.add(stream)
                states[stream] = note_refused(states.get(stream), record, exc)
                report.problems.append(
                    Problem("rules-refuse", stream, version, note.id, f"the rules refuse this recorded act on replay: {exc.one_line()}")
                )
        head = recorded.get(stream)
        if head is None or head[0] != version:
            continue
        state = states.pop(stream, None)
        if stream in refused:
            continue
        if not _same_state(head[1], state):
            report.problems.append(
                Problem("state-cache", stream, version, note.id,
                        "the cached case state differs from the state its recorded acts give (a forged or stale cache)")
            )
    report.streams = len(recorded)
    if progress:
        progress(total, total)
    sort_problems(report.problems)
    return report
