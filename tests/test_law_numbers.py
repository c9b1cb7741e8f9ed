"""Each number of the rules table pinned at its boundary: the last day (or instant, or amount) the law allows is
accepted and the next one is not — so changing any number by one makes a test here (or in the rule tests) fail.

``tests/mutation.py`` changes every number of ``domain/law.py`` by ±1, one at a time, and runs the tests mapped to it;
these are the tests written for the numbers no other test pinned exactly.
"""

from __future__ import annotations

import datetime as dt

import msgspec
import pytest

from domain import procedure as proc
from domain import refusals as r
from domain.calendar import local_date
from domain.case_state import Remedy
from domain.deadlines import deadlines
from domain.disclosure import disclosure_due, publicity_window, withdrawal_due
from domain.errors import MalformedAct
from domain.law import ACL, APL
from domain.parties import Party
from domain.personnel import staffing_shortfall
from tests.builders import CaseFile, beijing, coercion, extension, service, sha, simple, standard_world
from tests.test_domain_rules import (
    ENDED,
    START,
    D,
    H,
    _on_the_spot,
    filed_case,
    investigated_case,
    lead,
    prepare,
    refuse,
)
from zhifa.scenarios import (
    AUXILIARY,
    CATALOG_KEEPER,
    CITIZEN,
    COMPANY,
    HEAD,
    ITEM_GRAFFITI,
    ITEM_LICENCE_DISPLAY,
    OFFICER_1,
    OFFICER_2,
    SUPERVISOR,
    hearing_case,
    organisation_case,
    scenario,
)

COMPANY_PARTY = msgspec.convert(COMPANY, Party)
CITIZEN_PARTY = msgspec.convert(CITIZEN, Party)


def _served(start: dt.datetime = START) -> CaseFile:
    case = standard_world(start).case()
    case.play(organisation_case(start, until="served"), start)
    return case


# -- filing, preservation, coercion ---------------------------------------------------------------------------------
def test_filing_extension_adds_15_working_days() -> None:
    world = standard_world()
    case = world.case()
    case.play(scenario("lead", START), START)
    state = case.act("filing.extended", HEAD, {"reason": "需检验检测"}, at=START + 5 * D)
    window = proc.filing_window(state)
    assert window is not None and window.date == dt.date(2026, 4, 14)  # 3-23 + 15 working days (Qingming 4-4..4-6)


def test_preserved_evidence_is_decided_within_7_working_days() -> None:
    world = standard_world()
    case = world.case()
    case.play(scenario("filed", START), START)
    prepare(case, [OFFICER_1, OFFICER_2], START + 2 * D)  # 亮证 and rights first (APL Art 55)
    state = case.act("preservation.registered", HEAD, {  # the head approves by signing (APL Art 56)
        "officers": [OFFICER_1, OFFICER_2], "items": ["账册"], "approved_by": HEAD, "record_sha256": "a" * 64,
    }, at=beijing(2026, 3, 9))
    clock = next(c for c in deadlines(state, world.registry) if c.rule == "preservation.decide_within")
    assert clock.due == dt.date(2026, 3, 18)  # Monday 3-9 + 7 working days


def test_a_seizure_extension_beyond_30_days_is_refused() -> None:
    case = filed_case(standard_world())
    case.act("coercion.imposed", HEAD, coercion([OFFICER_1, OFFICER_2], HEAD), at=START + 2 * H)  # the head approves by signing
    refuse(case, "coercion.extended", HEAD, extension(case.version, 31), START + 20 * D,
           r.CoercionTooLong, "coercion-too-long", f"{ACL}第二十五条")
    assert case.act("coercion.extended", HEAD, extension(case.version, 30), at=START + 20 * D).measures


def test_a_seizure_is_extended_once() -> None:
    case = filed_case(standard_world())
    case.act("coercion.imposed", HEAD, coercion([OFFICER_1, OFFICER_2], HEAD), at=START + 2 * H)  # the head approves by signing
    measure = case.version
    case.act("coercion.extended", HEAD, extension(measure, 10), at=START + 20 * D)
    refuse(case, "coercion.extended", HEAD, extension(measure, 10), START + 25 * D,
           r.CoercionTooLong, "coercion-too-long", f"{ACL}第二十五条")


def test_an_emergency_measure_is_reported_within_24_hours() -> None:
    world = standard_world()
    case = world.case()
    case.play(scenario("filed", START), START)
    imposed = START + 2 * D + 3 * H
    prepare(case, [OFFICER_1, OFFICER_2], imposed)
    state = case.act("coercion.imposed", OFFICER_1, coercion([OFFICER_1, OFFICER_2], HEAD, emergency=True), at=imposed)
    clock = next(c for c in deadlines(state, world.registry) if c.rule == "coercion.emergency_report")
    assert clock.due_at == imposed + dt.timedelta(hours=24)


# -- thresholds ----------------------------------------------------------------------------------------------------
def test_hearing_thresholds_sit_exactly_at_the_sector_default() -> None:
    assert proc.hearing_eligible(COMPANY_PARTY, ["fine"], 10_000_000, 0)  # 100,000 yuan for an organisation
    assert not proc.hearing_eligible(COMPANY_PARTY, ["fine"], 9_999_999, 0)
    assert proc.hearing_eligible(CITIZEN_PARTY, ["fine"], 1_000_000, 0)  # 10,000 yuan for a natural person
    assert not proc.hearing_eligible(CITIZEN_PARTY, ["fine"], 999_999, 0)
    assert proc.hearing_eligible(COMPANY_PARTY, ["confiscate_gains"], 0, 10_000_000)


def test_review_thresholds_sit_exactly_at_the_default() -> None:
    assert proc.review_threshold_reached(COMPANY_PARTY, 10_000_000, 0)
    assert not proc.review_threshold_reached(COMPANY_PARTY, 9_999_999, 0)
    assert proc.review_threshold_reached(CITIZEN_PARTY, 1_000_000, 0)
    assert not proc.review_threshold_reached(CITIZEN_PARTY, 999_999, 0)


# -- decision, service, payment, enforcement ------------------------------------------------------------------------
def test_a_decision_extension_is_at_most_30_days() -> None:
    case = investigated_case(standard_world())
    refuse(case, "extension.approved", HEAD, {"days": 31, "reason": "案情复杂"}, START + 10 * D,
           r.ExtensionNotAllowed, "extension-not-allowed", r.ExtensionNotAllowed.article)
    assert case.act("extension.approved", HEAD, {"days": 30, "reason": "案情复杂"}, at=START + 10 * D).extensions[-1].days == 30


def test_an_absent_party_is_served_within_7_working_days() -> None:
    world = standard_world()
    state = world.case().play(organisation_case(START, until="decided"), START)
    assert state.decision is not None and local_date(state.decision.decided_at) == dt.date(2026, 3, 28)
    clock = next(c for c in deadlines(state, world.registry) if c.rule == "service.within")
    # decided Saturday 3-28 (day 26): 3-30 … 4-3, 4-7, 4-8 (Qingming 4-4..4-6).
    assert clock.due == dt.date(2026, 4, 8)


def test_service_by_announcement_is_deemed_after_30_days() -> None:
    case = investigated_case(standard_world())
    case.act("notice.issued", OFFICER_1, {
        "facts": "违法事实", "basis": "法律依据", "penalties": ["fine"], "fine_fen": 1_500_000, "confiscation_fen": 0,
        "band": "general", "major_public_interest": False, "complex": False}, at=START + 8 * D)
    state = case.act("service.recorded", OFFICER_2, service("notice", "announcement", announcement_ground="whereabouts_unknown",
                                                            ground_sha256=sha("下落不明查询记录")), at=START + 9 * D)
    assert state.notice is not None and state.notice.served_at == START + 39 * D


def test_the_payment_window_is_15_days() -> None:
    case = _served(beijing(2026, 5, 7))  # decision served Tuesday 2026-06-02
    assert case.state is not None
    due = proc.payment_due(case.state)
    assert due is not None and due.date == dt.date(2026, 6, 17)


def test_on_the_spot_collection_is_allowed_up_to_100_yuan() -> None:
    payment = {"amount_fen": 10_001, "method": "on_the_spot", "receipt_ref": "1", "hard_to_collect": False}
    case, payload = _on_the_spot(CITIZEN, ITEM_GRAFFITI, 10_001)
    case.act("simple.decided", OFFICER_1, payload, at=START + H)
    refuse(case, "payment.recorded", OFFICER_1, payment, START + 2 * H,
           r.OnTheSpotCollectionNotAllowed, "on-the-spot-collection", f"{APL}第六十八条")
    case, payload = _on_the_spot(CITIZEN, ITEM_GRAFFITI, 10_000)
    case.act("simple.decided", OFFICER_1, payload, at=START + H)
    assert case.act("payment.recorded", OFFICER_1, {**payment, "amount_fen": 10_000}, at=START + 2 * H).payments


def test_cash_collected_on_the_spot_is_handed_in_within_2_working_days() -> None:
    assert proc.cash_hand_in_due(beijing(2026, 3, 6, 15)).date == dt.date(2026, 3, 10)  # Friday → Tuesday


REMINDED = beijing(2026, 11, 2)  # Monday; the remedy periods of the decision served 3-28 ended 9-28


def _reminded() -> CaseFile:
    case = _served()
    case.act("reminder.sent", OFFICER_1, {"amount_due_fen": 1_500_000, "method": "direct"}, at=REMINDED)
    return case


def test_court_enforcement_waits_10_working_days_after_the_reminder() -> None:
    case = _reminded()
    refuse(case, "court_enforcement.applied", HEAD, {"court": "法院"}, beijing(2026, 11, 16),
           r.EnforcementPremature, "enforcement-premature", f"{ACL}第五十三条、第五十四条")
    assert case.act("court_enforcement.applied", HEAD, {"court": "法院"}, at=beijing(2026, 11, 17)).court_applied_at


def test_court_enforcement_is_applied_for_within_3_months() -> None:
    case = _reminded()
    refuse(case, "court_enforcement.applied", HEAD, {"court": "法院"}, beijing(2026, 12, 29),
           r.EnforcementApplicationLate, "enforcement-application-late", r.EnforcementApplicationLate.article)
    assert case.act("court_enforcement.applied", HEAD, {"court": "法院"}, at=beijing(2026, 12, 28)).court_applied_at


# -- remedies and transfer ------------------------------------------------------------------------------------------
def test_reconsideration_window_is_60_days() -> None:
    world = standard_world()
    state = world.case().play(organisation_case(START, until="served"), START)
    clock = next(c for c in deadlines(state, world.registry) if c.rule == "reconsideration.window")
    assert clock.due == dt.date(2026, 5, 27)  # served Saturday 3-28 + 60 days (a Wednesday)


def test_reconsideration_window_untold_is_one_year() -> None:
    assert proc.reconsideration_last_day(beijing(2026, 3, 27), told_of_right=False).date == dt.date(2027, 3, 29)
    assert proc.reconsideration_last_day(beijing(2026, 3, 27)).date == dt.date(2026, 5, 26)


def test_litigation_window_is_6_months() -> None:
    world = standard_world()
    state = world.case().play(organisation_case(START, until="served"), START)
    clock = next(c for c in deadlines(state, world.registry) if c.rule == "litigation.window")
    assert clock.due == dt.date(2026, 9, 28)


def test_litigation_after_reconsideration_is_15_days() -> None:
    assert proc.litigation_after_reconsideration_end(beijing(2026, 6, 2)).date == dt.date(2026, 6, 17)


def test_an_appeal_is_due_15_days_after_the_first_instance_judgment() -> None:
    judgment = Remedy(kind="litigation", filed_at=beijing(2026, 3, 2), body="法院", decided_at=beijing(2026, 6, 2), final=False,
                      served_at=beijing(2026, 6, 8))
    assert proc.appeal_window(judgment).date == dt.date(2026, 6, 23)  # from service, not from the judgment's date


def test_the_head_decides_on_a_transfer_within_3_days() -> None:
    world = standard_world()
    case = investigated_case(world)
    state = case.act("transfer.reported", OFFICER_1, {"organ": "公安分局", "suspected_crime": "涉嫌犯罪"}, at=beijing(2026, 3, 9))
    clock = next(c for c in deadlines(state, world.registry) if c.rule == "transfer.head_decides")
    assert clock.due == dt.date(2026, 3, 12)  # Monday + 3 days: Thursday


def test_the_file_is_handed_over_within_24_hours() -> None:
    world = standard_world()
    case = investigated_case(world)
    case.act("transfer.reported", OFFICER_1, {"organ": "公安分局", "suspected_crime": "涉嫌犯罪"}, at=beijing(2026, 3, 9))
    approved = beijing(2026, 3, 10, 11)
    state = case.act("transfer.approved", HEAD, {"approved": True, "reason": "涉嫌犯罪"}, at=approved)
    clock = next(c for c in deadlines(state, world.registry) if c.rule == "transfer.hand_over")
    assert clock.due_at == approved + dt.timedelta(hours=24)


def test_the_on_the_spot_decision_is_reported_within_24_hours() -> None:
    world = standard_world()
    case = world.case()
    case.act("lead.received", OFFICER_1, lead(), at=START)
    decided = START + 2 * H
    state = case.act("simple.decided", OFFICER_1, simple(CITIZEN, ITEM_GRAFFITI, 5_000, [OFFICER_1, OFFICER_2], ENDED), at=decided)
    clock = next(c for c in deadlines(state, world.registry) if c.rule == "simple.report_within")
    assert clock.due_at == decided + dt.timedelta(hours=24)


# -- disclosure and publicity ---------------------------------------------------------------------------------------
def test_disclosure_deadlines() -> None:
    decided = beijing(2026, 3, 9)  # Monday
    assert disclosure_due(decided, "penalty").date == dt.date(2026, 3, 18)  # 7 working days
    assert disclosure_due(decided, "no_penalty").date == dt.date(2026, 4, 7)  # 20 working days (Qingming 4-4..4-6)
    assert withdrawal_due(decided).date == dt.date(2026, 3, 12)  # 3 working days


def test_publicity_periods() -> None:
    decided = beijing(2026, 4, 15)
    minor = publicity_window(decided, "minor")
    assert (minor.min_end, minor.max_end) == (dt.date(2026, 4, 15), dt.date(2026, 7, 15))  # no minimum
    general = publicity_window(decided, "general")
    assert (general.min_end, general.max_end) == (dt.date(2026, 7, 15), dt.date(2027, 4, 15))
    serious = publicity_window(decided, "serious")
    assert (serious.min_end, serious.max_end) == (dt.date(2027, 4, 15), dt.date(2029, 4, 15))


# -- people --------------------------------------------------------------------------------------------------------
def test_two_failed_annual_reviews_running_withdraw_the_certificates() -> None:
    world = standard_world()
    world.registry_act(f"person:{OFFICER_2}", "annual_review.recorded", "authority/hr", {"year": 2025, "passed": False, "note": ""})
    assert not world.registry.persons[OFFICER_2].exited
    world.registry_act(f"person:{OFFICER_2}", "annual_review.recorded", "authority/hr", {"year": 2026, "passed": False, "note": ""})
    assert world.registry.persons[OFFICER_2].exited


def test_the_street_staffing_floor_is_4() -> None:
    world = standard_world()
    world.registry_act("agency:agency/360100-street", "agency.registered", CATALOG_KEEPER,
                       {"name": "某街道办事处", "kind": "street", "parent": None, "region": "360100"})
    assert staffing_shortfall(world.registry, "agency/360100-street", None, START) == 4


def test_an_auxiliary_accepts_a_lead_with_one_officer() -> None:
    case = standard_world().case()
    with pytest.raises(r.AuxiliaryActingAlone):
        case.act("lead.received", AUXILIARY, lead(ITEM_LICENCE_DISPLAY, COMPANY), at=START)
    assert case.act("lead.received", AUXILIARY, lead(ITEM_LICENCE_DISPLAY, COMPANY, officers=[OFFICER_1]), at=START).pending


def test_satisfaction_is_on_a_1_to_5_scale() -> None:
    steps = hearing_case(START, until="followed_up")
    assert steps[-1].type == "follow_up.visited"
    case = standard_world().case()
    case.play(steps[:-1], START)
    at = START + steps[-1].offset
    with pytest.raises(MalformedAct):
        case.act("follow_up.visited", SUPERVISOR, {"satisfaction": 6, "notes": "x"}, at=at)
    assert case.act("follow_up.visited", SUPERVISOR, {"satisfaction": 5, "notes": "满意"}, at=at).follow_ups


def test_the_decision_time_limit_is_90_days_from_filing() -> None:
    filed = beijing(2026, 3, 5)  # Thursday: day 90 is Wednesday 6-03, days 89 and 91 are working days too
    case = standard_world(filed).case()
    case.act("lead.received", OFFICER_1, lead(ITEM_LICENCE_DISPLAY, COMPANY), at=filed)
    state = case.act("case.filed", OFFICER_1, {
        "facts": "立案", "catalog_item": ITEM_LICENCE_DISPLAY, "party": COMPANY, "violation_began": None,
        "violation_ended": None, "major_public_interest": False, "complex": False}, at=filed + H)
    limit = proc.decision_time_limit(state, filed + H)
    assert limit is not None and limit.date == dt.date(2026, 6, 3)


def test_review_grades_change_exactly_at_their_thresholds() -> None:
    """案卷评查: 20 + 80 points; 优秀 from 90, 合格 from 60 (local standard), below that 不合格."""
    from domain.review import grade_of

    assert grade_of([], 20, 70) == "优秀" and grade_of([], 20, 69) == "合格"
    assert grade_of([], 10, 50) == "合格" and grade_of([], 10, 49) == "不合格"

