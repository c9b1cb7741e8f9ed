"""Local and sector numbers: an agency's ``agency.rule_set`` act replaces the national default for it (and its
townships), from its effective date, optionally for one domain — and every acceptance or refusal names the rule
that applied: the national default with its article, or the agency's act with its instrument."""

from __future__ import annotations

import datetime as dt
from typing import Any

import msgspec
import pytest

from domain import procedure as proc
from domain import refusals as r
from domain.deadlines import deadlines
from domain.errors import DomainError
from domain.law import APL, MS_RULES, RULES
from domain.local_rules import (
    NOT_PER_AGENCY,
    RuleNotConfigurable,
    RuleValueOutOfRange,
    UnknownRuleKey,
    configurable,
    local_rule,
)
from domain.parties import Party
from domain.personnel import staffing_shortfall, training_required, training_shortfall
from tests.builders import AUTHORITY, World, beijing, decision, notice, service, simple, standard_world
from tests.test_domain_rules import (
    DECIDE_AT,
    ENDED,
    START,
    D,
    H,
    investigated_case,
    lead,
    notified_case,
    refuse,
)
from zhifa.scenarios import (
    AUXILIARY,
    BUREAU,
    CATALOG_KEEPER,
    CITIZEN,
    COMPANY,
    HEAD,
    ITEM_GRAFFITI,
    ITEM_LICENCE_DISPLAY,
    JIAOQIAO,
    LEHUA,
    OFFICER_1,
    OFFICER_2,
    REVIEWER,
)

INSTRUMENT = "《江西省市场监督管理行政处罚程序规定》第十二条（示例）"
MARKET = "market_supervision"


def set_rule(world: World, key: str, value: Any, *, agency: str = BUREAU, domain: str | None = None,
             effective_from: dt.datetime | None = None, actor: str = CATALOG_KEEPER) -> None:
    world.registry_act(f"agency:{agency}", "agency.rule_set", actor, {
        "key": key, "value": value, "instrument": INSTRUMENT,
        "effective_from": (effective_from or world.clock()).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        "domain": domain, "basis": "",
    })


def refused_rule(world: World, key: str, value: Any, error: type[DomainError], code: str, **kw: Any) -> DomainError:
    before = world.registry
    with pytest.raises(error) as info:
        set_rule(world, key, value, **kw)
    assert info.value.code == code and world.registry is before
    return info.value


# -- the registry act -------------------------------------------------------------------------------------------------
def test_every_local_and_sector_number_is_configurable_and_no_law_number_is() -> None:
    local = {k for k, v in RULES.items() if v.scope in ("local", "sector")} - set(NOT_PER_AGENCY)
    assert {k for k in RULES if configurable(k)} == local
    for key in ("filing.decide_window", "filing.extension", "notice.statement_window", "hearing.fine_natural_person",
                "hearing.fine_organisation", "review.fine_natural_person", "review.fine_organisation",
                "decision.extension", "simple.report_within", "training.hours_per_year", "staffing.town_min",
                "staffing.street_min"):
        assert configurable(key), key
    assert not configurable("decision.time_limit") and not configurable("hearing.request_window")


def test_a_rule_set_by_the_catalog_keeper_applies_from_its_effective_date() -> None:
    world = standard_world()
    later = START + 10 * D
    set_rule(world, "notice.statement_window", 10, effective_from=later)
    assert local_rule(world.registry, BUREAU, MARKET, "notice.statement_window", START + D).source == "national"
    applied = local_rule(world.registry, BUREAU, MARKET, "notice.statement_window", later)
    assert (applied.value, applied.source, applied.instrument) == (10, "agency", INSTRUMENT)
    assert applied.act_ref == f"agency:{BUREAU} v{world.versions[f'agency:{BUREAU}']}" and applied.act_ref in applied.describe()


def test_a_rule_never_reaches_back_before_it_was_recorded() -> None:
    world = standard_world()
    set_rule(world, "notice.statement_window", 10, effective_from=START - 30 * D)
    assert local_rule(world.registry, BUREAU, MARKET, "notice.statement_window", START - D).source == "national"
    assert local_rule(world.registry, BUREAU, MARKET, "notice.statement_window", START).value == 10


def test_a_domain_rule_wins_over_the_agency_wide_one_and_townships_follow_their_bureau() -> None:
    world = standard_world()
    set_rule(world, "filing.decide_window", 20)
    set_rule(world, "filing.decide_window", 10, domain=MARKET)
    assert local_rule(world.registry, BUREAU, MARKET, "filing.decide_window", START).value == 10
    assert local_rule(world.registry, BUREAU, "urban_management", "filing.decide_window", START).value == 20
    assert local_rule(world.registry, LEHUA, "urban_management", "filing.decide_window", START).value == 20
    set_rule(world, "filing.decide_window", 12, agency=LEHUA)
    assert local_rule(world.registry, LEHUA, "urban_management", "filing.decide_window", START).value == 12
    assert local_rule(world.registry, "agency/elsewhere", None, "filing.decide_window", START).source == "national"


def test_unknown_keys_law_numbers_and_bad_values_are_refused() -> None:
    world = standard_world()
    refused_rule(world, "notice.statement_windows", 10, UnknownRuleKey, "unknown-rule-key")
    err = refused_rule(world, "decision.time_limit", 120, RuleNotConfigurable, "rule-not-configurable")
    assert err.cited_article == f"{APL}第六十条"
    refused_rule(world, "followup.satisfaction_max", 10, RuleNotConfigurable, "rule-not-configurable")
    refused_rule(world, "notice.statement_window", 0, RuleValueOutOfRange, "rule-value-out-of-range")
    refused_rule(world, "notice.statement_window", 61, RuleValueOutOfRange, "rule-value-out-of-range")
    refused_rule(world, "hearing.fine_organisation", -1, RuleValueOutOfRange, "rule-value-out-of-range")
    for wrong in ("10", 10.5, True, None):
        refused_rule(world, "notice.statement_window", wrong, DomainError, "malformed-act")
    refused_rule(world, "notice.statement_window", 10, DomainError, "domain-not-exercised", domain="agriculture")
    refused_rule(world, "notice.statement_window", 10, DomainError, "unknown-agency", agency="agency/nowhere")
    refused_rule(world, "notice.statement_window", 10, DomainError, "catalog-keeper-required", actor=OFFICER_1)
    set_rule(world, "notice.statement_window", 10, actor=AUTHORITY)  # the authority may


# -- each local number, read where it is used -------------------------------------------------------------------------
def test_statement_window_follows_the_agency_rule_and_the_refusal_names_it() -> None:
    world = standard_world()
    set_rule(world, "notice.statement_window", 10)
    case = notified_case(world)
    err = refuse(case, "decision.made", HEAD, decision(["fine"], 1_500_000, ENDED, band="general"), DECIDE_AT,
                 r.StatementWindowOpen, "statement-window-open", f"{APL}第四十五条")
    assert "local rule agency:" in err.detail and INSTRUMENT in err.detail
    state = case.act("decision.made", HEAD, decision(["fine"], 1_500_000, ENDED, band="general"), at=DECIDE_AT + 5 * D)
    assert any("local rule" in x.source for x in state.relied_on if x.rule == "notice.statement_window")


def test_statement_window_by_national_default_names_the_default_and_article() -> None:
    case = notified_case(standard_world())
    state = case.act("decision.made", HEAD, decision(["fine"], 1_500_000, ENDED, band="general"), at=DECIDE_AT)
    sources = [x.source for x in state.relied_on if x.rule == "notice.statement_window"]
    assert sources == [f"notice.statement_window = 5 working_days (national default, {APL}第四十五条)"]


def test_hearing_threshold_follows_the_agency_rule() -> None:
    world = standard_world()
    set_rule(world, "hearing.fine_organisation", 1_000_000)
    case = notified_case(world, fine=1_500_000)  # 15,000 yuan: below the national 100,000, above the local 10,000
    assert case.state is not None and case.state.notice is not None and case.state.notice.hearing_eligible
    default = notified_case(standard_world(), fine=1_500_000)
    assert default.state is not None and default.state.notice is not None and not default.state.notice.hearing_eligible


def test_review_threshold_follows_the_agency_rule() -> None:
    world = standard_world()
    set_rule(world, "review.fine_organisation", 1_000_000)
    err = refuse(notified_case(world), "decision.made", HEAD, decision(["fine"], 1_500_000, ENDED, band="general"),
                 DECIDE_AT, r.LegalReviewRequired, "legal-review-required", f"{APL}第五十八条")
    assert "review.fine_organisation = 1000000 fen (local rule" in err.detail
    case = notified_case(world)
    case.act("legal.reviewed", REVIEWER, {"outcome": "passed", "opinion": "同意"}, at=DECIDE_AT - H)
    assert case.act("decision.made", HEAD, decision(["fine"], 1_500_000, ENDED, band="general"), at=DECIDE_AT).decision


def test_natural_person_thresholds_follow_the_agency_rule() -> None:
    world = standard_world()
    set_rule(world, "hearing.fine_natural_person", 100)
    set_rule(world, "review.fine_natural_person", 100)
    case = investigated_case(world)
    assert case.state is not None
    citizen = msgspec.convert(CITIZEN, Party)
    assert proc.hearing_threshold(world.registry, case.state, citizen, START).value == 100
    assert proc.review_threshold(world.registry, case.state, citizen, START).value == 100
    assert proc.hearing_threshold(standard_world().registry, case.state, citizen, START).value == 1_000_000


def test_decision_extension_follows_the_agency_rule() -> None:
    world = standard_world()
    case = investigated_case(world)
    refuse(case, "extension.approved", HEAD, {"days": 45, "reason": "案情复杂"}, START + 10 * D,
           r.ExtensionNotAllowed, "extension-not-allowed", r.ExtensionNotAllowed.article)
    set_rule(world, "decision.extension", 60)
    state = case.act("extension.approved", HEAD, {"days": 45, "reason": "案情复杂"}, at=START + 10 * D)
    assert state.extensions[-1].days == 45 and any(x.rule == "decision.extension" and "local rule" in x.source for x in state.relied_on)


def test_filing_window_and_extension_follow_the_agency_rule() -> None:
    world = standard_world()
    set_rule(world, "filing.decide_window", 5)
    set_rule(world, "filing.extension", 3)
    case = world.case()
    case.act("lead.received", OFFICER_1, lead(ITEM_LICENCE_DISPLAY, COMPANY), at=START)
    assert case.state is not None
    window = proc.filing_window(case.state, world.registry)
    assert window is not None and window.date == dt.date(2026, 3, 9) and "local rule" in window.source
    err = refuse(case, "filing.extended", HEAD, {"reason": "需检验"}, beijing(2026, 3, 10),
                 r.ActNotAllowedNow, "act-not-allowed-now", f"{MS_RULES}第十八条")
    assert "filing.decide_window = 5 working_days (local rule" in err.detail
    state = case.act("filing.extended", HEAD, {"reason": "需检验"}, at=beijing(2026, 3, 9))
    extended = proc.filing_window(state, world.registry)
    assert extended is not None and extended.date == dt.date(2026, 3, 12)
    clock = next(c for c in deadlines(state, world.registry) if c.rule == "filing.decide_window")
    assert clock.due == dt.date(2026, 3, 12) and "filing.extension = 3" in clock.source


def test_simple_procedure_report_period_follows_the_agency_rule() -> None:
    world = standard_world()
    set_rule(world, "simple.report_within", 72, domain="urban_management", agency=JIAOQIAO)
    case = world.case()
    case.act("lead.received", "officer/jiaoqiao-0002", lead(agency=JIAOQIAO), at=START)
    state = case.act("simple.decided", "officer/jiaoqiao-0002",
                     simple(CITIZEN, ITEM_GRAFFITI, 5_000, ["officer/jiaoqiao-0002", "officer/jiaoqiao-0003"], ENDED), at=START + H)
    clock = next(c for c in deadlines(state, world.registry) if c.rule == "simple.report_within")
    # Entrusted: the township acts in the bureau's name, so the bureau's rules govern — the township's own does not.
    assert state.in_name_of == BUREAU and clock.due == dt.date(2026, 3, 3) and "national default" in clock.source
    set_rule(world, "simple.report_within", 72, domain="urban_management")
    clock = next(c for c in deadlines(state, world.registry) if c.rule == "simple.report_within")
    assert clock.due == dt.date(2026, 3, 5) and "local rule" in clock.source


def test_training_hours_follow_the_agency_rule() -> None:
    world = standard_world()
    assert training_shortfall(world.registry, OFFICER_1, 2027) == 60
    set_rule(world, "training.hours_per_year", 80)
    assert training_shortfall(world.registry, OFFICER_1, 2027) == 80
    assert training_required(world.registry, OFFICER_1, 2027).source == "agency"


def test_staffing_floor_for_towns_follows_the_agency_rule() -> None:
    world = standard_world()
    # 乐化镇 has two certified officers against the floor of six (灌云).
    assert staffing_shortfall(world.registry, LEHUA, None, START) == 4
    assert staffing_shortfall(world.registry, BUREAU, None, START) == 0  # a bureau has no town floor
    set_rule(world, "staffing.town_min", 3, agency=LEHUA)
    assert staffing_shortfall(world.registry, LEHUA, None, START) == 1
    set_rule(world, "staffing.town_min", 2, agency=LEHUA)
    assert staffing_shortfall(world.registry, LEHUA, None, START) == 0


def test_annual_review_exit_follows_the_agency_rule() -> None:
    world = standard_world()
    set_rule(world, "review.failures_to_exit", 3)
    for year in (2024, 2025):
        world.registry_act(f"person:{OFFICER_2}", "annual_review.recorded", AUTHORITY, {"year": year, "passed": False, "note": ""})
    assert not world.registry.persons[OFFICER_2].exited
    world.registry_act(f"person:{OFFICER_2}", "annual_review.recorded", AUTHORITY, {"year": 2026, "passed": False, "note": ""})
    assert world.registry.persons[OFFICER_2].exited


def test_auxiliary_escort_follows_the_agency_rule() -> None:
    world = standard_world()
    set_rule(world, "auxiliary.min_officers_with", 2)
    case = world.case()
    with pytest.raises(r.AuxiliaryActingAlone) as info:
        case.act("lead.received", AUXILIARY, lead(ITEM_LICENCE_DISPLAY, COMPANY, officers=[OFFICER_1]), at=START)
    assert info.value.code == "auxiliary-acting-alone"
    state = case.act("lead.received", AUXILIARY, lead(ITEM_LICENCE_DISPLAY, COMPANY, officers=[OFFICER_1, OFFICER_2]), at=START)
    assert state.pending


def test_the_deadline_list_names_the_local_statement_window() -> None:
    world = standard_world()
    set_rule(world, "notice.statement_window", 7)
    case = investigated_case(world)
    case.act("notice.issued", OFFICER_1, notice(["fine"], 1_500_000, band="general"), at=START + 8 * D)
    state = case.act("service.recorded", OFFICER_2, service("notice"), at=START + 8 * D + H)
    window = proc.statement_window(state, world.registry)
    assert window is not None and "= 7 working_days (local rule" in window.source
