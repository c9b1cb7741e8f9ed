"""Disclosure rules (行政执法公示): publication, withdrawal and credit repair are acts with their own refusals;
due dates, publicity windows and redaction are pure functions of the state.

Every refusal is checked for class, code, article and status, and for leaving the case exactly as it was.
"""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

import msgspec
import pytest

from domain import disclosure as rules
from domain import refusals as r
from domain.calendar import default_calendar, local_date
from domain.errors import DomainError
from domain.law import APL, GB118, MINORS, NDRC_CREDIT, OGI
from domain.parties import Party
from tests.builders import DEFAULT_START, CaseFile, standard_world
from zhifa.scenarios import (
    AUXILIARY,
    HEAD,
    OFFICER_1,
    OFFICER_2,
    hearing_case,
    no_penalty_case,
    organisation_case,
)

START = DEFAULT_START  # Monday 2026-03-02, 09:00 Beijing
D = dt.timedelta(days=1)


def refuse(case: CaseFile, type: str, actor: str, payload: dict[str, Any], at: dt.datetime,
           error: type[DomainError], code: str, article: str, status: int = 422) -> None:
    before, count = msgspec.json.encode(case.state), len(case.records)
    with pytest.raises(error) as info:
        case.act(type, actor, payload, at=at)
    err = info.value
    assert (err.code, err.cited_article, err.status) == (code, article, status), err.one_line()
    assert msgspec.json.encode(case.state) == before and len(case.records) == count


def decided(until: str = "decided", build: Any = hearing_case) -> tuple[CaseFile, int, dt.datetime]:
    """A case whose penalty decision was just made; returns (case, decision version, decision time)."""
    case = standard_world().case()
    case.play(build(START, until=until), START)
    assert case.state is not None and case.state.decision is not None
    return case, case.state.decision.version, case.state.decision.decided_at


def publish(version: int, **extra: Any) -> dict[str, Any]:
    return {"decision_version": version, "publicity_class": None, "note": "", **extra}


# -- publication ----------------------------------------------------------------------------------------------------
def test_a_penalty_decision_published_within_seven_working_days_meets_its_due_date() -> None:
    case, v, at = decided()
    due = rules.disclosure_due(at, "penalty")
    assert default_calendar().working_days_between(local_date(at), due.date) == 7
    state = case.act("disclosure.published", OFFICER_1, publish(v), at=at + 2 * D)
    [duty] = rules.obligations(state)
    assert (duty.kind, duty.due, duty.met, duty.overdue(due.date + 30 * D)) == ("publish", due, True, False)
    assert state.disclosures[0].publicity_class == "general"


def test_a_decision_not_published_within_seven_working_days_is_overdue() -> None:
    case, v, at = decided()
    assert case.state is not None
    [duty] = rules.obligations(case.state)
    assert not duty.overdue(duty.due.date) and duty.overdue(duty.due.date + D)
    late = case.act("disclosure.published", OFFICER_1, publish(v), at=at + 20 * D)
    assert rules.obligations(late)[0].met is False


def test_a_decision_not_to_penalise_is_due_within_twenty_working_days() -> None:
    case, _v, at = decided(build=no_penalty_case)
    assert case.state is not None
    [duty] = rules.obligations(case.state)
    assert duty.due.rule_key == "disclosure.other_within"
    assert default_calendar().working_days_between(local_date(at), duty.due.date) == 20


def test_publishing_twice_is_refused() -> None:
    case, v, at = decided()
    case.act("disclosure.published", OFFICER_1, publish(v), at=at + D)
    refuse(case, "disclosure.published", OFFICER_1, publish(v), at + 2 * D, r.AlreadyDisclosed, "already-disclosed", GB118)


def test_publishing_a_version_that_is_no_decision_is_refused() -> None:
    case, v, at = decided()
    refuse(case, "disclosure.published", OFFICER_1, publish(v - 1), at + D,
           r.DisclosureWithoutDecision, "disclosure-without-decision", GB118)


def test_a_note_carrying_a_phone_number_is_refused_and_a_clean_note_accepted() -> None:
    case, v, at = decided()
    refuse(case, "disclosure.published", OFFICER_1, publish(v, note="联系人电话 13912345678"), at + D,
           r.PersonalDataInDisclosure, "personal-data-in-disclosure", f"{OGI}第十五条")
    case.act("disclosure.published", OFFICER_1, publish(v, note="当事人已整改"), at=at + D)


def test_auxiliary_staff_may_not_publish() -> None:
    case, v, at = decided()
    refuse(case, "disclosure.published", AUXILIARY, publish(v), at + D,
           r.OfficerNotCertified, "officer-not-certified", f"{APL}第四十二条", 403)


def test_a_minors_case_is_never_published() -> None:
    steps = copy.deepcopy(no_penalty_case(START, until="decided"))
    steps[-1].payload["ground"] = "minor_age"
    case = standard_world().case()
    state = case.play(steps, START)
    assert state.decision is not None
    assert rules.obligations(state) == []
    refuse(case, "disclosure.published", OFFICER_1, publish(state.decision.version), START + 9 * D,
           r.MinorNotPublic, "minor-not-public", f"{MINORS}第一百零三条")


def test_publication_after_the_case_is_archived_is_accepted() -> None:
    case, v, _at = decided(until="archived")
    assert case.state is not None and case.state.status == "archived"
    state = case.act("disclosure.published", OFFICER_1, publish(v), at=case.state.updated_at + D)
    assert state.status == "archived" and len(state.disclosures) == 1


# -- withdrawal -----------------------------------------------------------------------------------------------------
def test_withdrawal_without_a_revoking_decision_is_refused() -> None:
    case, v, at = decided()
    case.act("disclosure.published", OFFICER_1, publish(v), at=at + D)
    refuse(case, "disclosure.withdrawn", OFFICER_1, {"decision_version": v, "ground": "revoked", "reason": "复议撤销"},
           at + 2 * D, r.WithdrawalWithoutGround, "withdrawal-without-ground", f"{APL}第四十八条")


def test_a_revoked_decision_owes_a_withdrawal_within_three_working_days() -> None:
    case, v, at = decided(until="under_reconsideration", build=organisation_case)
    case.act("disclosure.published", OFFICER_1, publish(v), at=at + D)
    revoked_at = at + 50 * D
    state = case.act("reconsideration.decided", OFFICER_2, {"outcome": "revoked", "changed_fine_fen": None, "final": True}, at=revoked_at)
    duty = next(o for o in rules.obligations(state) if o.kind == "withdraw")
    assert default_calendar().working_days_between(local_date(revoked_at), duty.due.date) == 3
    assert duty.overdue(duty.due.date + D)
    refuse(case, "disclosure.withdrawn", OFFICER_1, {"decision_version": v, "ground": "changed", "reason": "x"},
           revoked_at + D, r.WithdrawalWithoutGround, "withdrawal-without-ground", f"{APL}第四十八条")
    state = case.act("disclosure.withdrawn", OFFICER_1, {"decision_version": v, "ground": "revoked", "reason": "复议机关撤销原决定"}, at=revoked_at + D)
    duty = next(o for o in rules.obligations(state) if o.kind == "withdraw")
    assert duty.met is True
    assert state.disclosures[0].withdrawal_ground == "revoked"
    refuse(case, "disclosure.withdrawn", OFFICER_1, {"decision_version": v, "ground": "revoked", "reason": "again"},
           revoked_at + 2 * D, r.NotDisclosed, "not-disclosed", f"{APL}第四十八条")


def test_a_voided_decision_never_published_owes_nothing_more() -> None:
    case, v, at = decided(until="under_reconsideration", build=organisation_case)
    state = case.act("reconsideration.decided", OFFICER_2, {"outcome": "revoked", "changed_fine_fen": None, "final": True}, at=at + 5 * D)
    assert rules.obligations(state) == []
    refuse(case, "disclosure.published", OFFICER_1, publish(v), at + 6 * D,
           r.DisclosureWithoutDecision, "disclosure-without-decision", GB118)


# -- publicity period and credit repair ---------------------------------------------------------------------------
def test_publicity_windows_follow_the_ndrc_classes_from_the_decision_date() -> None:
    at = dt.datetime(2026, 5, 10, 2, tzinfo=dt.UTC)
    general = rules.publicity_window(at, "general")
    serious = rules.publicity_window(at, "serious")
    minor = rules.publicity_window(at, "minor")
    assert (general.min_end, general.max_end) == (dt.date(2026, 8, 10), dt.date(2027, 5, 10))
    assert (serious.min_end, serious.max_end) == (dt.date(2027, 5, 10), dt.date(2029, 5, 10))
    assert (minor.min_end, minor.max_end) == (dt.date(2026, 5, 10), dt.date(2026, 8, 10))
    assert general.expired(dt.date(2027, 5, 11)) and not general.expired(dt.date(2027, 5, 10))
    assert general.ends_at == dt.datetime(2027, 5, 10, 16, tzinfo=dt.UTC)  # 00:00 Beijing on 05-11


def test_classes_come_from_the_penalties() -> None:
    assert rules.publicity_class_of("simple", ["fine"]) == "minor"
    assert rules.publicity_class_of("penalty", ["warning"]) == "minor"
    assert rules.publicity_class_of("penalty", ["fine", "confiscate_gains"]) == "general"
    assert rules.publicity_class_of("penalty", ["fine", "revoke_permit"]) == "serious"
    assert not rules.must_disclose("simple", ["fine"]) and rules.must_disclose("penalty", ["fine"])


REPAIR = {"reason": "已履行并完成整改，申请信用修复", "application_sha256": "c" * 64}


def test_credit_repair_before_the_minimum_is_refused_and_after_it_accepted() -> None:
    case, v, at = decided("paid")  # decided day 40, paid in full day 50
    case.act("disclosure.published", OFFICER_1, publish(v), at=at + 11 * D)
    window = rules.publicity_window(at, "general")
    refuse(case, "credit.repaired", HEAD, {"decision_version": v, **REPAIR},
           at + 30 * D, r.CreditRepairTooEarly, "credit-repair-too-early", NDRC_CREDIT)
    after = dt.datetime.combine(window.min_end + D, dt.time(2), tzinfo=dt.UTC)
    refuse(case, "credit.repaired", OFFICER_1, {"decision_version": v, **REPAIR},
           after, r.AgencyHeadRequired, "agency-head-required", r.AgencyHeadRequired.article, r.AgencyHeadRequired.status)
    state = case.act("credit.repaired", HEAD, {"decision_version": v, **REPAIR}, at=after)
    assert state.disclosures[0].repaired_at == after


def test_publishing_after_the_maximum_period_is_refused() -> None:
    case, v, at = decided()
    window = rules.publicity_window(at, "general")
    late = dt.datetime.combine(window.max_end + D, dt.time(2), tzinfo=dt.UTC)
    refuse(case, "disclosure.published", OFFICER_1, publish(v), late, r.PublicityEnded, "publicity-ended", NDRC_CREDIT)


# -- redaction ------------------------------------------------------------------------------------------------------
def test_a_natural_person_is_published_as_surname_mou_and_nothing_else() -> None:
    person = Party(kind="natural_person", name="张三丰", id_number="110105199003071234", address="北京市朝阳区幸福路12号3单元402室")
    shown = rules.public_party(person)
    assert shown == rules.PublicParty("张某", None, "natural_person")
    text = rules.public_text("张三丰（身份证号110105199003071234）住北京市朝阳区幸福路12号3单元402室，电话13912345678", person)
    for secret in ("张三丰", "110105199003071234", "幸福路12号", "13912345678", "402"):
        assert secret not in text
    assert "张某" in text


def test_legal_persons_and_sole_traders_keep_name_and_a_valid_code_only() -> None:
    company = Party(kind="organisation", name="江西某某商贸有限公司", uscc="91360100MA35L7Q2XR")
    assert rules.public_party(company) == rules.PublicParty("江西某某商贸有限公司", "91360100MA35L7Q2XR", "organisation")
    trader = Party(kind="sole_trader", name="南昌市红谷滩区某某食品店", uscc="92360100MA38K6T1RD", id_number="360102198501011234")
    shown = rules.public_party(trader)
    assert shown is not None and shown.uscc == "92360100MA38K6T1RD" and "360102" not in rules.party_text(shown)
    forged = msgspec.structs.replace(company, uscc="91360100MA35L7Q2XA")
    assert rules.public_party(forged) == rules.PublicParty("江西某某商贸有限公司", None, "organisation")
