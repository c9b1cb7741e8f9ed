"""Every scenario is a legal act sequence: it applies in order, ends at its stage, replays and round-trips."""

from __future__ import annotations

import datetime as dt

import msgspec
import pytest

from domain.acts import stream_kind
from domain.case import invariant_violations
from domain.case_state import CaseState
from tests.builders import DEFAULT_START, beijing, standard_world
from zhifa.scenarios import SCENARIOS, scenario

EXPECTED_STATUS = {
    "lead": "lead",
    "filed": "filed",
    "investigating": "investigating",
    "notified": "notified",
    "hearing": "hearing",
    "decided": "decided",
    "served": "served",
    "paid": "performed",
    "closed": "closed",
    "archived": "archived",
    "followed_up": "archived",
    "declined": "archived",
    "no_penalty": "archived",
    "simple": "archived",
    "transferred": "archived",
    "under_reconsideration": "under_review",
    "reconsidered": "archived",
    "court_enforcement": "closed",
    "seized": "investigating",
    "coercion_lifted": "investigating",
    "township_delegated": "investigating",
    "township_entrusted": "investigating",
}

_decoder = msgspec.json.Decoder(CaseState)


def test_every_scenario_has_an_expected_stage() -> None:
    assert set(SCENARIOS) == set(EXPECTED_STATUS)


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_scenario_is_accepted_replays_and_round_trips(name: str) -> None:
    world = standard_world()
    case = world.case()
    steps = scenario(name, DEFAULT_START)
    assert all(stream_kind(step.type) == "case" and step.stream is None for step in steps)
    state = case.play(steps, DEFAULT_START)
    assert state.status == EXPECTED_STATUS[name]
    assert invariant_violations(state) == []
    assert case.replay() == state
    assert _decoder.decode(msgspec.json.encode(state)) == state


# Starts just before the Spring Festival and National Day holidays, and in 2027 (beyond chinese-calendar:
# Monday–Friday counting, provisional): the offsets leave room for the windows in any season.
@pytest.mark.parametrize(
    "start", [beijing(2026, 2, 12), beijing(2026, 9, 28), beijing(2026, 12, 28), beijing(2027, 1, 29)], ids=str
)
@pytest.mark.parametrize("name", ["archived", "reconsidered", "court_enforcement", "simple", "transferred", "no_penalty"])
def test_scenarios_stay_legal_across_holidays(name: str, start: dt.datetime) -> None:
    world = standard_world(start)
    state = world.case().play(scenario(name, start), start)
    assert state.status == EXPECTED_STATUS[name]


def test_entrusted_township_acts_in_the_bureau_name() -> None:
    world = standard_world()
    state = world.case().play(scenario("township_entrusted", DEFAULT_START), DEFAULT_START)
    assert (state.agency, state.in_name_of) == ("agency/360100-jiaoqiao", "agency/360100-zhzf")
    delegated = standard_world().case().play(scenario("township_delegated", DEFAULT_START), DEFAULT_START)
    assert (delegated.agency, delegated.in_name_of) == ("agency/360100-lehua", None)
