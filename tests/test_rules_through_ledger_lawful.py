"""Issue 13's rules enforced on append through the real ledger (SQLite and PostgreSQL): the unlawful act is refused
with its code, article and status and writes nothing; the lawful act at the same point is accepted. One or more per
group of the issue's list — Art 33, coercion, collective discussion, transfer, annotations, and a replayed act
reported as ``nonce-reused`` (409) whatever the case version."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest

from ledger.court.keys import SigningKey
from ledger.errors import NonceReused, VersionConflict
from tests.conftest import LedgerFixture
from tests.test_rules_through_ledger import START, _append, _refused, _world
from zhifa import scenarios as sc


def _play(fx: LedgerFixture, keys: dict[str, SigningKey], case: str, steps: list[sc.Step]) -> None:
    for version, step in enumerate(steps):
        fx.clock.now = START + step.offset
        _append(fx, keys, case, version, step)


def test_penalty_for_a_minor_corrected_harmless_violation_is_refused_on_append(database_url: str) -> None:
    fx, keys, _ = _world(database_url)
    try:
        case = str(uuid.uuid4())
        steps = sc.scenario("decided", START)
        decision = steps[-1]
        _play(fx, keys, case, steps[:-1])
        fx.clock.now = START + decision.offset
        minor = sc.Step(decision.type, decision.actor, {**decision.payload, "minor": True, "corrected": True, "harm": "none"}, decision.offset)
        err = _refused(fx, keys, case, len(steps) - 1, minor)
        assert (err.code, err.cited_article, err.status) == ("minor-corrected-no-penalty", "《行政处罚法》第三十三条第一款", 422)
        no_fault = sc.Step(decision.type, decision.actor, {**decision.payload, "no_fault_proven": True}, decision.offset)
        assert _refused(fx, keys, case, len(steps) - 1, no_fault).code == "no-fault-no-penalty"
        _append(fx, keys, case, len(steps) - 1, decision)  # the decision as the scenario makes it
    finally:
        fx.store.close()


def test_a_seizure_needs_the_head_signature_before_it_takes_effect(database_url: str) -> None:
    fx, keys, _ = _world(database_url)
    try:
        case = str(uuid.uuid4())
        steps = sc.scenario("seized", START)
        at = next(i for i, s in enumerate(steps) if s.type == "coercion.imposed")
        _play(fx, keys, case, steps[:at])
        seizure = steps[at]
        fx.clock.now = START + seizure.offset
        by_officer = sc.Step(seizure.type, sc.OFFICER_1, seizure.payload, seizure.offset)
        err = _refused(fx, keys, case, at, by_officer)
        assert (err.code, err.cited_article, err.status) == ("coercion-approval-required", "《行政强制法》第十八条", 422)
        _play_from(fx, keys, case, steps, at)  # signed by the head, co-signed, extended with its written notice
        state = fx.store.stream_state(case)
        assert state is not None and state[0] == len(steps)
    finally:
        fx.store.close()


def _play_from(fx: LedgerFixture, keys: dict[str, SigningKey], case: str, steps: list[sc.Step], start: int) -> None:
    for version, step in enumerate(steps[start:], start=start):
        fx.clock.now = START + step.offset
        _append(fx, keys, case, version, step)


def test_collective_discussion_by_too_few_heads_is_refused_on_append(database_url: str) -> None:
    fx, keys, _ = _world(database_url)
    try:
        case = str(uuid.uuid4())
        steps = sc.scenario("notified", START)
        _play(fx, keys, case, steps)
        at = steps[-1].offset + dt.timedelta(days=1)
        fx.clock.now = START + at
        two = sc.Step("collective.discussed", sc.HEAD, {"participants": [sc.HEAD, sc.DEPUTY_HEAD_1], "conclusion": "同意"}, at)
        err = _refused(fx, keys, case, len(steps), two)
        assert (err.code, err.cited_article, err.status) == ("collective-discussion-quorum", "《行政处罚法》第五十七条", 422)
        three = sc.Step("collective.discussed", sc.HEAD, {"participants": [sc.HEAD, sc.DEPUTY_HEAD_1, sc.DEPUTY_HEAD_2], "conclusion": "同意"}, at)
        _append(fx, keys, case, len(steps), three)
        for i, head in enumerate((sc.DEPUTY_HEAD_1, sc.DEPUTY_HEAD_2)):
            _append(fx, keys, case, len(steps) + 1 + i, sc.Step("act.cosigned", head, {"act_version": len(steps) + 1}, at))
        state = fx.store.stream_state(case)
        assert state is not None and state[0] == len(steps) + 3
    finally:
        fx.store.close()


def test_a_transfer_leaving_seized_property_behind_is_refused_on_append(database_url: str) -> None:
    fx, keys, _ = _world(database_url)
    try:
        case = str(uuid.uuid4())
        steps = sc.scenario("seized", START)[:-1]  # seized, not yet extended
        _play(fx, keys, case, steps)
        measure = next(i + 1 for i, s in enumerate(steps) if s.type == "coercion.imposed")
        at = steps[-1].offset + dt.timedelta(days=1)
        fx.clock.now = START + at
        _append(fx, keys, case, len(steps), sc.Step("transfer.reported", sc.OFFICER_1, {"organ": "公安分局", "suspected_crime": "涉嫌犯罪"}, at))
        _append(fx, keys, case, len(steps) + 1, sc.Step("transfer.approved", sc.HEAD, {"approved": True, "reason": "涉嫌犯罪"}, at))
        sent = {"organ": "公安分局", "file_sha256": "c" * 64, "items": ["过期食品 120 件"], "measures": []}
        err = _refused(fx, keys, case, len(steps) + 2, sc.Step("transfer.sent", sc.OFFICER_1, sent, at))
        assert (err.code, err.cited_article, err.status) == ("transfer-seized-property", "《行政强制法》第二十一条", 422)
        _append(fx, keys, case, len(steps) + 2, sc.Step("transfer.sent", sc.OFFICER_1, {**sent, "measures": [measure]}, at))
    finally:
        fx.store.close()


def test_a_note_by_someone_outside_the_case_is_refused_on_append(database_url: str) -> None:
    fx, keys, _ = _world(database_url)
    try:
        case = str(uuid.uuid4())
        steps = sc.scenario("filed", START)
        _play(fx, keys, case, steps)
        at = steps[-1].offset
        err = _refused(fx, keys, case, len(steps), sc.Step("case.note", sc.LEHUA_1, {"text": "附注"}, at))
        assert (err.code, err.cited_article, err.status) == ("not-in-case", "《行政处罚法》第四十七条", 403)
        _append(fx, keys, case, len(steps), sc.Step("case.note", sc.PARTY_STORE, {"text": "当事人附注"}, at))
    finally:
        fx.store.close()


@pytest.mark.parametrize("later_acts", [0, 1, 3])
def test_a_replayed_signed_act_is_refused_as_nonce_reused_whatever_the_case_version(database_url: str, later_acts: int) -> None:
    fx, keys, _ = _world(database_url)
    try:
        case = str(uuid.uuid4())
        steps = sc.scenario("filed", START)
        fx.clock.now = START
        lead = fx.act(keys[steps[0].actor], case, 0, steps[0].type, steps[0].payload)
        fx.writer.append(lead)
        for version in range(1, 1 + later_acts):
            fx.writer.append(fx.act(keys[sc.OFFICER_1], case, version, "case.note", {"text": f"附注 {version}"}))
        before = (fx.store.position(), fx.store.stream_state(case))
        with pytest.raises(NonceReused) as info:
            fx.writer.append(lead)
        assert (info.value.code, info.value.status) == ("nonce-reused", 409)
        assert (fx.store.position(), fx.store.stream_state(case)) == before
        # A fresh act at a stale version is still a version race.
        with pytest.raises(VersionConflict):
            fx.writer.append(fx.act(keys[sc.OFFICER_1], case, 0, "case.note", {"text": "stale"}))
    finally:
        fx.store.close()
