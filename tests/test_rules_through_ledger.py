"""Procedure rules enforced on append (both backends): a refused act names its rule and article, carries the
right status, and leaves the ledger exactly as it was; the same act at a lawful point is accepted."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest

from domain.errors import DomainError
from ledger.court.keys import SigningKey
from tests.conftest import FakeClock, LedgerFixture, make_ledger
from zhifa import scenarios as sc

START = dt.datetime(2026, 3, 9, 1, 0, tzinfo=dt.UTC)


def _world(database_url: str, start: dt.datetime = START) -> tuple[LedgerFixture, dict[str, SigningKey], dict[str, int]]:
    fx = make_ledger(database_url, FakeClock(start - dt.timedelta(days=5)))
    keys: dict[str, SigningKey] = {fx.authority.name: fx.authority}
    versions: dict[str, int] = {}
    for member in sc.CAST:
        keys[member.id] = fx.register(member.id, role=member.role, agency=member.agency)
        versions[f"person:{member.id}"] = 1
    setup_start = start - dt.timedelta(days=3)
    for step in sc.setup_steps(setup_start, fx.authority.name):
        fx.clock.now = setup_start + step.offset
        stream = step.stream or ""
        fx.writer.append(fx.act(keys[step.actor], stream, versions.get(stream, 0), step.type, step.payload))
        versions[stream] = versions.get(stream, 0) + 1
    return fx, keys, versions


def _append(fx: LedgerFixture, keys: dict[str, SigningKey], case: str, version: int, step: sc.Step) -> None:
    fx.writer.append(fx.act(keys[step.actor], case, version, step.type, step.payload))


def _refused(fx: LedgerFixture, keys: dict[str, SigningKey], case: str, version: int, step: sc.Step) -> DomainError:
    before = (fx.store.position(), fx.store.stream_state(case))
    with pytest.raises(DomainError) as info:
        _append(fx, keys, case, version, step)
    assert (fx.store.position(), fx.store.stream_state(case)) == before, "a refused act must write nothing"
    err = info.value
    problem = err.problem()
    assert problem["type"] == f"urn:zhifa:error:{err.code}" and problem["article"] and problem["title"] and problem["title_en"]
    assert err.code in err.one_line() and err.cited_article in err.one_line() and "\n" not in err.one_line()
    return err


def test_decision_waits_for_the_requested_hearing(database_url: str) -> None:
    fx, keys, _ = _world(database_url)
    try:
        case = str(uuid.uuid4())
        steps = sc.scenario("decided", START)
        decision = steps[-1]
        assert decision.type == "decision.made"
        held_at = next(i for i, s in enumerate(steps) if s.type == "hearing.held")
        for version, step in enumerate(steps[:held_at]):
            fx.clock.now = START + step.offset
            _append(fx, keys, case, version, step)
        # The party asked for a hearing that has not been held: the decision is refused, nothing is written.
        fx.clock.now = START + steps[held_at].offset
        err = _refused(fx, keys, case, held_at, decision)
        assert (err.status == 422 and "第六十三条" in err.cited_article + "".join(err.cited_article)) or "第六十四条" in err.cited_article
        # After the hearing (and review), the same decision is accepted.
        for version, step in enumerate(steps[held_at:], start=held_at):
            fx.clock.now = START + step.offset
            _append(fx, keys, case, version, step)
        assert fx.store.stream_state(case) is not None
    finally:
        fx.store.close()


def test_investigation_needs_certified_officers(database_url: str) -> None:
    fx, keys, _ = _world(database_url)
    try:
        case = str(uuid.uuid4())
        steps = sc.scenario("filed", START)
        for version, step in enumerate(steps):
            fx.clock.now = START + step.offset
            _append(fx, keys, case, version, step)
        investigation = sc.scenario("investigating", START)[len(steps)]
        fx.clock.now = START + investigation.offset
        as_auxiliary = sc.Step(investigation.type, sc.AUXILIARY, investigation.payload, investigation.offset)
        err = _refused(fx, keys, case, len(steps), as_auxiliary)
        assert (err.code, err.cited_article) == ("officer-not-certified", "《行政处罚法》第四十二条")
        _append(fx, keys, case, len(steps), investigation)  # the certified officer may
    finally:
        fx.store.close()
