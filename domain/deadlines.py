"""The clocks running on a case, computed from its state and the rules table — never appended as acts.

``deadlines(state, registry)`` lists every legal period still running (the filing decision, the 90-day limit,
seizures, preserved evidence, the party's windows, service, payment, court enforcement, remedies, transfer,
the simple-procedure report), each with its last day (Asia/Shanghai), whether that day is provisional (a year the
official calendar does not cover yet), the rule and its article. A clock that has been met (the act it waits for
was recorded) is not listed; ``overdue(today)`` says whether a listed one has run out.

The agency's duties that outlive the case — publishing a decision (118号: 7 working days for a penalty, 20 for
another decision) or withdrawing a published one (APL Art 48: 3 working days), and sending a referred lead's result
back (抄告) — are listed until done, also on a closed, archived or declined case.

The party's own windows — statement and defence, hearing request, reconsideration, lawsuit — are listed only while
they are open on ``now``'s date: when one closes, nobody is late (the party let its right lapse and the agency may go
on), so it never turns overdue. The agency's limits and the party's payment stay listed past their last day, overdue,
until the act they wait for is recorded (an unpaid fine past its window is a default the agency must act on: the
reminder, the late fee, the court).
"""

from __future__ import annotations

import datetime as dt

import msgspec

from domain import procedure as proc
from domain.calendar import Deadline, hours_after, local_date, period, period_end
from domain.case_state import CaseState
from domain.disclosure import obligations
from domain.law import rule
from domain.registry import Registry

TITLES: dict[str, tuple[str, str]] = {
    "filing.decide_window": ("决定是否立案", "decide whether to file the lead"),
    "decision.time_limit": ("作出处理决定", "decide the case"),
    "preservation.decide_within": ("对先行登记保存的证据作出处理决定", "decide on the preserved evidence"),
    "coercion.max_period": ("查封、扣押期限届满", "seizure period ends"),
    "coercion.emergency_report": ("当场实施强制措施后报告并补办批准", "report the emergency measure and obtain approval"),
    "notice.statement_window": ("当事人陈述、申辩期限", "party's statement and defence window"),
    "hearing.request_window": ("当事人申请听证期限", "party's hearing-request window"),
    "service.within": ("送达行政处罚决定书", "serve the decision"),
    "payment.window": ("当事人缴纳罚款期限", "party pays the fine"),
    "enforcement.apply_within": ("申请人民法院强制执行期限", "apply to the court for enforcement"),
    "reconsideration.window": ("申请行政复议期限", "reconsideration window"),
    "reconsideration.window_untold": ("未告知复议权利时的申请行政复议期限", "reconsideration window (remedy not stated)"),
    "litigation.window": ("提起行政诉讼期限", "lawsuit window"),
    "litigation.window_untold": ("未告知起诉期限时的起诉期限", "lawsuit window (period not stated)"),
    "litigation.after_reconsideration": ("复议决定送达后提起行政诉讼期限", "lawsuit window after the reconsideration decision"),
    "litigation.appeal_window": ("不服第一审判决提起上诉期限", "appeal window after the first-instance judgment"),
    "payment.cash_hand_in": ("当场收缴的罚款交至行政机关", "hand the cash collected on the spot in to the agency"),
    "transfer.head_decides": ("负责人决定是否移送", "the head decides on the transfer"),
    "transfer.hand_over": ("移送案卷", "hand the file over"),
    "simple.report_within": ("当场处罚决定备案", "file the on-the-spot decision with the agency"),
    "disclosure.penalty_within": ("公示行政处罚决定", "publish the penalty decision"),
    "disclosure.other_within": ("公示行政执法决定", "publish the enforcement decision"),
    "disclosure.withdraw_within": ("撤下已公示的决定并公开理由", "withdraw the published decision and publish why"),
    "referral.result_within": ("将处理结果抄告移送部门", "send the result back to the referring regulator"),
}


#: The party's windows: listed while open, dropped (not overdue) once closed.
PARTY_WINDOWS = frozenset(
    {"notice.statement_window", "hearing.request_window", "reconsideration.window", "reconsideration.window_untold",
     "litigation.window", "litigation.window_untold", "litigation.after_reconsideration", "litigation.appeal_window"}
)


class CaseDeadline(msgspec.Struct, frozen=True, kw_only=True):
    """One running clock: its rule, last day, provisional flag and article; ``subject`` names the act it concerns."""

    rule: str
    title: str
    title_en: str
    due: dt.date
    provisional: bool
    article: str
    subject: str | None = None
    source: str = ""
    """Where the period's length comes from when it is a local or sector number: national default or the agency's act."""
    due_at: dt.datetime | None = None
    """For a period counted in hours (ACL Art 19, 国务院令310 Art 5, the simple-procedure report): the exact instant."""

    def overdue(self, today: dt.date) -> bool:
        return today > self.due


def _clock(
    key: str, due: dt.date, provisional: bool = False, subject: str | None = None, source: str = "", due_at: dt.datetime | None = None
) -> CaseDeadline:
    title, title_en = TITLES[key]
    return CaseDeadline(
        rule=key,
        title=title,
        title_en=title_en,
        due=due,
        provisional=provisional,
        article=rule(key).article,
        subject=subject,
        source=source,
        due_at=due_at,
    )


def _hours(key: str, start: dt.datetime, subject: str | None = None) -> CaseDeadline:
    instant = hours_after(start, key)
    return _clock(key, local_date(instant), subject=subject, due_at=instant)


def _of(key: str, end: Deadline, subject: str | None = None) -> CaseDeadline:
    return _clock(key, end.date, end.provisional, subject, end.source)


def _from(start: dt.datetime, key: str, subject: str | None = None) -> CaseDeadline:
    return _of(key, period(start, key), subject)


def deadlines(state: CaseState, registry: Registry, now: dt.datetime | None = None) -> list[CaseDeadline]:
    """Every clock still running on the case on ``now``, earliest first (a party's window only while open, see
    above). Open pauses count as running until ``now``."""
    now = now or state.updated_at
    out: list[CaseDeadline] = _duties(state, registry)
    finished = state.closed_at is not None or state.archived_at is not None
    if finished:
        return sorted(out, key=lambda c: (c.due, c.rule, c.subject or ""))
    d = state.decision
    open_case = d is None and state.terminated_at is None and not state.transfer_sent
    if state.filed_at is None and state.declined_at is None and d is None:
        window = proc.filing_window(state, registry, now)
        if window is not None:
            out.append(_of("filing.decide_window", window))
    if state.filed_at is not None and open_case:
        limit = proc.decision_time_limit(state, now)
        if limit is not None:
            out.append(_of("decision.time_limit", limit))
    for p in state.preservations:
        if p.decided_at is None:
            out.append(_from(p.started_at, "preservation.decide_within", f"v{p.version}"))
    for m in state.measures:
        if m.lifted_at is None and not state.transfer_sent:
            end = proc.measure_end(state, m, now)
            out.append(_of("coercion.max_period", end, f"v{m.version}"))
            if m.emergency and any(x.version == m.version and x.approver in x.awaiting for x in state.pending):
                out.append(_hours("coercion.emergency_report", m.imposed_at, f"v{m.version}"))
    n = state.notice
    if n is not None and n.served_at is not None and d is None:
        if state.statement_waived_at is None:
            window = proc.statement_window(state, registry)
            if window is not None:
                out.append(_of("notice.statement_window", window, f"v{n.version}"))
        requested = state.hearing is not None and state.hearing.requested_at >= n.issued_at
        if n.hearing_eligible and state.hearing_waived_at is None and not requested:
            window = proc.hearing_request_window(state)
            if window is not None:
                out.append(_of("hearing.request_window", window, f"v{n.version}"))
    if d is not None and not d.void:
        if d.served_at is None:
            out.append(_from(d.decided_at, "service.within", f"v{d.version}"))
        else:
            due = proc.payment_due(state)
            if due is not None and not proc.performed(state):
                out.append(_of("payment.window", due, f"v{d.version}"))
                last = proc.enforcement_window_end(state)
                if state.court_applied_at is None and last is not None:
                    out.append(_of("enforcement.apply_within", last, f"v{d.version}"))
            recon = proc.reconsideration_window(state)
            if recon is not None and not proc.current_remedies(state) and d.kind != "no_penalty":
                out.append(_of(recon.rule_key or "reconsideration.window", recon, f"v{d.version}"))
            suit = proc.litigation_window(state) if d.kind != "no_penalty" else None
            if suit is not None and suit.rule_key is not None:
                out.append(_clock(suit.rule_key, suit.date, suit.provisional, f"v{d.version}"))
            appealable = proc.appealable_judgment(state)
            if appealable is not None:
                out.append(_of("litigation.appeal_window", proc.appeal_window(appealable), f"v{d.version}"))
        for pay in state.payments:
            if pay.method == "on_the_spot" and pay.handed_in_at is None:
                out.append(_from(pay.at, "payment.cash_hand_in", f"v{pay.version}"))
        if d.kind == "simple" and state.simple_reported_at is None:
            report = proc.case_rule(registry, state, "simple.report_within", d.decided_at)
            due_at = d.decided_at + dt.timedelta(hours=report.value)
            out.append(
                _clock("simple.report_within", local_date(due_at), subject=f"v{d.version}", source=report.describe(), due_at=due_at)
            )
    t = state.transfer
    if t is not None:
        if t.approved is None:
            out.append(_from(t.reported_at, "transfer.head_decides"))
        elif t.approved and t.sent_at is None and t.approved_at is not None:
            out.append(_hours("transfer.hand_over", t.approved_at))
    today = local_date(now)
    out = [c for c in out if c.rule not in PARTY_WINDOWS or not c.overdue(today)]
    return sorted(out, key=lambda c: (c.due, c.rule, c.subject or ""))


def _duties(state: CaseState, registry: Registry) -> list[CaseDeadline]:
    """The duties listed until done, whatever the case's stage: disclosure (publish, withdraw) and the referral's
    result sent back."""
    out = [
        _of(o.due.rule_key or "disclosure.penalty_within", o.due, f"v{o.decision_version}")
        for o in obligations(state)
        if o.done_at is None
    ]
    # 管罚分离 抄告: the filing goes back, then the outcome (the final result); the clock runs from whichever is owed.
    handled = state.referral_result_due_from
    if handled is not None:
        applied = proc.case_rule(registry, state, "referral.result_within", handled)
        end = period_end(local_date(handled), applied.value, applied.unit)
        out.append(_clock("referral.result_within", end.date, end.provisional, source=applied.describe()))
    return out


def overdue(state: CaseState, registry: Registry, now: dt.datetime) -> list[CaseDeadline]:
    """The clocks that have run out by ``now`` (its Asia/Shanghai date)."""
    today = local_date(now)
    return [c for c in deadlines(state, registry, now) if c.overdue(today)]
