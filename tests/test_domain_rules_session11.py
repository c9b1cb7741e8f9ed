"""Session 11, a third adversarial review of DOMAIN.md against the rules: acts the ledger accepted although the law
forbids them (or refused although it allows them). Each unlawful act is refused with its code and article, leaving
the case as it was, and its lawful variant at the same point is accepted.

1 a heavier new notice after the party defended itself at the hearing (APL Art 45) · 2 a waiver of the statement or
hearing right before the notice reached the party (APL Arts 44, 62, 64) · 3 a late fee counted past the day the
fine was paid (APL Art 72) · 4 court enforcement counted from a reminder announced but not yet deemed served (ACL
Arts 38, 54; 民诉法 Art 95) · 5 a lawsuit refused although the reconsideration body let its time run out (行政诉讼法
Art 45; 复议法 Arts 30, 62).
Dates are Beijing dates; START is Monday 2026-03-02, 09:00.
"""

from __future__ import annotations

import datetime as dt

from domain import procedure as proc
from domain import refusals as r
from domain.law import ACL, ALL, APL, ARL
from domain.money import late_fee
from tests.builders import (
    CaseFile,
    beijing,
    evidence,
    hearing_at,
    notice,
    payment,
    service,
    sha,
    standard_world,
)
from tests.test_domain_rules import (
    START,
    D,
    H,
    investigated_case,
    refuse,
)
from tests.test_domain_rules_lawful import _cosign
from zhifa.scenarios import (
    COMPANY,
    HEAD,
    ITEM_EXPIRED_FOOD,
    OFFICER_1,
    OFFICER_2,
    OFFICER_3,
    PARTY_STORE,
    STORE,
    hearing_case,
    organisation_case,
)

# -- 1. APL Art 45: a defence at the hearing is a defence — no heavier new notice for it ------------------------
# The hearing case's notice (day 10): a 60,000-yuan fine and 1,200 yuan of gains confiscated; no written statement.
HEAVIER = notice(["fine", "confiscate_gains"], 7_000_000, 120_000, band="lighter")


def _heard(party_present: bool = True) -> CaseFile:
    """The sole trader asked for a hearing (no written statement) and was heard on day 35, the record signed."""
    case = standard_world().case()
    case.play(hearing_case(START, until="notified"), START)
    case.act("hearing.requested", PARTY_STORE, {"paper_sha256": None}, at=START + 13 * D)
    case.act("hearing.scheduled", HEAD, hearing_at(START + 35 * D, OFFICER_3), at=START + 14 * D)
    case.act("hearing.held", OFFICER_3, {"presider": OFFICER_3, "party_present": party_present, "attendees": []}, at=START + 35 * D)
    if party_present:
        case.act("hearing.recorded", OFFICER_3, {"record_sha256": sha("听证笔录"), "signed_by_party": True}, at=START + 35 * D + 2 * H)
    assert case.state is not None and not case.state.statements
    return case


def test_a_heavier_new_notice_after_the_party_defended_at_the_hearing_is_refused() -> None:
    refuse(_heard(), "notice.issued", OFFICER_1, HEAVIER, START + 37 * D,
           r.HeavierAfterDefence, "heavier-after-defence", f"{APL}第四十五条")


def test_a_heavier_new_notice_on_evidence_found_after_the_hearing_or_after_an_absence_is_accepted() -> None:
    case = _heard()
    found = case.act("evidence.collected", OFFICER_1, evidence([OFFICER_1, OFFICER_2], START + 36 * D), at=START + 36 * D).version
    _cosign(case, found, OFFICER_2, at=START + 36 * D + H)
    state = case.act("notice.issued", OFFICER_1, HEAVIER, at=START + 37 * D)
    assert state.notice is not None and state.notice.fine_fen == 7_000_000
    # A party who stayed away from the hearing (a waiver, Art 64(8)) made no defence there.
    absent = _heard(party_present=False).act("notice.issued", OFFICER_1, HEAVIER, at=START + 37 * D)
    assert absent.notice is not None and absent.notice.fine_fen == 7_000_000


def test_the_same_notice_again_after_the_hearing_is_accepted() -> None:
    same = notice(["fine", "confiscate_gains"], 6_000_000, 120_000, band="lighter")
    assert _heard().act("notice.issued", OFFICER_1, same, at=START + 37 * D).notice is not None


# -- 2. APL Arts 44, 62, 64: a right is waived only once the notice told the party of it ---------------------------
def _issued(party: dict[str, object] = COMPANY, fine: int = 1_500_000, item: str | None = None) -> CaseFile:
    """Notice issued on day 8, not yet served."""
    case = investigated_case(standard_world(), **({"item": item} if item else {}), party=party)
    case.act("notice.issued", OFFICER_1, notice(["fine"], fine, band="general" if item is None else "lighter"), at=START + 8 * D)
    return case


WAIVE_STATEMENT = {"right": "statement", "paper_sha256": sha("放弃陈述申辩")}
WAIVE_HEARING = {"right": "hearing", "paper_sha256": sha("放弃听证")}


def test_waiving_the_statement_before_the_notice_was_served_is_refused() -> None:
    refuse(_issued(), "right.waived", OFFICER_1, WAIVE_STATEMENT, START + 8 * D + H,
           r.WaiverBeforeNotice, "waiver-before-notice-served", f"{APL}第四十四条、第六十二条")


def test_waiving_the_hearing_before_the_notice_was_served_is_refused() -> None:
    case = _issued(STORE, 6_000_000, ITEM_EXPIRED_FOOD)
    assert case.state is not None and case.state.notice is not None and case.state.notice.hearing_eligible
    refuse(case, "right.waived", PARTY_STORE, {**WAIVE_HEARING, "paper_sha256": None}, START + 8 * D + H,
           r.WaiverBeforeNotice, "waiver-before-notice-served", f"{APL}第六十四条")


def test_waiving_after_the_notice_was_served_is_accepted_and_closes_the_window() -> None:
    case = _issued()
    case.act("service.recorded", OFFICER_2, service("notice"), at=START + 8 * D + H)
    state = case.act("right.waived", OFFICER_1, WAIVE_STATEMENT, at=START + 8 * D + 2 * H)
    assert state.statement_waived_at == START + 8 * D + 2 * H
    # Served on the spot and waived in the same minute: the waiver follows the service, so it counts.
    spot = _issued(STORE, 6_000_000, ITEM_EXPIRED_FOOD)
    spot.act("service.recorded", OFFICER_2, service("notice", "on_the_spot"), at=START + 8 * D + H)
    assert spot.act("right.waived", PARTY_STORE, {**WAIVE_HEARING, "paper_sha256": None}, at=START + 8 * D + H).hearing_waived_at


def test_a_statement_before_the_notice_was_served_is_still_heard() -> None:
    """Speaking early is no waiver: the right to be heard is not lost by using it (Art 45)."""
    state = _issued().act("statement.made", OFFICER_1, {"summary": "申辩", "content_sha256": sha("申辩"), "paper_sha256": sha("纸")},
                          at=START + 8 * D + H)
    assert len(state.statements) == 1


# -- 3. APL Art 72: the late fee runs while the fine is unpaid, not after -------------------------------------------
# The company's 15,000-yuan fine, served Saturday 2026-03-28: due Monday 04-13 (04-12 is a Sunday); 450 yuan a day.
def _served_fine() -> CaseFile:
    case = standard_world().case()
    case.play(organisation_case(START, until="served"), START)
    return case


def _paid_late() -> CaseFile:
    """The fine paid in full on 04-20, seven days late."""
    case = _served_fine()
    case.act("payment.recorded", OFFICER_2, payment(1_500_000), at=beijing(2026, 4, 20, 10))
    return case


def test_a_late_fee_counted_past_the_day_the_fine_was_paid_is_refused() -> None:
    refuse(_paid_late(), "late_fee.assessed", OFFICER_1, {"amount_fen": 315_001, "as_of": "2026-05-20"}, beijing(2026, 5, 20),
           r.LateFeeExcessive, "late-fee-excessive", f"{APL}第七十二条")


def test_a_late_fee_for_the_days_the_fine_was_unpaid_is_accepted_and_then_owed() -> None:
    case = _paid_late()
    state = case.act("late_fee.assessed", OFFICER_1, {"amount_fen": 315_000, "as_of": "2026-05-20"}, at=beijing(2026, 5, 20))
    assert state.late_fees_fen == 315_000 and state.status == "served"
    assert case.act("payment.recorded", OFFICER_2, payment(315_000), at=beijing(2026, 5, 25)).status == "performed"
    # Still unpaid: the fee runs on to the day assessed (37 days by 05-20, capped at the fine itself).
    unpaid = _served_fine().act("late_fee.assessed", OFFICER_1, {"amount_fen": 1_500_000, "as_of": "2026-05-20"}, at=beijing(2026, 5, 20))
    assert unpaid.late_fees_fen == 1_500_000


def test_a_part_payment_does_not_stop_the_late_fee() -> None:
    """Art 72 counts on the fine; only the day the whole sum is paid ends it."""
    case = _served_fine()
    case.act("payment.recorded", OFFICER_2, payment(1_000_000), at=beijing(2026, 4, 20, 10))
    state = case.act("late_fee.assessed", OFFICER_1, {"amount_fen": 450_000, "as_of": "2026-04-23"}, at=beijing(2026, 4, 23))
    assert state.late_fees_fen == 450_000


def test_the_late_fee_stops_when_the_fine_is_paid_though_confiscated_gains_are_still_owed() -> None:
    """Art 72 adds 3 % a day *of the fine* while the fine is unpaid: the gains confiscated beside it (still owed) do
    not keep a fee on a paid fine running."""
    case = standard_world().case()
    state = case.play(hearing_case(START, until="served"), START)
    d = state.decision
    assert d is not None and d.confiscation_fen > 0 and "confiscate_gains" in d.penalties
    due = proc.payment_due(state)
    assert due is not None
    paid_on = due.date + dt.timedelta(days=4)
    case.act("payment.recorded", OFFICER_2, payment(d.fine_fen), at=beijing(paid_on.year, paid_on.month, paid_on.day, 10))
    as_of = (due.date + dt.timedelta(days=20)).isoformat()
    cap = late_fee(d.fine_fen, due.date, paid_on)
    assert 0 < cap < d.fine_fen
    at = beijing(due.date.year, due.date.month, due.date.day) + dt.timedelta(days=20)
    refuse(case, "late_fee.assessed", OFFICER_1, {"amount_fen": cap + 1, "as_of": as_of}, at,
           r.LateFeeExcessive, "late-fee-excessive", f"{APL}第七十二条")
    assert case.act("late_fee.assessed", OFFICER_1, {"amount_fen": cap, "as_of": as_of}, at=at).late_fees_fen == cap


# -- 4. ACL Arts 38, 54: the 10 working days run from the reminder's service; an announcement is served after 30 days --
# The remedy periods of the fine served 03-28 end 09-28 (6 months); the reminder goes out Friday 09-18.
COURT = {"court": "南昌铁路运输法院"}


def _reminded(method: str) -> CaseFile:
    case = _served_fine()
    # An announcement states its ground (ACL Art 38; 民诉法 Art 95): the company could not be found.
    ground = {"announcement_ground": "whereabouts_unknown", "ground_sha256": sha("下落不明查找记录")} if method == "announcement" else {}
    case.act("reminder.sent", OFFICER_1, {"amount_due_fen": 1_500_000, "method": method, **ground}, at=beijing(2026, 9, 18))
    return case


def test_court_enforcement_ten_working_days_after_an_announced_reminder_is_refused() -> None:
    # Announced 09-18, deemed served 10-18 (民诉法 Art 95): the 10 working days end 10-30, not 10-09.
    refuse(_reminded("announcement"), "court_enforcement.applied", HEAD, COURT, beijing(2026, 10, 12),
           r.EnforcementPremature, "enforcement-premature", f"{ACL}第五十三条、第五十四条")


def test_court_enforcement_after_the_announced_reminder_was_served_and_a_direct_one_at_once_is_accepted() -> None:
    assert _reminded("announcement").act("court_enforcement.applied", HEAD, COURT, at=beijing(2026, 11, 2)).court_applied_at
    assert _reminded("direct").act("court_enforcement.applied", HEAD, COURT, at=beijing(2026, 10, 12)).court_applied_at


# -- 5. 行政诉讼法 Art 45: a body that lets its time run out no longer holds the lawsuit back ----------------------------
# The company applied for reconsideration on Wednesday 04-01: examined by 04-09 (5 working days, Qingming 04-04..06
# off), deemed accepted then (复议法 Art 30); 60 days and the longest extension of 30 (Art 62) end 07-08.
SUIT = {"body": "南昌铁路运输法院"}


def _reconsidering() -> CaseFile:
    case = standard_world().case()
    case.play(organisation_case(START, until="under_reconsideration"), START)
    return case


def test_a_lawsuit_while_the_body_may_still_decide_is_refused() -> None:
    refuse(_reconsidering(), "litigation.filed", OFFICER_2, SUIT, beijing(2026, 7, 8, 16),
           r.RemedyChannelTaken, "remedy-channel-taken", f"{ARL}第二十九条")


def test_a_lawsuit_once_the_body_let_its_longest_period_run_out_is_accepted() -> None:
    state = _reconsidering().act("litigation.filed", OFFICER_2, SUIT, at=beijing(2026, 7, 9))
    assert [x.kind for x in state.remedies] == ["reconsideration", "litigation"] and state.status == "under_review"
    assert _reconsidering().act("litigation.filed", OFFICER_2, SUIT, at=beijing(2026, 7, 23, 16)).remedies[-1].kind == "litigation"


def test_a_lawsuit_more_than_15_days_after_the_body_ran_out_is_refused() -> None:
    refuse(_reconsidering(), "litigation.filed", OFFICER_2, SUIT, beijing(2026, 7, 24),
           r.LitigationWindowClosed, "litigation-window-closed", f"{ALL}第四十五条")


def test_the_body_period_counts_from_the_day_it_received_the_application() -> None:
    """Recorded late, the application names the day the body received it (lodged_on): the period runs from then."""
    case = standard_world().case()
    case.play(organisation_case(START, until="served"), START)
    lodged = {"body": "赣江新区管委会（行政复议机关）", "lodged_on": "2026-03-30", "lodged_sha256": sha("受理通知书")}
    case.act("reconsideration.filed", OFFICER_2, lodged, at=beijing(2026, 4, 1))
    # 03-30 + 5 working days = 04-07 (Qingming off); + 90 days = 07-06.
    refuse(case, "litigation.filed", OFFICER_2, SUIT, beijing(2026, 7, 6, 16), r.RemedyChannelTaken, "remedy-channel-taken", f"{ARL}第二十九条")
    assert case.act("litigation.filed", OFFICER_2, SUIT, at=beijing(2026, 7, 7)).remedies[-1].kind == "litigation"
