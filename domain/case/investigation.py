"""调查取证 Investigation: credentials, rights, recusal, evidence, inspection, interview, evidence preservation."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from domain import procedure as proc
from domain.acts import ActRecord
from domain.calendar import local_date, period
from domain.case.common import (
    RELEASING_OUTCOMES,
    STAFF_ROLES,
    Handler,
    add_pending,
    awaiting_approval,
    case_holding,
    drop_pending_approval,
    is_head,
    note_investigators,
    party_or_recorder,
    require_certified,
    require_head,
    require_officers,
    require_open_investigation,
    require_prerequisites,
    require_staff,
    when,
)
from domain.case_acts import (
    CredentialsShown,
    DeviceRecord,
    EvidenceCollected,
    InspectionRecorded,
    InterviewRecorded,
    PreservationDecided,
    PreservationRegistered,
    RecusalDecided,
    RecusalRequested,
    RightsInformed,
)
from domain.case_state import (
    CaseState,
    Evidence,
    Preservation,
    Record,
    Recusal,
)
from domain.errors import MalformedAct
from domain.law import APL, rule
from domain.personnel import agency_of, is_auxiliary_only, roles_of
from domain.refusals import (
    ActNotAllowedNow,
    AgencyHeadRequired,
    CoercionUnapproved,
    NonSiteEvidenceNotAllowed,
    OfficerNotCertified,
    PreservationApprovalRequired,
    PreservationLapsed,
    PreservationSeizedWithoutMeasure,
)
from domain.registry import Registry


def _credentials(s: CaseState, act: ActRecord, p: CredentialsShown, registry: Registry) -> None:
    require_staff(registry, act.actor)
    if act.actor not in p.officers and not is_auxiliary_only(registry, act.actor):
        raise MalformedAct("the signer is among the officers who showed credentials")
    _require_officers(s, registry, p.officers, act.recorded_at)
    for officer in p.officers:
        if officer not in s.credentials_shown_by:
            s.credentials_shown_by.append(officer)


def _require_officers(s: CaseState, registry: Registry, officers: Sequence[str], at: dt.datetime) -> None:
    """Each named person is an officer certified for the case's agency and domain (before filing fixes the domain:
    an officer at all)."""
    for officer in officers:
        if s.domain is not None:
            require_certified(registry, s, officer, at)
        elif "officer" not in roles_of(registry, officer):
            raise OfficerNotCertified(f"{officer} is not an officer")


def _rights(s: CaseState, act: ActRecord, p: RightsInformed, registry: Registry) -> None:
    """Art 55: the officers conducting the investigation tell the party its rights — certified officers, with the
    signer among them (or an auxiliary assisting them), never an auxiliary alone."""
    require_staff(registry, act.actor)
    if act.actor not in p.officers and not is_auxiliary_only(registry, act.actor):
        raise MalformedAct("the signer is among the officers who told the party its rights")
    if not p.officers:
        raise MalformedAct("name the officers who told the party its rights")
    _require_officers(s, registry, p.officers, act.recorded_at)
    s.rights_informed_at = act.recorded_at


def _recusal_requested(s: CaseState, act: ActRecord, p: RecusalRequested, registry: Registry) -> None:
    if s.decision is not None:
        raise ActNotAllowedNow("recusal is asked before the decision", article=f"{APL}第四十三条")
    if p.by == "party":
        party_or_recorder(registry, s, act, "recorded" if roles_of(registry, act.actor) & STAFF_ROLES else None)
    else:
        require_staff(registry, act.actor)
    if any(r.officer == p.officer and r.upheld is None for r in s.recusals):
        raise ActNotAllowedNow(f"a recusal of {p.officer} is already pending", article=f"{APL}第四十三条")
    s.recusals.append(Recusal(officer=p.officer, by=p.by, reason=p.reason, requested_at=act.recorded_at))


def _recusal_decided(s: CaseState, act: ActRecord, p: RecusalDecided, registry: Registry) -> None:
    require_head(registry, s, act.actor, "deciding a recusal", article=f"{APL}第四十三条")
    if act.actor == p.officer:
        raise AgencyHeadRequired("nobody decides their own recusal", article=f"{APL}第四十三条")
    open_requests = [r for r in s.recusals if r.officer == p.officer and r.upheld is None]
    if not open_requests:
        raise ActNotAllowedNow(f"no recusal of {p.officer} is pending", article=f"{APL}第四十三条")
    request = open_requests[-1]
    request.upheld, request.decided_at = p.upheld, act.recorded_at
    if p.upheld:
        s.recused.append(p.officer)
        s.officers = [o for o in s.officers if o != p.officer]
        # What the officer did before the decision stands (the investigation does not stop, Art 43);
        # their outstanding co-signatures are no longer expected.
        for pending in s.pending:
            pending.awaiting = [a for a in pending.awaiting if a != p.officer]
        s.pending = [pe for pe in s.pending if pe.awaiting]


def _investigation(s: CaseState, act: ActRecord, p: Any, registry: Registry, approver: str | None = None) -> list[str]:
    require_open_investigation(s, act)
    case_holding(registry, s, act)
    officers = require_officers(registry, s, act, list(p.officers), rule("investigation.min_officers").value, approver=approver)
    note_investigators(s, officers)
    return officers


def _evidence(s: CaseState, act: ActRecord, p: EvidenceCollected, registry: Registry) -> None:
    officers = _investigation(s, act, p, registry)
    require_prerequisites(s, officers)
    if p.collected_at > act.recorded_at:
        raise MalformedAct("evidence cannot be collected after it is recorded")
    if p.device is not None:
        _check_device_record(s, act, p.device, registry)
    elif from_monitoring_device(s, p):
        raise NonSiteEvidenceNotAllowed(
            f"{p.kind} evidence from a monitoring device ({p.source or 'a non-site monitoring lead'}) names no device "
            "record: the device, its legal and technical review, its published location and the review of this record",
        )
    s.evidence.append(
        Evidence(
            version=act.version,
            kind=p.kind,
            sha256=p.sha256,
            size=p.size,
            collected_by=officers,
            collected_at=p.collected_at,
            description=p.description,
            recorded_at=act.recorded_at,
        )
    )
    add_pending(s, act, officers)


# How evidence says it comes from an electronic monitoring device (非现场执法) when no device record is given: its
# ``source`` names the lead source of that name or the device, or, in a case opened on a device's capture, an
# audio-visual or electronic item that names no other source is the device's record.
DEVICE_SOURCE_MARKERS = ("non_site_monitoring", "non-site", "non site", "非现场", "电子技术监控", "技术监控", "监控设备", "电子监控", "电子警察", "抓拍", "monitoring device")
DEVICE_RECORD_KINDS = frozenset({"audio_visual", "electronic"})


def from_monitoring_device(s: CaseState, p: EvidenceCollected) -> bool:
    """Whether the evidence item is a monitoring device's record (APL Art 41), by its source or the case's lead."""
    source = p.source.strip().lower()
    if any(marker in source for marker in DEVICE_SOURCE_MARKERS):
        return True
    lead_from_device = s.lead is not None and s.lead.source == "non_site_monitoring"
    return lead_from_device and not source and p.kind in DEVICE_RECORD_KINDS


def _check_device_record(s: CaseState, act: ActRecord, d: DeviceRecord, registry: Registry) -> None:
    """APL Art 41: the device passed legal and technical review and its location is public (para 1); the record was
    reviewed for being true, clear, complete and accurate before it counts as evidence (para 2), by the agency's staff."""
    if not d.approval_ref or not d.location_published:
        raise NonSiteEvidenceNotAllowed(
            f"device {d.device_id}: {'no legal and technical review' if not d.approval_ref else 'its location is not published'}",
            article=f"{APL}第四十一条第一款",
        )
    if d.record_review_sha256 is None or d.reviewed_by is None:
        raise NonSiteEvidenceNotAllowed(f"the record of device {d.device_id} was not reviewed", article=f"{APL}第四十一条第二款")
    require_staff(registry, d.reviewed_by)
    if agency_of(registry, d.reviewed_by) not in {s.agency, s.in_name_of} - {None}:
        raise NonSiteEvidenceNotAllowed(f"{d.reviewed_by} is not staff of {s.agency}", article=f"{APL}第四十一条第二款")


def _inspection(s: CaseState, act: ActRecord, p: InspectionRecorded, registry: Registry) -> None:
    officers = _investigation(s, act, p, registry)
    require_prerequisites(s, officers)
    s.records.append(Record(version=act.version, kind="inspection", sha256=p.record_sha256, officers=officers, at=act.recorded_at))
    add_pending(s, act, officers)


def _interview(s: CaseState, act: ActRecord, p: InterviewRecorded, registry: Registry) -> None:
    officers = _investigation(s, act, p, registry)
    require_prerequisites(s, officers)
    s.records.append(Record(version=act.version, kind="interview", sha256=p.record_sha256, officers=officers, at=act.recorded_at))
    add_pending(s, act, officers)


def _preservation(s: CaseState, act: ActRecord, p: PreservationRegistered, registry: Registry) -> None:
    officers = _investigation(s, act, p, registry, approver=p.approved_by)
    require_prerequisites(s, officers)
    if not is_head(registry, s, p.approved_by):
        raise AgencyHeadRequired(f"{p.approved_by} is not the head who approves preservation", article=f"{APL}第五十六条")
    # APL Art 56 (经行政机关负责人批准): approval before — the head signs the act; only on the spot in an emergency
    # an officer registers it and the head approves within 24 hours (MS rules Art 33), else it is lifted.
    if not p.emergency and act.actor != p.approved_by:
        raise PreservationApprovalRequired(f"{p.approved_by} approves the preservation by signing it; {act.actor} may not register it first")
    s.preservations.append(
        Preservation(version=act.version, started_at=act.recorded_at, approved_by=p.approved_by, emergency=p.emergency)
    )
    add_pending(s, act, officers, approver=p.approved_by)


def _preservation_decided(s: CaseState, act: ActRecord, p: PreservationDecided, registry: Registry) -> None:
    require_head(registry, s, act.actor, "deciding on preserved evidence", article=f"{APL}第五十六条")
    found = [x for x in s.preservations if x.version == p.preservation and x.decided_at is None]
    if not found:
        raise ActNotAllowedNow(f"no undecided preservation at version {p.preservation}", article=f"{APL}第五十六条")
    preserved = found[0]
    releasing = p.outcome in RELEASING_OUTCOMES
    # APL Art 56: decided within 7 working days; after them the preservation has lapsed (MS rules Art 34), so only
    # returning or releasing the items remains — never seizing, confiscating or passing them on.
    due = period(preserved.started_at, "preservation.decide_within")
    if not releasing and when(act) > due.date:
        raise PreservationLapsed(f"registered {local_date(preserved.started_at)}, to be decided by {due.date}{due.note()}; it can only be returned or released now")
    if not releasing:
        proc.rely_on(s, due)
    if p.outcome == "seized":
        # Seizing the preserved items is a coercive measure of its own (ACL Arts 18, 24): approved, dated, limited —
        # an emergency one only once the head has approved it (ACL Art 19), else it is lifted, not relied on.
        since = [m for m in s.measures if m.lifted_at is None and m.imposed_at >= preserved.started_at]
        if not since:
            raise PreservationSeizedWithoutMeasure(f"no seizure in force was imposed since the preservation of {local_date(preserved.started_at)}")
        if all(awaiting_approval(s, m) for m in since):
            raise CoercionUnapproved(f"the seizure at version {since[0].version} is an emergency measure the head has not approved")
    preserved.decided_at, preserved.outcome = act.recorded_at, p.outcome
    if releasing:
        # A released emergency preservation the head never approved awaits no approval now (as a lifted seizure).
        drop_pending_approval(s, preserved.version)


HANDLERS: dict[str, Handler] = {
    "credentials.shown": _credentials,
    "rights.informed": _rights,
    "recusal.requested": _recusal_requested,
    "recusal.decided": _recusal_decided,
    "evidence.collected": _evidence,
    "inspection.recorded": _inspection,
    "interview.recorded": _interview,
    "preservation.registered": _preservation,
    "preservation.decided": _preservation_decided,
}
