"""Procedure law as pure functions of a case's state: windows, time limits, thresholds and who counts as what.

The case state machine (``domain.case``) asks these; so does ``domain.deadlines``. Nothing here is stored: a
window's end is recomputed from the times in the state and the rules table every time it is needed, with the
working-day calendar of ``domain.calendar`` (Asia/Shanghai dates; start day not counted).
"""

from __future__ import annotations

import datetime as dt

from domain.calendar import (
    DEFAULT_CALENDAR,
    Deadline,
    add_calendar_days,
    add_months,
    add_working_days,
    local_date,
    period,
)
from domain.case_state import CaseState, Measure, Pause
from domain.catalog import HEARING_KINDS
from domain.law import rule
from domain.parties import Party, is_citizen


# -- thresholds --------------------------------------------------------------------------------------------------
def hearing_eligible(party: Party | None, penalties: list[str], fine_fen: int, confiscation_fen: int) -> bool:
    """Art 63: large fines or confiscations (sector default thresholds by party kind) and the heavier kinds."""
    if set(penalties) & HEARING_KINDS:
        return True
    citizen = party is None or is_citizen(party)
    threshold = rule("hearing.fine_natural_person" if citizen else "hearing.fine_organisation").value
    return fine_fen >= threshold or confiscation_fen >= threshold


def review_threshold_reached(party: Party | None, fine_fen: int, confiscation_fen: int) -> bool:
    """The agency's 法制审核目录 money threshold (defaults: the hearing thresholds)."""
    citizen = party is None or is_citizen(party)
    threshold = rule("review.fine_natural_person" if citizen else "review.fine_organisation").value
    return fine_fen >= threshold or confiscation_fen >= threshold


def simple_fine_cap(party: Party) -> int:
    """Art 51: 200 yuan for a citizen (sole traders included), 3,000 yuan for an organisation, in fen."""
    return rule("simple.fine_citizen_max" if is_citizen(party) else "simple.fine_organisation_max").value


# -- clocks --------------------------------------------------------------------------------------------------------
def _pauses(
    state: CaseState, measure: int | None, now: dt.datetime, since: dt.datetime | None = None
) -> list[tuple[dt.date, dt.date]]:
    """Excluded periods as (from, to) dates; a pause still open has run until ``now``. A seizure's testing period
    excludes at most the length fixed and notified in writing (ACL Art 25)."""
    out: list[tuple[dt.date, dt.date]] = []
    for p in state.pauses:
        if p.measure != measure or (since is not None and p.started_at < since):
            continue
        begin, end = local_date(p.started_at), local_date(p.ended_at or max(now, p.started_at))
        if p.fixed_days is not None:
            end = min(end, begin + dt.timedelta(days=p.fixed_days))
        out.append((begin, end))
    return out


def open_pauses(state: CaseState, measure: int | None = None) -> list[Pause]:
    return [p for p in state.pauses if p.measure == measure and p.ended_at is None]


def filing_window(state: CaseState) -> Deadline | None:
    """MS rules Art 18: decide on filing within 15 working days of the lead, +15 with the head's approval."""
    if state.lead is None:
        return None
    law = rule("filing.decide_window")
    days = law.value + (rule("filing.extension").value if state.filing_extended_at is not None else 0)
    end = DEFAULT_CALENDAR.period_end(local_date(state.lead.received_at), days, law.unit)
    return Deadline(end.date, end.provisional, law.key)


def statement_window(state: CaseState) -> Deadline | None:
    """Last day for the party's statement and defence: N working days after the notice is served."""
    notice = state.notice
    if notice is None or notice.served_at is None:
        return None
    return period(notice.served_at, "notice.statement_window", [])


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
    end = DEFAULT_CALENDAR.period_end(local_date(start), days, law.unit, pauses)
    return Deadline(end.date, end.provisional, law.key)


def measure_end(state: CaseState, measure: Measure, now: dt.datetime) -> Deadline:
    """ACL Art 25: the measure's last day — its days plus the extension, excluding its testing pauses."""
    law = rule("coercion.max_period")
    days = measure.days + measure.extension_days
    end = DEFAULT_CALENDAR.period_end(local_date(measure.imposed_at), days, law.unit, _pauses(state, measure.version, now))
    return Deadline(end.date, end.provisional, law.key)


def hearing_notice_earliest(told_at: dt.datetime) -> dt.date:
    """Art 64: the earliest hearing date when the party is told at ``told_at`` (7 working days before)."""
    return add_working_days(local_date(told_at), rule("hearing.notice_before").value)


def payment_due(state: CaseState) -> dt.date | None:
    """Art 67: 15 days from receipt of the decision; a deferral or the last instalment moves it (Art 66)."""
    decision = state.decision
    if decision is None or decision.served_at is None or decision.money_due_fen == 0:
        return None
    if state.deferral is not None:
        if state.deferral.until is not None:
            return state.deferral.until
        if state.deferral.instalments:
            return max(due for due, _ in state.deferral.instalments)
    return period(decision.served_at, "payment.window", []).date


def litigation_window(state: CaseState) -> Deadline | None:
    """The last day to sue while no lawsuit is filed: 15 days from the service of a reconsideration decision
    (行政诉讼法 Art 45), else 6 months from the decision's service (Art 46); none while a reconsideration is
    pending, and none for an on-the-spot decision before its reconsideration (复议法 Art 23: reconsideration first)."""
    decision = state.decision
    if decision is None or decision.served_at is None or any(r.kind == "litigation" for r in state.remedies):
        return None
    recons = [r for r in state.remedies if r.kind == "reconsideration"]
    if recons:
        last = recons[-1]
        if last.decided_at is None or not last.final:
            return None
        law = rule("litigation.after_reconsideration")
        end = DEFAULT_CALENDAR.period_end(local_date(last.served_at or last.decided_at), law.value, law.unit)
        return Deadline(end.date, end.provisional, law.key)
    if decision.kind == "simple":
        return None
    law = rule("litigation.window")
    end = DEFAULT_CALENDAR.period_end(local_date(decision.served_at), law.value, law.unit)
    return Deadline(end.date, end.provisional, law.key)


def remedy_periods_end(state: CaseState) -> dt.date | None:
    """When the remedy periods that actually ran expired (ACL Art 53; 行诉法解释 Art 156), or None while one runs.

    No remedy used: the later of the reconsideration window (60 days) and — except for an on-the-spot decision,
    which goes to reconsideration first — the 6-month lawsuit window, both from service. After a final
    reconsideration decision and no lawsuit: the 15-day lawsuit window from its service. After a final judgment:
    its date.
    """
    decision = state.decision
    if decision is None or decision.served_at is None:
        return None
    suits = [r for r in state.remedies if r.kind == "litigation"]
    if suits:
        last_suit = suits[-1]
        return local_date(last_suit.decided_at) if last_suit.decided_at is not None and last_suit.final else None
    if any(r.kind == "reconsideration" for r in state.remedies):
        window = litigation_window(state)
        return window.date if window is not None else None
    served = local_date(decision.served_at)
    recon = add_calendar_days(served, rule("reconsideration.window").value)
    if decision.kind == "simple":
        return recon
    suit = add_months(served, rule("litigation.window").value)
    return max(recon, suit)


def remedy_pending(state: CaseState) -> bool:
    return any(r.decided_at is None or not r.final for r in state.remedies)


def enforcement_earliest(state: CaseState) -> dt.date | None:
    """ACL Arts 53–54: 10 working days after the written reminder, and after the remedy periods expire."""
    if not state.reminders:
        return None
    after_reminder = add_working_days(local_date(state.reminders[-1]), rule("enforcement.reminder_wait").value)
    remedies = remedy_periods_end(state)
    return max(after_reminder, remedies) if remedies is not None else after_reminder


# -- who the case's people are ------------------------------------------------------------------------------------
def defended(state: CaseState) -> bool:
    """The party stated or defended itself after the current notice was issued."""
    notice = state.notice
    return notice is not None and any(s.at >= notice.issued_at for s in state.statements)


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
    return state.paid_fen >= decision.money_due_fen + state.late_fees_fen
