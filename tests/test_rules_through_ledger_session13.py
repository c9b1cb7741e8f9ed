"""Session 13's rules enforced on append through the real ledger (SQLite and PostgreSQL): the unlawful act is refused
with its code, article and status and writes nothing (ledger position and stream version unchanged); the lawful act
at the same point is accepted.

1. An emergency seizure extended, or relied on to seize preserved evidence, while it still awaits the head's
   approval (ACL Art 19).
2. A reconsideration raising the fine (复议法 Art 63).
3. Court enforcement while the lawsuit window a withdrawn reconsideration left open still runs (ACL Art 53), and
   the lawsuit in it, refused before, accepted (行诉法解释 Art 58).
4. A lawsuit on an on-the-spot decision once the reconsideration body overran its period, refused before as
   "reconsideration first", accepted (复议法 Art 23(2)).
5. A decision past the 90 days that a hearing pause left running after the hearing seemed to keep open (APL Art 60).
6. A reconsideration after the case was closed: refused past its 60 days by that rule, accepted within them (it
   was refused as case-finished) (复议法 Art 20).
7. Cash collected "on the spot" days after the on-the-spot decision (APL Arts 67–68).
8. A decision in time once a test begun before the filing leaves its days after the filing out of the 90 days
   (refused as late before), and one a day later refused (APL Art 60; MS rules Art 64).
9. Court enforcement within 3 months of an approved deferral's end, refused as late before, accepted; one after
   those 3 months refused (APL Art 72(2); ACL Art 53).
10. A decision past the 90 days an announcement pause left running seemed to keep open (MS rules Art 64).
11. A reconsideration decision served before the application was received (行政诉讼法 Art 45): malformed.
12. A late fee for days a reconsideration lodged with the body was pending before it was recorded (APL Art 73).
13. An instalment plan ending within the 15 days to pay (APL Arts 66–67).
14. A second lawsuit over the decision after the final judgment (行诉法解释 Art 106).
15. Paying late fees above a fine lowered on reconsideration (APL Art 72); the fine and the capped fees close it.
16. A pause of the decision time limit recorded after the decision (APL Art 60).
17. A decision while a testing pause of the time limit is still open (MS rules Art 64); accepted once it ended.
18. An appeal filed after the 15 days from the first-instance judgment (行政诉讼法 Art 85); one within them accepted.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator

import pytest

from domain.calendar import local_date, period_end
from domain.case_state import Remedy
from domain.law import ACL, APL, ARL, MS_RULES, SPC_ALL_INTERPRETATION, rule
from domain.procedure import reconsideration_body_last_day
from domain.refusals import EnforcementApplicationLate
from ledger.court.keys import SigningKey
from tests.conftest import LedgerFixture
from tests.test_domain_rules import filing, lead
from tests.test_rules_through_ledger import START, _world
from tests.test_rules_through_ledger_review import _at, _play
from tests.test_rules_through_ledger_session12 import EXTEND, _next, _refused_here
from zhifa import scenarios as sc

World = tuple[LedgerFixture, dict[str, SigningKey]]
NO_FAULT = {"ground": "no_fault", "reason": "当事人有证据足以证明没有主观过错", "education_sha256": "d" * 64, "deciding_agency": sc.BUREAU}


@pytest.fixture
def world(database_url: str) -> Iterator[World]:
    """The cast and registry of the demo on a fresh ledger (both backends), closed after the test."""
    fx, keys, _ = _world(database_url)
    try:
        yield fx, keys
    finally:
        fx.store.close()


def test_an_unapproved_emergency_seizure_extended_is_refused_on_append(world: World) -> None:
    fx, keys = world
    case = str(uuid.uuid4())
    _play(fx, keys, case, sc.coercion_case(START, until="filed"))
    officers = [sc.OFFICER_1, sc.OFFICER_2]
    _next(fx, keys, case, sc.Step("credentials.shown", sc.OFFICER_1, {"officers": officers, "to": "party"}, _at(fx, 3)))
    _next(fx, keys, case, sc.Step("rights.informed", sc.OFFICER_1, {"officers": officers, "rights": ["陈述权"]}, _at(fx, 3.01)))
    _next(fx, keys, case, sc.Step("coercion.imposed", sc.OFFICER_1, {
        "kind": "seize", "officers": officers, "items": ["过期食品 120 件"], "reason": "情况紧急", "days": 30,
        "approved_by": sc.HEAD, "emergency": True,
    }, _at(fx, 3.02)))
    m = 5  # lead, filing, credentials, rights, then the measure
    _next(fx, keys, case, sc.Step("act.cosigned", sc.OFFICER_2, {"act_version": m}, _at(fx, 3.03)))
    extend = sc.Step("coercion.extended", sc.HEAD, {"measure": m, **EXTEND}, _at(fx, 28))
    _refused_here(fx, keys, case, extend, "coercion-unapproved", f"{ACL}第十九条")
    _next(fx, keys, case, sc.Step("coercion.lifted", sc.OFFICER_1, {"measure": m, "reason": "未补办批准手续，立即解除"}, _at(fx, 28)))


def test_preserved_evidence_seized_on_an_unapproved_emergency_seizure_is_refused_on_append(world: World) -> None:
    fx, keys = world
    case = str(uuid.uuid4())
    officers = [sc.OFFICER_1, sc.OFFICER_2]
    days = dt.timedelta(days=1)
    _play(fx, keys, case, [*sc.coercion_case(START, until="filed"),
        sc.Step("credentials.shown", sc.OFFICER_1, {"officers": officers, "to": "party"}, 2 * days),
        sc.Step("rights.informed", sc.OFFICER_1, {"officers": officers, "rights": ["陈述权"]}, 2.01 * days),
        sc.Step("preservation.registered", sc.HEAD, {"officers": officers, "items": ["过期食品 120 件"], "approved_by": sc.HEAD,
                                                     "record_sha256": "c" * 64, "emergency": False}, 2.02 * days),
        sc.Step("act.cosigned", sc.OFFICER_1, {"act_version": 5}, 2.03 * days),
        sc.Step("act.cosigned", sc.OFFICER_2, {"act_version": 5}, 2.04 * days),
        sc.Step("coercion.imposed", sc.OFFICER_1, {"kind": "seize", "officers": officers, "items": ["过期食品 120 件"], "reason": "情况紧急",
                                                   "days": 30, "approved_by": sc.HEAD, "emergency": True}, 3 * days),
        sc.Step("act.cosigned", sc.OFFICER_2, {"act_version": 8}, 3.01 * days),
    ])
    seized = {"preservation": 5, "outcome": "seized", "reason": "依法转为扣押"}
    _refused_here(fx, keys, case, sc.Step("preservation.decided", sc.HEAD, seized, _at(fx, 3.02)), "coercion-unapproved", f"{ACL}第十九条")
    _next(fx, keys, case, sc.Step("act.cosigned", sc.HEAD, {"act_version": 8}, _at(fx, 3.03)))
    _next(fx, keys, case, sc.Step("preservation.decided", sc.HEAD, seized, _at(fx, 3.04)))


def test_a_reconsideration_raising_the_fine_is_refused_on_append(world: World) -> None:
    fx, keys = world
    case = str(uuid.uuid4())
    _play(fx, keys, case, sc.organisation_case(START, until="under_reconsideration"))  # 15,000 yuan, reconsidered from day 30
    decided = {"outcome": "changed", "changed_fine_fen": 3_000_000, "final": True, "served_at": None}
    _refused_here(fx, keys, case, sc.Step("reconsideration.decided", sc.OFFICER_2, decided, _at(fx, 60)),
                  "change-to-detriment", f"{ARL}第六十三条")
    _next(fx, keys, case, sc.Step("reconsideration.decided", sc.OFFICER_2, {**decided, "changed_fine_fen": 1_000_000}, _at(fx, 60)))


def test_enforcement_is_refused_and_a_lawsuit_accepted_after_a_withdrawn_reconsideration_on_append(world: World) -> None:
    fx, keys = world
    case = str(uuid.uuid4())
    _play(fx, keys, case, sc.organisation_case(START, until="under_reconsideration"))  # served day 26, applied day 30
    withdrawn = {"outcome": "withdrawn", "changed_fine_fen": None, "final": True, "served_at": None}
    _next(fx, keys, case, sc.Step("reconsideration.decided", sc.OFFICER_2, withdrawn, _at(fx, 35)))
    _next(fx, keys, case, sc.Step("reminder.sent", sc.OFFICER_1, {"amount_due_fen": 1_500_000, "method": "direct"}, _at(fx, 60)))
    court = sc.Step("court_enforcement.applied", sc.HEAD, {"court": "南昌铁路运输法院"}, _at(fx, 100))
    _refused_here(fx, keys, case, court, "enforcement-premature", f"{ACL}第五十三条、第五十四条")
    suit = {"body": "南昌铁路运输法院", "posted_on": None, "envelope_sha256": None}
    _next(fx, keys, case, sc.Step("litigation.filed", sc.OFFICER_2, suit, _at(fx, 100)))


def test_a_lawsuit_on_an_on_the_spot_decision_after_the_body_overran_its_period_is_accepted_on_append(world: World) -> None:
    fx, keys = world
    case = str(uuid.uuid4())
    _play(fx, keys, case, sc.simple_case(START, until="reported"))
    body = "赣江新区管委会（行政复议机关）"
    _next(fx, keys, case, sc.Step("reconsideration.filed", sc.OFFICER_2, {"body": body, "posted_on": None, "envelope_sha256": None},
                                  _at(fx, 10)))
    last = reconsideration_body_last_day(Remedy(kind="reconsideration", filed_at=START + dt.timedelta(days=10), body=body)).date
    days = (last - local_date(START)).days
    suit = {"body": "南昌铁路运输法院", "posted_on": None, "envelope_sha256": None}
    _refused_here(fx, keys, case, sc.Step("litigation.filed", sc.OFFICER_2, suit, _at(fx, days)), "remedy-channel-taken", f"{ARL}第二十九条")
    _next(fx, keys, case, sc.Step("litigation.filed", sc.OFFICER_2, suit, _at(fx, days + 1)))


def test_a_late_decision_behind_a_hearing_pause_left_running_is_refused_on_append(world: World) -> None:
    fx, keys = world
    case = str(uuid.uuid4())
    hearing = sc.hearing_case(START, until="hearing")
    _play(fx, keys, case, hearing)  # filed day 1, hearing requested day 13
    paused = {"kind": "hearing", "reason": "听证期间不计入办案期限", "measure": None, "fixed_days": None, "notice_sha256": None}
    _next(fx, keys, case, sc.Step("pause.started", sc.HEAD, paused, _at(fx, 14)))
    decided = sc.hearing_case(START, until="decided")
    for step in decided[len(hearing):-1]:  # held and recorded day 35, reviewed day 37; the pause never ended
        _next(fx, keys, case, sc.Step(step.type, step.actor, step.payload, _at(fx, step.offset / dt.timedelta(days=1))))
    last = (local_date(START) + dt.timedelta(days=1 + 90 + 21) - local_date(START)).days  # day 112, Monday 06-29
    decision = decided[-1]
    _refused_here(fx, keys, case, sc.Step(decision.type, decision.actor, decision.payload, _at(fx, last + 1)),
                  "decision-time-limit", rule("decision.time_limit").article)
    _next(fx, keys, case, sc.Step(decision.type, decision.actor, decision.payload, _at(fx, last)))


def test_a_reconsideration_after_closure_is_judged_by_its_window_on_append(world: World) -> None:
    fx, keys = world
    case = str(uuid.uuid4())
    _play(fx, keys, case, sc.simple_case(START, until="closed"))  # fined and paid on the spot day 0, closed day 1
    filed = sc.Step("reconsideration.filed", sc.OFFICER_2, {"body": "赣江新区管委会（行政复议机关）", "posted_on": None, "envelope_sha256": None},
                    _at(fx, 70))  # 60 days from Monday 03-09 end on Friday 05-08
    _refused_here(fx, keys, case, filed, "reconsideration-window-closed", rule("reconsideration.window").article)
    _next(fx, keys, case, sc.Step(filed.type, filed.actor, filed.payload, _at(fx, 30)))
    evidence = sc.Step("credentials.shown", sc.OFFICER_1, {"officers": [sc.OFFICER_1, sc.OFFICER_2], "to": "party"}, _at(fx, 31))
    _refused_here(fx, keys, case, evidence, "case-finished", f"{APL}第四十七条")


def test_cash_collected_days_after_the_on_the_spot_decision_is_refused_on_append(world: World) -> None:
    fx, keys = world
    case = str(uuid.uuid4())
    _play(fx, keys, case, sc.simple_case(START, until="decided"))
    cash = {"amount_fen": 5_000, "method": "on_the_spot", "receipt_ref": "财政票据 No.0012346", "hard_to_collect": False, "remote_area": False}
    _refused_here(fx, keys, case, sc.Step("payment.recorded", sc.OFFICER_1, cash, _at(fx, 3)), "on-the-spot-collection",
                  f"{APL}第六十七条、第六十八条")
    _next(fx, keys, case, sc.Step("payment.recorded", sc.OFFICER_1, {**cash, "method": "bank", "receipt_ref": "3601-2026-0001"}, _at(fx, 3)))


def test_a_decision_after_a_test_spanning_the_filing_is_judged_by_the_days_after_the_filing_on_append(world: World) -> None:
    fx, keys = world
    case = str(uuid.uuid4())
    testing = {"kind": "testing", "reason": "抽样送检", "measure": None, "fixed_days": None, "notice_sha256": None}
    _play(fx, keys, case, [
        sc.Step("lead.received", sc.OFFICER_1, lead(sc.ITEM_EXPIRED_FOOD, sc.STORE), dt.timedelta(0)),
        sc.Step("pause.started", sc.OFFICER_1, testing, dt.timedelta(days=1)),
        sc.Step("case.filed", sc.OFFICER_1, filing(sc.ITEM_EXPIRED_FOOD, sc.STORE), dt.timedelta(days=5)),
        sc.Step("pause.ended", sc.OFFICER_1, {"kind": "testing", "measure": None}, dt.timedelta(days=25)),
    ])
    last = (period_end(local_date(START) + dt.timedelta(days=5), 90 + 20, "calendar_days").date - local_date(START)).days
    decided = NO_FAULT
    _refused_here(fx, keys, case, sc.Step("no_penalty.decided", sc.HEAD, decided, _at(fx, last + 1)),
                  "decision-time-limit", rule("decision.time_limit").article)
    _next(fx, keys, case, sc.Step("no_penalty.decided", sc.HEAD, decided, _at(fx, last)))


def test_court_enforcement_after_a_deferral_is_judged_from_its_end_on_append(world: World) -> None:
    fx, keys = world
    case = str(uuid.uuid4())
    _play(fx, keys, case, sc.organisation_case(START, until="served"))  # 15,000 yuan, served day 26
    until = local_date(START) + dt.timedelta(days=300)
    _next(fx, keys, case, sc.Step("payment.deferred", sc.HEAD, {
        "kind": "deferral", "reason": "当事人确有经济困难", "until": until.isoformat(), "instalments": [],
        "application_sha256": "a" * 64,
    }, _at(fx, 30)))
    _next(fx, keys, case, sc.Step("reminder.sent", sc.OFFICER_1, {"amount_due_fen": 1_500_000, "method": "direct"}, _at(fx, 301)))
    last = (period_end(until, 3, "months").date - local_date(START)).days
    court = {"court": "南昌铁路运输法院"}
    _refused_here(fx, keys, case, sc.Step("court_enforcement.applied", sc.HEAD, court, _at(fx, last + 1)),
                  "enforcement-application-late", EnforcementApplicationLate.article)
    _next(fx, keys, case, sc.Step("court_enforcement.applied", sc.HEAD, court, _at(fx, last)))


def test_a_late_decision_behind_an_announcement_pause_left_running_is_refused_on_append(world: World) -> None:
    fx, keys = world
    case = str(uuid.uuid4())
    _play(fx, keys, case, sc.organisation_case(START, until="investigating"))  # filed day 1
    paused = {"kind": "announcement", "reason": "公告送达告知书", "measure": None, "fixed_days": None, "notice_sha256": None}
    _next(fx, keys, case, sc.Step("pause.started", sc.OFFICER_1, paused, _at(fx, 5)))
    last = (period_end(local_date(START) + dt.timedelta(days=1), 90 + 30, "calendar_days").date - local_date(START)).days
    decided = NO_FAULT
    _refused_here(fx, keys, case, sc.Step("no_penalty.decided", sc.HEAD, decided, _at(fx, last + 1)),
                  "decision-time-limit", rule("decision.time_limit").article)
    _next(fx, keys, case, sc.Step("no_penalty.decided", sc.HEAD, decided, _at(fx, last)))


def test_a_reconsideration_decision_served_before_the_application_is_refused_on_append(world: World) -> None:
    fx, keys = world
    case = str(uuid.uuid4())
    _play(fx, keys, case, sc.organisation_case(START, until="under_reconsideration"))  # applied for on day 30
    decided = {"outcome": "upheld", "changed_fine_fen": None, "final": True, "served_at": sc.ts(START + dt.timedelta(days=20))}
    _refused_here(fx, keys, case, sc.Step("reconsideration.decided", sc.OFFICER_2, decided, _at(fx, 80)),
                  "malformed-act", rule("litigation.after_reconsideration").article, 400)
    _next(fx, keys, case, sc.Step("reconsideration.decided", sc.OFFICER_2, {**decided, "served_at": sc.ts(START + dt.timedelta(days=79))},
                                  _at(fx, 80)))


def test_a_late_fee_while_a_reconsideration_lodged_earlier_was_pending_is_refused_on_append(world: World) -> None:
    fx, keys = world
    case = str(uuid.uuid4())
    _play(fx, keys, case, sc.organisation_case(START, until="served"))  # due 15 days after the service on day 26
    lodged = (local_date(START) + dt.timedelta(days=30)).isoformat()
    _next(fx, keys, case, sc.Step("reconsideration.filed", sc.OFFICER_2, {
        "body": "赣江新区管委会（行政复议机关）", "posted_on": None, "envelope_sha256": None, "lodged_on": lodged, "lodged_sha256": "b" * 64,
    }, _at(fx, 70)))
    fee = {"amount_fen": 45_000, "as_of": (local_date(START) + dt.timedelta(days=70)).isoformat()}
    _refused_here(fx, keys, case, sc.Step("late_fee.assessed", sc.OFFICER_1, fee, _at(fx, 70.1)), "late-fee-excessive",
                  rule("payment.late_fee_rate").article)
    _next(fx, keys, case, sc.Step("payment.recorded", sc.OFFICER_2, {"amount_fen": 1_500_000, "method": "bank", "receipt_ref": "3601-2026-0002",
                                                                   "hard_to_collect": False, "remote_area": False}, _at(fx, 70.2)))


def test_an_instalment_plan_ending_within_the_15_days_is_refused_on_append(world: World) -> None:
    fx, keys = world
    case = str(uuid.uuid4())
    _play(fx, keys, case, sc.organisation_case(START, until="served"))  # served day 26
    day = local_date(START)
    plan = {"kind": "instalments", "reason": "当事人确有经济困难", "until": None, "application_sha256": "a" * 64,
            "instalments": [{"due": (day + dt.timedelta(days=28)).isoformat(), "amount_fen": 500_000},
                            {"due": (day + dt.timedelta(days=30)).isoformat(), "amount_fen": 1_000_000}]}
    _refused_here(fx, keys, case, sc.Step("payment.deferred", sc.HEAD, plan, _at(fx, 27)), "deferral-before-due-date",
                  f"{APL}第六十六条、第六十七条")
    plan["instalments"] = [{"due": (day + dt.timedelta(days=60)).isoformat(), "amount_fen": 500_000},
                           {"due": (day + dt.timedelta(days=90)).isoformat(), "amount_fen": 1_000_000}]
    _next(fx, keys, case, sc.Step("payment.deferred", sc.HEAD, plan, _at(fx, 27)))


def test_a_second_lawsuit_after_the_final_judgment_is_refused_on_append(world: World) -> None:
    fx, keys = world
    case = str(uuid.uuid4())
    _play(fx, keys, case, sc.organisation_case(START, until="served"))
    suit = {"body": "南昌铁路运输法院", "posted_on": None, "envelope_sha256": None}
    _next(fx, keys, case, sc.Step("litigation.filed", sc.OFFICER_2, suit, _at(fx, 40)))
    judged = {"outcome": "upheld", "changed_fine_fen": None, "final": True, "served_at": None}
    _next(fx, keys, case, sc.Step("litigation.decided", sc.OFFICER_2, judged, _at(fx, 100)))
    _refused_here(fx, keys, case, sc.Step("litigation.filed", sc.OFFICER_2, suit, _at(fx, 110)), "remedy-channel-taken",
                  f"{SPC_ALL_INTERPRETATION}第一百零六条")
    _next(fx, keys, case, sc.Step("payment.recorded", sc.OFFICER_2, {"amount_fen": 1_500_000, "method": "bank", "receipt_ref": "3601-2026-0003",
                                                                   "hard_to_collect": False, "remote_area": False}, _at(fx, 110)))


def test_late_fees_above_a_fine_lowered_on_reconsideration_are_refused_on_append(world: World) -> None:
    fx, keys = world
    case = str(uuid.uuid4())
    _play(fx, keys, case, sc.organisation_case(START, until="served"))
    fee = {"amount_fen": 1_500_000, "as_of": (local_date(START) + dt.timedelta(days=80)).isoformat()}
    _next(fx, keys, case, sc.Step("late_fee.assessed", sc.OFFICER_1, fee, _at(fx, 80)))
    _next(fx, keys, case, sc.Step("reconsideration.filed", sc.OFFICER_2, {"body": "赣江新区管委会（行政复议机关）", "posted_on": None,
                                                                        "envelope_sha256": None}, _at(fx, 81)))
    changed = {"outcome": "changed", "changed_fine_fen": 500_000, "final": True, "served_at": None}
    _next(fx, keys, case, sc.Step("reconsideration.decided", sc.OFFICER_2, changed, _at(fx, 120)))
    paid = {"amount_fen": 2_000_000, "method": "bank", "receipt_ref": "3601-2026-0004", "hard_to_collect": False, "remote_area": False}
    _refused_here(fx, keys, case, sc.Step("payment.recorded", sc.OFFICER_2, paid, _at(fx, 121)), "act-not-allowed-now", f"{APL}第六十七条")
    _next(fx, keys, case, sc.Step("payment.recorded", sc.OFFICER_2, {**paid, "amount_fen": 1_000_000}, _at(fx, 121)))
    _next(fx, keys, case, sc.Step("case.closed", sc.OFFICER_1, {"summary": "复议变更，罚款及加处罚款已缴清"}, _at(fx, 122)))


def test_a_pause_after_the_decision_is_refused_on_append_and_one_before_it_accepted(world: World) -> None:
    fx, keys = world
    case = str(uuid.uuid4())
    _play(fx, keys, case, sc.organisation_case(START, until="decided"))  # decided on day 26
    paused = {"kind": "testing", "reason": "送检", "measure": None, "fixed_days": None, "notice_sha256": None}
    _refused_here(fx, keys, case, sc.Step("pause.started", sc.HEAD, paused, _at(fx, 27)), "act-not-allowed-now",
                  rule("decision.time_limit").article)
    other = str(uuid.uuid4())
    _play(fx, keys, other, sc.organisation_case(START, until="notified"))
    _next(fx, keys, other, sc.Step("pause.started", sc.HEAD, paused, _at(fx, 27)))


def test_a_decision_while_a_testing_pause_is_open_is_refused_on_append_and_accepted_once_it_ended(world: World) -> None:
    fx, keys = world
    case = str(uuid.uuid4())
    notified = sc.organisation_case(START, until="notified")
    _play(fx, keys, case, notified)
    paused = {"kind": "testing", "reason": "抽样送检", "measure": None, "fixed_days": None, "notice_sha256": None}
    _next(fx, keys, case, sc.Step("pause.started", sc.HEAD, paused, _at(fx, 9)))
    (decision,) = [s for s in sc.organisation_case(START, until="decided")[len(notified):] if s.type == "decision.made"]
    day = decision.offset / dt.timedelta(days=1)
    _refused_here(fx, keys, case, sc.Step(decision.type, decision.actor, decision.payload, _at(fx, day)), "pause-still-open",
                  f"{MS_RULES}第六十四条")
    _next(fx, keys, case, sc.Step("pause.ended", sc.OFFICER_1, {"kind": "testing", "measure": None}, _at(fx, 12)))
    _next(fx, keys, case, sc.Step(decision.type, decision.actor, decision.payload, _at(fx, day)))


def test_an_appeal_after_the_15_days_is_refused_on_append_and_one_within_them_accepted(world: World) -> None:
    fx, keys = world
    case = str(uuid.uuid4())
    _play(fx, keys, case, sc.organisation_case(START, until="served"))  # served day 26
    suit = {"body": "南昌铁路运输法院", "posted_on": None, "envelope_sha256": None}
    _next(fx, keys, case, sc.Step("litigation.filed", sc.OFFICER_2, suit, _at(fx, 40)))
    judged = {"outcome": "upheld", "changed_fine_fen": None, "final": False, "served_at": None}
    _next(fx, keys, case, sc.Step("litigation.decided", sc.OFFICER_2, judged, _at(fx, 100)))
    last = (period_end(local_date(START + dt.timedelta(days=100)), 15, "calendar_days").date - local_date(START)).days
    appeal = {**suit, "body": "南昌铁路运输中级法院"}
    _refused_here(fx, keys, case, sc.Step("litigation.filed", sc.OFFICER_2, appeal, _at(fx, last + 1)), "litigation-window-closed",
                  rule("litigation.appeal_window").article)
    _next(fx, keys, case, sc.Step("litigation.filed", sc.OFFICER_2, appeal, _at(fx, last)))
