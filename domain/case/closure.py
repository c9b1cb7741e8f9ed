"""终止、结案、归档 Termination, closure and archiving."""

from __future__ import annotations

from domain import procedure as proc
from domain.acts import ActRecord
from domain.case.common import (
    Handler,
    decision_ready,
    require_certified_or_head,
    require_staff,
)
from domain.case_acts import (
    CaseArchived,
    CaseClosed,
    CaseTerminated,
)
from domain.case_state import (
    CaseState,
)
from domain.law import ACL, APL
from domain.refusals import (
    ActNotAllowedNow,
    CashNotHandedIn,
    ClosureBeforePerformance,
    ReferralResultRequired,
)
from domain.registry import Registry


def _terminated(s: CaseState, act: ActRecord, p: CaseTerminated, registry: Registry) -> None:
    decision_ready(s, act, registry)
    s.terminated_at, s.termination_ground = act.recorded_at, p.ground


def _closed(s: CaseState, act: ActRecord, p: CaseClosed, registry: Registry) -> None:
    if s.declined_at is not None:
        raise ActNotAllowedNow("a declined lead is archived, not closed", article=f"{APL}第四十七条")
    require_certified_or_head(registry, s, act.actor, act.recorded_at)
    d = s.decision
    transferred = s.transfer_sent
    if transferred:
        ground = "transferred"
    elif s.terminated_at is not None:
        ground = "terminated"
    elif d is None:
        raise ClosureBeforePerformance("there is no decision, termination or transfer")
    elif proc.remedy_pending(s):
        raise ClosureBeforePerformance("a reconsideration or lawsuit is pending")
    elif d.void:
        ground = "decision_void"
    elif d.served_at is None:
        # A decision never served (a no-penalty decision included) has not reached the party: its remedies never ran.
        raise ClosureBeforePerformance("the decision is not served", article=f"{APL}第六十一条")
    elif s.court_outcome is not None:
        ground = f"court_{s.court_outcome}"
    elif proc.performed(s):
        ground = "no_penalty" if d.kind == "no_penalty" else "performed"
    else:
        due = proc.amount_due(s, d)
        raise ClosureBeforePerformance(f"{s.paid_fen} of {due} fen paid" if d.served_at else "the decision is not served")
    if not transferred and any(m.lifted_at is None for m in s.measures):
        raise ActNotAllowedNow("a seizure is still in force; lift it first", article=f"{ACL}第二十八条")
    if any(x.decided_at is None for x in s.preservations) and not transferred:
        raise ActNotAllowedNow("preserved evidence awaits a decision", article=f"{APL}第五十六条")
    if s.lead is not None and s.lead.source == "referral" and s.referral_final_at is None:
        raise ReferralResultRequired(f"the final result ({s.referral_result_owed}) has not gone back to {s.lead.referred_by}")
    if any(x.method == "on_the_spot" and x.handed_in_at is None for x in s.payments):
        raise CashNotHandedIn("cash collected on the spot has not been handed in to the agency")
    if d is not None and d.kind == "simple" and s.simple_reported_at is None:
        raise ActNotAllowedNow("the on-the-spot decision is not yet filed with the agency", article=f"{APL}第五十二条")
    s.closed_at, s.closure_ground = act.recorded_at, ground


def _archived(s: CaseState, act: ActRecord, p: CaseArchived, registry: Registry) -> None:
    require_staff(registry, act.actor)
    if s.closed_at is None and s.declined_at is None:
        raise ActNotAllowedNow("only a closed case or a declined lead is archived", article=f"{APL}第四十七条")
    if s.declined_at is not None and s.lead is not None and s.lead.source == "referral" and s.referral_final_at is None:
        raise ReferralResultRequired(f"the decline has not gone back to {s.lead.referred_by}")
    s.archived_at = act.recorded_at


HANDLERS: dict[str, Handler] = {
    "case.terminated": _terminated,
    "case.closed": _closed,
    "case.archived": _archived,
}
