"""Session 14's rules enforced on append through the real ledger (SQLite and PostgreSQL): the unlawful act is refused
with its code, article and status and writes nothing (ledger position and stream version unchanged); the lawful act
at the same point is accepted.

1. A remade decision resting on the voided decision's legal review and collective discussion (APL Arts 57–58).
2. The same decision again after an order to remake (复议法 Art 64(2)); a lighter one accepted.
3. A hearing held with the party absent a week after the notified day (APL Art 64); a new date, then accepted.
4. A hearing held while the party's request that the presider withdraw awaits the head (APL Arts 43, 64(4)).
5. A reminder put up by announcement with no ground, or e-mailed without consent (ACL Art 38; 民诉法 Arts 90, 95).
6. A reminder demanding more than the party owes (ACL Art 35).
7. Court enforcement on a reminder sent before a deferral moved the due date (APL Art 66; ACL Art 54).
8. A licence revocation published in the minor class (《信用修复管理办法》); the serious class accepted.
9. A decision on a heavier second notice resting on a review made before the lighter first one (APL Art 58).
10. A complex case decided on a collective discussion held before the legal review (APL Arts 57(2), 58).
11. Court enforcement on a reminder of the fine a reconsideration has since lowered (ACL Arts 35, 54).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from domain.law import ACL, APL, ARL, CPL
from ledger.court.keys import SigningKey
from tests.conftest import LedgerFixture
from tests.test_domain_rules import HEADS
from tests.test_rules_through_ledger import START, _world
from tests.test_rules_through_ledger_review import _at, _play
from tests.test_rules_through_ledger_session12 import _next, _refused_here
from zhifa import scenarios as sc

World = tuple[LedgerFixture, dict[str, SigningKey]]


@pytest.fixture
def world(database_url: str) -> Iterator[World]:
    """The cast and registry of the demo on a fresh ledger (both backends), closed after the test."""
    fx, keys, _ = _world(database_url)
    try:
        yield fx, keys
    finally:
        fx.store.close()
DAY = dt.timedelta(days=1)
RECONSIDERATION = {"body": "赣江新区管委会（行政复议机关）", "posted_on": None, "envelope_sha256": None}
SERVE = {"document": "decision", "method": "direct", "consent_ref": None, "confirmation_ref": None, "receipt_sha256": None}




def _payload(steps: list[sc.Step], type: str) -> dict[str, Any]:
    return dict(next(s for s in steps if s.type == type).payload)


def _outcome(outcome: str, **extra: Any) -> dict[str, Any]:
    return {"outcome": outcome, "changed_fine_fen": None, "final": True, "served_at": None, **extra}


def _discussion(first_version: int, day: float) -> list[sc.Step]:
    return [
        sc.Step("collective.discussed", sc.HEAD, {"participants": HEADS, "conclusion": "同意"}, day * DAY),
        *(sc.Step("act.cosigned", head, {"act_version": first_version}, (day + 0.01 * (i + 1)) * DAY) for i, head in enumerate(HEADS[1:])),
    ]


def _complex_notified() -> list[sc.Step]:
    """The company's case to its notice, filed as complex (Art 57(2): the heads discuss it)."""
    notified = sc.organisation_case(START, until="notified")
    for step in notified:
        if step.type == "case.filed":
            step.payload["complex"] = True
    return notified


def _discuss_now(fx: LedgerFixture, keys: dict[str, SigningKey], case: str, first_version: int, day: float) -> None:
    """The heads' discussion and their co-signatures appended at their days."""
    for step in _discussion(first_version, day):
        _at(fx, step.offset / DAY)
        _next(fx, keys, case, step)


def test_a_remade_decision_without_its_own_review_and_discussion_is_refused_on_append(world: World) -> None:
    fx, keys = world
    case = str(uuid.uuid4())
    notified = _complex_notified()
    decision = _payload(sc.organisation_case(START, until="decided"), "decision.made")
    notice = _payload(notified, "notice.issued")
    steps = [
        *notified,
        sc.Step("legal.reviewed", sc.REVIEWER, {"outcome": "passed", "opinion": "通过"}, 20 * DAY),
        *_discussion(len(notified) + 2, 21),
        sc.Step("decision.made", sc.HEAD, decision, 26 * DAY),
        sc.Step("service.recorded", sc.OFFICER_2, SERVE, 26.1 * DAY),
        sc.Step("reconsideration.filed", sc.OFFICER_2, RECONSIDERATION, 30 * DAY),
        sc.Step("reconsideration.decided", sc.OFFICER_2, _outcome("remake"), 60 * DAY),
        sc.Step("notice.issued", sc.OFFICER_1, {**notice, "fine_fen": 1_200_000}, 61 * DAY),
        sc.Step("service.recorded", sc.OFFICER_2, {**SERVE, "document": "notice"}, 61.1 * DAY),
    ]
    _play(fx, keys, case, steps)
    remade = sc.Step("decision.made", sc.HEAD, {**decision, "fine_fen": 1_200_000}, _at(fx, 75))
    _refused_here(fx, keys, case, remade, "legal-review-required", f"{APL}第五十八条")
    _next(fx, keys, case, sc.Step("legal.reviewed", sc.REVIEWER, {"outcome": "passed", "opinion": "重作通过"}, _at(fx, 75.01)))
    _refused_here(fx, keys, case, sc.Step("decision.made", sc.HEAD, remade.payload, _at(fx, 75.02)),
                  "collective-discussion-required", f"{APL}第五十七条")
    _discuss_now(fx, keys, case, len(steps) + 2, 75.03)
    _next(fx, keys, case, sc.Step("decision.made", sc.HEAD, remade.payload, _at(fx, 75.1)))


def test_the_same_decision_after_an_order_to_remake_is_refused_on_append(world: World) -> None:
    fx, keys = world
    case = str(uuid.uuid4())
    decided = sc.organisation_case(START, until="served")
    notice = _payload(decided, "notice.issued")
    decision = _payload(decided, "decision.made")
    _play(fx, keys, case, [
        *decided,
        sc.Step("reconsideration.filed", sc.OFFICER_2, RECONSIDERATION, 30 * DAY),
        sc.Step("reconsideration.decided", sc.OFFICER_2, _outcome("remake"), 60 * DAY),
        sc.Step("notice.issued", sc.OFFICER_1, notice, 61 * DAY),
        sc.Step("service.recorded", sc.OFFICER_2, {**SERVE, "document": "notice"}, 61.1 * DAY),
    ])
    _refused_here(fx, keys, case, sc.Step("decision.made", sc.HEAD, decision, _at(fx, 75)), "remade-decision-same", f"{ARL}第六十四条第二款")
    _next(fx, keys, case, sc.Step("decision.made", sc.HEAD, {**decision, "fine_fen": 1_200_000}, _at(fx, 75)))


def test_an_absence_on_another_day_than_the_notified_one_is_refused_on_append(world: World) -> None:
    fx, keys = world
    case = str(uuid.uuid4())
    _play(fx, keys, case, sc.hearing_case(START, until="hearing"))  # told on day 14 of the hearing on day 35
    absent = {"presider": sc.OFFICER_3, "party_present": False, "attendees": []}
    _refused_here(fx, keys, case, sc.Step("hearing.held", sc.OFFICER_3, absent, _at(fx, 42)), "hearing-not-as-notified", f"{APL}第六十四条")
    _next(fx, keys, case, sc.Step("hearing.scheduled", sc.HEAD, {
        "presider": sc.OFFICER_3, "hearing_at": sc.ts(START + 56 * DAY), "place": "执法局听证室", "public": True, "reason_not_public": None,
    }, _at(fx, 42)))
    _next(fx, keys, case, sc.Step("hearing.held", sc.OFFICER_3, absent, _at(fx, 56)))


def test_a_hearing_under_a_challenged_presider_is_refused_on_append(world: World) -> None:
    fx, keys = world
    case = str(uuid.uuid4())
    _play(fx, keys, case, [*sc.hearing_case(START, until="hearing"), sc.Step("recusal.requested", sc.OFFICER_1, {
        "officer": sc.OFFICER_3, "by": "party", "reason": "听证主持人与本案当事人有利害关系"}, 20 * DAY)])
    held = {"presider": sc.OFFICER_3, "party_present": True, "attendees": []}
    _refused_here(fx, keys, case, sc.Step("hearing.held", sc.OFFICER_3, held, _at(fx, 35)), "recusal-pending", f"{APL}第四十三条、第六十四条")
    _next(fx, keys, case, sc.Step("recusal.decided", sc.HEAD, {"officer": sc.OFFICER_3, "upheld": False, "reason": "无利害关系"}, _at(fx, 35)))
    _next(fx, keys, case, sc.Step("hearing.held", sc.OFFICER_3, held, _at(fx, 35.01)))


def test_a_reminder_by_announcement_or_e_mail_without_what_the_law_asks_is_refused_on_append(world: World) -> None:
    fx, keys = world
    case = str(uuid.uuid4())
    _play(fx, keys, case, sc.organisation_case(START, until="served"))
    bare = {"amount_due_fen": 1_500_000, "method": "announcement"}
    _refused_here(fx, keys, case, sc.Step("reminder.sent", sc.OFFICER_1, bare, _at(fx, 60)),
                  "announcement-service-not-allowed", f"{ACL}第三十八条；{CPL}第九十五条")
    _refused_here(fx, keys, case, sc.Step("reminder.sent", sc.OFFICER_1, {**bare, "method": "electronic"}, _at(fx, 60)),
                  "electronic-service-without-consent", f"{ACL}第三十八条；{CPL}第九十条")
    _next(fx, keys, case, sc.Step("reminder.sent", sc.OFFICER_1, {
        **bare, "announcement_ground": "whereabouts_unknown", "ground_sha256": "e" * 64}, _at(fx, 60)))


def test_a_reminder_demanding_more_than_is_owed_is_refused_on_append(world: World) -> None:
    fx, keys = world
    case = str(uuid.uuid4())
    _play(fx, keys, case, sc.organisation_case(START, until="served"))
    reminder = {"amount_due_fen": 3_000_000, "method": "direct"}
    _refused_here(fx, keys, case, sc.Step("reminder.sent", sc.OFFICER_1, reminder, _at(fx, 60)), "reminder-amount-excessive", f"{ACL}第三十五条")
    _next(fx, keys, case, sc.Step("reminder.sent", sc.OFFICER_1, {**reminder, "amount_due_fen": 1_500_000}, _at(fx, 60)))


def test_court_enforcement_on_a_reminder_before_the_deferral_is_refused_on_append(world: World) -> None:
    fx, keys = world
    case = str(uuid.uuid4())
    until = (START + 250 * DAY).date().isoformat()
    _play(fx, keys, case, [
        *sc.organisation_case(START, until="served"),
        sc.Step("reminder.sent", sc.OFFICER_1, {"amount_due_fen": 1_500_000, "method": "direct"}, 50 * DAY),
        sc.Step("payment.deferred", sc.HEAD, {"kind": "deferral", "reason": "当事人确有经济困难", "until": until, "instalments": [],
                                              "application_sha256": "a" * 64}, 55 * DAY),
    ])
    court = {"court": "南昌铁路运输法院"}
    _refused_here(fx, keys, case, sc.Step("court_enforcement.applied", sc.HEAD, court, _at(fx, 270)),
                  "enforcement-premature", f"{APL}第六十六条；{ACL}第五十四条")
    _next(fx, keys, case, sc.Step("reminder.sent", sc.OFFICER_1, {"amount_due_fen": 1_500_000, "method": "direct"}, _at(fx, 270)))
    _next(fx, keys, case, sc.Step("court_enforcement.applied", sc.HEAD, court, _at(fx, 290)))


def test_a_revocation_published_as_minor_is_refused_on_append(world: World) -> None:
    fx, keys = world
    case = str(uuid.uuid4())
    steps = sc.hearing_case(START, until="served")
    for step in steps:
        if step.type in ("notice.issued", "decision.made"):
            step.payload["penalties"] = ["fine", "confiscate_gains", "revoke_permit"]
    _play(fx, keys, case, steps)
    decision = 1 + next(i for i, s in enumerate(steps) if s.type == "decision.made")
    publish = {"decision_version": decision, "publicity_class": "minor", "note": ""}
    _refused_here(fx, keys, case, sc.Step("disclosure.published", sc.OFFICER_1, publish, _at(fx, 41)),
                  "publicity-class-too-light", "《信用修复管理办法》")
    _next(fx, keys, case, sc.Step("disclosure.published", sc.OFFICER_1, {**publish, "publicity_class": "serious"}, _at(fx, 41)))


def _notice(fine_fen: int, band: str) -> dict[str, Any]:
    return {"facts": "违法事实", "basis": "法律依据", "penalties": ["fine"], "fine_fen": fine_fen, "confiscation_fen": 0, "band": band,
            "major_public_interest": False, "complex": False}


def test_a_heavier_decision_on_an_old_review_is_refused_on_append(world: World) -> None:
    fx, keys = world
    case = str(uuid.uuid4())
    _play(fx, keys, case, [
        *sc.investigated(START, sc.ITEM_EXPIRED_FOOD, sc.COMPANY),
        sc.Step("legal.reviewed", sc.REVIEWER, {"outcome": "passed", "opinion": "拟处罚适当"}, 6 * DAY),
        sc.Step("notice.issued", sc.OFFICER_1, _notice(5_000_000, "lighter"), 8 * DAY),
        sc.Step("service.recorded", sc.OFFICER_2, {**SERVE, "document": "notice"}, 8.1 * DAY),
        sc.Step("notice.issued", sc.OFFICER_1, _notice(10_000_000, "heavier"), 10 * DAY),
        sc.Step("service.recorded", sc.OFFICER_2, {**SERVE, "document": "notice"}, 10.1 * DAY),
        sc.Step("right.waived", sc.OFFICER_2, {"right": "hearing", "paper_sha256": "b" * 64}, 11 * DAY),
    ])
    decision = {**_payload(sc.hearing_case(START, until="decided"), "decision.made"), "penalties": ["fine"], "fine_fen": 10_000_000,
                "confiscation_fen": 0, "band": "heavier"}
    _refused_here(fx, keys, case, sc.Step("decision.made", sc.HEAD, decision, _at(fx, 30)), "legal-review-required", f"{APL}第五十八条")
    _next(fx, keys, case, sc.Step("legal.reviewed", sc.REVIEWER, {"outcome": "passed", "opinion": "从重处罚适当"}, _at(fx, 30)))
    _next(fx, keys, case, sc.Step("decision.made", sc.HEAD, decision, _at(fx, 30.1)))


def test_a_discussion_before_the_review_is_refused_on_append(world: World) -> None:
    fx, keys = world
    case = str(uuid.uuid4())
    notified = _complex_notified()
    steps = [
        *notified,
        *_discussion(len(notified) + 1, 19),
        sc.Step("legal.reviewed", sc.REVIEWER, {"outcome": "passed", "opinion": "通过"}, 20 * DAY),
    ]
    _play(fx, keys, case, steps)
    decision = sc.Step("decision.made", sc.HEAD, _payload(sc.organisation_case(START, until="decided"), "decision.made"), _at(fx, 26))
    _refused_here(fx, keys, case, decision, "collective-discussion-required", f"{APL}第五十七条、第五十八条")
    _discuss_now(fx, keys, case, len(steps) + 1, 26.01)
    _next(fx, keys, case, sc.Step("decision.made", sc.HEAD, decision.payload, _at(fx, 26.1)))


def test_court_enforcement_on_a_reminder_of_the_old_fine_is_refused_on_append(world: World) -> None:
    fx, keys = world
    case = str(uuid.uuid4())
    _play(fx, keys, case, [
        *sc.organisation_case(START, until="served"),
        sc.Step("reminder.sent", sc.OFFICER_1, {"amount_due_fen": 1_500_000, "method": "direct"}, 45 * DAY),
        sc.Step("reconsideration.filed", sc.OFFICER_2, RECONSIDERATION, 50 * DAY),
        sc.Step("reconsideration.decided", sc.OFFICER_2, _outcome("changed", changed_fine_fen=1_000_000), 90 * DAY),
    ])
    court = {"court": "南昌铁路运输法院"}
    _refused_here(fx, keys, case, sc.Step("court_enforcement.applied", sc.HEAD, court, _at(fx, 130)),
                  "enforcement-premature", f"{ACL}第三十五条、第五十四条")
    _next(fx, keys, case, sc.Step("reminder.sent", sc.OFFICER_1, {"amount_due_fen": 1_000_000, "method": "direct"}, _at(fx, 130)))
    _next(fx, keys, case, sc.Step("court_enforcement.applied", sc.HEAD, court, _at(fx, 150)))
