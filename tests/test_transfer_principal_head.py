"""国务院令第310号 Art 5: a suspected crime's transfer is approved by the agency's principal head (正职负责人) or the head
presiding over its work (主持工作的负责人) — not by a deputy (副职). The registry marks a deputy head on the role
(``role.assigned`` with ``deputy: true``); a deputy who takes over the work is assigned the role again without it.
Refused at the domain and through the real ledger (SQLite and PostgreSQL), writing nothing; the lawful approvals
are accepted."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest

from domain import refusals as r
from domain.errors import MalformedAct
from domain.law import SC310
from domain.personnel import is_deputy_head
from tests.builders import AUTHORITY, CaseFile, World, standard_world
from tests.test_domain_rules import START, D, refuse
from tests.test_rules_through_ledger import START as LEDGER_START
from tests.test_rules_through_ledger import _world
from tests.test_rules_through_ledger_review import _play
from tests.test_rules_through_ledger_session12 import _next, _refused_here
from zhifa import scenarios as sc

ARTICLE = f"{SC310}第五条"
APPROVE = {"approved": True, "reason": "货值金额较大，涉嫌犯罪"}


def _reported(deputy: bool | None) -> tuple[World, CaseFile]:
    world = standard_world()
    if deputy is not None:
        world.registry_act(f"person:{sc.HEAD}", "role.assigned", AUTHORITY, {"role": "agency_head", "agency": sc.BUREAU, "deputy": deputy})
    case = world.case()
    case.play(sc.transferred_case(START, until="reported"), START)
    return world, case


def test_a_deputy_head_approving_a_transfer_is_refused() -> None:
    world, case = _reported(deputy=True)
    assert is_deputy_head(world.registry, sc.HEAD)
    refuse(case, "transfer.approved", sc.HEAD, APPROVE, START + 7 * D, r.PrincipalHeadRequired,
           "principal-head-required", ARTICLE, 403)


@pytest.mark.parametrize("deputy", [None, False])
def test_the_principal_or_presiding_head_approves_it(deputy: bool | None) -> None:
    _, case = _reported(deputy)
    state = case.act("transfer.approved", sc.HEAD, APPROVE, at=START + 7 * D)
    assert state.transfer is not None and state.transfer.approved is True


def test_a_deputy_taking_over_the_work_then_approves_and_withdrawing_the_role_ends_it() -> None:
    world, case = _reported(deputy=True)
    world.registry_act(f"person:{sc.HEAD}", "role.assigned", AUTHORITY, {"role": "agency_head", "agency": sc.BUREAU})
    assert not is_deputy_head(world.registry, sc.HEAD)
    assert case.act("transfer.approved", sc.HEAD, APPROVE, at=START + 7 * D).transfer.approved is True
    world.registry_act(f"person:{sc.HEAD}", "role.assigned", AUTHORITY, {"role": "agency_head", "agency": sc.BUREAU, "deputy": True})
    world.registry_act(f"person:{sc.HEAD}", "role.withdrawn", AUTHORITY, {"role": "agency_head", "reason": "调任"})
    assert not is_deputy_head(world.registry, sc.HEAD)


def test_the_demo_bureaus_deputy_heads_are_registered_as_deputies_and_may_not_approve() -> None:
    world = standard_world()
    assert all(is_deputy_head(world.registry, d) for d in sc.DEPUTY_HEADS) and not is_deputy_head(world.registry, sc.HEAD)
    case = world.case()
    case.play(sc.transferred_case(START, until="reported"), START)
    refuse(case, "transfer.approved", sc.DEPUTY_HEAD_1, APPROVE, START + 7 * D, r.PrincipalHeadRequired,
           "principal-head-required", ARTICLE, 403)


def test_only_an_agency_head_is_assigned_as_a_deputy() -> None:
    world = standard_world()
    with pytest.raises(MalformedAct):
        world.registry_act(f"person:{sc.OFFICER_1}", "role.assigned", AUTHORITY, {"role": "officer", "agency": sc.BUREAU, "deputy": True})


def test_a_deputy_heads_transfer_approval_is_refused_on_append_and_the_principals_accepted(database_url: str) -> None:
    fx, keys, versions = _world(database_url)
    try:
        head = f"person:{sc.HEAD}"
        fx.writer.append(fx.act(fx.authority, head, versions[head], "role.assigned",
                                {"role": "agency_head", "agency": sc.BUREAU, "deputy": True}))
        case = str(uuid.uuid4())
        steps = sc.transferred_case(LEDGER_START, until="reported")
        _play(fx, keys, case, steps)
        fx.clock.now = LEDGER_START + dt.timedelta(days=7)
        approve = sc.Step("transfer.approved", sc.HEAD, APPROVE, dt.timedelta(days=7))
        _refused_here(fx, keys, case, approve, "principal-head-required", ARTICLE, status=403)
        fx.writer.append(fx.act(fx.authority, head, versions[head] + 1, "role.assigned", {"role": "agency_head", "agency": sc.BUREAU}))
        _next(fx, keys, case, approve)
    finally:
        fx.store.close()
