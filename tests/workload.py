"""A randomised workload through the real writer: the demo cast and registry, then case stories cut at any step,
started at chosen times and interleaved by time; a refused act is kept as refused (nothing is written for it).

After every accepted case act the writer's own state of that case (``zhifa_stream_state``, what ``apply_case``
gave live) is kept, so a test can compare a replay at each version with it.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field
from typing import Any

from domain.errors import DomainError
from ledger.court.keys import SigningKey
from ledger.envelope import sign_act
from ledger.errors import LedgerError
from ledger.ledger import initialise, make_act
from ledger.store import Store
from ledger.writer import SettableClock, Writer
from zhifa import scenarios as sc

ORIGIN = "zhifa.test/workload"


@dataclass
class Workload:
    store: Store
    writer: Writer
    clock: SettableClock
    keys: dict[str, SigningKey]
    log_key: SigningKey
    cases: dict[str, str] = field(default_factory=dict)  # case id → scenario
    states: dict[tuple[str, int], bytes] = field(default_factory=dict)  # (case, version) → writer's state JSON
    recorded: dict[tuple[str, int], str] = field(default_factory=dict)  # (case, version) → recorded_at
    refused: int = 0
    accepted: int = 0
    versions: dict[str, int] = field(default_factory=dict)

    def append(self, stream: str, type: str, actor: str, payload: dict[str, Any], *, keep_state: bool = True) -> bool:
        version = self.versions.get(stream, 0)
        act = make_act(log=ORIGIN, actor=actor, claimed_at=self.clock(), case=stream, case_version=version, type=type, payload=payload)
        try:
            receipt = self.writer.append(sign_act(act, self.keys[actor]))
        except (LedgerError, DomainError):
            self.refused += 1
            return False
        self.accepted += 1
        self.versions[stream] = version + 1
        if keep_state and ":" not in stream:
            row = self.store.stream_state(stream)
            assert row is not None and row[2] is not None
            self.states[(stream, version + 1)] = row[2]
            self.recorded[(stream, version + 1)] = receipt.recorded_at
        return True


def start_world(store: Store, start: dt.datetime) -> Workload:
    """Initialise the ledger and register the demo cast, agencies, catalog and certificates before ``start``."""
    clock = SettableClock(start - dt.timedelta(days=3, hours=1))
    log_key = SigningKey.generate(ORIGIN)
    authority = SigningKey.generate("authority/personnel")
    initialise(store, origin=ORIGIN, log_key=log_key, authority_key=authority, clock=clock)
    writer = Writer(store, clock=clock)
    w = Workload(store, writer, clock, {authority.name: authority}, log_key)
    for member in sc.CAST:
        key = SigningKey.generate(member.id)
        w.keys[member.id] = key
        w.append(f"person:{member.id}", "key.registered", authority.name,
                 {"vkey": key.verifier.text, "role": member.role, "agency": member.agency, "valid_from": None})
    setup_start = start - dt.timedelta(days=3)
    for step in sc.setup_steps(setup_start, authority.name):
        clock.now = setup_start + step.offset
        assert w.append(step.stream or "", step.type, step.actor, step.payload)
    return w


def run_stories(w: Workload, plan: list[tuple[str, int | None, float]], start: dt.datetime, *, noise: list[int] | None = None) -> None:
    """``plan``: (scenario, number of its steps to run or None for all, start offset in days). ``noise`` lists
    indexes of the interleaved timeline where an extra act with a stale version is tried (and refused)."""
    timeline: list[tuple[dt.datetime, int, str, sc.Step]] = []
    for n, (name, cut, offset) in enumerate(plan):
        case = str(uuid.UUID(int=uuid.uuid4().int))
        w.cases[case] = name
        steps = sc.scenario(name, start + dt.timedelta(days=offset, minutes=n))
        for k, step in enumerate(steps[:cut] if cut is not None else steps):
            timeline.append((start + dt.timedelta(days=offset, minutes=n) + step.offset, n * 10_000 + k, case, step))
    timeline.sort(key=lambda t: (t[0], t[1]))
    noisy = set(noise or ())
    for i, (at, _, case, step) in enumerate(timeline):
        w.clock.now = max(w.clock.now, at)
        if i in noisy and w.versions.get(case, 0) > 0:
            stale = w.versions[case]
            w.versions[case] = stale - 1  # a second writer's stale view: refused as a version conflict
            assert not w.append(case, "case.note", sc.OFFICER_1, {"text": "重复提交"})
            w.versions[case] = stale
        w.append(step.stream or case, step.type, step.actor, step.payload)
