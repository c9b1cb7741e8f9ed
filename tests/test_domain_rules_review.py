"""Acts an adversarial legal review found accepted although a court would hold them unlawful (after issue 13): each
is now refused with its code and article, leaving the case as it was, and the lawful act at the same point is
accepted. Also what the review decided to keep accepting (a late statement) and why.

1 the reconsideration window (复议法 Art 20; lawsuit 行诉法解释 Art 64) · 2 one remedy channel at a time (复议法
Art 29) · 3 no penalty instead of a transfer (国务院令310 Art 11) · 4 evidence preservation approved before, decided
within 7 working days, seized only by an ACL measure (APL Art 56) · 5 从旧兼从轻 for the notice's kinds (Art 37) ·
6 a late statement is heard · 7 no closure with the decision unserved (Art 61) · 8 no coercion on an entrusted item
(ACL Art 17) · 9 a returned transfer is decided here (310 Arts 9, 13) · 10 deferral on application (Art 66) ·
11 hearing pauses only while a hearing is pending.
Dates are Beijing dates; START is Monday 2026-03-02, 09:00.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

from domain import refusals as r
from domain.deadlines import deadlines
from domain.errors import MalformedAct
from domain.law import ACL, APL, ARL, MS_RULES, SC310
from tests.builders import (
    CaseFile,
    World,
    beijing,
    coercion,
    decision,
    notice,
    pause,
    service,
    sha,
    standard_world,
)
from tests.test_domain_rules import (
    DECIDE_AT,
    ENDED,
    START,
    D,
    H,
    filed_case,
    investigated_case,
    notified_case,
    refuse,
)
from tests.test_domain_rules_lawful import _cosign
from zhifa.scenarios import (
    CATALOG_KEEPER,
    CITIZEN,
    HEAD,
    ITEM_EXPIRED_FOOD,
    ITEM_GRAFFITI,
    ITEM_LICENCE_DISPLAY,
    ITEMS,
    JIAOQIAO_1,
    JIAOQIAO_2,
    JIAOQIAO_HEAD,
    OFFICER_1,
    OFFICER_2,
    STORE,
    entrusted_case,
    investigated,
    no_penalty_case,
    organisation_case,
    transferred_case,
)

SUIT = {"body": "南昌铁路运输法院"}
RECONSIDERATION = {"body": "赣江新区管委会（行政复议机关）"}


def _served(remedies_stated: bool = True) -> CaseFile:
    """The organisation's decision (day 26), served Saturday 2026-03-28; the 60 days end Wednesday 05-27."""
    steps = organisation_case(START, until="served")
    steps = [replace(s, payload={**s.payload, "remedies_stated": remedies_stated}) if s.type == "decision.made" else s for s in steps]
    case = standard_world().case()
    case.play(steps, START)
    return case


# -- 1. 复议法 Art 20: 60 days from knowing, up to 1 year when the decision did not state the remedy -----------------
def test_reconsideration_applied_for_after_the_60_days_is_refused() -> None:
    refuse(_served(), "reconsideration.filed", OFFICER_2, RECONSIDERATION, beijing(2026, 5, 28),
           r.ReconsiderationWindowClosed, "reconsideration-window-closed", f"{ARL}第二十条")


def test_reconsideration_applied_for_on_the_60th_day_or_posted_by_then_is_accepted() -> None:
    assert _served().act("reconsideration.filed", OFFICER_2, RECONSIDERATION, at=beijing(2026, 5, 27, 16)).status == "under_review"
    posted = {**RECONSIDERATION, "posted_on": "2026-05-27", "envelope_sha256": sha("复议申请信封")}
    assert _served().act("reconsideration.filed", OFFICER_2, posted, at=beijing(2026, 6, 1)).remedies[-1].kind == "reconsideration"
    refuse(_served(), "reconsideration.filed", OFFICER_2, {**posted, "posted_on": "2026-05-28"}, beijing(2026, 6, 1),
           r.ReconsiderationWindowClosed, "reconsideration-window-closed", f"{ARL}第二十条")


def test_a_decision_that_did_not_state_the_remedy_leaves_a_year_and_says_so_in_its_clock() -> None:
    case = _served(remedies_stated=False)
    assert case.state is not None
    clocks = {c.rule: c for c in deadlines(case.state, case.world.registry)}
    assert "reconsideration.window" not in clocks
    assert clocks["reconsideration.window_untold"].due == dt.date(2027, 3, 29)  # 03-28 is a Sunday
    assert case.act("reconsideration.filed", OFFICER_2, RECONSIDERATION, at=beijing(2026, 11, 30)).status == "under_review"


def test_a_decision_that_did_not_state_the_remedy_still_closes_the_window_after_a_year() -> None:
    refuse(_served(remedies_stated=False), "reconsideration.filed", OFFICER_2, RECONSIDERATION, beijing(2027, 3, 30),
           r.ReconsiderationWindowClosed, "reconsideration-window-closed", f"{ARL}第二十条")


def test_force_majeure_days_do_not_count_against_the_window() -> None:
    # 10 days of obstacle (05-20 excluded, 05-21..05-30 paused): the window runs on to 06-06 (a Saturday: still the last day).
    obstacle = {**RECONSIDERATION, "obstacle_from": "2026-05-20", "obstacle_until": "2026-05-30", "obstacle_sha256": sha("洪灾证明")}
    assert _served().act("reconsideration.filed", OFFICER_2, obstacle, at=beijing(2026, 6, 5)).status == "under_review"
    refuse(_served(), "reconsideration.filed", OFFICER_2, RECONSIDERATION, beijing(2026, 6, 5),
           r.ReconsiderationWindowClosed, "reconsideration-window-closed", f"{ARL}第二十条")
    refuse(_served(), "reconsideration.filed", OFFICER_2, {**obstacle, "obstacle_sha256": None}, beijing(2026, 6, 5),
           MalformedAct, "malformed-act", "", 400)


# -- 2. 复议法 Art 29: one channel at a time ------------------------------------------------------------------------
def _under_reconsideration() -> CaseFile:
    case = _served()
    case.act("reconsideration.filed", OFFICER_2, RECONSIDERATION, at=beijing(2026, 4, 1))
    return case


def test_a_lawsuit_while_the_reconsideration_is_pending_is_refused_and_after_its_decision_accepted() -> None:
    case = _under_reconsideration()
    refuse(case, "litigation.filed", OFFICER_2, SUIT, beijing(2026, 4, 10),
           r.RemedyChannelTaken, "remedy-channel-taken", f"{ARL}第二十九条")
    case.act("reconsideration.decided", OFFICER_2, {"outcome": "upheld", "changed_fine_fen": None, "final": True, "served_at": None},
             at=beijing(2026, 5, 6))
    assert case.act("litigation.filed", OFFICER_2, SUIT, at=beijing(2026, 5, 12)).remedies[-1].kind == "litigation"


def test_a_second_reconsideration_of_the_same_decision_is_refused() -> None:
    case = _under_reconsideration()
    case.act("reconsideration.decided", OFFICER_2, {"outcome": "upheld", "changed_fine_fen": None, "final": True, "served_at": None},
             at=beijing(2026, 5, 6))
    refuse(case, "reconsideration.filed", OFFICER_2, RECONSIDERATION, beijing(2026, 5, 8),
           r.RemedyChannelTaken, "remedy-channel-taken", f"{ARL}第二十九条")


def test_a_reconsideration_after_a_lawsuit_was_filed_is_refused() -> None:
    case = _served()
    case.act("litigation.filed", OFFICER_2, SUIT, at=beijing(2026, 4, 1))
    refuse(case, "reconsideration.filed", OFFICER_2, RECONSIDERATION, beijing(2026, 4, 3),
           r.RemedyChannelTaken, "remedy-channel-taken", f"{ARL}第二十九条")


def test_a_remade_decision_can_be_reconsidered_again() -> None:
    case = _under_reconsideration()
    # Ordered remade for a breach of procedure alone, so the same fine may be decided again (复议法 Art 64(2)).
    case.act("reconsideration.decided", OFFICER_2, {"outcome": "remake", "changed_fine_fen": None, "final": True, "served_at": None,
                                                     "procedural_only": True}, at=beijing(2026, 5, 6))
    case.act("notice.issued", OFFICER_1, notice(["fine"], 1_500_000, band="general"), at=beijing(2026, 5, 7))
    case.act("service.recorded", OFFICER_2, service("notice"), at=beijing(2026, 5, 7, 10))
    case.act("decision.made", HEAD, decision(["fine"], 1_500_000, ENDED, band="general"), at=beijing(2026, 5, 25))
    case.act("service.recorded", OFFICER_2, service("decision"), at=beijing(2026, 5, 25, 11))
    assert case.act("reconsideration.filed", OFFICER_2, RECONSIDERATION, at=beijing(2026, 6, 1)).status == "under_review"


# -- 3. 国务院令310 Art 11: no penalty (or termination) instead of the transfer ---------------------------------------
def _reported() -> CaseFile:
    case = standard_world().case()
    case.play(transferred_case(START, until="reported"), START)
    return case


NO_PENALTY = {"ground": "minor_corrected", "reason": "不予处罚", "education_sha256": sha("教育"), "deciding_agency": "agency/360100-zhzf"}


def test_deciding_or_terminating_while_a_transfer_awaits_the_head_is_refused() -> None:
    case = _reported()
    at = START + 7 * D
    refuse(case, "no_penalty.decided", HEAD, NO_PENALTY, at, r.PenaltyInsteadOfTransfer, "penalty-instead-of-transfer", f"{SC310}第十一条")
    refuse(case, "case.terminated", HEAD, {"ground": "违法事实不能成立"}, at,
           r.PenaltyInsteadOfTransfer, "penalty-instead-of-transfer", f"{SC310}第十一条")


def test_deciding_after_the_transfer_was_approved_but_before_it_was_sent_is_refused() -> None:
    case = _reported()
    case.act("transfer.approved", HEAD, {"approved": True, "reason": "涉嫌犯罪"}, at=START + 7 * D)
    refuse(case, "no_penalty.decided", HEAD, NO_PENALTY, START + 7 * D + H,
           r.PenaltyInsteadOfTransfer, "penalty-instead-of-transfer", f"{SC310}第十一条")


def test_after_the_head_refuses_the_transfer_the_case_is_decided_here() -> None:
    case = _reported()
    case.act("transfer.approved", HEAD, {"approved": False, "reason": "尚不构成犯罪"}, at=START + 7 * D)
    assert case.act("no_penalty.decided", HEAD, NO_PENALTY, at=START + 7 * D + H).decision is not None


# -- 4. APL Art 56: the head approves before (an emergency within 24 hours); decided within 7 working days ----------
PRESERVE = {"officers": [OFFICER_1, OFFICER_2], "items": ["账册"], "approved_by": HEAD, "record_sha256": sha("登记保存清单"), "emergency": False}


def test_a_preservation_registered_by_an_officer_before_approval_is_refused_and_signed_by_the_head_accepted() -> None:
    case = filed_case(standard_world())
    refuse(case, "preservation.registered", OFFICER_1, PRESERVE, START + 2 * H,
           r.PreservationApprovalRequired, "preservation-approval-required", f"{APL}第五十六条")
    state = case.act("preservation.registered", HEAD, PRESERVE, at=START + 2 * H)
    assert state.pending[-1].awaiting == [OFFICER_1, OFFICER_2]


def _emergency(world: World | None = None) -> tuple[CaseFile, int]:
    case = filed_case(world or standard_world())
    case.act("preservation.registered", OFFICER_1, {**PRESERVE, "emergency": True}, at=beijing(2026, 3, 2, 20))
    _cosign(case, case.version, OFFICER_2, at=beijing(2026, 3, 2, 21))
    return case, case.version - 1


def test_an_emergency_preservation_approved_after_24_hours_is_refused_and_can_only_be_released() -> None:
    case, version = _emergency()
    refuse(case, "act.cosigned", HEAD, {"act_version": version}, beijing(2026, 3, 3, 21),
           r.PreservationApprovalLate, "preservation-approval-late", f"{MS_RULES}第三十三条")
    state = case.act("preservation.decided", HEAD, {"preservation": version, "outcome": "released", "reason": "未及时补办批准"},
                     at=beijing(2026, 3, 3, 22))
    assert state.pending == []


def test_an_emergency_preservation_approved_within_24_hours_is_accepted() -> None:
    case, version = _emergency()
    assert case.act("act.cosigned", HEAD, {"act_version": version}, at=beijing(2026, 3, 3, 19) + H / 2).pending == []  # 23.5 hours


def _preserved() -> tuple[CaseFile, int]:
    case = filed_case(standard_world())
    case.act("preservation.registered", HEAD, PRESERVE, at=beijing(2026, 4, 30))  # due 2026-05-13 (May Day holiday)
    version = case.version
    _cosign(case, version, OFFICER_1, OFFICER_2, at=beijing(2026, 4, 30, 10))
    return case, version


def test_seizing_preserved_evidence_without_a_seizure_imposed_is_refused() -> None:
    case, version = _preserved()
    refuse(case, "preservation.decided", HEAD, {"preservation": version, "outcome": "seized", "reason": "依法扣押"}, beijing(2026, 5, 6),
           r.PreservationSeizedWithoutMeasure, "preservation-seized-without-measure", f"{ACL}第十八条")


def test_seizing_preserved_evidence_after_7_working_days_is_refused_returning_it_accepted() -> None:
    case, version = _preserved()
    _seize(case, beijing(2026, 5, 6))
    late = beijing(2026, 5, 14)
    refuse(case, "preservation.decided", HEAD, {"preservation": version, "outcome": "seized", "reason": "依法扣押"}, late,
           r.PreservationLapsed, "preservation-lapsed", f"{APL}第五十六条")
    assert case.act("preservation.decided", HEAD, {"preservation": version, "outcome": "returned", "reason": "逾期解除"}, at=late).preservations[0].outcome == "returned"


def _seize(case: CaseFile, at: dt.datetime) -> None:
    case.act("coercion.imposed", HEAD, coercion([OFFICER_1, OFFICER_2], HEAD), at=at)
    _cosign(case, case.version, OFFICER_1, OFFICER_2, at=at)


def test_seizing_preserved_evidence_on_the_7th_working_day_is_accepted() -> None:
    case, version = _preserved()
    _seize(case, beijing(2026, 5, 6))
    state = case.act("preservation.decided", HEAD, {"preservation": version, "outcome": "seized", "reason": "依法扣押"}, at=beijing(2026, 5, 13, 16))
    assert state.preservations[0].outcome == "seized"


# -- 5. 从旧兼从轻 (Art 37) for the notice: kinds added after the violation are not proposed ---------------------------
def _kinds_added_after_the_violation() -> CaseFile:
    world = standard_world()
    terms = {**ITEMS[ITEM_LICENCE_DISPLAY], "penalty_kinds": ["fine", "suspend_business"], "reason": "条例修订"}
    world.registry_act(f"item:{ITEM_LICENCE_DISPLAY}", "item.amended", CATALOG_KEEPER, terms, at=START + 5 * D)
    return investigated_case(world)


def test_a_notice_proposing_a_kind_added_after_the_violation_is_refused() -> None:
    refuse(_kinds_added_after_the_violation(), "notice.issued", OFFICER_1, notice(["fine", "suspend_business"], 1_500_000, band="general"),
           START + 8 * D, r.PenaltyNotInBasis, "penalty-not-in-basis", f"{APL}第三十八条")


def test_a_notice_within_the_terms_at_the_violation_is_accepted() -> None:
    state = _kinds_added_after_the_violation().act("notice.issued", OFFICER_1, notice(["fine"], 1_500_000, band="general"), at=START + 8 * D)
    assert state.notice is not None and state.notice.penalties == ["fine"]


# -- 6. a statement after the window is still heard (Art 45: the agency hears the party; refusing would hide it) -----
def test_a_late_statement_is_recorded_and_does_not_hold_the_decision_back() -> None:
    case = notified_case(standard_world())
    late: dict[str, Any] = {"summary": "逾期陈述", "content_sha256": sha("逾期陈述"), "paper_sha256": sha("纸质陈述"),
                            "posted_on": None, "envelope_sha256": None}
    state = case.act("statement.made", OFFICER_2, late, at=DECIDE_AT - D)  # the window closed on day 15
    assert len(state.statements) == 1
    assert case.act("decision.made", HEAD, decision(["fine"], 1_500_000, ENDED, band="general"), at=DECIDE_AT).decision is not None


def test_a_late_statement_still_bars_a_heavier_decision() -> None:
    case = notified_case(standard_world())
    case.act("statement.made", OFFICER_2, {"summary": "逾期申辩", "content_sha256": sha("申辩"), "paper_sha256": sha("纸"),
                                            "posted_on": None, "envelope_sha256": None}, at=DECIDE_AT - D)
    refuse(case, "decision.made", HEAD, decision(["fine"], 1_800_000, ENDED, band="general"), DECIDE_AT,
           r.HeavierAfterDefence, "heavier-after-defence", f"{APL}第四十五条")


def test_a_lawsuit_against_a_decision_that_did_not_state_the_period_is_in_time_for_a_year() -> None:
    case = _served(remedies_stated=False)
    assert case.act("litigation.filed", OFFICER_2, SUIT, at=beijing(2026, 10, 8)).remedies[-1].kind == "litigation"  # past 6 months
    refuse(_served(remedies_stated=False), "litigation.filed", OFFICER_2, SUIT, beijing(2027, 3, 30),
           r.LitigationWindowClosed, "litigation-window-closed", "《最高人民法院关于适用〈中华人民共和国行政诉讼法〉的解释》第六十四条")


# -- 7. closure: a decision that was never served (a no-penalty decision too) has not reached the party ------------
def test_closing_a_case_whose_no_penalty_decision_was_not_served_is_refused() -> None:
    case = standard_world().case()
    steps = no_penalty_case(START, until="served")
    case.play(steps[:-1], START)
    refuse(case, "case.closed", OFFICER_1, {"summary": "不予处罚"}, START + 9 * D,
           r.ClosureBeforePerformance, "closure-before-performance", f"{APL}第六十一条")
    case.play(steps[-1:], START)
    assert case.act("case.closed", OFFICER_1, {"summary": "不予处罚"}, at=START + 9 * D).closed_at is not None


# -- 8. ACL Art 17: the power of coercive measures is not entrusted -----------------------------------------------
def test_a_seizure_by_a_township_acting_on_an_entrusted_item_is_refused() -> None:
    case = standard_world().case()
    case.play(entrusted_case(START), START)
    refuse(case, "coercion.imposed", JIAOQIAO_HEAD, coercion([JIAOQIAO_1, JIAOQIAO_2], JIAOQIAO_HEAD), START + 5 * D,
           r.CoercionNotEntrustable, "coercion-not-entrustable", f"{ACL}第十七条", 403)


def test_a_seizure_by_the_agency_holding_the_item_itself_is_accepted() -> None:
    case = standard_world().case()
    case.play(investigated(START, ITEM_GRAFFITI, CITIZEN), START)
    state = case.act("coercion.imposed", HEAD, coercion([OFFICER_1, OFFICER_2], HEAD), at=START + 5 * D)
    assert state.measures[-1].approved_by == HEAD


# -- 9. 国务院令310 Arts 9, 13: a file the judicial organ returned (not filed) is decided by the agency --------------
def _transferred(until: str = "received") -> CaseFile:
    case = standard_world().case()
    case.play(transferred_case(START, until=until), START)
    return case


RETURNED = {"organ": "赣江新区公安分局", "receipt_ref": "不予立案通知书〔2026〕3号", "outcome": "declined"}


def test_a_case_with_the_judicial_organ_is_not_decided_here() -> None:
    refuse(_transferred(), "no_penalty.decided", HEAD, NO_PENALTY, START + 10 * D,
           r.ActNotAllowedNow, "act-not-allowed-now", f"{APL}第五十九条")


def test_a_case_the_judicial_organ_returned_is_decided_here() -> None:
    case = _transferred()
    state = case.act("transfer.receipt", OFFICER_1, RETURNED, at=START + 20 * D)
    assert state.status == "investigating" and not state.transfer_sent
    assert case.act("no_penalty.decided", HEAD, NO_PENALTY, at=START + 21 * D).decision is not None


def test_closing_a_returned_case_as_transferred_is_refused() -> None:
    case = _transferred()
    case.act("transfer.receipt", OFFICER_1, RETURNED, at=START + 20 * D)
    refuse(case, "case.closed", OFFICER_1, {"summary": "已移送"}, START + 21 * D,
           r.ClosureBeforePerformance, "closure-before-performance", r.ClosureBeforePerformance.article)


# -- 10. APL Art 66: deferral or instalments on the party's application and the head's approval --------------------
DEFERRAL = {"kind": "deferral", "reason": "经营困难", "until": "2026-06-30", "instalments": [], "application_sha256": sha("暂缓缴纳申请")}


def test_a_deferral_without_the_party_application_or_by_an_officer_is_refused() -> None:
    case = _served()
    refuse(case, "payment.deferred", HEAD, {**DEFERRAL, "application_sha256": None}, beijing(2026, 4, 3),
           r.DeferralWithoutApplication, "deferral-without-application", f"{APL}第六十六条")
    refuse(case, "payment.deferred", OFFICER_1, DEFERRAL, beijing(2026, 4, 3),
           r.AgencyHeadRequired, "agency-head-required", f"{APL}第六十六条", 403)


def test_a_deferral_applied_for_and_approved_by_the_head_moves_the_payment_day() -> None:
    case = _served()
    state = case.act("payment.deferred", HEAD, DEFERRAL, at=beijing(2026, 4, 3))
    clocks = {c.rule: c for c in deadlines(state, case.world.registry)}
    assert clocks["payment.window"].due == dt.date(2026, 6, 30)
    refuse(_served(), "payment.deferred", HEAD, {**DEFERRAL, "until": "2026-04-03"}, beijing(2026, 4, 3),
           MalformedAct, "malformed-act", "", 400)


# -- 11. hearing time left out of the decision time limit only while a requested hearing is pending ---------------
def test_a_hearing_pause_without_a_requested_hearing_is_refused() -> None:
    refuse(notified_case(standard_world()), "pause.started", OFFICER_1, pause("hearing"), START + 10 * D,
           r.ActNotAllowedNow, "act-not-allowed-now", f"{MS_RULES}第六十四条")


def test_a_hearing_pause_while_the_requested_hearing_is_pending_is_accepted() -> None:
    case = notified_case(standard_world(), item=ITEM_EXPIRED_FOOD, party=STORE, fine=6_000_000, band="lighter")  # hearing right
    case.act("hearing.requested", OFFICER_2, {"paper_sha256": sha("听证申请"), "posted_on": None, "envelope_sha256": None}, at=START + 9 * D)
    assert case.act("pause.started", OFFICER_1, pause("hearing"), at=START + 10 * D).pauses[-1].kind == "hearing"


def test_a_reconsideration_lodged_in_time_but_recorded_later_is_accepted() -> None:
    lodged = {**RECONSIDERATION, "lodged_on": "2026-05-26", "lodged_sha256": sha("行政复议答复通知书")}
    assert _served().act("reconsideration.filed", OFFICER_2, lodged, at=beijing(2026, 6, 10)).status == "under_review"
    refuse(_served(), "reconsideration.filed", OFFICER_2, {**lodged, "lodged_on": "2026-05-28"}, beijing(2026, 6, 10),
           r.ReconsiderationWindowClosed, "reconsideration-window-closed", f"{ARL}第二十条")
    refuse(_served(), "reconsideration.filed", OFFICER_2, {**lodged, "lodged_sha256": None}, beijing(2026, 6, 10),
           MalformedAct, "malformed-act", "", 400)
