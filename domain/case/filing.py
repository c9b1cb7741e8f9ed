"""立案 Filing: the lead, filing or declining it, extending the filing decision, the referral result, assigning officers."""

from __future__ import annotations

from domain import procedure as proc
from domain.acts import ActRecord
from domain.case.common import (
    Handler,
    add_pending,
    check_violation_dates,
    gate_auxiliary,
    is_head,
    require_certified,
    require_certified_or_head,
    require_filed,
    require_head,
    require_staff,
    when,
)
from domain.case_acts import (
    CaseDeclined,
    CaseFiled,
    FilingExtended,
    LeadReceived,
    OfficersAssigned,
    ReferralResultSent,
)
from domain.case_state import (
    CaseState,
    Lead,
    ReferralReport,
)
from domain.catalog import item_of, require_holding
from domain.errors import MalformedAct, NotAuthorised
from domain.law import APL, rule
from domain.parties import check_party
from domain.personnel import agency_of, is_auxiliary_only, roles_of
from domain.refusals import (
    ActNotAllowedNow,
    AgencyHeadRequired,
    AuxiliaryActingAlone,
    ReferralResultMismatch,
    ReferralResultRequired,
    TooFewOfficers,
    UnknownAgency,
)
from domain.registry import Registry


def open_case(act: ActRecord, lead: LeadReceived, registry: Registry) -> CaseState:
    require_staff(registry, act.actor)
    gate_auxiliary(act, lead, registry, lead.agency or agency_of(registry, act.actor))
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
            received_by=act.actor,
        ),
    )
    if is_auxiliary_only(registry, act.actor):
        add_pending(state, act, list(lead.officers))
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
    require_certified_or_head(registry, s, act.actor, act.recorded_at)
    party = p.party or s.party
    if party is None:
        raise MalformedAct("filing names the party")
    s.party = check_party(party)
    check_violation_dates(p.violation_began, p.violation_ended, when(act))
    s.filed_at, s.filed_by, s.procedure = act.recorded_at, act.actor, "general"
    s.violation_began, s.violation_ended = p.violation_began, p.violation_ended
    s.major_public_interest |= p.major_public_interest
    s.complex |= p.complex


def _declined(s: CaseState, act: ActRecord, p: CaseDeclined, registry: Registry) -> None:
    if s.filed_at is not None or s.declined_at is not None or s.decision is not None:
        raise ActNotAllowedNow("only a lead not yet filed or decided is declined", article=f"{APL}第五十四条")
    if s.domain is not None:
        require_certified_or_head(registry, s, act.actor, act.recorded_at)
    elif not (is_head(registry, s, act.actor) or "officer" in roles_of(registry, act.actor)):
        raise AgencyHeadRequired("declining a lead is for an officer or the head")
    s.declined_at, s.decline_ground = act.recorded_at, p.ground


def _filing_extended(s: CaseState, act: ActRecord, p: FilingExtended, registry: Registry) -> None:
    article = rule("filing.extension").article
    if s.filed_at is not None or s.declined_at is not None or s.decision is not None or s.filing_extended_at is not None:
        raise ActNotAllowedNow("the filing decision is extended once, before filing or declining", article=article)
    require_head(registry, s, act.actor, "extending the filing decision", article=article)
    window = proc.filing_window(s, registry, act.recorded_at)
    if window is not None and when(act) > window.date:
        raise ActNotAllowedNow(f"the filing window closed on {window.date} ({window.source}){window.note()}", article=article)
    if window is not None:
        proc.rely_on(s, window)
    s.filing_extended_at = act.recorded_at
    proc.rely_rule(s, proc.case_rule(registry, s, "filing.extension", act.recorded_at))


def _referral_result(s: CaseState, act: ActRecord, p: ReferralResultSent, registry: Registry) -> None:
    """抄告 (管罚分离): the handling agency tells the referring regulator what became of its lead — the result the
    case's stage supports ("filed" once filed, then its outcome), never one it has not reached."""
    article = ReferralResultRequired.article
    require_staff(registry, act.actor)
    if s.lead is None or s.lead.source != "referral":
        raise ActNotAllowedNow("only a referred lead's result is sent back (抄告)", article=article)
    handling = {s.agency, s.in_name_of} - {None}
    if agency_of(registry, act.actor) not in handling:
        raise NotAuthorised(f"{act.actor} is not staff of {' / '.join(sorted(a for a in handling if a))}, which handles the lead", article=article)
    owed = s.referral_result_owed
    if owed == "referred":
        raise ActNotAllowedNow("the result goes back once the lead is filed, declined or decided", article=article)
    if p.to != s.lead.referred_by:
        raise ReferralResultMismatch(f"the result goes back to the referring regulator {s.lead.referred_by}, not {p.to}")
    if p.result != owed:
        raise ReferralResultMismatch(f"the case is {owed}; a result of {p.result!r} does not match it")
    s.referral_reports.append(ReferralReport(version=act.version, result=p.result, at=act.recorded_at))


def _assigned(s: CaseState, act: ActRecord, p: OfficersAssigned, registry: Registry) -> None:
    require_filed(s, act)
    require_certified_or_head(registry, s, act.actor, act.recorded_at)
    named = list(dict.fromkeys(p.officers))
    minimum = rule("investigation.min_officers").value
    if len(named) < minimum:
        raise TooFewOfficers(f"{len(named)} officer(s) assigned; at least {minimum}")
    for officer in named:
        require_certified(registry, s, officer, act.recorded_at)
    s.officers = named


HANDLERS: dict[str, Handler] = {
    "case.filed": _filed,
    "case.declined": _declined,
    "filing.extended": _filing_extended,
    "referral.result_sent": _referral_result,
    "officers.assigned": _assigned,
}
