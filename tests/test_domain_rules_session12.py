"""Session 12, a rules audit re-done on the current code: acts the ledger accepted although the law forbids them.
Each unlawful act is refused with its class, code and article, leaving the case (or the registry) as it was, and
its lawful variant at the same point is accepted. Dates are Beijing dates; START is Monday 2026-03-02, 09:00.

1. A referral's result the case has not reached, sent to someone else or by another agency, and closure on a first
   "filed" result alone (管罚分离 抄告).
"""

from __future__ import annotations

from typing import Any

from domain import refusals as r
from domain.errors import NotAuthorised
from domain.law import GANJIANG
from tests.builders import CaseFile, standard_world
from tests.test_domain_rules import START, D, H, refuse
from zhifa.scenarios import (
    HEAD,
    LEHUA_1,
    OFFICER_1,
    REGULATOR,
    organisation_case,
    referral_result,
    referred,
    transferred_case,
)


def _result(result: str, to: str = REGULATOR) -> dict[str, Any]:
    return {**referral_result(result, D).payload, "to": to}


# -- 1. 管罚分离 抄告: the result names the stage reached, goes to the referring regulator, from the handling agency ---
def _referred_case(until: str = "investigating", report_filing: bool = False) -> CaseFile:
    """The company's case, its lead referred by the market regulator: filed day 1, investigated by day 4; with
    ``report_filing`` the filing is reported back on day 4, then the story runs on to ``until``."""
    case = standard_world().case()
    investigating = referred(organisation_case(START, until="investigating"))
    case.play(investigating, START)
    if report_filing:
        case.act("referral.result_sent", OFFICER_1, _result("filed"), at=START + 4 * D + H)
    case.play(referred(organisation_case(START, until=until))[len(investigating):], START)
    return case


def test_a_result_the_case_has_not_reached_is_refused() -> None:
    case = _referred_case()
    for result in ("decided", "declined", "terminated", "transferred"):
        refuse(case, "referral.result_sent", OFFICER_1, _result(result), START + 4 * D,
               r.ReferralResultMismatch, "referral-result-mismatch", GANJIANG)
    state = case.act("referral.result_sent", OFFICER_1, _result("filed"), at=START + 4 * D)
    assert [x.result for x in state.referral_reports] == ["filed"] and state.referral_final_at is None


def test_a_filed_result_once_the_case_is_decided_is_refused_and_the_decision_accepted() -> None:
    case = _referred_case("served")
    refuse(case, "referral.result_sent", OFFICER_1, _result("filed"), START + 27 * D,
           r.ReferralResultMismatch, "referral-result-mismatch", GANJIANG)
    state = case.act("referral.result_sent", OFFICER_1, _result("decided"), at=START + 27 * D)
    assert state.referral_final_at == START + 27 * D


def test_a_result_sent_to_another_body_than_the_referring_regulator_is_refused() -> None:
    refuse(_referred_case(), "referral.result_sent", OFFICER_1, _result("filed", to="agency/360100-xzsp"), START + 4 * D,
           r.ReferralResultMismatch, "referral-result-mismatch", GANJIANG)


def test_a_result_sent_by_staff_of_another_agency_is_refused() -> None:
    refuse(_referred_case(), "referral.result_sent", LEHUA_1, _result("filed"), START + 4 * D,
           NotAuthorised, "not-authorised", GANJIANG, 403)
    assert _referred_case().act("referral.result_sent", HEAD, _result("filed"), at=START + 4 * D).referral_reports


def test_closure_waits_for_the_final_result_not_the_filing_one() -> None:
    case = _referred_case("reconsidered", report_filing=True)  # filing reported day 4; upheld on reconsideration day 80
    refuse(case, "case.closed", OFFICER_1, {"summary": "罚款已缴清"}, START + 83 * D,
           r.ReferralResultRequired, "referral-result-required", GANJIANG)
    case.act("referral.result_sent", OFFICER_1, _result("decided"), at=START + 83 * D)
    assert case.act("case.closed", OFFICER_1, {"summary": "罚款已缴清"}, at=START + 83 * D + H).status == "closed"


def test_a_terminated_case_reports_terminated_and_a_transferred_one_transferred() -> None:
    case = _referred_case()
    case.act("case.terminated", HEAD, {"ground": "违法事实不能成立"}, at=START + 5 * D)
    refuse(case, "referral.result_sent", OFFICER_1, _result("decided"), START + 5 * D + H,
           r.ReferralResultMismatch, "referral-result-mismatch", GANJIANG)
    refuse(case, "case.closed", OFFICER_1, {"summary": "终止调查"}, START + 5 * D + H,
           r.ReferralResultRequired, "referral-result-required", GANJIANG)
    assert case.act("referral.result_sent", OFFICER_1, _result("terminated"), at=START + 5 * D + H).referral_final_at
    assert case.act("case.closed", OFFICER_1, {"summary": "终止调查"}, at=START + 5 * D + 2 * H).closure_ground == "terminated"
    moved = standard_world().case()
    moved.play(referred(transferred_case(START, until="received")), START)
    refuse(moved, "referral.result_sent", OFFICER_1, _result("filed"), START + 8 * D + H,
           r.ReferralResultMismatch, "referral-result-mismatch", GANJIANG)
    assert moved.act("referral.result_sent", OFFICER_1, _result("transferred"), at=START + 8 * D + H).referral_final_at
