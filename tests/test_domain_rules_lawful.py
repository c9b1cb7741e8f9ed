"""Acts the ledger accepted before although a court would hold them unlawful (issue 13): each is now refused with
its code and article, leaving the case as it was, and the lawful act at the same point is accepted.

Numbered as the issue's list: 1 Art 33(1)/(2) · 2 remedy clocks after a reconsideration · 3 seizure pauses and
extensions · 4 credentials, rights and approval before investigation and coercion · 5 a presider who investigates ·
6 a heavier second notice after a defence · 7 acts after a revocation · 8 collective discussion · 9 time in the
post · 10 seized property on transfer · 11 从旧兼从轻 · 12 the deciding agency · 13 cash hand-in, on-the-spot
collection, private hearings, who may annotate. (13's replay rule lives in the writer: test_rules_through_ledger_lawful.)
Dates are Beijing dates; START is Monday 2026-03-02, 09:00.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from domain import refusals as r
from domain.calendar import local_date
from domain.deadlines import deadlines
from domain.errors import MalformedAct, NotAuthorised
from domain.law import ACL, ALL, APL, CPL, MINORS, MS_RULES
from domain.procedure import measure_end
from tests.builders import (
    AUTHORITY,
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
    pause,
    payment,
    service,
    sha,
    simple,
    standard_world,
)
from tests.test_domain_rules import (
    DECIDE_AT,
    ENDED,
    HEADS,
    LICENCE_BASIS,
    START,
    D,
    H,
    _complex_case,
    _requested,
    _store_notified,
    filed_case,
    filing,
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
    DEPUTY_HEAD_1,
    HEAD,
    ITEM_EXPIRED_FOOD,
    ITEM_GRAFFITI,
    ITEM_LICENCE_DISPLAY,
    ITEM_ROAD_OCCUPATION,
    ITEMS,
    JIAOQIAO,
    JIAOQIAO_1,
    JIAOQIAO_2,
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
    SUPERVISOR,
    URBAN_ONLY,
    hearing_case,
    investigated,
    organisation_case,
    scenario,
)


def _cosign(case: CaseFile, version: int, *people: str, at: dt.datetime) -> None:
    for person in people:
        case.act("act.cosigned", person, {"act_version": version}, at=at)


# -- 1. Art 33(1) and 33(2): no penalty for a minor, corrected, harmless violation, or where no fault is proven ---
def test_penalty_for_a_minor_violation_corrected_in_time_without_harm_is_refused() -> None:
    case = notified_case(standard_world())
    minor = decision(["fine"], 1_500_000, ENDED, band="general", minor=True, corrected=True, harm="none")
    refuse(case, "decision.made", HEAD, minor, DECIDE_AT,
           r.MinorCorrectedNotPenalised, "minor-corrected-no-penalty", f"{APL}第三十三条第一款")
    state = case.act("no_penalty.decided", HEAD, no_penalty("minor_corrected"), at=DECIDE_AT)
    assert state.decision is not None and (state.decision.kind, state.decision.ground) == ("no_penalty", "minor_corrected")


@pytest.mark.parametrize("grounds", [{"corrected": False, "harm": "none"}, {"corrected": True, "harm": "slight"}],
                         ids=["not-corrected", "some-harm"])
def test_penalty_for_a_minor_violation_not_corrected_or_with_harm_is_accepted(grounds: dict[str, Any]) -> None:
    case = notified_case(standard_world())
    state = case.act("decision.made", HEAD, decision(["fine"], 1_500_000, ENDED, band="general", minor=True, **grounds), at=DECIDE_AT)
    assert state.decision is not None and state.decision.fine_fen == 1_500_000


def test_penalty_where_the_party_proved_no_subjective_fault_is_refused() -> None:
    case = notified_case(standard_world())
    refuse(case, "decision.made", HEAD, decision(["fine"], 1_500_000, ENDED, band="general", no_fault_proven=True), DECIDE_AT,
           r.NoFaultNotPenalised, "no-fault-no-penalty", f"{APL}第三十三条第二款")
    state = case.act("no_penalty.decided", HEAD, no_penalty("no_fault"), at=DECIDE_AT)
    assert state.decision is not None and state.decision.ground == "no_fault"


def test_on_the_spot_fine_for_a_minor_corrected_harmless_violation_is_refused_and_otherwise_accepted() -> None:
    case = standard_world().case()
    case.act("lead.received", OFFICER_1, lead(), at=START)
    harmless = simple(CITIZEN, ITEM_GRAFFITI, 5_000, [OFFICER_1, OFFICER_2], local_date(START), minor=True, corrected=True, harm="none")
    refuse(case, "simple.decided", OFFICER_1, harmless, START + H,
           r.MinorCorrectedNotPenalised, "minor-corrected-no-penalty", f"{APL}第三十三条第一款")
    refuse(case, "simple.decided", OFFICER_1, {**harmless, "minor": False, "no_fault_proven": True}, START + H,
           r.NoFaultNotPenalised, "no-fault-no-penalty", f"{APL}第三十三条第二款")
    assert case.act("simple.decided", OFFICER_1, {**harmless, "harm": "slight"}, at=START + H).decision is not None


# -- 2. remedy clocks after a reconsideration (行政诉讼法 Art 45, 行政强制法 Art 53, 行诉法解释 Art 156) ------------
RECONSIDERATION_DECIDED = beijing(2026, 5, 6)  # the organisation's decision was served 2026-03-28; reconsideration filed 04-01


def _reconsidered() -> CaseFile:
    case = standard_world().case()
    case.play(organisation_case(START, until="under_reconsideration"), START)
    case.act("reconsideration.decided", OFFICER_2, {"outcome": "upheld", "changed_fine_fen": None, "final": True, "served_at": None},
             at=RECONSIDERATION_DECIDED)
    return case


def test_lawsuit_more_than_15_days_after_the_reconsideration_decision_is_refused() -> None:
    # Served 05-06: 15 days end on Thursday 05-21, long before 6 months from the original decision (09-28).
    refuse(_reconsidered(), "litigation.filed", OFFICER_2, {"body": "南昌铁路运输法院"}, beijing(2026, 5, 22),
           r.LitigationWindowClosed, "litigation-window-closed", f"{ALL}第四十五条")


def test_lawsuit_within_15_days_of_the_reconsideration_decision_is_accepted() -> None:
    case = _reconsidered()
    assert case.state is not None
    clocks = {c.rule: c for c in deadlines(case.state, case.world.registry)}
    assert "litigation.window" not in clocks and clocks["litigation.after_reconsideration"].due == dt.date(2026, 5, 21)
    assert case.act("litigation.filed", OFFICER_2, {"body": "南昌铁路运输法院"}, at=beijing(2026, 5, 21, 16)).status == "under_review"


def test_a_lawsuit_posted_within_the_15_days_is_in_time_and_posted_after_them_refused() -> None:
    posted = {"body": "南昌铁路运输法院", "posted_on": "2026-05-21", "envelope_sha256": sha("起诉状信封")}
    assert _reconsidered().act("litigation.filed", OFFICER_2, posted, at=beijing(2026, 5, 25)).remedies[-1].kind == "litigation"
    refuse(_reconsidered(), "litigation.filed", OFFICER_2, {**posted, "posted_on": "2026-05-22"}, beijing(2026, 5, 25),
           r.LitigationWindowClosed, "litigation-window-closed", f"{ALL}第四十五条")


def test_lawsuit_more_than_six_months_after_service_is_refused_and_on_the_last_day_accepted() -> None:
    def served() -> CaseFile:
        case = standard_world().case()
        case.play(organisation_case(START, until="served"), START)  # served Saturday 2026-03-28
        return case

    refuse(served(), "litigation.filed", OFFICER_2, {"body": "法院"}, beijing(2026, 9, 29),
           r.LitigationWindowClosed, "litigation-window-closed", f"{ALL}第四十六条")
    assert served().act("litigation.filed", OFFICER_2, {"body": "法院"}, at=beijing(2026, 9, 28, 16)).remedies


def test_court_enforcement_after_a_reconsideration_is_due_3_months_after_its_lawsuit_window() -> None:
    def reminded() -> CaseFile:
        case = _reconsidered()
        case.act("reminder.sent", OFFICER_1, {"amount_due_fen": 1_500_000, "method": "direct"}, at=beijing(2026, 5, 25))
        return case

    # The lawsuit window left by the reconsideration ended 05-21: the application is due by 08-21 (not 12-28).
    refuse(reminded(), "court_enforcement.applied", HEAD, {"court": "南昌铁路运输法院"}, beijing(2026, 8, 24),
           r.EnforcementApplicationLate, "enforcement-application-late", r.EnforcementApplicationLate.article)
    assert reminded().act("court_enforcement.applied", HEAD, {"court": "南昌铁路运输法院"}, at=beijing(2026, 8, 21, 10)).court_applied_at


def test_court_enforcement_of_an_on_the_spot_decision_counts_only_the_reconsideration_window() -> None:
    def reminded() -> CaseFile:
        case = standard_world().case()
        case.act("lead.received", OFFICER_1, lead(), at=START)
        case.act("simple.decided", OFFICER_1, simple(CITIZEN, ITEM_GRAFFITI, 5_000, [OFFICER_1, OFFICER_2], local_date(START)), at=START + H)
        _cosign(case, case.version, OFFICER_2, at=START + H)
        case.act("reminder.sent", OFFICER_1, {"amount_due_fen": 5_000, "method": "direct"}, at=beijing(2026, 3, 20))
        return case

    # Reconsideration first (复议法 Art 23): 60 days from 03-02 end 05-06 (after May Day); apply by 08-06, not by 12-02.
    refuse(reminded(), "court_enforcement.applied", HEAD, {"court": "法院"}, beijing(2026, 8, 7),
           r.EnforcementApplicationLate, "enforcement-application-late", r.EnforcementApplicationLate.article)
    assert reminded().act("court_enforcement.applied", HEAD, {"court": "法院"}, at=beijing(2026, 8, 6, 10)).court_applied_at


# -- 3. seizures no longer than 行政强制法 Art 25 allows --------------------------------------------------------
def _seized() -> tuple[CaseFile, int]:
    case = filed_case(standard_world())
    case.act("coercion.imposed", HEAD, coercion([OFFICER_1, OFFICER_2], HEAD), at=START + 2 * H)  # 30 days: to 04-01
    measure = case.version
    _cosign(case, measure, OFFICER_1, OFFICER_2, at=START + 3 * H)
    return case, measure


@pytest.mark.parametrize(
    "paused",
    [{"kind": "suspension"}, {"kind": "hearing"}, {"kind": "testing"}, {"kind": "testing", "fixed_days": 10},
     {"kind": "appraisal", "notice_sha256": sha("告知书")}],
    ids=["suspension", "hearing", "testing-not-fixed", "testing-not-notified", "appraisal-not-fixed"],
)
def test_a_seizure_paused_other_than_by_a_fixed_notified_testing_period_is_refused(paused: dict[str, Any]) -> None:
    case, measure = _seized()
    kind = paused.pop("kind")
    refuse(case, "pause.started", OFFICER_1, pause(kind, measure, **paused), beijing(2026, 3, 10),
           r.CoercionPauseNotExcluded, "coercion-pause-not-excluded", f"{ACL}第二十五条")


def test_a_fixed_and_notified_testing_period_pauses_the_seizure_by_at_most_its_length() -> None:
    case, measure = _seized()
    case.act("pause.started", OFFICER_1, pause("quarantine", measure, fixed_days=10, notice_sha256=sha("检疫期间告知书")), at=beijing(2026, 3, 10))
    state = case.act("pause.ended", OFFICER_1, {"kind": "quarantine", "measure": measure}, at=beijing(2026, 3, 30))
    # 20 days passed, 10 were fixed: 04-01 + 10 = Saturday 04-11, so Monday 04-13 (all 20 would give 04-21).
    assert measure_end(state, state.measures[0], beijing(2026, 3, 30)).date == dt.date(2026, 4, 13)
    # The decision's own clock may still pause for any recorded reason.
    assert case.act("pause.started", HEAD, pause("suspension"), at=beijing(2026, 3, 31)).pauses[-1].measure is None


def test_a_suspension_of_the_investigation_is_the_heads_decision() -> None:
    case = filed_case(standard_world())
    refuse(case, "pause.started", OFFICER_1, pause("suspension"), START + 2 * D,
           r.AgencyHeadRequired, "agency-head-required", f"{MS_RULES}第四十七条", 403)
    state = case.act("pause.started", HEAD, pause("suspension"), at=START + 2 * D)
    assert state.pauses[-1].kind == "suspension" and state.pauses[-1].ended_at is None
    # Ending it is the investigation going on again: any certified officer of the case records it.
    assert case.act("pause.ended", OFFICER_1, {"kind": "suspension"}, at=START + 9 * D).pauses[-1].ended_at is not None
    # Other excluded periods (testing, appraisal…) are still recorded by the officers.
    assert case.act("pause.started", OFFICER_1, pause("appraisal"), at=START + 10 * D).pauses[-1].kind == "appraisal"


def test_a_seizure_extension_not_notified_in_writing_is_refused_and_notified_accepted() -> None:
    case, measure = _seized()
    refuse(case, "coercion.extended", HEAD, extension(measure, 30, notice_sha256=None), START + 20 * D,
           r.CoercionExtensionNotNotified, "coercion-extension-not-notified", f"{ACL}第二十五条")
    assert case.act("coercion.extended", HEAD, extension(measure, 30), at=START + 20 * D).measures[0].extension_days == 30


# -- 4. credentials and rights before investigation and coercion; the head's approval before a seizure -----------
def _filed_unprepared(world: World) -> CaseFile:
    case = world.case()
    case.act("lead.received", OFFICER_1, lead(ITEM_EXPIRED_FOOD, COMPANY), at=START)
    case.act("case.filed", OFFICER_1, filing(ITEM_EXPIRED_FOOD, COMPANY), at=START + H)
    return case


PRESERVATION = {"officers": [OFFICER_1, OFFICER_2], "items": ["账册"], "approved_by": HEAD, "record_sha256": sha("登记保存清单")}


@pytest.mark.parametrize(
    ("type", "signer", "payload", "article"),
    [("evidence.collected", OFFICER_1, evidence([OFFICER_1, OFFICER_2], START + H), f"{APL}第五十五条"),
     ("preservation.registered", HEAD, PRESERVATION, f"{APL}第五十五条"),
     ("coercion.imposed", HEAD, coercion([OFFICER_1, OFFICER_2], HEAD), f"{ACL}第十八条")],
    ids=["evidence", "preservation", "coercion"],
)
def test_evidence_preservation_or_seizure_before_credentials_and_rights_is_refused(type: str, signer: str, payload: dict[str, Any], article: str) -> None:
    case = _filed_unprepared(standard_world())
    at = START + 2 * H
    refuse(case, type, signer, payload, at, r.CredentialsNotShown, "credentials-not-shown", article)
    case.act("credentials.shown", OFFICER_1, {"officers": [OFFICER_1, OFFICER_2], "to": "party"}, at=at)
    refuse(case, type, signer, payload, at, r.RightsNotInformed, "rights-not-informed", article)
    case.act("rights.informed", OFFICER_1, {"officers": [OFFICER_1, OFFICER_2], "rights": ["陈述权", "申辩权", "救济途径"]}, at=at)
    assert case.act(type, signer, payload, at=at).acts[-1] == type


def test_a_non_emergency_seizure_imposed_by_an_officer_is_refused_and_signed_by_the_approving_head_accepted() -> None:
    case = filed_case(standard_world())
    refuse(case, "coercion.imposed", OFFICER_1, coercion([OFFICER_1, OFFICER_2], HEAD), START + 2 * H,
           r.CoercionApprovalRequired, "coercion-approval-required", f"{ACL}第十八条")
    state = case.act("coercion.imposed", HEAD, coercion([OFFICER_1, OFFICER_2], HEAD), at=START + 2 * H)
    assert state.pending[-1].awaiting == [OFFICER_1, OFFICER_2] and state.pending[-1].approver == HEAD


def test_an_emergency_seizure_approved_after_24_hours_is_refused_even_on_the_next_date() -> None:
    case = filed_case(standard_world())
    case.act("coercion.imposed", OFFICER_1, coercion([OFFICER_1, OFFICER_2], HEAD, emergency=True), at=beijing(2026, 3, 2, 20))
    measure = case.version
    _cosign(case, measure, OFFICER_2, at=beijing(2026, 3, 2, 21))
    refuse(case, "act.cosigned", HEAD, {"act_version": measure}, beijing(2026, 3, 3, 21),
           r.CoercionApprovalLate, "coercion-approval-late", f"{ACL}第十九条")
    # Not approved in time: the measure is lifted, and no approval is awaited any more.
    assert case.act("coercion.lifted", OFFICER_1, {"measure": measure, "reason": "未在二十四小时内补办批准"}, at=beijing(2026, 3, 3, 22)).pending == []


def test_an_emergency_seizure_approved_within_24_hours_is_accepted() -> None:
    case = filed_case(standard_world())
    case.act("coercion.imposed", OFFICER_1, coercion([OFFICER_1, OFFICER_2], HEAD, emergency=True), at=beijing(2026, 3, 2, 20))
    measure = case.version
    _cosign(case, measure, OFFICER_2, at=beijing(2026, 3, 2, 21))
    assert case.act("act.cosigned", HEAD, {"act_version": measure}, at=beijing(2026, 3, 3, 19)).pending == []


# -- 5. a hearing presider who investigates (Art 64(4)) --------------------------------------------------------
def _scheduled() -> CaseFile:
    case = standard_world().case()
    case.play(hearing_case(START, until="hearing"), START)  # OFFICER_3 named presider on day 14
    return case


@pytest.mark.parametrize("signer", [OFFICER_1, OFFICER_3])
def test_investigation_by_the_named_presider_is_refused(signer: str) -> None:
    at = START + 15 * D
    refuse(_scheduled(), "evidence.collected", signer, evidence([OFFICER_1, OFFICER_3], at), at,
           r.HearingPresiderInvestigated, "hearing-presider-investigated", f"{APL}第六十四条")


def test_investigation_by_others_after_the_presider_is_named_is_accepted() -> None:
    at = START + 15 * D
    state = _scheduled().act("evidence.collected", OFFICER_1, evidence([OFFICER_1, OFFICER_2], at), at=at)
    assert state.hearing is not None and state.hearing.presider == OFFICER_3 and OFFICER_3 not in state.investigators


# -- 6. a heavier penalty after the defence, by way of a second notice (Art 45) ----------------------------------
def _defended() -> CaseFile:
    case = notified_case(standard_world(), fine=1_200_000, band="general")
    case.act("statement.made", OFFICER_1, {"summary": "当事人申辩", "content_sha256": sha("申辩"), "paper_sha256": sha("申辩书"),
                                           "posted_on": None, "envelope_sha256": None}, at=START + 9 * D)
    return case


def test_a_heavier_second_notice_after_the_defence_without_new_evidence_is_refused() -> None:
    refuse(_defended(), "notice.issued", OFFICER_1, notice(["fine"], 1_800_000, band="general"), START + 10 * D,
           r.HeavierAfterDefence, "heavier-after-defence", f"{APL}第四十五条")


def test_an_intermediate_notice_does_not_reset_the_defence() -> None:
    case = _defended()
    case.act("notice.issued", OFFICER_1, notice(["fine"], 1_200_000, band="general"), at=START + 10 * D)  # the same again
    refuse(case, "notice.issued", OFFICER_1, notice(["fine"], 1_800_000, band="general"), START + 11 * D,
           r.HeavierAfterDefence, "heavier-after-defence", f"{APL}第四十五条")


def test_a_heavier_second_notice_on_evidence_recorded_after_the_defence_or_a_lighter_one_is_accepted() -> None:
    case = _defended()
    case.act("evidence.collected", OFFICER_1, evidence([OFFICER_1, OFFICER_2], START + 10 * D), at=START + 10 * D)
    _cosign(case, case.version, OFFICER_2, at=START + 10 * D + H)
    state = case.act("notice.issued", OFFICER_1, notice(["fine"], 1_800_000, band="general"), at=START + 11 * D)
    assert state.notice is not None and state.notice.fine_fen == 1_800_000 and state.notices_issued == 2
    lighter = _defended().act("notice.issued", OFFICER_1, notice(["fine"], 1_100_000, band="general"), at=START + 10 * D)
    assert lighter.notice is not None and lighter.notice.fine_fen == 1_100_000


# -- 7. every act that exercises the power checks the holding (Arts 20, 24) --------------------------------------
def _township_case(world: World) -> CaseFile:
    case = world.case()
    case.play(investigated(START, ITEM_ROAD_OCCUPATION, CITIZEN, actor=LEHUA_1, agency=LEHUA, officers=(LEHUA_1, LEHUA_2), head=LEHUA_HEAD), START)
    case.act("coercion.imposed", LEHUA_HEAD, coercion([LEHUA_1, LEHUA_2], LEHUA_HEAD), at=START + 5 * D)
    _cosign(case, case.version, LEHUA_1, LEHUA_2, at=START + 5 * D + H)
    return case


def _power_act(case: CaseFile, kind: str) -> tuple[str, str, dict[str, Any]]:
    measure = next(m.version for m in case.state.measures) if case.state is not None else 0
    return {
        "no_penalty": ("no_penalty.decided", LEHUA_HEAD, no_penalty("minor_corrected", deciding_agency=LEHUA)),
        "extend_time_limit": ("extension.approved", LEHUA_HEAD, {"days": 30, "reason": "案情复杂"}),
        "extend_seizure": ("coercion.extended", LEHUA_HEAD, extension(measure, 30)),
    }[kind]


POWER_ACTS = ["no_penalty", "extend_time_limit", "extend_seizure"]


@pytest.mark.parametrize("kind", POWER_ACTS)
def test_a_power_act_after_the_delegation_was_revoked_is_refused(kind: str) -> None:
    world = standard_world()
    case = _township_case(world)
    world.registry_act(f"item:{ITEM_ROAD_OCCUPATION}", "delegation.revoked", CATALOG_KEEPER,
                       {"to_agency": LEHUA, "instrument": "赣府发〔2026〕3号", "reason": "评估后收回"}, at=START + 6 * D)
    type, signer, payload = _power_act(case, kind)
    refuse(case, type, signer, payload, START + 7 * D, r.ItemNotHeld, "item-not-held", f"{APL}第二十四条", 403)
    # Ending acts stay open: the seizure is lifted.
    measure = _power_act(case, "extend_seizure")[2]["measure"]
    assert case.act("coercion.lifted", LEHUA_1, {"measure": measure, "reason": "赋权收回，依法解除"}, at=START + 7 * D).measures[0].lifted_at


@pytest.mark.parametrize("kind", POWER_ACTS)
def test_a_power_act_while_the_delegation_is_in_force_is_accepted(kind: str) -> None:
    case = _township_case(standard_world())
    type, signer, payload = _power_act(case, kind)
    assert case.act(type, signer, payload, at=START + 7 * D).acts[-1] == type


# -- 8. collective discussion by the agency's registered heads, a quorum, each signing (Art 57) ------------------
@pytest.mark.parametrize(
    ("participants", "error", "code", "status"),
    [([HEAD, DEPUTY_HEAD_1, OFFICER_1], r.AgencyHeadRequired, "agency-head-required", 403),
     ([HEAD, DEPUTY_HEAD_1, LEHUA_HEAD], r.AgencyHeadRequired, "agency-head-required", 403),
     ([HEAD, DEPUTY_HEAD_1], r.CollectiveDiscussionQuorum, "collective-discussion-quorum", 422),
     ([HEAD, HEAD, DEPUTY_HEAD_1], r.CollectiveDiscussionQuorum, "collective-discussion-quorum", 422)],
    ids=["an-officer", "another-agency-head", "two-heads", "a-head-counted-twice"],
)
def test_collective_discussion_by_others_than_three_registered_heads_is_refused(
    participants: list[str], error: type[r.DomainError], code: str, status: int
) -> None:
    refuse(_complex_case(), "collective.discussed", HEAD, {"participants": participants, "conclusion": "同意处罚"}, START + 16 * D,
           error, code, f"{APL}第五十七条", status)


def test_collective_discussion_counts_once_every_head_has_signed() -> None:
    case = _complex_case()
    discussed = case.act("collective.discussed", HEAD, {"participants": HEADS, "conclusion": "同意处罚"}, at=START + 16 * D).version
    refuse(case, "decision.made", HEAD, decision(["fine"], 1_500_000, ENDED, band="general"), DECIDE_AT,
           r.CoSignaturePending, "cosignature-pending", f"{APL}第四十二条")
    refuse(case, "act.cosigned", OFFICER_1, {"act_version": discussed}, DECIDE_AT,
           r.CoSignatureNotExpected, "cosignature-not-expected", f"{APL}第四十二条")
    _cosign(case, discussed, *HEADS[1:], at=DECIDE_AT - H)
    assert case.act("decision.made", HEAD, decision(["fine"], 1_500_000, ENDED, band="general"), at=DECIDE_AT).decision


# -- 9. time in the post is not counted (民诉法 Art 85) --------------------------------------------------------------
def _posted(on: str | None, envelope: str | None = sha("信封")) -> dict[str, Any]:
    return {"paper_sha256": sha("听证申请书"), "posted_on": on, "envelope_sha256": envelope}


def test_a_hearing_request_posted_after_its_window_is_refused() -> None:
    # The window closed on Monday 2026-10-12; the request arrived 10-14, postmarked 10-13.
    refuse(_store_notified(), "hearing.requested", OFFICER_1, _posted("2026-10-13"), beijing(2026, 10, 14),
           r.HearingRequestLate, "hearing-request-late", f"{APL}第六十四条")


def test_a_hearing_request_posted_within_its_window_is_in_time_though_it_arrives_later() -> None:
    state = _store_notified().act("hearing.requested", OFFICER_1, _posted("2026-10-12"), at=beijing(2026, 10, 14))
    assert state.hearing is not None and state.hearing.requested_at == beijing(2026, 10, 14)


def test_a_posting_date_without_the_envelope_or_after_the_arrival_is_malformed() -> None:
    case = _store_notified()
    for payload in (_posted("2026-10-12", envelope=None), _posted("2026-10-15")):
        refuse(case, "hearing.requested", OFFICER_1, payload, beijing(2026, 10, 14), MalformedAct, "malformed-act", "", 400)


def test_a_posted_statement_carries_its_posting_date_and_envelope() -> None:
    case = notified_case(standard_world())
    statement = {"summary": "邮寄申辩", "content_sha256": sha("申辩"), "paper_sha256": sha("申辩书"), "posted_on": "2026-03-12", "envelope_sha256": None}
    refuse(case, "statement.made", OFFICER_1, statement, START + 12 * D, MalformedAct, "malformed-act", "", 400)
    assert case.act("statement.made", OFFICER_1, {**statement, "envelope_sha256": sha("信封")}, at=START + 12 * D).statements


# -- 10. seized property goes with the transfer to the judicial organs, or the measure is lifted (ACL Art 21) -----
def _transfer_approved() -> tuple[CaseFile, int]:
    case = investigated_case(standard_world(), ITEM_EXPIRED_FOOD, STORE)
    case.act("coercion.imposed", HEAD, coercion([OFFICER_1, OFFICER_2], HEAD), at=START + 5 * D)
    measure = case.version
    _cosign(case, measure, OFFICER_1, OFFICER_2, at=START + 5 * D + H)
    case.act("transfer.reported", OFFICER_1, {"organ": "赣江新区公安分局", "suspected_crime": "涉嫌销售不符合安全标准的食品罪"}, at=START + 6 * D)
    case.act("transfer.approved", HEAD, {"approved": True, "reason": "涉嫌犯罪"}, at=START + 7 * D)
    return case, measure


def _sent(measures: list[int]) -> dict[str, Any]:
    return {"organ": "赣江新区公安分局", "file_sha256": sha("移送案卷"), "items": ["过期食品 120 件"], "measures": measures}


def test_a_transfer_leaving_the_seized_property_behind_is_refused() -> None:
    case, _ = _transfer_approved()
    refuse(case, "transfer.sent", OFFICER_1, _sent([]), START + 7 * D + H,
           r.TransferWithoutSeizedProperty, "transfer-seized-property", f"{ACL}第二十一条")


def test_a_transfer_with_the_seized_property_or_after_lifting_the_seizure_is_accepted() -> None:
    case, measure = _transfer_approved()
    state = case.act("transfer.sent", OFFICER_1, _sent([measure]), at=START + 7 * D + H)
    assert state.measures[0].transferred_at == START + 7 * D + H and state.status == "transferred"
    assert case.act("case.closed", OFFICER_1, {"summary": "已移送"}, at=START + 8 * D).status == "closed"
    lifted, measure = _transfer_approved()
    lifted.act("coercion.lifted", OFFICER_1, {"measure": measure, "reason": "不再需要扣押"}, at=START + 7 * D)
    assert lifted.act("transfer.sent", OFFICER_1, _sent([]), at=START + 7 * D + H).status == "transferred"


# -- 11. 从旧兼从轻 (Art 37): the terms at the violation, unless the later terms are lighter -------------------------
REVISED_BASIS = "《市场主体登记管理条例》（2026年修订）第四十八条"


def _amend_licence_item(world: World, fine_max: int, bands: list[tuple[str, int, int]]) -> None:
    terms = {**ITEMS[ITEM_LICENCE_DISPLAY], "basis": REVISED_BASIS, "fine_max_fen": fine_max, "reason": "条例修订",
             "bands": [{"level": lvl, "min_fen": lo, "max_fen": hi, "description": ""} for lvl, lo, hi in bands]}
    world.registry_act(f"item:{ITEM_LICENCE_DISPLAY}", "item.amended", CATALOG_KEEPER, terms, at=START + 5 * D)


def _heavier_terms_case() -> CaseFile:
    world = standard_world()
    _amend_licence_item(world, 5_000_000, [("lighter", 1, 2_000_000), ("general", 2_000_001, 3_500_000), ("heavier", 3_500_001, 5_000_000)])
    return notified_case(world, fine=4_000_000, band="heavier")


def test_heavier_terms_adopted_after_the_violation_are_not_applied() -> None:
    # The violation ended 2026-02-20; the range then was 0–30,000 yuan, raised to 50,000 on 03-07.
    refuse(_heavier_terms_case(), "decision.made", HEAD, decision(["fine"], 4_000_000, ENDED, band="heavier"), DECIDE_AT,
           r.FineOutsideRange, "fine-outside-range", LICENCE_BASIS)


def test_the_terms_in_force_at_the_violation_are_applied() -> None:
    state = _heavier_terms_case().act("decision.made", HEAD, decision(["fine"], 3_000_000, ENDED, band="heavier"), at=DECIDE_AT)
    assert state.decision is not None and state.decision.fine_fen == 3_000_000


def _lighter_terms_case() -> CaseFile:
    world = standard_world()
    _amend_licence_item(world, 1_000_000, [("lighter", 1, 300_000), ("general", 300_001, 700_000), ("heavier", 700_001, 1_000_000)])
    return notified_case(world, fine=1_500_000, band="general")


def test_a_fine_the_lighter_later_terms_no_longer_allow_is_refused() -> None:
    refuse(_lighter_terms_case(), "decision.made", HEAD, decision(["fine"], 1_500_000, ENDED, band="general"), DECIDE_AT,
           r.FineOutsideRange, "fine-outside-range", REVISED_BASIS)


def test_the_lighter_later_terms_are_applied() -> None:
    state = _lighter_terms_case().act("decision.made", HEAD, decision(["fine"], 800_000, ENDED, band="heavier"), at=DECIDE_AT)
    assert state.decision is not None and state.decision.band == "heavier"


# -- 12. the deciding agency (Art 59), checked against the holding ------------------------------------------------
@pytest.mark.parametrize("named", [None, LEHUA], ids=["none", "another-agency"])
def test_a_decision_naming_no_agency_or_another_than_the_holder_is_refused(named: str | None) -> None:
    refuse(notified_case(standard_world()), "decision.made", HEAD, decision(["fine"], 1_500_000, ENDED, band="general", deciding_agency=named),
           DECIDE_AT, r.DecidingAgencyWrong, "deciding-agency-wrong", f"{APL}第五十九条", 403)


def _entrusted_notified() -> CaseFile:
    case = standard_world().case()
    case.play(scenario("township_entrusted", START), START)
    case.act("notice.issued", JIAOQIAO_1, notice(["fine"], 50_000), at=START + 8 * D)
    case.act("service.recorded", JIAOQIAO_2, service("notice"), at=START + 8 * D + H)
    return case


def test_an_entrusted_township_deciding_in_its_own_name_is_refused() -> None:
    refuse(_entrusted_notified(), "decision.made", JIAOQIAO_HEAD, decision(["fine"], 50_000, ENDED, deciding_agency=JIAOQIAO), DECIDE_AT,
           r.DecidingAgencyWrong, "deciding-agency-wrong", f"{APL}第二十条、第五十九条", 403)


def test_an_entrusted_township_decides_in_the_entrusting_agency_name() -> None:
    state = _entrusted_notified().act("decision.made", JIAOQIAO_HEAD, decision(["fine"], 50_000, ENDED, deciding_agency=BUREAU), at=DECIDE_AT)
    assert state.decision is not None and (state.agency, state.decision.deciding_agency) == (JIAOQIAO, BUREAU)


def test_no_penalty_and_on_the_spot_decisions_name_the_holder_too() -> None:
    refuse(notified_case(standard_world()), "no_penalty.decided", HEAD, no_penalty("no_fault", deciding_agency=JIAOQIAO), DECIDE_AT,
           r.DecidingAgencyWrong, "deciding-agency-wrong", f"{APL}第五十九条", 403)
    case = standard_world().case()
    case.act("lead.received", OFFICER_1, lead(), at=START)
    on_the_spot = simple(CITIZEN, ITEM_GRAFFITI, 5_000, [OFFICER_1, OFFICER_2], local_date(START))
    refuse(case, "simple.decided", OFFICER_1, {**on_the_spot, "deciding_agency": None}, START + H,
           r.DecidingAgencyWrong, "deciding-agency-wrong", f"{APL}第五十九条", 403)
    assert case.act("simple.decided", OFFICER_1, on_the_spot, at=START + H).decision is not None


# -- 13. cash hand-in (Art 71), on-the-spot collection (Arts 68–69), private hearings (Art 64), annotations -----------
def _collected_on_the_spot() -> CaseFile:
    case = standard_world().case()
    case.act("lead.received", OFFICER_1, lead(), at=START)
    case.act("simple.decided", OFFICER_1, simple(CITIZEN, ITEM_GRAFFITI, 5_000, [OFFICER_1, OFFICER_2], local_date(START)), at=START + H)
    _cosign(case, case.version, OFFICER_2, at=START + H)
    case.act("payment.recorded", OFFICER_1, payment(5_000, "on_the_spot"), at=START + 2 * H)
    case.act("simple.reported", OFFICER_1, {"to": BUREAU, "note": ""}, at=START + 3 * H)
    return case


def test_closing_before_the_cash_collected_on_the_spot_is_handed_in_is_refused() -> None:
    refuse(_collected_on_the_spot(), "case.closed", OFFICER_1, {"summary": ""}, START + D,
           r.CashNotHandedIn, "cash-not-handed-in", f"{APL}第七十一条")


def test_cash_handed_in_stops_its_two_working_day_clock_and_the_case_closes() -> None:
    case = _collected_on_the_spot()
    assert case.state is not None
    paid_at = case.state.payments[0].version
    clock = [c for c in deadlines(case.state, case.world.registry) if c.rule == "payment.cash_hand_in"]
    assert [(c.due, c.article) for c in clock] == [(dt.date(2026, 3, 4), f"{APL}第七十一条")]
    refuse(case, "cash.handed_in", OFFICER_1, {"payment": paid_at + 1, "receipt_ref": "交款单"}, START + D,
           r.ActNotAllowedNow, "act-not-allowed-now", f"{APL}第七十一条")
    state = case.act("cash.handed_in", OFFICER_1, {"payment": paid_at, "receipt_ref": "罚没款交款单"}, at=START + D)
    assert "payment.cash_hand_in" not in {c.rule for c in deadlines(state, case.world.registry)}
    assert case.act("case.closed", OFFICER_1, {"summary": "当场收缴，已交至机关"}, at=START + D + H).status == "closed"


def _general_small_fine_served() -> CaseFile:
    case = investigated_case(standard_world(), ITEM_GRAFFITI, CITIZEN)
    case.act("notice.issued", OFFICER_1, notice(["fine"], 5_000), at=START + 8 * D)
    case.act("service.recorded", OFFICER_2, service("notice"), at=START + 8 * D + H)
    case.act("decision.made", HEAD, decision(["fine"], 5_000, ENDED), at=DECIDE_AT)
    case.act("service.recorded", OFFICER_2, service("decision"), at=DECIDE_AT + H)
    return case


def test_on_the_spot_collection_of_a_general_procedure_fine_is_refused() -> None:
    refuse(_general_small_fine_served(), "payment.recorded", OFFICER_1, payment(5_000, "on_the_spot"), DECIDE_AT + 2 * H,
           r.OnTheSpotCollectionNotAllowed, "on-the-spot-collection", f"{APL}第六十八条、第六十九条")


def test_on_the_spot_collection_in_a_remote_area_on_request_or_after_an_on_the_spot_decision_is_accepted() -> None:
    state = _general_small_fine_served().act("payment.recorded", OFFICER_1, payment(5_000, "on_the_spot", remote_area=True), at=DECIDE_AT + 2 * H)
    assert state.paid_fen == 5_000
    assert _collected_on_the_spot().state is not None  # a 50-yuan on-the-spot decision: collected on the spot (Art 68)


def test_a_private_hearing_without_its_reason_is_refused_and_with_it_accepted() -> None:
    case = _requested()
    refuse(case, "hearing.scheduled", HEAD, hearing_at(START + 35 * D, OFFICER_3, public=False), START + 14 * D,
           r.HearingNotPublicWithoutReason, "hearing-not-public-without-reason", f"{APL}第六十四条")
    state = case.act("hearing.scheduled", HEAD, hearing_at(START + 35 * D, OFFICER_3, public=False, reason_not_public="涉及商业秘密"),
                     at=START + 14 * D)
    assert state.hearing is not None and state.hearing.public is False


@pytest.mark.parametrize("outsider", [PARTY_STORE, LEHUA_1], ids=["another-case-party", "another-agency-officer"])
def test_a_note_by_someone_without_a_role_in_the_case_is_refused(outsider: str) -> None:
    refuse(notified_case(standard_world()), "case.note", outsider, {"text": "附注"}, START + 9 * D,
           r.NotInCase, "not-in-case", f"{APL}第四十七条", 403)


@pytest.mark.parametrize("member", [PARTY_STORE, OFFICER_1, SUPERVISOR, HEAD], ids=["the-party", "an-officer", "agency-supervisor", "agency-head"])
def test_a_note_by_the_party_or_the_case_and_agency_people_is_accepted(member: str) -> None:
    case = standard_world().case()
    case.play(hearing_case(START, until="notified"), START)  # the store's own key is the party
    assert case.act("case.note", member, {"text": "附注"}, at=START + 11 * D).acts[-1] == "case.note"


# -- service by announcement is the last resort (民事诉讼法 Art 95) -----------------------------------------------
def _notice_issued() -> CaseFile:
    case = investigated_case(standard_world())
    case.act("notice.issued", OFFICER_1, notice(["fine"], 1_500_000, band="general"), at=START + 8 * D)
    return case


@pytest.mark.parametrize(
    "grounds",
    [{}, {"announcement_ground": "whereabouts_unknown"}, {"announcement_ground": "other_methods_failed"},
     {"announcement_ground": "other_methods_failed",
      "failed_attempts": [{"method": "mail", "on": "2026-03-25", "record_sha256": sha("退信")}]}],
    ids=["no-ground", "whereabouts-unknown-without-record", "other-methods-without-attempt", "attempt-after-the-announcement"],
)
def test_service_by_announcement_without_its_ground_is_refused(grounds: dict[str, Any]) -> None:
    case = _notice_issued()
    refuse(case, "service.recorded", OFFICER_2, service("notice", "announcement", **grounds), START + 9 * D,
           r.AnnouncementServiceNotAllowed, "announcement-service-not-allowed", f"{CPL}第九十五条")


def test_service_by_announcement_after_a_returned_letter_or_a_vain_search_is_accepted() -> None:
    returned = {"method": "mail", "on": local_date(START + 8 * D).isoformat(), "record_sha256": sha("退信")}
    case = _notice_issued()
    state = case.act("service.recorded", OFFICER_2, service("notice", "announcement", announcement_ground="other_methods_failed",
                                                            failed_attempts=[returned]), at=START + 9 * D)
    assert state.notice is not None and state.notice.served_at == START + 39 * D and state.notice.service_method == "announcement"
    case = _notice_issued()
    state = case.act("service.recorded", OFFICER_2, service("notice", "announcement", announcement_ground="whereabouts_unknown",
                                                            ground_sha256=sha("查询记录")), at=START + 9 * D)
    assert state.notice is not None and state.notice.served_at == START + 39 * D


def test_announcement_grounds_on_another_method_are_malformed() -> None:
    case = _notice_issued()
    with pytest.raises(MalformedAct):
        case.act("service.recorded", OFFICER_2, service("notice", "direct", announcement_ground="whereabouts_unknown"),
                 at=START + 9 * D)
    assert case.act("service.recorded", OFFICER_2, service("notice", "direct"), at=START + 9 * D).notice.served_at == START + 9 * D  # type: ignore[union-attr]


# -- non-site enforcement: a monitoring device's record as evidence (APL Art 41) -------------------------------------
def _device(**overrides: Any) -> dict[str, Any]:
    return {"device_id": "赣A-抓拍-0012", "approval_ref": "赣市监法审〔2026〕3号", "location_published": True,
            "record_review_sha256": sha("审核记录"), "reviewed_by": OFFICER_2, **overrides}


@pytest.mark.parametrize(
    ("device", "article"),
    [(_device(approval_ref=None), "第四十一条第一款"), (_device(location_published=False), "第四十一条第一款"),
     (_device(record_review_sha256=None), "第四十一条第二款"), (_device(reviewed_by=None), "第四十一条第二款"),
     (_device(reviewed_by=PARTY_STORE), "第四十一条第二款")],
    ids=["device-not-reviewed", "location-not-published", "record-not-reviewed", "no-reviewer", "reviewer-not-staff"],
)
def test_a_device_record_that_fails_article_41_is_not_evidence(device: dict[str, Any], article: str) -> None:
    case = filed_case(standard_world())
    error = NotAuthorised if device["reviewed_by"] == PARTY_STORE else r.NonSiteEvidenceNotAllowed
    code = "not-authorised" if device["reviewed_by"] == PARTY_STORE else "non-site-evidence-not-allowed"
    status = 403 if device["reviewed_by"] == PARTY_STORE else 422
    expected = error.article if device["reviewed_by"] == PARTY_STORE else f"{APL}{article}"
    refuse(case, "evidence.collected", OFFICER_1, evidence([OFFICER_1, OFFICER_2], START + 2 * D, kind="electronic", device=device),
           START + 2 * D, error, code, expected, status)


def test_a_reviewed_record_of_an_approved_published_device_is_evidence() -> None:
    case = filed_case(standard_world())
    state = case.act("evidence.collected", OFFICER_1,
                     evidence([OFFICER_1, OFFICER_2], START + 2 * D, kind="electronic", device=_device()), at=START + 2 * D)
    assert state.evidence[-1].kind == "electronic"


# -- a minor party (APL Art 30): under 14 not penalised; 14 to 17 lighter or mitigated ---------------------------------
def _aged(years: int, days_short: int = 0) -> dict[str, Any]:
    """A natural person who turns ``years`` on ENDED (the violation's last day), or ``days_short`` days after it."""
    born = ENDED.replace(year=ENDED.year - years) + dt.timedelta(days=days_short)
    return {**CITIZEN, "name": "李某某", "birth_date": born.isoformat()}


def test_a_child_under_14_at_the_violation_is_not_penalised() -> None:
    case = notified_case(standard_world(), party=_aged(14, days_short=1), fine=800_000, band="lighter")
    refuse(case, "decision.made", HEAD, decision(["fine"], 800_000, ENDED, band="lighter"), DECIDE_AT,
           r.MinorNotPenalised, "minor-not-penalised", f"{APL}第三十条")
    # The same child on the spot: refused too, whatever the amount.
    case, payload = _on_the_spot_for(_aged(13))
    refuse(case, "simple.decided", OFFICER_1, payload, START + H, r.MinorNotPenalised, "minor-not-penalised", f"{APL}第三十条")


def test_a_minor_of_14_gets_a_lighter_penalty_but_never_the_general_band() -> None:
    case = notified_case(standard_world(), party=_aged(14), fine=1_500_000, band="general")
    refuse(case, "decision.made", HEAD, decision(["fine"], 1_500_000, ENDED, band="general"), DECIDE_AT,
           r.MinorPenaltyNotMitigated, "minor-penalty-not-mitigated", f"{APL}第三十条")
    state = case.act("decision.made", HEAD, decision(["fine"], 800_000, ENDED, band="lighter"), at=DECIDE_AT)
    assert state.decision is not None and state.decision.band == "lighter"


def test_a_party_of_17_still_gets_mitigation_and_one_of_18_the_general_band() -> None:
    case = notified_case(standard_world(), party=_aged(18, days_short=1), fine=1_500_000, band="general")
    refuse(case, "decision.made", HEAD, decision(["fine"], 1_500_000, ENDED, band="general"), DECIDE_AT,
           r.MinorPenaltyNotMitigated, "minor-penalty-not-mitigated", f"{APL}第三十条")
    case = notified_case(standard_world(), party=_aged(18), fine=1_500_000, band="general")
    case.act("legal.reviewed", REVIEWER, {"outcome": "passed", "opinion": "同意"}, at=DECIDE_AT - H)  # over 10,000 yuan (Art 58)
    state = case.act("decision.made", HEAD, decision(["fine"], 1_500_000, ENDED, band="general"), at=DECIDE_AT)
    assert state.decision is not None and state.decision.band == "general"


def test_the_age_is_read_from_an_18_digit_id_number_when_no_date_of_birth_is_given() -> None:
    born = ENDED.replace(year=ENDED.year - 12)
    child = {**CITIZEN, "id_number": f"360102{born:%Y%m%d}0016"}
    case, payload = _on_the_spot_for(child)
    refuse(case, "simple.decided", OFFICER_1, payload, START + H, r.MinorNotPenalised, "minor-not-penalised", f"{APL}第三十条")
    case, payload = _on_the_spot_for({**CITIZEN, "id_number": "360102198001010016"})
    assert case.act("simple.decided", OFFICER_1, payload, at=START + H).decision is not None


def test_an_organisation_has_no_date_of_birth() -> None:
    case = standard_world().case()
    with pytest.raises(MalformedAct):
        case.act("lead.received", OFFICER_1, lead(ITEM_GRAFFITI, {**COMPANY, "birth_date": "2010-01-01"}), at=START)


def _on_the_spot_for(party: dict[str, Any]) -> tuple[CaseFile, dict[str, Any]]:
    case = standard_world().case()
    case.act("lead.received", OFFICER_1, lead(), at=START)
    return case, simple(party, ITEM_GRAFFITI, 5_000, [OFFICER_1, OFFICER_2], ENDED)


# -- found by the rules audit (session 8) -----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("source", "kind"),
    [("non_site_monitoring", "electronic"), ("电子技术监控设备抓拍", "audio_visual"), ("非现场执法系统", "documentary")],
    ids=["lead-source-term", "device-named", "non-site-system"],
)
def test_evidence_from_a_monitoring_device_without_its_device_record_is_refused(source: str, kind: str) -> None:
    """APL Art 41: a device's record counts only with the device's review, published location and record review;
    evidence that says it came from a device but names no ``device`` record escapes none of them."""
    case = filed_case(standard_world())
    refuse(case, "evidence.collected", OFFICER_1, evidence([OFFICER_1, OFFICER_2], START + 2 * D, kind=kind, source=source),
           START + 2 * D, r.NonSiteEvidenceNotAllowed, "non-site-evidence-not-allowed", f"{APL}第四十一条")
    state = case.act("evidence.collected", OFFICER_1,
                     evidence([OFFICER_1, OFFICER_2], START + 2 * D, kind=kind, source=source, device=_device()), at=START + 2 * D)
    assert state.evidence[-1].kind == kind


def _non_site_case() -> CaseFile:
    """A case opened on a monitoring device's capture (lead source ``non_site_monitoring``), filed and prepared."""
    world = standard_world()
    case = world.case()
    case.act("lead.received", OFFICER_1, {**lead(ITEM_EXPIRED_FOOD, COMPANY), "source": "non_site_monitoring", "channel": "赣A-抓拍-0012"}, at=START)
    case.act("case.filed", OFFICER_1, filing(ITEM_EXPIRED_FOOD, COMPANY), at=START + H)
    case.act("credentials.shown", OFFICER_1, {"officers": [OFFICER_1, OFFICER_2], "to": "party"}, at=START + H)
    case.act("rights.informed", OFFICER_1, {"officers": [OFFICER_1, OFFICER_2], "rights": ["陈述权", "申辩权"]}, at=START + H)
    return case


def test_the_capture_of_a_non_site_lead_without_its_device_record_is_refused() -> None:
    case = _non_site_case()
    refuse(case, "evidence.collected", OFFICER_1, evidence([OFFICER_1, OFFICER_2], START + 2 * D, kind="audio_visual"),
           START + 2 * D, r.NonSiteEvidenceNotAllowed, "non-site-evidence-not-allowed", f"{APL}第四十一条")
    state = case.act("evidence.collected", OFFICER_1,
                     evidence([OFFICER_1, OFFICER_2], START + 2 * D, kind="audio_visual", device=_device()), at=START + 2 * D)
    assert state.evidence[-1].kind == "audio_visual"


@pytest.mark.parametrize(("kind", "source"), [("documentary", ""), ("audio_visual", "现场检查"), ("electronic", "当事人提供")])
def test_other_evidence_in_a_non_site_case_needs_no_device_record(kind: str, source: str) -> None:
    """Evidence the officers gathered themselves (the party's papers, their own photographs) is no device's record."""
    case = _non_site_case()
    state = case.act("evidence.collected", OFFICER_1, evidence([OFFICER_1, OFFICER_2], START + 2 * D, kind=kind, source=source), at=START + 2 * D)
    assert state.evidence[-1].kind == kind


def _on_the_spot_licence(party: dict[str, Any], fine: int, **overrides: Any) -> tuple[CaseFile, dict[str, Any]]:
    case = standard_world().case()
    case.act("lead.received", OFFICER_1, lead(), at=START)
    return case, simple(party, ITEM_LICENCE_DISPLAY, fine, [OFFICER_1, OFFICER_2], ENDED, **overrides)


@pytest.mark.parametrize("band", [None, "general"], ids=["no-band", "general-band"])
def test_an_on_the_spot_fine_for_a_minor_of_14_to_17_outside_the_lighter_bands_is_refused(band: str | None) -> None:
    """APL Art 30 binds the simple procedure too: the form for a minor of 14–17 applies the lighter or mitigated band."""
    case, payload = _on_the_spot_licence(_aged(16), 5_000, band=band)
    refuse(case, "simple.decided", OFFICER_1, payload, START + H, r.MinorPenaltyNotMitigated, "minor-penalty-not-mitigated", f"{APL}第三十条")


def test_an_on_the_spot_fine_for_a_minor_in_the_lighter_band_is_accepted() -> None:
    case, payload = _on_the_spot_licence(_aged(17), 5_000, band="lighter")
    state = case.act("simple.decided", OFFICER_1, payload, at=START + H)
    assert state.decision is not None and state.decision.kind == "simple"
    # An adult's on-the-spot fine names no band, as before.
    case, payload = _on_the_spot_licence(_aged(18), 5_000)
    assert case.act("simple.decided", OFFICER_1, payload, at=START + H).decision is not None


def test_an_on_the_spot_warning_for_a_minor_is_the_lightest_penalty_but_a_fine_beside_it_is_not() -> None:
    """A warning alone is the lightest penalty there is (Art 9): it needs no band; a fine added to it does."""
    case, payload = _on_the_spot_for(_aged(15))
    both = {**payload, "penalties": ["warning", "fine"]}
    refuse(case, "simple.decided", OFFICER_1, both, START + H, r.MinorPenaltyNotMitigated, "minor-penalty-not-mitigated", f"{APL}第三十条")
    state = case.act("simple.decided", OFFICER_1, {**payload, "penalties": ["warning"], "fine_fen": 0}, at=START + H)
    assert state.decision is not None and state.decision.penalties == ["warning"]


def test_an_on_the_spot_fine_outside_the_band_it_names_is_refused() -> None:
    """On the spot there is no stated reason and legal review to leave a band by (Art 58): the named band binds."""
    case, payload = _on_the_spot_licence(CITIZEN, 20_000, band="general")
    refuse(case, "simple.decided", OFFICER_1, payload, START + H, r.FineOutsideBand, "fine-outside-band", f"{APL}第三十四条")
    assert case.act("simple.decided", OFFICER_1, {**payload, "band": "lighter"}, at=START + H).decision is not None


def test_an_on_the_spot_fine_for_a_light_penalty_list_item_names_the_lighter_band() -> None:
    """轻罚清单 (Art 32): a first violation corrected in time is fined in the lighter or mitigated band on the spot too."""
    case = standard_world().case()
    case.act("lead.received", LEHUA_1, lead(agency=LEHUA), at=START)
    payload = simple(CITIZEN, ITEM_ROAD_OCCUPATION, 10_000, [LEHUA_1, LEHUA_2], ENDED, first_violation=True, corrected=True,
                     deciding_agency=LEHUA)
    refuse(case, "simple.decided", LEHUA_1, payload, START + H, r.LightPenaltyListIgnored, "light-penalty-list-ignored", f"{APL}第三十二条")
    state = case.act("simple.decided", LEHUA_1, {**payload, "band": "lighter"}, at=START + H)
    assert state.decision is not None and state.decision.fine_fen == 10_000


def test_a_penalty_decision_on_a_case_without_any_evidence_is_refused() -> None:
    """APL Art 40: 证据不足的，不得给予行政处罚 — a case with no evidence item and no inspection or interview record is
    not penalised; once its evidence is recorded the same decision is accepted."""
    case = filed_case(standard_world(), ITEM_LICENCE_DISPLAY)
    case.act("notice.issued", OFFICER_1, notice(["fine"], 500_000, band="lighter"), at=START + 8 * D)
    case.act("service.recorded", OFFICER_2, service("notice"), at=START + 8 * D + H)
    payload = decision(["fine"], 500_000, ENDED, band="lighter")
    refuse(case, "decision.made", HEAD, payload, DECIDE_AT, r.PenaltyWithoutEvidence, "no-evidence-no-penalty", f"{APL}第四十条")
    case.act("inspection.recorded", OFFICER_1, {"officers": [OFFICER_1, OFFICER_2], "place": "经营场所", "findings": "未公示营业执照",
                                                "record_sha256": sha("现场笔录"), "party_present": True}, at=DECIDE_AT - 2 * H)
    case.act("act.cosigned", OFFICER_2, {"act_version": case.version}, at=DECIDE_AT - H)
    state = case.act("decision.made", HEAD, payload, at=DECIDE_AT)
    assert state.decision is not None and state.decision.kind == "penalty"


def test_a_no_penalty_decision_needs_no_evidence() -> None:
    """Art 57(3): 违法事实不能成立的，不予行政处罚 — deciding not to penalise rests on the absence of proof itself."""
    case = filed_case(standard_world(), ITEM_LICENCE_DISPLAY)
    state = case.act("no_penalty.decided", HEAD, no_penalty("first_violation_slight"), at=START + 5 * D)
    assert state.decision is not None and state.decision.kind == "no_penalty"


def test_a_legal_review_by_another_agencys_reviewer_is_refused() -> None:
    """APL Art 58: the deciding agency's own legal reviewers review its decision (a township's bureau may too)."""
    world = standard_world()
    world.register_key("legal/3601-lehua", "legal_reviewer", LEHUA)
    case = notified_case(world)
    refuse(case, "legal.reviewed", "legal/3601-lehua", {"outcome": "passed", "opinion": "同意"}, DECIDE_AT - H,
           r.LegalReviewerRequired, "legal-reviewer-required", f"{APL}第五十八条", 403)
    state = case.act("legal.reviewed", REVIEWER, {"outcome": "passed", "opinion": "同意"}, at=DECIDE_AT - H)
    assert state.reviews[-1].reviewer == REVIEWER


def test_a_legal_reviewer_registered_with_no_agency_is_not_refused_for_its_agency() -> None:
    """Art 58's agency check needs the reviewer's agency: a reviewer registered without one (a 司法局 reviewer the
    registry names no agency for) is judged by the other review rules only, not refused for an agency unknown."""
    world = standard_world()
    world.register_key("legal/unattached", "legal_reviewer", None)
    state = notified_case(world).act("legal.reviewed", "legal/unattached", {"outcome": "passed", "opinion": "同意"}, at=DECIDE_AT - H)
    assert state.reviews[-1].reviewer == "legal/unattached"


def test_a_township_case_may_be_reviewed_by_its_bureaus_reviewer() -> None:
    case = standard_world().case()
    case.act("lead.received", LEHUA_1, lead(ITEM_ROAD_OCCUPATION, CITIZEN, agency=LEHUA), at=START)
    case.act("case.filed", LEHUA_1, filing(ITEM_ROAD_OCCUPATION, CITIZEN), at=START + H)
    state = case.act("legal.reviewed", REVIEWER, {"outcome": "passed", "opinion": "同意"}, at=START + 2 * H)
    assert state.reviews[-1].reviewer == REVIEWER


def _recused(case: CaseFile, person: str, at: dt.datetime) -> None:
    case.act("recusal.requested", OFFICER_1, {"officer": person, "by": "self", "reason": "与当事人有亲属关系"}, at=at)
    case.act("recusal.decided", HEAD, {"officer": person, "upheld": True, "reason": "回避理由成立"}, at=at + H)


def test_a_head_whose_recusal_was_upheld_may_not_join_the_collective_discussion() -> None:
    """APL Art 43: after an upheld recusal the person takes no part in the case — a discussing head neither."""
    world = standard_world()
    world.register_key("head/3601-0009", "agency_head", BUREAU)
    case = notified_case(world)
    _recused(case, DEPUTY_HEAD_1, START + 9 * D)
    refuse(case, "collective.discussed", HEAD, {"participants": HEADS, "conclusion": "同意"}, START + 10 * D,
           r.OfficerRecused, "officer-recused", f"{APL}第四十三条", 403)
    others = [HEAD, HEADS[2], "head/3601-0009"]
    state = case.act("collective.discussed", HEAD, {"participants": others, "conclusion": "同意"}, at=START + 10 * D)
    assert state.discussions[-1].participants == others


def test_a_recused_officer_may_not_review_a_device_record() -> None:
    case = filed_case(standard_world())
    _recused(case, OFFICER_3, START + 2 * H)
    refuse(case, "evidence.collected", OFFICER_1,
           evidence([OFFICER_1, OFFICER_2], START + 2 * D, kind="electronic", device=_device(reviewed_by=OFFICER_3)),
           START + 2 * D, r.OfficerRecused, "officer-recused", f"{APL}第四十三条", 403)
    state = case.act("evidence.collected", OFFICER_1, evidence([OFFICER_1, OFFICER_2], START + 2 * D, kind="electronic", device=_device()),
                     at=START + 2 * D)
    assert state.evidence[-1].kind == "electronic"


def test_a_correction_by_staff_of_another_agency_is_refused() -> None:
    """更正 is the acting agency's own act: an officer of another agency does not correct this case's acts."""
    case = filed_case(standard_world())
    correction = {"corrects": 2, "reason": "立案时间笔误", "correction": "更正为当日"}
    refuse(case, "correction.recorded", LEHUA_1, correction, START + D, r.NotInCase, "not-in-case", f"{APL}第四十七条", 403)
    state = case.act("correction.recorded", OFFICER_2, correction, at=START + D)
    assert state.corrections == [2]


def test_a_minors_penalty_is_never_published() -> None:
    """未成年人保护法 Art 103: a party under 18 at the violation is not identified in public — its penalty is not
    published; an adult's is."""
    from domain.disclosure import obligations

    for party, published in ((_aged(16), False), (_aged(18), True)):
        case = notified_case(standard_world(), party=party, fine=800_000, band="lighter")
        state = case.act("decision.made", HEAD, decision(["fine"], 800_000, ENDED, band="lighter"), at=DECIDE_AT)
        assert state.decision is not None
        # the duty follows the same rule: no publication is owed (none can be made) for a minor's decision
        assert [o.kind for o in obligations(state)] == (["publish"] if published else [])
        payload = {"decision_version": state.decision.version, "publicity_class": None, "note": ""}
        if published:
            assert case.act("disclosure.published", OFFICER_1, payload, at=DECIDE_AT + D).disclosures
        else:
            refuse(case, "disclosure.published", OFFICER_1, payload, DECIDE_AT + D, r.MinorNotPublic, "minor-not-public", f"{MINORS}第一百零三条")


def test_no_penalty_for_minor_age_is_refused_for_a_party_who_was_not_under_14() -> None:
    """APL Art 30: 不满十四周岁 is the ground only for a child under 14 at the violation."""
    for party, lawful in ((_aged(14), False), (_aged(14, days_short=1), True)):
        case = standard_world().case()
        case.act("lead.received", OFFICER_1, lead(ITEM_LICENCE_DISPLAY, party), at=START)
        case.act("case.filed", OFFICER_1, filing(ITEM_LICENCE_DISPLAY, party, violation_ended=ENDED.isoformat()), at=START + H)
        if lawful:
            state = case.act("no_penalty.decided", HEAD, no_penalty("minor_age"), at=START + D)
            assert state.decision is not None and state.decision.ground == "minor_age"
        else:
            refuse(case, "no_penalty.decided", HEAD, no_penalty("minor_age"), START + D,
                   r.NoPenaltyGroundUnfounded, "no-penalty-ground-unfounded", f"{APL}第三十条")


@pytest.mark.parametrize(
    ("began", "ended"), [(None, 30), (5, 0)], ids=["ends-after-the-decision", "ends-before-it-began"],
)
def test_a_decision_whose_violation_dates_are_impossible_is_malformed(began: int | None, ended: int) -> None:
    case = notified_case(standard_world(), fine=800_000, band="lighter")
    end = local_date(DECIDE_AT) + dt.timedelta(days=ended) if ended else ENDED
    payload = decision(["fine"], 800_000, end, band="lighter",
                       violation_began=None if began is None else (ENDED + dt.timedelta(days=began)).isoformat())
    with pytest.raises(MalformedAct):
        case.act("decision.made", HEAD, payload, at=DECIDE_AT)
    assert case.act("decision.made", HEAD, decision(["fine"], 800_000, ENDED, band="lighter"), at=DECIDE_AT).decision is not None


def test_auxiliary_staff_are_not_issued_an_enforcement_certificate() -> None:
    """辅助人员 assist and never count as one of the two certified officers (Art 42): no certificate is issued."""
    world = standard_world()
    stream = f"person:{AUXILIARY}"
    world.registry_act(stream, "exam.passed", AUTHORITY, {"exam": "执法资格考试", "passed_on": "2025-01-02", "score": 80})
    cert = {"number": "赣aux-1", "agency": BUREAU, "domains": ["market_supervision"], "valid_from": "2025-02-01", "valid_until": "2030-01-01"}
    with pytest.raises(r.AuxiliaryNotCertifiable) as info:
        world.registry_act(stream, "certificate.issued", AUTHORITY, cert)
    assert (info.value.code, info.value.cited_article) == ("auxiliary-not-certifiable", r.AuxiliaryNotCertifiable.article)
    world.register_key("officer/3601-0042", "officer", BUREAU)
    world.registry_act("person:officer/3601-0042", "exam.passed", AUTHORITY, {"exam": "执法资格考试", "passed_on": "2025-01-02", "score": 80})
    world.registry_act("person:officer/3601-0042", "certificate.issued", AUTHORITY, {**cert, "number": "赣0042"})


def test_a_notice_of_confiscation_states_its_value() -> None:
    """Arts 58, 63: the hearing right and the legal review turn on the confiscation's value (较大数额、较大价值); a
    confiscation without a value, or a value without a confiscation, is malformed."""
    case = investigated_case(standard_world(), ITEM_EXPIRED_FOOD)
    for penalties, value in ((["fine", "confiscate_property"], 0), (["fine"], 120_000)):
        with pytest.raises(MalformedAct):
            case.act("notice.issued", OFFICER_1, notice(penalties, 6_000_000, value, band="lighter"), at=START + 8 * D)
    state = case.act("notice.issued", OFFICER_1, notice(["fine", "confiscate_property"], 6_000_000, 120_000, band="lighter"), at=START + 8 * D)
    assert state.notice is not None and state.notice.confiscation_fen == 120_000


def test_service_left_at_the_residence_needs_its_record() -> None:
    """民事诉讼法 Art 89 (留置送达): the witnessed receipt or the photos or video of the leaving are named."""
    case = investigated_case(standard_world())
    case.act("notice.issued", OFFICER_1, notice(["fine"], 1_500_000, band="general"), at=START + 8 * D)
    refuse(case, "service.recorded", OFFICER_2, service("notice", "left_at_residence"), START + 8 * D + H,
           r.LeftAtResidenceUnrecorded, "left-at-residence-unrecorded", f"{CPL}第八十九条")
    state = case.act("service.recorded", OFFICER_2, service("notice", "left_at_residence", receipt_sha256=sha("留置送达照片")), at=START + 8 * D + H)
    assert state.notice is not None and state.notice.service_method == "left_at_residence"


def test_the_case_is_not_decided_while_a_recusal_request_is_undecided() -> None:
    """APL Art 43: the investigation goes on while the head considers a recusal; the decision on the case waits."""
    case = notified_case(standard_world(), fine=800_000, band="lighter")
    case.act("recusal.requested", OFFICER_2, {"officer": OFFICER_1, "by": "party", "reason": "执法人员与竞争对手有利害关系"}, at=START + 9 * D)
    payload = decision(["fine"], 800_000, ENDED, band="lighter")
    refuse(case, "decision.made", HEAD, payload, DECIDE_AT, r.RecusalPending, "recusal-pending", f"{APL}第四十三条")
    refuse(case, "no_penalty.decided", HEAD, no_penalty(), DECIDE_AT, r.RecusalPending, "recusal-pending", f"{APL}第四十三条")
    case.act("recusal.decided", HEAD, {"officer": OFFICER_1, "upheld": False, "reason": "理由不成立"}, at=DECIDE_AT - H)
    state = case.act("decision.made", HEAD, payload, at=DECIDE_AT)
    assert state.decision is not None and state.decision.kind == "penalty"


def test_the_party_is_told_its_rights_by_certified_officers_only() -> None:
    """APL Art 55: the investigating officers tell the party its rights; an auxiliary naming only itself, or an
    officer uncertified for the case's domain, does not count as telling — evidence then still waits."""
    case = standard_world().case()
    case.act("lead.received", OFFICER_1, lead(ITEM_EXPIRED_FOOD, COMPANY), at=START)
    case.act("case.filed", OFFICER_1, filing(ITEM_EXPIRED_FOOD, COMPANY), at=START + H)
    case.act("credentials.shown", OFFICER_1, {"officers": [OFFICER_1, OFFICER_2], "to": "party"}, at=START + H)
    for actor, officers in ((AUXILIARY, [AUXILIARY]), (URBAN_ONLY, [URBAN_ONLY])):
        refuse(case, "rights.informed", actor, {"officers": officers, "rights": ["陈述权"]}, START + H,
               r.OfficerNotCertified, "officer-not-certified", f"{APL}第四十二条", 403)
    state = case.act("rights.informed", AUXILIARY, {"officers": [OFFICER_1, OFFICER_2], "rights": ["陈述权"]}, at=START + H)
    assert state.rights_informed_at == START + H


def test_a_warning_alone_for_a_minor_needs_no_band_in_the_general_procedure_either() -> None:
    case = notified_case(standard_world(), item=ITEM_GRAFFITI, party=_aged(16), penalties=["warning"], fine=0, band=None)
    refuse(case, "decision.made", HEAD, decision(["warning", "fine"], 50_000, ENDED), DECIDE_AT,
           r.MinorPenaltyNotMitigated, "minor-penalty-not-mitigated", f"{APL}第三十条")
    state = case.act("decision.made", HEAD, decision(["warning"], 0, ENDED), at=DECIDE_AT)
    assert state.decision is not None and state.decision.penalties == ["warning"]


def test_a_no_penalty_decision_on_a_minor_is_not_published_even_without_the_violation_date() -> None:
    """A party under 18 when the lead came in was under 18 at the violation: its decision stays unpublished."""
    for party, published in ((_aged(17), False), (_aged(19), True)):
        case = filed_case(standard_world(), ITEM_LICENCE_DISPLAY, party=party)
        state = case.act("no_penalty.decided", HEAD, no_penalty("first_violation_slight"), at=START + 5 * D)
        assert state.decision is not None
        payload = {"decision_version": state.decision.version, "publicity_class": None, "note": ""}
        if published:
            assert case.act("disclosure.published", OFFICER_1, payload, at=START + 6 * D).disclosures
        else:
            refuse(case, "disclosure.published", OFFICER_1, payload, START + 6 * D, r.MinorNotPublic, "minor-not-public", f"{MINORS}第一百零三条")
