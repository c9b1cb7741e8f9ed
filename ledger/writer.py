"""The single writer: verifies, authorises and applies each act, chains it, and commits acts in groups.

One writer per database process takes appends (directly or from a queue) and commits them in groups: each
act is validated against the state that includes the earlier acts of its group, a refused act fails alone,
and the whole group lands in one transaction (one fsync). The transaction checks that the log is still at
the position the group was validated against; if another process appended meanwhile, the writer catches up
from the notification log and validates again — so key validity, versions and rules are decided against
exactly the state the act lands on.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import hashlib
import hmac
import queue
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import msgspec

from domain.acts import ActRecord, stream_kind
from domain.case import CaseState, apply_case, apply_recorded
from domain.errors import DomainError
from domain.fingerprint import RULES_FINGERPRINT
from domain.registry import Registry
from domain.registry_acts import apply_registry, apply_registry_recorded
from ledger import canonical
from ledger.act_form import open_act
from ledger.court.keys import KeyFormatError, SigningKey, VerifierKey, parse_verifier_key
from ledger.envelope import (
    ZERO_HASH,
    Entry,
    EnvelopeError,
    Opened,
    entry_bytes,
    entry_hash,
    open_envelope,
    signature_valid,
)
from ledger.errors import (
    ActorMismatch,
    BadSignature,
    ClockSkew,
    KeyNotYetValid,
    KeyRevoked,
    LedgerError,
    MalformedEnvelope,
    NonceReused,
    UnknownKey,
    VersionConflict,
    WrongLog,
)
from ledger.published import check_not_rolled_back
from ledger.store import (
    TOPIC_CASE,
    TOPIC_REGISTRY,
    CachedState,
    IntegrityError,
    Recorded,
    StalePosition,
    Store,
    unframe,
)

Clock = Callable[[], dt.datetime]
Refusal = LedgerError | DomainError

_case_encoder = msgspec.json.Encoder()
_case_decoder = msgspec.json.Decoder(CaseState)


def decode_case(data: bytes) -> CaseState:
    return _case_decoder.decode(data)


def encode_case(state: CaseState) -> bytes:
    """A case state as the writer caches it (``zhifa_stream_state.state``)."""
    return _case_encoder.encode(state)


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class SettableClock:
    """A clock that moves only when told (tests, and demo history seeded with a simulated server clock)."""

    def __init__(self, start: dt.datetime) -> None:
        self.now = start

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += dt.timedelta(**delta)


@dataclass(frozen=True)
class Receipt:
    """What the writer acknowledges: the act is durable at this stream version and log position."""

    stream: str
    version: int
    act_type: str
    entry: bytes
    entry_hash: bytes
    recorded_at: str
    position: int
    provisional: bool = False
    """The acceptance rests on a day counted Monday–Friday (a year the official calendar does not cover)."""
    rules: tuple[str, ...] = ()
    """The rules (and days) the acceptance rested on, each naming its source: national default or an agency's act."""


@dataclass
class _Prepared:
    opened: Opened
    record: ActRecord
    kind: str
    entry: bytes
    entry_hash: bytes
    relied_on: tuple[str, ...] = ()
    provisional: bool = False


@dataclass
class _Staging:
    """The writer's state plus the effects of the acts accepted so far in the current group."""

    registry: Registry
    heads: dict[str, tuple[int, bytes]] = field(default_factory=dict)
    cases: dict[str, CaseState] = field(default_factory=dict)
    nonces: set[bytes] = field(default_factory=set)
    prefetched: dict[str, CachedState | None] = field(default_factory=dict)
    assumed_new: set[str] = field(default_factory=set)


STATE_SEAL_DOMAIN = b"zhifa/case-state-cache/v1\n"


def state_cache_key(log_key: SigningKey) -> bytes:
    """The key that seals the writer's case-state caches, derived from the log key's seed: it is never in the database,
    so whoever edits the tables cannot re-seal a forged cache."""
    return hmac.new(log_key.seed, STATE_SEAL_DOMAIN, hashlib.sha256).digest()


def state_seal(key: bytes, stream: str, version: int, head: bytes, state: bytes) -> bytes:
    """HMAC-SHA256 binding a case state to the stream, version and head entry it was computed at, and to the rules
    that computed it (``domain.fingerprint``): after an upgrade of the rules a cached state is recomputed, not believed."""
    message = b"\x00".join((STATE_SEAL_DOMAIN, RULES_FINGERPRINT.encode(), stream.encode(), str(version).encode(), head, state))
    return hmac.new(key, message, hashlib.sha256).digest()


class CaseStateUnverifiable(LedgerError):
    code = "case-state-unverifiable"
    title = "案件状态无法由已记录的行为重新推出"
    title_en = "The case's state cannot be recomputed from its recorded acts"
    status = 409


def replay_case_state(store: Store, stream: str, upto_version: int) -> CaseState | None:
    """A case's state recomputed from the log alone: the registry replayed from the log key, and the case's acts
    applied in log order with the registry as of each act — what the writer uses when it cannot verify a cache. An
    act the rules now refuse is noted on the state, not applied (``apply_recorded``); raises
    :class:`CaseStateUnverifiable` (naming the version) if a recorded entry of the case no longer decodes."""
    rows = store.stream_rows(stream, upto_version)
    if not rows:
        return None
    origin, log_vkey = store.meta("origin"), store.meta("log_vkey")
    assert origin is not None and log_vkey is not None
    registry = Registry.genesis(origin, log_vkey)
    by_position = {row[0]: row for row in store.log_range(0, rows[-1][0], registry=True)}
    by_position.update((row[0], row) for row in rows)
    state: CaseState | None = None
    for position in sorted(by_position):
        _, row_stream, version, framed = by_position[position]
        try:
            entry_data, envelope = unframe(framed)
            entry = canonical.decode(entry_data, Entry)
            record = act_record(open_envelope(envelope), entry.version, canonical.parse_timestamp(entry.recorded_at))
            if stream_kind(record.type) == "registry":
                registry = apply_registry_recorded(registry, record)
            else:
                state = apply_recorded(state, record, registry)
        except (DomainError, EnvelopeError, ValueError, canonical.NonCanonicalError) as exc:
            if row_stream != stream:
                continue  # a bad registry row elsewhere is for `zhifa check` to name
            raise CaseStateUnverifiable(
                f"stream {stream} version {version} (log position {position}) does not replay: {exc}"
            ) from exc
    return state


def act_record(opened: Opened, version: int, recorded_at: dt.datetime) -> ActRecord:
    act = opened.act
    return ActRecord(
        type=act.type,
        stream=act.case,
        version=version,
        actor=act.actor,
        kid=opened.signed.kid,
        payload=act.payload,
        recorded_at=recorded_at,
        claimed_at=canonical.parse_timestamp(act.claimed_at),
    )


class Writer:
    def __init__(
        self,
        store: Store,
        *,
        clock: Clock = utcnow,
        max_skew: dt.timedelta = dt.timedelta(minutes=5),
        case_cache: int = 10_000,
        cache_key: bytes | None = None,
        checkpoints_file: Path | None = None,
        snapshot_key: bytes | None = None,
    ) -> None:
        """``checkpoints_file``: the checkpoints published outside the database (``var/checkpoints.log``); when
        given, the writer refuses to start (RolledBack, nothing written) on a database that does not hold the last
        one — a restored older copy — exactly as the sealer does (:func:`ledger.published.check_not_rolled_back`).
        ``snapshot_key`` (on the log's host, :func:`ledger.registry_snapshot.snapshot_key`): start from an
        authenticated registry snapshot bound to a log position instead of replaying every registry act."""
        origin = store.meta("origin")
        log_vkey = store.meta("log_vkey")
        if origin is None or log_vkey is None:
            from ledger.errors import LedgerNotInitialised

            raise LedgerNotInitialised("no origin and log key in this database")
        self.store = store
        self.origin = origin
        self.log_vkey = parse_verifier_key(log_vkey)
        self.clock = clock
        self.max_skew = max_skew
        self.registry = Registry.genesis(origin, log_vkey)
        self.position = 0
        self._heads: OrderedDict[str, tuple[int, bytes]] = OrderedDict()
        self._cases: OrderedDict[str, CaseState] = OrderedDict()
        self._cache_size = case_cache
        # Case states cached in the database are trusted only under a valid seal by this key (state_cache_key);
        # without a key, or under a bad seal, the state is recomputed from the log (replay_case_state).
        self._cache_key = cache_key
        self.recomputed = 0  # how many cached states could not be verified and were recomputed
        self._vkeys: dict[str, VerifierKey] = {}
        self._lock = threading.RLock()
        self._queue: queue.Queue[tuple[bytes, Future[Receipt] | _LoopFuture] | None] = queue.Queue()
        self._thread: threading.Thread | None = None
        self._snapshot_key = snapshot_key
        check_not_rolled_back(store, checkpoints_file)
        self._load_registry()
        self._catch_up()

    def _load_registry(self) -> None:
        """Start at the log's head: from the registry snapshot if one verifies (ledger.registry_snapshot), then the
        registry's rows alone (the partial index ``registry_rows``) — a new writer has no case state cached, so case
        rows need not be read: O(registry acts since the snapshot), not O(log). Positions are commit order, so
        reading up to one head position in order misses nothing before it."""
        from ledger import registry_snapshot

        head = self.store.position()
        start, last = 0, None
        key = self._snapshot_key
        snap = registry_snapshot.load(self.store, key, self.origin) if key is not None else None
        if snap is not None:
            self.registry, start, last = snap.registry, snap.position, (snap.position, snap.entry_hash)
        replayed = 0
        for position, stream, version, state in self.store.log_range(start, head, registry=True):
            entry_data, envelope = unframe(state)
            entry = canonical.decode(entry_data, Entry)
            record = act_record(open_envelope(envelope), entry.version, canonical.parse_timestamp(entry.recorded_at))
            self.registry = apply_registry_recorded(self.registry, record)
            digest = entry_hash(entry_data)
            self._heads[stream] = (int(version), digest)
            last, replayed = (int(position), digest), replayed + 1
        self.position = head
        if key is not None and last is not None and replayed >= (1 if snap is None else registry_snapshot.SAVE_AFTER):
            registry_snapshot.save(self.store, key, registry_snapshot.Snapshot(last[0], last[1], self.registry))

    # -- following the log --------------------------------------------------------------------------
    def catch_up(self) -> None:
        """See what other processes appended (registry acts, case heads) before the next append or read."""
        with self._lock:
            self._catch_up()

    def _catch_up(self) -> None:
        """Apply registry acts and drop cached case state for everything appended since our position."""
        for note in self.store.iter_notifications(after=self.position):
            stream = str(note.originator_id)
            if note.topic == TOPIC_REGISTRY:
                entry_data, envelope = unframe(note.state)
                entry = canonical.decode(entry_data, Entry)
                opened = open_envelope(envelope)
                record = act_record(opened, entry.version, canonical.parse_timestamp(entry.recorded_at))
                self.registry = apply_registry_recorded(self.registry, record)
                self._heads[stream] = (entry.version, entry_hash(entry_data))
            else:
                self._heads.pop(stream, None)
                self._cases.pop(stream, None)
            self.position = note.id

    def _load(self, staging: _Staging, stream: str) -> None:
        """Bring a stream's head and case state into the caches (from the group's prefetch, else one query)."""
        if stream in self._heads:
            self._heads.move_to_end(stream)
            return
        if stream in staging.prefetched:
            row = staging.prefetched[stream]
        else:
            row = self.store.cached_states([stream]).get(stream)
        if row is None:
            self._remember(self._heads, stream, (0, ZERO_HASH))
            return
        version, head, cached, seal = row
        case = self._verified_case(stream, version, head, cached, seal)
        self._remember(self._heads, stream, (version, head))
        if case is not None:
            self._remember(self._cases, stream, case)

    def _verified_case(
        self, stream: str, version: int, head: bytes, cached: bytes | None, seal: bytes | None
    ) -> CaseState | None:
        """The cached case state (None for a registry stream) if its seal proves this writer's key computed it at
        this version and head; otherwise recomputed from the log. A cache edited in the database — a state changed,
        or removed so that the case looks unopened — is never believed."""
        key = self._cache_key
        if key is not None and seal is not None and hmac.compare_digest(
            seal, state_seal(key, stream, version, head, cached or b"")
        ):
            return None if cached is None else _case_decoder.decode(cached)
        self.recomputed += 1
        return replay_case_state(self.store, stream, version)

    def _head(self, staging: _Staging, stream: str) -> tuple[int, bytes]:
        if stream in staging.heads:
            return staging.heads[stream]
        if stream in staging.assumed_new:
            return (0, ZERO_HASH)  # never cached: only a commit confirms it
        self._load(staging, stream)
        return self._heads[stream]

    def _case(self, staging: _Staging, stream: str) -> CaseState | None:
        if stream in staging.cases:
            return staging.cases[stream]
        if stream in staging.assumed_new:
            return None
        if stream not in self._heads:
            self._load(staging, stream)
        return self._cases.get(stream)

    def _verifier(self, vkey: str) -> VerifierKey:
        key = self._vkeys.get(vkey)
        if key is None:
            key = self._vkeys[vkey] = parse_verifier_key(vkey)
        return key

    def _remember(self, cache: OrderedDict[str, Any], key: str, value: Any) -> None:
        cache[key] = value
        cache.move_to_end(key)
        while len(cache) > self._cache_size:
            cache.popitem(last=False)

    # -- validation -----------------------------------------------------------------------------------
    def _prepare(self, opened: Opened | Refusal, staging: _Staging, now: dt.datetime) -> _Prepared:
        if isinstance(opened, Exception):
            raise opened  # its form (ledger.act_form): size, decoding, stream id, type, payload schema
        act = opened.act
        if act.log != self.origin:
            raise WrongLog(f"act is for log {act.log!r}, this ledger is {self.origin!r}")
        claimed = canonical.parse_timestamp(act.claimed_at)
        if abs(claimed - now) > self.max_skew:
            raise ClockSkew(f"claimed_at {act.claimed_at} vs server {canonical.format_timestamp(now)}")
        key = staging.registry.key(opened.signed.kid)
        if key is None:
            raise UnknownKey(f"kid {opened.signed.kid} is not registered")
        if not key.active:
            raise KeyRevoked(f"kid {opened.signed.kid} was revoked")
        if not key.valid_at(now):
            raise KeyNotYetValid(f"kid {opened.signed.kid} is valid from {key.valid_from}")
        if not signature_valid(opened, self._verifier(key.vkey)):
            raise BadSignature(f"signature by kid {opened.signed.kid} does not verify")
        if key.person != act.actor:
            raise ActorMismatch(f"kid {opened.signed.kid} belongs to {key.person!r}, the act names {act.actor!r}")
        # Nonces used before this group are refused by the database's unique key (see _try_group).
        if act.nonce in staging.nonces:
            raise NonceReused(f"nonce {act.nonce.hex()} was used before")
        version, prev = self._head(staging, act.case)
        if act.case_version != version:
            # A replayed signed act carries an old case version: report the replay (409 nonce-reused), not a
            # version race that invites a retry and hides the replay from audit.
            if self.store.nonces_used([act.nonce]):
                raise NonceReused(f"nonce {act.nonce.hex()} was used before (a replay of an accepted act)")
            raise VersionConflict(
                f"stream {act.case} is at version {version}, the act expects {act.case_version}",
                current_version=version,
            )
        kind = stream_kind(act.type)
        if kind == "registry" and isinstance(act.payload.get("vkey"), str):
            try:
                parse_verifier_key(act.payload["vkey"])
            except KeyFormatError as exc:
                raise MalformedEnvelope(f"payload vkey: {exc}") from exc
        record = act_record(opened, version + 1, now)
        if kind == "registry":
            registry = apply_registry(staging.registry, record)
            new_case: CaseState | None = None
        else:
            registry = staging.registry
            new_case = apply_case(self._case(staging, act.case), record, staging.registry)
        entry = entry_bytes(
            Entry(
                act_digest=opened.act_digest,
                case=act.case,
                prev=prev,
                recorded_at=canonical.format_timestamp(now),
                version=version + 1,
            )
        )
        digest = entry_hash(entry)
        # Commit the act's effects to the staging area only now that every check passed.
        staging.registry = registry
        if new_case is not None:
            staging.cases[act.case] = new_case
        staging.heads[act.case] = (version + 1, digest)
        staging.nonces.add(act.nonce)
        relied = new_case.relied_on if new_case is not None else []
        return _Prepared(
            opened, record, kind, entry, digest, tuple(r.describe() for r in relied), any(r.provisional for r in relied)
        )

    # -- appending ------------------------------------------------------------------------------------
    def append(self, envelope: bytes) -> Receipt:
        """Append one signed act; raises the refusal (LedgerError or DomainError) if refused."""
        result = self.append_group([envelope])[0]
        if isinstance(result, Exception):
            raise result
        return result

    def append_group(self, envelopes: Sequence[bytes]) -> list[Receipt | Refusal]:
        """Validate and commit a group in one transaction; each refused act fails alone."""
        with self._lock:
            for _attempt in range(20):
                try:
                    return self._try_group(envelopes)
                except StalePosition:
                    self._catch_up()
                except IntegrityError:
                    # A reused nonce, a stream assumed new that exists, or a race with another process:
                    # forget what the group touched and isolate per act.
                    self._catch_up()
                    for env in envelopes:
                        with contextlib.suppress(EnvelopeError):
                            stream = open_envelope(env).act.case
                            self._heads.pop(stream, None)
                            self._cases.pop(stream, None)
                    if len(envelopes) > 1:
                        return [r for env in envelopes for r in self.append_group([env])]
                    return [self._classify_conflict(envelopes[0])]
            raise RuntimeError("the log kept moving under the writer (20 attempts)")

    def _existing_stream(self, item: Opened | Refusal, staging: _Staging) -> VersionConflict | None:
        """An act at version 0 on a stream assumed new (fast path, no read) was refused by a rule: if the stream
        exists, the true reason is the version (a note at version 0 on an open case is not "no lead")."""
        if isinstance(item, Exception) or item.act.case not in staging.assumed_new:
            return None
        row = self.store.stream_state(item.act.case)
        if row is None:
            return None
        return VersionConflict(
            f"stream {item.act.case} is at version {row[0]}, the act expects {item.act.case_version}", current_version=row[0]
        )

    def _classify_conflict(self, envelope: bytes) -> Refusal:
        opened = open_envelope(envelope)
        if self.store.nonces_used([opened.act.nonce]):
            return NonceReused(f"nonce {opened.act.nonce.hex()} was used before")
        return VersionConflict(f"stream {opened.act.case} moved past version {opened.act.case_version}")

    def _try_group(self, envelopes: Sequence[bytes]) -> list[Receipt | Refusal]:
        now = self.clock()
        staging = _Staging(registry=self.registry)
        # Fast path without reads: nonces are unique in the database, and an act that creates a stream
        # (case_version 0) on a stream we have not cached is assumed new — the unique (stream, version) key
        # refuses the insert if it is not, and the group is then re-run act by act (see append_group).
        streams: list[str] = []
        opened_all: list[Opened | Refusal] = []
        for env in envelopes:
            try:
                opened = open_act(env)
            except (LedgerError, DomainError) as exc:
                opened_all.append(exc)
                continue
            opened_all.append(opened)
            act = opened.act
            if act.case in self._heads:
                continue
            if act.case_version == 0:
                staging.assumed_new.add(act.case)
            else:
                streams.append(act.case)
        found = self.store.cached_states(streams) if streams else {}
        staging.prefetched = {stream: found.get(stream) for stream in streams}
        results: list[Receipt | Refusal | _Prepared] = []
        for item in opened_all:
            try:
                results.append(self._prepare(item, staging, now))
            except DomainError as exc:
                results.append(self._existing_stream(item, staging) or exc)
            except LedgerError as exc:
                results.append(exc)
        prepared = [r for r in results if isinstance(r, _Prepared)]
        if not prepared:
            return [r for r in results if not isinstance(r, _Prepared)]
        events = [
            Recorded(
                p.record.stream,
                p.record.version,
                TOPIC_REGISTRY if p.kind == "registry" else TOPIC_CASE,
                p.entry,
                p.opened.envelope,
            )
            for p in prepared
        ]

        key = self._cache_key

        def write_states(cur: Any, ids: Sequence[int]) -> None:
            rows = []
            for stream, (version, head) in staging.heads.items():
                state = staging.cases.get(stream)
                encoded = None if state is None else _case_encoder.encode(state)
                seal = None if key is None else state_seal(key, stream, version, head, encoded or b"")
                rows.append((stream, version, head, encoded, seal))
            cur.executemany(
                self.store.db.upsert("zhifa_stream_state", ["stream"], ["version", "head", "state", "state_seal"]), rows
            )

        ids = self.store.put(
            events,
            expected_position=self.position,
            nonces=[p.opened.act.nonce for p in prepared],
            in_transaction=write_states,
        )
        # Durable: adopt the staged state.
        self.registry = staging.registry
        for stream, head in staging.heads.items():
            self._remember(self._heads, stream, head)
        for stream, state in staging.cases.items():
            self._remember(self._cases, stream, state)
        self.position = ids[-1]
        positions = iter(ids)
        stamp = canonical.format_timestamp(now)
        out: list[Receipt | Refusal] = []
        for r in results:
            if isinstance(r, _Prepared):
                out.append(
                    Receipt(
                        r.record.stream,
                        r.record.version,
                        r.record.type,
                        r.entry,
                        r.entry_hash,
                        stamp,
                        next(positions),
                        r.provisional,
                        r.relied_on,
                    )
                )
            else:
                out.append(r)
        return out

    # -- queued group commit ----------------------------------------------------------------------------
    def submit(self, envelope: bytes) -> Future[Receipt]:
        """Queue an act for the writer thread; the future resolves when the act's group has committed."""
        future: Future[Receipt] = Future()
        if self._thread is None:
            self.start()
        self._queue.put((envelope, future))
        return future

    def submit_async(self, envelope: bytes) -> asyncio.Future[Receipt]:
        """:meth:`submit` for a caller on an asyncio loop (the web service), called on that loop: the writer thread
        settles a committed group's futures of one loop with a single ``call_soon_threadsafe``, where
        ``asyncio.wrap_future`` costs one cross-thread call per act and a second future to chain."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[Receipt] = loop.create_future()
        if self._thread is None:
            self.start()
        self._queue.put((envelope, _LoopFuture(loop, future)))
        return future

    def start(self, max_group: int = 512) -> None:
        with self._lock:
            if self._thread is not None:
                return
            self._thread = threading.Thread(target=self._run, args=(max_group,), name="zhifa-writer", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        if self._thread is not None:
            self._queue.put(None)
            self._thread.join()
            self._thread = None

    def _run(self, max_group: int) -> None:
        while True:
            item = self._queue.get()
            if item is None:
                return
            batch = [item]
            while len(batch) < max_group:
                try:
                    nxt = self._queue.get_nowait()
                except queue.Empty:
                    break
                if nxt is None:
                    self._queue.put(None)
                    break
                batch.append(nxt)
            try:
                results: Sequence[Receipt | Exception] = self.append_group([env for env, _ in batch])
            except Exception as exc:  # pragma: no cover - infrastructure failure fails the whole group
                results = [exc] * len(batch)
            on_loops: dict[asyncio.AbstractEventLoop, list[tuple[asyncio.Future[Receipt], Receipt | Exception]]] = {}
            for (_, fut), res in zip(batch, results, strict=True):
                if isinstance(fut, _LoopFuture):
                    on_loops.setdefault(fut.loop, []).append((fut.future, res))
                elif isinstance(res, Exception):
                    fut.set_exception(res)
                else:
                    fut.set_result(res)
            for loop, settled in on_loops.items():
                with contextlib.suppress(RuntimeError):  # that loop has closed: nobody waits for these any more
                    loop.call_soon_threadsafe(_settle, settled)


@dataclass(frozen=True, slots=True)
class _LoopFuture:
    """A queued act's asyncio future and its loop (:meth:`Writer.submit_async`)."""

    loop: asyncio.AbstractEventLoop
    future: asyncio.Future[Receipt]


def _settle(settled: list[tuple[asyncio.Future[Receipt], Receipt | Exception]]) -> None:
    """On the caller's loop: a committed group's results (a caller that stopped waiting is skipped)."""
    for future, res in settled:
        if future.cancelled():
            continue
        if isinstance(res, Exception):
            future.set_exception(res)
        else:
            future.set_result(res)
