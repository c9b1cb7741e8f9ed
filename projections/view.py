"""What a view is: an eventsourcing ``Projection`` that turns decoded ledger acts into rows of its own tables.

A :class:`View` receives every act of its ``topics`` in notification-log order as an :class:`Applied` (the entry and
envelope decoded once by the runner, with the registry as of that act) and writes with the cursor of the runner's
batch transaction — the transaction that also moves the view's tracking position, so a crash never leaves a row
without its position or a position without its rows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, ClassVar

import msgspec
from eventsourcing.dispatch import singledispatchmethod
from eventsourcing.persistence import Tracking
from eventsourcing.projection import Projection

from domain.acts import ActRecord
from domain.case import CaseState, copy_state
from domain.fingerprint import RULES_FINGERPRINT, rules_fingerprint
from domain.registry import Registry
from ledger import canonical
from ledger.db import Cursor
from ledger.envelope import Act, Entry, SignedAct, entry_hash
from ledger.store import TOPIC_CASE, TOPIC_REGISTRY, Recorded

ALL_TOPICS: tuple[str, ...] = (TOPIC_CASE, TOPIC_REGISTRY)

# The ledger checked these bytes (canonical form, signature, rules) when it appended them: the read side decodes
# them without the canonical re-encoding check, which would cost a third of a rebuild.
_ENTRY = msgspec.json.Decoder(Entry)
_SIGNED = msgspec.json.Decoder(SignedAct)
_ACT = msgspec.json.Decoder(Act)
_from_iso = dt.datetime.fromisoformat


class EntryFields(msgspec.Struct):
    """What the views read of an entry (:class:`ledger.envelope.Entry`): not the digests that link it, which are
    the sealer's and the checks'."""

    recorded_at: str
    version: int


class ActFields(msgspec.Struct):
    """What the views read of an act (:class:`ledger.envelope.Act`): not its nonce, log or case version."""

    actor: str
    case: str
    claimed_at: str
    payload: dict[str, Any]
    type: str


class _SignedFields(msgspec.Struct):
    act: bytes
    kid: str


# The runner's decoders take only those fields (msgspec skips the others without making them): the three digests
# and the signature are base64 text, each decoded into bytes no view read. Per act decoded and freed, 4.1–4.5 →
# 3.5–3.6 µs (the bench's 10,063 acts, best of 30, on a loaded host; four objects fewer each).
_ENTRY_FIELDS = msgspec.json.Decoder(EntryFields)
_SIGNED_FIELDS = msgspec.json.Decoder(_SignedFields)
_ACT_FIELDS = msgspec.json.Decoder(ActFields)


@dataclass(slots=True)  # not frozen: a frozen dataclass sets each of its 11 fields through object.__setattr__, per act
class Applied:
    """One ledger act as a view sees it.

    ``record`` is what the domain rules saw (type, stream, version, actor, kid, payload, ``recorded_at``);
    ``registry`` is the registry at the act's position in the log (after the act, if it is a registry act), which is
    the registry the writer judged the act against. ``state`` is the case's ``CaseState`` after a case act, computed
    once by the runner for every view that keeps or reads case states (``View.keeps_case_states``,
    ``View.reads_case_states``); None otherwise. ``seen`` holds, by view name, what each view asking for the state as
    it was right after this act (``View.state_per_act``) captured of it in the runner's first phase
    (:meth:`View.capture`); None if no view asked.
    """

    position: int
    topic: str
    entry: EntryFields
    entry_bytes: bytes
    entry_hash: bytes
    envelope: bytes
    act_bytes: bytes  # the act's canonical JSON as signed (inside the envelope)
    act: ActFields
    kid: str
    record: ActRecord
    registry: Registry
    state: CaseState | None = None
    seen: dict[str, Any] | None = None

    @property
    def stream(self) -> str:
        return self.record.stream

    @property
    def version(self) -> int:
        return self.record.version

    @property
    def type(self) -> str:
        return self.record.type

    @property
    def is_case(self) -> bool:
        return self.topic == TOPIC_CASE


def decode_recorded(position: int, event: Recorded) -> tuple[Entry, Act, str, ActRecord]:
    """The entry, act, signer's kid and the domain's record of one stored event (no signature check: see above)."""
    entry, act, kid, record, _ = decode_signed(position, event)
    return entry, act, kid, record


def decode_signed(position: int, event: Recorded) -> tuple[Entry, Act, str, ActRecord, bytes]:
    """:func:`decode_recorded` and the act's canonical bytes as signed."""
    entry = _ENTRY.decode(event.entry)
    signed = _SIGNED.decode(event.envelope)
    act = _ACT.decode(signed.act)
    return entry, act, signed.kid, _record(entry, act, signed.kid), signed.act


def decode_entry(entry_bytes: bytes, envelope: bytes) -> tuple[EntryFields, ActFields, str, ActRecord, bytes]:
    """What the runner hands the views of an entry and its envelope as stored (``ledger.store.unframe``): the fields
    they read of the entry and the act, the signer's kid, the domain's record and the act's bytes as signed."""
    entry = _ENTRY_FIELDS.decode(entry_bytes)
    signed = _SIGNED_FIELDS.decode(envelope)
    act = _ACT_FIELDS.decode(signed.act)
    return entry, act, signed.kid, _record(entry, act, signed.kid), signed.act


def _record(entry: Entry | EntryFields, act: Act | ActFields, kid: str) -> ActRecord:
    return ActRecord(
        type=act.type,
        stream=act.case,
        version=entry.version,
        actor=act.actor,
        kid=kid,
        payload=act.payload,
        # The writer checked both spellings on append (canonical.parse_timestamp); the read side only converts them.
        recorded_at=_from_iso(entry.recorded_at),
        claimed_at=_from_iso(act.claimed_at),
    )


class View(Projection[Any]):
    """Base of every view (see ``projections`` for how to add one).

    Subclasses set ``name`` (the tracking key; eventsourcing's ``Projection`` names a subclass that does not set it
    after its class, so a subclass of a view is a different view unless it repeats the name), ``topics`` (which acts they receive; both by
    default), ``version`` (bump it when the tables or the meaning of a row change: the runner then rebuilds the
    view from the start of the log) and ``tables`` (what :meth:`reset` empties), and implement :meth:`schema` and
    :meth:`apply`. :meth:`flush` runs at the end of each batch inside the batch transaction (write what was
    gathered in memory); :meth:`discard` runs when a batch rolls back (forget what was gathered).
    """

    name: str = ""
    topics: tuple[str, ...] = ALL_TOPICS
    version: ClassVar[int] = 1
    tables: ClassVar[tuple[str, ...]] = ()
    #: True if the view needs each case act's new state (``Applied.state``) and stores the states itself, so the
    #: runner can read a case's state before the batch from it (:meth:`stored_state`).
    keeps_case_states: ClassVar[bool] = False
    #: True if the view needs each case act's new state but keeps none itself: the runner reads a state it does not
    #: hold from a hosted view that keeps states and stands where the batch starts, or else replays it from the
    #: ledger (one pass of the registry for the batch); resetting such a view resets the keepers with it, so that
    #: rebuilds run in step and never take that slower path.
    reads_case_states: ClassVar[bool] = False
    #: The act types the view reads, if it reads only a few (None: every act of its ``topics``): the runner hands it
    #: only those, and moves its position over the others with the rest of the batch.
    act_types: ClassVar[frozenset[str] | None] = None
    #: Act types after which the view reads the case's state as it was right after that act (not only the latest
    #: state of the case, which every view that stores states may read at its flush): the runner computes a whole
    #: batch's states, in place, before its views see the batch, so for those acts it calls :meth:`capture` right
    #: after the act and hands the view the result in ``Applied.seen[name]``.
    state_per_act: ClassVar[frozenset[str]] = frozenset()

    def __init__(self) -> None:
        # eventsourcing's ``Projection.view`` is the tracking recorder; the runner attaches its TrackingTable.
        super().__init__(view=None)
        self.cursor: Cursor | None = None

    @classmethod
    def version_key(cls) -> str:
        """What the runner stores as the view's version: ``version`` and the rules' fingerprint
        (:func:`rules_fingerprint`); either changing starts the view again from the beginning of the log."""
        return f"{cls.version}+rules-{RULES_FINGERPRINT}"

    def attach(self, tracking: Any) -> None:
        self._view = tracking

    # -- what a view implements ------------------------------------------------------------------------------
    def schema(self, cur: Cursor) -> None:
        """Create the view's tables and indexes (``CREATE … IF NOT EXISTS``; table names start ``zhifa_``)."""
        raise NotImplementedError

    def apply(self, cur: Cursor, act: Applied) -> None:
        """Write what ``act`` changes. Raise to roll the batch back (the position does not move)."""
        raise NotImplementedError

    def flush(self, cur: Cursor) -> None:
        """End of a batch, still inside its transaction."""

    def discard(self) -> None:
        """The batch rolled back: drop anything held in memory for it."""

    def stored_state(self, cur: Cursor, case: str) -> CaseState | None:
        """The case's state as the view's tables hold it (views that keep case states implement this)."""
        raise NotImplementedError

    def capture(self, act: ActRecord, state: CaseState) -> Any:
        """What :meth:`apply` will read of ``state``, the case's state right after ``act`` (an act of
        ``state_per_act``), taken before the runner applies the batch's later acts to it: by default a deep copy; a
        view that reads a few fields returns only those, or what it computes from them."""
        return copy_state(state)

    def reset(self, cur: Cursor) -> None:
        """Empty the view's tables (a rebuild starts from here)."""
        for table in self.tables:
            cur.execute(f"DELETE FROM {table}")
        self.discard()

    # -- eventsourcing's dispatcher ----------------------------------------------------------------------------
    @singledispatchmethod
    def process_event(self, domain_event: Any, tracking: Tracking) -> None:
        """Anything that is not a decoded act only moves the position (eventsourcing's fallback handler)."""

    @process_event.register
    def _(self, domain_event: Applied, tracking: Tracking) -> None:
        assert self.cursor is not None, "a view processes acts only inside the runner's batch transaction"
        if domain_event.topic in self.topics:
            self.apply(self.cursor, domain_event)


def local_iso(moment: dt.datetime) -> str:
    """A ledger timestamp as stored in view columns: the canonical UTC text (sorts as time)."""
    return canonical.format_timestamp(moment)


__all__ = ["ALL_TOPICS", "RULES_FINGERPRINT", "ActFields", "Applied", "EntryFields", "View", "decode_entry", "decode_recorded", "decode_signed", "entry_hash", "local_iso", "rules_fingerprint"]
