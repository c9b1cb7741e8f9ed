"""Random act sequences never reach an illegal state, refusals change nothing, and accepted sequences replay.

Hypothesis drives one case with acts drawn from every act type, signed by the natural actor or by anyone in the
cast, at random gaps (an hour to forty days). After every step the case must satisfy the law's invariants
(``invariant_violations``: never closed without a performed decision, termination or transfer; never a penalty
decision without a served notice; never a hearing presided by an investigator; never a measure beyond 30 + 30
days; …), round-trip through JSON, and equal the state replayed from the accepted acts.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import msgspec
from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from domain.calendar import local_date
from domain.case import invariant_violations
from domain.case_state import CaseState
from domain.errors import DomainError
from tests.builders import (
    DEFAULT_START,
    CaseFile,
    coercion,
    decision,
    evidence,
    hearing_at,
    notice,
    service,
    sha,
    simple,
    standard_world,
)
from zhifa.scenarios import (
    AUXILIARY,
    CAST,
    CITIZEN,
    COMPANY,
    DEPUTY_HEAD_1,
    DEPUTY_HEAD_2,
    HEAD,
    ITEM_EXPIRED_FOOD,
    ITEM_GRAFFITI,
    ITEM_LICENCE_DISPLAY,
    OFFICER_1,
    OFFICER_2,
    OFFICER_3,
    PARTY_STORE,
    REVIEWER,
    STORE,
    SUPERVISOR,
    URBAN_ONLY,
)

_decoder = msgspec.json.Decoder(CaseState)
PEOPLE = [m.id for m in CAST]
GAPS = [dt.timedelta(minutes=10), dt.timedelta(hours=5), dt.timedelta(days=1), dt.timedelta(days=4), dt.timedelta(days=9),
        dt.timedelta(days=9), dt.timedelta(days=40)]

Template = Callable[[CaseState | None, dt.datetime, int], tuple[str, str, dict[str, Any]]]


def _item(state: CaseState | None, pick: int) -> str:
    if state is not None and state.catalog_item:
        return state.catalog_item
    return [ITEM_LICENCE_DISPLAY, ITEM_EXPIRED_FOOD, ITEM_GRAFFITI][pick % 3]


def _party(pick: int) -> dict[str, Any]:
    return [COMPANY, STORE, CITIZEN][pick % 3]


def _fine(state: CaseState | None, pick: int) -> tuple[list[str], int, str | None]:
    item = _item(state, pick)
    if item == ITEM_EXPIRED_FOOD:
        return ["fine"], [5_500_000, 6_000_000, 9_000_000][pick % 3], ["lighter", "lighter", "heavier"][pick % 3]
    if item == ITEM_GRAFFITI:
        return (["warning"], 0, None) if pick % 2 else (["fine"], 5_000, None)
    return ["fine"], [800_000, 1_500_000, 2_500_000][pick % 3], ["lighter", "general", "heavier"][pick % 3]


def _ended(now: dt.datetime) -> str:
    return (local_date(now) - dt.timedelta(days=30)).isoformat()


def _serve_notice(now: dt.datetime, k: int) -> dict[str, Any]:
    """Direct service, or now and then an announcement after the post came back (民诉法 Art 95)."""
    if k % 5 != 4:
        return service("notice", "direct")
    returned = {"method": "mail", "on": now.date().isoformat(), "record_sha256": sha("退回的邮件")}
    return service("notice", "announcement", announcement_ground="other_methods_failed", failed_attempts=[returned])


def _last_version(state: CaseState | None, kind: str) -> int:
    if state is None:
        return 1
    if kind == "measure":
        return state.measures[-1].version if state.measures else 1
    if kind == "preservation":
        return state.preservations[-1].version if state.preservations else 1
    if kind == "complaint":
        return state.complaints[-1].version if state.complaints else 1
    return state.pending[0].version if state.pending else 1


def _paid_amount(state: CaseState | None, pick: int) -> int:
    if state is None or state.decision is None:
        return 100
    due = state.decision.money_due_fen + state.late_fees_fen - state.paid_fen
    return max(1, due if pick % 3 else due // 2)


TEMPLATES: dict[str, tuple[str, Template]] = {
    "lead": (OFFICER_1, lambda s, now, k: ("lead.received", OFFICER_1, {
        "source": ["complaint", "referral", "patrol"][k % 3], "channel": "12345", "summary": "线索",
        "catalog_item": [None, ITEM_LICENCE_DISPLAY, ITEM_EXPIRED_FOOD][k % 3], "agency": None,
        "referred_by": "agency/360100-scjg" if k % 3 == 1 else None, "referral_ref": None, "ticket": None,
        "party": None if k % 2 else _party(k), "officers": []})),
    "file": (OFFICER_1, lambda s, now, k: ("case.filed", OFFICER_1, {
        "facts": "立案", "catalog_item": _item(s, k), "party": _party(k), "violation_began": None,
        "violation_ended": None, "major_public_interest": k % 5 == 0, "complex": k % 7 == 0})),
    "extend_filing": (HEAD, lambda s, now, k: ("filing.extended", HEAD, {"reason": "检验检测"})),
    "decline": (OFFICER_1, lambda s, now, k: ("case.declined", OFFICER_1, {"ground": "insufficient_evidence", "reason": "证据不足"})),
    # The result the case's stage supports (抄告), and now and then one it does not (refused: referral-result-mismatch).
    "referral_back": (OFFICER_1, lambda s, now, k: ("referral.result_sent", OFFICER_1, {
        "to": "agency/360100-scjg", "result": s.referral_result_owed if s is not None and k % 4 else "decided", "copy_to": [], "note": ""})),
    "assign": (HEAD, lambda s, now, k: ("officers.assigned", HEAD, {"officers": [OFFICER_1, [OFFICER_2, URBAN_ONLY][k % 2]]})),
    "credentials": (OFFICER_1, lambda s, now, k: ("credentials.shown", OFFICER_1, {"officers": [OFFICER_1, OFFICER_2], "to": "party"})),
    "rights": (OFFICER_1, lambda s, now, k: ("rights.informed", OFFICER_1, {"officers": [OFFICER_1, OFFICER_2], "rights": ["陈述权"]})),
    "recusal_request": (OFFICER_2, lambda s, now, k: ("recusal.requested", OFFICER_2, {"officer": OFFICER_2, "by": "self", "reason": "回避"})),
    "recusal_decide": (HEAD, lambda s, now, k: ("recusal.decided", HEAD, {"officer": OFFICER_2, "upheld": k % 2 == 0, "reason": "决定"})),
    "evidence": (OFFICER_1, lambda s, now, k: ("evidence.collected", OFFICER_1, evidence([OFFICER_1, [OFFICER_2, OFFICER_3, AUXILIARY][k % 3]], now))),
    "inspection": (OFFICER_1, lambda s, now, k: ("inspection.recorded", OFFICER_1, {
        "officers": [OFFICER_1, OFFICER_2], "place": "现场", "findings": "检查", "record_sha256": sha("i"), "party_present": True})),
    "interview": (OFFICER_1, lambda s, now, k: ("interview.recorded", OFFICER_1, {"officers": [OFFICER_1, OFFICER_2], "interviewee": "当事人", "record_sha256": sha("q")})),
    "preserve": (OFFICER_1, lambda s, now, k: ("preservation.registered", [HEAD, OFFICER_1][k % 2], {
        "officers": [OFFICER_1, OFFICER_2], "items": ["账册"], "approved_by": HEAD, "record_sha256": sha("p"), "emergency": k % 4 == 1})),
    "preserve_decide": (HEAD, lambda s, now, k: ("preservation.decided", HEAD, {"preservation": _last_version(s, "preservation"), "outcome": "returned", "reason": "退还"})),
    "seize": (HEAD, lambda s, now, k: ("coercion.imposed", [HEAD, OFFICER_1][k % 2], coercion([OFFICER_1, OFFICER_2], HEAD, days=[30, 31, 10][k % 3], emergency=k % 4 == 1))),
    "extend_seizure": (HEAD, lambda s, now, k: ("coercion.extended", HEAD, {"measure": _last_version(s, "measure"), "days": [30, 31][k % 2], "reason": "延长", "notice_sha256": sha("x") if k % 3 else None})),
    "lift": (OFFICER_1, lambda s, now, k: ("coercion.lifted", OFFICER_1, {"measure": _last_version(s, "measure"), "reason": "解除"})),
    "pause": (OFFICER_1, lambda s, now, k: ("pause.started", OFFICER_1, {"kind": "testing", "reason": "检验", "measure": None})),
    "resume": (OFFICER_1, lambda s, now, k: ("pause.ended", OFFICER_1, {"kind": "testing", "measure": None})),
    "review": (REVIEWER, lambda s, now, k: ("legal.reviewed", REVIEWER, {"outcome": ["passed", "failed"][k % 4 == 3], "opinion": "意见"})),
    "discuss": (HEAD, lambda s, now, k: ("collective.discussed", HEAD, {"participants": [HEAD, DEPUTY_HEAD_1, DEPUTY_HEAD_2][: 3 - (k % 4 == 3)], "conclusion": "讨论"})),
    "extend_limit": (HEAD, lambda s, now, k: ("extension.approved", HEAD, {"days": 30, "reason": "延期"})),
    "notice": (OFFICER_1, lambda s, now, k: ("notice.issued", OFFICER_1, notice(*_fine(s, k)[:2], band=_fine(s, k)[2]))),
    "serve_notice": (OFFICER_2, lambda s, now, k: ("service.recorded", OFFICER_2, _serve_notice(now, k))),
    "statement": (PARTY_STORE, lambda s, now, k: ("statement.made", [PARTY_STORE, OFFICER_1][k % 2], {
        "summary": "申辩", "content_sha256": sha("s"), "paper_sha256": sha("paper") if k % 2 else None})),
    "waive": (OFFICER_1, lambda s, now, k: ("right.waived", OFFICER_1, {"right": ["statement", "hearing"][k % 2], "paper_sha256": sha("w")})),
    "hearing_request": (OFFICER_1, lambda s, now, k: ("hearing.requested", OFFICER_1, {"paper_sha256": sha("h")})),
    "hearing_withdraw": (OFFICER_1, lambda s, now, k: ("hearing.withdrawn", OFFICER_1, {"paper_sha256": sha("hw")})),
    "hearing_schedule": (HEAD, lambda s, now, k: ("hearing.scheduled", HEAD, hearing_at(now + dt.timedelta(days=[20, 3][k % 2]), [OFFICER_3, OFFICER_1, REVIEWER][k % 3]))),
    "hearing_hold": (OFFICER_3, lambda s, now, k: ("hearing.held", (s.hearing.presider if s and s.hearing and s.hearing.presider else OFFICER_3), {
        "presider": (s.hearing.presider if s and s.hearing and s.hearing.presider else OFFICER_3), "party_present": k % 4 != 0, "attendees": []})),
    "hearing_record": (OFFICER_3, lambda s, now, k: ("hearing.recorded", (s.hearing.presider if s and s.hearing and s.hearing.presider else OFFICER_3), {
        "record_sha256": sha("hr"), "signed_by_party": True})),
    "decide": (HEAD, lambda s, now, k: ("decision.made", HEAD, decision(
        _fine(s, k)[0], _fine(s, k)[1] + (100_000 if k % 6 == 5 else 0), dt.date.fromisoformat(_ended(now)), band=_fine(s, k)[2]))),
    "no_penalty": (HEAD, lambda s, now, k: ("no_penalty.decided", HEAD, {"ground": "first_violation_slight", "reason": "首违不罚", "education_sha256": sha("e")})),
    "simple": (OFFICER_1, lambda s, now, k: ("simple.decided", OFFICER_1, simple(
        _party(k), ITEM_GRAFFITI, [5_000, 20_000, 30_000][k % 3], [OFFICER_1, OFFICER_2], local_date(now)))),
    "simple_report": (OFFICER_1, lambda s, now, k: ("simple.reported", OFFICER_1, {"to": "agency/360100-zhzf", "note": ""})),
    "serve_decision": (OFFICER_2, lambda s, now, k: ("service.recorded", OFFICER_2, service("decision"))),
    "pay": (OFFICER_2, lambda s, now, k: ("payment.recorded", OFFICER_2, {
        "amount_fen": _paid_amount(s, k), "method": ["bank", "on_the_spot"][k % 2], "receipt_ref": "r", "hard_to_collect": False,
        "remote_area": k % 4 == 3})),
    "hand_in": (OFFICER_2, lambda s, now, k: ("cash.handed_in", OFFICER_2, {
        "payment": next((p.version for p in (s.payments if s else []) if p.handed_in_at is None), 1), "receipt_ref": "交款单"})),
    "defer": (HEAD, lambda s, now, k: ("payment.deferred", HEAD, {"kind": "deferral", "reason": "困难", "until": (local_date(now) + dt.timedelta(days=30)).isoformat(), "instalments": [],
        "application_sha256": sha("申请") if k % 4 else None})),
    "late_fee": (OFFICER_1, lambda s, now, k: ("late_fee.assessed", OFFICER_1, {"amount_fen": [1_000, 10_000_000][k % 2], "as_of": local_date(now).isoformat()})),
    "remind": (OFFICER_1, lambda s, now, k: ("reminder.sent", OFFICER_1, {"amount_due_fen": 1, "method": "direct"})),
    "court": (HEAD, lambda s, now, k: ("court_enforcement.applied", HEAD, {"court": "法院"})),
    "court_done": (OFFICER_1, lambda s, now, k: ("court_enforcement.concluded", OFFICER_1, {"outcome": "executed", "ruling_ref": "裁定"})),
    "reconsider": (OFFICER_2, lambda s, now, k: ("reconsideration.filed", OFFICER_2, {"body": "复议机关"})),
    "reconsidered": (OFFICER_2, lambda s, now, k: ("reconsideration.decided", OFFICER_2, {
        "outcome": ["upheld", "revoked", "remake", "changed"][k % 4], "changed_fine_fen": 100 if k % 4 == 3 else None, "final": True})),
    "sue": (OFFICER_2, lambda s, now, k: ("litigation.filed", OFFICER_2, {"body": "法院"})),
    "judged": (OFFICER_2, lambda s, now, k: ("litigation.decided", OFFICER_2, {"outcome": ["upheld", "revoked"][k % 2], "changed_fine_fen": None, "final": True})),
    "transfer_report": (OFFICER_1, lambda s, now, k: ("transfer.reported", OFFICER_1, {"organ": "公安", "suspected_crime": "涉嫌犯罪"})),
    "transfer_approve": (HEAD, lambda s, now, k: ("transfer.approved", HEAD, {"approved": k % 3 != 0, "reason": "决定"})),
    "transfer_send": (OFFICER_1, lambda s, now, k: ("transfer.sent", OFFICER_1, {"organ": "公安", "file_sha256": sha("t"), "items": [],
        "measures": [m.version for m in (s.measures if s else []) if m.lifted_at is None][: 1 + k % 2]})),
    "transfer_receipt": (OFFICER_1, lambda s, now, k: ("transfer.receipt", OFFICER_1, {"organ": "公安", "receipt_ref": "回执", "outcome": ["received", "declined"][k % 3 == 2]})),
    "terminate": (HEAD, lambda s, now, k: ("case.terminated", HEAD, {"ground": "当事人死亡"})),
    "close": (OFFICER_1, lambda s, now, k: ("case.closed", OFFICER_1, {"summary": ""})),
    "archive": (OFFICER_1, lambda s, now, k: ("case.archived", OFFICER_1, {"file_sha256": sha("a"), "pages": 3})),
    "cosign": (OFFICER_2, lambda s, now, k: ("act.cosigned", (s.pending[0].awaiting[0] if s and s.pending else OFFICER_2), {"act_version": _last_version(s, "pending")})),
    "follow_up": (SUPERVISOR, lambda s, now, k: ("follow_up.visited", SUPERVISOR, {"satisfaction": 1 + k % 5, "notes": ""})),
    "complaint": (SUPERVISOR, lambda s, now, k: ("complaint.received", SUPERVISOR, {"by": "群众", "channel": "12345", "content": "投诉"})),
    "answer": (OFFICER_1, lambda s, now, k: ("complaint.answered", OFFICER_1, {"complaint": _last_version(s, "complaint"), "answer": "答复"})),
    "note": (OFFICER_1, lambda s, now, k: ("case.note", OFFICER_1, {"text": "备注"})),
    "correct": (OFFICER_1, lambda s, now, k: ("correction.recorded", OFFICER_1, {"corrects": 1, "reason": "笔误", "correction": "更正"})),
}


# Probes: acts the law forbids at most stages, tried by their natural actor so a missing rule would let them in.
_PROBES = ["decide", "close", "archive", "hearing_hold", "court", "simple"]
_INVESTIGATION = ["credentials", "inspection", "evidence", "interview", "seize", "extend_seizure", "lift", "preserve",
                  "preserve_decide", "review", "discuss", "notice", "recusal_request", "recusal_decide", "pause", "resume",
                  "extend_limit", "transfer_report", "terminate", "no_penalty", "assign", "rights",
                  "notice", "notice", "notice", "notice", "credentials", "inspection", "referral_back", *_PROBES]
NEXT: dict[str, list[str]] = {
    "": ["lead"],
    "lead": ["file", "decline", "simple", "transfer_report", "note", "credentials", "extend_filing", *_PROBES],
    "declined": ["referral_back", "archive"],
    "filed": _INVESTIGATION,
    "investigating": _INVESTIGATION,
    "notice_issued": ["serve_notice", "statement", "notice", *_PROBES],
    "notified": ["statement", "waive", "hearing_request", "hearing_request", "hearing_request", "hearing_request",
                 "decide", "review", "discuss", "hearing_schedule", "no_penalty", "transfer_report"],
    "hearing": ["hearing_schedule", "hearing_schedule", "hearing_hold", "hearing_hold", "hearing_record", "hearing_record",
                "hearing_withdraw", "review", "decide", "discuss"],
    "decided": ["serve_decision", "reconsider", "simple_report", *_PROBES],
    "served": ["pay", "pay", "reconsider", "remind", "late_fee", "defer", "court", "sue", "simple_report", *_PROBES],
    "under_review": ["reconsidered", "judged", "sue", "pay"],
    "performed": ["close", "follow_up", "simple_report", "lift", "preserve_decide", "referral_back", "hand_in", "hand_in"],
    "court_enforcement": ["court_done", "close"],
    "decision_void": ["close", "notice", "decide"],
    "terminated": ["referral_back", "close"],
    "transferred": ["transfer_receipt", "referral_back", "close"],
    "closed": ["archive", "follow_up", "complaint"],
    "archived": ["note", "follow_up", "complaint", "answer", "correct"],
}


class CaseMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.world = standard_world()
        self.case: CaseFile = self.world.case()
        self.now = DEFAULT_START
        self.accepted = 0

    @rule(
        name=st.sampled_from(sorted(TEMPLATES)),
        gap=st.sampled_from(GAPS),
        pick=st.integers(0, 11),
        stranger=st.one_of(st.none(), st.sampled_from(PEOPLE)),
    )
    def act(self, name: str, gap: dt.timedelta, pick: int, stranger: str | None) -> None:
        self.now += gap
        type, actor, payload = TEMPLATES[name][1](self.case.state, self.now, pick)
        before = msgspec.json.encode(self.case.state) if self.case.state is not None else None
        try:
            state = self.case.act(type, stranger or actor, payload, at=self.now)
            self.accepted += 1
            event(f"reached {state.status}")
        except DomainError:
            after = msgspec.json.encode(self.case.state) if self.case.state is not None else None
            assert after == before, "a refused act changed the case"

    @rule(idx=st.integers(0, 99), gap=st.sampled_from(GAPS), pick=st.integers(0, 11))
    def next_step(self, idx: int, gap: dt.timedelta, pick: int) -> None:
        """A step the procedure would plausibly take next, by its natural actor, so runs reach late stages."""
        state = self.case.state
        if state is not None and state.pending and idx % 2:
            self.act("cosign", gap, pick, None)
            return
        options = NEXT.get(state.status if state is not None else "", ["lead"])
        self.act(options[idx % len(options)], gap, pick, None)

    @precondition(lambda self: self.case.state is None)
    @rule(pick=st.integers(0, 11))
    def open_case(self, pick: int) -> None:
        type, actor, payload = TEMPLATES["lead"][1](None, self.now, pick)
        self.case.act(type, actor, payload, at=self.now)

    @invariant()
    def never_illegal(self) -> None:
        if self.case.state is not None:
            assert invariant_violations(self.case.state) == []

    @invariant()
    def replays_and_round_trips(self) -> None:
        state = self.case.state
        if state is None:
            return
        assert _decoder.decode(msgspec.json.encode(state)) == state
        assert self.case.replay() == state
        assert state.version == len(self.case.records) == len(state.acts)


CaseMachine.TestCase.settings = settings(
    max_examples=150, stateful_step_count=50, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
TestCaseMachine = CaseMachine.TestCase


def test_the_machine_reaches_deep_stages() -> None:
    """The templates are good enough to take a case through to archive when acted in a sensible order."""
    world = standard_world()
    case = world.case()
    now = DEFAULT_START
    order = ["lead", "file", "credentials", "rights", "inspection", "cosign", "review", "discuss", "cosign", "cosign", "notice", "serve_notice", "decide",
             "serve_decision", "pay", "close", "archive"]
    for name in order:
        now += dt.timedelta(days=1 if name in ("rights", "cosign") else 9)
        type, actor, payload = TEMPLATES[name][1](case.state, now, 2 if name == "pay" else 0)
        case.act(type, actor, payload, at=now)
    assert case.state is not None and case.state.status == "archived"
