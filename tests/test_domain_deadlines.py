"""Clocks computed from a case's state: the right rule, the right last day, gone once met, provisional past 2026."""

from __future__ import annotations

import datetime as dt

from domain.case_state import CaseState
from domain.deadlines import CaseDeadline, deadlines, overdue
from domain.law import APL, rule
from tests.builders import DEFAULT_START, CaseFile, World, beijing, coercion, standard_world
from zhifa.scenarios import (
    COMPANY,
    HEAD,
    ITEM_EXPIRED_FOOD,
    OFFICER_1,
    OFFICER_2,
    organisation_case,
    referral_result,
    referred,
    scenario,
)

START = DEFAULT_START
D = dt.timedelta(days=1)


def _clocks(name: str, start: dt.datetime = START) -> dict[str, CaseDeadline]:
    world = standard_world(start)
    state = world.case().play(scenario(name, start), start)
    return {c.rule: c for c in deadlines(state, world.registry)}


def test_a_lead_runs_the_filing_clock_in_working_days() -> None:
    clocks = _clocks("lead")
    assert list(clocks) == ["filing.decide_window"]
    assert clocks["filing.decide_window"].due == dt.date(2026, 3, 23)  # 15 working days after Monday 3-2
    assert not clocks["filing.decide_window"].provisional


def test_filing_starts_the_90_day_clock_and_a_decline_stops_every_clock() -> None:
    assert _clocks("filed")["decision.time_limit"].due == dt.date(2026, 6, 1)
    assert _clocks("declined") == {}


def test_served_notice_runs_both_windows_of_the_party() -> None:
    clocks = _clocks("notified")
    assert clocks["notice.statement_window"].due == clocks["hearing.request_window"].due == dt.date(2026, 3, 19)
    assert clocks["notice.statement_window"].article == f"{APL}第四十五条"


def test_a_requested_hearing_stops_the_request_window() -> None:
    assert "hearing.request_window" not in _clocks("hearing")


def test_served_decision_runs_payment_remedies_and_enforcement_clocks() -> None:
    clocks = _clocks("served")
    assert set(clocks) == {"payment.window", "reconsideration.window", "litigation.window", "enforcement.apply_within",
                           "disclosure.penalty_within"}
    served = dt.date(2026, 4, 11)  # day 40
    # Decided Saturday 4-11 and not yet published: 7 working days (118号), 4-13 … 4-21.
    assert clocks["disclosure.penalty_within"].due == dt.date(2026, 4, 21)
    assert clocks["payment.window"].due == dt.date(2026, 4, 27)  # 4-26 is a Sunday: the next working day
    assert clocks["litigation.window"].due == dt.date(2026, 10, 12)  # 10-11 is a Sunday after National Day
    assert clocks["payment.window"].due > served


def test_payment_clock_goes_once_paid_and_overdue_reports_it_before() -> None:
    world = standard_world()
    case = world.case()
    state = case.play(organisation_case(START, until="served"), START)
    late = START + 60 * D
    assert [c.rule for c in overdue(state, world.registry, late)] == ["disclosure.penalty_within", "payment.window"]
    case.act("payment.recorded", OFFICER_2, {"amount_fen": 1_500_000, "method": "bank", "receipt_ref": "x", "hard_to_collect": False}, at=late)
    assert case.state is not None and "payment.window" not in {c.rule for c in deadlines(case.state, world.registry)}


def test_seizure_clock_includes_the_extension_and_rolls_off_the_labour_day_holiday() -> None:
    clocks = _clocks("seized")
    # Imposed 2026-03-05 for 30 days, extended by 30: 2026-05-04 falls in the May Day holiday, so 05-06.
    assert clocks["coercion.max_period"].due == dt.date(2026, 5, 6)
    assert clocks["coercion.max_period"].subject == "v5"  # after the lead, filing, credentials and rights
    assert "coercion.max_period" not in _clocks("coercion_lifted")


def test_a_clock_reaching_an_uncovered_year_is_provisional() -> None:
    start = beijing(2026, 12, 14)
    world = standard_world(start)
    case = world.case()
    case.act("lead.received", OFFICER_1, {
        "source": "patrol", "channel": "巡查", "summary": "x", "catalog_item": ITEM_EXPIRED_FOOD, "agency": None,
        "referred_by": None, "referral_ref": None, "ticket": None, "party": COMPANY, "officers": [],
    }, at=start)
    state = case.act("case.filed", OFFICER_1, {
        "facts": "x", "catalog_item": None, "party": None, "violation_began": None, "violation_ended": None,
        "major_public_interest": False, "complex": False,
    }, at=start)
    _prepare(case, start)
    state = case.act("coercion.imposed", HEAD, coercion([OFFICER_1, OFFICER_2], HEAD), at=start)
    clocks = {c.rule: c for c in deadlines(state, world.registry)}
    assert clocks["coercion.max_period"].provisional and clocks["decision.time_limit"].provisional


def test_emergency_measure_must_be_approved_within_24_hours() -> None:
    world = standard_world()
    case = world.case()
    case.play(scenario("filed", START), START)
    _prepare(case, START + 2 * D)
    state = case.act("coercion.imposed", OFFICER_1, coercion([OFFICER_1, OFFICER_2], HEAD, emergency=True), at=START + 2 * D)
    clocks = {c.rule: c for c in deadlines(state, world.registry)}
    assert clocks["coercion.emergency_report"].due == dt.date(2026, 3, 5)
    state = case.act("act.cosigned", HEAD, {"act_version": case.version}, at=START + 2 * D)
    assert "coercion.emergency_report" not in {c.rule for c in deadlines(state, world.registry)}


def test_undecided_preservation_runs_7_working_days() -> None:
    world = standard_world()
    case = world.case()
    case.play(scenario("filed", START), START)
    _prepare(case, START + 2 * D)
    state = case.act("preservation.registered", HEAD, {
        "officers": [OFFICER_1, OFFICER_2], "items": ["账册"], "approved_by": HEAD, "record_sha256": "a" * 64,
    }, at=beijing(2026, 4, 30))
    clocks = {c.rule: c for c in deadlines(state, world.registry)}
    # 4-30 Thursday, then the May Day holiday (5-1..5-5) and the adjusted Saturday 5-9: 5-6, 5-7, 5-8, 5-9, 5-11, 5-12, 5-13.
    assert clocks["preservation.decide_within"].due == dt.date(2026, 5, 13)
    assert clocks["preservation.decide_within"].article == rule("preservation.decide_within").article


def test_simple_decision_must_be_reported() -> None:
    world = standard_world()
    case = world.case()
    state = case.play(scenario("simple", START)[:3], START)  # decided on the spot, not yet paid or reported
    clocks = {c.rule: c for c in deadlines(state, world.registry)}
    assert clocks["simple.report_within"].due == dt.date(2026, 3, 3)  # 24 hours (police example), configurable
    assert "payment.window" in clocks
    state = case.play(scenario("simple", START)[3:4], START)  # cash collected on the spot: 2 working days to hand it in
    assert {c.due for c in deadlines(state, world.registry) if c.rule == "payment.cash_hand_in"} == {dt.date(2026, 3, 4)}
    state = case.play(scenario("simple", START)[4:6], START)
    # On-the-spot decisions go to reconsideration first (复议法 Art 23): no lawsuit clock runs yet.
    assert {c.rule for c in deadlines(state, world.registry)} == {"reconsideration.window"}


def _prepare(case: CaseFile, at: dt.datetime) -> None:
    case.act("credentials.shown", OFFICER_1, {"officers": [OFFICER_1, OFFICER_2], "to": "party"}, at=at)
    case.act("rights.informed", OFFICER_1, {"officers": [OFFICER_1, OFFICER_2], "rights": ["陈述权"]}, at=at)


def test_transfer_clocks_follow_the_report_and_the_approval() -> None:
    world = standard_world()
    case = world.case()
    steps = scenario("transferred", START)
    state = case.play([s for s in steps if s.type != "transfer.approved" and s.offset <= 6 * D], START)
    assert {c.rule for c in deadlines(state, world.registry)} >= {"transfer.head_decides"}
    state = case.act("transfer.approved", HEAD, {"approved": True, "reason": "x"}, at=START + 7 * D)
    assert {c.rule for c in deadlines(state, world.registry)} == {"transfer.hand_over", "decision.time_limit"}
    state = case.act("transfer.sent", OFFICER_1, {"organ": "公安", "file_sha256": "b" * 64, "items": []}, at=START + 7 * D)
    assert deadlines(state, world.registry) == []


def test_the_head_extends_the_filing_clock_once_by_15_working_days() -> None:
    world = standard_world()
    case = world.case()
    case.play(scenario("lead", START), START)
    state = case.act("filing.extended", HEAD, {"reason": "需检验检测"}, at=START + 5 * D)
    clocks = {c.rule: c for c in deadlines(state, world.registry)}
    # 3-24 … 4-3 (9), Qingming 4-4..4-6, then 4-7 … 4-14 (15).
    assert clocks["filing.decide_window"].due == dt.date(2026, 4, 14)


def test_a_referred_lead_owes_its_result_back_until_sent_even_once_declined() -> None:
    # 管罚分离: declined Thursday 3-5 (day 3), the result goes back to the referring regulator within 5 working days
    # (local default): 3-6, 3-9 … 3-12. Sending it ends the clock; a case of the bureau's own finding has none.
    world = standard_world()
    case = world.case()
    steps = scenario("declined", START)
    state = case.play(steps[: next(i for i, s in enumerate(steps) if s.type == "referral.result_sent")], START)
    assert state.status == "declined" and state.referral_final_at is None
    clocks = {c.rule: c for c in deadlines(state, world.registry)}
    assert list(clocks) == ["referral.result_within"] and clocks["referral.result_within"].due == dt.date(2026, 3, 12)
    assert "national default" in clocks["referral.result_within"].source
    assert [c.rule for c in overdue(state, world.registry, beijing(2026, 3, 13))] == ["referral.result_within"]
    assert overdue(state, world.registry, beijing(2026, 3, 12)) == []
    sent = case.act("referral.result_sent", OFFICER_1, {"to": "agency/360100-scjg", "result": "declined", "copy_to": [], "note": "不予立案"},
                    at=beijing(2026, 3, 10))
    assert deadlines(sent, world.registry) == [] and sent.referral_final_at == beijing(2026, 3, 10)
    assert "referral.result_within" not in _clocks("filed")  # not referred: nothing to send back


def test_a_referred_case_owes_its_filing_then_its_final_result_each_within_5_working_days() -> None:
    # 管罚分离: filed Tuesday 3-3, the filing goes back by 3-10; reported, nothing is owed while the case runs. Decided
    # Saturday 3-28, the outcome (the final result) goes back by 4-3 (3-30 … 4-3); only "decided" closes the loop.
    world = standard_world()
    case = world.case()
    investigating = referred(organisation_case(START, until="investigating"))
    state = case.play(investigating, START)
    assert _result_clock(state, world) == dt.date(2026, 3, 10)
    state = case.act("referral.result_sent", OFFICER_1, referral_result("filed", D).payload, at=beijing(2026, 3, 5))
    assert _result_clock(state, world) is None and state.referral_final_at is None
    state = case.play(referred(organisation_case(START, until="decided"))[len(investigating):], START)
    assert state.status == "decided" and _result_clock(state, world) == dt.date(2026, 4, 3)
    assert [c.rule for c in overdue(state, world.registry, beijing(2026, 4, 7))] == ["referral.result_within"]
    state = case.act("referral.result_sent", OFFICER_1, referral_result("decided", D).payload, at=beijing(2026, 3, 30))
    assert _result_clock(state, world) is None and state.referral_final_at == beijing(2026, 3, 30)


def _result_clock(state: CaseState, world: World) -> dt.date | None:
    clocks = {c.rule: c for c in deadlines(state, world.registry)}
    return clocks["referral.result_within"].due if "referral.result_within" in clocks else None


def test_a_publication_owed_outlives_the_closing_of_the_case_until_it_is_done() -> None:
    # 118号: the penalty decision is published within 7 working days, whatever happens to the case meanwhile; an
    # archived case that never published it still shows the duty, and the publication ends it.
    world = standard_world()
    case = world.case()
    state = case.play(scenario("archived", START), START)
    assert state.archived_at is not None and state.decision is not None and not state.disclosures
    clocks = deadlines(state, world.registry)
    assert [c.rule for c in clocks] == ["disclosure.penalty_within"] and clocks[0].subject == f"v{state.decision.version}"
    published = case.act("disclosure.published", OFFICER_1, {"decision_version": state.decision.version, "publicity_class": None, "note": ""},
                         at=state.updated_at + D)
    assert deadlines(published, world.registry) == []
