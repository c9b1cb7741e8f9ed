"""People and the catalog as registry acts: who may sign them, what they refuse, and how cases see them."""

from __future__ import annotations

import datetime as dt
import inspect
import re
from typing import Any

import pytest

from domain import case as case_module
from domain import refusals
from domain.case import common as case_common
from domain.catalog import holding
from domain.errors import DomainError, MalformedAct, NotAuthorised
from domain.law import APL
from domain.personnel import certificate_for, roles_of, training_shortfall
from tests.builders import AUTHORITY, DEFAULT_START, World, standard_world
from zhifa.scenarios import (
    BUREAU,
    CATALOG_KEEPER,
    ITEM_LICENCE_DISPLAY,
    ITEM_ROAD_OCCUPATION,
    JIAOQIAO,
    LEHUA,
    OFFICER_1,
    OFFICER_2,
    URBAN_ONLY,
)

START = DEFAULT_START


def _registry_refusal(world: World, stream: str, type: str, actor: str, payload: dict[str, Any]) -> DomainError:
    before = world.registry
    with pytest.raises(DomainError) as info:
        world.registry_act(stream, type, actor, payload)
    assert world.registry is before
    return info.value


def _cert(number: str, agency: str = BUREAU, domains: list[str] | None = None) -> dict[str, Any]:
    return {"number": number, "agency": agency, "domains": domains or ["market_supervision"], "valid_from": "2026-01-01", "valid_until": "2028-12-31"}


# -- personnel -------------------------------------------------------------------------------------------------
def test_personnel_acts_are_signed_by_the_personnel_authority_only() -> None:
    world = standard_world()
    err = _registry_refusal(world, f"person:{URBAN_ONLY}", "certificate.issued", OFFICER_1, _cert("X-1"))
    assert isinstance(err, NotAuthorised) and err.status == 403
    world.registry_act(f"person:{URBAN_ONLY}", "certificate.issued", AUTHORITY, _cert("X-1"))
    assert certificate_for(world.registry, URBAN_ONLY, BUREAU, "market_supervision", START) is not None


def test_certificate_without_a_passed_exam_is_refused() -> None:
    world = standard_world()
    world.registry_act("person:officer/new", "person.registered", AUTHORITY, {"name": "新人", "agency": BUREAU, "roles": ["officer"], "staff_number": None})
    err = _registry_refusal(world, "person:officer/new", "certificate.issued", AUTHORITY, _cert("N-1"))
    assert (type(err), err.code, err.cited_article) == (refusals.ExamRequired, "exam-required", f"{APL}第四十二条")
    world.registry_act("person:officer/new", "exam.passed", AUTHORITY, {"exam": "执法资格考试", "passed_on": "2025-12-01", "score": 80})
    world.registry_act("person:officer/new", "certificate.issued", AUTHORITY, _cert("N-1"))


def test_certificate_for_a_domain_the_agency_does_not_exercise_is_refused() -> None:
    err = _registry_refusal(standard_world(), f"person:{URBAN_ONLY}", "certificate.issued", AUTHORITY, _cert("X-2", LEHUA, ["market_supervision"]))
    assert isinstance(err, refusals.DomainNotExercised)


def test_failing_the_annual_review_two_years_running_withdraws_every_certificate() -> None:
    world = standard_world()
    stream = f"person:{OFFICER_2}"
    world.registry_act(stream, "annual_review.recorded", AUTHORITY, {"year": 2024, "passed": False, "note": ""})
    world.registry_act(stream, "annual_review.recorded", AUTHORITY, {"year": 2025, "passed": True, "note": ""})
    world.registry_act(stream, "annual_review.recorded", AUTHORITY, {"year": 2026, "passed": False, "note": ""})
    assert certificate_for(world.registry, OFFICER_2, BUREAU, "market_supervision", START) is not None
    world.registry_act(stream, "annual_review.recorded", AUTHORITY, {"year": 2027, "passed": False, "note": ""})
    assert certificate_for(world.registry, OFFICER_2, BUREAU, "market_supervision", START) is None
    assert world.registry.persons[OFFICER_2].exited


def test_training_hours_are_a_metric_against_the_local_minimum() -> None:
    world = standard_world()
    assert training_shortfall(world.registry, OFFICER_1, 2026) == 0
    assert training_shortfall(world.registry, OFFICER_1, 2027) == 60


def test_roles_come_from_keys_and_assignments() -> None:
    world = standard_world()
    assert roles_of(world.registry, OFFICER_1) == {"officer"}
    world.registry_act(f"person:{OFFICER_1}", "role.assigned", AUTHORITY, {"role": "legal_reviewer", "agency": BUREAU})
    assert roles_of(world.registry, OFFICER_1) == {"officer", "legal_reviewer"}
    world.registry_act(f"person:{OFFICER_1}", "role.withdrawn", AUTHORITY, {"role": "officer", "reason": "岗位调整"})
    assert roles_of(world.registry, OFFICER_1) == {"legal_reviewer"}


def test_personnel_act_on_an_agency_stream_is_malformed() -> None:
    err = _registry_refusal(standard_world(), f"agency:{BUREAU}", "exam.passed", AUTHORITY, {"exam": "x", "passed_on": "2026-01-01", "score": None})
    assert isinstance(err, MalformedAct) and err.status == 400


# -- catalog ------------------------------------------------------------------------------------------------------
def _item(**overrides: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "agency": BUREAU, "domain": "market_supervision", "name": "测试事项", "basis": "某法第一条",
        "penalty_kinds": ["warning", "fine"], "fine_min_fen": 0, "fine_max_fen": 100_000, "bands": [],
        "exemption_list": False, "light_penalty_list": False, "no_coercion_list": False, "life_health_finance": False,
        "effective_from": None,
    }
    return {**base, **overrides}


def test_catalog_is_kept_by_the_catalog_keeper_or_the_authority() -> None:
    world = standard_world()
    err = _registry_refusal(world, "item:T-1", "item.added", OFFICER_1, _item())
    assert (err.code, err.status) == ("catalog-keeper-required", 403)
    world.registry_act("item:T-1", "item.added", CATALOG_KEEPER, _item())
    world.registry_act("item:T-2", "item.added", AUTHORITY, _item())


@pytest.mark.parametrize(
    ("overrides", "error"),
    [
        ({"domain": "agriculture"}, refusals.DomainNotExercised),
        ({"penalty_kinds": ["detention"]}, refusals.PenaltyNotInBasis),
        ({"fine_min_fen": 200_000}, MalformedAct),
        ({"bands": [{"level": "general", "min_fen": 0, "max_fen": 200_000, "description": ""}]}, MalformedAct),
        ({"agency": "agency/unknown"}, refusals.UnknownAgency),
    ],
)
def test_inconsistent_items_are_refused(overrides: dict[str, Any], error: type[DomainError]) -> None:
    _registry_refusal(standard_world(), "item:T-1", "item.added", CATALOG_KEEPER, _item(**overrides))
    with pytest.raises(error):
        standard_world().registry_act("item:T-1", "item.added", CATALOG_KEEPER, _item(**overrides))


def test_detention_is_reserved_to_public_security() -> None:
    with pytest.raises(refusals.PenaltyNotInBasis) as info:
        standard_world().registry_act("item:T-1", "item.added", CATALOG_KEEPER, _item(penalty_kinds=["detention"]))
    assert info.value.cited_article == f"{APL}第十八条"


def test_amended_item_terms_apply_from_their_date() -> None:
    world = standard_world()
    later = START + dt.timedelta(days=10)
    world.registry_act(f"item:{ITEM_LICENCE_DISPLAY}", "item.amended", CATALOG_KEEPER, {
        **_item(fine_max_fen=5_000_000, penalty_kinds=["fine"]), "reason": "裁量基准修订",
        "effective_from": later.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
    })
    before = holding(world.registry, BUREAU, ITEM_LICENCE_DISPLAY, START)
    after = holding(world.registry, BUREAU, ITEM_LICENCE_DISPLAY, later)
    assert before is not None and before.terms.fine_max_fen == 3_000_000
    assert after is not None and after.terms.fine_max_fen == 5_000_000


def _grant(to: str, published: str | None = "2026-02-01T01:00:00.000000Z") -> dict[str, Any]:
    return {"from_agency": BUREAU, "to_agency": to, "instrument": "赣府发〔2026〕1号", "published_at": published, "effective_from": None}


def test_delegation_needs_a_published_decision() -> None:
    err = _registry_refusal(standard_world(), f"item:{ITEM_LICENCE_DISPLAY}", "delegation.granted", CATALOG_KEEPER, _grant(LEHUA, None))
    assert (err.code, err.cited_article) == ("delegation-not-published", f"{APL}第二十四条")


def test_delegation_goes_only_to_townships_and_streets() -> None:
    world = standard_world()
    world.registry_act("agency:agency/360100-scjg", "agency.registered", CATALOG_KEEPER, {"name": "市场监管局", "kind": "department", "parent": None, "region": None})
    err = _registry_refusal(world, f"item:{ITEM_LICENCE_DISPLAY}", "delegation.granted", CATALOG_KEEPER, _grant("agency/360100-scjg"))
    assert err.code == "delegation-target-invalid"
    world.registry_act(f"item:{ITEM_LICENCE_DISPLAY}", "delegation.granted", CATALOG_KEEPER, _grant(JIAOQIAO))
    held = holding(world.registry, JIAOQIAO, ITEM_LICENCE_DISPLAY, START)
    assert held is not None and held.kind == "delegated"


def test_revoking_a_delegation_ends_the_holding_at_that_moment() -> None:
    world = standard_world()
    revoked_at = START + dt.timedelta(days=3)
    world.registry_act(f"item:{ITEM_ROAD_OCCUPATION}", "delegation.revoked", CATALOG_KEEPER,
                       {"to_agency": LEHUA, "instrument": "赣府发〔2026〕9号", "reason": "评估后收回"}, at=revoked_at)
    assert holding(world.registry, LEHUA, ITEM_ROAD_OCCUPATION, revoked_at - dt.timedelta(seconds=1)) is not None
    assert holding(world.registry, LEHUA, ITEM_ROAD_OCCUPATION, revoked_at) is None


# -- every refusal renders the same one line and problem document ---------------------------------------------------
def _refusal_classes() -> list[type[DomainError]]:
    found = {
        obj
        for module in (refusals, case_module, case_common)
        for _, obj in inspect.getmembers(module, inspect.isclass)
        if issubclass(obj, DomainError) and obj is not DomainError and obj.__module__ == module.__name__
    }
    return sorted(found, key=lambda c: c.code)


def test_refusal_codes_are_stable_unique_and_kebab_case() -> None:
    classes = _refusal_classes()
    assert len(classes) >= 55
    codes = [c.code for c in classes]
    assert len(codes) == len(set(codes))
    assert all(re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", code) for code in codes)


@pytest.mark.parametrize("error", _refusal_classes(), ids=lambda c: c.code)
def test_every_refusal_renders_as_one_line_and_problem_json(error: type[DomainError]) -> None:
    err = error("what happened")
    assert err.title and err.title_en and err.status in (400, 403, 409, 422)
    if err.status != 409:
        assert err.cited_article, f"{error.__name__} names no article"
    line = err.one_line()
    assert "\n" not in line
    for part in (err.code, err.title, err.title_en, err.cited_article, "what happened"):
        assert part in line
    problem = err.problem()
    assert problem["type"] == f"urn:zhifa:error:{err.code}"
    assert (problem["title"], problem["title_en"], problem["article"], problem["status"]) == (err.title, err.title_en, err.cited_article, err.status)
