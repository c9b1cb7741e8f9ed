"""行政强制措施 Coercive measures: imposing, extending and lifting a seizure or other measure (ACL)."""

from __future__ import annotations

from domain import procedure as proc
from domain.acts import ActRecord
from domain.calendar import local_date
from domain.case.common import (
    Handler,
    add_pending,
    approved_measure,
    case_holding,
    case_terms,
    drop_pending_approval,
    held_measure,
    is_head,
    note_investigators,
    require_certified_or_head,
    require_head,
    require_officers,
    require_open_investigation,
    require_prerequisites,
    when,
)
from domain.case_acts import (
    CoercionExtended,
    CoercionImposed,
    CoercionLifted,
)
from domain.case_state import (
    CaseState,
    Measure,
)
from domain.law import ACL, rule
from domain.refusals import (
    AgencyHeadRequired,
    CoercionAfterDecision,
    CoercionApprovalRequired,
    CoercionBarred,
    CoercionExtensionNotNotified,
    CoercionNotActive,
    CoercionNotEntrustable,
    CoercionTooLong,
)
from domain.registry import Registry


def _not_entrusted(registry: Registry, s: CaseState, act: ActRecord) -> None:
    """ACL Art 17: coercive measures are imposed by the agency holding the power, never on an entrustment."""
    held = case_holding(registry, s, act)
    if held.kind == "entrusted":
        raise CoercionNotEntrustable(f"{held.agency} holds the item on entrustment from {held.in_name_of}; the measure is for {held.in_name_of}")


def _coercion(s: CaseState, act: ActRecord, p: CoercionImposed, registry: Registry) -> None:
    require_open_investigation(s, act)
    _not_entrusted(registry, s, act)
    terms = case_terms(registry, s, act)
    if terms.no_coercion_list:
        raise CoercionBarred(f"{terms.name} is on the no-coercion list")
    limit = rule("coercion.max_period").value
    if not 1 <= p.days <= limit:
        raise CoercionTooLong(f"{p.days} days requested; a measure lasts 1–{limit} days")
    officers = require_officers(
        registry, s, act, list(p.officers), rule("investigation.min_officers").value, approver=p.approved_by
    )
    if not is_head(registry, s, p.approved_by):
        raise AgencyHeadRequired(f"{p.approved_by} is not the head who approves the measure", article=f"{ACL}第十八条")
    # ACL Art 18(1): approval before the measure — the head signs it; only an emergency is approved after (Art 19).
    if not p.emergency and act.actor != p.approved_by:
        raise CoercionApprovalRequired(f"{p.approved_by} approves the measure by signing it; {act.actor} may not impose it first")
    require_prerequisites(s, officers, article=f"{ACL}第十八条")
    note_investigators(s, officers)
    s.measures.append(
        Measure(
            version=act.version,
            kind=p.kind,
            imposed_at=act.recorded_at,
            days=p.days,
            approved_by=p.approved_by,
            emergency=p.emergency,
        )
    )
    add_pending(s, act, officers, approver=p.approved_by)


def _coercion_extended(s: CaseState, act: ActRecord, p: CoercionExtended, registry: Registry) -> None:
    require_head(registry, s, act.actor, "extending a measure", article=f"{ACL}第二十五条")
    _not_entrusted(registry, s, act)
    m = approved_measure(s, p.measure, act.recorded_at)
    # ACL Arts 25, 27: the handling decision falls within the seizure's period; once the case is decided or
    # terminated the seizure has served its end and is lifted or disposed of (Art 28(3)), never prolonged.
    ended = s.decision.decided_at if s.decision is not None else s.terminated_at
    if ended is not None:
        how = "decided" if s.decision is not None else "terminated"
        raise CoercionAfterDecision(f"the case was {how} on {local_date(ended)}; the seizure at version {m.version} is lifted or disposed of, not extended")
    if p.notice_sha256 is None:
        raise CoercionExtensionNotNotified("the extension names no written notice to the party (its paper's hash)")
    end = proc.measure_end(s, m, act.recorded_at)
    if when(act) > end.date:
        raise CoercionNotActive(f"the measure ran out on {end.date}; lift it{end.note()}")
    proc.rely_on(s, end)
    if m.extensions >= rule("coercion.max_extensions").value:
        raise CoercionTooLong("the measure was already extended once")
    limit = rule("coercion.max_extension").value
    if not 1 <= p.days <= limit:
        raise CoercionTooLong(f"an extension lasts 1–{limit} days, not {p.days}")
    m.extensions += 1
    m.extension_days += p.days


def _coercion_lifted(s: CaseState, act: ActRecord, p: CoercionLifted, registry: Registry) -> None:
    require_certified_or_head(registry, s, act.actor, act.recorded_at)
    m = held_measure(s, p.measure)
    m.lifted_at = act.recorded_at
    # A lifted emergency measure the head never approved (ACL Art 19: lift it at once) awaits no approval now.
    drop_pending_approval(s, m.version)


HANDLERS: dict[str, Handler] = {
    "coercion.imposed": _coercion,
    "coercion.extended": _coercion_extended,
    "coercion.lifted": _coercion_lifted,
}
