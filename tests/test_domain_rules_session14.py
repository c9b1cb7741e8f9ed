"""Session 14, a sixth adversarial review of the procedure rules ("rules audit 6"): acts the ledger accepted
although a court would hold them unlawful, and lawful acts it refused. Each unlawful act is refused with its class,
code and article, leaving the case as it was, and its lawful variant at the same point is accepted. Dates are
Beijing dates; START is Monday 2026-03-02, 09:00.

1. A decision remade on an order to remake, resting on the legal review and the collective discussion of the
   decision the order voided (APL Arts 57, 58).
2. After an order to remake, the same decision again on the same facts and reasons (复议法 Art 64(2); 行政诉讼法
   Art 71) — lawful with new facts (evidence or a record made after the order), a lighter decision, or when the
   order rested on a breach of procedure alone (行诉法解释 Art 90).
3. A hearing "held" with the party absent on another day than the one it was told of, taken as the party's waiver
   (APL Art 64(2), (6)).
4. A hearing held by the presider whose withdrawal the party asked for, before the head decided (APL Arts 43,
   64(4)).
5. A reminder (催告) "served" by announcement with no ground, left at the residence with no record, or by e-mail
   without the party's consent — and court enforcement 10 working days later (ACL Arts 38, 54; 民诉法 Arts 89–90,
   95).
6. A reminder demanding more than the party owes — the fine twice over, or late fees above the fine (ACL Art 35;
   APL Art 72).
7. Court enforcement resting on a reminder sent before a deferral moved the due date: the party's default on the
   new date was never reminded of (APL Art 66; ACL Art 54).
8. A licence revocation published in the "minor" class, so that credit repair ended its publicity days later
   (《信用修复管理办法》: serious penalties 1 to 3 years).
9. A decision on a second, heavier notice — one that alone needs legal review — resting on a review made before
   the first, lighter one (APL Art 58).
10. A complex case decided on a collective discussion held before the legal review: the heads decided an
    unreviewed case (APL Arts 57(2), 58).
11. Court enforcement resting on a reminder of the fine a reconsideration has since lowered (ACL Arts 35(3), 54).
"""

from __future__ import annotations

from typing import Any

from domain import refusals as r
from domain.errors import MalformedAct
from domain.law import ACL, ALL, APL, ARL, CPL
from domain.refusals import ActNotAllowedNow
from tests.builders import CaseFile, decision, evidence, hearing_at, notice, service, sha, standard_world
from tests.test_domain_rules import ENDED, HEADS, START, D, H, refuse
from zhifa.scenarios import (
    COMPANY,
    HEAD,
    ITEM_EXPIRED_FOOD,
    OFFICER_1,
    OFFICER_2,
    OFFICER_3,
    REVIEWER,
    Step,
    hearing_case,
    investigated,
    organisation_case,
)

RECONSIDERATION = {"body": "赣江新区管委会（行政复议机关）", "posted_on": None, "envelope_sha256": None}


def _outcome(outcome: str, **extra: Any) -> dict[str, Any]:
    return {"outcome": outcome, "changed_fine_fen": None, "final": True, "served_at": None, **extra}


def _step(steps: list[Step], type: str) -> dict[str, Any]:
    return dict(next(s for s in steps if s.type == type).payload)


ORG_NOTICE = _step(organisation_case(START, until="notified"), "notice.issued")
ORG_DECISION = _step(organisation_case(START, until="decided"), "decision.made")


def _discuss(case: CaseFile, at: Any) -> None:
    v = case.version + 1
    case.act("collective.discussed", HEAD, {"participants": HEADS, "conclusion": "同意拟处罚意见"}, at=at)
    for head in HEADS[1:]:
        case.act("act.cosigned", head, {"act_version": v}, at=at + H)


# -- 1. APL Arts 57–58: a remade decision has its own legal review and collective discussion ---------------------
def _remade_complex_case() -> CaseFile:
    """A complex case against the company (filed day 1): reviewed and discussed, fined 15,000 yuan on day 26, served;
    the reconsideration body orders it remade on day 60; a new notice (12,000 yuan) is served on day 61."""
    case = standard_world().case()
    steps = organisation_case(START, until="notified")
    for s in steps:
        if s.type == "case.filed":
            s.payload["complex"] = True
    case.play(steps, START)
    case.act("legal.reviewed", REVIEWER, {"outcome": "passed", "opinion": "事实清楚，证据充分"}, at=START + 20 * D)
    _discuss(case, START + 21 * D)
    case.act("decision.made", HEAD, ORG_DECISION, at=START + 26 * D)
    case.act("service.recorded", OFFICER_2, service("decision"), at=START + 26 * D + 2 * H)
    case.act("reconsideration.filed", OFFICER_2, RECONSIDERATION, at=START + 30 * D)
    case.act("reconsideration.decided", OFFICER_2, _outcome("remake"), at=START + 60 * D)
    case.act("notice.issued", OFFICER_1, {**ORG_NOTICE, "fine_fen": 1_200_000}, at=START + 61 * D)
    case.act("service.recorded", OFFICER_2, service("notice"), at=START + 61 * D + H)
    return case


REMADE = {**ORG_DECISION, "fine_fen": 1_200_000}


def test_a_remade_decision_does_not_rest_on_the_voided_decisions_legal_review() -> None:
    case = _remade_complex_case()
    err = refuse(case, "decision.made", HEAD, REMADE, START + 75 * D, r.LegalReviewRequired, "legal-review-required", f"{APL}第五十八条")
    assert "after the order to remake" in err.detail
    case.act("legal.reviewed", REVIEWER, {"outcome": "passed", "opinion": "重作决定事实清楚"}, at=START + 70 * D)
    err = refuse(case, "decision.made", HEAD, REMADE, START + 75 * D,
                 r.CollectiveDiscussionRequired, "collective-discussion-required", f"{APL}第五十七条")
    assert "since the order to remake" in err.detail
    _discuss(case, START + 71 * D)
    state = case.act("decision.made", HEAD, REMADE, at=START + 75 * D)
    assert state.decision is not None and state.decision.fine_fen == 1_200_000


# -- 2. 复议法 Art 64(2), 行政诉讼法 Art 71: not the same decision again on the same facts and reasons ----------------
def _remade(kind: str = "reconsideration", **order: Any) -> CaseFile:
    """The company fined 15,000 yuan (served day 26); the body (or court) orders the decision remade on day 60; a
    new notice of the same fine is served on day 61."""
    case = standard_world().case()
    case.play(organisation_case(START, until="served"), START)
    if kind == "reconsideration":
        case.act("reconsideration.filed", OFFICER_2, RECONSIDERATION, at=START + 30 * D)
    else:
        case.act("litigation.filed", OFFICER_2, {"body": "南昌铁路运输法院", "posted_on": None, "envelope_sha256": None}, at=START + 30 * D)
    case.act(f"{kind}.decided", OFFICER_2, _outcome("remake", **order), at=START + 60 * D)
    case.act("notice.issued", OFFICER_1, ORG_NOTICE, at=START + 61 * D)
    case.act("service.recorded", OFFICER_2, service("notice"), at=START + 61 * D + H)
    return case


def test_the_same_decision_after_an_order_to_remake_is_refused() -> None:
    case = _remade()
    err = refuse(case, "decision.made", HEAD, ORG_DECISION, START + 75 * D, r.RemadeDecisionSame, "remade-decision-same", f"{ARL}第六十四条第二款")
    assert "no lighter" in err.detail
    state = case.act("decision.made", HEAD, {**ORG_DECISION, "fine_fen": 1_200_000}, at=START + 75 * D)
    assert state.decision is not None and state.decision.fine_fen == 1_200_000


def test_the_same_decision_after_a_court_order_to_remake_is_refused_under_article_71() -> None:
    case = _remade("litigation")
    refuse(case, "decision.made", HEAD, ORG_DECISION, START + 75 * D, r.RemadeDecisionSame, "remade-decision-same", f"{ALL}第七十一条")


def test_the_same_decision_on_new_evidence_after_the_order_is_accepted() -> None:
    case = _remade()
    v = case.version + 1
    case.act("evidence.collected", OFFICER_1, evidence([OFFICER_1, OFFICER_2], START + 62 * D, description="补充调查的经营记录"), at=START + 62 * D)
    case.act("act.cosigned", OFFICER_2, {"act_version": v}, at=START + 62 * D + H)
    assert case.act("decision.made", HEAD, ORG_DECISION, at=START + 75 * D).decision is not None


def test_the_same_decision_after_a_procedural_order_to_remake_is_accepted() -> None:
    case = _remade(procedural_only=True)
    assert case.act("decision.made", HEAD, ORG_DECISION, at=START + 75 * D).decision is not None


def test_a_procedural_ground_on_an_outcome_that_voids_nothing_is_malformed() -> None:
    case = standard_world().case()
    case.play(organisation_case(START, until="under_reconsideration"), START)
    refuse(case, "reconsideration.decided", OFFICER_2, _outcome("upheld", procedural_only=True), START + 60 * D,
           MalformedAct, "malformed-act", "", 400)


# -- 3. APL Art 64(2), (6): absence is a waiver only at the hearing's notified time ------------------------------
HELD_ABSENT = {"presider": OFFICER_3, "party_present": False, "attendees": []}


def _hearing_set_for_day_35() -> CaseFile:
    """The store asked for a hearing on day 13; on day 14 it was told of the hearing on day 35 at 09:00."""
    case = standard_world().case()
    case.play(hearing_case(START, until="hearing"), START)
    return case


def test_an_absence_on_another_day_than_the_notified_one_is_no_waiver() -> None:
    case = _hearing_set_for_day_35()
    article = f"{APL}第六十四条"
    err = refuse(case, "hearing.held", OFFICER_3, HELD_ABSENT, START + 42 * D, r.HearingNotAsNotified, "hearing-not-as-notified", article)
    assert "has not waived" in err.detail
    refuse(case, "hearing.held", OFFICER_3, HELD_ABSENT, START + 35 * D - H, r.HearingNotAsNotified, "hearing-not-as-notified", article)
    refuse(case, "hearing.held", OFFICER_3, HELD_ABSENT, START + 34 * D, ActNotAllowedNow, "act-not-allowed-now", article)
    # A new date, told 7 working days ahead: the party's absence then is its waiver.
    case.act("hearing.scheduled", HEAD, hearing_at(START + 56 * D, OFFICER_3), at=START + 42 * D)
    state = case.act("hearing.held", OFFICER_3, HELD_ABSENT, at=START + 56 * D)
    assert state.hearing_waived_at == START + 56 * D


def test_an_absence_at_the_notified_time_is_a_waiver_and_a_party_present_later_is_heard() -> None:
    case = _hearing_set_for_day_35()
    assert case.act("hearing.held", OFFICER_3, HELD_ABSENT, at=START + 35 * D + H).hearing_waived_at is not None
    case = _hearing_set_for_day_35()
    state = case.act("hearing.held", OFFICER_3, {**HELD_ABSENT, "party_present": True}, at=START + 42 * D)
    assert state.hearing is not None and state.hearing.party_present and state.hearing_waived_at is None


# -- 4. APL Arts 43, 64(4): no hearing under a presider the party challenged, until the head decides ---------------
RECUSAL = {"officer": OFFICER_3, "by": "party", "reason": "听证主持人与本案当事人有利害关系"}
HELD = {"presider": OFFICER_3, "party_present": True, "attendees": []}


def test_a_hearing_is_not_held_while_the_presiders_recusal_awaits_the_head() -> None:
    case = _hearing_set_for_day_35()
    case.act("recusal.requested", OFFICER_1, RECUSAL, at=START + 20 * D)
    refuse(case, "hearing.held", OFFICER_3, HELD, START + 35 * D, r.RecusalPending, "recusal-pending", f"{APL}第四十三条、第六十四条")
    case.act("recusal.decided", HEAD, {"officer": OFFICER_3, "upheld": False, "reason": "无利害关系"}, at=START + 34 * D)
    assert case.act("hearing.held", OFFICER_3, HELD, at=START + 35 * D).hearing is not None


def test_an_upheld_recusal_of_the_presider_leaves_the_hearing_to_another() -> None:
    case = _hearing_set_for_day_35()
    case.act("recusal.requested", OFFICER_1, RECUSAL, at=START + 20 * D)
    case.act("recusal.decided", HEAD, {"officer": OFFICER_3, "upheld": True, "reason": "确有利害关系"}, at=START + 21 * D)
    refuse(case, "hearing.held", OFFICER_3, HELD, START + 35 * D, r.OfficerRecused, "officer-recused", f"{APL}第四十三条", 403)
    case.act("hearing.scheduled", HEAD, hearing_at(START + 35 * D, REVIEWER), at=START + 22 * D)
    assert case.act("hearing.held", REVIEWER, {**HELD, "presider": REVIEWER}, at=START + 35 * D).hearing is not None


# -- 5. ACL Art 38: a reminder is served directly, else as the 民事诉讼法 provides ---------------------------------
def _reminder(method: str, **fields: Any) -> dict[str, Any]:
    return {"amount_due_fen": 1_500_000, "method": method, **fields}


def _unpaid() -> CaseFile:
    """The company's 15,000-yuan fine, served day 26, unpaid after the 15 days."""
    case = standard_world().case()
    case.play(organisation_case(START, until="served"), START)
    return case


def test_a_reminder_by_announcement_without_its_ground_is_refused() -> None:
    case = _unpaid()
    refuse(case, "reminder.sent", OFFICER_1, _reminder("announcement"), START + 60 * D,
           r.AnnouncementServiceNotAllowed, "announcement-service-not-allowed", f"{ACL}第三十八条；{CPL}第九十五条")
    failed = [{"method": "mail", "on": "2026-04-28", "record_sha256": sha("退回的邮件")}]
    state = case.act("reminder.sent", OFFICER_1, _reminder("announcement", announcement_ground="other_methods_failed",
                                                             failed_attempts=failed), at=START + 60 * D)
    assert state.reminders == [START + 90 * D]  # deemed served 30 days after it went up


def test_a_reminder_left_at_the_residence_or_sent_electronically_needs_what_the_law_asks() -> None:
    case = _unpaid()
    refuse(case, "reminder.sent", OFFICER_1, _reminder("left_at_residence"), START + 60 * D,
           r.LeftAtResidenceUnrecorded, "left-at-residence-unrecorded", f"{ACL}第三十八条；{CPL}第八十九条")
    refuse(case, "reminder.sent", OFFICER_1, _reminder("electronic", consent_ref="同意电子送达确认书"), START + 60 * D,
           r.ElectronicServiceWithoutConsent, "electronic-service-without-consent", f"{ACL}第三十八条；{CPL}第九十条")
    refuse(case, "reminder.sent", OFFICER_1, _reminder("direct", consent_ref="x"), START + 60 * D, MalformedAct, "malformed-act", "", 400)
    case.act("reminder.sent", OFFICER_1, _reminder("electronic", consent_ref="同意书", confirmation_ref="确认书"), at=START + 60 * D)
    assert case.act("reminder.sent", OFFICER_1, _reminder("left_at_residence", receipt_sha256=sha("留置送达见证")),
                    at=START + 61 * D).reminders[-1] == START + 61 * D


# -- 6. ACL Art 35(3): a reminder demands no more than is owed -------------------------------------------------------
def test_a_reminder_demanding_more_than_is_owed_is_refused() -> None:
    case = _unpaid()  # due 2026-04-13: by day 60 (05-01) 18 days late, 810,000 fen of late fees could have run up
    article = f"{ACL}第三十五条"
    err = refuse(case, "reminder.sent", OFFICER_1, _reminder("direct", amount_due_fen=3_000_000), START + 60 * D,
                 r.ReminderAmountExcessive, "reminder-amount-excessive", article)
    assert "2310000 fen is owed" in err.detail
    refuse(case, "reminder.sent", OFFICER_1, _reminder("direct", amount_due_fen=0), START + 60 * D,
           r.ReminderAmountExcessive, "reminder-amount-excessive", article)
    case.act("reminder.sent", OFFICER_1, _reminder("direct", amount_due_fen=2_310_000), at=START + 60 * D)
    # Months later the late fee has reached the fine: the fine and as much again, never more.
    refuse(case, "reminder.sent", OFFICER_1, _reminder("direct", amount_due_fen=3_000_001), START + 200 * D,
           r.ReminderAmountExcessive, "reminder-amount-excessive", article)
    assert len(case.act("reminder.sent", OFFICER_1, _reminder("direct", amount_due_fen=3_000_000), at=START + 200 * D).reminders) == 2


# -- 7. APL Art 66, ACL Art 54: a reminder before a deferral reminds of a payment since postponed -------------------
COURT = {"court": "南昌铁路运输法院"}


def _reminded_then_deferred() -> CaseFile:
    """The company's fine (served day 26, due 04-13) is reminded of on day 50; on day 55 the head approves, on the
    company's application, a deferral until day 250. Unpaid; the remedy periods end 2026-09-28 (6 months)."""
    case = _unpaid()
    case.act("reminder.sent", OFFICER_1, _reminder("direct"), at=START + 50 * D)
    case.act("payment.deferred", HEAD, {"kind": "deferral", "reason": "当事人确有经济困难", "until": (START + 250 * D).date().isoformat(),
                                        "instalments": [], "application_sha256": sha("暂缓缴纳罚款申请书")}, at=START + 55 * D)
    return case


def test_court_enforcement_on_a_reminder_sent_before_the_deferral_is_refused() -> None:
    case = _reminded_then_deferred()
    article = f"{APL}第六十六条；{ACL}第五十四条"
    # During the deferral, and after it too: the reminder of day 50 came before the new due date.
    refuse(case, "court_enforcement.applied", HEAD, COURT, START + 220 * D, r.EnforcementPremature, "enforcement-premature", article)
    err = refuse(case, "court_enforcement.applied", HEAD, COURT, START + 270 * D, r.EnforcementPremature, "enforcement-premature", article)
    assert "remind the party again" in err.detail
    case.act("reminder.sent", OFFICER_1, _reminder("direct"), at=START + 251 * D)
    refuse(case, "court_enforcement.applied", HEAD, COURT, START + 255 * D, r.EnforcementPremature, "enforcement-premature",
           f"{ACL}第五十三条、第五十四条")
    assert case.act("court_enforcement.applied", HEAD, COURT, at=START + 270 * D).court_applied_at is not None


# -- 8. 《信用修复管理办法》: no lighter publicity class than the penalties give ---------------------------------------
def _revoked_and_paid() -> CaseFile:
    """The store's permit revoked with the fine and gains (decided and served on day 40), paid on day 45."""
    case = standard_world().case()
    steps = hearing_case(START, until="served")
    for step in steps:
        if step.type in ("notice.issued", "decision.made"):
            step.payload["penalties"] = ["fine", "confiscate_gains", "revoke_permit"]
    case.play(steps, START)
    case.act("payment.recorded", OFFICER_2, {"amount_fen": 6_120_000, "method": "bank", "receipt_ref": "缴款书", "hard_to_collect": False,
                                             "remote_area": False}, at=START + 45 * D)
    return case


def _publish(version: int, publicity_class: str | None) -> dict[str, Any]:
    return {"decision_version": version, "publicity_class": publicity_class, "note": ""}


def test_a_revocation_is_not_published_as_minor_or_general() -> None:
    case = _revoked_and_paid()
    assert case.state is not None and case.state.decision is not None
    v = case.state.decision.version
    for lighter in ("minor", "general"):
        err = refuse(case, "disclosure.published", OFFICER_1, _publish(v, lighter), START + 41 * D,
                     r.PublicityClassTooLight, "publicity-class-too-light", "《信用修复管理办法》")
        assert "revoke_permit" in err.detail
    state = case.act("disclosure.published", OFFICER_1, _publish(v, "serious"), at=START + 41 * D)
    assert state.disclosures[0].publicity_class == "serious"
    repair = {"decision_version": v, "reason": "已履行", "application_sha256": sha("信用修复申请")}
    refuse(case, "credit.repaired", HEAD, repair, START + 50 * D, r.CreditRepairTooEarly, "credit-repair-too-early", "《信用修复管理办法》")


def test_a_confiscation_is_not_minor_but_a_fine_may_be_classed_minor_or_heavier() -> None:
    case = standard_world().case()
    case.play(hearing_case(START, until="served"), START)  # fine and confiscated gains
    assert case.state is not None and case.state.decision is not None
    v = case.state.decision.version
    refuse(case, "disclosure.published", OFFICER_1, _publish(v, "minor"), START + 41 * D,
           r.PublicityClassTooLight, "publicity-class-too-light", "《信用修复管理办法》")
    assert case.act("disclosure.published", OFFICER_1, _publish(v, "serious"), at=START + 41 * D).disclosures[0].publicity_class == "serious"
    fined = _unpaid()
    assert fined.state is not None and fined.state.decision is not None
    published = fined.act("disclosure.published", OFFICER_1, _publish(fined.state.decision.version, "minor"), at=START + 27 * D)
    assert published.disclosures[0].publicity_class == "minor"


# -- 9. APL Art 58: a review before a lighter proposal does not cover a heavier decision ----------------------------
def _renotified(review_at: Any) -> CaseFile:
    """The company's food case: a review passed at ``review_at``; notice of 50,000 yuan on day 8 (below the 100,000
    review threshold), then of 100,000 yuan on day 10, served; the company waives the hearing."""
    case = standard_world().case()
    case.play(investigated(START, ITEM_EXPIRED_FOOD, COMPANY), START)
    if review_at is not None:
        case.act("legal.reviewed", REVIEWER, {"outcome": "passed", "opinion": "拟处罚适当"}, at=review_at)
    case.act("notice.issued", OFFICER_1, notice(["fine"], 5_000_000, band="lighter"), at=START + 8 * D)
    case.act("service.recorded", OFFICER_2, service("notice"), at=START + 8 * D + H)
    case.act("notice.issued", OFFICER_1, notice(["fine"], 10_000_000, band="heavier"), at=START + 10 * D)
    case.act("service.recorded", OFFICER_2, service("notice"), at=START + 10 * D + H)
    case.act("right.waived", OFFICER_2, {"right": "hearing", "paper_sha256": sha("放弃听证声明")}, at=START + 11 * D)
    return case


HEAVIER = decision(["fine"], 10_000_000, ENDED, band="heavier")


def test_a_review_before_a_lighter_notice_does_not_cover_the_heavier_decision() -> None:
    case = _renotified(START + 6 * D)
    err = refuse(case, "decision.made", HEAD, HEAVIER, START + 30 * D, r.LegalReviewRequired, "legal-review-required", f"{APL}第五十八条")
    assert "after the lighter notice of 2026-03-10" in err.detail
    case.act("legal.reviewed", REVIEWER, {"outcome": "passed", "opinion": "从重处罚适当"}, at=START + 12 * D)
    assert case.act("decision.made", HEAD, HEAVIER, at=START + 30 * D).decision is not None


def test_a_review_between_the_notices_covers_the_heavier_decision() -> None:
    case = _renotified(None)
    case.act("legal.reviewed", REVIEWER, {"outcome": "passed", "opinion": "拟处罚适当"}, at=START + 9 * D)
    assert case.act("decision.made", HEAD, HEAVIER, at=START + 30 * D).decision is not None


# -- 10. APL Arts 57(2), 58: the heads' discussion decides the reviewed case ---------------------------------------
def _complex_notified() -> CaseFile:
    """A complex case against the company, notified (15,000 yuan) and served on day 8."""
    case = standard_world().case()
    steps = organisation_case(START, until="notified")
    for step in steps:
        if step.type == "case.filed":
            step.payload["complex"] = True
    case.play(steps, START)
    return case


def test_a_collective_discussion_before_the_legal_review_does_not_decide_the_case() -> None:
    case = _complex_notified()
    _discuss(case, START + 19 * D)
    case.act("legal.reviewed", REVIEWER, {"outcome": "passed", "opinion": "事实清楚"}, at=START + 20 * D)
    err = refuse(case, "decision.made", HEAD, ORG_DECISION, START + 26 * D,
                 r.CollectiveDiscussionRequired, "collective-discussion-required", f"{APL}第五十七条、第五十八条")
    assert "came before the legal review" in err.detail
    _discuss(case, START + 21 * D)
    assert case.act("decision.made", HEAD, ORG_DECISION, at=START + 26 * D).decision is not None


def test_a_collective_discussion_after_the_legal_review_decides_the_case() -> None:
    case = _complex_notified()
    case.act("legal.reviewed", REVIEWER, {"outcome": "passed", "opinion": "事实清楚"}, at=START + 20 * D)
    _discuss(case, START + 21 * D)
    assert case.act("decision.made", HEAD, ORG_DECISION, at=START + 26 * D).decision is not None


# -- 11. ACL Arts 35(3), 54: a reminder of a fine since changed on review reminds of no duty in force --------------
def test_court_enforcement_on_a_reminder_of_the_fine_before_it_was_lowered_is_refused() -> None:
    case = _unpaid()  # served day 26 (03-28); remedy periods end 6 months after service
    case.act("reminder.sent", OFFICER_1, _reminder("direct"), at=START + 45 * D)
    case.act("reconsideration.filed", OFFICER_2, RECONSIDERATION, at=START + 50 * D)
    case.act("reconsideration.decided", OFFICER_2, _outcome("changed", changed_fine_fen=1_000_000), at=START + 90 * D)
    # The 15 days to sue after the reconsideration decision have run by day 120.
    err = refuse(case, "court_enforcement.applied", HEAD, COURT, START + 130 * D, r.EnforcementPremature, "enforcement-premature",
                 f"{ACL}第三十五条、第五十四条")
    assert "remind the party of the new sum" in err.detail
    case.act("reminder.sent", OFFICER_1, _reminder("direct", amount_due_fen=1_000_000), at=START + 130 * D)
    assert case.act("court_enforcement.applied", HEAD, COURT, at=START + 150 * D).court_applied_at is not None
