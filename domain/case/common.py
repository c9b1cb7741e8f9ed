"""What every stage of the case shares: the common gates, the shared checks and helpers, the ``Handler`` type.

Package-internal: stage modules import from here; nothing here imports a stage module or ``dispatch``.

Gates (``gate``), applied by ``dispatch.apply_case`` before every handler in this order: the case is not finished
(closed or archived cases take only annotations, disclosure acts and the party's remedies), no officer whose
recusal was upheld takes part (Art 43), auxiliary staff never act alone on the six forbidden kinds, and acts that
move the case past investigation (``ADVANCING``) wait until every named co-signer has signed (Art 42), and acts that
exercise the power (``EXERCISES_POWER``) need the agency to hold the case's item at that moment (Arts 20, 24: never
after a delegation or entrustment was revoked).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from domain import procedure as proc
from domain.acts import ActRecord
from domain.calendar import hours_after, local_date
from domain.case_acts import (
    ANNOTATIONS,
    AUXILIARY_FORBIDDEN,
)
from domain.case_state import (
    CaseState,
    Measure,
    Pending,
)
from domain.catalog import Holding, ItemTerms, require_holding
from domain.disclosure_acts import DISCLOSURE_ACTS
from domain.errors import DomainError, MalformedAct, NotAuthorised
from domain.law import APL
from domain.local_rules import local_rule
from domain.personnel import agency_of, certificate_for, is_auxiliary_only, is_head_of, roles_of
from domain.refusals import (
    ActNotAllowedNow,
    AgencyHeadRequired,
    AuxiliaryActingAlone,
    CaseFinished,
    CaseNotFiled,
    CoercionHandedOver,
    CoercionNotActive,
    CoercionUnapproved,
    CoSignaturePending,
    CredentialsNotShown,
    DecidingAgencyWrong,
    DecisionTimeLimitExceeded,
    HearingPresiderInvestigated,
    InvestigationSuspended,
    NotInCase,
    NotTheParty,
    OfficerNotCertified,
    OfficerRecused,
    PenaltyInsteadOfTransfer,
    RecusalPending,
    RightsNotInformed,
    TooFewOfficers,
)
from domain.registry import Registry


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
# Acts that exercise the item's power: each needs the holding in force at its time (Arts 20, 24). Ending acts
# (lifting a seizure, returning preserved evidence, terminating, transferring a crime) stay open after a revocation.
EXERCISES_POWER = frozenset(
    {
        "filing.extended", "officers.assigned", "evidence.collected", "inspection.recorded", "interview.recorded",
        "preservation.registered", "preservation.decided", "coercion.imposed", "coercion.extended", "pause.started",
        "extension.approved", "notice.issued", "hearing.scheduled", "decision.made", "no_penalty.decided", "payment.deferred", "late_fee.assessed", "reminder.sent",
        "court_enforcement.applied",
    }
)
RELEASING_OUTCOMES = frozenset({"returned", "released"})
# What auxiliary staff may do with certified officers named on the act: accept (local rule, default 1) and
# investigate/coerce (2, Art 42). Read when the act is decided, so an agency's local rule applies.
AUXILIARY_WITH = {
    "accept": "auxiliary.min_officers_with",
    "investigate": "investigation.min_officers",
    "coerce": "investigation.min_officers",
}

Handler = Callable[[CaseState, ActRecord, Any, Registry], None]


# -- gates -----------------------------------------------------------------------------------------------------
def named(payload: Any) -> list[str]:
    """People an act names as taking part (officers, discussing heads, presider, approver, a device record's
    reviewer): none of them may be an officer whose recusal was upheld (Art 43)."""
    names: list[str] = [*(getattr(payload, "officers", []) or []), *(getattr(payload, "participants", []) or [])]
    for attr in ("presider", "approved_by"):
        value = getattr(payload, attr, None)
        if isinstance(value, str):
            names.append(value)
    device = getattr(payload, "device", None)
    reviewer = getattr(device, "reviewed_by", None)
    if isinstance(reviewer, str):
        names.append(reviewer)
    return names


def gate_recused(s: CaseState, act: ActRecord, payload: Any) -> None:
    if not s.recused:
        return
    if act.actor in s.recused:
        raise OfficerRecused(f"{act.actor} withdrew from case {s.case_id} (recusal upheld)")
    for name in named(payload):
        if name in s.recused:
            raise OfficerRecused(f"{name} withdrew from case {s.case_id} (recusal upheld)")


def gate_auxiliary(act: ActRecord, payload: Any, registry: Registry, agency: str | None = None, domain: str | None = None) -> None:
    kind = AUXILIARY_FORBIDDEN.get(act.type)
    if kind is None or not is_auxiliary_only(registry, act.actor):
        return
    key = AUXILIARY_WITH.get(kind)
    applied = local_rule(registry, agency, domain, key, act.recorded_at) if key is not None else None
    needed = applied.value if applied is not None else None
    others = {o for o in getattr(payload, "officers", []) or [] if o != act.actor}
    if needed is None or len(others) < needed:
        source = f" ({applied.describe()})" if applied is not None else ""
        with_whom = f"; needs {needed} certified officer(s) named with it{source}" if needed else ""
        raise AuxiliaryActingAlone(f"{act.actor} is auxiliary staff and may not {kind} alone{with_whom}")


def gate_holding(s: CaseState, act: ActRecord, payload: Any, registry: Registry) -> None:
    """Every act that exercises the power checks the holding at its time, not only some (Arts 20, 24)."""
    if act.type not in EXERCISES_POWER or s.catalog_item is None or s.agency is None:
        return
    if act.type == "preservation.decided" and getattr(payload, "outcome", None) in RELEASING_OUTCOMES:
        return
    require_holding(registry, s.agency, s.catalog_item, act.recorded_at)

# A disclosure outlives the case file: publication, withdrawal and credit repair come after closure and archive too.
# So do the party's remedies: closing the file once the fine is paid does not shorten the 60 days to apply for
# reconsideration (复议法 Art 20) or the 6 months to sue (行政诉讼法 Art 46), and the body's or court's decision on
# them is recorded in the same case (an order to remake reopens it: ``remedies_transfer``).
REMEDY_ACTS = frozenset({"reconsideration.filed", "reconsideration.decided", "litigation.filed", "litigation.decided"})
AFTER_CLOSURE = ANNOTATIONS | frozenset(DISCLOSURE_ACTS) | REMEDY_ACTS


# What a suspended investigation (中止调查) halts: gathering evidence and the steps toward a decision that rest on
# it. Not what protects the party or ends the matter — lifting a seizure, a recusal, terminating the case,
# reporting a suspected crime — nor the decision itself, which has its own refusal (``pause-still-open``).
HALTED_BY_SUSPENSION = frozenset({
    "evidence.collected", "inspection.recorded", "interview.recorded", "preservation.registered", "notice.issued",
    "hearing.scheduled", "hearing.held", "legal.reviewed", "collective.discussed",
})


def gate_suspension(s: CaseState, act: ActRecord) -> None:
    """MS rules Art 47: resume the suspended investigation first (a suspension begun before an order to remake
    belonged to the voided procedure)."""
    for p in proc.current_open_pauses(s):
        if p.kind == "suspension":
            raise InvestigationSuspended(
                f"the investigation was suspended on {local_date(p.started_at)} and has not resumed; "
                "record the pause's end (pause.ended, kind suspension) first"
            )


def gate(s: CaseState, act: ActRecord, payload: Any, registry: Registry) -> None:
    if s.archived_at is not None and act.type not in AFTER_CLOSURE:
        raise CaseFinished(f"case {s.case_id} was archived on {local_date(s.archived_at)}")
    if s.closed_at is not None and act.type not in AFTER_CLOSURE | {"case.archived"}:
        raise CaseFinished(f"case {s.case_id} was closed on {local_date(s.closed_at)}")
    gate_recused(s, act, payload)
    gate_auxiliary(act, payload, registry, s.in_name_of or s.agency, s.domain)
    gate_holding(s, act, payload, registry)
    if act.type in HALTED_BY_SUSPENSION:
        gate_suspension(s, act)
    if act.type in ADVANCING and s.pending:
        waiting = "; ".join(f"v{p.version} {p.act_type}: {', '.join(p.awaiting)}" for p in s.pending)
        raise CoSignaturePending(f"still to co-sign: {waiting}")


def require_in_case(s: CaseState, act: ActRecord, registry: Registry) -> None:
    """Who may annotate (``case.note``): the party's own key, a person named in the case, or staff of its agency
    (or of the agency it acts for); never another case's party or an outsider holding some registered key."""
    actor = act.actor
    if s.party is not None and s.party.person == actor:
        return
    h = s.hearing
    received_by = s.lead.received_by if s.lead is not None else None
    named = {*s.officers, *s.investigators, *s.credentials_shown_by, s.filed_by, received_by, h.presider if h else None}
    if actor in named:
        return
    if roles_of(registry, actor) & STAFF_ROLES and agency_of(registry, actor) in {s.agency, s.in_name_of} - {None}:
        return
    raise NotInCase(f"{actor} has no role in case {s.case_id} or in {s.agency}")


def check_violation_dates(began: dt.date | None, ended: dt.date | None, today: dt.date) -> None:
    """A violation ends on or after the day it began, and not after the act that finds it."""
    if began is not None and ended is not None and began > ended:
        raise MalformedAct(f"the violation ended on {ended}, before it began on {began}")
    if ended is not None and ended > today:
        raise MalformedAct(f"the violation cannot end on {ended}, after the act of {today} that finds it")


# -- shared checks ---------------------------------------------------------------------------------------------
def when(act: ActRecord) -> dt.date:
    return local_date(act.recorded_at)


def require_staff(registry: Registry, actor: str) -> None:
    if not roles_of(registry, actor) & STAFF_ROLES:
        raise NotAuthorised(f"{actor} is not enforcement staff")


def is_certified(registry: Registry, s: CaseState, person: str, when: dt.datetime) -> bool:
    if s.agency is None or s.domain is None:
        return False
    return certificate_for(registry, person, s.agency, s.domain, when) is not None


def require_certified(registry: Registry, s: CaseState, person: str, when: dt.datetime) -> None:
    if s.agency is None or s.domain is None:
        raise CaseNotFiled(f"case {s.case_id} has no agency and domain yet; file it with its catalog item")
    if certificate_for(registry, person, s.agency, s.domain, when) is None:
        raise OfficerNotCertified(
            f"{person} holds no certificate in force for {s.agency} / {s.domain} on {local_date(when)}"
        )


def require_certified_or_head(registry: Registry, s: CaseState, person: str, when: dt.datetime) -> None:
    if is_head(registry, s, person):
        return
    require_certified(registry, s, person, when)


def is_head(registry: Registry, s: CaseState, person: str) -> bool:
    return is_head_of(registry, person, s.agency) or is_head_of(registry, person, s.in_name_of)


def require_head(registry: Registry, s: CaseState, person: str, what: str, article: str | None = None) -> None:
    if not is_head(registry, s, person):
        raise AgencyHeadRequired(f"{what} is for the head of {s.agency}; {person} is not", article=article)


def require_filed(s: CaseState, act: ActRecord) -> None:
    if s.filed_at is None:
        raise CaseNotFiled(f"{act.type} needs a filed case")


def require_open_investigation(s: CaseState, act: ActRecord) -> None:
    require_filed(s, act)
    if s.decision is not None or s.terminated_at is not None or s.transfer_sent:
        raise ActNotAllowedNow(f"{act.type} after the case was decided, terminated or transferred")


def case_holding(registry: Registry, s: CaseState, act: ActRecord) -> Holding:
    if s.catalog_item is None:
        raise CaseNotFiled(f"case {s.case_id} names no catalog item")
    return require_holding(registry, s.agency, s.catalog_item, act.recorded_at)


def require_officers(
    registry: Registry, s: CaseState, act: ActRecord, officers: list[str], minimum: int, approver: str | None = None
) -> list[str]:
    """At least ``minimum`` distinct certified officers; the signer is one of them, an auxiliary assisting, or the
    ``approver`` named on the act (a head approving a seizure signs it)."""
    named = list(dict.fromkeys(officers))
    if len(named) < minimum:
        raise TooFewOfficers(f"{act.type} names {len(named)} officer(s); at least {minimum} certified are needed")
    for officer in named:
        require_certified(registry, s, officer, act.recorded_at)
    if act.actor not in named and act.actor != approver and not is_auxiliary_only(registry, act.actor):
        raise MalformedAct(f"the signer {act.actor} is not among the officers named on the act")
    return named


def add_pending(s: CaseState, act: ActRecord, people: list[str], approver: str | None = None) -> None:
    awaiting = [p for p in dict.fromkeys([*people, *([approver] if approver else [])]) if p != act.actor]
    if awaiting:
        s.pending.append(Pending(version=act.version, act_type=act.type, awaiting=awaiting, approver=approver))


def drop_pending_approval(s: CaseState, version: int) -> None:
    """The act at ``version`` ended unapproved (a lifted emergency seizure, a released emergency preservation): it
    awaits its approver no longer; the other co-signatures it awaits stay."""
    for pending in s.pending:
        if pending.version == version and pending.approver in pending.awaiting:
            pending.awaiting.remove(pending.approver)
    s.pending = [x for x in s.pending if x.awaiting]


def note_investigators(s: CaseState, officers: list[str]) -> None:
    """Record who investigated; a person already named hearing presider may not (Art 64(4))."""
    h = s.hearing
    if h is not None and h.presider is not None and h.withdrawn_at is None and h.presider in officers:
        raise HearingPresiderInvestigated(f"{h.presider} presides the hearing of case {s.case_id} and may not investigate it")
    for officer in officers:
        if officer not in s.investigators:
            s.investigators.append(officer)


def require_prerequisites(s: CaseState, officers: list[str], article: str | None = None) -> None:
    """Credentials shown by every named officer and the party told its rights, before evidence, preservation and
    coercion (APL Art 55; ACL Art 18 (3)–(5))."""
    missing = [o for o in officers if o not in s.credentials_shown_by]
    if missing:
        raise CredentialsNotShown(f"{', '.join(missing)} showed no credentials in this case", article=article)
    if s.rights_informed_at is None:
        raise RightsNotInformed(f"the party of case {s.case_id} has not been told its rights", article=article)


def discussion_signed(s: CaseState, since: dt.datetime | None, strictly_after: bool = False) -> bool:
    """A collective discussion since ``since`` (after it, if ``strictly_after``) that every participant signed."""
    waiting = {x.version for x in s.pending if x.act_type == "collective.discussed"}
    return any(
        (since is None or d.at > since or (d.at == since and not strictly_after)) and d.version not in waiting
        for d in s.discussions
    )


def require_deciding_agency(s: CaseState, held: Holding, named: str | None) -> str:
    """Art 59: the decision names the agency in whose name it is made — the holder's own name, or the entrusting
    agency's for an entrusted body (Art 20), never the entrusted body's."""
    lawful = held.in_name_of or held.agency
    if named is None:
        raise DecidingAgencyWrong(f"the decision names no agency; it is made in the name of {lawful}")
    if named != lawful:
        article = f"{APL}第二十条、第五十九条" if held.kind == "entrusted" else None
        raise DecidingAgencyWrong(f"the decision names {named}; {held.agency} holds the item {held.kind}, so it is made in the name of {lawful}", article=article)
    return named


def party_or_recorder(registry: Registry, s: CaseState, act: ActRecord, paper: str | None) -> str:
    """The party signs its own acts; staff may record them with the signed paper's hash. Returns who."""
    if s.party is not None and s.party.person == act.actor:
        return "party"
    roles = roles_of(registry, act.actor)
    if roles & STAFF_ROLES and paper is not None:
        return act.actor
    raise NotTheParty(f"{act.actor} is not the party, and staff recording the party's act give the paper's hash")


def case_terms(registry: Registry, s: CaseState, act: ActRecord) -> ItemTerms:
    return case_holding(registry, s, act).terms


def check_time_limit(s: CaseState, act: ActRecord) -> None:
    limit = proc.decision_time_limit(s, act.recorded_at)
    if limit is not None and when(act) > limit.date:
        raise DecisionTimeLimitExceeded(
            f"the time limit ran out on {limit.date}; no approved extension covers {when(act)}{limit.note()}"
        )
    if limit is not None:
        proc.rely_on(s, limit)


def decision_ready(s: CaseState, act: ActRecord, registry: Registry) -> None:
    require_filed(s, act)
    if s.decision is not None or s.terminated_at is not None or s.transfer_sent:
        raise ActNotAllowedNow("the case is already decided, terminated or transferred", article=f"{APL}第五十九条")
    require_no_transfer_under_way(s)
    require_head(registry, s, act.actor, "deciding the case")
    pending = [r.officer for r in s.recusals if r.upheld is None]
    if pending and act.type in ("decision.made", "no_penalty.decided"):
        raise RecusalPending(f"the recusal of {', '.join(pending)} awaits the head's decision")


def require_no_transfer_under_way(s: CaseState) -> None:
    """国务院令310 Art 11 (以罚代刑): while a suspected crime's transfer awaits the head's decision or, approved,
    awaits sending, the case is not decided or ended here instead; a refused transfer lets the case go on."""
    t = s.transfer
    if t is not None and t.sent_at is None and t.approved is not False:
        what = "approved and not yet sent" if t.approved else f"reported on {local_date(t.reported_at)} and awaiting the head's decision"
        raise PenaltyInsteadOfTransfer(f"the transfer to {t.organ} is {what}")


def active_measure(s: CaseState, version: int) -> Measure:
    for m in s.measures:
        if m.version == version and m.lifted_at is None:
            return m
    raise CoercionNotActive(f"no measure in force was imposed at version {version}")


def approved_measure(s: CaseState, version: int, at: dt.datetime) -> Measure:
    """A held measure the head has approved: an emergency one still awaiting the head's co-signature (ACL Art 19:
    approved within 24 hours, else lifted at once) is neither extended nor paused — only approved or lifted."""
    m = held_measure(s, version)
    if awaiting_approval(s, m):
        due = hours_after(m.imposed_at, "coercion.emergency_report")
        then = "it was not approved in time: lift it" if at > due else "the head approves it first (act.cosigned)"
        raise CoercionUnapproved(
            f"the emergency measure at version {version} awaits the head's approval, due by {due:%Y-%m-%d %H:%M}Z; {then}"
        )
    return m


def awaiting_approval(s: CaseState, m: Measure) -> bool:
    """An emergency measure the head has not yet approved by co-signing it (ACL Art 19)."""
    return m.emergency and any(x.version == m.version and x.approver in x.awaiting for x in s.pending)


def held_measure(s: CaseState, version: int) -> Measure:
    """A measure in force that the agency still holds: not handed over with a file now at the judicial organ (ACL
    Art 21), whose property the organ disposes of; a file returned (国务院令310 Art 9) brings it back."""
    m = active_measure(s, version)
    if m.transferred_at is not None and s.transfer_sent:
        organ = s.transfer.organ if s.transfer is not None else "the judicial organ"
        raise CoercionHandedOver(f"the seizure at version {version} went with the file to {organ} on {local_date(m.transferred_at)}")
    return m
