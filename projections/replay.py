"""Replay from the ledger itself (not the views): a case as of a version or a time, and its full-process record.

``case_at(store, case_id, version=…, as_of=…)`` reads the case's entries and envelopes from the event store and
applies them with ``apply_case`` against the registry as it stood at each act's position in the log — exactly
what the writer judged (an act the rules now refuse is noted on the state, ``CaseState.nonconforming``, not
applied: ``domain.case.apply_recorded``) — and returns the state after the chosen act with the acts up to it. A time resolves to the
last entry recorded at or before it (:func:`parse_moment`: Asia/Shanghai when no offset is given; the ledger's own
``2026-05-01T02:00:00.000000Z`` is accepted as printed). The web service calls this for
``GET /api/cases/{id}?as_of=|?version=``; the CLI for ``zhifa case show`` and ``zhifa case timeline``.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from typing import Any

from domain.calendar import LEGAL_TZ
from domain.case import CaseState, apply_recorded
from ledger import canonical
from ledger.envelope import entry_hash
from ledger.errors import LedgerError
from ledger.store import Recorded, Store, position_column, unframe
from projections.runner import RegistryBefore
from projections.timeline import TimelineRow, evidence_of
from projections.titles import title_of
from projections.view import decode_recorded


class CaseNotFound(LedgerError):
    code = "case-not-found"
    title = "案件不存在"
    title_en = "No case with this id in the ledger"
    status = 404


class VersionOutOfRange(LedgerError):
    code = "version-out-of-range"
    title = "案件没有该版本"
    title_en = "The case has no such version"
    status = 404


class BeforeFirstAct(LedgerError):
    code = "before-first-act"
    title = "该时间早于案件的第一项行为"
    title_en = "The case had no act recorded at or before that time"
    status = 404


class BadMoment(LedgerError):
    code = "bad-moment"
    title = "时间格式无法识别"
    title_en = "The time is not a date or an ISO 8601 time"
    status = 400


_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def parse_moment(text: str, *, date_means: str = "end") -> dt.datetime:
    """A time given by a person: the ledger's ``…Z`` stamp, ISO 8601 with an offset, or without one (read in
    Asia/Shanghai). A date alone means the end of that day in Asia/Shanghai (``date_means="end"``) or its start."""
    text = text.strip()
    try:
        if canonical.TIMESTAMP_PATTERN.match(text):
            return canonical.parse_timestamp(text)
        if _DATE.match(text):
            day = dt.date.fromisoformat(text)
            clock = dt.time.max if date_means == "end" else dt.time.min
            return dt.datetime.combine(day, clock, LEGAL_TZ)
        moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00") if text.endswith("Z") else text)
    except ValueError as exc:
        raise BadMoment(f"{text!r}: {exc}") from exc
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=LEGAL_TZ)


@dataclass(frozen=True)
class Replayed:
    """A case after the act at ``version``: its state and the record of every act up to it."""

    case_id: str
    version: int
    head_version: int
    state: CaseState
    acts: list[TimelineRow]

    def as_dict(self) -> dict[str, Any]:
        import msgspec

        return {
            "case_id": self.case_id,
            "version": self.version,
            "head_version": self.head_version,
            "state": msgspec.to_builtins(self.state),
            "acts": [a.as_dict() for a in self.acts],
        }


def _rows(store: Store, case_id: str) -> list[tuple[int, int, bytes]]:
    with store.db.read() as cur:
        column = position_column(cur.kind)
        rows = cur.execute(
            f"SELECT {column}, originator_version, state FROM stored_events WHERE originator_id = ? ORDER BY originator_version",
            (case_id,),
        ).fetchall()
    return [(int(r[0]), int(r[1]), bytes(r[2])) for r in rows]


def _leaves(store: Store, positions: list[int]) -> dict[int, int]:
    out: dict[int, int] = {}
    with store.db.read() as cur:
        for i in range(0, len(positions), 500):
            part = positions[i : i + 500]
            marks = ",".join("?" * len(part))
            for pos, leaf in cur.execute(f"SELECT position, leaf_index FROM zhifa_leaves WHERE position IN ({marks})", part).fetchall():
                out[int(pos)] = int(leaf)
    return out


def case_at(store: Store, case_id: str, version: int | None = None, as_of: dt.datetime | None = None) -> Replayed:
    """The case replayed from the ledger up to ``version`` or the last act recorded at or before ``as_of``."""
    rows = _rows(store, case_id)
    if not rows:
        raise CaseNotFound(f"case {case_id} has no entries in this ledger")
    decoded = []
    for position, _, framed in rows:
        entry_data, envelope = unframe(framed)
        event = Recorded(case_id, 0, "", entry_data, envelope)
        decoded.append((position, entry_data, *decode_recorded(position, event)))
    head = len(decoded)
    target = head
    if version is not None:
        if not 1 <= version <= head:
            raise VersionOutOfRange(f"case {case_id} has versions 1–{head}, not {version}")
        target = version
    if as_of is not None:
        recorded = [i + 1 for i, d in enumerate(decoded) if d[5].recorded_at <= as_of]
        if not recorded:
            raise BeforeFirstAct(f"case {case_id} opened at {decoded[0][2].recorded_at}, after {as_of.isoformat()}")
        target = min(target, recorded[-1])
    chosen = decoded[:target]
    # The registry as the writer saw it before each act: registry acts in log order, interleaved by position.
    registries = RegistryBefore(store)
    leaves = _leaves(store, [d[0] for d in chosen])
    state: CaseState | None = None
    pending_cosigns: dict[int, list[str]] = {}
    acts: list[TimelineRow] = []
    for position, entry_data, entry, act, _kid, record in chosen:
        registry = registries.at(position)
        state = apply_recorded(state, record, registry)
        if record.type == "act.cosigned":
            pending_cosigns.setdefault(int(record.payload.get("act_version", 0)), []).append(record.actor)
        title, title_en = title_of(record.type)
        acts.append(
            TimelineRow(
                case_id, record.version, position, record.type, title, title_en, record.actor, registry.role_of(record.actor),
                entry.recorded_at, act.claimed_at, [], json.loads(json.dumps(evidence_of(record.payload))),
                entry_hash(entry_data).hex(), leaves.get(position),
            )
        )
    for row in acts:
        row.cosigners.extend(pending_cosigns.get(row.version, []))
    assert state is not None
    return Replayed(case_id, target, head, state, acts)


def timeline_of(store: Store, case_id: str) -> list[TimelineRow]:
    """The full-process record of a case replayed from the ledger (every act up to the head)."""
    return case_at(store, case_id).acts
