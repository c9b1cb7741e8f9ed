"""附注、更正、回访、投诉、会签 Annotations, follow-up, complaints, co-signatures.

The first five are annotations (``ANNOTATIONS``): a closed or archived case still takes them. A co-signature
(``act.cosigned``, Art 42) completes an act signed by several officers; until every named person has signed, the
act is pending and the case cannot advance (see ``common.gate``).
"""

from __future__ import annotations

from domain.acts import ActRecord
from domain.calendar import hours_after
from domain.case.common import (
    Handler,
    is_head,
    require_certified,
    require_in_case,
    require_staff,
)
from domain.case_acts import (
    ActCosigned,
    CaseNote,
    ComplaintAnswered,
    ComplaintReceived,
    CorrectionRecorded,
    FollowUpVisited,
)
from domain.case_state import (
    CaseState,
    Complaint,
    FollowUp,
)
from domain.errors import MalformedAct, NotAuthorised
from domain.law import rule
from domain.personnel import roles_of
from domain.refusals import (
    ActNotAllowedNow,
    AgencyHeadRequired,
    CoercionApprovalLate,
    CoSignatureNotExpected,
    PreservationApprovalLate,
)
from domain.registry import Registry


def _note(s: CaseState, act: ActRecord, p: CaseNote, registry: Registry) -> None:  # pragma: no cover - fast path
    return None


def _correction(s: CaseState, act: ActRecord, p: CorrectionRecorded, registry: Registry) -> None:
    require_staff(registry, act.actor)
    # Only the agency that made the act corrects it: staff of the case's agency or people named in the case.
    require_in_case(s, act, registry)
    if not 1 <= p.corrects < act.version:
        raise MalformedAct(f"a correction names an earlier act of this case, not version {p.corrects}")
    s.corrections.append(p.corrects)


def _follow_up(s: CaseState, act: ActRecord, p: FollowUpVisited, registry: Registry) -> None:
    require_staff(registry, act.actor)
    if s.decision is None and s.closed_at is None:
        raise ActNotAllowedNow("a follow-up visit comes after the decision", article=rule("followup.satisfaction_max").article)
    s.follow_ups.append(FollowUp(at=act.recorded_at, by=act.actor, satisfaction=p.satisfaction))


def _complaint(s: CaseState, act: ActRecord, p: ComplaintReceived, registry: Registry) -> None:
    if not roles_of(registry, act.actor):
        raise NotAuthorised(f"{act.actor} holds no registered role")
    s.complaints.append(Complaint(version=act.version, at=act.recorded_at, by=p.by, channel=p.channel))


def _complaint_answered(s: CaseState, act: ActRecord, p: ComplaintAnswered, registry: Registry) -> None:
    require_staff(registry, act.actor)
    found = [c for c in s.complaints if c.version == p.complaint and c.answered_at is None]
    if not found:
        raise ActNotAllowedNow(f"no open complaint at version {p.complaint}", article=rule("followup.satisfaction_max").article)
    found[0].answered_at = act.recorded_at


def _cosigned(s: CaseState, act: ActRecord, p: ActCosigned, registry: Registry) -> None:
    found = [x for x in s.pending if x.version == p.act_version and act.actor in x.awaiting]
    if not found:
        raise CoSignatureNotExpected(f"{act.actor} is not awaited on version {p.act_version}")
    pending = found[0]
    if act.actor == pending.approver:
        if not is_head(registry, s, act.actor):
            raise AgencyHeadRequired(f"{act.actor} is no longer the head who approves")
        _check_emergency_approval(s, act, pending.version)
    elif pending.act_type == "collective.discussed":
        if not is_head(registry, s, act.actor):
            raise AgencyHeadRequired(f"{act.actor} is no longer a head of {s.agency}", article=rule("collective_discussion.min_heads").article)
    elif s.domain is not None:
        require_certified(registry, s, act.actor, act.recorded_at)
    pending.awaiting.remove(act.actor)
    if not pending.awaiting:
        s.pending.remove(pending)


def _check_emergency_approval(s: CaseState, act: ActRecord, version: int) -> None:
    """ACL Art 19: an emergency measure is reported and approved within 24 hours, counted in hours; likewise an
    emergency preservation of evidence (MS rules Art 33)."""
    for x in s.preservations:
        if x.version == version and x.emergency and act.recorded_at > hours_after(x.started_at, "preservation.emergency_approval"):
            raise PreservationApprovalLate(
                f"the evidence was registered at {x.started_at:%Y-%m-%d %H:%M}Z; approval was due within "
                f"{rule('preservation.emergency_approval').value} hours — release it"
            )
    for m in s.measures:
        if m.version == version and m.emergency and act.recorded_at > hours_after(m.imposed_at, "coercion.emergency_report"):
            raise CoercionApprovalLate(
                f"the measure was imposed at {m.imposed_at:%Y-%m-%d %H:%M}Z; approval was due within "
                f"{rule('coercion.emergency_report').value} hours — lift it"
            )


HANDLERS: dict[str, Handler] = {
    "case.note": _note,
    "correction.recorded": _correction,
    "follow_up.visited": _follow_up,
    "complaint.received": _complaint,
    "complaint.answered": _complaint_answered,
    "act.cosigned": _cosigned,
}
