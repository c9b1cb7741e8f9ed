"""Session 13, a fifth adversarial review of the procedure rules: acts the ledger accepted although a court would
hold them unlawful, and lawful acts it refused. Each unlawful act is refused with its class, code and article,
leaving the case as it was, and its lawful variant at the same point is accepted. Dates are Beijing dates; START is
Monday 2026-03-02, 09:00.

1. An emergency seizure the head never approved, extended or given a testing period instead of being lifted, or
   relied on to seize preserved evidence (ACL Art 19).
2. A reconsideration or judgment that "changes" the fine upwards, to the applicant's detriment (复议法 Art 63;
   行政诉讼法 Art 77).
3. A lawful lawsuit refused after the party withdrew its reconsideration (the 6 months from service still run,
   行诉法解释 Art 58), and court enforcement accepted while they ran (ACL Art 53).
4. A lawful lawsuit refused: an on-the-spot decision's reconsideration the body sat on past its longest period
   (复议法 Arts 23(2), 30, 62): the party sues within 15 days after it.
5. A decision made months late because a hearing pause was left running after the hearing was recorded: hearing
   time is left out of the 90 days only while the hearing is pending (APL Art 60; MS rules Art 64).
6. Lawful acts refused: the party's reconsideration or lawsuit once the agency had closed (or archived) the case
   on the paid fine, within the 60 days or 6 months (复议法 Art 20; 行政诉讼法 Art 46), and the decision on them.
7. Cash "collected on the spot" days after the on-the-spot decision, by officers collecting it themselves
   (APL Arts 67–68).
8. A lawful decision refused as late: a test begun before the filing and reported after it was dropped from the
   90 days altogether, instead of leaving out its days after the filing (APL Art 60; MS rules Art 64).
9. A lawful court application refused as late: after an approved deferral, the 3 months run from the deferral's
   end (APL Art 72(2)), not from the end of the remedy periods.
10. A decision made months late because an announcement pause was left running: announcement time is the 30 days
    after which the paper is deemed served (APL Art 60; MS rules Art 64; 民诉法 Art 95).
11. A reconsideration decision "served" before the application was received, closing the 15-day lawsuit window
    before the body decided (行政诉讼法 Art 45): malformed.
12. A late fee counted on the days a reconsideration was already pending, because the application, lodged with the
    body on day 30, was recorded here only on day 70 (APL Art 73).
13. A "deferral" or instalment plan ending within the 15 days to pay, bringing the due date, the late fee and the
    reminder forward (APL Arts 66–67).
14. A second lawsuit over the same decision after the final judgment (行诉法解释 Art 106: a repeated lawsuit).
15. Late fees assessed before a reconsideration lowered the fine, still owed above the new fine (APL Art 72: never
    more than the fine).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from domain import refusals as r
from domain.calendar import local_date, period_end, shift_months
from domain.errors import MalformedAct
from domain.law import ACL, ALL, APL, ARL, MS_RULES, SPC_ALL_INTERPRETATION, rule
from domain.money import late_fee
from domain.procedure import (
    decision_time_limit,
    enforcement_window_end,
    late_fees_due,
    litigation_window,
    payment_due,
    performed,
    reconsideration_body_last_day,
    reconsideration_window,
    remedy_periods_end,
)
from tests.builders import CaseFile, beijing, pause, payment, sha, standard_world, ts
from tests.test_domain_rules import START, D, H, filing, lead, refuse
from zhifa.scenarios import (
    BUREAU,
    HEAD,
    ITEM_EXPIRED_FOOD,
    OFFICER_1,
    OFFICER_2,
    REVIEWER,
    STORE,
    coercion_case,
    hearing_case,
    organisation_case,
    simple_case,
)

# -- 1. ACL Art 19: an emergency measure is approved within 24 hours or lifted, never prolonged unapproved ---------
EXTEND = {"days": 30, "reason": "情况复杂，检验结果尚未出具", "notice_sha256": sha("延长扣押通知书")}
TESTING = {"kind": "testing", "reason": "送检", "fixed_days": 10, "notice_sha256": sha("检测期间告知书")}


def _emergency_seizure() -> tuple[CaseFile, int]:
    """The store's goods seized on the spot on day 3 by two officers in an emergency; the head has not co-signed."""
    case = standard_world().case()
    case.play(coercion_case(START, until="filed"), START)
    officers = [OFFICER_1, OFFICER_2]
    case.act("credentials.shown", OFFICER_1, {"officers": officers, "to": "party"}, at=START + 3 * D)
    case.act("rights.informed", OFFICER_1, {"officers": officers, "rights": ["陈述权", "申辩权"]}, at=START + 3 * D)
    state = case.act("coercion.imposed", OFFICER_1, {
        "kind": "seize", "officers": officers, "items": ["过期食品 120 件"], "reason": "情况紧急，防止转移",
        "days": 30, "approved_by": HEAD, "emergency": True,
    }, at=START + 3 * D + H)
    m = state.measures[0].version
    case.act("act.cosigned", OFFICER_2, {"act_version": m}, at=START + 3 * D + 2 * H)
    return case, m


def _measure(m: int, **extra: Any) -> dict[str, Any]:
    return {"measure": m, **extra}


def test_an_unapproved_emergency_seizure_is_not_extended_or_paused_after_its_24_hours() -> None:
    case, m = _emergency_seizure()
    article = f"{ACL}第十九条"
    refuse(case, "coercion.extended", HEAD, _measure(m, **EXTEND), START + 28 * D,
           r.CoercionUnapproved, "coercion-unapproved", article)
    refuse(case, "pause.started", OFFICER_1, _measure(m, **TESTING), START + 6 * D,
           r.CoercionUnapproved, "coercion-unapproved", article)
    refuse(case, "act.cosigned", HEAD, {"act_version": m}, START + 6 * D, r.CoercionApprovalLate, "coercion-approval-late", article)
    assert case.act("coercion.lifted", OFFICER_1, _measure(m, reason="未在24小时内补办批准手续，立即解除"), at=START + 6 * D).measures[0].lifted_at


def test_an_emergency_seizure_within_its_24_hours_is_approved_before_it_is_paused() -> None:
    case, m = _emergency_seizure()
    err = refuse(case, "pause.started", OFFICER_1, _measure(m, **TESTING), START + 3 * D + 3 * H,
                 r.CoercionUnapproved, "coercion-unapproved", f"{ACL}第十九条")
    assert "approves it first" in err.detail
    case.act("act.cosigned", HEAD, {"act_version": m}, at=START + 3 * D + 4 * H)
    assert case.act("pause.started", OFFICER_1, _measure(m, **TESTING), at=START + 3 * D + 5 * H).pauses[-1].measure == m


def _preserved_then_seized_in_an_emergency() -> tuple[CaseFile, int, int]:
    """Evidence preserved on day 2 (approved and signed by the head); the goods seized on the spot on day 3 in an
    emergency, the head not yet co-signing. Returns the case, the preservation's and the seizure's versions."""
    case = standard_world().case()
    case.play(coercion_case(START, until="filed"), START)
    officers = [OFFICER_1, OFFICER_2]
    case.act("credentials.shown", OFFICER_1, {"officers": officers, "to": "party"}, at=START + 2 * D)
    case.act("rights.informed", OFFICER_1, {"officers": officers, "rights": ["陈述权", "申辩权"]}, at=START + 2 * D)
    state = case.act("preservation.registered", HEAD, {"officers": officers, "items": ["过期食品 120 件"], "approved_by": HEAD,
                                                       "record_sha256": sha("先行登记保存清单"), "emergency": False}, at=START + 2 * D + H)
    kept = state.preservations[0].version
    for officer in officers:
        case.act("act.cosigned", officer, {"act_version": kept}, at=START + 2 * D + 2 * H)
    state = case.act("coercion.imposed", OFFICER_1, {
        "kind": "seize", "officers": officers, "items": ["过期食品 120 件"], "reason": "情况紧急，防止转移",
        "days": 30, "approved_by": HEAD, "emergency": True,
    }, at=START + 3 * D)
    m = state.measures[0].version
    case.act("act.cosigned", OFFICER_2, {"act_version": m}, at=START + 3 * D + H)
    return case, kept, m


def test_preserved_evidence_is_not_seized_on_an_unapproved_emergency_seizure() -> None:
    case, kept, m = _preserved_then_seized_in_an_emergency()
    seized = {"preservation": kept, "outcome": "seized", "reason": "依法转为扣押"}
    refuse(case, "preservation.decided", HEAD, seized, START + 3 * D + 1.5 * H, r.CoercionUnapproved, "coercion-unapproved", f"{ACL}第十九条")
    case.act("act.cosigned", HEAD, {"act_version": m}, at=START + 3 * D + 2 * H)
    assert case.act("preservation.decided", HEAD, seized, at=START + 5 * D).preservations[0].outcome == "seized"


def test_an_approved_emergency_seizure_is_extended_before_it_runs_out() -> None:
    case, m = _emergency_seizure()
    case.act("act.cosigned", HEAD, {"act_version": m}, at=START + 4 * D)
    assert case.act("coercion.extended", HEAD, _measure(m, **EXTEND), at=START + 28 * D).measures[0].extension_days == 30


# -- 2. 复议法 Art 63, 行政诉讼法 Art 77: a change obtained by the party is never a heavier fine ------------------------
SUIT = {"body": "南昌铁路运输法院", "posted_on": None, "envelope_sha256": None}


def _changed(fine_fen: int | None, outcome: str = "changed") -> dict[str, Any]:
    return {"outcome": outcome, "changed_fine_fen": fine_fen, "final": True, "served_at": None}


def _under_reconsideration() -> CaseFile:
    """The company fined 15,000 yuan (served day 26) applied for reconsideration on day 30."""
    case = standard_world().case()
    case.play(organisation_case(START, until="under_reconsideration"), START)
    return case


def test_a_reconsideration_raising_the_fine_is_refused_and_one_lowering_it_accepted() -> None:
    case = _under_reconsideration()
    refuse(case, "reconsideration.decided", OFFICER_2, _changed(3_000_000), START + 60 * D,
           r.ChangeToDetriment, "change-to-detriment", f"{ARL}第六十三条")
    state = case.act("reconsideration.decided", OFFICER_2, _changed(1_000_000), at=START + 60 * D)
    assert state.decision is not None and state.decision.money_due_fen == 1_000_000


def test_a_judgment_raising_the_fine_the_reconsideration_lowered_is_refused() -> None:
    case = _under_reconsideration()
    case.act("reconsideration.decided", OFFICER_2, _changed(1_000_000), at=START + 60 * D)
    case.act("litigation.filed", OFFICER_2, SUIT, at=START + 70 * D)
    refuse(case, "litigation.decided", OFFICER_2, _changed(1_200_000), START + 150 * D,
           r.ChangeToDetriment, "change-to-detriment", f"{ALL}第七十七条")
    state = case.act("litigation.decided", OFFICER_2, _changed(800_000), at=START + 150 * D)
    assert state.decision is not None and state.decision.changed_fine_fen == 800_000


def test_a_new_fine_on_an_outcome_that_changes_nothing_is_malformed() -> None:
    case = _under_reconsideration()
    refuse(case, "reconsideration.decided", OFFICER_2, _changed(1_000_000, outcome="upheld"), START + 60 * D,
           MalformedAct, "malformed-act", "", 400)
    refuse(case, "reconsideration.decided", OFFICER_2, _changed(None), START + 60 * D, MalformedAct, "malformed-act", "", 400)


# -- 3. 行诉法解释 Art 58: after a withdrawn reconsideration the 6-month lawsuit window from service still runs ---------
def _withdrawn() -> CaseFile:
    """The company's reconsideration (filed day 30 on the decision served day 26) withdrawn on day 35."""
    case = _under_reconsideration()
    case.act("reconsideration.decided", OFFICER_2, _changed(None, outcome="withdrawn"), at=START + 35 * D)
    return case


def test_a_lawsuit_months_after_a_withdrawn_reconsideration_is_accepted_within_six_months_of_service() -> None:
    case = _withdrawn()
    state = case.act("litigation.filed", OFFICER_2, SUIT, at=START + 100 * D)  # 65 days after the withdrawal
    assert [x.kind for x in state.remedies] == ["reconsideration", "litigation"]


def test_a_lawsuit_after_six_months_from_service_is_refused_after_a_withdrawn_reconsideration() -> None:
    case = _withdrawn()
    served = START + 26 * D + 2 * H
    window = decision_window_end(case)
    assert window == shift_months(local_date(served), 6)  # 2026-09-28, a Monday
    refuse(case, "litigation.filed", OFFICER_2, SUIT, beijing(window.year, window.month, window.day) + D,
           r.LitigationWindowClosed, "litigation-window-closed", rule("litigation.window").article)


def decision_window_end(case: CaseFile) -> dt.date:
    assert case.state is not None
    window = litigation_window(case.state)
    assert window is not None and window.rule_key == "litigation.window"
    return window.date


def test_court_enforcement_waits_for_the_lawsuit_window_a_withdrawn_reconsideration_left_open() -> None:
    case = _withdrawn()
    case.act("reminder.sent", OFFICER_1, {"amount_due_fen": 1_500_000, "method": "direct"}, at=START + 60 * D)
    refuse(case, "court_enforcement.applied", HEAD, {"court": "南昌铁路运输法院"}, START + 100 * D,
           r.EnforcementPremature, "enforcement-premature", f"{ACL}第五十三条、第五十四条")
    window = decision_window_end(case)
    assert case.act("court_enforcement.applied", HEAD, {"court": "南昌铁路运输法院"},
                    at=beijing(window.year, window.month, window.day) + D).court_applied_at is not None


# -- 4. 复议法 Art 23(2): reconsideration first, but a body that overran its period no longer bars the lawsuit ---------
RECONSIDERATION = {"body": "赣江新区管委会（行政复议机关）", "posted_on": None, "envelope_sha256": None}


def _simple_under_reconsideration() -> tuple[CaseFile, dt.date]:
    """The 50-yuan on-the-spot fine (day 0), its reconsideration applied for on day 10 and never decided; returns the
    last day the body could have decided (5 working days to accept, then 60 + 30 days)."""
    case = standard_world().case()
    case.play(simple_case(START, until="reported"), START)
    state = case.act("reconsideration.filed", OFFICER_2, RECONSIDERATION, at=START + 10 * D)
    return case, reconsideration_body_last_day(state.remedies[-1]).date


def test_a_lawsuit_after_the_body_overran_its_period_on_an_on_the_spot_decision_is_accepted() -> None:
    case, last = _simple_under_reconsideration()
    after = beijing(last.year, last.month, last.day) + D
    assert [x.kind for x in case.act("litigation.filed", OFFICER_2, SUIT, at=after).remedies] == ["reconsideration", "litigation"]


def test_a_lawsuit_on_an_on_the_spot_decision_is_refused_while_the_body_may_still_decide_and_15_days_after() -> None:
    case, last = _simple_under_reconsideration()
    on_time = beijing(last.year, last.month, last.day)
    refuse(case, "litigation.filed", OFFICER_2, SUIT, on_time, r.RemedyChannelTaken, "remedy-channel-taken", f"{ARL}第二十九条")
    refuse(case, "litigation.filed", OFFICER_2, SUIT, on_time + 16 * D, r.LitigationWindowClosed, "litigation-window-closed",
           rule("litigation.after_reconsideration").article)


def test_a_lawsuit_on_an_on_the_spot_decision_without_reconsideration_is_still_refused() -> None:
    case = standard_world().case()
    case.play(simple_case(START, until="reported"), START)
    refuse(case, "litigation.filed", OFFICER_2, SUIT, START + 10 * D, r.ReconsiderationFirst, "reconsideration-first", f"{ARL}第二十三条")


# -- 5. APL Art 60, MS rules Art 64: hearing time is excluded only while the hearing is pending ---------------------
def _hearing_paused(withdraw: bool = False) -> CaseFile:
    """The store's case (filed day 1): the hearing requested on day 13 and its time paused from then; the pause is
    never ended. The hearing is held and recorded on day 35 (or, ``withdraw``, the request withdrawn on day 20)."""
    case = standard_world().case()
    steps = hearing_case(START, until="hearing")
    case.play(steps, START)
    case.act("pause.started", HEAD, pause("hearing", reason="听证期间不计入办案期限"), at=START + 14 * D + 2 * H)
    if withdraw:
        case.act("hearing.withdrawn", OFFICER_1, {"paper_sha256": sha("撤回听证申请书")}, at=START + 20 * D)
        case.act("legal.reviewed", REVIEWER, {"outcome": "passed", "opinion": "维持拟处罚意见"}, at=START + 37 * D)
        return case
    decided = hearing_case(START, until="decided")
    case.play(decided[len(steps):-1], START)  # held and recorded day 35, legal review day 37; not yet decided
    return case


def _decision() -> dict[str, Any]:
    payload = hearing_case(START, until="decided")[-1].payload
    assert payload["penalties"] == ["fine", "confiscate_gains"]
    return payload


def _last_day(case: CaseFile, at: dt.datetime) -> dt.datetime:
    assert case.state is not None
    limit = decision_time_limit(case.state, at)
    assert limit is not None
    return beijing(limit.date.year, limit.date.month, limit.date.day)


def test_a_hearing_pause_left_running_after_the_hearing_does_not_keep_the_time_limit_open() -> None:
    case = _hearing_paused()
    filed = local_date(START + D)
    last = _last_day(case, START + 200 * D)
    # 90 days from filing plus the 21 days the hearing ran (day 14 to day 35), not the time the pause stayed open.
    assert local_date(last) == period_end(filed, 90 + 21, "calendar_days").date == local_date(_last_day(case, START + 40 * D))
    refuse(case, "decision.made", HEAD, _decision(), last + D, r.DecisionTimeLimitExceeded, "decision-time-limit",
           rule("decision.time_limit").article)
    assert case.act("decision.made", HEAD, _decision(), at=last).decision is not None


def test_a_hearing_pause_stops_counting_when_the_request_is_withdrawn() -> None:
    case = _hearing_paused(withdraw=True)
    last = _last_day(case, START + 200 * D)
    assert local_date(last) == period_end(local_date(START + D), 90 + 6, "calendar_days").date  # day 14 to day 20 (a Sunday: Monday)
    refuse(case, "decision.made", HEAD, _decision(), last + D, r.DecisionTimeLimitExceeded, "decision-time-limit",
           rule("decision.time_limit").article)


def test_a_hearing_pause_still_counts_while_the_hearing_is_pending() -> None:
    case = standard_world().case()
    case.play(hearing_case(START, until="hearing"), START)
    state = case.act("pause.started", HEAD, pause("hearing", reason="听证"), at=START + 14 * D + 2 * H)
    limit = decision_time_limit(state, START + 30 * D)
    assert limit is not None and limit.date == period_end(local_date(START + D), 90 + 16, "calendar_days").date  # day 14 to day 30


# -- 6. 复议法 Art 20, 行政诉讼法 Art 46: closing the file does not end the party's remedies --------------------------
def test_a_reconsideration_of_an_on_the_spot_fine_after_the_case_closed_is_accepted_within_60_days() -> None:
    case = standard_world().case()
    state = case.play(simple_case(START, until="closed"), START)  # fined, paid and reported on day 0, closed day 1
    window = reconsideration_window(state)
    assert window is not None and window.date == dt.date(2026, 5, 6)  # 60 days end on 05-01, in the May Day holiday
    refuse(case, "reconsideration.filed", OFFICER_2, RECONSIDERATION, beijing(2026, 5, 7),
           r.ReconsiderationWindowClosed, "reconsideration-window-closed", rule("reconsideration.window").article)
    state = case.act("reconsideration.filed", OFFICER_2, RECONSIDERATION, at=START + 30 * D)
    assert state.status == "closed" and [x.kind for x in state.remedies] == ["reconsideration"]
    state = case.act("reconsideration.decided", OFFICER_2, _changed(None, outcome="revoked"), at=START + 80 * D)
    assert state.decision is not None and state.decision.void and state.status == "closed"


def test_a_lawsuit_after_the_case_was_archived_is_accepted_and_an_order_to_remake_reopens_it() -> None:
    case = standard_world().case()
    case.play(hearing_case(START, until="archived"), START)  # served day 40, paid day 50, closed 52, archived 55
    case.act("litigation.filed", OFFICER_2, SUIT, at=START + 100 * D)
    state = case.act("litigation.decided", OFFICER_2, _changed(None, outcome="remake"), at=START + 160 * D)
    assert (state.closed_at, state.archived_at, state.decision, state.remade_at) == (None, None, None, START + 160 * D)
    assert state.status == "investigating"
    notice = {**hearing_case(START, until="notified")[-2].payload}
    assert case.act("notice.issued", OFFICER_1, notice, at=START + 170 * D).notice is not None


def test_a_closed_case_still_refuses_investigation() -> None:
    case = standard_world().case()
    case.play(simple_case(START, until="closed"), START)
    refuse(case, "credentials.shown", OFFICER_1, {"officers": [OFFICER_1, OFFICER_2], "to": "party"}, START + 30 * D,
           r.CaseFinished, "case-finished", f"{APL}第四十七条")


# -- 7. APL Arts 67–68: 当场收缴 is at the scene of the on-the-spot decision, not on a later day ----------------------
def _fined_on_the_spot() -> CaseFile:
    case = standard_world().case()
    case.play(simple_case(START, until="decided"), START)  # 50 yuan, decided 09:12 on day 0
    return case


def test_cash_collected_on_a_later_day_than_the_on_the_spot_decision_is_refused() -> None:
    case = _fined_on_the_spot()
    refuse(case, "payment.recorded", OFFICER_1, payment(5_000, "on_the_spot", receipt_ref="财政票据 No.0012346"), START + 3 * D,
           r.OnTheSpotCollectionNotAllowed, "on-the-spot-collection", f"{APL}第六十七条、第六十八条")
    assert case.act("payment.recorded", OFFICER_1, payment(5_000, "bank", receipt_ref="3601-2026-0001"), at=START + 3 * D).paid_fen == 5_000


def test_cash_collected_at_the_scene_or_later_in_a_remote_area_on_request_is_accepted() -> None:
    assert _fined_on_the_spot().act("payment.recorded", OFFICER_1, payment(5_000, "on_the_spot", receipt_ref="票据"),
                                    at=START + 3 * H).paid_fen == 5_000
    state = _fined_on_the_spot().act("payment.recorded", OFFICER_1, payment(5_000, "on_the_spot", receipt_ref="票据", remote_area=True),
                                     at=START + 3 * D)
    assert state.payments[-1].method == "on_the_spot"


# -- 8. MS rules Art 64: testing time after the filing is left out of the 90 days, also for a test begun before it ---
NO_PENALTY = {"ground": "no_fault", "reason": "当事人有证据足以证明没有主观过错", "education_sha256": sha("教育"), "deciding_agency": BUREAU}


def _tested_across_filing(ended_day: int) -> CaseFile:
    """Samples sent for testing on day 1, the lead filed on day 5, the report back on ``ended_day``."""
    case = standard_world().case()
    case.act("lead.received", OFFICER_1, lead(ITEM_EXPIRED_FOOD, STORE), at=START)
    case.act("pause.started", OFFICER_1, pause("testing", reason="抽样送检"), at=START + D)
    case.act("case.filed", OFFICER_1, filing(ITEM_EXPIRED_FOOD, STORE), at=START + 5 * D)
    case.act("pause.ended", OFFICER_1, {"kind": "testing", "measure": None}, at=START + ended_day * D)
    return case


def test_a_test_begun_before_the_filing_leaves_its_days_after_the_filing_out_of_the_90_days() -> None:
    case = _tested_across_filing(25)
    last = period_end(local_date(START + 5 * D), 90 + 20, "calendar_days").date  # the report came 20 days after filing
    at = beijing(last.year, last.month, last.day)
    assert case.state is not None and _last_day(case, at) == at
    refuse(case, "no_penalty.decided", HEAD, NO_PENALTY, at + D, r.DecisionTimeLimitExceeded, "decision-time-limit",
           rule("decision.time_limit").article)
    assert case.act("no_penalty.decided", HEAD, NO_PENALTY, at=at).decision is not None


def test_a_test_reported_before_the_filing_does_not_lengthen_the_90_days() -> None:
    case = _tested_across_filing(4)
    assert local_date(_last_day(case, START + 30 * D)) == period_end(local_date(START + 5 * D), 90, "calendar_days").date


def test_a_remade_procedure_counts_only_the_pauses_begun_after_the_order() -> None:
    case = standard_world().case()
    steps = organisation_case(START, until="investigating")
    case.play(steps, START)
    case.act("pause.started", OFFICER_1, pause("testing", reason="送检"), at=START + 5 * D)
    case.act("pause.ended", OFFICER_1, {"kind": "testing", "measure": None}, at=START + 7 * D)  # before deciding
    case.play(organisation_case(START, until="under_reconsideration")[len(steps):], START)
    state = case.act("reconsideration.decided", OFFICER_2, _changed(None, outcome="remake"), at=START + 60 * D)
    limit = decision_time_limit(state, START + 200 * D)
    assert limit is not None and limit.date == period_end(local_date(START + 60 * D), 90, "calendar_days").date


# -- 9. APL Art 72(2): after a deferral the 3 months to apply to the court run from the deferral's end --------------
COURT = {"court": "南昌铁路运输法院"}


def _deferred_until_day_300() -> CaseFile:
    """The company's 15,000-yuan fine (served day 26) deferred on day 30, on its application, until day 300; unpaid,
    the reminder goes out on day 301. The remedy periods end 6 months after service (2026-09-28)."""
    case = standard_world().case()
    case.play(organisation_case(START, until="served"), START)
    until = local_date(START + 300 * D)
    case.act("payment.deferred", HEAD, {"kind": "deferral", "reason": "当事人确有经济困难", "until": until.isoformat(),
                                        "instalments": [], "application_sha256": sha("暂缓缴纳罚款申请书")}, at=START + 30 * D)
    case.act("reminder.sent", OFFICER_1, {"amount_due_fen": 1_500_000, "method": "direct"}, at=START + 301 * D)
    return case


def test_court_enforcement_after_a_deferral_is_in_time_within_3_months_of_its_end() -> None:
    case = _deferred_until_day_300()
    assert case.state is not None
    last = enforcement_window_end(case.state)
    assert last is not None and last.date == period_end(local_date(START + 300 * D), 3, "months").date
    assert case.act("court_enforcement.applied", HEAD, COURT, at=START + 320 * D).court_applied_at is not None


def test_court_enforcement_more_than_3_months_after_the_deferral_ended_is_refused() -> None:
    case = _deferred_until_day_300()
    assert case.state is not None
    last = enforcement_window_end(case.state)
    assert last is not None
    refuse(case, "court_enforcement.applied", HEAD, COURT, beijing(last.date.year, last.date.month, last.date.day) + D,
           r.EnforcementApplicationLate, "enforcement-application-late", r.EnforcementApplicationLate.article)


# -- 10. MS rules Art 64, 民诉法 Art 95: announcement time is at most the 30 days of the announcement ----------------
def test_an_announcement_pause_left_running_leaves_out_at_most_30_days() -> None:
    case = standard_world().case()
    case.play(organisation_case(START, until="investigating"), START)  # filed day 1
    case.act("pause.started", OFFICER_1, pause("announcement", reason="公告送达告知书"), at=START + 5 * D)
    last = _last_day(case, START + 200 * D)
    assert local_date(last) == period_end(local_date(START + D), 90 + 30, "calendar_days").date
    refuse(case, "no_penalty.decided", HEAD, NO_PENALTY, last + D, r.DecisionTimeLimitExceeded, "decision-time-limit",
           rule("decision.time_limit").article)
    assert case.act("no_penalty.decided", HEAD, NO_PENALTY, at=last).decision is not None


def test_an_announcement_pause_ended_early_leaves_out_only_its_days() -> None:
    case = standard_world().case()
    case.play(organisation_case(START, until="investigating"), START)
    case.act("pause.started", OFFICER_1, pause("announcement", reason="公告"), at=START + 5 * D)
    case.act("pause.ended", OFFICER_1, {"kind": "announcement", "measure": None}, at=START + 15 * D)
    assert local_date(_last_day(case, START + 200 * D)) == period_end(local_date(START + D), 90 + 10, "calendar_days").date


# -- 11. 行政诉讼法 Art 45: the 15 days run from a service that follows the application ------------------------------
def test_a_reconsideration_decision_served_before_the_application_is_malformed() -> None:
    case = _under_reconsideration()  # applied for on day 30
    early = {**_changed(None, outcome="upheld"), "served_at": ts(START + 20 * D)}
    refuse(case, "reconsideration.decided", OFFICER_2, early, START + 80 * D, MalformedAct, "malformed-act",
           rule("litigation.after_reconsideration").article, 400)
    state = case.act("reconsideration.decided", OFFICER_2, {**early, "served_at": ts(START + 79 * D)}, at=START + 80 * D)
    assert state.remedies[-1].served_at == START + 79 * D


# -- 12. APL Art 73: no late fee while a reconsideration is pending, from the day the body received it ----------------
def _reconsideration_recorded_late() -> CaseFile:
    """The company's fine served day 26 (due 15 days later); its reconsideration lodged with the body on day 30 and
    recorded here, with the body's notice, on day 70."""
    case = standard_world().case()
    case.play(organisation_case(START, until="served"), START)
    case.act("reconsideration.filed", OFFICER_2, {**RECONSIDERATION, "lodged_on": local_date(START + 30 * D).isoformat(),
                                                  "lodged_sha256": sha("行政复议受理通知书")}, at=START + 70 * D)
    return case


def test_no_late_fee_runs_from_the_day_the_body_received_the_reconsideration() -> None:
    case = _reconsideration_recorded_late()
    fee = {"amount_fen": 45_000, "as_of": local_date(START + 70 * D).isoformat()}
    refuse(case, "late_fee.assessed", OFFICER_1, fee, START + 70 * D, r.LateFeeExcessive, "late-fee-excessive", r.LateFeeExcessive.article)


def test_a_late_fee_for_the_days_before_the_application_is_accepted() -> None:
    case = standard_world().case()
    case.play(organisation_case(START, until="served"), START)  # served day 26 (11:00): due 15 days later, day 41
    case.act("reconsideration.filed", OFFICER_2, {**RECONSIDERATION, "lodged_on": local_date(START + 43 * D).isoformat(),
                                                  "lodged_sha256": sha("行政复议受理通知书")}, at=START + 70 * D)
    fee = {"amount_fen": 45_000, "as_of": local_date(START + 70 * D).isoformat()}  # 3 % of 15,000 yuan a day: days 42 and 43
    assert case.act("late_fee.assessed", OFFICER_1, fee, at=START + 70 * D).late_fees_fen == 45_000
    refuse(case, "late_fee.assessed", OFFICER_1, {**fee, "amount_fen": 45_001}, START + 70 * D, r.LateFeeExcessive,
           "late-fee-excessive", r.LateFeeExcessive.article)


# -- 13. APL Arts 66–67: a deferral postpones payment, it never shortens the 15 days ----------------------------------
def _plan(*dues: tuple[int, int]) -> dict[str, Any]:
    return {"kind": "instalments", "reason": "当事人确有经济困难", "until": None, "application_sha256": sha("分期缴纳罚款申请书"),
            "instalments": [{"due": local_date(START + day * D).isoformat(), "amount_fen": fen} for day, fen in dues]}


def test_an_instalment_plan_ending_within_the_15_days_to_pay_is_refused() -> None:
    case = standard_world().case()
    case.play(organisation_case(START, until="served"), START)  # served day 26: the party may pay until 04-13
    refuse(case, "payment.deferred", HEAD, _plan((28, 500_000), (30, 1_000_000)), START + 27 * D,
           r.DeferralBeforeDueDate, "deferral-before-due-date", f"{APL}第六十六条、第六十七条")
    deferral = {"kind": "deferral", "reason": "当事人确有经济困难", "until": "2026-04-13", "instalments": [],
                "application_sha256": sha("暂缓缴纳罚款申请书")}
    refuse(case, "payment.deferred", HEAD, deferral, START + 27 * D,
           r.DeferralBeforeDueDate, "deferral-before-due-date", f"{APL}第六十六条、第六十七条")
    state = case.act("payment.deferred", HEAD, _plan((30, 500_000), (70, 1_000_000)), at=START + 27 * D)
    assert state.deferral is not None and state.deferral.instalments[-1] == (local_date(START + 70 * D), 1_000_000)


# -- 14. 行诉法解释 Art 106: no second lawsuit over the decision once the judgment is final --------------------------
def _judged(final: bool) -> CaseFile:
    """The company's fine (served day 26) sued on day 40; judged on day 100 (``final``, or appealable)."""
    case = standard_world().case()
    case.play(organisation_case(START, until="served"), START)
    case.act("litigation.filed", OFFICER_2, SUIT, at=START + 40 * D)
    case.act("litigation.decided", OFFICER_2, {**_changed(None, outcome="upheld"), "final": final}, at=START + 100 * D)
    return case


def test_a_second_lawsuit_after_the_final_judgment_is_refused() -> None:
    refuse(_judged(final=True), "litigation.filed", OFFICER_2, SUIT, START + 110 * D, r.RemedyChannelTaken, "remedy-channel-taken",
           f"{SPC_ALL_INTERPRETATION}第一百零六条")


def test_an_appeal_after_a_first_instance_judgment_is_accepted() -> None:
    state = _judged(final=False).act("litigation.filed", OFFICER_2, {**SUIT, "body": "南昌铁路运输中级法院"}, at=START + 110 * D)
    assert [x.kind for x in state.remedies] == ["litigation", "litigation"]


# -- 15. APL Art 72: the late fees owed never exceed the fine in force, also after it was lowered --------------------
def test_late_fees_above_a_fine_lowered_on_reconsideration_are_not_owed() -> None:
    case = standard_world().case()
    case.play(organisation_case(START, until="served"), START)  # 15,000 yuan, served day 26
    case.act("late_fee.assessed", OFFICER_1, {"amount_fen": 1_500_000, "as_of": local_date(START + 80 * D).isoformat()}, at=START + 80 * D)
    case.act("reconsideration.filed", OFFICER_2, RECONSIDERATION, at=START + 81 * D)
    state = case.act("reconsideration.decided", OFFICER_2, _changed(500_000), at=START + 120 * D)
    assert late_fees_due(state) == 500_000  # the 15,000 yuan assessed, capped at the 5,000-yuan fine now in force
    refuse(case, "payment.recorded", OFFICER_2, payment(2_000_000, receipt_ref="3601-2026-0004"), START + 121 * D,
           r.ActNotAllowedNow, "act-not-allowed-now", f"{APL}第六十七条")
    state = case.act("payment.recorded", OFFICER_2, payment(1_000_000, receipt_ref="3601-2026-0004"), at=START + 121 * D)
    assert performed(state)


# -- APL Art 60: the decision ends the time limit; nothing of it is left to pause -----------------------------------
def test_a_pause_of_the_decision_time_limit_after_the_decision_is_refused() -> None:
    case = standard_world().case()
    case.play(organisation_case(START, until="decided"), START)  # decided on day 26
    article = rule("decision.time_limit").article
    for kind in ("testing", "suspension", "announcement"):
        refuse(case, "pause.started", HEAD, pause(kind), START + 27 * D, r.ActNotAllowedNow, "act-not-allowed-now", article)


def test_a_pause_of_the_decision_time_limit_before_the_decision_is_accepted() -> None:
    case = standard_world().case()
    case.play(organisation_case(START, until="notified"), START)
    state = case.act("pause.started", HEAD, pause("testing"), at=START + 9 * D)
    assert state.pauses[-1].kind == "testing" and state.pauses[-1].ended_at is None


# -- MS rules Art 64: a testing or suspension pause still open is ended before the decision ------------------------
def _decision_step_after(kind: str, until: str = "decided") -> tuple[CaseFile, Any]:
    """The company's case notified on day 8, a ``kind`` pause of the time limit begun on day 9, and the decision step
    of the story (day 26) not yet played."""
    case = standard_world().case()
    notified = organisation_case(START, until="notified")
    case.play(notified, START)
    case.act("pause.started", HEAD, pause(kind), at=START + 9 * D)
    (decision,) = [s for s in organisation_case(START, until=until)[len(notified):] if s.type == "decision.made"]
    return case, decision


def test_a_decision_while_a_testing_or_suspension_pause_is_open_is_refused() -> None:
    for kind in ("testing", "suspension"):
        case, step = _decision_step_after(kind)
        err = refuse(case, step.type, step.actor, step.payload, START + step.offset, r.PauseStillOpen, "pause-still-open",
                     f"{MS_RULES}第六十四条")
        assert f"the {kind} pause begun on {local_date(START + 9 * D)} is still open" in err.detail


def test_a_decision_after_the_pause_was_ended_is_accepted_with_its_days_left_out() -> None:
    case, step = _decision_step_after("testing")
    case.act("pause.ended", OFFICER_1, {"kind": "testing", "measure": None}, at=START + 12 * D)
    state = case.act(step.type, step.actor, step.payload, at=START + step.offset)
    assert state.decision is not None and state.pauses[-1].ended_at == START + 12 * D


def test_a_no_penalty_decision_while_a_testing_pause_is_open_is_refused() -> None:
    case = standard_world().case()
    case.play(organisation_case(START, until="investigating"), START)
    case.act("pause.started", OFFICER_1, pause("testing"), at=START + 5 * D)
    decided = {"ground": "no_fault", "reason": "当事人有证据足以证明没有主观过错", "education_sha256": sha("教育记录"), "deciding_agency": BUREAU}
    refuse(case, "no_penalty.decided", HEAD, decided, START + 20 * D, r.PauseStillOpen, "pause-still-open", f"{MS_RULES}第六十四条")
    case.act("pause.ended", OFFICER_1, {"kind": "testing", "measure": None}, at=START + 20 * D)
    assert case.act("no_penalty.decided", HEAD, decided, at=START + 20 * D).decision is not None


# -- 行诉法 Art 85: an appeal within 15 days of the first-instance judgment; after them the judgment is in force -----
APPEAL = {**SUIT, "body": "南昌铁路运输中级法院"}


def test_an_appeal_after_the_15_days_is_refused_and_one_on_the_15th_day_accepted() -> None:
    last = period_end(local_date(START + 100 * D), 15, "calendar_days").date
    late = dt.datetime.combine(last + dt.timedelta(days=1), dt.time(2), tzinfo=dt.UTC)
    err = refuse(_judged(final=False), "litigation.filed", OFFICER_2, APPEAL, late, r.LitigationWindowClosed,
                 "litigation-window-closed", f"{ALL}第八十五条")
    assert str(last) in err.detail
    state = _judged(final=False).act("litigation.filed", OFFICER_2, APPEAL, at=dt.datetime.combine(last, dt.time(2), tzinfo=dt.UTC))
    assert [x.kind for x in state.remedies] == ["litigation", "litigation"]


def test_an_unappealed_first_instance_judgment_ends_the_remedy_periods_when_the_15_days_run_out() -> None:
    state = _judged(final=False).state
    assert state is not None
    end = remedy_periods_end(state)
    assert end is not None and end.date == period_end(local_date(START + 100 * D), 15, "calendar_days").date


def test_no_late_fee_runs_in_the_15_days_to_appeal_a_first_instance_judgment() -> None:
    case = _judged(final=False)  # due 15 days after service on day 26; sued day 40, judged day 100
    assert case.state is not None
    due = payment_due(case.state)
    assert due is not None
    as_of = START + 130 * D
    appeal_ends = period_end(local_date(START + 100 * D), 15, "calendar_days").date
    cap = late_fee(1_500_000, due.date, local_date(as_of), [(START + 40 * D, appeal_ends)])
    assert cap < late_fee(1_500_000, due.date, local_date(as_of), [(START + 40 * D, START + 100 * D)])  # the 15 days count
    fee = {"amount_fen": cap + 1, "as_of": local_date(as_of).isoformat()}
    refuse(case, "late_fee.assessed", OFFICER_1, fee, as_of, r.LateFeeExcessive, "late-fee-excessive", f"{APL}第七十二条")
    assert case.act("late_fee.assessed", OFFICER_1, {**fee, "amount_fen": cap}, at=as_of).late_fees_fen == cap


def test_the_appeal_window_is_a_clock_while_open_and_leaves_the_list_when_it_closes() -> None:
    from domain.deadlines import deadlines

    case = _judged(final=False)
    assert case.state is not None
    last = period_end(local_date(START + 100 * D), 15, "calendar_days").date
    open_ = [c for c in deadlines(case.state, case.world.registry, START + 101 * D) if c.rule == "litigation.appeal_window"]
    assert [c.due for c in open_] == [last]
    after = dt.datetime.combine(last + dt.timedelta(days=1), dt.time(4), tzinfo=dt.UTC)
    assert not [c for c in deadlines(case.state, case.world.registry, after) if c.rule == "litigation.appeal_window"]
    final = _judged(final=True).state
    assert final is not None and not [c for c in deadlines(final, case.world.registry, START + 101 * D) if c.rule == "litigation.appeal_window"]
