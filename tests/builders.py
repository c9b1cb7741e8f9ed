"""Test fixtures for the domain: a registry built from ActRecords (no crypto) with a clock the test controls.

``standard_world()`` gives the bureau of ``zhifa.scenarios``: an authority, a catalog keeper, three agencies
(a bureau, a township with a delegated item, a township with an entrusted item), four catalog items, certified
officers, an officer certified for urban management only, an auxiliary, a legal reviewer, agency heads, a
supervisor and a party holding a key. ``World.case()`` opens a :class:`CaseFile` whose ``act()`` applies one act
at the clock's time (or ``at=``) and keeps the accepted records, so a test can replay them and compare.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from domain.acts import ActRecord
from domain.case import apply_case
from domain.case_state import CaseState
from domain.registry import Registry
from domain.registry_acts import apply_registry
from zhifa.scenarios import BUREAU, CAST, Step, setup_steps, ts

ORIGIN = "zhifa.test/domain"
AUTHORITY = "authority/hr"
DEFAULT_START = dt.datetime(2026, 3, 2, 1, 0, tzinfo=dt.UTC)  # Monday 09:00 in Beijing


def fake_vkey(name: str) -> str:
    """A syntactically valid verifier key for ``name`` (the domain never checks key bytes)."""
    digest = hashlib.sha256(name.encode()).digest()
    key = base64.b64encode(bytes([1]) + digest).decode()
    return f"{name}+{digest[:4].hex()}+{key}"


def kid_of(name: str) -> str:
    return hashlib.sha256(name.encode()).digest()[:4].hex()


class Clock:
    """Legal time for the test: moves only when told."""

    def __init__(self, start: dt.datetime = DEFAULT_START) -> None:
        self.now = start

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **delta: float) -> dt.datetime:
        self.now += dt.timedelta(**delta)
        return self.now

    def set(self, moment: dt.datetime) -> dt.datetime:
        self.now = moment
        return self.now


@dataclass
class World:
    """A registry under construction plus a clock; every change goes through apply_registry."""

    registry: Registry
    clock: Clock
    versions: dict[str, int] = field(default_factory=dict)

    def record(self, stream: str, type: str, actor: str, payload: dict[str, Any], at: dt.datetime | None = None) -> ActRecord:
        when = at or self.clock()
        return ActRecord(
            type=type,
            stream=stream,
            version=self.versions.get(stream, 0) + 1,
            actor=actor,
            kid=kid_of(actor),
            payload=payload,
            recorded_at=when,
            claimed_at=when,
        )

    def registry_act(self, stream: str, type: str, actor: str, payload: dict[str, Any], at: dt.datetime | None = None) -> Registry:
        """Apply one registry act (raises its refusal, leaving the world as it was)."""
        record = self.record(stream, type, actor, payload, at)
        self.registry = apply_registry(self.registry, record)
        self.versions[stream] = record.version
        return self.registry

    def register_key(self, person: str, role: str, agency: str | None) -> None:
        self.registry_act(
            f"person:{person}",
            "key.registered",
            AUTHORITY,
            {"vkey": fake_vkey(person), "role": role, "agency": agency, "valid_from": None},
        )

    def apply_steps(self, steps: Iterable[Step], start: dt.datetime) -> None:
        for step in steps:
            assert step.stream is not None, "registry steps name their stream"
            self.registry_act(step.stream, step.type, step.actor, step.payload, at=start + step.offset)

    def case(self, case_id: str | None = None) -> CaseFile:
        return CaseFile(self, case_id or str(uuid.uuid4()))


@dataclass
class CaseFile:
    """One case driven act by act; ``records`` are the accepted acts, in order."""

    world: World
    case_id: str
    state: CaseState | None = None
    records: list[ActRecord] = field(default_factory=list)

    def act(self, type: str, actor: str, payload: dict[str, Any], at: dt.datetime | None = None) -> CaseState:
        """Apply one act at the clock's time (or ``at``); on refusal the case is unchanged and the error raised."""
        record = ActRecord(
            type=type,
            stream=self.case_id,
            version=(self.state.version if self.state else 0) + 1,
            actor=actor,
            kid=kid_of(actor),
            payload=payload,
            recorded_at=at or self.world.clock(),
            claimed_at=at or self.world.clock(),
        )
        self.state = apply_case(self.state, record, self.world.registry)
        self.records.append(record)
        return self.state

    def play(self, steps: Iterable[Step], start: dt.datetime) -> CaseState:
        """Apply scenario steps at ``start + offset``; the clock ends at the last step's time."""
        for step in steps:
            when = start + step.offset
            self.world.clock.set(when)
            self.act(step.type, step.actor, step.payload, at=when)
        assert self.state is not None
        return self.state

    @property
    def version(self) -> int:
        return self.state.version if self.state else 0

    def replay(self) -> CaseState | None:
        """Re-apply every accepted act from nothing, against the same registry."""
        state: CaseState | None = None
        for record in self.records:
            state = apply_case(state, record, self.world.registry)
        return state


def bare_world(start: dt.datetime = DEFAULT_START) -> World:
    """Genesis and the personnel authority only."""
    registry = Registry.genesis(ORIGIN, fake_vkey(ORIGIN))
    world = World(registry, Clock(start))
    world.registry_act(f"person:{AUTHORITY}", "authority.admitted", ORIGIN, {"vkey": fake_vkey(AUTHORITY), "name": "人事编制机关", "agency": None})
    return world


def standard_world(start: dt.datetime = DEFAULT_START) -> World:
    """The scenario bureau: every cast member keyed, agencies, items, delegation, entrustment and certificates."""
    world = bare_world(start - dt.timedelta(days=1))
    for member in CAST:
        world.register_key(member.id, member.role, member.agency)
    world.apply_steps(setup_steps(start - dt.timedelta(days=1), AUTHORITY), start - dt.timedelta(days=1))
    world.clock.set(start)
    return world


# -- payload builders for tests (complete canonical dicts; override what the test is about) ------------------------
def sha(label: str) -> str:
    return hashlib.sha256(label.encode()).hexdigest()


def _with(base: dict[str, Any], overrides: dict[str, Any]) -> dict[str, Any]:
    unknown = set(overrides) - set(base)
    if unknown:
        raise KeyError(f"no such payload fields: {sorted(unknown)}")
    return {**base, **overrides}


def evidence(officers: list[str], collected_at: dt.datetime, **overrides: Any) -> dict[str, Any]:
    return _with(
        {
            "kind": "documentary",
            "sha256": sha(f"evidence {collected_at}"),
            "size": 1024,
            "officers": officers,
            "collected_at": ts(collected_at),
            "description": "营业执照复印件",
            "source": "",
            **({"device": None} if "device" in overrides else {}),  # only a device's record names one (Art 41)
        },
        overrides,
    )


def coercion(officers: list[str], approved_by: str, days: int = 30, **overrides: Any) -> dict[str, Any]:
    return _with(
        {
            "kind": "seize",
            "officers": officers,
            "items": ["涉案物品一批"],
            "reason": "防止证据灭失",
            "days": days,
            "approved_by": approved_by,
            "emergency": False,
        },
        overrides,
    )


def extension(measure: int, days: int, **overrides: Any) -> dict[str, Any]:
    """延长查封扣押, notified to the party in writing with its reasons."""
    return _with({"measure": measure, "days": days, "reason": "检验未完成", "notice_sha256": sha(f"extension {measure}")}, overrides)


def notice(penalties: list[str], fine_fen: int, confiscation_fen: int = 0, band: str | None = None, **overrides: Any) -> dict[str, Any]:
    return _with(
        {
            "facts": "违法事实",
            "basis": "法律依据",
            "penalties": penalties,
            "fine_fen": fine_fen,
            "confiscation_fen": confiscation_fen,
            "band": band,
            "major_public_interest": False,
            "complex": False,
        },
        overrides,
    )


def service(document: str, method: str = "direct", **overrides: Any) -> dict[str, Any]:
    base = {"document": document, "method": method, "consent_ref": None, "confirmation_ref": None, "receipt_sha256": None}
    # Only an announcement carries its ground (民诉法 Art 95); other services keep the payload they always had.
    extra = {"announcement_ground": None, "ground_sha256": None, "failed_attempts": []}
    return _with({**base, **extra}, overrides) if set(overrides) & set(extra) else _with(base, overrides)


def decision(penalties: list[str], fine_fen: int, violation_ended: dt.date, band: str | None = None, **overrides: Any) -> dict[str, Any]:
    return _with(
        {
            "penalties": penalties,
            "facts": "违法事实清楚",
            "basis": "法律依据",
            "violation_ended": violation_ended.isoformat(),
            "fine_fen": fine_fen,
            "confiscation_fen": 0,
            "band": band,
            "reason_outside_band": None,
            "violation_began": None,
            "first_violation": False,
            "corrected": False,
            "harm": "harmful",
            "life_health_finance_harm": False,
            "minor": False,
            "no_fault_proven": False,
            "deciding_agency": BUREAU,
        },
        overrides,
    )


def simple(party: dict[str, Any], item: str, fine_fen: int, officers: list[str], violation_ended: dt.date, **overrides: Any) -> dict[str, Any]:
    return _with(
        {
            "party": party,
            "catalog_item": item,
            "penalties": ["fine"] if fine_fen else ["warning"],
            "facts": "当场查明的违法事实",
            "basis": "法律依据",
            "officers": officers,
            "form_sha256": sha("form"),
            "violation_ended": violation_ended.isoformat(),
            "fine_fen": fine_fen,
            "credentials_shown": True,
            "party_heard": True,
            "first_violation": False,
            "corrected": False,
            "harm": "harmful",
            "minor": False,
            "no_fault_proven": False,
            "deciding_agency": BUREAU,
            **({"band": None} if "band" in overrides else {}),  # only a form applying a band names it (Art 30)
        },
        overrides,
    )


def no_penalty(ground: str = "first_violation_slight", **overrides: Any) -> dict[str, Any]:
    return _with(
        {"ground": ground, "reason": "不予处罚", "education_sha256": sha("education"), "deciding_agency": BUREAU}, overrides
    )


def payment(amount_fen: int, method: str = "bank", **overrides: Any) -> dict[str, Any]:
    return _with(
        {"amount_fen": amount_fen, "method": method, "receipt_ref": "r", "hard_to_collect": False, "remote_area": False},
        overrides,
    )


def pause(kind: str = "testing", measure: int | None = None, **overrides: Any) -> dict[str, Any]:
    return _with(
        {"kind": kind, "reason": "送检", "measure": measure, "fixed_days": None, "notice_sha256": None}, overrides
    )


def hearing_at(when: dt.datetime, presider: str, **overrides: Any) -> dict[str, Any]:
    return _with(
        {"presider": presider, "hearing_at": ts(when), "place": "听证室", "public": True, "reason_not_public": None},
        overrides,
    )


def beijing(year: int, month: int, day: int, hour: int = 9) -> dt.datetime:
    """A Beijing wall-clock time as the aware UTC instant the ledger records."""
    return dt.datetime(year, month, day, hour, tzinfo=dt.timezone(dt.timedelta(hours=8))).astimezone(dt.UTC)
