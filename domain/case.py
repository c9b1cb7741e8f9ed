"""The case state machine: ``apply_case(state, act, registry)`` returns the next state or raises a DomainError.

Pure and deterministic: the same acts in the same order always give the same state (replay == live). Each act
type has one handler; before it runs, gates common to all acts apply in this order: the case is not finished
(closed or archived cases take only annotations), no officer whose recusal was upheld takes part (Art 43),
auxiliary staff never act alone on the six forbidden kinds, and acts that move the case past investigation wait
until every named co-signer has signed.

Several signers (Art 42, ACL Art 18): an investigation, inspection, interview, evidence-preservation or coercion
act — and an on-the-spot decision — names its ``officers`` (at least two, each holding a certificate in force for
the case's agency and domain on that day) and, where the law asks for the head's approval, ``approved_by``. The
signer must be one of the named officers (or an auxiliary assisting them). Every other named person then signs
``act.cosigned`` naming the act's version with their own key; until all have, the act is *pending* and the case
cannot be notified, decided, transferred or closed. So each officer's participation carries their own
signature, and the two-officer rule is checked on certificates at the act's time, not on a claim.

The legal time of every act is the ledger's ``recorded_at`` read as an Asia/Shanghai date; windows and limits are
recomputed from the state (``domain.procedure``), never stored.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Callable
from typing import Any

import msgspec

from domain import procedure as proc
from domain.acts import ActRecord, payload_as
from domain.calendar import add_months, local_date
from domain.case_acts import (
    ANNOTATIONS,
    AUXILIARY_FORBIDDEN,
    CASE_ACTS,
    ActCosigned,
    CaseArchived,
    CaseClosed,
    CaseDeclined,
    CaseFiled,
    CaseNote,
    CaseTerminated,
    CoercionExtended,
    CoercionImposed,
    CoercionLifted,
    CollectiveDiscussed,
    ComplaintAnswered,
    ComplaintReceived,
    CorrectionRecorded,
    CourtEnforcementApplied,
    CourtEnforcementConcluded,
    CredentialsShown,
    DecisionMade,
    EvidenceCollected,
    ExtensionApproved,
    FilingExtended,
    FollowUpVisited,
    HearingHeld,
    HearingRecorded,
    HearingRequested,
    HearingScheduled,
    HearingWithdrawn,
    InspectionRecorded,
    InterviewRecorded,
    LateFeeAssessed,
    LeadReceived,
    LegalReviewed,
    NoPenaltyDecided,
    NoticeIssued,
    OfficersAssigned,
    PauseEnded,
    PauseStarted,
    PaymentDeferred,
    PaymentRecorded,
    PreservationDecided,
    PreservationRegistered,
    RecusalDecided,
    RecusalRequested,
    ReferralResultSent,
    RemedyDecided,
    RemedyFiled,
    ReminderSent,
    RightsInformed,
    RightWaived,
    ServiceRecorded,
    SimpleDecided,
    SimpleReported,
    StatementMade,
    TransferApproved,
    TransferReceipt,
    TransferReported,
    TransferSent,
)
from domain.case_state import (
    CaseState,
    Complaint,
    Decision,
    Deferral,
    Discussion,
    Evidence,
    Extension,
    FollowUp,
    Hearing,
    Lead,
    Measure,
    Notice,
    Pause,
    Payment,
    Pending,
    Preservation,
    Record,
    Recusal,
    Remedy,
    Review,
    Statement,
    Transfer,
)
from domain.catalog import SIMPLE_KINDS, Holding, ItemTerms, item_of, require_holding
from domain.errors import DomainError, MalformedAct, NotAuthorised
from domain.law import ACL, APL, rule
from domain.money import LimitationKind, late_fee, limitation_expired
from domain.parties import check_party
from domain.personnel import agency_of, certificate_for, is_auxiliary_only, is_head_of, roles_of
from domain.refusals import (
    ActNotAllowedNow,
    AgencyHeadRequired,
    AuxiliaryActingAlone,
    CaseFinished,
    CaseNotFiled,
    ClosureBeforePerformance,
    CoercionBarred,
    CoercionNotActive,
    CoercionTooLong,
    CollectiveDiscussionRequired,
    CoSignatureNotExpected,
    CoSignaturePending,
    CredentialsNotShown,
    DecisionExceedsNotice,
    DecisionTimeLimitExceeded,
    DecisionWithoutNotice,
    EnforcementPremature,
    ExemptFirstViolation,
    ExtensionNotAllowed,
    FineOutsideBand,
    FineOutsideRange,
    HearingNotAvailable,
    HearingNoticeTooShort,
    HearingPresiderInvestigated,
    HearingRecordRequired,
    HearingRequestLate,
    HearingRequestWindowOpen,
    HearingRequired,
    HeavierAfterDefence,
    LateFeeExcessive,
    LegalReviewerRequired,
    LegalReviewRequired,
    LightPenaltyListIgnored,
    NotTheParty,
    OfficerNotCertified,
    OfficerRecused,
    OnTheSpotCollectionNotAllowed,
    PenaltyNotInBasis,
    PenaltyTimeBarred,
    ReconsiderationFirst,
    ReferralResultRequired,
    SimpleProcedureNotAllowed,
    StatementWindowOpen,
    TooFewOfficers,
    TransferNotApproved,
    UnknownAgency,
)
from domain.registry import Registry

__all__ = ["CaseAlreadyOpen", "CaseNotOpen", "CaseState", "LeadReceived", "apply_case", "invariant_violations", "status_of"]


class CaseNotOpen(DomainError):
    code = "case-not-open"
    title = "案件尚未登记线索"
    title_en = "A case starts with a lead"
    article = f"{APL}第五十四条"
    status = 422


class CaseAlreadyOpen(DomainError):
    code = "case-already-open"
    title = "案件已存在"
    title_en = "The case already exists"
    status = 409


STAFF_ROLES = frozenset({"officer", "auxiliary", "agency_head", "legal_reviewer", "supervisor"})
# Acts that move the case past investigation: every named co-signer must have signed first (Art 42).
ADVANCING = frozenset(
    {"notice.issued", "decision.made", "no_penalty.decided", "transfer.sent", "case.closed", "case.archived"}
)
# What auxiliary staff may do with certified officers named on the act: accept (1) and investigate/coerce (2).
_AUXILIARY_WITH = {
    "accept": rule("auxiliary.min_officers_with").value,
    "investigate": rule("investigation.min_officers").value,
    "coerce": rule("investigation.min_officers").value,
}

Handler = Callable[[CaseState, ActRecord, Any, Registry], None]


# -- public API ------------------------------------------------------------------------------------------------
def apply_case(state: CaseState | None, act: ActRecord, registry: Registry) -> CaseState:
    """Apply one case act to the case's state (None before its first act); return the new state or raise."""
    schema = CASE_ACTS.get(act.type)
    if schema is None:
        raise MalformedAct(f"{act.type!r} is not a case act")
    if act.type == "lead.received":
        if state is not None:
            raise CaseAlreadyOpen(f"case {act.stream} is at version {state.version}")
        return _open_case(act, payload_as(act, LeadReceived), registry)
    if state is None:
        raise CaseNotOpen(f"{act.type} on case {act.stream}, which has no lead")
    payload = payload_as(act, schema)
    if act.type == "case.note":
        # The hot path: an annotation changes nothing but the history, so no deep copy is needed.
        _gate_recused(state, act, payload)
        return msgspec.structs.replace(
            state, version=act.version, updated_at=act.recorded_at, acts=[*state.acts, act.type]
        )
    _gate(state, act, payload, registry)
    new = copy.deepcopy(state)
    _HANDLERS[act.type](new, act, payload, registry)
    new.version = act.version
    new.updated_at = act.recorded_at
    new.acts.append(act.type)
    new.status = status_of(new)
    return new


def status_of(s: CaseState) -> str:
    """The case's stage, derived from its fields (never set by hand)."""
    if s.archived_at is not None:
        return "archived"
    if s.closed_at is not None:
        return "closed"
    if s.declined_at is not None:
        return "declined"
    if s.transfer is not None and s.transfer.sent_at is not None:
        return "transferred"
    if s.terminated_at is not None:
        return "terminated"
    d = s.decision
    if d is not None:
        if d.void:
            return "decision_void"
        if proc.remedy_pending(s):
            return "under_review"
        if proc.performed(s):
            return "performed"
        if s.court_applied_at is not None:
            return "court_enforcement"
        return "served" if d.served_at is not None else "decided"
    if s.hearing is not None and proc.hearing_pending(s):
        return "hearing"
    if s.notice is not None:
        return "notified" if s.notice.served_at is not None else "notice_issued"
    if s.evidence or s.records or s.measures or s.preservations:
        return "investigating"
    if s.filed_at is not None:
        return "filed"
    return "lead"


def invariant_violations(s: CaseState) -> list[str]:
    """States the law never allows; the property tests assert this is empty after every accepted act."""
    bad: list[str] = []
    d = s.decision
    if s.closed_at is not None and not (
        (d is not None and (proc.performed(s) or s.court_outcome is not None))
        or s.terminated_at is not None
        or (s.transfer is not None and s.transfer.sent_at is not None)
    ):
        bad.append("closed without a performed decision, termination or transfer")
    if s.archived_at is not None and s.closed_at is None and s.declined_at is None:
        bad.append("archived without closure or decline")
    if d is not None and d.kind == "penalty" and (s.notice is None or s.notice.served_at is None):
        bad.append("penalty decision without a served notice")
    if d is not None and d.kind != "simple" and s.filed_at is None:
        bad.append("decision without filing")
    if d is not None and d.kind == "simple" and (s.filed_at is not None or d.fine_fen > rule("simple.fine_organisation_max").value):
        bad.append("simple procedure beyond its limits")
    if s.hearing is not None and s.hearing.presider in s.investigators:
        bad.append("hearing presided by an investigator")
    for m in s.measures:
        if m.days > rule("coercion.max_period").value or m.extension_days > rule("coercion.max_extension").value:
            bad.append(f"measure {m.version} beyond 30 + 30 days")
    if s.declined_at is not None and s.filed_at is not None:
        bad.append("both filed and declined")
    if set(s.recused) & set(s.officers):
        bad.append("a recused officer is still assigned")
    return bad


# -- gates -----------------------------------------------------------------------------------------------------
def _named(payload: Any) -> list[str]:
    """People an act names as taking part (officers, presider, approver)."""
    names: list[str] = list(getattr(payload, "officers", []) or [])
    for attr in ("presider", "approved_by"):
        value = getattr(payload, attr, None)
        if isinstance(value, str):
            names.append(value)
    return names


def _gate_recused(s: CaseState, act: ActRecord, payload: Any) -> None:
    if not s.recused:
        return
    if act.actor in s.recused:
        raise OfficerRecused(f"{act.actor} withdrew from case {s.case_id} (recusal upheld)")
    for name in _named(payload):
        if name in s.recused:
            raise OfficerRecused(f"{name} withdrew from case {s.case_id} (recusal upheld)")


def _gate_auxiliary(act: ActRecord, payload: Any, registry: Registry) -> None:
    kind = AUXILIARY_FORBIDDEN.get(act.type)
    if kind is None or not is_auxiliary_only(registry, act.actor):
        return
    needed = _AUXILIARY_WITH.get(kind)
    others = {o for o in getattr(payload, "officers", []) or [] if o != act.actor}
    if needed is None or len(others) < needed:
        with_whom = f"; needs {needed} certified officer(s) named with it" if needed else ""
        raise AuxiliaryActingAlone(f"{act.actor} is auxiliary staff and may not {kind} alone{with_whom}")


def _gate(s: CaseState, act: ActRecord, payload: Any, registry: Registry) -> None:
    if s.archived_at is not None and act.type not in ANNOTATIONS:
        raise CaseFinished(f"case {s.case_id} was archived on {local_date(s.archived_at)}")
    if s.closed_at is not None and act.type not in ANNOTATIONS | {"case.archived"}:
        raise CaseFinished(f"case {s.case_id} was closed on {local_date(s.closed_at)}")
    _gate_recused(s, act, payload)
    _gate_auxiliary(act, payload, registry)
    if act.type in ADVANCING and s.pending:
        waiting = "; ".join(f"v{p.version} {p.act_type}: {', '.join(p.awaiting)}" for p in s.pending)
        raise CoSignaturePending(f"still to co-sign: {waiting}")


# -- shared checks ---------------------------------------------------------------------------------------------
def _when(act: ActRecord) -> dt.date:
    return local_date(act.recorded_at)


def _require_staff(registry: Registry, actor: str) -> None:
    if not roles_of(registry, actor) & STAFF_ROLES:
        raise NotAuthorised(f"{actor} is not enforcement staff")


def _is_certified(registry: Registry, s: CaseState, person: str, when: dt.datetime) -> bool:
    if s.agency is None or s.domain is None:
        return False
    return certificate_for(registry, person, s.agency, s.domain, when) is not None


def _require_certified(registry: Registry, s: CaseState, person: str, when: dt.datetime) -> None:
    if s.agency is None or s.domain is None:
        raise CaseNotFiled(f"case {s.case_id} has no agency and domain yet; file it with its catalog item")
    if certificate_for(registry, person, s.agency, s.domain, when) is None:
        raise OfficerNotCertified(
            f"{person} holds no certificate in force for {s.agency} / {s.domain} on {local_date(when)}"
        )


def _require_certified_or_head(registry: Registry, s: CaseState, person: str, when: dt.datetime) -> None:
    if _is_head(registry, s, person):
        return
    _require_certified(registry, s, person, when)


def _is_head(registry: Registry, s: CaseState, person: str) -> bool:
    return is_head_of(registry, person, s.agency) or is_head_of(registry, person, s.in_name_of)


def _require_head(registry: Registry, s: CaseState, person: str, what: str, article: str | None = None) -> None:
    if not _is_head(registry, s, person):
        raise AgencyHeadRequired(f"{what} is for the head of {s.agency}; {person} is not", article=article)


def _require_filed(s: CaseState, act: ActRecord) -> None:
    if s.filed_at is None:
        raise CaseNotFiled(f"{act.type} needs a filed case")


def _require_open_investigation(s: CaseState, act: ActRecord) -> None:
    _require_filed(s, act)
    if s.decision is not None or s.terminated_at is not None or s.transfer_sent:
        raise ActNotAllowedNow(f"{act.type} after the case was decided, terminated or transferred")


def _holding(registry: Registry, s: CaseState, act: ActRecord) -> Holding:
    if s.catalog_item is None:
        raise CaseNotFiled(f"case {s.case_id} names no catalog item")
    return require_holding(registry, s.agency, s.catalog_item, act.recorded_at)


def _require_officers(
    registry: Registry, s: CaseState, act: ActRecord, officers: list[str], minimum: int
) -> list[str]:
    """At least ``minimum`` distinct certified officers; the signer is one of them or an auxiliary assisting."""
    named = list(dict.fromkeys(officers))
    if len(named) < minimum:
        raise TooFewOfficers(f"{act.type} names {len(named)} officer(s); at least {minimum} certified are needed")
    for officer in named:
        _require_certified(registry, s, officer, act.recorded_at)
    if act.actor not in named and not is_auxiliary_only(registry, act.actor):
        raise MalformedAct(f"the signer {act.actor} is not among the officers named on the act")
    return named


def _add_pending(s: CaseState, act: ActRecord, people: list[str], approver: str | None = None) -> None:
    awaiting = [p for p in dict.fromkeys([*people, *([approver] if approver else [])]) if p != act.actor]
    if awaiting:
        s.pending.append(Pending(version=act.version, act_type=act.type, awaiting=awaiting, approver=approver))


def _note_investigators(s: CaseState, officers: list[str]) -> None:
    for officer in officers:
        if officer not in s.investigators:
            s.investigators.append(officer)


def _party_or_recorder(registry: Registry, s: CaseState, act: ActRecord, paper: str | None) -> str:
    """The party signs its own acts; staff may record them with the signed paper's hash. Returns who."""
    if s.party is not None and s.party.person == act.actor:
        return "party"
    roles = roles_of(registry, act.actor)
    if roles & STAFF_ROLES and paper is not None:
        return act.actor
    raise NotTheParty(f"{act.actor} is not the party, and staff recording the party's act give the paper's hash")


def _terms(registry: Registry, s: CaseState, act: ActRecord) -> ItemTerms:
    return _holding(registry, s, act).terms


def _check_penalty(
    terms: ItemTerms,
    penalties: list[str],
    fine_fen: int,
    band_level: str | None,
    reason_outside_band: str | None,
) -> bool:
    """Penalty kinds in the basis, fine inside the range and band. Returns whether the fine is outside the band."""
    unknown = sorted(set(penalties) - set(terms.penalty_kinds))
    if unknown:
        raise PenaltyNotInBasis(f"{terms.basis} provides {terms.penalty_kinds}, not {unknown}")
    if ("fine" in penalties) != (fine_fen > 0):
        raise MalformedAct("fine_fen is positive exactly when the penalties include a fine")
    if fine_fen == 0:
        return False
    band = next((b for b in terms.bands if b.level == band_level), None)
    if band_level is not None and band is None:
        raise MalformedAct(f"the item has no {band_level} band")
    if band is None and terms.bands:
        raise MalformedAct("the item has discretion bands; the decision names the band it applies")
    below_ok = band_level == "mitigated"  # 减轻处罚 (Art 32) goes below the statutory minimum
    if fine_fen > terms.fine_max_fen or (fine_fen < terms.fine_min_fen and not below_ok):
        raise FineOutsideRange(
            f"fine {fine_fen} fen; {terms.basis} allows {terms.fine_min_fen}–{terms.fine_max_fen} fen",
            article=terms.basis,
        )
    outside = band is not None and not band.min_fen <= fine_fen <= band.max_fen
    if outside and not (reason_outside_band or "").strip():
        assert band is not None
        raise FineOutsideBand(f"fine {fine_fen} fen is outside the {band.level} band {band.min_fen}–{band.max_fen} fen")
    return outside


def _check_exemption(terms: ItemTerms, first: bool, corrected: bool, harm: str, band: str | None) -> None:
    if terms.exemption_list and first and corrected and harm in ("none", "slight"):
        raise ExemptFirstViolation(f"{terms.name} is on the exemption list (免罚清单); this is a first, corrected, slight violation")
    if terms.light_penalty_list and first and corrected and band in ("general", "heavier"):
        raise LightPenaltyListIgnored(f"{terms.name} is on the light-penalty list; the band is {band}")


def _check_limitation(s: CaseState, terms: ItemTerms, ended: dt.date, harm_to_life: bool) -> None:
    discovered = local_date(s.lead.received_at) if s.lead is not None else local_date(s.opened_at)
    kind: LimitationKind = "life_health_finance" if terms.life_health_finance and harm_to_life else "general"
    if limitation_expired(ended, discovered, kind):
        key = "limitation.life_health_finance" if kind != "general" else "limitation.general"
        raise PenaltyTimeBarred(
            f"violation ended {ended}, discovered {discovered}: beyond {rule(key).value} years", article=rule(key).article
        )


def _check_time_limit(s: CaseState, act: ActRecord) -> None:
    limit = proc.decision_time_limit(s, act.recorded_at)
    if limit is not None and _when(act) > limit.date:
        raise DecisionTimeLimitExceeded(f"the time limit ran out on {limit.date}; no approved extension covers {_when(act)}")


# -- handlers --------------------------------------------------------------------------------------------------
def _open_case(act: ActRecord, lead: LeadReceived, registry: Registry) -> CaseState:
    _require_staff(registry, act.actor)
    _gate_auxiliary(act, lead, registry)
    if is_auxiliary_only(registry, act.actor):
        for officer in lead.officers:
            if not roles_of(registry, officer) & {"officer", "agency_head"}:
                raise AuxiliaryActingAlone(f"{officer} named with the auxiliary is not an officer")
    agency = lead.agency or agency_of(registry, act.actor)
    if lead.agency is not None and lead.agency not in registry.agencies:
        raise UnknownAgency(f"agency {lead.agency!r} is not registered")
    domain = None
    if lead.catalog_item is not None:
        domain = item_of(registry, lead.catalog_item).latest.domain
    party = check_party(lead.party) if lead.party is not None else None
    referred_by = lead.referred_by or (lead.channel if lead.source == "referral" else None)
    state = CaseState(
        case_id=act.stream,
        version=act.version,
        status="lead",
        opened_at=act.recorded_at,
        updated_at=act.recorded_at,
        catalog_item=lead.catalog_item,
        acts=[act.type],
        agency=agency,
        domain=domain,
        party=party,
        lead=Lead(
            source=lead.source,
            channel=lead.channel,
            summary=lead.summary,
            received_at=act.recorded_at,
            referred_by=referred_by,
            referral_ref=lead.referral_ref,
            ticket=lead.ticket,
        ),
    )
    if is_auxiliary_only(registry, act.actor):
        _add_pending(state, act, list(lead.officers))
    return state


def _filed(s: CaseState, act: ActRecord, p: CaseFiled, registry: Registry) -> None:
    if s.filed_at is not None or s.declined_at is not None or s.decision is not None:
        raise ActNotAllowedNow("the lead was already filed, declined or decided", article=f"{APL}第五十四条")
    item = p.catalog_item or s.catalog_item
    if item is None:
        raise MalformedAct("filing names the catalog item (the power exercised)")
    if s.agency is None:
        raise UnknownAgency("the case has no agency")
    held = require_holding(registry, s.agency, item, act.recorded_at)
    s.catalog_item, s.domain, s.in_name_of = item, held.terms.domain, held.in_name_of
    _require_certified_or_head(registry, s, act.actor, act.recorded_at)
    party = p.party or s.party
    if party is None:
        raise MalformedAct("filing names the party")
    s.party = check_party(party)
    s.filed_at, s.filed_by, s.procedure = act.recorded_at, act.actor, "general"
    s.violation_began, s.violation_ended = p.violation_began, p.violation_ended
    s.major_public_interest |= p.major_public_interest
    s.complex |= p.complex


def _declined(s: CaseState, act: ActRecord, p: CaseDeclined, registry: Registry) -> None:
    if s.filed_at is not None or s.declined_at is not None or s.decision is not None:
        raise ActNotAllowedNow("only a lead not yet filed or decided is declined", article=f"{APL}第五十四条")
    if s.domain is not None:
        _require_certified_or_head(registry, s, act.actor, act.recorded_at)
    elif not (_is_head(registry, s, act.actor) or "officer" in roles_of(registry, act.actor)):
        raise AgencyHeadRequired("declining a lead is for an officer or the head")
    s.declined_at, s.decline_ground = act.recorded_at, p.ground


def _filing_extended(s: CaseState, act: ActRecord, p: FilingExtended, registry: Registry) -> None:
    article = rule("filing.extension").article
    if s.filed_at is not None or s.declined_at is not None or s.decision is not None or s.filing_extended_at is not None:
        raise ActNotAllowedNow("the filing decision is extended once, before filing or declining", article=article)
    _require_head(registry, s, act.actor, "extending the filing decision", article=article)
    window = proc.filing_window(s)
    if window is not None and _when(act) > window.date:
        raise ActNotAllowedNow(f"the filing window closed on {window.date}", article=article)
    s.filing_extended_at = act.recorded_at


def _referral_result(s: CaseState, act: ActRecord, p: ReferralResultSent, registry: Registry) -> None:
    _require_staff(registry, act.actor)
    if s.lead is None or s.lead.source != "referral":
        raise ActNotAllowedNow("only a referred lead's result is sent back (抄告)", article=ReferralResultRequired.article)
    if s.filed_at is None and s.declined_at is None and s.decision is None:
        raise ActNotAllowedNow("the result goes back once the lead is filed, declined or decided", article=ReferralResultRequired.article)
    s.referral_result_at = act.recorded_at


def _assigned(s: CaseState, act: ActRecord, p: OfficersAssigned, registry: Registry) -> None:
    _require_filed(s, act)
    _require_certified_or_head(registry, s, act.actor, act.recorded_at)
    named = list(dict.fromkeys(p.officers))
    minimum = rule("investigation.min_officers").value
    if len(named) < minimum:
        raise TooFewOfficers(f"{len(named)} officer(s) assigned; at least {minimum}")
    for officer in named:
        _require_certified(registry, s, officer, act.recorded_at)
    s.officers = named


def _credentials(s: CaseState, act: ActRecord, p: CredentialsShown, registry: Registry) -> None:
    _require_staff(registry, act.actor)
    if act.actor not in p.officers and not is_auxiliary_only(registry, act.actor):
        raise MalformedAct("the signer is among the officers who showed credentials")
    for officer in p.officers:
        if s.domain is not None:
            _require_certified(registry, s, officer, act.recorded_at)
        elif "officer" not in roles_of(registry, officer):
            raise OfficerNotCertified(f"{officer} is not an officer")
        if officer not in s.credentials_shown_by:
            s.credentials_shown_by.append(officer)


def _rights(s: CaseState, act: ActRecord, p: RightsInformed, registry: Registry) -> None:
    _require_staff(registry, act.actor)
    s.rights_informed_at = act.recorded_at


def _recusal_requested(s: CaseState, act: ActRecord, p: RecusalRequested, registry: Registry) -> None:
    if s.decision is not None:
        raise ActNotAllowedNow("recusal is asked before the decision", article=f"{APL}第四十三条")
    if p.by == "party":
        _party_or_recorder(registry, s, act, "recorded" if roles_of(registry, act.actor) & STAFF_ROLES else None)
    else:
        _require_staff(registry, act.actor)
    if any(r.officer == p.officer and r.upheld is None for r in s.recusals):
        raise ActNotAllowedNow(f"a recusal of {p.officer} is already pending", article=f"{APL}第四十三条")
    s.recusals.append(Recusal(officer=p.officer, by=p.by, reason=p.reason, requested_at=act.recorded_at))


def _recusal_decided(s: CaseState, act: ActRecord, p: RecusalDecided, registry: Registry) -> None:
    _require_head(registry, s, act.actor, "deciding a recusal", article=f"{APL}第四十三条")
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


def _investigation(s: CaseState, act: ActRecord, p: Any, registry: Registry) -> list[str]:
    _require_open_investigation(s, act)
    _holding(registry, s, act)
    officers = _require_officers(registry, s, act, list(p.officers), rule("investigation.min_officers").value)
    _note_investigators(s, officers)
    return officers


def _evidence(s: CaseState, act: ActRecord, p: EvidenceCollected, registry: Registry) -> None:
    officers = _investigation(s, act, p, registry)
    if p.collected_at > act.recorded_at:
        raise MalformedAct("evidence cannot be collected after it is recorded")
    s.evidence.append(
        Evidence(
            version=act.version,
            kind=p.kind,
            sha256=p.sha256,
            size=p.size,
            collected_by=officers,
            collected_at=p.collected_at,
            description=p.description,
        )
    )
    _add_pending(s, act, officers)


def _require_credentials(s: CaseState, officers: list[str]) -> None:
    missing = [o for o in officers if o not in s.credentials_shown_by]
    if missing:
        raise CredentialsNotShown(f"{', '.join(missing)} showed no credentials in this case")


def _inspection(s: CaseState, act: ActRecord, p: InspectionRecorded, registry: Registry) -> None:
    officers = _investigation(s, act, p, registry)
    _require_credentials(s, officers)
    s.records.append(Record(version=act.version, kind="inspection", sha256=p.record_sha256, officers=officers, at=act.recorded_at))
    _add_pending(s, act, officers)


def _interview(s: CaseState, act: ActRecord, p: InterviewRecorded, registry: Registry) -> None:
    officers = _investigation(s, act, p, registry)
    _require_credentials(s, officers)
    s.records.append(Record(version=act.version, kind="interview", sha256=p.record_sha256, officers=officers, at=act.recorded_at))
    _add_pending(s, act, officers)


def _preservation(s: CaseState, act: ActRecord, p: PreservationRegistered, registry: Registry) -> None:
    officers = _investigation(s, act, p, registry)
    if not _is_head(registry, s, p.approved_by):
        raise AgencyHeadRequired(f"{p.approved_by} is not the head who approves preservation", article=f"{APL}第五十六条")
    s.preservations.append(Preservation(version=act.version, started_at=act.recorded_at, approved_by=p.approved_by))
    _add_pending(s, act, officers, approver=p.approved_by)


def _preservation_decided(s: CaseState, act: ActRecord, p: PreservationDecided, registry: Registry) -> None:
    _require_head(registry, s, act.actor, "deciding on preserved evidence", article=f"{APL}第五十六条")
    found = [x for x in s.preservations if x.version == p.preservation and x.decided_at is None]
    if not found:
        raise ActNotAllowedNow(f"no undecided preservation at version {p.preservation}", article=f"{APL}第五十六条")
    found[0].decided_at, found[0].outcome = act.recorded_at, p.outcome


def _coercion(s: CaseState, act: ActRecord, p: CoercionImposed, registry: Registry) -> None:
    _require_open_investigation(s, act)
    terms = _terms(registry, s, act)
    if terms.no_coercion_list:
        raise CoercionBarred(f"{terms.name} is on the no-coercion list")
    limit = rule("coercion.max_period").value
    if not 1 <= p.days <= limit:
        raise CoercionTooLong(f"{p.days} days requested; a measure lasts 1–{limit} days")
    officers = _require_officers(registry, s, act, list(p.officers), rule("investigation.min_officers").value)
    if not _is_head(registry, s, p.approved_by):
        raise AgencyHeadRequired(f"{p.approved_by} is not the head who approves the measure", article=f"{ACL}第十八条")
    _note_investigators(s, officers)
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
    _add_pending(s, act, officers, approver=p.approved_by)


def _measure(s: CaseState, version: int) -> Measure:
    for m in s.measures:
        if m.version == version and m.lifted_at is None:
            return m
    raise CoercionNotActive(f"no measure in force was imposed at version {version}")


def _coercion_extended(s: CaseState, act: ActRecord, p: CoercionExtended, registry: Registry) -> None:
    _require_head(registry, s, act.actor, "extending a measure", article=f"{ACL}第二十五条")
    m = _measure(s, p.measure)
    end = proc.measure_end(s, m, act.recorded_at)
    if _when(act) > end.date:
        raise CoercionNotActive(f"the measure ran out on {end.date}; lift it")
    if m.extensions >= rule("coercion.max_extensions").value:
        raise CoercionTooLong("the measure was already extended once")
    limit = rule("coercion.max_extension").value
    if not 1 <= p.days <= limit:
        raise CoercionTooLong(f"an extension lasts 1–{limit} days, not {p.days}")
    m.extensions += 1
    m.extension_days += p.days


def _coercion_lifted(s: CaseState, act: ActRecord, p: CoercionLifted, registry: Registry) -> None:
    _require_certified_or_head(registry, s, act.actor, act.recorded_at)
    _measure(s, p.measure).lifted_at = act.recorded_at


def _pause_started(s: CaseState, act: ActRecord, p: PauseStarted, registry: Registry) -> None:
    _require_filed(s, act)
    _require_certified_or_head(registry, s, act.actor, act.recorded_at)
    if p.measure is not None:
        _measure(s, p.measure)
    if proc.open_pauses(s, p.measure):
        raise ActNotAllowedNow("a pause of this clock is already running", article=rule("decision.time_limit").article)
    s.pauses.append(Pause(kind=p.kind, started_at=act.recorded_at, measure=p.measure))


def _pause_ended(s: CaseState, act: ActRecord, p: PauseEnded, registry: Registry) -> None:
    _require_certified_or_head(registry, s, act.actor, act.recorded_at)
    running = [x for x in proc.open_pauses(s, p.measure) if x.kind == p.kind]
    if not running:
        raise ActNotAllowedNow(f"no {p.kind} pause is running", article=rule("decision.time_limit").article)
    running[0].ended_at = act.recorded_at


def _reviewed(s: CaseState, act: ActRecord, p: LegalReviewed, registry: Registry) -> None:
    _require_filed(s, act)
    if "legal_reviewer" not in roles_of(registry, act.actor):
        raise LegalReviewerRequired(f"{act.actor} is not a legal reviewer")
    if act.actor in s.investigators:
        raise LegalReviewerRequired(f"{act.actor} investigated this case and may not review it")
    s.reviews.append(Review(at=act.recorded_at, reviewer=act.actor, outcome=p.outcome))


def _discussed(s: CaseState, act: ActRecord, p: CollectiveDiscussed, registry: Registry) -> None:
    _require_filed(s, act)
    _require_head(registry, s, act.actor, "collective discussion")
    s.discussions.append(Discussion(at=act.recorded_at, participants=list(p.participants)))


def _extension(s: CaseState, act: ActRecord, p: ExtensionApproved, registry: Registry) -> None:
    _require_filed(s, act)
    _require_head(registry, s, act.actor, "extending the time limit", article=rule("decision.extension").article)
    if s.decision is not None:
        raise ActNotAllowedNow("the case is already decided", article=rule("decision.extension").article)
    limit = rule("decision.extension").value
    if not 1 <= p.days <= limit:
        raise ExtensionNotAllowed(f"an extension is 1–{limit} days, not {p.days}")
    start = s.remade_at or s.filed_at
    earlier = [e for e in s.extensions if start is None or e.at >= start]
    if earlier and not any(d.at > earlier[-1].at for d in s.discussions):
        raise ExtensionNotAllowed("a further extension needs a collective discussion after the last one")
    _check_time_limit(s, act)
    s.extensions.append(Extension(at=act.recorded_at, days=p.days, by=act.actor))


def _notice(s: CaseState, act: ActRecord, p: NoticeIssued, registry: Registry) -> None:
    _require_open_investigation(s, act)
    _require_certified_or_head(registry, s, act.actor, act.recorded_at)
    terms = _terms(registry, s, act)
    unknown = sorted(set(p.penalties) - set(terms.penalty_kinds))
    if unknown:
        raise PenaltyNotInBasis(f"{terms.basis} provides {terms.penalty_kinds}, not {unknown}")
    if ("fine" in p.penalties) != (p.fine_fen > 0):
        raise MalformedAct("fine_fen is positive exactly when the penalties include a fine")
    s.notice = Notice(
        version=act.version,
        issued_at=act.recorded_at,
        penalties=list(p.penalties),
        fine_fen=p.fine_fen,
        confiscation_fen=p.confiscation_fen,
        band=p.band,
        hearing_eligible=proc.hearing_eligible(s.party, list(p.penalties), p.fine_fen, p.confiscation_fen),
    )
    s.notices_issued += 1
    s.statement_waived_at = s.hearing_waived_at = None
    s.major_public_interest |= p.major_public_interest
    s.complex |= p.complex


def _served(s: CaseState, act: ActRecord, p: ServiceRecorded, registry: Registry) -> None:
    _require_staff(registry, act.actor)
    if p.method == "electronic" and not (p.consent_ref and p.confirmation_ref):
        raise ActNotAllowedNow("electronic service needs the party's consent and a signed confirmation", article=f"{APL}第六十一条")
    served_at = act.recorded_at
    if p.method == "announcement":
        served_at = act.recorded_at + dt.timedelta(days=rule("service.announcement_deemed").value)
    if p.document == "notice":
        if s.notice is None or s.notice.served_at is not None:
            raise ActNotAllowedNow("no unserved notice", article=f"{APL}第六十一条")
        s.notice.served_at, s.notice.service_method = served_at, p.method
    elif p.document == "hearing_notice":
        h = s.hearing
        if h is None or h.hearing_at is None or h.held_at is not None:
            raise ActNotAllowedNow("no scheduled hearing to notify", article=f"{APL}第六十四条")
        if local_date(h.hearing_at) < proc.hearing_notice_earliest(served_at):
            raise HearingNoticeTooShort(f"served {local_date(served_at)}, hearing on {local_date(h.hearing_at)}")
        h.told_at = served_at
    else:
        d = s.decision
        if d is None or d.served_at is not None:
            raise ActNotAllowedNow("no unserved decision", article=f"{APL}第六十一条")
        d.served_at, d.service_method = served_at, p.method


def _require_notice(s: CaseState, act: ActRecord, served: bool = False) -> Notice:
    n = s.notice
    if n is None or (served and n.served_at is None) or s.decision is not None:
        raise ActNotAllowedNow(f"{act.type} follows a served pre-decision notice and precedes the decision", article=f"{APL}第四十四条")
    return n


def _statement(s: CaseState, act: ActRecord, p: StatementMade, registry: Registry) -> None:
    _require_notice(s, act)
    by = _party_or_recorder(registry, s, act, p.paper_sha256)
    s.statements.append(Statement(at=act.recorded_at, by=by, sha256=p.content_sha256))


def _waived(s: CaseState, act: ActRecord, p: RightWaived, registry: Registry) -> None:
    n = _require_notice(s, act)
    _party_or_recorder(registry, s, act, p.paper_sha256)
    if p.right == "statement":
        s.statement_waived_at = act.recorded_at
    else:
        if not n.hearing_eligible:
            raise HearingNotAvailable("the notified penalty carries no hearing right")
        if s.hearing is not None and s.hearing.withdrawn_at is None and s.hearing.held_at is None:
            s.hearing.withdrawn_at = act.recorded_at
        s.hearing_waived_at = act.recorded_at


def _hearing_requested(s: CaseState, act: ActRecord, p: HearingRequested, registry: Registry) -> None:
    n = _require_notice(s, act, served=True)
    _party_or_recorder(registry, s, act, p.paper_sha256)
    if not n.hearing_eligible:
        raise HearingNotAvailable("the notified penalty carries no hearing right")
    window = proc.hearing_request_window(s)
    if s.hearing_waived_at is not None:
        raise HearingRequestLate("the party waived the hearing")
    if window is not None and _when(act) > window.date:
        raise HearingRequestLate(f"the window closed on {window.date}")
    if s.hearing is not None and s.hearing.withdrawn_at is None and s.hearing.requested_at >= n.issued_at:
        raise ActNotAllowedNow("a hearing was already requested", article=f"{APL}第六十四条")
    s.hearing = Hearing(requested_at=act.recorded_at)


def _live_hearing(s: CaseState, act: ActRecord) -> Hearing:
    h = s.hearing
    if h is None or h.withdrawn_at is not None or s.decision is not None:
        raise ActNotAllowedNow("no hearing is requested", article=f"{APL}第六十四条")
    return h


def _hearing_withdrawn(s: CaseState, act: ActRecord, p: HearingWithdrawn, registry: Registry) -> None:
    h = _live_hearing(s, act)
    _party_or_recorder(registry, s, act, p.paper_sha256)
    if h.held_at is not None:
        raise ActNotAllowedNow("the hearing was already held", article=f"{APL}第六十四条")
    h.withdrawn_at = act.recorded_at


def _hearing_scheduled(s: CaseState, act: ActRecord, p: HearingScheduled, registry: Registry) -> None:
    h = _live_hearing(s, act)
    if h.held_at is not None:
        raise ActNotAllowedNow("the hearing was already held", article=f"{APL}第六十四条")
    _require_certified_or_head(registry, s, act.actor, act.recorded_at)
    if p.presider in s.investigators:
        raise HearingPresiderInvestigated(f"{p.presider} took part in the investigation")
    if not roles_of(registry, p.presider) & {"officer", "legal_reviewer", "agency_head"}:
        raise NotAuthorised(f"{p.presider} may not preside a hearing", article=f"{APL}第六十四条")
    if not p.public and not (p.reason_not_public or "").strip():
        raise MalformedAct("a hearing is public unless a reason (secrets, privacy) is given")
    earliest = proc.hearing_notice_earliest(act.recorded_at)
    if local_date(p.hearing_at) < earliest:
        raise HearingNoticeTooShort(f"hearing on {local_date(p.hearing_at)}; told on {_when(act)}, the earliest is {earliest}")
    h.scheduled_at = h.told_at = act.recorded_at
    h.hearing_at, h.presider, h.public = p.hearing_at, p.presider, p.public


def _hearing_held(s: CaseState, act: ActRecord, p: HearingHeld, registry: Registry) -> None:
    h = _live_hearing(s, act)
    if h.hearing_at is None or h.presider is None or h.held_at is not None:
        raise ActNotAllowedNow("the hearing is not scheduled, or was held", article=f"{APL}第六十四条")
    if act.actor != h.presider or p.presider != h.presider:
        raise NotAuthorised(f"the hearing is presided and recorded by {h.presider}", article=f"{APL}第六十四条")
    if _when(act) < local_date(h.hearing_at):
        raise ActNotAllowedNow(f"the hearing is set for {local_date(h.hearing_at)}", article=f"{APL}第六十四条")
    h.held_at, h.party_present = act.recorded_at, p.party_present
    if not p.party_present:
        # Art 64(8): absence without good reason is a waiver of the hearing.
        s.hearing_waived_at = act.recorded_at


def _hearing_recorded(s: CaseState, act: ActRecord, p: HearingRecorded, registry: Registry) -> None:
    h = _live_hearing(s, act)
    if h.held_at is None or h.record_at is not None:
        raise ActNotAllowedNow("the record follows the hearing, once", article=f"{APL}第六十五条")
    if act.actor != h.presider:
        _require_certified(registry, s, act.actor, act.recorded_at)
    h.record_at, h.record_sha256 = act.recorded_at, p.record_sha256


def _decision_ready(s: CaseState, act: ActRecord, registry: Registry) -> None:
    _require_filed(s, act)
    if s.decision is not None or s.terminated_at is not None or s.transfer_sent:
        raise ActNotAllowedNow("the case is already decided, terminated or transferred", article=f"{APL}第五十九条")
    _require_head(registry, s, act.actor, "deciding the case")


def _decided(s: CaseState, act: ActRecord, p: DecisionMade, registry: Registry) -> None:
    _decision_ready(s, act, registry)
    terms = _terms(registry, s, act)
    n = s.notice
    if n is None or n.served_at is None:
        raise DecisionWithoutNotice("no pre-decision notice has been served")
    today = _when(act)
    window = proc.statement_window(s)
    if window is not None and today <= window.date and s.statement_waived_at is None:
        raise StatementWindowOpen(f"the party may state and defend until {window.date}")
    if n.hearing_eligible:
        h = s.hearing
        requested = h is not None and h.withdrawn_at is None and h.requested_at >= n.issued_at
        if requested:
            assert h is not None
            if h.held_at is None:
                raise HearingRequired("the requested hearing has not been held")
            if h.party_present and h.record_at is None:
                raise HearingRecordRequired("the hearing record is missing")
        elif s.hearing_waived_at is None:
            hw = proc.hearing_request_window(s)
            if hw is not None and today <= hw.date:
                raise HearingRequestWindowOpen(f"the party may request a hearing until {hw.date}")
    _check_time_limit(s, act)
    _check_limitation(s, terms, p.violation_ended, p.life_health_finance_harm)
    outside = _check_penalty(terms, list(p.penalties), p.fine_fen, p.band, p.reason_outside_band)
    _check_exemption(terms, p.first_violation, p.corrected, p.harm, p.band)
    heavier = sorted(set(p.penalties) - set(n.penalties))
    if heavier or p.fine_fen > n.fine_fen or p.confiscation_fen > n.confiscation_fen:
        what = f"kinds {heavier}" if heavier else f"{p.fine_fen} fen fine / {p.confiscation_fen} fen confiscation"
        if proc.defended(s):
            raise HeavierAfterDefence(f"{what} exceeds the notice after the party's defence")
        raise DecisionExceedsNotice(f"{what} exceeds the notice")
    heard = s.hearing is not None and s.hearing.held_at is not None and s.hearing.withdrawn_at is None
    major = (
        s.major_public_interest
        or s.complex
        or heard
        or outside
        or proc.review_threshold_reached(s.party, p.fine_fen, p.confiscation_fen)
    )
    if major:
        since = s.hearing.held_at if heard and s.hearing is not None else s.filed_at
        reviews = [r for r in s.reviews if since is None or r.at >= since]
        if not reviews or reviews[-1].outcome != "passed":
            why = "failed" if reviews else "missing"
            raise LegalReviewRequired(f"legal review {why}{' after the hearing' if heard else ''}")
    if s.complex or s.major_public_interest:
        since = s.hearing.held_at if heard and s.hearing is not None else s.filed_at
        if not any(since is None or d.at >= since for d in s.discussions):
            raise CollectiveDiscussionRequired("no collective discussion of the heads is recorded")
    s.decision = Decision(
        version=act.version,
        kind="penalty",
        decided_at=act.recorded_at,
        by=act.actor,
        penalties=list(p.penalties),
        fine_fen=p.fine_fen,
        confiscation_fen=p.confiscation_fen,
        band=p.band,
        reason_outside_band=p.reason_outside_band,
    )
    s.violation_ended = p.violation_ended


def _no_penalty(s: CaseState, act: ActRecord, p: NoPenaltyDecided, registry: Registry) -> None:
    _decision_ready(s, act, registry)
    _check_time_limit(s, act)
    s.decision = Decision(version=act.version, kind="no_penalty", decided_at=act.recorded_at, by=act.actor, ground=p.ground)


def _simple(s: CaseState, act: ActRecord, p: SimpleDecided, registry: Registry) -> None:
    if s.filed_at is not None or s.declined_at is not None or s.decision is not None:
        raise ActNotAllowedNow("an on-the-spot decision is made at the scene, before any filing", article=f"{APL}第五十一条")
    if s.agency is None:
        raise UnknownAgency("the case has no agency")
    held = require_holding(registry, s.agency, p.catalog_item, act.recorded_at)
    s.catalog_item, s.domain, s.in_name_of = p.catalog_item, held.terms.domain, held.in_name_of
    party = check_party(p.party)
    kinds = sorted(set(p.penalties) - SIMPLE_KINDS)
    cap = proc.simple_fine_cap(party)
    if kinds or p.fine_fen > cap:
        raise SimpleProcedureNotAllowed(
            f"{'kinds ' + str(kinds) if kinds else f'{p.fine_fen} fen'} exceeds the simple procedure (≤ {cap} fen for this party)"
        )
    officers = _require_officers(registry, s, act, list(p.officers), rule("investigation.min_officers").value)
    if not p.credentials_shown:
        raise CredentialsNotShown("the officers show their credentials on the spot", article=f"{APL}第五十二条")
    if not p.party_heard:
        raise DecisionWithoutNotice("the party is told the facts and heard on the spot", article=f"{APL}第五十二条")
    s.party = party
    terms = held.terms
    _check_limitation(s, terms, p.violation_ended, False)
    # Bands apply to the general procedure's fines; an on-the-spot fine stays inside the statutory range.
    _check_simple_range(terms, p)
    _check_exemption(terms, p.first_violation, p.corrected, p.harm, None)
    _note_investigators(s, officers)
    for officer in officers:
        if officer not in s.credentials_shown_by:
            s.credentials_shown_by.append(officer)
    s.procedure = "simple"
    s.violation_ended = p.violation_ended
    s.decision = Decision(
        version=act.version,
        kind="simple",
        decided_at=act.recorded_at,
        by=act.actor,
        penalties=list(p.penalties),
        fine_fen=p.fine_fen,
        served_at=act.recorded_at,
        service_method="on_the_spot",
    )
    _add_pending(s, act, officers)


def _check_simple_range(terms: ItemTerms, p: SimpleDecided) -> None:
    unknown = sorted(set(p.penalties) - set(terms.penalty_kinds))
    if unknown:
        raise PenaltyNotInBasis(f"{terms.basis} provides {terms.penalty_kinds}, not {unknown}")
    if ("fine" in p.penalties) != (p.fine_fen > 0):
        raise MalformedAct("fine_fen is positive exactly when the penalties include a fine")
    if p.fine_fen and not terms.fine_min_fen <= p.fine_fen <= terms.fine_max_fen:
        raise FineOutsideRange(
            f"fine {p.fine_fen} fen; {terms.basis} allows {terms.fine_min_fen}–{terms.fine_max_fen} fen", article=terms.basis
        )


def _simple_reported(s: CaseState, act: ActRecord, p: SimpleReported, registry: Registry) -> None:
    _require_staff(registry, act.actor)
    if s.decision is None or s.decision.kind != "simple" or s.simple_reported_at is not None:
        raise ActNotAllowedNow("only an on-the-spot decision is reported, once", article=f"{APL}第五十二条")
    s.simple_reported_at = act.recorded_at


def _served_decision(s: CaseState, act: ActRecord) -> Decision:
    d = s.decision
    if d is None or d.served_at is None or d.void or d.kind == "no_penalty":
        raise ActNotAllowedNow(f"{act.type} needs a served penalty decision in force", article=f"{APL}第六十七条")
    return d


def _remaining(s: CaseState, d: Decision) -> int:
    return d.money_due_fen + s.late_fees_fen - s.paid_fen


def _payment(s: CaseState, act: ActRecord, p: PaymentRecorded, registry: Registry) -> None:
    _require_staff(registry, act.actor)
    d = _served_decision(s, act)
    if p.amount_fen > _remaining(s, d):
        raise ActNotAllowedNow(f"{p.amount_fen} fen exceeds the {_remaining(s, d)} fen due", article=f"{APL}第六十七条")
    if p.method == "on_the_spot":
        small = d.fine_fen <= rule("payment.on_the_spot_max").value
        if not small and not (p.hard_to_collect and d.kind == "simple"):
            raise OnTheSpotCollectionNotAllowed(f"fine {d.fine_fen} fen")
    s.payments.append(Payment(at=act.recorded_at, amount_fen=p.amount_fen, method=p.method, receipt_ref=p.receipt_ref))


def _deferred(s: CaseState, act: ActRecord, p: PaymentDeferred, registry: Registry) -> None:
    _require_head(registry, s, act.actor, "approving deferral or instalments", article=f"{APL}第六十六条")
    d = _served_decision(s, act)
    if proc.performed(s):
        raise ActNotAllowedNow("the decision is already performed", article=f"{APL}第六十六条")
    if p.kind == "deferral" and p.until is None:
        raise MalformedAct("a deferral names the date it runs until")
    if p.kind == "instalments" and sum(i.amount_fen for i in p.instalments) != _remaining(s, d):
        raise MalformedAct("instalments add up to the amount due")
    s.deferral = Deferral(
        at=act.recorded_at, kind=p.kind, until=p.until, instalments=[(i.due, i.amount_fen) for i in p.instalments]
    )


def _late_fee(s: CaseState, act: ActRecord, p: LateFeeAssessed, registry: Registry) -> None:
    _require_certified_or_head(registry, s, act.actor, act.recorded_at)
    d = _served_decision(s, act)
    due = proc.payment_due(s)
    if due is None or p.as_of > _when(act):
        raise ActNotAllowedNow("a late fee is assessed on a past day after the due date", article=f"{APL}第七十二条")
    excluded = [(r.filed_at, r.decided_at or act.recorded_at) for r in s.remedies]
    fine = d.fine_fen if d.changed_fine_fen is None else d.changed_fine_fen
    cap = late_fee(fine, due, p.as_of, excluded)
    if s.late_fees_fen + p.amount_fen > cap:
        raise LateFeeExcessive(f"at most {cap} fen by {p.as_of}; {s.late_fees_fen} fen already assessed")
    s.late_fees_fen += p.amount_fen


def _reminder(s: CaseState, act: ActRecord, p: ReminderSent, registry: Registry) -> None:
    _require_certified_or_head(registry, s, act.actor, act.recorded_at)
    _served_decision(s, act)
    due = proc.payment_due(s)
    if due is None or _when(act) <= due or proc.performed(s):
        raise ActNotAllowedNow(f"a reminder follows non-payment after {due}", article=f"{ACL}第五十四条")
    s.reminders.append(act.recorded_at)


def _court_applied(s: CaseState, act: ActRecord, p: CourtEnforcementApplied, registry: Registry) -> None:
    _require_head(registry, s, act.actor, "applying for court enforcement", article=f"{ACL}第五十三条")
    _served_decision(s, act)
    if proc.performed(s) or s.court_applied_at is not None:
        raise ActNotAllowedNow("performed, or already applied", article=f"{ACL}第五十三条")
    earliest = proc.enforcement_earliest(s)
    if earliest is None or _when(act) <= earliest or proc.remedy_pending(s):
        raise EnforcementPremature(
            "no written reminder yet" if earliest is None else f"not before {earliest} and with no remedy pending"
        )
    remedies_end = proc.remedy_periods_end(s)
    assert remedies_end is not None
    last = add_months(remedies_end, rule("enforcement.apply_within").value)
    if _when(act) > last:
        raise ActNotAllowedNow(f"the application was due by {last}", article=rule("enforcement.apply_within").article)
    s.court_applied_at = act.recorded_at


def _court_concluded(s: CaseState, act: ActRecord, p: CourtEnforcementConcluded, registry: Registry) -> None:
    _require_staff(registry, act.actor)
    if s.court_applied_at is None or s.court_outcome is not None:
        raise ActNotAllowedNow("no court enforcement is pending", article=f"{ACL}第五十三条")
    s.court_outcome = p.outcome


def _remedy_filed(kind: str) -> Handler:
    def handler(s: CaseState, act: ActRecord, p: RemedyFiled, registry: Registry) -> None:
        d = s.decision
        if d is None or d.void:
            raise ActNotAllowedNow("there is no decision in force to challenge", article=f"{APL}第七条")
        if not (s.party is not None and s.party.person == act.actor):
            _require_staff(registry, act.actor)
        if any(r.kind == kind and r.decided_at is None for r in s.remedies):
            raise ActNotAllowedNow(f"a {kind} is already pending", article=f"{APL}第七条")
        if kind == "litigation" and d.kind == "simple" and not any(
            r.kind == "reconsideration" and r.decided_at is not None for r in s.remedies
        ):
            raise ReconsiderationFirst("the on-the-spot decision has not been through reconsideration")
        s.remedies.append(Remedy(kind=kind, filed_at=act.recorded_at, body=p.body))

    return handler


def _remedy_decided(kind: str) -> Handler:
    def handler(s: CaseState, act: ActRecord, p: RemedyDecided, registry: Registry) -> None:
        _require_staff(registry, act.actor)
        pending = [r for r in s.remedies if r.kind == kind and r.decided_at is None]
        if not pending:
            raise ActNotAllowedNow(f"no {kind} is pending", article=f"{APL}第七条")
        remedy = pending[-1]
        remedy.decided_at, remedy.outcome, remedy.final = act.recorded_at, p.outcome, p.final
        d = s.decision
        assert d is not None
        if p.outcome in ("revoked", "confirmed_void"):
            d.void = True
        elif p.outcome == "changed":
            if p.changed_fine_fen is None:
                raise MalformedAct("a changed decision states the new fine")
            d.changed_fine_fen = p.changed_fine_fen
        elif p.outcome == "remake":
            d.void = True
            s.voided_decisions.append(d)
            s.decision, s.notice, s.hearing = None, None, None
            s.statement_waived_at = s.hearing_waived_at = None
            s.remade_at = act.recorded_at

    return handler


def _transfer_reported(s: CaseState, act: ActRecord, p: TransferReported, registry: Registry) -> None:
    if s.transfer is not None:
        raise ActNotAllowedNow("a transfer is already under way", article=f"{APL}第二十七条")
    if s.domain is not None:
        _require_certified_or_head(registry, s, act.actor, act.recorded_at)
    else:
        _require_staff(registry, act.actor)
    s.transfer = Transfer(organ=p.organ, suspected_crime=p.suspected_crime, reported_at=act.recorded_at)


def _transfer_approved(s: CaseState, act: ActRecord, p: TransferApproved, registry: Registry) -> None:
    _require_head(registry, s, act.actor, "approving a transfer", article=TransferNotApproved.article)
    t = s.transfer
    if t is None or t.approved is not None:
        raise ActNotAllowedNow("no transfer report awaits a decision", article=TransferNotApproved.article)
    t.approved, t.approved_at = p.approved, act.recorded_at
    if not p.approved:
        s.transfer = None  # refused: the case goes on here; the report stays in the act history


def _transfer_sent(s: CaseState, act: ActRecord, p: TransferSent, registry: Registry) -> None:
    _require_staff(registry, act.actor)
    t = s.transfer
    if t is None or t.approved is not True:
        raise TransferNotApproved("the head has not approved the transfer")
    if t.sent_at is not None:
        raise ActNotAllowedNow("the file was already transferred", article=TransferNotApproved.article)
    t.sent_at = act.recorded_at


def _transfer_receipt(s: CaseState, act: ActRecord, p: TransferReceipt, registry: Registry) -> None:
    _require_staff(registry, act.actor)
    t = s.transfer
    if t is None or t.sent_at is None or t.receipt_at is not None:
        raise ActNotAllowedNow("no transferred file awaits a receipt", article=TransferNotApproved.article)
    t.receipt_at = act.recorded_at


def _terminated(s: CaseState, act: ActRecord, p: CaseTerminated, registry: Registry) -> None:
    _decision_ready(s, act, registry)
    s.terminated_at, s.termination_ground = act.recorded_at, p.ground


def _closed(s: CaseState, act: ActRecord, p: CaseClosed, registry: Registry) -> None:
    if s.declined_at is not None:
        raise ActNotAllowedNow("a declined lead is archived, not closed", article=f"{APL}第四十七条")
    _require_certified_or_head(registry, s, act.actor, act.recorded_at)
    d = s.decision
    transferred = s.transfer is not None and s.transfer.sent_at is not None
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
    elif s.court_outcome is not None:
        ground = f"court_{s.court_outcome}"
    elif proc.performed(s):
        ground = "no_penalty" if d.kind == "no_penalty" else "performed"
    else:
        due = d.money_due_fen + s.late_fees_fen
        raise ClosureBeforePerformance(f"{s.paid_fen} of {due} fen paid" if d.served_at else "the decision is not served")
    if not transferred and any(m.lifted_at is None for m in s.measures):
        raise ActNotAllowedNow("a seizure is still in force; lift it first", article=f"{ACL}第二十八条")
    if any(x.decided_at is None for x in s.preservations) and not transferred:
        raise ActNotAllowedNow("preserved evidence awaits a decision", article=f"{APL}第五十六条")
    if s.lead is not None and s.lead.source == "referral" and s.referral_result_at is None:
        raise ReferralResultRequired(f"the result has not gone back to {s.lead.referred_by}")
    if d is not None and d.kind == "simple" and s.simple_reported_at is None:
        raise ActNotAllowedNow("the on-the-spot decision is not yet filed with the agency", article=f"{APL}第五十二条")
    s.closed_at, s.closure_ground = act.recorded_at, ground


def _archived(s: CaseState, act: ActRecord, p: CaseArchived, registry: Registry) -> None:
    _require_staff(registry, act.actor)
    if s.closed_at is None and s.declined_at is None:
        raise ActNotAllowedNow("only a closed case or a declined lead is archived", article=f"{APL}第四十七条")
    if s.declined_at is not None and s.lead is not None and s.lead.source == "referral" and s.referral_result_at is None:
        raise ReferralResultRequired(f"the result has not gone back to {s.lead.referred_by}")
    s.archived_at = act.recorded_at


def _follow_up(s: CaseState, act: ActRecord, p: FollowUpVisited, registry: Registry) -> None:
    _require_staff(registry, act.actor)
    if s.decision is None and s.closed_at is None:
        raise ActNotAllowedNow("a follow-up visit comes after the decision", article=rule("followup.satisfaction_max").article)
    s.follow_ups.append(FollowUp(at=act.recorded_at, by=act.actor, satisfaction=p.satisfaction))


def _complaint(s: CaseState, act: ActRecord, p: ComplaintReceived, registry: Registry) -> None:
    if not roles_of(registry, act.actor):
        raise NotAuthorised(f"{act.actor} holds no registered role")
    s.complaints.append(Complaint(version=act.version, at=act.recorded_at, by=p.by, channel=p.channel))


def _complaint_answered(s: CaseState, act: ActRecord, p: ComplaintAnswered, registry: Registry) -> None:
    _require_staff(registry, act.actor)
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
        if not _is_head(registry, s, act.actor):
            raise AgencyHeadRequired(f"{act.actor} is no longer the head who approves")
    elif s.domain is not None:
        _require_certified(registry, s, act.actor, act.recorded_at)
    pending.awaiting.remove(act.actor)
    if not pending.awaiting:
        s.pending.remove(pending)


def _correction(s: CaseState, act: ActRecord, p: CorrectionRecorded, registry: Registry) -> None:
    _require_staff(registry, act.actor)
    if not 1 <= p.corrects < act.version:
        raise MalformedAct(f"a correction names an earlier act of this case, not version {p.corrects}")
    s.corrections.append(p.corrects)


def _note(s: CaseState, act: ActRecord, p: CaseNote, registry: Registry) -> None:  # pragma: no cover - fast path
    return None


_HANDLERS: dict[str, Handler] = {
    "case.note": _note,
    "case.filed": _filed,
    "case.declined": _declined,
    "filing.extended": _filing_extended,
    "referral.result_sent": _referral_result,
    "officers.assigned": _assigned,
    "credentials.shown": _credentials,
    "rights.informed": _rights,
    "recusal.requested": _recusal_requested,
    "recusal.decided": _recusal_decided,
    "evidence.collected": _evidence,
    "inspection.recorded": _inspection,
    "interview.recorded": _interview,
    "preservation.registered": _preservation,
    "preservation.decided": _preservation_decided,
    "coercion.imposed": _coercion,
    "coercion.extended": _coercion_extended,
    "coercion.lifted": _coercion_lifted,
    "pause.started": _pause_started,
    "pause.ended": _pause_ended,
    "legal.reviewed": _reviewed,
    "collective.discussed": _discussed,
    "extension.approved": _extension,
    "notice.issued": _notice,
    "service.recorded": _served,
    "statement.made": _statement,
    "right.waived": _waived,
    "hearing.requested": _hearing_requested,
    "hearing.withdrawn": _hearing_withdrawn,
    "hearing.scheduled": _hearing_scheduled,
    "hearing.held": _hearing_held,
    "hearing.recorded": _hearing_recorded,
    "decision.made": _decided,
    "no_penalty.decided": _no_penalty,
    "simple.decided": _simple,
    "simple.reported": _simple_reported,
    "payment.recorded": _payment,
    "payment.deferred": _deferred,
    "late_fee.assessed": _late_fee,
    "reminder.sent": _reminder,
    "court_enforcement.applied": _court_applied,
    "court_enforcement.concluded": _court_concluded,
    "reconsideration.filed": _remedy_filed("reconsideration"),
    "reconsideration.decided": _remedy_decided("reconsideration"),
    "litigation.filed": _remedy_filed("litigation"),
    "litigation.decided": _remedy_decided("litigation"),
    "transfer.reported": _transfer_reported,
    "transfer.approved": _transfer_approved,
    "transfer.sent": _transfer_sent,
    "transfer.receipt": _transfer_receipt,
    "case.terminated": _terminated,
    "case.closed": _closed,
    "case.archived": _archived,
    "follow_up.visited": _follow_up,
    "complaint.received": _complaint,
    "complaint.answered": _complaint_answered,
    "act.cosigned": _cosigned,
    "correction.recorded": _correction,
}
assert set(_HANDLERS) == set(CASE_ACTS) - {"lead.received"}, "every case act has exactly one handler"
