"""告知、陈述申辩、听证 Notice, statement and defence, hearing."""

from __future__ import annotations

import datetime as dt

from domain import procedure as proc
from domain.acts import ActRecord
from domain.calendar import local_date
from domain.case.common import (
    Handler,
    case_holding,
    case_terms,
    party_or_recorder,
    require_certified,
    require_certified_or_head,
    require_open_investigation,
    when,
)
from domain.case.decision import applicable_terms, check_confiscation
from domain.case_acts import (
    HearingHeld,
    HearingRecorded,
    HearingRequested,
    HearingScheduled,
    HearingWithdrawn,
    NoticeIssued,
    RightWaived,
    StatementMade,
)
from domain.case_state import (
    CaseState,
    Hearing,
    Notice,
    Statement,
)
from domain.errors import MalformedAct, NotAuthorised
from domain.law import APL
from domain.personnel import roles_of
from domain.refusals import (
    ActNotAllowedNow,
    HearingNotAsNotified,
    HearingNotAvailable,
    HearingNoticeTooShort,
    HearingNotPublicWithoutReason,
    HearingPresiderInvestigated,
    HearingRequestLate,
    HeavierAfterDefence,
    PenaltyNotInBasis,
    RecusalPending,
    WaiverBeforeNotice,
)
from domain.registry import Registry


def _notice(s: CaseState, act: ActRecord, p: NoticeIssued, registry: Registry) -> None:
    require_open_investigation(s, act)
    require_certified_or_head(registry, s, act.actor, act.recorded_at)
    terms = case_terms(registry, s, act)
    ended = p.violation_ended or s.violation_ended
    if ended is not None and s.catalog_item is not None:
        # 从旧兼从轻 (Art 37) as at the decision: the notice proposes only what the terms that will judge it allow.
        terms = applicable_terms(registry, case_holding(registry, s, act), s.catalog_item, ended)
    unknown = sorted(set(p.penalties) - set(terms.penalty_kinds))
    if unknown:
        raise PenaltyNotInBasis(f"{terms.basis} provides {terms.penalty_kinds}, not {unknown}")
    if ("fine" in p.penalties) != (p.fine_fen > 0):
        raise MalformedAct("fine_fen is positive exactly when the penalties include a fine")
    check_confiscation(list(p.penalties), p.confiscation_fen)
    threshold = proc.hearing_threshold(registry, s, s.party, act.recorded_at)
    proc.rely_rule(s, threshold)
    _no_heavier_after_defence(s, p)
    if s.notice is not None:
        s.earlier_notices.append(s.notice)
    s.notice = Notice(
        version=act.version,
        issued_at=act.recorded_at,
        penalties=list(p.penalties),
        fine_fen=p.fine_fen,
        confiscation_fen=p.confiscation_fen,
        band=p.band,
        hearing_eligible=proc.hearing_eligible(s.party, list(p.penalties), p.fine_fen, p.confiscation_fen, threshold.value),
    )
    s.notices_issued += 1
    s.statement_waived_at = s.hearing_waived_at = None
    s.major_public_interest |= p.major_public_interest
    s.complex |= p.complex


def _no_heavier_after_defence(s: CaseState, p: NoticeIssued) -> None:
    """Art 45: a new notice heavier than the one the party defended against (in a statement, or at a hearing it
    attended) needs new facts or evidence recorded after the defence — otherwise a second notice would be a way
    round the rule."""
    notices = [*s.earlier_notices, *([s.notice] if s.notice is not None else [])]
    defences = proc.defences(s)
    defended = [n for n in notices if any(at >= n.issued_at for at in defences)]
    heavier = [
        n for n in defended
        if set(p.penalties) - set(n.penalties) or p.fine_fen > n.fine_fen or p.confiscation_fen > n.confiscation_fen
    ]
    if not heavier:
        return
    last = max(defences)
    new_evidence = any(e.recorded_at is not None and e.recorded_at > last for e in s.evidence)
    if not (new_evidence or any(r.at > last for r in s.records)):
        raise HeavierAfterDefence(
            f"the new notice is heavier than the one defended on {local_date(last)}, with no evidence or record after the defence"
        )


def _posted_in_time(act: ActRecord, posted_on: dt.date | None, envelope: str | None) -> None:
    """A posted paper carries its postmark date and the envelope's hash, and was posted before it arrived."""
    if posted_on is None:
        if envelope is not None:
            raise MalformedAct("an envelope's hash comes with the posting date")
        return
    if envelope is None:
        raise MalformedAct("a posted paper carries the envelope's hash (the postmark is the evidence of the date)")
    if posted_on > when(act):
        raise MalformedAct(f"posted on {posted_on}, after it was received on {when(act)}")


def _require_notice(s: CaseState, act: ActRecord, served: bool = False) -> Notice:
    n = s.notice
    if n is None or (served and n.served_at is None) or s.decision is not None:
        raise ActNotAllowedNow(f"{act.type} follows a served pre-decision notice and precedes the decision", article=f"{APL}第四十四条")
    return n


def _statement(s: CaseState, act: ActRecord, p: StatementMade, registry: Registry) -> None:
    _require_notice(s, act)
    _posted_in_time(act, p.posted_on, p.envelope_sha256)
    by = party_or_recorder(registry, s, act, p.paper_sha256)
    s.statements.append(Statement(at=act.recorded_at, by=by, sha256=p.content_sha256))


def _waived(s: CaseState, act: ActRecord, p: RightWaived, registry: Registry) -> None:
    n = _require_notice(s, act)
    party_or_recorder(registry, s, act, p.paper_sha256)
    if n.served_at is None:
        # Arts 44, 62, 64: a waiver needs the notice served first. During an announcement's 30 days a party who comes
        # in and signs a waiver has read the notice: that counts (refusing it would keep the party from its choice).
        article = f"{APL}第六十四条" if p.right == "hearing" else None
        raise WaiverBeforeNotice(f"the notice of {local_date(n.issued_at)} has not been served on the party", article=article)
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
    party_or_recorder(registry, s, act, p.paper_sha256)
    if not n.hearing_eligible:
        raise HearingNotAvailable("the notified penalty carries no hearing right")
    window = proc.hearing_request_window(s)
    if s.hearing_waived_at is not None:
        raise HearingRequestLate("the party waived the hearing")
    _posted_in_time(act, p.posted_on, p.envelope_sha256)
    # Time in the post is not counted (《民事诉讼法》第八十五条): a request posted within the window is in time.
    sent = p.posted_on or when(act)
    if window is not None and sent > window.date:
        how = f"posted on {sent}" if p.posted_on else f"received on {sent}"
        raise HearingRequestLate(f"the window closed on {window.date}{window.note()}; the request was {how}")
    if window is not None:
        proc.rely_on(s, window)
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
    party_or_recorder(registry, s, act, p.paper_sha256)
    if h.held_at is not None:
        raise ActNotAllowedNow("the hearing was already held", article=f"{APL}第六十四条")
    h.withdrawn_at = act.recorded_at


def _hearing_scheduled(s: CaseState, act: ActRecord, p: HearingScheduled, registry: Registry) -> None:
    h = _live_hearing(s, act)
    if h.held_at is not None:
        raise ActNotAllowedNow("the hearing was already held", article=f"{APL}第六十四条")
    require_certified_or_head(registry, s, act.actor, act.recorded_at)
    if p.presider in s.investigators:
        raise HearingPresiderInvestigated(f"{p.presider} took part in the investigation")
    if not roles_of(registry, p.presider) & {"officer", "legal_reviewer", "agency_head"}:
        raise NotAuthorised(f"{p.presider} may not preside a hearing", article=f"{APL}第六十四条")
    if not p.public and not (p.reason_not_public or "").strip():
        raise HearingNotPublicWithoutReason("a hearing held in private names its reason (state secret, trade secret, privacy)")
    earliest = proc.hearing_notice_earliest(act.recorded_at)
    if local_date(p.hearing_at) < earliest.date:
        raise HearingNoticeTooShort(
            f"hearing on {local_date(p.hearing_at)}; told on {when(act)}, the earliest is {earliest.date}{earliest.note()}"
        )
    proc.rely_on(s, earliest)
    h.scheduled_at = h.told_at = act.recorded_at
    h.hearing_at, h.presider, h.public = p.hearing_at, p.presider, p.public


def _hearing_held(s: CaseState, act: ActRecord, p: HearingHeld, registry: Registry) -> None:
    h = _live_hearing(s, act)
    if h.hearing_at is None or h.presider is None or h.held_at is not None:
        raise ActNotAllowedNow("the hearing is not scheduled, or was held", article=f"{APL}第六十四条")
    if act.actor != h.presider or p.presider != h.presider:
        raise NotAuthorised(f"the hearing is presided and recorded by {h.presider}", article=f"{APL}第六十四条")
    if when(act) < local_date(h.hearing_at):
        raise ActNotAllowedNow(f"the hearing is set for {local_date(h.hearing_at)}", article=f"{APL}第六十四条")
    if any(r.officer == h.presider and r.upheld is None for r in s.recusals):
        # Art 64(4): the party may ask the presider to withdraw; the head decides (Art 43) before the presider holds
        # the hearing — an investigation goes on meanwhile, a hearing under a challenged presider does not.
        raise RecusalPending(f"the party's request that {h.presider} withdraw awaits the head's decision",
                             article=f"{APL}第四十三条、第六十四条")
    if not p.party_present and (when(act) != local_date(h.hearing_at) or act.recorded_at < h.hearing_at):
        raise HearingNotAsNotified(
            f"the party was told of a hearing at {h.hearing_at:%Y-%m-%d %H:%M}Z; absent on {when(act)}, it has not "
            "waived it — schedule a new date (7 working days' notice)"
        )
    h.held_at, h.party_present = act.recorded_at, p.party_present
    if not p.party_present:
        # Art 64(8): absence without good reason is a waiver of the hearing.
        s.hearing_waived_at = act.recorded_at


def _hearing_recorded(s: CaseState, act: ActRecord, p: HearingRecorded, registry: Registry) -> None:
    h = _live_hearing(s, act)
    if h.held_at is None or h.record_at is not None:
        raise ActNotAllowedNow("the record follows the hearing, once", article=f"{APL}第六十五条")
    if act.actor != h.presider:
        require_certified(registry, s, act.actor, act.recorded_at)
    h.record_at, h.record_sha256 = act.recorded_at, p.record_sha256


HANDLERS: dict[str, Handler] = {
    "notice.issued": _notice,
    "statement.made": _statement,
    "right.waived": _waived,
    "hearing.requested": _hearing_requested,
    "hearing.withdrawn": _hearing_withdrawn,
    "hearing.scheduled": _hearing_scheduled,
    "hearing.held": _hearing_held,
    "hearing.recorded": _hearing_recorded,
}
