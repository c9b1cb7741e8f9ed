"""Procedure law as pure functions of a case's state: windows, time limits, thresholds and who counts as what.

The case state machine (``domain.case``) asks these; so does ``domain.deadlines``. Nothing here is stored: a
window's end is recomputed from the times in the state and the rules table every time it is needed, with the
working-day calendar of ``domain.calendar`` (Asia/Shanghai dates; start day not counted).
"""

from __future__ import annotations

import datetime as dt

from domain.calendar import (
    Deadline,
    default_calendar,
    local_date,
    period,
    period_end,
)
from domain.case_state import CaseState, Decision, Measure, Pause, Reliance, Remedy
from domain.catalog import HEARING_KINDS
from domain.law import rule
from domain.local_rules import AppliedRule, local_rule
from domain.parties import Party, is_citizen
from domain.registry import Registry

# Excluded from the filing window (市场监管 Art 18: 检测、检验、检疫、鉴定等时间不计入).
FILING_PAUSE_KINDS = frozenset({"testing", "inspection", "quarantine", "appraisal"})


# -- local and sector numbers ---------------------------------------------------------------------------------------
def case_rule(registry: Registry | None, state: CaseState, key: str, when: dt.datetime) -> AppliedRule:
    """The rule ``key`` governing this case at ``when``: the deciding agency's local rule, else the national default.

    An entrusted body acts in the entrusting agency's name (Art 20), so that agency's rules govern; otherwise the
    case's own agency's (or its parent's). See :func:`domain.local_rules.local_rule`.
    """
    return local_rule(registry, state.in_name_of or state.agency, state.domain, key, when)


def rely(state: CaseState, key: str, source: str = "", deadline: Deadline | None = None) -> None:
    """Note on the state that the act being applied rests on this rule (and day): the writer's receipt names it."""
    state.relied_on.append(
        Reliance(
            rule=key,
            source=source,
            due=deadline.date if deadline is not None else None,
            provisional=deadline.provisional if deadline is not None else False,
        )
    )


def rely_on(state: CaseState, deadline: Deadline) -> None:
    rely(state, deadline.rule_key or "", deadline.source, deadline)


def rely_rule(state: CaseState, applied: AppliedRule) -> None:
    rely(state, applied.key, applied.describe())


def _period_of(applied: AppliedRule, start: dt.date, pauses: list[tuple[dt.datetime, dt.datetime]] | None = None, extra: int = 0) -> Deadline:
    end = period_end(start, applied.value + extra, applied.unit, pauses or [])
    return Deadline(end.date, end.provisional, applied.key, applied.describe())


# -- thresholds --------------------------------------------------------------------------------------------------
def hearing_threshold(registry: Registry | None, state: CaseState, party: Party | None, when: dt.datetime) -> AppliedRule:
    """Art 63's "large" fine or confiscation for this party kind (sector default, configurable per agency)."""
    citizen = party is None or is_citizen(party)
    return case_rule(registry, state, "hearing.fine_natural_person" if citizen else "hearing.fine_organisation", when)


def review_threshold(registry: Registry | None, state: CaseState, party: Party | None, when: dt.datetime) -> AppliedRule:
    """The agency's 法制审核目录 money threshold for this party kind (defaults: the hearing thresholds)."""
    citizen = party is None or is_citizen(party)
    return case_rule(registry, state, "review.fine_natural_person" if citizen else "review.fine_organisation", when)


def hearing_eligible(
    party: Party | None, penalties: list[str], fine_fen: int, confiscation_fen: int, threshold_fen: int | None = None
) -> bool:
    """Art 63: large fines or confiscations (``threshold_fen``, else the national default by party kind) and the heavier kinds."""
    if set(penalties) & HEARING_KINDS:
        return True
    if threshold_fen is None:
        citizen = party is None or is_citizen(party)
        threshold_fen = rule("hearing.fine_natural_person" if citizen else "hearing.fine_organisation").value
    return fine_fen >= threshold_fen or confiscation_fen >= threshold_fen


def review_threshold_reached(party: Party | None, fine_fen: int, confiscation_fen: int, threshold_fen: int | None = None) -> bool:
    """The agency's 法制审核目录 money threshold (``threshold_fen``, else the national default by party kind)."""
    if threshold_fen is None:
        citizen = party is None or is_citizen(party)
        threshold_fen = rule("review.fine_natural_person" if citizen else "review.fine_organisation").value
    return fine_fen >= threshold_fen or confiscation_fen >= threshold_fen


def simple_fine_cap(party: Party) -> int:
    """Art 51: 200 yuan for a citizen (sole traders included), 3,000 yuan for an organisation, in fen."""
    return rule("simple.fine_citizen_max" if is_citizen(party) else "simple.fine_organisation_max").value


# -- clocks --------------------------------------------------------------------------------------------------------
def _pauses(
    state: CaseState, measure: int | None, now: dt.datetime, since: dt.datetime | None = None
) -> list[tuple[dt.date, dt.date]]:
    """Excluded periods as (from, to) dates; a pause still open has run until ``now``. A seizure's testing period
    excludes at most the length fixed and notified in writing (ACL Art 25). With ``since`` (the filing, or an order
    to remake), only the part after it counts: a test begun before the filing and reported after it is left out of
    the 90 days for its days after the filing (MS rules Art 64), not dropped; a remade procedure counts only the
    pauses begun after the order."""
    out: list[tuple[dt.date, dt.date]] = []
    for p in state.pauses:
        if p.measure != measure:
            continue
        stop = p.ended_at or max(now, p.started_at)
        over = hearing_over_at(state, p) if p.kind == "hearing" else None
        if over is not None:
            stop = max(p.started_at, min(stop, over))
        start = p.started_at
        if since is not None and start < since:
            if stop <= since or state.remade_at is not None:
                continue  # over before the filing, or a pause of the procedure an order to remake voided
            start = since
        begin, end = local_date(start), local_date(stop)
        if p.fixed_days is not None:
            end = min(end, begin + dt.timedelta(days=p.fixed_days))
        if p.kind == "announcement":
            # 公告 time (MS rules Art 64) is the announcement's period: 30 days after it goes up the paper is deemed
            # served (民诉法 Art 95), so no more of it is left out of the time limit, however late it is ended.
            end = min(end, local_date(p.started_at) + dt.timedelta(days=rule("service.announcement_deemed").value))
            if end < begin:
                continue
        out.append((begin, end))
    return out


def hearing_over_at(state: CaseState, pause: Pause) -> dt.datetime | None:
    """When the hearing a hearing pause waits for stopped running (None while it runs): hearing time is left out of
    the decision time limit only while the requested hearing is pending (MS rules Art 64) — until its record, the
    absent party's waiver (Art 64(8)) or the withdrawal — however late the pause's end is recorded. A pause begun
    for an earlier hearing, since replaced by a new request (or voided by an order to remake), ended by then."""
    if state.remade_at is not None and pause.started_at < state.remade_at:
        return state.remade_at  # the order to remake voided the notice and the hearing it waited for
    h = state.hearing
    if h is None:
        return pause.started_at
    if h.requested_at > pause.started_at:
        return h.requested_at
    if h.withdrawn_at is not None:
        return h.withdrawn_at
    if h.held_at is not None and h.party_present is False:
        return h.held_at
    return h.record_at


def open_pauses(state: CaseState, measure: int | None = None) -> list[Pause]:
    return [p for p in state.pauses if p.measure == measure and p.ended_at is None]


def current_open_pauses(state: CaseState) -> list[Pause]:
    """The decision time limit's pauses still open in the current procedure: one begun before an order to remake
    belonged to the voided procedure."""
    return [p for p in open_pauses(state) if state.remade_at is None or p.started_at >= state.remade_at]


def filing_pauses(state: CaseState, now: dt.datetime) -> list[tuple[dt.datetime, dt.datetime]]:
    """Testing, inspection, quarantine and appraisal time recorded before filing: excluded from the filing window."""
    stop = state.filed_at or state.declined_at
    return [
        (p.started_at, p.ended_at or max(now, p.started_at))
        for p in state.pauses
        if p.measure is None and p.kind in FILING_PAUSE_KINDS and (stop is None or p.started_at < stop)
    ]


def filing_window(state: CaseState, registry: Registry | None = None, now: dt.datetime | None = None) -> Deadline | None:
    """MS rules Art 18: decide on filing within 15 working days of the lead, +15 with the head's approval, testing time excluded."""
    if state.lead is None:
        return None
    received = state.lead.received_at
    law = case_rule(registry, state, "filing.decide_window", received)
    extra = 0
    if state.filing_extended_at is not None:
        extension = case_rule(registry, state, "filing.extension", state.filing_extended_at)
        extra = extension.value
        source = f"{law.describe()}; {extension.describe()}"
    else:
        source = law.describe()
    pauses = filing_pauses(state, now or state.updated_at)
    end = period_end(local_date(received), law.value + extra, law.unit, pauses)
    return Deadline(end.date, end.provisional, law.key, source)


def statement_window(state: CaseState, registry: Registry | None = None) -> Deadline | None:
    """Last day for the party's statement and defence: N working days (sector default, configurable) after service."""
    notice = state.notice
    if notice is None or notice.served_at is None:
        return None
    applied = case_rule(registry, state, "notice.statement_window", notice.issued_at)
    return _period_of(applied, local_date(notice.served_at))


def hearing_request_window(state: CaseState) -> Deadline | None:
    notice = state.notice
    if notice is None or notice.served_at is None or not notice.hearing_eligible:
        return None
    return period(notice.served_at, "hearing.request_window", [])


def decision_time_limit(state: CaseState, now: dt.datetime) -> Deadline | None:
    """Art 60: 90 calendar days from filing (or from an order to remake), plus extensions, minus pauses."""
    start = state.remade_at or state.filed_at
    if start is None:
        return None
    law = rule("decision.time_limit")
    days = law.value + sum(e.days for e in state.extensions if e.at >= start)
    pauses = _pauses(state, None, now, since=start)
    end = period_end(local_date(start), days, law.unit, pauses)
    return Deadline(end.date, end.provisional, law.key)


def measure_end(state: CaseState, measure: Measure, now: dt.datetime) -> Deadline:
    """ACL Art 25: the measure's last day — its days plus the extension, excluding its testing pauses."""
    law = rule("coercion.max_period")
    days = measure.days + measure.extension_days
    end = period_end(local_date(measure.imposed_at), days, law.unit, _pauses(state, measure.version, now))
    return Deadline(end.date, end.provisional, law.key)


def hearing_notice_earliest(told_at: dt.datetime) -> Deadline:
    """Art 64: the earliest hearing date when the party is told at ``told_at`` (7 working days before)."""
    return period(told_at, "hearing.notice_before")


def payment_due(state: CaseState) -> Deadline | None:
    """Art 67: 15 days from receipt of the decision; a deferral or the last instalment moves it (Art 66)."""
    decision = state.decision
    if decision is None or decision.served_at is None or decision.money_due_fen == 0:
        return None
    if state.deferral is not None:
        # An approved date (Art 66) is a date, not a count: it is as certain as the calendar that reads it.
        if state.deferral.until is not None:
            return Deadline(state.deferral.until, not default_calendar().is_covered(state.deferral.until), "payment.window")
        if state.deferral.instalments:
            last = max(due for due, _ in state.deferral.instalments)
            return Deadline(last, not default_calendar().is_covered(last), "payment.window")
    return period(decision.served_at, "payment.window", [])


def current_remedies(state: CaseState) -> list[Remedy]:
    """The remedies against the decision now in force: those filed after it was made (a remade decision's
    earlier reconsideration or lawsuit belongs to the decision it voided)."""
    decision = state.decision
    if decision is None:
        return []
    return [r for r in state.remedies if r.filed_at >= decision.decided_at]


def reconsideration_window(state: CaseState, obstacle: tuple[dt.date, dt.date] | None = None) -> Deadline | None:
    """复议法 Art 20: 60 days from knowing the decision (its service); up to 1 year from then when the decision did
    not state the right, the body and the deadline; days of a force-majeure obstacle (Art 20(2)) do not count."""
    decision = state.decision
    if decision is None or decision.served_at is None:
        return None
    key = "reconsideration.window" if decision.remedies_stated else "reconsideration.window_untold"
    return period(decision.served_at, key, [obstacle] if obstacle is not None else [])


def reconsideration_body_last_day(remedy: Remedy) -> Deadline:
    """The last day a reconsideration body can still decide in time, whatever it did: deemed accepted when its 5
    working days of examination end (复议法 Art 30), then 60 days and the longest extension of 30 (Art 62). After it
    the body is overdue for certain and the party may sue instead (行政诉讼法 Art 45: within 15 days)."""
    received = remedy.received_on or local_date(remedy.filed_at)
    accepted = period_end(received, rule("reconsideration.acceptance_review").value, "working_days")
    days = rule("reconsideration.decide_within").value + rule("reconsideration.max_extension").value
    end = period_end(accepted.date, days, "calendar_days")
    return Deadline(end.date, end.provisional or accepted.provisional, "reconsideration.decide_within")


def litigation_window(state: CaseState) -> Deadline | None:
    """The last day to sue while no lawsuit is filed: 15 days from the service of a reconsideration decision
    (行政诉讼法 Art 45), else 6 months from the decision's service (Art 46) — also after a reconsideration the party
    withdrew (行诉法解释 Art 58), where reconsideration was not required first; none while a reconsideration is
    pending, and none for an on-the-spot decision before its reconsideration (复议法 Art 23: reconsideration first)."""
    decision = state.decision
    if decision is None or decision.served_at is None or any(r.kind == "litigation" for r in current_remedies(state)):
        return None
    recons = [r for r in current_remedies(state) if r.kind == "reconsideration"]
    if recons:
        last = recons[-1]
        if last.decided_at is None or not last.final:
            return None
        if last.outcome == "withdrawn" and decision.kind != "simple":
            # 行诉法解释 Art 58: a reconsideration the party chose and then withdrew leaves the lawsuit against the
            # decision open within the statutory period from its service — not only 15 days from the withdrawal.
            return period(decision.served_at, _suit_key(decision.remedies_stated))
        law = rule("litigation.after_reconsideration")
        end = period_end(local_date(last.served_at or last.decided_at), law.value, law.unit)
        return Deadline(end.date, end.provisional, law.key)
    if decision.kind == "simple":
        return None
    return period(decision.served_at, _suit_key(decision.remedies_stated))


def _suit_key(remedies_stated: bool) -> str:
    """6 months (行诉法 Art 46); at most 1 year when the decision did not state the period (行诉法解释 Art 64)."""
    return "litigation.window" if remedies_stated else "litigation.window_untold"


def remedy_periods_end(state: CaseState) -> Deadline | None:
    """When the remedy periods that actually ran expired (ACL Art 53; 行诉法解释 Art 156), or None while one runs.

    No remedy used: the later of the reconsideration window (60 days) and — except for an on-the-spot decision,
    which goes to reconsideration first — the 6-month lawsuit window, both from service. After a final
    reconsideration decision and no lawsuit: the 15-day lawsuit window from its service (after a withdrawn one: the
    6-month window from the decision's service, 行诉法解释 Art 58). After a final judgment: its date; after a
    first-instance judgment (``final`` false) not appealed: the end of the 15 days to appeal (行诉法 Art 85). Provisional when a day it rests on lies past the calendar's last year.
    """
    decision = state.decision
    if decision is None or decision.served_at is None:
        return None
    suits = [r for r in current_remedies(state) if r.kind == "litigation"]
    if suits:
        last_suit = suits[-1]
        if last_suit.decided_at is None:
            return None
        appealable = appealable_judgment(state)
        if appealable is not None:
            # A first-instance judgment not appealed takes effect when the 15 days to appeal run out (行诉法 Art 85).
            return appeal_window(appealable)
        return Deadline(local_date(last_suit.decided_at), False, "litigation.window")
    if any(r.kind == "reconsideration" for r in current_remedies(state)):
        return litigation_window(state)
    recon = reconsideration_window(state)
    assert recon is not None
    if decision.kind == "simple":
        return recon
    suit = period(decision.served_at, _suit_key(decision.remedies_stated))
    return suit.later(recon)


def enforcement_window_end(state: CaseState) -> Deadline | None:
    """ACL Art 53: the last day to apply to the court, 3 months after the remedy periods that ran expired — or, when
    a deferral or instalments were approved, after the deferred period ends, if later (APL Art 72(2): 申请人民法院
    强制执行的期限，自暂缓或者分期缴纳罚款期限结束之日起计算)."""
    start = enforcement_window_start(state)
    if start is None:
        return None
    law = rule("enforcement.apply_within")
    last = period_end(start.date, law.value, law.unit)
    return Deadline(last.date, last.provisional or start.provisional, law.key)


def enforcement_window_start(state: CaseState) -> Deadline | None:
    """From when the 3 months to apply to the court run: the end of the remedy periods that ran, or of an approved
    deferral or the last instalment when that is later (APL Art 72(2)); None while a remedy period runs."""
    remedies = remedy_periods_end(state)
    if remedies is None:
        return None
    deferred = payment_due(state) if state.deferral is not None else None
    return deferred if deferred is not None and deferred.date > remedies.date else remedies


def reconsideration_last_day(served_at: dt.datetime, told_of_right: bool = True) -> Deadline:
    """复议法 Art 20: 60 days from knowing of the decision; up to 1 year when the party was not told of the right."""
    return period(served_at, "reconsideration.window" if told_of_right else "reconsideration.window_untold")


def litigation_after_reconsideration_end(reconsideration_served_at: dt.datetime) -> Deadline:
    """行诉法 Art 45: a lawsuit within 15 days of receiving the reconsideration decision."""
    return period(reconsideration_served_at, "litigation.after_reconsideration")


def appealable_judgment(state: CaseState) -> Remedy | None:
    """The lawsuit's first-instance judgment not in force yet (``final`` false) when it is the latest remedy's
    outcome: what an appeal would challenge, while no appeal is filed."""
    suits = [r for r in current_remedies(state) if r.kind == "litigation"]
    last = suits[-1] if suits else None
    return last if last is not None and last.decided_at is not None and not last.final else None


def appeal_window(judgment: Remedy) -> Deadline:
    """行诉法 Art 85: an appeal against a first-instance judgment within 15 days of its service (of its date when
    the service is not recorded)."""
    assert judgment.decided_at is not None
    return period(judgment.served_at or judgment.decided_at, "litigation.appeal_window")


def cash_hand_in_due(collected_at: dt.datetime) -> Deadline:
    """APL Art 71: cash collected on the spot is handed in to the agency within 2 working days."""
    return period(collected_at, "payment.cash_hand_in")


def remedy_pending(state: CaseState) -> bool:
    return any(r.decided_at is None or not r.final for r in state.remedies)


def reminders_in_force(state: CaseState) -> list[dt.datetime]:
    """The reminders (their service) that remind of the duty as it now stands: those after the due date and after
    any change of the fine on review. One sent before a deferral or instalment plan moved the due date (APL Art 66)
    reminded the party of a payment since postponed; the party's default on the new date has not been reminded of
    (ACL Art 54)."""
    due = payment_due(state)
    # A reconsideration or judgment that changed the fine (复议法 Art 64; 行政诉讼法 Art 77) changed the sum the party
    # owes: a reminder before it demanded the old one (ACL Art 35(3)), and reminds of no duty now in force.
    changed = max((r.decided_at for r in current_remedies(state) if r.outcome == "changed" and r.decided_at is not None), default=None)
    return [r for r in state.reminders if (due is None or local_date(r) > due.date) and (changed is None or r > changed)]


def enforcement_earliest(state: CaseState) -> Deadline | None:
    """ACL Arts 53–54: 10 working days after the written reminder, and after the remedy periods expire."""
    reminders = reminders_in_force(state)
    if not reminders:
        return None
    after_reminder = period(reminders[-1], "enforcement.reminder_wait")
    remedies = remedy_periods_end(state)
    return after_reminder.later(remedies) if remedies is not None else after_reminder


# -- who the case's people are ------------------------------------------------------------------------------------
def defences(state: CaseState) -> list[dt.datetime]:
    """When the party stated or defended itself: its statements, and a hearing it attended (Art 64(7): the party
    defends and cross-examines there; Art 45 protects that defence as much as a written one). Absence is a waiver."""
    times = [s.at for s in state.statements]
    h = state.hearing
    if h is not None and h.withdrawn_at is None and h.held_at is not None and h.party_present:
        times.append(h.held_at)
    return times


def defended(state: CaseState) -> bool:
    """The party stated or defended itself (in writing, orally or at the hearing) after the current notice was issued."""
    notice = state.notice
    return notice is not None and any(at >= notice.issued_at for at in defences(state))


def hearing_pending(state: CaseState) -> bool:
    """A hearing was requested, not withdrawn, and not yet held and recorded (absence counts as held: a waiver)."""
    hearing = state.hearing
    if hearing is None or hearing.withdrawn_at is not None:
        return False
    return hearing.held_at is None or (hearing.party_present is not False and hearing.record_at is None)


def performed(state: CaseState) -> bool:
    """The decision is performed: money paid in full (late fees included), or nothing to pay once served."""
    decision = state.decision
    if decision is None:
        return False
    if decision.void or decision.kind == "no_penalty":
        return True
    if decision.served_at is None:
        return False
    return state.paid_fen >= amount_due(state, decision)


def amount_due(state: CaseState, decision: Decision) -> int:
    """What the decision in force makes the party pay: the money it imposes (as changed on review) and the late fees
    owed (:func:`late_fees_due`), before any payment."""
    return decision.money_due_fen + late_fees_due(state)


def late_fees_due(state: CaseState) -> int:
    """The late fees owed: those assessed, never more than the fine in force (Art 72: 加处罚款的数额不得超出罚款的数额)
    — a reconsideration or judgment that lowered the fine lowers that ceiling for fees assessed before it."""
    decision = state.decision
    if decision is None or decision.void:
        return state.late_fees_fen
    return min(state.late_fees_fen, decision.fine_in_force_fen)
