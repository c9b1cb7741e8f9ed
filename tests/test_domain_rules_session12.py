"""Session 12, a rules audit re-done on the current code: acts the ledger accepted although the law forbids them.
Each unlawful act is refused with its class, code and article, leaving the case (or the registry) as it was, and
its lawful variant at the same point is accepted. Dates are Beijing dates; START is Monday 2026-03-02, 09:00.

1. A referral's result the case has not reached, sent to someone else or by another agency, and closure on a first
   "filed" result alone (管罚分离 抄告).
2. A seizure extended after the decision or termination (ACL Arts 25, 27); one handed over with a transferred file
   still lifted, extended or paused here, or left out of a second transfer after the file came back (ACL Art 21).
3. Credit repair without the party's application or before the decision was performed (NDRC 《信用修复管理办法》).
4. A letter of entrustment without its items or term, and acts after its term or outside its items (APL Art 20).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from domain import disclosure as rules
from domain import refusals as r
from domain.calendar import shift_years
from domain.errors import DomainError, NotAuthorised
from domain.law import ACL, APL, GANJIANG, NDRC_CREDIT
from tests.builders import CaseFile, World, beijing, payment, sha, standard_world
from tests.test_domain_rules import START, D, H, filing, lead, refuse
from zhifa.scenarios import (
    BUREAU,
    CITIZEN,
    HEAD,
    ITEM_GRAFFITI,
    ITEM_LICENCE_DISPLAY,
    JIAOQIAO,
    JIAOQIAO_1,
    LEHUA,
    LEHUA_1,
    LEHUA_2,
    OFFICER_1,
    OFFICER_2,
    REGULATOR,
    coercion_case,
    court_enforcement_case,
    hearing_case,
    organisation_case,
    referral_result,
    referred,
    setup_steps,
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


# -- 2. ACL Arts 21, 25, 27: a seizure ends with the case's decision, and goes with a transferred file -------------
EXTEND = {"days": 30, "reason": "检验结果尚未出具", "notice_sha256": sha("延长扣押通知书")}
LIFT = {"reason": "依法解除扣押"}
NO_PENALTY = {"ground": "no_fault", "reason": "当事人有证据足以证明没有主观过错", "education_sha256": sha("教育"), "deciding_agency": BUREAU}


def _seized() -> tuple[CaseFile, int]:
    """The store's goods seized on day 3 for 30 days (approved and signed by the head, co-signed)."""
    case = standard_world().case()
    state = case.play(coercion_case(START, until="seized"), START)
    return case, state.measures[0].version


def test_extending_a_seizure_after_the_decision_or_termination_is_refused() -> None:
    article = f"{ACL}第二十五条、第二十七条"
    decided, m = _seized()
    decided.act("no_penalty.decided", HEAD, NO_PENALTY, at=START + 10 * D)
    refuse(decided, "coercion.extended", HEAD, {"measure": m, **EXTEND}, START + 28 * D,
           r.CoercionAfterDecision, "coercion-after-decision", article)
    assert decided.act("coercion.lifted", OFFICER_1, {"measure": m, **LIFT}, at=START + 11 * D).measures[0].lifted_at
    terminated, m = _seized()
    terminated.act("case.terminated", HEAD, {"ground": "违法事实不能成立"}, at=START + 10 * D)
    refuse(terminated, "coercion.extended", HEAD, {"measure": m, **EXTEND}, START + 28 * D,
           r.CoercionAfterDecision, "coercion-after-decision", article)


def test_extending_a_seizure_while_the_case_is_open_is_accepted() -> None:
    case, m = _seized()
    assert case.act("coercion.extended", HEAD, {"measure": m, **EXTEND}, at=START + 28 * D).measures[0].extension_days == 30


def _handed_over() -> tuple[CaseFile, int]:
    """The seizure handed over with the file to the public security organ on day 5."""
    case, m = _seized()
    case.act("transfer.reported", OFFICER_1, {"organ": "赣江新区公安分局", "suspected_crime": "涉嫌生产、销售不符合安全标准的食品罪"}, at=START + 4 * D)
    case.act("transfer.approved", HEAD, {"approved": True, "reason": "涉嫌犯罪"}, at=START + 5 * D)
    case.act("transfer.sent", OFFICER_1, {"organ": "赣江新区公安分局", "file_sha256": sha("移送案卷"), "items": ["过期食品 120 件"], "measures": [m]},
             at=START + 5 * D + H)
    return case, m


def test_lifting_extending_or_pausing_a_seizure_handed_over_with_the_file_is_refused() -> None:
    case, m = _handed_over()
    article = f"{ACL}第二十一条"
    refuse(case, "coercion.lifted", OFFICER_1, {"measure": m, **LIFT}, START + 6 * D,
           r.CoercionHandedOver, "coercion-handed-over", article)
    refuse(case, "coercion.extended", HEAD, {"measure": m, **EXTEND}, START + 28 * D,
           r.CoercionHandedOver, "coercion-handed-over", article)
    pause = {"kind": "testing", "reason": "送检", "measure": m, "fixed_days": 10, "notice_sha256": sha("检测期间告知书")}
    refuse(case, "pause.started", OFFICER_1, pause, START + 6 * D, r.CoercionHandedOver, "coercion-handed-over", article)


def test_a_seizure_comes_back_with_a_returned_file_and_is_lifted_by_the_agency() -> None:
    case, m = _handed_over()
    case.act("transfer.receipt", OFFICER_1, {"organ": "赣江新区公安分局", "receipt_ref": "不予立案通知书", "outcome": "declined"}, at=START + 8 * D)
    assert case.act("coercion.lifted", OFFICER_1, {"measure": m, **LIFT}, at=START + 9 * D).measures[0].lifted_at == START + 9 * D


def test_a_second_transfer_after_a_returned_file_hands_the_seizure_over_again() -> None:
    case, m = _handed_over()
    case.act("transfer.receipt", OFFICER_1, {"organ": "赣江新区公安分局", "receipt_ref": "不予立案通知书", "outcome": "declined"}, at=START + 8 * D)
    case.act("transfer.reported", OFFICER_1, {"organ": "赣江新区人民检察院", "suspected_crime": "涉嫌犯罪（立案监督）"}, at=START + 9 * D)
    case.act("transfer.approved", HEAD, {"approved": True, "reason": "检察院要求移送"}, at=START + 10 * D)
    sent = {"organ": "赣江新区人民检察院", "file_sha256": sha("再次移送案卷"), "items": [], "measures": []}
    refuse(case, "transfer.sent", OFFICER_1, sent, START + 10 * D + H,
           r.TransferWithoutSeizedProperty, "transfer-seized-property", f"{ACL}第二十一条")
    state = case.act("transfer.sent", OFFICER_1, {**sent, "measures": [m]}, at=START + 10 * D + H)
    assert state.measures[0].transferred_at == START + 10 * D + H


# -- 3. NDRC 《信用修复管理办法》: repair on the party's application, once the decision is performed ---------------------
def _published(build: Any = hearing_case, until: str = "served") -> tuple[CaseFile, int, dt.datetime]:
    """The decision published the day after it was made (or after the story's last act); returns the case, its
    version and a time a repair may end the general publicity period (after its 3-month minimum, and the publication)."""
    case = standard_world().case()
    state = case.play(build(START, until=until), START)
    d = state.decision
    assert d is not None
    published = max(d.decided_at + D, state.updated_at + H)
    case.act("disclosure.published", OFFICER_1, {"decision_version": d.version, "publicity_class": None, "note": ""}, at=published)
    window = rules.publicity_window(d.decided_at, "general")
    return case, d.version, max(dt.datetime.combine(window.min_end + D, dt.time(2), tzinfo=dt.UTC), published + D)


def _repair(version: int, application: str | None = sha("信用修复申请书")) -> dict[str, Any]:
    return {"decision_version": version, "reason": "已履行处罚决定并完成整改", "application_sha256": application}


def test_credit_repair_without_the_partys_application_is_refused() -> None:
    case, v, after = _published(until="paid")
    refuse(case, "credit.repaired", HEAD, _repair(v, None), after,
           r.CreditRepairWithoutApplication, "credit-repair-without-application", NDRC_CREDIT)
    assert case.act("credit.repaired", HEAD, _repair(v), at=after).disclosures[0].repaired_at == after


def test_credit_repair_before_the_decision_was_performed_is_refused_and_after_payment_accepted() -> None:
    case, v, after = _published()  # served day 40: 60,000 yuan fine and 1,200 yuan gains unpaid
    refuse(case, "credit.repaired", HEAD, _repair(v), after,
           r.CreditRepairBeforePerformance, "credit-repair-before-performance", NDRC_CREDIT)
    state = case.state
    assert state is not None and state.decision is not None
    case.act("payment.recorded", OFFICER_2, payment(state.decision.money_due_fen - 1), at=after)
    refuse(case, "credit.repaired", HEAD, _repair(v), after + H,
           r.CreditRepairBeforePerformance, "credit-repair-before-performance", NDRC_CREDIT)
    case.act("payment.recorded", OFFICER_2, payment(1), at=after + H)
    assert case.act("credit.repaired", HEAD, _repair(v), at=after + 2 * H).disclosures[0].repaired_at == after + 2 * H


def test_credit_repair_after_the_court_executed_the_decision_is_accepted() -> None:
    case, v, after = _published(court_enforcement_case, "executed")
    state = case.state
    assert state is not None and state.paid_fen == 0 and state.court_outcome == "executed"
    assert case.act("credit.repaired", HEAD, _repair(v), at=after).disclosures[0].repaired_at == after


# -- 4. APL Art 20: the 委托书 states the items entrusted and its term; the entrusted body acts within both --------
def _letter(**overrides: Any) -> dict[str, Any]:
    """The bureau entrusts 乐化镇 with the graffiti item, published the day before START, until 03-10."""
    return {"from_agency": BUREAU, "to_agency": LEHUA, "instrument": "赣新综执委〔2026〕2号（委托书）",
            "published_at": "2026-03-01T01:00:00.000000Z", "effective_from": None, "scope": [ITEM_GRAFFITI],
            "valid_until": "2026-03-10", **overrides}


def _refuse_letter(world: World, payload: dict[str, Any], error: type[DomainError], code: str, article: str) -> None:
    before = world.registry
    with pytest.raises(error) as info:
        world.registry_act(f"item:{ITEM_GRAFFITI}", "entrustment.granted", HEAD, payload)
    assert (info.value.code, info.value.cited_article, info.value.status) == (code, article, 422), info.value.one_line()
    assert world.registry is before


@pytest.mark.parametrize("overrides", [{"scope": []}, {"valid_until": None}, {"scope": [ITEM_LICENCE_DISPLAY]}],
                         ids=["no-items", "no-term", "another-item"])
def test_a_letter_of_entrustment_without_its_items_or_term_is_refused(overrides: dict[str, Any]) -> None:
    _refuse_letter(standard_world(), _letter(**overrides), r.EntrustmentLetterIncomplete, "entrustment-letter-incomplete", f"{APL}第二十条")


def test_a_complete_letter_of_entrustment_is_accepted_and_holds_until_its_last_day() -> None:
    world = standard_world()
    world.registry_act(f"item:{ITEM_GRAFFITI}", "entrustment.granted", HEAD, _letter(scope=[ITEM_GRAFFITI, ITEM_LICENCE_DISPLAY]))
    (grant,) = [g for g in world.registry.items[ITEM_GRAFFITI].grants if g.to_agency == LEHUA]
    assert (grant.valid_until, grant.scope) == (dt.date(2026, 3, 10), (ITEM_GRAFFITI, ITEM_LICENCE_DISPLAY))
    assert grant.in_force(beijing(2026, 3, 10, 23)) and not grant.in_force(beijing(2026, 3, 11, 0))


def test_an_act_by_the_entrusted_body_after_the_letters_term_is_refused() -> None:
    world = standard_world()
    world.registry_act(f"item:{ITEM_GRAFFITI}", "entrustment.granted", HEAD, _letter())
    case = world.case()
    case.act("lead.received", LEHUA_1, lead(ITEM_GRAFFITI, CITIZEN, agency=LEHUA), at=START)
    assert case.act("case.filed", LEHUA_1, filing(ITEM_GRAFFITI, CITIZEN), at=START + H).in_name_of == BUREAU
    case.act("officers.assigned", LEHUA_1, {"officers": [LEHUA_1, LEHUA_2]}, at=beijing(2026, 3, 10, 22))  # the last day
    err = refuse(case, "officers.assigned", LEHUA_1, {"officers": [LEHUA_1, LEHUA_2]}, beijing(2026, 3, 11),
                 r.ItemNotHeld, "item-not-held", f"{APL}第二十条", 403)
    assert "ran until 2026-03-10" in err.detail


def test_an_act_by_the_entrusted_body_outside_its_letter_is_refused() -> None:
    # 蛟桥镇's letter entrusts the graffiti item alone: filing the bureau's licence-display item is outside it.
    case = standard_world().case()
    case.act("lead.received", JIAOQIAO_1, lead(ITEM_LICENCE_DISPLAY, CITIZEN, agency=JIAOQIAO), at=START)
    err = refuse(case, "case.filed", JIAOQIAO_1, filing(ITEM_LICENCE_DISPLAY, CITIZEN), START + H,
                 r.ItemNotHeld, "item-not-held", f"{APL}第二十条", 403)
    assert "do not entrust it" in err.detail
    inside = standard_world().case()
    inside.act("lead.received", JIAOQIAO_1, lead(ITEM_GRAFFITI, CITIZEN, agency=JIAOQIAO), at=START)
    assert inside.act("case.filed", JIAOQIAO_1, filing(ITEM_GRAFFITI, CITIZEN), at=START + H).in_name_of == BUREAU


def test_the_demo_letter_of_entrustment_runs_five_years_from_its_publication() -> None:
    (letter,) = [s for s in setup_steps(START - D, "authority/personnel") if s.type == "entrustment.granted"]
    published = dt.date.fromisoformat(letter.payload["published_at"][:10])
    assert (letter.payload["scope"], letter.payload["valid_until"]) == ([ITEM_GRAFFITI], shift_years(published, 5).isoformat())
    (grant,) = [g for g in standard_world().registry.items[ITEM_GRAFFITI].grants if g.to_agency == JIAOQIAO]
    assert grant.valid_until == shift_years(published, 5)  # the standard world is set up the day before START

