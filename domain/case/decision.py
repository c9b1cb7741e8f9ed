"""法制审核、集体讨论、决定 Legal review, collective discussion, the decision (general and on-the-spot).

Which terms judge a decision (从旧兼从轻, Art 37): those in force when the violation ended, unless the terms in force
at the decision are lighter (fewer kinds, a lower range, a list that exempts or lightens). The catalog knows an
item only from its first registered version; a violation before it is judged by that first version.
"""

from __future__ import annotations

import datetime as dt

from domain import procedure as proc
from domain.acts import ActRecord
from domain.calendar import LEGAL_TZ, local_date
from domain.case.common import (
    Handler,
    add_pending,
    case_holding,
    check_time_limit,
    check_violation_dates,
    decision_ready,
    discussion_signed,
    is_head,
    note_investigators,
    require_deciding_agency,
    require_filed,
    require_head,
    require_no_transfer_under_way,
    require_officers,
    require_staff,
    when,
)
from domain.case_acts import (
    CollectiveDiscussed,
    DecisionMade,
    LegalReviewed,
    NoPenaltyDecided,
    SimpleDecided,
    SimpleReported,
)
from domain.case_state import (
    CaseState,
    Decision,
    Discussion,
    Notice,
    Review,
)
from domain.catalog import MONEY_KINDS, SIMPLE_KINDS, Holding, ItemTerms, item_of, require_holding
from domain.errors import MalformedAct
from domain.law import ALL, APL, rule
from domain.local_rules import local_rule
from domain.money import LimitationKind, limitation_expired
from domain.parties import Party, age_on, check_party
from domain.personnel import agency_of, roles_of
from domain.refusals import (
    ActNotAllowedNow,
    AgencyHeadRequired,
    CollectiveDiscussionQuorum,
    CollectiveDiscussionRequired,
    CredentialsNotShown,
    DecisionExceedsNotice,
    DecisionWithoutNotice,
    ExemptFirstViolation,
    FineOutsideBand,
    FineOutsideRange,
    HearingRecordRequired,
    HearingRequestWindowOpen,
    HearingRequired,
    HeavierAfterDefence,
    LegalReviewerRequired,
    LegalReviewRequired,
    LightPenaltyListIgnored,
    MinorCorrectedNotPenalised,
    MinorNotPenalised,
    MinorPenaltyNotMitigated,
    NoFaultNotPenalised,
    NoPenaltyGroundUnfounded,
    PauseStillOpen,
    PenaltyNotInBasis,
    PenaltyTimeBarred,
    PenaltyWithoutEvidence,
    RemadeDecisionSame,
    SimpleProcedureNotAllowed,
    StatementWindowOpen,
    UnknownAgency,
)
from domain.registry import Registry


def check_confiscation(penalties: list[str], confiscation_fen: int) -> None:
    """A confiscation states its value, and only a confiscation has one: the value decides the hearing right and
    the legal review (Arts 58, 63: 较大数额、较大价值), so leaving it out would take them away."""
    if bool(set(penalties) & MONEY_KINDS - {"fine"}) != (confiscation_fen > 0):
        raise MalformedAct("confiscation_fen is positive exactly when the penalties include a confiscation (its value)")


def _check_penalty(
    terms: ItemTerms,
    penalties: list[str],
    fine_fen: int,
    band_level: str | None,
    reason_outside_band: str | None,
    confiscation_fen: int = 0,
) -> bool:
    """Penalty kinds in the basis, fine inside the range and band. Returns whether the fine is outside the band."""
    unknown = sorted(set(penalties) - set(terms.penalty_kinds))
    if unknown:
        raise PenaltyNotInBasis(f"{terms.basis} provides {terms.penalty_kinds}, not {unknown}")
    if ("fine" in penalties) != (fine_fen > 0):
        raise MalformedAct("fine_fen is positive exactly when the penalties include a fine")
    check_confiscation(penalties, confiscation_fen)
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


def _check_age(party: Party | None, violation_ended: dt.date, band: str | None, penalties: list[str]) -> None:
    """APL Art 30, by the party's age on the day the violation ended (a continuing violation: its last day). 从轻或者
    减轻 binds every procedure: an on-the-spot decision for a minor of 14–17 names the lighter or mitigated band too
    (the simple procedure's caps, Art 51, are the procedure's limit, not a mitigation). A warning alone is the
    lightest penalty there is (Art 9) and needs no band to show it."""
    age = age_on(party, violation_ended)
    if age is None:
        return
    if age < rule("party.age_not_penalised").value:
        raise MinorNotPenalised(f"the party was {age} when the violation ended on {violation_ended}; decide no penalty (minor_age)")
    warning_only = set(penalties) <= {"warning"}
    if age < rule("party.age_mitigated").value and band not in ("lighter", "mitigated") and not warning_only:
        raise MinorPenaltyNotMitigated(
            f"the party was {age} when the violation ended on {violation_ended}; the band is {band or 'none'}, not lighter or mitigated"
        )


def _check_no_penalty_grounds(minor: bool, corrected: bool, harm: str, no_fault_proven: bool) -> None:
    """Art 33(1): minor, corrected in time, no harmful consequence → no penalty; 33(2): no fault proven → none."""
    if minor and corrected and harm == "none":
        raise MinorCorrectedNotPenalised("the decision itself finds the violation minor, corrected in time and harmless")
    if no_fault_proven:
        raise NoFaultNotPenalised("the decision itself finds the party proved it had no subjective fault")


def _lighter(new: ItemTerms, old: ItemTerms) -> bool:
    """Whether the terms now in force punish less than those at the violation (Art 37's 从轻)."""
    if new == old or not set(new.penalty_kinds) <= set(old.penalty_kinds):
        return False
    if new.fine_max_fen > old.fine_max_fen or new.fine_min_fen > old.fine_min_fen:
        return False
    if new.exemption_list < old.exemption_list or new.light_penalty_list < old.light_penalty_list:
        return False
    return (
        set(new.penalty_kinds) < set(old.penalty_kinds)
        or new.fine_max_fen < old.fine_max_fen
        or new.fine_min_fen < old.fine_min_fen
        or new.exemption_list > old.exemption_list
        or new.light_penalty_list > old.light_penalty_list
    )


def applicable_terms(registry: Registry, held: Holding, code: str, violation_ended: dt.date) -> ItemTerms:
    """从旧兼从轻 (Art 37): the terms in force when the violation ended, unless today's are lighter."""
    item = item_of(registry, code)
    end_of_day = dt.datetime.combine(violation_ended, dt.time.max, tzinfo=LEGAL_TZ)
    then = item.terms_at(end_of_day) or item.versions[0][1]
    return held.terms if _lighter(held.terms, then) else then


def _check_exemption(terms: ItemTerms, first: bool, corrected: bool, harm: str, band: str | None, fined_unbanded: bool = False) -> None:
    """免罚清单 binds (Art 33); a light-penalty-list item (Art 32) is fined in the lighter or mitigated band —
    ``fined_unbanded``: an on-the-spot fine that names no band, so shows no 从轻 either."""
    if terms.exemption_list and first and corrected and harm in ("none", "slight"):
        raise ExemptFirstViolation(f"{terms.name} is on the exemption list (免罚清单); this is a first, corrected, slight violation")
    if terms.light_penalty_list and first and corrected and (band in ("general", "heavier") or fined_unbanded):
        raise LightPenaltyListIgnored(f"{terms.name} is on the light-penalty list; the band is {band or 'not named'}")


def _check_limitation(s: CaseState, terms: ItemTerms, ended: dt.date, harm_to_life: bool) -> None:
    discovered = local_date(s.lead.received_at) if s.lead is not None else local_date(s.opened_at)
    kind: LimitationKind = "life_health_finance" if terms.life_health_finance and harm_to_life else "general"
    if limitation_expired(ended, discovered, kind):
        key = "limitation.life_health_finance" if kind != "general" else "limitation.general"
        raise PenaltyTimeBarred(
            f"violation ended {ended}, discovered {discovered}: beyond {rule(key).value} years", article=rule(key).article
        )


def _reviewed(s: CaseState, act: ActRecord, p: LegalReviewed, registry: Registry) -> None:
    require_filed(s, act)
    if "legal_reviewer" not in roles_of(registry, act.actor):
        raise LegalReviewerRequired(f"{act.actor} is not a legal reviewer")
    if act.actor in s.investigators:
        raise LegalReviewerRequired(f"{act.actor} investigated this case and may not review it")
    # Art 58: the reviewer works for the deciding agency (its own, the entruster's, or a township's parent bureau).
    agency = registry.agencies.get(s.agency) if s.agency is not None else None
    reviewing = {s.agency, s.in_name_of, agency.parent if agency is not None else None} - {None}
    reviewer_agency = agency_of(registry, act.actor)
    if reviewer_agency is not None and reviewer_agency not in reviewing:  # a reviewer registered with no agency: not judged here
        raise LegalReviewerRequired(f"{act.actor} is a legal reviewer of {reviewer_agency}, not of {s.in_name_of or s.agency}")
    s.reviews.append(Review(at=act.recorded_at, reviewer=act.actor, outcome=p.outcome))


def _discussed(s: CaseState, act: ActRecord, p: CollectiveDiscussed, registry: Registry) -> None:
    require_filed(s, act)
    require_head(registry, s, act.actor, "collective discussion")
    participants = list(dict.fromkeys(p.participants))
    strangers = [x for x in participants if not is_head(registry, s, x)]
    if strangers:
        raise AgencyHeadRequired(f"{', '.join(strangers)} is not a registered head of {s.agency}")
    if act.actor not in participants:
        raise MalformedAct(f"the signer {act.actor} is among the participants of the discussion")
    # A local number: the agency's rule act sets the quorum, else the default in domain/law.py.
    quorum = local_rule(registry, s.in_name_of or s.agency, s.domain, "collective_discussion.min_heads", act.recorded_at)
    if len(participants) < quorum.value:
        raise CollectiveDiscussionQuorum(
            f"{len(participants)} head(s) took part; at least {quorum.value} are needed ({quorum.describe()})"
        )
    proc.rely_rule(s, quorum)
    s.discussions.append(Discussion(at=act.recorded_at, participants=participants, version=act.version))
    add_pending(s, act, participants)


def _decided(s: CaseState, act: ActRecord, p: DecisionMade, registry: Registry) -> None:
    decision_ready(s, act, registry)
    held = case_holding(registry, s, act)
    deciding_agency = require_deciding_agency(s, held, p.deciding_agency)
    assert s.catalog_item is not None
    terms = applicable_terms(registry, held, s.catalog_item, p.violation_ended)
    n = s.notice
    if n is None or n.served_at is None:
        raise DecisionWithoutNotice("no pre-decision notice has been served")
    today = when(act)
    check_violation_dates(p.violation_began, p.violation_ended, today)
    if not s.evidence and not s.records:
        raise PenaltyWithoutEvidence(f"case {s.case_id} records no evidence, inspection or interview")
    window = proc.statement_window(s, registry)
    if window is not None and today <= window.date and s.statement_waived_at is None:
        raise StatementWindowOpen(f"the party may state and defend until {window.date} ({window.source}){window.note()}")
    if window is not None:
        proc.rely_on(s, window)
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
                raise HearingRequestWindowOpen(f"the party may request a hearing until {hw.date}{hw.note()}")
            if hw is not None:
                proc.rely_on(s, hw)
    require_no_open_pause(s)
    check_time_limit(s, act)
    _check_limitation(s, terms, p.violation_ended, p.life_health_finance_harm)
    _check_no_penalty_grounds(p.minor, p.corrected, p.harm, p.no_fault_proven)
    _check_age(s.party, p.violation_ended, p.band, list(p.penalties))
    outside = _check_penalty(terms, list(p.penalties), p.fine_fen, p.band, p.reason_outside_band, p.confiscation_fen)
    _check_exemption(terms, p.first_violation, p.corrected, p.harm, p.band)
    heavier = sorted(set(p.penalties) - set(n.penalties))
    if heavier or p.fine_fen > n.fine_fen or p.confiscation_fen > n.confiscation_fen:
        what = f"kinds {heavier}" if heavier else f"{p.fine_fen} fen fine / {p.confiscation_fen} fen confiscation"
        if proc.defended(s):
            raise HeavierAfterDefence(f"{what} exceeds the notice after the party's defence")
        raise DecisionExceedsNotice(f"{what} exceeds the notice")
    _not_the_voided_decision_again(s, p)
    heard = s.hearing is not None and s.hearing.held_at is not None and s.hearing.withdrawn_at is None
    threshold = proc.review_threshold(registry, s, s.party, act.recorded_at)
    over_threshold = proc.review_threshold_reached(s.party, p.fine_fen, p.confiscation_fen, threshold.value)
    major = s.major_public_interest or s.complex or heard or outside or over_threshold
    # A decision remade on an order (复议法 Art 64; 行政诉讼法 Art 70) is a new decision: the review and discussion of
    # the voided one examined the decision found unlawful, so only those since the order count for it.
    begun = s.remade_at or s.filed_at
    # Reviews and discussions count from the hearing, if one was held, else from the filing or the order to remake.
    counted_from = s.hearing.held_at if heard and s.hearing is not None else begun
    if major:
        since = counted_from
        # A review before a lighter proposal examined that proposal, not the heavier one now decided on: it counts
        # only after the last notice lighter than the one served (the review record does not say what it examined).
        lighter = _last_lighter_notice(s, n)
        if lighter is not None and (since is None or lighter.issued_at > since):
            since = lighter.issued_at
        reviews = [r for r in s.reviews if since is None or r.at >= since]
        if not reviews or reviews[-1].outcome != "passed":
            why = "failed" if reviews else "missing"
            rule_note = f" ({threshold.describe()})" if over_threshold else ""
            after = (" after the hearing" if heard else
                     f" after the lighter notice of {local_date(lighter.issued_at)}" if lighter is not None and since == lighter.issued_at else
                     " after the order to remake" if s.remade_at is not None else "")
            raise LegalReviewRequired(f"legal review {why}{after}{rule_note}")
    proc.rely_rule(s, threshold)
    if s.complex or s.major_public_interest:
        since = counted_from
        # Art 58 (在行政机关负责人作出行政处罚的决定之前): the heads' collective discussion decides the case (Art 57(2)),
        # so it follows the passed legal review it decides on — a discussion before the review decided unreviewed.
        reviewed = min((x.at for x in s.reviews if x.outcome == "passed" and (since is None or x.at >= since)), default=None)
        if reviewed is not None and not discussion_signed(s, reviewed) and discussion_signed(s, since):
            raise CollectiveDiscussionRequired(
                f"the collective discussion came before the legal review of {local_date(reviewed)}; the heads discuss the reviewed case",
                article=f"{APL}第五十七条、第五十八条",
            )
        if not discussion_signed(s, since):
            after = " since the order to remake" if s.remade_at is not None else ""
            raise CollectiveDiscussionRequired(f"no collective discussion of the heads, signed by each, is recorded{after}")
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
        deciding_agency=deciding_agency,
        remedies_stated=p.remedies_stated,
    )
    s.violation_ended = p.violation_ended


def _last_lighter_notice(s: CaseState, current: Notice) -> Notice | None:
    """The latest earlier notice proposing less than ``current`` (fewer kinds, or a lower fine or confiscation)."""
    lighter = [
        e for e in s.earlier_notices
        if e.issued_at < current.issued_at and set(e.penalties) <= set(current.penalties)
        and (set(e.penalties) < set(current.penalties) or e.fine_fen < current.fine_fen or e.confiscation_fen < current.confiscation_fen)
    ]
    return max(lighter, key=lambda e: e.issued_at, default=None)


def _not_the_voided_decision_again(s: CaseState, p: DecisionMade) -> None:
    """复议法 Art 64(2); 行政诉讼法 Art 71: after an order to remake, not the same decision (or a heavier one) on the
    same facts and reasons — new facts are evidence or records made after the order; an order resting on a breach of
    procedure alone leaves the agency free (行诉法解释 Art 90)."""
    if s.remade_at is None or not s.voided_decisions:
        return
    order = next((r for r in s.remedies if r.outcome == "remake" and r.decided_at == s.remade_at), None)
    if order is None or order.procedural_only:
        return
    remade_at = s.remade_at
    if any(e.recorded_at is not None and e.recorded_at > remade_at for e in s.evidence) or any(x.at > remade_at for x in s.records):
        return
    old = s.voided_decisions[-1]
    old_fine = old.fine_in_force_fen
    if set(p.penalties) >= set(old.penalties) and p.fine_fen >= old_fine and p.confiscation_fen >= old.confiscation_fen:
        article = f"{ALL}第七十一条" if order.kind == "litigation" else None
        raise RemadeDecisionSame(
            f"the decision of {local_date(old.decided_at)} ({old.penalties}, {old_fine} fen) was ordered remade on "
            f"{local_date(remade_at)}; this one is no lighter, and no evidence or record was made since the order",
            article=article,
        )


def _check_minor_age_ground(s: CaseState, ground: str, today: dt.date) -> None:
    """Art 30: the ground ``minor_age`` fits only a child under 14 at the violation. Without its date, judged at the
    earliest day a violation discovered now could have ended and still be pursued (the longest limitation)."""
    if ground != "minor_age":
        return
    discovered = local_date(s.lead.received_at) if s.lead is not None else today
    longest = rule("limitation.life_health_finance").value
    day = s.violation_ended or discovered.replace(year=discovered.year - longest, day=min(discovered.day, 28))
    age = age_on(s.party, day)
    if age is not None and age >= rule("party.age_not_penalised").value:
        raise NoPenaltyGroundUnfounded(f"the party was {age} on {day}; not under {rule('party.age_not_penalised').value}")


def _no_penalty(s: CaseState, act: ActRecord, p: NoPenaltyDecided, registry: Registry) -> None:
    decision_ready(s, act, registry)
    deciding_agency = require_deciding_agency(s, case_holding(registry, s, act), p.deciding_agency)
    _check_minor_age_ground(s, p.ground, when(act))
    require_no_open_pause(s)
    check_time_limit(s, act)
    s.decision = Decision(
        version=act.version, kind="no_penalty", decided_at=act.recorded_at, by=act.actor, ground=p.ground,
        deciding_agency=deciding_agency,
    )


def _simple(s: CaseState, act: ActRecord, p: SimpleDecided, registry: Registry) -> None:
    if s.filed_at is not None or s.declined_at is not None or s.decision is not None:
        raise ActNotAllowedNow("an on-the-spot decision is made at the scene, before any filing", article=f"{APL}第五十一条")
    if s.agency is None:
        raise UnknownAgency("the case has no agency")
    require_no_transfer_under_way(s)
    held = require_holding(registry, s.agency, p.catalog_item, act.recorded_at)
    s.catalog_item, s.domain, s.in_name_of = p.catalog_item, held.terms.domain, held.in_name_of
    deciding_agency = require_deciding_agency(s, held, p.deciding_agency)
    party = check_party(p.party)
    kinds = sorted(set(p.penalties) - SIMPLE_KINDS)
    cap = proc.simple_fine_cap(party)
    if kinds or p.fine_fen > cap:
        raise SimpleProcedureNotAllowed(
            f"{'kinds ' + str(kinds) if kinds else f'{p.fine_fen} fen'} exceeds the simple procedure (≤ {cap} fen for this party)"
        )
    officers = require_officers(registry, s, act, list(p.officers), rule("investigation.min_officers").value)
    if not p.credentials_shown:
        raise CredentialsNotShown("the officers show their credentials on the spot", article=f"{APL}第五十二条")
    if not p.party_heard:
        raise DecisionWithoutNotice("the party is told the facts and heard on the spot", article=f"{APL}第五十二条")
    check_violation_dates(None, p.violation_ended, when(act))
    s.party = party
    terms = applicable_terms(registry, held, p.catalog_item, p.violation_ended)
    _check_limitation(s, terms, p.violation_ended, False)
    _check_no_penalty_grounds(p.minor, p.corrected, p.harm, p.no_fault_proven)
    _check_age(party, p.violation_ended, p.band, list(p.penalties))
    # Bands apply to the general procedure's fines; an on-the-spot fine stays inside the statutory range.
    _check_simple_range(terms, p)
    _check_exemption(terms, p.first_violation, p.corrected, p.harm, p.band, fined_unbanded=p.fine_fen > 0 and p.band is None and bool(terms.bands))
    note_investigators(s, officers)
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
        deciding_agency=deciding_agency,
        remedies_stated=p.remedies_stated,
    )
    add_pending(s, act, officers)


def _check_simple_range(terms: ItemTerms, p: SimpleDecided) -> None:
    unknown = sorted(set(p.penalties) - set(terms.penalty_kinds))
    if unknown:
        raise PenaltyNotInBasis(f"{terms.basis} provides {terms.penalty_kinds}, not {unknown}")
    if ("fine" in p.penalties) != (p.fine_fen > 0):
        raise MalformedAct("fine_fen is positive exactly when the penalties include a fine")
    if not p.fine_fen:
        return
    below_ok = p.band == "mitigated"  # 减轻处罚 (Art 32) goes below the statutory minimum
    if p.fine_fen > terms.fine_max_fen or (p.fine_fen < terms.fine_min_fen and not below_ok):
        raise FineOutsideRange(
            f"fine {p.fine_fen} fen; {terms.basis} allows {terms.fine_min_fen}–{terms.fine_max_fen} fen", article=terms.basis
        )
    if p.band is None or not terms.bands:
        return
    band = next((b for b in terms.bands if b.level == p.band), None)
    if band is None:
        raise MalformedAct(f"the item has no {p.band} band")
    # On the spot there is no reason-and-legal-review route out of a band (Art 58): the named band's range binds.
    if not band.min_fen <= p.fine_fen <= band.max_fen:
        raise FineOutsideBand(f"fine {p.fine_fen} fen is outside the {band.level} band {band.min_fen}–{band.max_fen} fen")


def _simple_reported(s: CaseState, act: ActRecord, p: SimpleReported, registry: Registry) -> None:
    require_staff(registry, act.actor)
    if s.decision is None or s.decision.kind != "simple" or s.simple_reported_at is not None:
        raise ActNotAllowedNow("only an on-the-spot decision is reported, once", article=f"{APL}第五十二条")
    s.simple_reported_at = act.recorded_at


UNBOUNDED_PAUSES = frozenset({"testing", "suspension"})  # a hearing or announcement pause ends with its event


def require_no_open_pause(s: CaseState) -> None:
    """A decision ends the time limit: a testing or suspension pause of it still open is ended first (its last day
    is a fact the file records — the report's return, the investigation's resumption), or it would leave out every
    day until the decision (MS rules Art 64). One begun before an order to remake belonged to the voided procedure."""
    running = [p for p in proc.current_open_pauses(s) if p.kind in UNBOUNDED_PAUSES]
    if running:
        p = running[0]
        raise PauseStillOpen(f"the {p.kind} pause begun on {local_date(p.started_at)} is still open; record its end first")


HANDLERS: dict[str, Handler] = {
    "legal.reviewed": _reviewed,
    "collective.discussed": _discussed,
    "decision.made": _decided,
    "no_penalty.decided": _no_penalty,
    "simple.decided": _simple,
    "simple.reported": _simple_reported,
}
