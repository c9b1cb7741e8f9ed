"""Each enforcement rule: the act the law allows is accepted, the act it forbids is refused with code and article.

Every refusal is checked for its class, stable code, cited article and HTTP status, and for leaving the case
exactly as it was. Dates are Beijing dates; windows counted in working days are checked across real holidays.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import msgspec
import pytest

from domain import refusals as r
from domain.calendar import local_date
from domain.case import CaseNotOpen
from domain.case_state import CaseState
from domain.errors import DomainError
from domain.law import ACL, APL, GUANYUN, MS_RULES
from domain.procedure import decision_time_limit, statement_window
from tests.builders import (
    AUTHORITY,
    DEFAULT_START,
    CaseFile,
    World,
    beijing,
    coercion,
    decision,
    evidence,
    extension,
    hearing_at,
    no_penalty,
    notice,
    service,
    sha,
    simple,
    standard_world,
)
from zhifa.scenarios import (
    AUXILIARY,
    BUREAU,
    CATALOG_KEEPER,
    CITIZEN,
    COMPANY,
    DEPUTY_HEAD_1,
    DEPUTY_HEAD_2,
    HEAD,
    ITEM_EXPIRED_FOOD,
    ITEM_GRAFFITI,
    ITEM_LICENCE_DISPLAY,
    ITEM_ROAD_OCCUPATION,
    JIAOQIAO,
    JIAOQIAO_HEAD,
    LEHUA,
    LEHUA_1,
    LEHUA_2,
    LEHUA_HEAD,
    OFFICER_1,
    OFFICER_2,
    OFFICER_3,
    PARTY_STORE,
    REVIEWER,
    STORE,
    URBAN_ONLY,
    hearing_case,
    investigated,
    organisation_case,
    scenario,
)

START = DEFAULT_START  # Monday 2026-03-02, 09:00 Beijing
H = dt.timedelta(hours=1)
D = dt.timedelta(days=1)
ENDED = local_date(START) - dt.timedelta(days=10)
LICENCE_BASIS = "《市场主体登记管理条例》第四十八条"
FOOD_BASIS = "《中华人民共和国食品安全法》第一百二十四条"


def refuse(
    case: CaseFile, type: str, actor: str, payload: dict[str, Any], at: dt.datetime,
    error: type[DomainError], code: str, article: str, status: int = 422,
) -> DomainError:
    """The act is refused with this class, code, article and status, and the case does not change."""
    before = msgspec.json.encode(case.state) if case.state is not None else None
    count = len(case.records)
    with pytest.raises(error) as info:
        case.act(type, actor, payload, at=at)
    err = info.value
    assert (err.code, err.cited_article, err.status) == (code, article, status), err.one_line()
    assert (msgspec.json.encode(case.state) if case.state is not None else None) == before
    assert len(case.records) == count
    return err


def lead(item: str | None = None, party: dict[str, Any] | None = None, agency: str = BUREAU, officers: list[str] | None = None) -> dict[str, Any]:
    return {
        "source": "complaint", "channel": "12345", "summary": "群众投诉", "catalog_item": item, "agency": agency,
        "referred_by": None, "referral_ref": None, "ticket": None, "party": party, "officers": officers or [],
    }


def filing(item: str, party: dict[str, Any], **flags: Any) -> dict[str, Any]:
    return {
        "facts": "经核查予以立案", "catalog_item": item, "party": party, "violation_began": None,
        "violation_ended": None, "major_public_interest": False, "complex": False, **flags,
    }


def investigated_case(world: World, item: str = ITEM_LICENCE_DISPLAY, party: dict[str, Any] = COMPANY, start: dt.datetime = START, **flags: bool) -> CaseFile:
    case = world.case()
    case.play(investigated(start, item, party, **flags), start)
    return case


def notified_case(
    world: World, *, item: str = ITEM_LICENCE_DISPLAY, party: dict[str, Any] = COMPANY, penalties: list[str] | None = None,
    fine: int = 1_500_000, band: str | None = "general", start: dt.datetime = START, notice_at: dt.datetime | None = None, **flags: bool,
) -> CaseFile:
    case = investigated_case(world, item, party, start, **flags)
    at = notice_at or start + 8 * D
    case.act("notice.issued", OFFICER_1, notice(penalties or ["fine"], fine, band=band), at=at)
    case.act("service.recorded", OFFICER_2, service("notice"), at=at + H)
    return case


def filed_case(
    world: World, item: str = ITEM_EXPIRED_FOOD, party: dict[str, Any] = COMPANY, shown_by: tuple[str, ...] = (OFFICER_1, OFFICER_2, OFFICER_3)
) -> CaseFile:
    """Lead and filing; the officers ``shown_by`` showed their credentials and the party was told its rights."""
    case = world.case()
    case.act("lead.received", OFFICER_1, lead(item, party), at=START)
    case.act("case.filed", OFFICER_1, filing(item, party), at=START + H)
    prepare(case, list(shown_by), START + H)
    return case


def prepare(case: CaseFile, officers: list[str], at: dt.datetime) -> None:
    """亮证 and 告知权利 before evidence, preservation or coercion (APL Art 55; ACL Art 18)."""
    case.act("credentials.shown", officers[0], {"officers": officers, "to": "party"}, at=at)
    case.act("rights.informed", officers[0], {"officers": officers, "rights": ["陈述权", "申辩权"]}, at=at)


HEADS = [HEAD, DEPUTY_HEAD_1, DEPUTY_HEAD_2]  # the bureau's registered heads: the collective-discussion quorum
DECIDE_AT = START + 20 * D  # both 5-working-day windows from a notice served on day 8 are over


# -- 1. auxiliary staff never alone on the six forbidden acts ---------------------------------------------------
def _forbidden(kind: str) -> tuple[CaseFile, str, dict[str, Any], dt.datetime]:
    """A case where the act of ``kind`` would be due, and that act as the auxiliary would sign it alone."""
    world = standard_world()
    if kind == "accept":
        return world.case(), "lead.received", lead(ITEM_LICENCE_DISPLAY, COMPANY), START
    if kind == "file":
        case = world.case()
        case.act("lead.received", OFFICER_1, lead(ITEM_LICENCE_DISPLAY, COMPANY), at=START)
        return case, "case.filed", filing(ITEM_LICENCE_DISPLAY, COMPANY), START + H
    if kind == "investigate":
        case = filed_case(world, ITEM_LICENCE_DISPLAY)
        return case, "evidence.collected", evidence([AUXILIARY], START + H), START + 2 * H
    if kind == "review":
        return filed_case(world), "legal.reviewed", {"outcome": "passed", "opinion": "同意"}, START + 2 * H
    if kind == "decide":
        case = notified_case(world)
        return case, "decision.made", decision(["fine"], 1_500_000, ENDED, band="general"), DECIDE_AT
    assert kind == "coerce"
    case = filed_case(world)
    return case, "coercion.imposed", coercion([AUXILIARY, OFFICER_1], HEAD, emergency=True), START + 2 * H


SIX = ["accept", "file", "investigate", "review", "decide", "coerce"]


@pytest.mark.parametrize("kind", SIX)
def test_auxiliary_acting_alone_on_a_forbidden_act_is_refused(kind: str) -> None:
    case, type, payload, at = _forbidden(kind)
    err = refuse(case, type, AUXILIARY, payload, at, r.AuxiliaryActingAlone, "auxiliary-acting-alone", f"{GUANYUN}（辅助人员管理）", 403)
    assert kind in err.detail


@pytest.mark.parametrize("kind", SIX)
def test_forbidden_act_with_certified_officers_or_by_the_proper_signer_is_accepted(kind: str) -> None:
    case, type, payload, at = _forbidden(kind)
    if kind == "accept":
        state = case.act(type, AUXILIARY, {**payload, "officers": [OFFICER_1]}, at=at)
        assert state.pending[0].awaiting == [OFFICER_1]  # the officer signs it too
    elif kind == "investigate":
        state = case.act(type, AUXILIARY, {**payload, "officers": [OFFICER_1, OFFICER_2]}, at=at)
        assert state.pending[-1].awaiting == [OFFICER_1, OFFICER_2]
    elif kind == "coerce":
        state = case.act(type, AUXILIARY, {**payload, "officers": [OFFICER_1, OFFICER_2]}, at=at)
        assert state.pending[-1].awaiting == [OFFICER_1, OFFICER_2, HEAD]
    else:
        signer = {"file": OFFICER_1, "review": REVIEWER, "decide": HEAD}[kind]
        state = case.act(type, signer, payload, at=at)
    assert state.acts[-1] == type


# -- 2. at least two certified officers, each signing ----------------------------------------------------------
def test_investigation_by_one_officer_is_refused() -> None:
    case = filed_case(standard_world(), ITEM_LICENCE_DISPLAY)
    for officers in ([OFFICER_1], [OFFICER_1, OFFICER_1]):
        refuse(case, "evidence.collected", OFFICER_1, evidence(officers, START), START + 2 * H,
               r.TooFewOfficers, "too-few-officers", f"{APL}第四十二条")


def test_investigation_by_two_officers_is_accepted_and_waits_for_the_second_signature() -> None:
    world = standard_world()
    case = filed_case(world, ITEM_LICENCE_DISPLAY)
    state = case.act("evidence.collected", OFFICER_1, evidence([OFFICER_1, OFFICER_2], START), at=START + 2 * H)
    assert [p.awaiting for p in state.pending] == [[OFFICER_2]]
    refuse(case, "notice.issued", OFFICER_1, notice(["fine"], 500_000), START + 3 * H,
           r.CoSignaturePending, "cosignature-pending", f"{APL}第四十二条")
    evidence_version = case.version
    refuse(case, "act.cosigned", OFFICER_3, {"act_version": evidence_version}, START + 3 * H,
           r.CoSignatureNotExpected, "cosignature-not-expected", f"{APL}第四十二条")
    state = case.act("act.cosigned", OFFICER_2, {"act_version": evidence_version}, at=START + 3 * H)
    assert state.pending == [] and state.evidence[0].collected_by == [OFFICER_1, OFFICER_2]
    assert case.act("notice.issued", OFFICER_1, notice(["fine"], 500_000), at=START + 4 * H).status == "notice_issued"


# -- 3. a certificate in force for the agency and the domain ---------------------------------------------------
def test_officer_without_certificate_for_the_domain_is_refused() -> None:
    case = filed_case(standard_world(), ITEM_LICENCE_DISPLAY)  # market supervision
    err = refuse(case, "evidence.collected", OFFICER_1, evidence([OFFICER_1, URBAN_ONLY], START), START + 2 * H,
                 r.OfficerNotCertified, "officer-not-certified", f"{APL}第四十二条", 403)
    assert URBAN_ONLY in err.detail


def test_officer_with_certificate_for_the_domain_is_accepted() -> None:
    case = filed_case(standard_world(), ITEM_ROAD_OCCUPATION, CITIZEN, shown_by=(OFFICER_1, URBAN_ONLY))  # urban management
    state = case.act("evidence.collected", URBAN_ONLY, evidence([OFFICER_1, URBAN_ONLY], START), at=START + 2 * H)
    assert state.evidence[0].collected_by == [OFFICER_1, URBAN_ONLY]


def test_suspended_certificate_is_refused_until_reinstated() -> None:
    world = standard_world()
    case = filed_case(world, ITEM_LICENCE_DISPLAY)
    world.registry_act(f"person:{OFFICER_2}", "certificate.suspended", AUTHORITY, {"number": "赣3601-0002", "reason": "涉嫌违纪"}, at=START + H)
    refuse(case, "evidence.collected", OFFICER_1, evidence([OFFICER_1, OFFICER_2], START), START + 2 * H,
           r.OfficerNotCertified, "officer-not-certified", f"{APL}第四十二条", 403)
    world.registry_act(f"person:{OFFICER_2}", "certificate.reinstated", AUTHORITY, {"number": "赣3601-0002", "reason": "调查结束"}, at=START + 3 * H)
    assert case.act("evidence.collected", OFFICER_1, evidence([OFFICER_1, OFFICER_2], START), at=START + 4 * H).evidence


# -- 4. the item must be held by the agency at the act's time --------------------------------------------------
def test_township_acting_on_an_item_never_delegated_is_refused() -> None:
    case = standard_world().case()
    case.act("lead.received", LEHUA_1, lead(ITEM_EXPIRED_FOOD, CITIZEN, agency=LEHUA), at=START)
    refuse(case, "case.filed", LEHUA_1, filing(ITEM_EXPIRED_FOOD, CITIZEN), START + H,
           r.ItemNotHeld, "item-not-held", f"{APL}第十七条", 403)


def test_township_acting_on_a_delegated_item_is_accepted() -> None:
    case = standard_world().case()
    case.act("lead.received", LEHUA_1, lead(ITEM_ROAD_OCCUPATION, CITIZEN, agency=LEHUA), at=START)
    state = case.act("case.filed", LEHUA_1, filing(ITEM_ROAD_OCCUPATION, CITIZEN), at=START + H)
    assert (state.agency, state.domain, state.in_name_of) == (LEHUA, "urban_management", None)


def test_act_after_the_delegation_was_revoked_is_refused() -> None:
    world = standard_world()
    case = world.case()
    case.play(investigated(START, ITEM_ROAD_OCCUPATION, CITIZEN, actor=LEHUA_1, agency=LEHUA, officers=(LEHUA_1, LEHUA_2), head=LEHUA_HEAD), START)
    revoked_at = START + 6 * D
    case.act("evidence.collected", LEHUA_1, evidence([LEHUA_1, LEHUA_2], revoked_at - H), at=revoked_at - H)
    world.registry_act(f"item:{ITEM_ROAD_OCCUPATION}", "delegation.revoked", CATALOG_KEEPER,
                       {"to_agency": LEHUA, "instrument": "赣府发〔2026〕3号", "reason": "评估后收回"}, at=revoked_at)
    refuse(case, "evidence.collected", LEHUA_1, evidence([LEHUA_1, LEHUA_2], revoked_at), revoked_at + H,
           r.ItemNotHeld, "item-not-held", f"{APL}第二十四条", 403)


def test_act_after_the_entrustment_was_revoked_is_refused() -> None:
    world = standard_world()
    case = world.case()
    case.play(scenario("township_entrusted", START), START)
    world.registry_act(f"item:{ITEM_GRAFFITI}", "entrustment.revoked", HEAD,
                       {"to_agency": JIAOQIAO, "instrument": "赣新综执委〔2026〕1号", "reason": "委托期满"}, at=START + 6 * D)
    refuse(case, "notice.issued", "officer/jiaoqiao-0002", notice(["warning"], 0), START + 7 * D,
           r.ItemNotHeld, "item-not-held", f"{APL}第二十条", 403)


# -- 5. no re-delegation by an entrusted (or delegated) township -------------------------------------------------
def _entrust(from_agency: str, to_agency: str, item: str = ITEM_GRAFFITI) -> dict[str, Any]:
    return {"from_agency": from_agency, "to_agency": to_agency, "instrument": "委托书", "published_at": "2026-03-01T01:00:00.000000Z",
            "effective_from": None, "scope": [item], "valid_until": "2031-02-28"}


def test_entrusted_township_re_entrusting_is_refused() -> None:
    world = standard_world()
    with pytest.raises(r.ReDelegationForbidden) as info:
        world.registry_act(f"item:{ITEM_GRAFFITI}", "entrustment.granted", JIAOQIAO_HEAD, _entrust(JIAOQIAO, LEHUA))
    assert (info.value.code, info.value.cited_article, info.value.status) == ("re-delegation-forbidden", f"{APL}第二十条", 403)


def test_delegated_township_passing_its_power_on_is_refused() -> None:
    world = standard_world()
    payload = {"from_agency": LEHUA, "to_agency": JIAOQIAO, "instrument": "赣府发", "published_at": "2026-03-01T01:00:00.000000Z", "effective_from": None}
    with pytest.raises(r.ReDelegationForbidden) as info:
        world.registry_act(f"item:{ITEM_ROAD_OCCUPATION}", "delegation.granted", CATALOG_KEEPER, payload)
    assert info.value.cited_article == f"{APL}第二十四条"


def test_the_holding_agency_entrusting_a_township_is_accepted() -> None:
    world = standard_world()
    world.registry_act(f"item:{ITEM_GRAFFITI}", "entrustment.granted", HEAD, _entrust(BUREAU, LEHUA))
    case = world.case()
    case.act("lead.received", LEHUA_1, lead(ITEM_GRAFFITI, CITIZEN, agency=LEHUA), at=START)
    assert case.act("case.filed", LEHUA_1, filing(ITEM_GRAFFITI, CITIZEN), at=START + H).in_name_of == BUREAU


def test_another_agency_head_may_not_entrust_the_bureau_item() -> None:
    with pytest.raises(r.CatalogKeeperRequired):
        standard_world().registry_act(f"item:{ITEM_GRAFFITI}", "entrustment.granted", LEHUA_HEAD, _entrust(BUREAU, LEHUA))


# -- 6. an officer whose recusal was upheld does not act in the case again ---------------------------------------
def _recusal(upheld: bool) -> CaseFile:
    world = standard_world()
    case = investigated_case(world)
    prepare(case, [OFFICER_3], START + 5 * D)
    case.act("recusal.requested", OFFICER_2, {"officer": OFFICER_2, "by": "self", "reason": "与当事人有亲属关系"}, at=START + 5 * D)
    # The investigation does not stop while the head decides (Art 43).
    case.act("evidence.collected", OFFICER_2, evidence([OFFICER_1, OFFICER_2], START + 5 * D), at=START + 5 * D + H)
    case.act("act.cosigned", OFFICER_1, {"act_version": case.version}, at=START + 5 * D + 2 * H)
    refuse(case, "recusal.decided", OFFICER_1, {"officer": OFFICER_2, "upheld": upheld, "reason": "x"}, START + 6 * D,
           r.AgencyHeadRequired, "agency-head-required", f"{APL}第四十三条", 403)
    case.act("recusal.decided", HEAD, {"officer": OFFICER_2, "upheld": upheld, "reason": "理由成立" if upheld else "理由不成立"}, at=START + 6 * D)
    return case


def test_officer_acting_after_an_upheld_recusal_is_refused() -> None:
    case = _recusal(upheld=True)
    at = START + 7 * D
    refuse(case, "evidence.collected", OFFICER_2, evidence([OFFICER_2, OFFICER_3], at), at,
           r.OfficerRecused, "officer-recused", f"{APL}第四十三条", 403)
    refuse(case, "evidence.collected", OFFICER_1, evidence([OFFICER_1, OFFICER_2], at), at,
           r.OfficerRecused, "officer-recused", f"{APL}第四十三条", 403)
    assert case.act("evidence.collected", OFFICER_1, evidence([OFFICER_1, OFFICER_3], at), at=at).evidence


def test_officer_acting_after_a_rejected_recusal_is_accepted() -> None:
    case = _recusal(upheld=False)
    at = START + 7 * D
    assert case.act("evidence.collected", OFFICER_2, evidence([OFFICER_2, OFFICER_3], at), at=at).recused == []


# -- 7. no decision without a served pre-decision notice ---------------------------------------------------------
def test_decision_without_a_notice_is_refused() -> None:
    case = investigated_case(standard_world())
    refuse(case, "decision.made", HEAD, decision(["fine"], 1_500_000, ENDED, band="general"), DECIDE_AT,
           r.DecisionWithoutNotice, "notice-required", f"{APL}第六十二条")
    case.act("notice.issued", OFFICER_1, notice(["fine"], 1_500_000, band="general"), at=START + 8 * D)
    refuse(case, "decision.made", HEAD, decision(["fine"], 1_500_000, ENDED, band="general"), DECIDE_AT,
           r.DecisionWithoutNotice, "notice-required", f"{APL}第六十二条")


def test_decision_after_a_served_notice_is_accepted() -> None:
    case = notified_case(standard_world())
    state = case.act("decision.made", HEAD, decision(["fine"], 1_500_000, ENDED, band="general"), at=DECIDE_AT)
    assert state.status == "decided" and state.decision is not None and state.decision.fine_fen == 1_500_000


# -- 8. the statement window and the hearing-request window, in working days ------------------------------------
NATIONAL_DAY_START = beijing(2026, 9, 18)
SERVED_BEFORE_NATIONAL_DAY = beijing(2026, 9, 29)  # Tuesday; 10-01..10-07 are holidays, 10-10 (Sat) is worked


def test_statement_window_counts_working_days_across_national_day() -> None:
    case = notified_case(standard_world(NATIONAL_DAY_START), start=NATIONAL_DAY_START, notice_at=SERVED_BEFORE_NATIONAL_DAY - H)
    assert case.state is not None
    window = statement_window(case.state)
    # 9-30, 10-08, 10-09, 10-10 (adjusted Saturday), 10-12: thirteen calendar days for five working days.
    assert window is not None and window.date == dt.date(2026, 10, 12)


def test_decision_before_the_statement_window_closes_is_refused() -> None:
    case = notified_case(standard_world(NATIONAL_DAY_START), start=NATIONAL_DAY_START, notice_at=SERVED_BEFORE_NATIONAL_DAY - H)
    refuse(case, "decision.made", HEAD, decision(["fine"], 1_500_000, ENDED, band="general"), beijing(2026, 10, 12, 16),
           r.StatementWindowOpen, "statement-window-open", f"{APL}第四十五条")


def test_decision_after_the_statement_window_or_an_express_waiver_is_accepted() -> None:
    case = notified_case(standard_world(NATIONAL_DAY_START), start=NATIONAL_DAY_START, notice_at=SERVED_BEFORE_NATIONAL_DAY - H)
    assert case.act("decision.made", HEAD, decision(["fine"], 1_500_000, ENDED, band="general"), at=beijing(2026, 10, 13)).decision
    waived = notified_case(standard_world(NATIONAL_DAY_START), start=NATIONAL_DAY_START, notice_at=SERVED_BEFORE_NATIONAL_DAY - H)
    waived.act("right.waived", OFFICER_1, {"right": "statement", "paper_sha256": sha("waiver")}, at=beijing(2026, 9, 30))
    assert waived.act("decision.made", HEAD, decision(["fine"], 1_500_000, ENDED, band="general"), at=beijing(2026, 10, 8)).decision


def _store_notified() -> CaseFile:
    """A sole trader (a citizen for thresholds) notified of a 60,000-yuan fine: hearing right, legal review."""
    world = standard_world(NATIONAL_DAY_START)
    case = notified_case(world, item=ITEM_EXPIRED_FOOD, party=STORE, fine=6_000_000, band="lighter",
                         start=NATIONAL_DAY_START, notice_at=SERVED_BEFORE_NATIONAL_DAY - H)
    assert case.state is not None and case.state.notice is not None and case.state.notice.hearing_eligible
    case.act("right.waived", PARTY_STORE, {"right": "statement", "paper_sha256": None}, at=beijing(2026, 9, 30))
    case.act("legal.reviewed", REVIEWER, {"outcome": "passed", "opinion": "同意"}, at=beijing(2026, 9, 30, 15))
    return case


def test_decision_before_the_hearing_request_window_closes_is_refused() -> None:
    refuse(_store_notified(), "decision.made", HEAD, decision(["fine"], 6_000_000, ENDED, band="lighter"), beijing(2026, 10, 12, 16),
           r.HearingRequestWindowOpen, "hearing-request-window-open", f"{APL}第六十四条")


def test_decision_after_the_hearing_request_window_closes_is_accepted() -> None:
    case = _store_notified()
    assert case.act("decision.made", HEAD, decision(["fine"], 6_000_000, ENDED, band="lighter"), at=beijing(2026, 10, 13)).decision


def test_hearing_request_after_its_window_is_refused_and_within_it_accepted() -> None:
    late = _store_notified()
    refuse(late, "hearing.requested", PARTY_STORE, {"paper_sha256": None}, beijing(2026, 10, 13),
           r.HearingRequestLate, "hearing-request-late", f"{APL}第六十四条")
    assert _store_notified().act("hearing.requested", PARTY_STORE, {"paper_sha256": None}, at=beijing(2026, 10, 12, 17)).hearing


# -- 9. a requested hearing is held (and recorded) before deciding -----------------------------------------------
def _hearing_requested(stage: str = "hearing") -> CaseFile:
    world = standard_world()
    case = world.case()
    case.play(hearing_case(START, until=stage), START)
    return case


def test_decision_without_the_requested_hearing_is_refused() -> None:
    case = _hearing_requested()
    refuse(case, "decision.made", HEAD, decision(["fine", "confiscate_gains"], 6_000_000, ENDED, band="lighter", confiscation_fen=120_000),
           START + 40 * D, r.HearingRequired, "hearing-required", f"{APL}第六十三条")
    case.act("hearing.held", OFFICER_3, {"presider": OFFICER_3, "party_present": True, "attendees": []}, at=START + 35 * D)
    refuse(case, "decision.made", HEAD, decision(["fine", "confiscate_gains"], 6_000_000, ENDED, band="lighter", confiscation_fen=120_000),
           START + 40 * D, r.HearingRecordRequired, "hearing-record-required", f"{APL}第六十五条")


def test_decision_after_the_hearing_and_its_record_is_accepted() -> None:
    case = _hearing_requested("decided")
    assert case.state is not None and case.state.status == "decided"
    assert case.state.hearing is not None and case.state.hearing.record_sha256 is not None


# -- 10. the hearing is presided by someone who did not investigate ----------------------------------------------
def _requested() -> CaseFile:
    case = _hearing_requested("notified")
    case.act("hearing.requested", PARTY_STORE, {"paper_sha256": None}, at=START + 13 * D)
    return case


def test_hearing_presided_by_an_investigator_is_refused() -> None:
    refuse(_requested(), "hearing.scheduled", HEAD, hearing_at(START + 35 * D, OFFICER_1), START + 14 * D,
           r.HearingPresiderInvestigated, "hearing-presider-investigated", f"{APL}第六十四条")


def test_hearing_presided_by_a_non_investigator_is_accepted() -> None:
    state = _requested().act("hearing.scheduled", HEAD, hearing_at(START + 35 * D, OFFICER_3), at=START + 14 * D)
    assert state.hearing is not None and state.hearing.presider == OFFICER_3


# -- 11. the party is told seven working days before the hearing ------------------------------------------------
def _requested_before_spring_festival() -> CaseFile:
    start = beijing(2026, 1, 26)
    case = standard_world(start).case()
    case.play(hearing_case(start, until="notified"), start)  # notice served 2026-02-05
    case.act("hearing.requested", PARTY_STORE, {"paper_sha256": None}, at=beijing(2026, 2, 9))
    return case


def test_hearing_notice_under_seven_working_days_is_refused() -> None:
    # Told Thursday 2026-02-12: 02-13, 02-14 (adjusted Saturday), then the Spring Festival to 02-23;
    # 02-24..02-27 make six working days, fifteen calendar days later.
    refuse(_requested_before_spring_festival(), "hearing.scheduled", HEAD, hearing_at(beijing(2026, 2, 27), OFFICER_3),
           beijing(2026, 2, 12), r.HearingNoticeTooShort, "hearing-notice-too-short", f"{APL}第六十四条")


def test_hearing_notice_of_seven_working_days_is_accepted() -> None:
    state = _requested_before_spring_festival().act(
        "hearing.scheduled", HEAD, hearing_at(beijing(2026, 2, 28), OFFICER_3), at=beijing(2026, 2, 12)
    )
    assert state.hearing is not None and state.hearing.hearing_at == beijing(2026, 2, 28)


# -- 12. legal review before major decisions, collective discussion for complex ones -----------------------------
def _heard_without_final_review() -> CaseFile:
    world = standard_world()
    case = world.case()
    steps = [s for s in hearing_case(START, until="decided") if s.type != "decision.made"]
    steps = [s for s in steps if not (s.type == "legal.reviewed" and s.offset == 37 * D)]
    case.play(steps, START)
    return case


FOOD_DECISION = decision(["fine", "confiscate_gains"], 6_000_000, ENDED, band="lighter", confiscation_fen=120_000)


def test_major_decision_without_legal_review_after_the_hearing_is_refused() -> None:
    case = _heard_without_final_review()  # reviewed before the notice only
    refuse(case, "decision.made", HEAD, FOOD_DECISION, START + 40 * D, r.LegalReviewRequired, "legal-review-required", f"{APL}第五十八条")
    case.act("legal.reviewed", REVIEWER, {"outcome": "failed", "opinion": "证据不足"}, at=START + 38 * D)
    refuse(case, "decision.made", HEAD, FOOD_DECISION, START + 40 * D, r.LegalReviewRequired, "legal-review-required", f"{APL}第五十八条")


def test_major_decision_after_a_passed_legal_review_is_accepted() -> None:
    case = _heard_without_final_review()
    case.act("legal.reviewed", REVIEWER, {"outcome": "passed", "opinion": "同意"}, at=START + 38 * D)
    assert case.act("decision.made", HEAD, FOOD_DECISION, at=START + 40 * D).decision


def test_legal_review_by_someone_else_is_refused() -> None:
    refuse(filed_case(standard_world()), "legal.reviewed", OFFICER_1, {"outcome": "passed", "opinion": "x"}, START + 2 * H,
           r.LegalReviewerRequired, "legal-reviewer-required", f"{APL}第五十八条", 403)


def _complex_case() -> CaseFile:
    case = notified_case(standard_world(), complex=True)
    case.act("legal.reviewed", REVIEWER, {"outcome": "passed", "opinion": "同意"}, at=START + 15 * D)
    return case


def test_complex_case_without_collective_discussion_is_refused() -> None:
    refuse(_complex_case(), "decision.made", HEAD, decision(["fine"], 1_500_000, ENDED, band="general"), DECIDE_AT,
           r.CollectiveDiscussionRequired, "collective-discussion-required", f"{APL}第五十七条")


def test_complex_case_after_collective_discussion_is_accepted() -> None:
    case = _complex_case()
    discussed = case.act("collective.discussed", HEAD, {"participants": HEADS, "conclusion": "同意处罚"}, at=START + 16 * D).version
    for head in HEADS[1:]:
        case.act("act.cosigned", head, {"act_version": discussed}, at=START + 16 * D)
    assert case.act("decision.made", HEAD, decision(["fine"], 1_500_000, ENDED, band="general"), at=DECIDE_AT).decision


# -- 13. the fine inside the catalog range, and inside the chosen band unless a reason is given ------------------
def test_fine_above_the_catalog_range_is_refused_with_the_item_basis() -> None:
    case = notified_case(standard_world(), fine=3_000_000, band="heavier")
    refuse(case, "decision.made", HEAD, decision(["fine"], 3_000_001, ENDED, band="heavier"), DECIDE_AT,
           r.FineOutsideRange, "fine-outside-range", LICENCE_BASIS)


def test_fine_at_the_top_of_the_range_is_accepted() -> None:
    case = notified_case(standard_world(), fine=3_000_000, band="heavier")
    assert case.act("decision.made", HEAD, decision(["fine"], 3_000_000, ENDED, band="heavier"), at=DECIDE_AT).decision


def test_fine_below_the_minimum_is_refused_unless_mitigated() -> None:
    world = standard_world()
    case = notified_case(world, item=ITEM_EXPIRED_FOOD, fine=5_000_000, band="lighter")
    refuse(case, "decision.made", HEAD, decision(["fine"], 4_000_000, ENDED, band="lighter"), DECIDE_AT,
           r.FineOutsideRange, "fine-outside-range", FOOD_BASIS)
    assert case.act("decision.made", HEAD, decision(["fine"], 4_000_000, ENDED, band="mitigated"), at=DECIDE_AT).decision


def test_fine_outside_the_chosen_band_without_a_reason_is_refused() -> None:
    refuse(notified_case(standard_world()), "decision.made", HEAD, decision(["fine"], 1_500_000, ENDED, band="lighter"), DECIDE_AT,
           r.FineOutsideBand, "fine-outside-band", f"{APL}第三十四条")


def test_fine_outside_the_band_with_a_reason_needs_and_then_passes_legal_review() -> None:
    case = notified_case(standard_world())
    reasoned = decision(["fine"], 1_500_000, ENDED, band="lighter", reason_outside_band="当事人积极配合调查，主动消除影响")
    refuse(case, "decision.made", HEAD, reasoned, DECIDE_AT, r.LegalReviewRequired, "legal-review-required", f"{APL}第五十八条")
    case.act("legal.reviewed", REVIEWER, {"outcome": "passed", "opinion": "理由充分"}, at=DECIDE_AT - H)
    assert case.act("decision.made", HEAD, reasoned, at=DECIDE_AT).decision


# -- 14. no penalty on an exemption-list first violation -----------------------------------------------------------
def test_penalty_on_an_exemption_list_first_violation_is_refused() -> None:
    case = notified_case(standard_world(), fine=500_000, band="lighter")
    first = decision(["fine"], 500_000, ENDED, band="lighter", first_violation=True, corrected=True, harm="slight")
    refuse(case, "decision.made", HEAD, first, DECIDE_AT, r.ExemptFirstViolation, "exempt-first-violation", f"{APL}第三十三条")
    state = case.act("no_penalty.decided", HEAD, no_penalty("first_violation_slight"), at=DECIDE_AT)
    assert state.decision is not None and state.decision.kind == "no_penalty"


def test_penalty_on_a_repeated_or_harmful_violation_of_an_exemption_item_is_accepted() -> None:
    case = notified_case(standard_world(), fine=500_000, band="lighter")
    repeated = decision(["fine"], 500_000, ENDED, band="lighter", first_violation=False, corrected=True, harm="slight")
    assert case.act("decision.made", HEAD, repeated, at=DECIDE_AT).decision


# -- 15. no heavier penalty after the party's defence ----------------------------------------------------------------
def test_heavier_penalty_after_defence_is_refused() -> None:
    case = notified_case(standard_world())
    case.act("statement.made", OFFICER_1, {"summary": "当事人申辩", "content_sha256": sha("defence"), "paper_sha256": sha("paper")}, at=START + 10 * D)
    refuse(case, "decision.made", HEAD, decision(["fine"], 1_800_000, ENDED, band="general"), DECIDE_AT,
           r.HeavierAfterDefence, "heavier-after-defence", f"{APL}第四十五条")
    assert case.act("decision.made", HEAD, decision(["fine"], 1_200_000, ENDED, band="general"), at=DECIDE_AT).decision


def test_heavier_penalty_than_notified_without_defence_needs_a_new_notice() -> None:
    case = notified_case(standard_world())
    refuse(case, "decision.made", HEAD, decision(["fine"], 1_800_000, ENDED, band="general"), DECIDE_AT,
           r.DecisionExceedsNotice, "decision-exceeds-notice", f"{APL}第四十四条")


def test_party_statement_signed_by_someone_else_is_refused() -> None:
    case = notified_case(standard_world())
    refuse(case, "statement.made", OFFICER_1, {"summary": "x", "content_sha256": sha("x"), "paper_sha256": None}, START + 10 * D,
           r.NotTheParty, "not-the-party", f"{APL}第四十五条", 403)


# -- 16. simple procedure only up to 200 yuan (citizen) / 3,000 yuan (organisation) --------------------------------
def _on_the_spot(party: dict[str, Any], item: str, fine: int) -> tuple[CaseFile, dict[str, Any]]:
    case = standard_world().case()
    case.act("lead.received", OFFICER_1, lead(), at=START)
    return case, simple(party, item, fine, [OFFICER_1, OFFICER_2], local_date(START))


@pytest.mark.parametrize(
    ("party", "item", "cap"),
    [(CITIZEN, ITEM_GRAFFITI, 20_000), (STORE, ITEM_GRAFFITI, 20_000), (COMPANY, ITEM_LICENCE_DISPLAY, 300_000)],
    ids=["citizen-200", "sole-trader-200", "organisation-3000"],
)
def test_simple_procedure_above_its_limit_is_refused_and_at_it_accepted(party: dict[str, Any], item: str, cap: int) -> None:
    case, payload = _on_the_spot(party, item, cap + 1)
    refuse(case, "simple.decided", OFFICER_1, payload, START + H, r.SimpleProcedureNotAllowed, "simple-procedure-threshold", f"{APL}第五十一条")
    case, payload = _on_the_spot(party, item, cap)
    state = case.act("simple.decided", OFFICER_1, payload, at=START + H)
    assert state.procedure == "simple" and state.decision is not None and state.decision.served_at == START + H


def test_simple_procedure_after_filing_is_refused() -> None:
    case = filed_case(standard_world(), ITEM_GRAFFITI, CITIZEN)
    refuse(case, "simple.decided", OFFICER_1, simple(CITIZEN, ITEM_GRAFFITI, 5_000, [OFFICER_1, OFFICER_2], local_date(START)),
           START + 2 * H, r.ActNotAllowedNow, "act-not-allowed-now", f"{APL}第五十一条")


# -- 17. decision within 90 days of filing unless extended -----------------------------------------------------------
# Filed Tuesday 2026-03-03 (day 1 of the investigated scenario): 90 days end Monday 2026-06-01, a working day.
def test_decision_more_than_90_days_after_filing_is_refused() -> None:
    case = notified_case(standard_world())
    assert case.state is not None
    limit = decision_time_limit(case.state, START)
    assert limit is not None and limit.date == dt.date(2026, 6, 1)
    refuse(case, "decision.made", HEAD, decision(["fine"], 1_500_000, ENDED, band="general"), beijing(2026, 6, 2),
           r.DecisionTimeLimitExceeded, "decision-time-limit", f"{APL}第六十条")


def test_decision_on_the_90th_day_or_after_an_approved_extension_is_accepted() -> None:
    on_time = notified_case(standard_world())
    assert on_time.act("decision.made", HEAD, decision(["fine"], 1_500_000, ENDED, band="general"), at=beijing(2026, 6, 1, 17)).decision
    extended = notified_case(standard_world())
    extended.act("extension.approved", HEAD, {"days": 30, "reason": "案情复杂"}, at=beijing(2026, 5, 25))
    assert extended.act("decision.made", HEAD, decision(["fine"], 1_500_000, ENDED, band="general"), at=beijing(2026, 6, 20)).decision


def test_excluded_testing_time_moves_the_time_limit() -> None:
    case = notified_case(standard_world())
    case.act("pause.started", OFFICER_1, {"kind": "testing", "reason": "送检", "measure": None}, at=beijing(2026, 4, 1))
    case.act("pause.ended", OFFICER_1, {"kind": "testing", "measure": None}, at=beijing(2026, 4, 11))
    assert case.act("decision.made", HEAD, decision(["fine"], 1_500_000, ENDED, band="general"), at=beijing(2026, 6, 10)).decision


def test_further_extension_needs_collective_discussion_and_none_after_expiry() -> None:
    case = notified_case(standard_world())
    case.act("extension.approved", HEAD, {"days": 30, "reason": "案情复杂"}, at=beijing(2026, 5, 25))
    refuse(case, "extension.approved", HEAD, {"days": 30, "reason": "再次延长"}, beijing(2026, 6, 25),
           r.ExtensionNotAllowed, "extension-not-allowed", f"{MS_RULES}第六十四条")
    refuse(case, "extension.approved", HEAD, {"days": 31, "reason": "x"}, beijing(2026, 6, 25),
           r.ExtensionNotAllowed, "extension-not-allowed", f"{MS_RULES}第六十四条")
    case.act("collective.discussed", HEAD, {"participants": HEADS, "conclusion": "同意再次延长"}, at=beijing(2026, 6, 24))
    refuse(case, "extension.approved", HEAD, {"days": 30, "reason": "再次延长"}, beijing(2026, 6, 25),
           r.ExtensionNotAllowed, "extension-not-allowed", f"{MS_RULES}第六十四条")  # not every head has signed yet
    discussed = case.version
    for head in HEADS[1:]:
        case.act("act.cosigned", head, {"act_version": discussed}, at=beijing(2026, 6, 24, 10))
    assert case.act("extension.approved", HEAD, {"days": 30, "reason": "再次延长"}, at=beijing(2026, 6, 25)).extensions
    late = notified_case(standard_world())
    refuse(late, "extension.approved", HEAD, {"days": 30, "reason": "x"}, beijing(2026, 6, 2),
           r.DecisionTimeLimitExceeded, "decision-time-limit", f"{APL}第六十条")


# -- 18. coercive measures: 30 days, one extension of 30 ----------------------------------------------------------
def test_seizure_beyond_30_days_is_refused() -> None:
    refuse(filed_case(standard_world()), "coercion.imposed", OFFICER_1, coercion([OFFICER_1, OFFICER_2], HEAD, days=31), START + 2 * H,
           r.CoercionTooLong, "coercion-too-long", f"{ACL}第二十五条")


def test_seizure_of_30_days_extended_once_by_30_is_accepted_and_no_further() -> None:
    case = filed_case(standard_world())
    case.act("coercion.imposed", HEAD, coercion([OFFICER_1, OFFICER_2], HEAD), at=START + 2 * H)
    measure = case.version
    refuse(case, "coercion.extended", HEAD, extension(measure, 31), START + 20 * D,
           r.CoercionTooLong, "coercion-too-long", f"{ACL}第二十五条")
    state = case.act("coercion.extended", HEAD, extension(measure, 30), at=START + 20 * D)
    assert state.measures[0].extension_days == 30
    refuse(case, "coercion.extended", HEAD, extension(measure, 1), START + 40 * D,
           r.CoercionTooLong, "coercion-too-long", f"{ACL}第二十五条")


def test_extending_an_expired_seizure_is_refused() -> None:
    case = filed_case(standard_world())
    case.act("coercion.imposed", HEAD, coercion([OFFICER_1, OFFICER_2], HEAD, days=10), at=START + 2 * H)
    refuse(case, "coercion.extended", HEAD, extension(case.version, 10), START + 15 * D,
           r.CoercionNotActive, "coercion-not-active", f"{ACL}第二十五条")


def test_seizure_of_an_item_on_the_no_coercion_list_is_refused() -> None:
    refuse(filed_case(standard_world(), ITEM_LICENCE_DISPLAY), "coercion.imposed", OFFICER_1, coercion([OFFICER_1, OFFICER_2], HEAD),
           START + 2 * H, r.CoercionBarred, "no-coercion-list", f"{ACL}第十六条")


# -- 19. no closure before performance ---------------------------------------------------------------------------
def _served() -> CaseFile:
    case = standard_world().case()
    case.play(organisation_case(START, until="served"), START)
    return case


def test_closure_before_performance_is_refused() -> None:
    case = _served()
    refuse(case, "case.closed", OFFICER_1, {"summary": ""}, START + 30 * D,
           r.ClosureBeforePerformance, "closure-before-performance", f"{APL}第六十六条；{MS_RULES}（结案）")
    case.act("payment.recorded", OFFICER_2, {"amount_fen": 1_000_000, "method": "bank", "receipt_ref": "1", "hard_to_collect": False}, at=START + 31 * D)
    refuse(case, "case.closed", OFFICER_1, {"summary": ""}, START + 32 * D,
           r.ClosureBeforePerformance, "closure-before-performance", f"{APL}第六十六条；{MS_RULES}（结案）")


def test_closure_after_full_payment_is_accepted() -> None:
    case = _served()
    case.act("payment.recorded", OFFICER_2, {"amount_fen": 1_500_000, "method": "bank", "receipt_ref": "1", "hard_to_collect": False}, at=START + 31 * D)
    state = case.act("case.closed", OFFICER_1, {"summary": "缴清"}, at=START + 32 * D)
    assert (state.status, state.closure_ground) == ("closed", "performed")


def test_closure_without_any_decision_is_refused() -> None:
    refuse(investigated_case(standard_world()), "case.closed", OFFICER_1, {"summary": ""}, START + 10 * D,
           r.ClosureBeforePerformance, "closure-before-performance", f"{APL}第六十六条；{MS_RULES}（结案）")


# -- 20. no penalty after the limitation period -----------------------------------------------------------------------
def test_penalty_after_two_years_is_refused() -> None:
    # Discovered 2026-03-02: a violation that ended 2024-03-01 ran out on 2026-03-01.
    refuse(notified_case(standard_world()), "decision.made", HEAD, decision(["fine"], 1_500_000, dt.date(2024, 3, 1), band="general"),
           DECIDE_AT, r.PenaltyTimeBarred, "limitation-expired", f"{APL}第三十六条")


def test_penalty_within_two_years_is_accepted() -> None:
    case = notified_case(standard_world())
    assert case.act("decision.made", HEAD, decision(["fine"], 1_500_000, dt.date(2024, 3, 2), band="general"), at=DECIDE_AT).decision


def test_five_years_where_life_or_health_was_harmed() -> None:
    def food() -> CaseFile:
        return notified_case(standard_world(), item=ITEM_EXPIRED_FOOD, fine=6_000_000, band="lighter")

    three_years = dt.date(2023, 3, 2)
    refuse(food(), "decision.made", HEAD, decision(["fine"], 6_000_000, three_years, band="lighter"), DECIDE_AT,
           r.PenaltyTimeBarred, "limitation-expired", f"{APL}第三十六条")
    harmed = decision(["fine"], 6_000_000, three_years, band="lighter", life_health_finance_harm=True)
    assert food().act("decision.made", HEAD, harmed, at=DECIDE_AT).decision
    too_old = decision(["fine"], 6_000_000, dt.date(2021, 3, 1), band="lighter", life_health_finance_harm=True)
    refuse(food(), "decision.made", HEAD, too_old, DECIDE_AT, r.PenaltyTimeBarred, "limitation-expired", f"{APL}第三十六条")


# -- the rest of the procedure ----------------------------------------------------------------------------------
def test_a_case_starts_with_a_lead() -> None:
    case = standard_world().case()
    with pytest.raises(CaseNotOpen):
        case.act("case.note", OFFICER_1, {"text": "x"}, at=START)


def test_closed_case_takes_only_annotations() -> None:
    case = standard_world().case()
    case.play(scenario("closed", START), START)
    refuse(case, "evidence.collected", OFFICER_1, evidence([OFFICER_1, OFFICER_2], START), START + 60 * D,
           r.CaseFinished, "case-finished", f"{APL}第四十七条")
    assert case.act("case.note", OFFICER_1, {"text": "补充说明"}, at=START + 60 * D).status == "closed"


def test_referred_lead_is_archived_only_after_the_result_went_back() -> None:
    case = standard_world().case()
    case.play(scenario("declined", START)[:2], START)
    refuse(case, "case.archived", OFFICER_1, {"file_sha256": sha("f"), "pages": 2}, START + 4 * D,
           r.ReferralResultRequired, "referral-result-required", r.ReferralResultRequired.article)


def test_filing_extension_is_the_head_act_and_happens_once() -> None:
    case = standard_world().case()
    case.act("lead.received", OFFICER_1, lead(ITEM_LICENCE_DISPLAY, COMPANY), at=START)
    article = f"{MS_RULES}第十八条"
    refuse(case, "filing.extended", OFFICER_1, {"reason": "x"}, START + D, r.AgencyHeadRequired, "agency-head-required", article, 403)
    assert case.act("filing.extended", HEAD, {"reason": "需检验"}, at=START + D).filing_extended_at == START + D
    refuse(case, "filing.extended", HEAD, {"reason": "again"}, START + 2 * D, r.ActNotAllowedNow, "act-not-allowed-now", article)


def test_transfer_needs_the_head_approval() -> None:
    case = investigated_case(standard_world(), ITEM_EXPIRED_FOOD, STORE)
    case.act("transfer.reported", OFFICER_1, {"organ": "公安分局", "suspected_crime": "涉嫌犯罪"}, at=START + 6 * D)
    refuse(case, "transfer.sent", OFFICER_1, {"organ": "公安分局", "file_sha256": sha("t"), "items": []}, START + 7 * D,
           r.TransferNotApproved, "transfer-not-approved", "国务院令第310号第五条")


def test_court_enforcement_before_the_remedy_periods_expire_is_refused() -> None:
    case = _served()
    case.act("reminder.sent", OFFICER_1, {"amount_due_fen": 1_500_000, "method": "direct"}, at=START + 60 * D)
    refuse(case, "court_enforcement.applied", HEAD, {"court": "法院"}, START + 80 * D,
           r.EnforcementPremature, "enforcement-premature", f"{ACL}第五十三条、第五十四条")


def test_late_fee_above_three_percent_a_day_is_refused() -> None:
    case = _served()  # served 2026-03-28; due 15 days later
    assert case.state is not None and case.state.decision is not None
    refuse(case, "late_fee.assessed", OFFICER_1, {"amount_fen": 1_500_001, "as_of": "2026-06-30"}, beijing(2026, 7, 1),
           r.LateFeeExcessive, "late-fee-excessive", f"{APL}第七十二条")
    assert case.act("late_fee.assessed", OFFICER_1, {"amount_fen": 1_500_000, "as_of": "2026-06-30"}, at=beijing(2026, 7, 1)).late_fees_fen == 1_500_000


def test_on_the_spot_collection_above_100_yuan_is_refused() -> None:
    case, payload = _on_the_spot(CITIZEN, ITEM_GRAFFITI, 15_000)
    case.act("simple.decided", OFFICER_1, payload, at=START + H)
    refuse(case, "payment.recorded", OFFICER_1, {"amount_fen": 15_000, "method": "on_the_spot", "receipt_ref": "1", "hard_to_collect": False},
           START + 2 * H, r.OnTheSpotCollectionNotAllowed, "on-the-spot-collection", f"{APL}第六十八条")


def test_lawsuit_against_an_on_the_spot_decision_goes_to_reconsideration_first() -> None:
    case, payload = _on_the_spot(CITIZEN, ITEM_GRAFFITI, 5_000)
    case.act("simple.decided", OFFICER_1, payload, at=START + H)
    refuse(case, "litigation.filed", OFFICER_1, {"body": "法院"}, START + 2 * D,
           r.ReconsiderationFirst, "reconsideration-first", "《行政复议法》第二十三条")
    case.act("reconsideration.filed", OFFICER_1, {"body": "复议机关"}, at=START + 3 * D)
    case.act("reconsideration.decided", OFFICER_1, {"outcome": "upheld", "changed_fine_fen": None, "final": True}, at=START + 30 * D)
    assert case.act("litigation.filed", OFFICER_1, {"body": "法院"}, at=START + 35 * D).status == "under_review"


def test_revoked_decision_lets_the_case_close_and_remake_reopens_it() -> None:
    case = _served()
    case.act("reconsideration.filed", OFFICER_2, {"body": "复议机关"}, at=START + 30 * D)
    case.act("reconsideration.decided", OFFICER_2, {"outcome": "revoked", "changed_fine_fen": None, "final": True}, at=START + 60 * D)
    assert case.act("case.closed", OFFICER_1, {"summary": ""}, at=START + 61 * D).closure_ground == "decision_void"
    remade = _served()
    remade.act("reconsideration.filed", OFFICER_2, {"body": "复议机关"}, at=START + 30 * D)
    state = remade.act("reconsideration.decided", OFFICER_2, {"outcome": "remake", "changed_fine_fen": None, "final": True}, at=START + 60 * D)
    assert state.decision is None and state.notice is None and len(state.voided_decisions) == 1
    refuse(remade, "decision.made", HEAD, decision(["fine"], 1_500_000, ENDED, band="general"), START + 70 * D,
           r.DecisionWithoutNotice, "notice-required", f"{APL}第六十二条")


def test_refused_act_leaves_the_previous_state_object_untouched() -> None:
    case = notified_case(standard_world())
    previous: CaseState | None = case.state
    snapshot = msgspec.json.encode(previous)
    with pytest.raises(r.FineOutsideBand):
        case.act("decision.made", HEAD, decision(["fine"], 1_500_000, ENDED, band="lighter"), at=DECIDE_AT)
    assert msgspec.json.encode(previous) == snapshot and case.state is previous
