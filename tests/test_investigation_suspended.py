"""MS rules Art 47: a suspended investigation (中止调查) resumes when its cause is gone, and the resumption ends the
pause whose days are left out of the 90. Gathering evidence or taking the steps toward a decision while the
suspension is still open is refused (``investigation-suspended``) — at the domain and through the real ledger on
SQLite and PostgreSQL, writing nothing; once the pause is ended the same act is accepted. What protects the party or
ends the matter (lifting a seizure, terminating the case) is not halted."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest

from domain import refusals as r
from domain.law import MS_RULES
from tests.builders import CaseFile, evidence, pause, standard_world
from tests.test_domain_rules import START, D, H, filed_case, refuse
from tests.test_rules_through_ledger import START as LEDGER_START
from tests.test_rules_through_ledger import _world
from tests.test_rules_through_ledger_review import _play
from tests.test_rules_through_ledger_session12 import _next, _refused_here
from zhifa import scenarios as sc

ARTICLE = f"{MS_RULES}第四十七条"
OFFICERS = [sc.OFFICER_1, sc.OFFICER_2]
INSPECTION = {"officers": OFFICERS, "place": "经营场所", "findings": "复查", "record_sha256": "e" * 64, "party_present": True}


def _suspended() -> CaseFile:
    case = filed_case(standard_world())
    case.act("pause.started", sc.HEAD, pause("suspension"), at=START + 2 * D)
    return case


@pytest.mark.parametrize(("kind", "payload"), [
    ("evidence.collected", evidence(OFFICERS, START + 3 * D)),
    ("inspection.recorded", INSPECTION),
])
def test_investigating_while_the_investigation_is_suspended_is_refused_and_accepted_once_resumed(kind: str, payload: dict[str, object]) -> None:
    case = _suspended()
    refuse(case, kind, sc.OFFICER_1, dict(payload), START + 3 * D, r.InvestigationSuspended, "investigation-suspended", ARTICLE)
    case.act("pause.ended", sc.OFFICER_1, {"kind": "suspension"}, at=START + 3 * D + H)
    assert case.act(kind, sc.OFFICER_1, dict(payload), at=START + 3 * D + 2 * H).acts[-1] == kind


def test_a_testing_pause_halts_nothing_and_terminating_a_suspended_case_is_accepted() -> None:
    case = filed_case(standard_world())
    case.act("pause.started", sc.OFFICER_1, pause("testing"), at=START + 2 * D)
    assert case.act("inspection.recorded", sc.OFFICER_1, INSPECTION, at=START + 3 * D).acts[-1] == "inspection.recorded"
    suspended = _suspended()
    state = suspended.act("case.terminated", sc.HEAD, {"ground": "当事人死亡"}, at=START + 4 * D)
    assert state.terminated_at is not None


def test_evidence_while_suspended_is_refused_on_append_and_accepted_after_the_resumption(database_url: str) -> None:
    fx, keys, _ = _world(database_url)
    try:
        case = str(uuid.uuid4())
        _play(fx, keys, case, sc.scenario("investigating", LEDGER_START)[:5])  # lead, filing, assignment, credentials, rights
        day = LEDGER_START + dt.timedelta(days=3)
        fx.clock.now = day
        _next(fx, keys, case, sc.Step("pause.started", sc.HEAD, pause("suspension"), dt.timedelta(days=3)))
        fx.clock.now = day + dt.timedelta(days=2)
        inspect = sc.Step("inspection.recorded", sc.OFFICER_1, INSPECTION, dt.timedelta(days=5))
        _refused_here(fx, keys, case, inspect, "investigation-suspended", ARTICLE)
        _next(fx, keys, case, sc.Step("pause.ended", sc.OFFICER_1, {"kind": "suspension"}, dt.timedelta(days=5)))
        _next(fx, keys, case, inspect)
    finally:
        fx.store.close()
