"""A real ledger with the scenario bureau: every cast member keyed, the catalog set up, cases appended through the
writer on a clock the test controls; then sealed and projected. For the disclosure and feed tests."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ledger.court.keys import SigningKey
from ledger.ledger import initialise, sign
from ledger.sealer import Sealer
from ledger.store import Store
from ledger.writer import Receipt, SettableClock, Writer
from projections.disclosure import DisclosureView
from projections.runner import Runner
from zhifa.scenarios import CAST, Step, setup_steps

ORIGIN = "zhifa.test/ledger"
START = dt.datetime(2026, 3, 2, 1, 0, tzinfo=dt.UTC)  # Monday 09:00 Beijing


@dataclass
class Bureau:
    store: Store
    writer: Writer
    clock: SettableClock
    log_key: SigningKey
    checkpoints: Path
    keys: dict[str, SigningKey] = field(default_factory=dict)
    versions: dict[str, int] = field(default_factory=dict)
    runner: Runner | None = None
    url: str = ""

    def append(self, stream: str, type: str, actor: str, payload: dict[str, Any], at: dt.datetime | None = None) -> Receipt:
        if at is not None:
            self.clock.now = max(self.clock.now, at)
        version = self.versions.get(stream, 0)
        receipt = self.writer.append(
            sign(self.keys[actor], log=ORIGIN, case=stream, case_version=version, type=type, actor=actor,
                 payload=payload, claimed_at=self.clock())
        )
        self.versions[stream] = version + 1
        return receipt

    def play(self, steps: list[Step], start: dt.datetime, case: str | None = None) -> str:
        case = case or str(uuid.uuid4())
        for step in steps:
            self.append(step.stream or case, step.type, step.actor, step.payload, at=start + step.offset)
        return case

    def version(self, case: str) -> int:
        return self.versions[case]

    def run(self, plan: Plan) -> None:
        """Append every planned act in time order (acts planned for one moment keep the order they were planned in)."""
        for at, _, stream, type, actor, payload in sorted(plan.acts, key=lambda a: (a[0], a[1])):
            self.append(stream, type, actor, payload, at=at)
        plan.acts.clear()

    def seal(self) -> None:
        Sealer(self.store, self.log_key, self.checkpoints).seal_all()

    def project(self) -> Runner:
        if self.runner is None:
            self.runner = Runner(self.store, [DisclosureView()])
        self.runner.catch_up()
        return self.runner

    def publish(self) -> None:
        """Seal and project: what the public sees now."""
        self.seal()
        self.project()


@dataclass
class Plan:
    """Acts of several cases, interleaved by time when run (so each case keeps the gaps its scenario needs)."""

    acts: list[tuple[dt.datetime, int, str, str, str, dict[str, Any]]] = field(default_factory=list)

    def act(self, stream: str, type: str, actor: str, payload: dict[str, Any], at: dt.datetime) -> None:
        self.acts.append((at, len(self.acts), stream, type, actor, payload))

    def case(self, steps: list[Step], start: dt.datetime, case: str | None = None) -> tuple[str, int | None, dt.datetime | None]:
        """Plan a scenario; returns the case id and the version and time of its decision (if it has one)."""
        case = case or str(uuid.uuid4())
        decision: tuple[int | None, dt.datetime | None] = (None, None)
        version = 0
        for step in steps:
            self.act(step.stream or case, step.type, step.actor, step.payload, start + step.offset)
            if step.stream is None:
                version += 1
                if step.type in ("decision.made", "no_penalty.decided", "simple.decided"):
                    decision = (version, start + step.offset)
        return case, decision[0], decision[1]


def bureau(url: str, tmp_path: Path, start: dt.datetime = START) -> Bureau:
    store = Store(url)
    clock = SettableClock(start - dt.timedelta(days=2))
    log_key = SigningKey.generate(ORIGIN)
    authority = SigningKey.generate("authority/hr")
    initialise(store, origin=ORIGIN, log_key=log_key, authority_key=authority, clock=clock)
    b = Bureau(store, Writer(store, clock=clock), clock, log_key, tmp_path / "checkpoints.log", {authority.name: authority}, url=url)
    for member in CAST:
        key = SigningKey.generate(member.id)
        b.keys[member.id] = key
        b.append(f"person:{member.id}", "key.registered", authority.name,
                 {"vkey": key.verifier.text, "role": member.role, "agency": member.agency, "valid_from": None})
    setup_at = start - dt.timedelta(days=1)
    for step in setup_steps(setup_at, authority.name):
        b.append(step.stream or "", step.type, step.actor, step.payload, at=setup_at + step.offset)
    b.clock.now = max(b.clock.now, start)
    return b
