"""The runner: follows the ledger's notification log and feeds its views exactly once, in batches.

Each view has its own tracking position — a row ``projection:<name>`` of the ledger's ``zhifa_tracking`` table
(eventsourcing 9.5.6's SQLite ``tracking`` table is keyed by application name only, so two projections in one
file would share a row; DESIGN.md, Pitfalls). A batch is one transaction: the views' rows and every view's new
position are written together, the position guarded by its old value (two runners cannot both advance a view),
so a ``kill -9`` at any point leaves each view exactly at a position it fully reflects.

The log is pulled in pages from the lowest position of the hosted views (SQLite recorders cannot subscribe in
9.5.6) — the rows ``select_notifications`` would give, read as plain tuples (``Store.log_page``: eventsourcing's
``Notification`` and the mapper's ``Recorded`` per act cost more than the page's read); each act is decoded once, and
dispatched through each view's eventsourcing ``Projection.process_event`` with a ``Tracking`` record. What several
views would each compute per act is computed here once and handed to all of them in the ``Applied``: the registry as
of the act (replayed once per runner, then carried from batch to batch) and, for the views that keep or read case
states, the case's new state — one ``apply_case`` per act, from the runner's LRU of states (:class:`CaseStates`),
which on a miss reads the state from a hosted view that keeps states and stands where the batch starts (the cases
view), or else replays the batch's cases from the ledger (:func:`replay_states`). PostgreSQL's
NOTIFY on the events channel only wakes the follower early; it always polls as well (eventsourcing #305).
"""

from __future__ import annotations

import bisect
import gc
import inspect
import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, ClassVar, cast

from eventsourcing.persistence import Tracking, TrackingRecorder

from domain.acts import ActRecord
from domain.case import CaseState, apply_case, apply_recorded
from domain.errors import DomainError
from domain.registry import Registry
from domain.registry_acts import apply_registry_recorded
from ledger.canonical import format_timestamp
from ledger.db import Cursor
from ledger.envelope import entry_hash
from ledger.errors import LedgerError
from ledger.store import TOPIC_CASE, TOPIC_REGISTRY, LogPageRow, Recorded, Store, position_column, unframe
from projections.view import Applied, View, decode_entry, decode_recorded

log = logging.getLogger("zhifa.projections")

TRACKING_PREFIX = "projection:"
DEFAULT_BATCH = 1000
#: A rebuild reads longer batches: fewer transactions, and a case's row written once per batch it has acts in rather
#: than once per 1,000 acts (on the bench's log, where the stories run interleaved, 5,000 was 11 % faster than 2,000,
#: and 10,000 no faster than 5,000). A batch's decoded acts are held in memory until it commits: bench-big's peak RSS
#: bounds it. Following keeps ``batch`` (lag, not throughput).
REBUILD_BATCH = 5000


class RunnerConflict(LedgerError):
    code = "projection-conflict"
    title = "另一投影进程已推进该视图"
    title_en = "Another projection runner advanced this view"
    status = 409


class TrackingTable(TrackingRecorder):
    """eventsourcing's ``TrackingRecorder`` over ``zhifa_tracking``: one row per projection, keyed by its name.

    Inside a runner batch, ``insert_tracking`` only notes the position; the runner writes it in the batch's
    transaction (:meth:`advance`). Outside a batch it writes the position in a transaction of its own.
    """

    def __init__(self, store: Store) -> None:
        self.store = store
        self.pending: dict[str, int] | None = None

    @staticmethod
    def key(name: str) -> str:
        return TRACKING_PREFIX + name

    def ensure(self, cur: Cursor, name: str) -> None:
        cur.execute(
            "INSERT INTO zhifa_tracking (name, position) VALUES (?, 0) ON CONFLICT (name) DO NOTHING", (self.key(name),)
        )

    def position(self, name: str, cur: Cursor | None = None) -> int:
        if cur is None:
            with self.store.db.read() as c:
                return self.position(name, c)
        row = cur.execute("SELECT position FROM zhifa_tracking WHERE name=?", (self.key(name),)).fetchone()
        return 0 if row is None else int(row[0])

    def positions(self, names: Sequence[str], cur: Cursor | None = None) -> dict[str, int]:
        if cur is None:
            with self.store.db.read() as c:
                return self.positions(names, c)
        return {name: self.position(name, cur) for name in names}

    def advance(self, cur: Cursor, name: str, old: int, new: int) -> None:
        moved = cur.execute("UPDATE zhifa_tracking SET position=? WHERE name=? AND position=?", (new, self.key(name), old))
        if moved.raw.rowcount != 1:
            raise RunnerConflict(f"view {name!r} is no longer at position {old}")

    def set(self, cur: Cursor, name: str, position: int) -> None:
        self.ensure(cur, name)
        cur.execute("UPDATE zhifa_tracking SET position=? WHERE name=?", (position, self.key(name)))

    # -- eventsourcing's TrackingRecorder --------------------------------------------------------------------
    def insert_tracking(self, tracking: Tracking) -> None:
        if self.pending is not None:
            if tracking.notification_id <= self.pending.get(tracking.application_name, -1):
                raise RunnerConflict(f"position {tracking.notification_id} of {tracking.application_name!r} repeated")
            self.pending[tracking.application_name] = tracking.notification_id
            return
        with self.store.db.write() as cur:
            old = self.position(tracking.application_name, cur)
            if tracking.notification_id <= old:
                raise RunnerConflict(f"view {tracking.application_name!r} is already at {old}")
            self.advance(cur, tracking.application_name, old, tracking.notification_id)

    def max_tracking_id(self, application_name: str) -> int | None:
        return self.position(application_name) or None


def replay_registry(store: Store, upto: int | None = None, start: tuple[Registry, int] | None = None) -> tuple[Registry, int]:
    """The registry after every registry act at log positions ≤ ``upto`` (the head if None), and that position."""
    origin, vkey = store.meta("origin"), store.meta("log_vkey")
    if origin is None or vkey is None:
        raise LedgerError("no ledger in this database")
    registry, after = start if start is not None else (Registry.genesis(origin, vkey), 0)
    for note in store.iter_notifications(after=after, batch=2000, topics=[TOPIC_REGISTRY]):
        if upto is not None and note.id > upto:
            break
        event = cast(Recorded, store.app.mapper.to_domain_event(note))
        registry = apply_registry_recorded(registry, decode_recorded(note.id, event)[3])
        after = note.id
    return registry, (after if upto is None else max(after, upto))


def replay_states(store: Store, cases: set[str], upto: int) -> dict[str, CaseState]:
    """Each of ``cases``'s state after its acts at log positions ≤ ``upto``, replayed from the ledger with
    ``apply_case`` against the registry as of each act (one pass of the registry's acts for all of them), in place; a
    case with no act by then is absent. An act today's rules refuse is noted, not applied (:func:`set_back`)."""
    rows: list[tuple[int, str, bytes]] = []
    with store.db.read() as cur:
        column = position_column(cur.kind)
        for case in sorted(cases):
            found = cur.execute(
                f"SELECT {column}, state FROM stored_events WHERE originator_id = ? AND {column} <= ? ORDER BY originator_version",
                (case, upto),
            ).fetchall()
            rows.extend((int(r[0]), case, bytes(r[1])) for r in found)
    states: dict[str, CaseState] = {}
    if not rows:
        return states
    rows.sort()
    registry = RegistryBefore(store)
    trails: dict[str, list[tuple[ActRecord, Registry]]] = {}
    for position, case, framed in rows:
        entry_data, envelope = unframe(framed)
        record = decode_recorded(position, Recorded(case, 0, TOPIC_CASE, entry_data, envelope))[3]
        at = registry.at(position)
        trail = trails.setdefault(case, [])
        try:
            states[case] = apply_case(states.get(case), record, at, owned=True)
        except DomainError:
            states[case] = set_back(states.get(case), None, trail, record, at)
        trail.append((record, at))
    return states


def set_back(before: CaseState | None, start: CaseState | None, trail: Sequence[tuple[ActRecord, Registry]],
             act: ActRecord, registry: Registry) -> CaseState:
    """A recorded act the rules now refuse (``domain.case.apply_recorded``), met while applying acts in place: the
    refusal may have half-changed ``before``, so the state is made again on copies — from ``start`` (the case where
    this pass began) and the ``trail`` of this pass's earlier acts of the case, each with the registry it was judged
    by — and the refusal noted. ``before`` is updated in place, so that whatever else holds it (an earlier act's
    ``Applied`` of the batch) sees the same state."""
    log.warning("case %s v%d (%s) is refused by the current rules: noted on the state, not applied",
                act.stream, act.version, act.type)
    fresh = start
    for record, judged_by in trail:
        fresh = apply_recorded(fresh, record, judged_by)
    state = apply_recorded(fresh, act, registry)
    if before is None:
        return state
    for name in state.__struct_fields__:
        setattr(before, name, getattr(state, name))
    return before


class RegistryBefore:
    """The registry as the writer saw it before the act at each log position (every registry act at a lower
    position applied), asked in ascending order of position: one pass over the registry's acts, from the genesis."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.registry = replay_registry(store, 0)[0]  # the genesis registry: origin and log key
        self._notes = store.iter_notifications(after=0, batch=2000, topics=[TOPIC_REGISTRY])
        self._pending = next(self._notes, None)

    def at(self, position: int) -> Registry:
        while self._pending is not None and self._pending.id < position:
            event = cast(Recorded, self.store.app.mapper.to_domain_event(self._pending))
            self.registry = apply_registry_recorded(self.registry, decode_recorded(self._pending.id, event)[3])
            self._pending = next(self._notes, None)
        return self.registry


class CaseStates:
    """The runner's case states, shared by every hosted view that keeps them: each case act's new state computed once.

    The states held are those after every act up to ``at`` (a log position), so they are the right "before" for any
    view placed at or after ``at``; a view reset behind ``at`` (a rebuild) empties them. On a miss the state comes from
    the source: a view that keeps states and stands at ``at`` (it holds every state up to its position); with none,
    the runner has replayed the batch's cases from the ledger into ``held`` first. Trimmed to ``size`` only at the
    end of a batch, after every view wrote.
    """

    size: ClassVar[int] = 4096

    def __init__(self, store: Store) -> None:
        self.store = store
        self.held: OrderedDict[str, CaseState] = OrderedDict()
        self.at: int | None = None
        # This batch's acts of each case so far, with the registry each was judged by: what sets a state back when
        # the rules refuse a recorded act half-way through changing it in place (:meth:`_set_back`).
        self.trail: dict[str, list[tuple[ActRecord, Registry]]] = {}

    def start(self, base: int) -> None:
        self.trail = {}
        if self.at != base:
            self.held.clear()
            self.at = base

    def apply(self, cur: Cursor, source: View | None, act: ActRecord, registry: Registry) -> CaseState:
        case = act.stream
        before = self.held.get(case)
        if before is None:
            # With no source the runner has put every case of the batch that has acts before ``at`` here already
            # (:func:`replay_states`), so a miss is a new case. A lead opens its case: the ledger took it only as
            # the case's first act, so there is nothing to read.
            if source is not None and act.type != "lead.received":
                before = source.stored_state(cur, case)
        else:
            self.held.move_to_end(case)
        # The states held here are the runner's own (decoded from a view's table or made by apply_case), so the act
        # is applied in place (no deep copy per act).
        try:
            state = apply_case(before, act, registry, owned=True)
        except DomainError:
            state = self._set_back(cur, source, before, act, registry)
        self.trail.setdefault(case, []).append((act, registry))
        self.held[case] = state
        return state

    def _set_back(self, cur: Cursor, source: View | None, before: CaseState | None, act: ActRecord,
                  registry: Registry) -> CaseState:
        """:func:`set_back` from the case's state where the batch starts: the source view's row, or else the ledger."""
        assert self.at is not None
        case = act.stream
        start = source.stored_state(cur, case) if source is not None else replay_states(self.store, {case}, self.at).get(case)
        return set_back(before, start, self.trail.get(case, []), act, registry)

    def end(self, position: int) -> None:
        # The trail is dropped here, not at the next start: it holds every act of the batch (records and payloads),
        # and alive when the batch's pause of the collector ends they were all scanned by its first collection —
        # 10 ms of it, where the states held alone take 3.4 ms (the bench's rebuild, a batch of 5,000 acts).
        self.trail = {}
        self.at = position
        while len(self.held) > self.size:
            self.held.popitem(last=False)

    def forget(self) -> None:
        self.trail = {}
        self.held.clear()
        self.at = None


@dataclass(frozen=True)
class ViewStatus:
    """Where one view stands: its position, the log's head, how many acts it has still to apply and since when."""

    name: str
    version: int
    position: int
    head: int
    lag: int
    behind_since: str | None  # recorded_at of the first act not yet applied


class Runner:
    """Hosts several views over one store: ``run_once`` (one batch), ``catch_up``, ``follow``, ``rebuild``, ``status``."""

    def __init__(self, store: Store, views: Sequence[View], *, batch: int = DEFAULT_BATCH) -> None:
        names = [v.name for v in views]
        if len(set(names)) != len(names) or not all(names):
            raise ValueError(f"views need distinct non-empty names: {names}")
        self.store = store
        self.views = list(views)
        self.batch = batch
        self.tracking = TrackingTable(store)
        self.mapper = store.app.mapper
        self._registry: tuple[Registry, int] | None = None
        self._states = CaseStates(store)
        # Act type → the views capturing the state right after such an act (View.state_per_act), with their hooks.
        self._captures: dict[str, list[tuple[str, Callable[[ActRecord, CaseState], Any]]]] = {}
        for v in self.views:
            for kind in v.state_per_act:
                self._captures.setdefault(kind, []).append((v.name, v.capture))
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        with store.db.write() as cur:
            changed = []
            for view in self.views:
                view.attach(self.tracking)
                view.schema(cur)
                self.tracking.ensure(cur, view.name)
                key = f"{TRACKING_PREFIX}{view.name}:version"
                row = cur.execute("SELECT value FROM zhifa_meta WHERE key=?", (key,)).fetchone()
                if row is None or row[0] != view.version_key():
                    changed.append(view)
                    cur.execute(store.db.upsert("zhifa_meta", ["key"], ["value"]), (key, view.version_key()))
            # A new view, its tables changed meaning, or the rules that make its rows changed (View.version_key):
            # start it again from the beginning of the log (in step with the keepers of case states, if it reads them).
            for view in self._in_step(changed):
                view.reset(cur)
                self.tracking.set(cur, view.name, 0)

    def view(self, name: str) -> View:
        for v in self.views:
            if v.name == name:
                return v
        raise KeyError(f"no view named {name!r} (views: {', '.join(v.name for v in self.views)})")

    def positions(self) -> dict[str, int]:
        return self.tracking.positions([v.name for v in self.views])

    def _registry_at(self, position: int) -> Registry:
        held = self._registry
        if held is None or held[1] > position:
            held = None
        self._registry = replay_registry(self.store, position, held)
        return self._registry[0]

    # -- one batch ---------------------------------------------------------------------------------------------
    def run_once(self) -> int:
        """Apply the next batch of the log to every view behind it; return the number of notifications read.

        The cyclic garbage collector is paused for the batch (:func:`_collector_paused`).

        Two phases, so the write lock is held only for writing: first, outside any write transaction, every act of
        the batch is decoded and each case act's new state computed (cases missing from the runner's states are read
        from the source view in a read transaction); then, in one write transaction, the views apply the batch and
        write, and every view's position moves — guarded by its old value, so a batch computed from positions that
        another runner has since moved is refused whole (and its states forgotten)."""
        with _collector_paused():
            return self._run_once()

    def _run_once(self) -> int:
        positions = self.positions()
        start = min(positions.values(), default=0)
        notes = self.store.log_page(start + 1, self.batch)
        if not notes:
            return 0
        # Case states are computed for acts after the lowest position of the views that need them, read on a miss
        # from a view that keeps states and stands exactly there (or else replayed from the ledger).
        needers = [v for v in self.views if v.keeps_case_states or v.reads_case_states]
        base = min((positions[v.name] for v in needers), default=notes[-1][0])
        source = next((v for v in needers if v.keeps_case_states and positions[v.name] == base), None)
        try:
            batch, registry = self._prepare(notes, start, source, base, bool(needers))
        except BaseException:
            self._registry = None
            self._states.forget()
            raise
        with self._batch() as (cur, pending):
            if self.tracking.positions(list(positions), cur) != positions:
                raise RunnerConflict("another runner moved these views meanwhile")
            # View by view (they write only their own tables): each is handed its acts past its position in log
            # order (only those of its ``act_types``, if it names them), each with its Tracking; its new position is
            # the batch's last act — it has seen everything up to there that it reads — written with the rows below.
            at = [applied.position for applied in batch]
            for view in self.views:
                name, process_event, kinds = view.name, _handler(view), view.act_types
                past = batch[bisect.bisect_right(at, positions[name]):]
                for applied in past:
                    if kinds is None or applied.record.type in kinds:
                        process_event(applied, Tracking(name, applied.position))
                if past:
                    self.tracking.insert_tracking(Tracking(name, past[-1].position))
                view.flush(cur)
            for name, new in pending.items():
                self.tracking.advance(cur, name, positions[name], new)
        self._registry = (registry, notes[-1][0])
        if needers and base < notes[-1][0]:
            self._states.end(notes[-1][0])
        return len(notes)

    def _prepare(self, notes: Sequence[LogPageRow], start: int, source: View | None, base: int,
                 needed: bool) -> tuple[list[Applied], Registry]:
        """Phase one of a batch: each act decoded once, with the registry as of it and, for case acts the keepers
        have not seen, the case's new state. States are applied in place (the runner owns them), so an act after
        which some view reads the state as it then was (``View.state_per_act``) is also handed what that view captured
        of it right then (``View.capture``, into ``Applied.seen``)."""
        registry = self._registry_at(start)
        states = self._states
        if needed:
            states.start(base)
            if source is None:
                missing = {stream for position, stream, topic, _ in notes if position > base and topic == TOPIC_CASE} - states.held.keys()
                if missing:
                    states.held.update(replay_states(self.store, missing, base))
        captures = self._captures
        batch: list[Applied] = []
        with self.store.db.read() as cur:
            for position, _, topic, framed in notes:
                entry_bytes, envelope = unframe(framed)
                entry, act, kid, record, act_bytes = decode_entry(entry_bytes, envelope)
                state = seen = None
                if topic == TOPIC_REGISTRY:
                    registry = apply_registry_recorded(registry, record)
                elif needed and position > base and topic == TOPIC_CASE:
                    state = states.apply(cur, source, record, registry)
                    takers = captures.get(record.type)
                    # An act the rules now refuse changed nothing a view could capture (set_back).
                    if takers is not None and not (state.nonconforming and state.nonconforming[-1].version == record.version):
                        seen = {name: capture(record, state) for name, capture in takers}
                # By position, in the order of Applied's fields (position, topic, entry, entry_bytes, entry_hash,
                # envelope, act_bytes, act, kid, record, registry, state, seen): by keyword it took three times as long.
                batch.append(Applied(position, topic, entry, entry_bytes, entry_hash(entry_bytes), envelope,
                                     act_bytes, act, kid, record, registry, state, seen))
        return batch, registry

    @contextmanager
    def _batch(self) -> Iterator[tuple[Cursor, dict[str, int]]]:
        pending: dict[str, int] = {}
        try:
            with self.store.db.write(durable=False) as cur:  # the views are rebuilt from the log: no sync
                self.tracking.pending = pending
                for view in self.views:
                    view.cursor = cur
                yield cur, pending
        except BaseException:
            for view in self.views:
                view.discard()
            self._registry = None
            self._states.forget()
            raise
        finally:
            self.tracking.pending = None
            for view in self.views:
                view.cursor = None

    # -- loops -------------------------------------------------------------------------------------------------
    def catch_up(self, progress: Callable[[int], None] | None = None) -> int:
        """Run batches until every view is at the head; ``progress(n)`` after each batch of ``n``."""
        total = 0
        while True:
            n = self.run_once()
            if n == 0:
                return total
            total += n
            if progress is not None:
                progress(n)

    def follow(self, stop: threading.Event | None = None, interval: float = 0.2) -> None:
        """Follow the log until ``stop`` is set, applying at most one partial batch every ``interval`` seconds: poll,
        and on PostgreSQL wake early on the events channel's NOTIFY."""
        stop = stop or self._stop
        hint = _NotifyHint(self.store) if self.store.kind == "postgres" else None
        try:
            while not stop.is_set():
                # A batch that did not fill up is followed by a pause: under load every view takes one batch per
                # interval (one write transaction) instead of one per few acts; a full batch goes on at once.
                # Only an idle runner waits on the NOTIFY hint (under load it would wake at every commit).
                n = self.run_once()
                if n >= self.batch:
                    continue
                if n == 0 and hint is not None:
                    hint.wait(interval)
                else:
                    stop.wait(interval)
        finally:
            if hint is not None:
                hint.close()

    def start(self, interval: float = 0.05) -> None:
        """Follow in a background thread (tests, and the web service hosting the views in-process)."""
        if self._thread is not None:
            return
        self._stop.clear()
        self._thread = threading.Thread(target=follow_retrying, args=(self, self._stop, interval), name="zhifa-projections",
                                        daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
            self._thread = None

    def wait(self, position: int, timeout: float = 5.0) -> bool:
        """Block until every view has applied the log up to ``position`` (True) or the timeout passes (False)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if min(self.positions().values(), default=position) >= position:
                return True
            time.sleep(0.01)
        return False

    # -- rebuild and status ---------------------------------------------------------------------------------
    def reset(self, name: str) -> None:
        """Empty one view and move its position to the start of the log (in one transaction)."""
        view = self.view(name)
        with self.store.db.write() as cur:
            view.reset(cur)
            self.tracking.set(cur, name, 0)

    def _in_step(self, views: Sequence[View]) -> list[View]:
        """``views`` and, if one of them reads case states it does not keep, every hosted view that keeps them: reset
        together, they rebuild in step, and the reader's states always come from a keeper at its position."""
        if any(v.reads_case_states and not v.keeps_case_states for v in views):
            views = [*views, *(v for v in self.views if v.keeps_case_states and v not in views)]
        return list(views)

    def rebuild(self, name: str | None = None, progress: Callable[[int], None] | None = None) -> int:
        """Empty the named view (every view if None; with the views that keep case states, if it reads them) and
        apply the whole log again. The views are emptied together, in one transaction: a crash never leaves a
        reader of case states reset without its keepers (nor the reverse); it need not be synced, as what it empties
        is rebuilt from the log anyway."""
        with self.store.db.write(durable=False) as cur:
            for view in self._in_step(self.views if name is None else [self.view(name)]):
                view.reset(cur)
                self.tracking.set(cur, view.name, 0)
        batch, self.batch = self.batch, max(self.batch, REBUILD_BATCH)
        try:
            return self.catch_up(progress)
        finally:
            self.batch = batch

    def status(self) -> list[ViewStatus]:
        head = self.store.position()
        out = []
        for view in self.views:
            position = self.tracking.position(view.name)
            out.append(
                ViewStatus(view.name, view.version, position, head, _count_after(self.store, position, head), _first_after(self.store, position))
            )
        return out


def follow_retrying(runner: Runner, stop: threading.Event, interval: float, logger: logging.Logger | None = None) -> None:
    """``runner.follow`` until ``stop``, going on after a failed batch (the database locked past its timeout,
    another runner moving a view first): a batch is one transaction, so nothing of it stayed; the error is logged
    and the next poll starts again from the views' positions."""
    logger = logger or log
    while not stop.is_set():
        try:
            runner.follow(stop, interval)
        except Exception:
            logger.exception("projection batch failed; retrying in %.1f s", interval)
            stop.wait(interval)


@contextmanager
def _collector_paused() -> Iterator[None]:
    """No cyclic garbage collection during a batch; it resumes after (if it was on). A batch allocates tens of
    thousands of container objects (decoded acts, payloads, states) that reference counting frees, and keeps up to
    ``CaseStates.size`` states alive across batches: at CPython's default thresholds the collector ran about 170
    times per rebuild of the bench's 10,000 events, four of them full collections over every state held — 14 % of
    the rebuild's time. A batch is bounded (``REBUILD_BATCH`` acts), so what cycles it makes wait at most that long;
    the first allocation after it runs the young collection that was due."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def _handler(view: View) -> Callable[[Any, Tracking], None]:
    """The view's ``process_event`` implementation for an ``Applied``, resolved once per batch: eventsourcing's
    ``singledispatchmethod`` builds a wrapper on every attribute access and looks the type up again on every call."""
    bound = cast(Callable[[Any, Tracking], None], view.process_event)  # the access registers deferred implementations
    dispatcher = getattr(inspect.getattr_static(type(view), "process_event", None), "dispatcher", None)
    if dispatcher is None:
        return bound
    return cast(Callable[[Any, Tracking], None], dispatcher.dispatch(Applied).__get__(view, type(view)))


def _count_after(store: Store, position: int, head: int) -> int:
    if store.kind == "sqlite":
        return max(head - position, 0)  # rowids have no gaps: rows are never deleted
    with store.db.read() as cur:
        row = cur.execute(f"SELECT COUNT(*) FROM stored_events WHERE {position_column(cur.kind)} > ?", (position,)).fetchone()
    return int(row[0]) if row else 0


def _first_after(store: Store, position: int) -> str | None:
    page = store.notifications(position + 1, 1)
    if not page:
        return None
    event = cast(Recorded, store.app.mapper.to_domain_event(page[0]))
    return format_timestamp(decode_recorded(page[0].id, event)[3].recorded_at)


class _NotifyHint:
    """LISTEN on the events table's channel: a wake-up hint only (notifications can be lost across reconnects)."""

    def __init__(self, store: Store) -> None:
        from ledger.store import _admin_connection

        self.conn: Any = _admin_connection(store.config)
        channel = str(getattr(store.recorder, "channel_name", "")).replace('"', "")
        self.conn.execute(f'LISTEN "{channel}"')

    def wait(self, timeout: float) -> None:
        for _ in self.conn.notifies(timeout=timeout, stop_after=1):
            break

    def close(self) -> None:
        self.conn.close()


__all__ = ["CaseStates", "RegistryBefore", "Runner", "RunnerConflict", "TrackingTable", "ViewStatus", "follow_retrying", "replay_registry", "replay_states"]
