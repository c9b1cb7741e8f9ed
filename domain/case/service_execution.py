"""送达、执行 Service of papers and execution: payment, deferral, late fees, reminders, court enforcement."""

from __future__ import annotations

import datetime as dt

from domain import procedure as proc
from domain.acts import ActRecord
from domain.calendar import Deadline, local_date, period
from domain.case.common import (
    Handler,
    require_certified_or_head,
    require_head,
    require_staff,
    when,
)
from domain.case_acts import (
    CashHandedIn,
    CourtEnforcementApplied,
    CourtEnforcementConcluded,
    LateFeeAssessed,
    PaymentDeferred,
    PaymentRecorded,
    ReminderSent,
    ServiceRecorded,
)
from domain.case_state import (
    CaseState,
    Decision,
    Deferral,
    Payment,
)
from domain.errors import MalformedAct
from domain.law import ACL, APL, CPL, rule
from domain.money import late_fee
from domain.refusals import (
    ActNotAllowedNow,
    AnnouncementServiceNotAllowed,
    DeferralBeforeDueDate,
    DeferralWithoutApplication,
    ElectronicServiceWithoutConsent,
    EnforcementApplicationLate,
    EnforcementPremature,
    HearingNoticeTooShort,
    LateFeeExcessive,
    LeftAtResidenceUnrecorded,
    OnTheSpotCollectionNotAllowed,
    ReminderAmountExcessive,
)
from domain.registry import Registry


def _served(s: CaseState, act: ActRecord, p: ServiceRecorded, registry: Registry) -> None:
    require_staff(registry, act.actor)
    if p.method == "electronic" and not (p.consent_ref and p.confirmation_ref):
        raise ActNotAllowedNow("electronic service needs the party's consent and a signed confirmation", article=f"{APL}第六十一条")
    served_at = act.recorded_at
    _check_method(p, act)
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
        earliest = proc.hearing_notice_earliest(served_at)
        if local_date(h.hearing_at) < earliest.date:
            raise HearingNoticeTooShort(
                f"served {local_date(served_at)}, hearing on {local_date(h.hearing_at)}; the earliest is {earliest.date}{earliest.note()}"
            )
        proc.rely_on(s, earliest)
        h.told_at = served_at
    else:
        d = s.decision
        if d is None or d.served_at is not None:
            raise ActNotAllowedNow("no unserved decision", article=f"{APL}第六十一条")
        d.served_at, d.service_method = served_at, p.method


def _check_method(p: ServiceRecorded | ReminderSent, act: ActRecord, article: str | None = None) -> None:
    """What the 民事诉讼法 asks of each method (``article`` names the law that sends a paper to it, as ACL Art 38
    does for a reminder): a record of the paper left at the residence (Art 89), the ground of an announcement (Art
    95); the announcement's fields on no other method."""

    def cited(cpl_article: str) -> str | None:
        return f"{article}；{CPL}{cpl_article}" if article is not None else None

    if p.method == "left_at_residence" and p.receipt_sha256 is None:
        raise LeftAtResidenceUnrecorded("name the record of the service (receipt_sha256): the witnessed receipt, or photos or video",
                                        article=cited("第八十九条"))
    if p.method == "announcement":
        _check_announcement(p, act, cited("第九十五条"))
    elif p.announcement_ground is not None or p.ground_sha256 is not None or p.failed_attempts:
        raise MalformedAct("announcement_ground, ground_sha256 and failed_attempts belong to service by announcement")


def _check_announcement(p: ServiceRecorded | ReminderSent, act: ActRecord, article: str | None = None) -> None:
    """《民事诉讼法》第九十五条: 受送达人下落不明，或者用本节规定的其他方式无法送达的，公告送达 — the ground is stated
    and shown by a record: the search for the party, or a failed attempt by another method before the announcement."""
    if p.announcement_ground is None:
        raise AnnouncementServiceNotAllowed(
            "state why service by announcement: the party's whereabouts are unknown, or the other methods failed",
            article=article,
        )
    if p.announcement_ground == "whereabouts_unknown" and p.ground_sha256 is None:
        raise AnnouncementServiceNotAllowed("whereabouts unknown: attach the record of the search (ground_sha256)", article=article)
    if p.announcement_ground == "other_methods_failed":
        if not p.failed_attempts:
            raise AnnouncementServiceNotAllowed("other methods failed: name at least one failed attempt, with its record", article=article)
        today = local_date(act.recorded_at)
        late = [a for a in p.failed_attempts if a.on > today]
        if late:
            raise AnnouncementServiceNotAllowed(f"a failed attempt on {late[0].on} cannot come after the announcement on {today}", article=article)


def _served_decision(s: CaseState, act: ActRecord) -> Decision:
    d = s.decision
    if d is None or d.served_at is None or d.void or d.kind == "no_penalty":
        raise ActNotAllowedNow(f"{act.type} needs a served penalty decision in force", article=f"{APL}第六十七条")
    return d


def _remaining(s: CaseState, d: Decision) -> int:
    return proc.amount_due(s, d) - s.paid_fen


def _payment(s: CaseState, act: ActRecord, p: PaymentRecorded, registry: Registry) -> None:
    require_staff(registry, act.actor)
    d = _served_decision(s, act)
    if p.amount_fen > _remaining(s, d):
        raise ActNotAllowedNow(f"{p.amount_fen} fen exceeds the {_remaining(s, d)} fen due", article=f"{APL}第六十七条")
    if p.method == "on_the_spot":
        _check_on_the_spot(d, p, when(act))
    s.payments.append(
        Payment(at=act.recorded_at, amount_fen=p.amount_fen, method=p.method, receipt_ref=p.receipt_ref, version=act.version)
    )


def _check_on_the_spot(d: Decision, p: PaymentRecorded, today: dt.date) -> None:
    """Art 68: at the scene of an on-the-spot decision, a fine ≤ 100 yuan or one hard to collect later; Art 69: in a
    remote area on the party's request (any procedure). Nothing else is collected on the spot."""
    if p.remote_area:
        return
    if d.kind != "simple":
        raise OnTheSpotCollectionNotAllowed(
            "a general-procedure fine is paid to the bank, or collected on the spot only in a remote area on request",
            article=f"{APL}第六十八条、第六十九条",
        )
    decided = local_date(d.decided_at)
    if today != decided:
        # 当场收缴 is the collection at the scene of the decision (Art 68); officers collecting cash from the party
        # on a later day collect it themselves, which Art 67 forbids (罚缴分离): the party pays at the bank.
        raise OnTheSpotCollectionNotAllowed(
            f"the on-the-spot decision was made on {decided}; cash is not collected on {today} — the party pays at the bank",
            article=f"{APL}第六十七条、第六十八条",
        )
    if d.fine_fen > rule("payment.on_the_spot_max").value and not p.hard_to_collect:
        raise OnTheSpotCollectionNotAllowed(f"fine {d.fine_fen} fen, and later collection is not hard")


def _cash_handed_in(s: CaseState, act: ActRecord, p: CashHandedIn, registry: Registry) -> None:
    """Art 71: cash collected on the spot goes to the agency within 2 working days (a clock; late is shown)."""
    require_staff(registry, act.actor)
    found = [x for x in s.payments if x.version == p.payment and x.method == "on_the_spot"]
    if not found or found[0].handed_in_at is not None:
        raise ActNotAllowedNow(f"no cash collected on the spot at version {p.payment} awaits hand-in", article=rule("payment.cash_hand_in").article)
    found[0].handed_in_at = act.recorded_at


def _deferred(s: CaseState, act: ActRecord, p: PaymentDeferred, registry: Registry) -> None:
    require_head(registry, s, act.actor, "approving deferral or instalments", article=f"{APL}第六十六条")
    d = _served_decision(s, act)
    if proc.performed(s):
        raise ActNotAllowedNow("the decision is already performed", article=f"{APL}第六十六条")
    if p.application_sha256 is None:
        raise DeferralWithoutApplication("the party's written application for deferral or instalments is not named (its paper's hash)")
    if p.kind == "deferral" and p.until is None:
        raise MalformedAct("a deferral names the date it runs until")
    last = p.until if p.kind == "deferral" else max((i.due for i in p.instalments), default=None)
    if last is not None and last <= when(act):
        raise MalformedAct(f"a deferral or instalment plan runs past the day it is approved, not to {last}")
    assert d.served_at is not None
    statutory = period(d.served_at, "payment.window")
    if last is not None and last <= statutory.date:
        # Art 66 postpones: a plan ending within the 15 days of Art 67 would bring the due date — and the late fee
        # and the reminder after it — forward.
        raise DeferralBeforeDueDate(f"the plan ends on {last}; the party may pay until {statutory.date} anyway{statutory.note()}")
    if p.kind == "instalments" and sum(i.amount_fen for i in p.instalments) != _remaining(s, d):
        raise MalformedAct("instalments add up to the amount due")
    s.deferral = Deferral(
        at=act.recorded_at, kind=p.kind, until=p.until, instalments=[(i.due, i.amount_fen) for i in p.instalments]
    )


def _late_fee(s: CaseState, act: ActRecord, p: LateFeeAssessed, registry: Registry) -> None:
    require_certified_or_head(registry, s, act.actor, act.recorded_at)
    d = _served_decision(s, act)
    due = proc.payment_due(s)
    if due is None or p.as_of > when(act):
        raise ActNotAllowedNow("a late fee is assessed on a past day after the due date", article=f"{APL}第七十二条")
    fine = d.fine_in_force_fen
    paid_on = _fine_paid_on(s, fine)
    cap = _late_fee_ceiling(s, act, d, due, p.as_of)
    if s.late_fees_fen + p.amount_fen > cap:
        paid = f", the fine paid in full on {paid_on}" if paid_on is not None and paid_on < p.as_of else ""
        raise LateFeeExcessive(
            f"at most {cap} fen by {p.as_of} (due {due.date}{paid}); {s.late_fees_fen} fen already assessed{due.note()}"
        )
    proc.rely_on(s, due)
    s.late_fees_fen += p.amount_fen


def _late_fee_ceiling(s: CaseState, act: ActRecord, d: Decision, due: Deadline, as_of: dt.date) -> int:
    """The late fees the decision can have run up by ``as_of`` (Art 72), all assessments together."""
    # Art 73: no late fee during a reconsideration or lawsuit — from the day the body or court received it (an
    # application recorded here later names that day, ``lodged_on``), not only from when the agency recorded it.
    # A first-instance judgment not yet in force (``final`` false) leaves the lawsuit running until the 15 days to
    # appeal end (行诉法 Art 85), the appeal's own entry taking over if one is filed.
    excluded: list[tuple[dt.date | dt.datetime, dt.date | dt.datetime]] = [
        (r.received_on or r.filed_at,
         proc.appeal_window(r).date if r.kind == "litigation" and r.decided_at is not None and not r.final
         else r.decided_at or act.recorded_at)
        for r in s.remedies
    ]
    fine = d.fine_in_force_fen
    # Art 72 (到期不缴纳罚款的，每日按罚款数额的百分之三加处罚款): the fee runs on the fine while it is unpaid, so it
    # stops on the day the payments first covered the fine (taken to the fine first: confiscated gains still
    # owed do not keep a fee on a paid fine running).
    paid_on = _fine_paid_on(s, fine)
    until = min(as_of, paid_on) if paid_on is not None else as_of
    return late_fee(fine, due.date, until, excluded)


def _fine_paid_on(s: CaseState, fine: int) -> dt.date | None:
    """The day the payments first reached the fine (as changed on review), if they did."""
    total = 0
    for payment in s.payments:
        total += payment.amount_fen
        if total >= fine:
            return local_date(payment.at)
    return None


def _reminder(s: CaseState, act: ActRecord, p: ReminderSent, registry: Registry) -> None:
    require_certified_or_head(registry, s, act.actor, act.recorded_at)
    _served_decision(s, act)
    due = proc.payment_due(s)
    if due is None or when(act) <= due.date or proc.performed(s):
        last = "" if due is None else f" {due.date}{due.note()}"
        raise ActNotAllowedNow(f"a reminder follows non-payment after the due day{last}", article=f"{ACL}第五十四条")
    # ACL Art 38: served directly, else as the 民事诉讼法 provides — an e-mail only with the party's consent and
    # confirmation, an announcement only when the party cannot be found or the other methods failed.
    if p.method == "electronic" and not (p.consent_ref and p.confirmation_ref):
        raise ElectronicServiceWithoutConsent("the reminder was sent electronically without the party's consent and confirmation",
                                              article=f"{ACL}第三十八条；{CPL}第九十条")
    if p.method != "electronic" and (p.consent_ref is not None or p.confirmation_ref is not None):
        raise MalformedAct("consent_ref and confirmation_ref belong to electronic service")
    _check_method(p, act, f"{ACL}第三十八条")
    # ACL Art 35(3): the reminder states the sum to pay — at most what is owed today: the money unpaid (late fees
    # assessed included, capped at the fine) and the late fees run up since and not yet assessed (APL Art 72).
    d = s.decision
    assert d is not None
    owed = proc.amount_due(s, d) - s.paid_fen + max(0, _late_fee_ceiling(s, act, d, due, when(act)) - s.late_fees_fen)
    if not 0 < p.amount_due_fen <= owed:
        raise ReminderAmountExcessive(f"the reminder demands {p.amount_due_fen} fen; {owed} fen is owed on {when(act)}{due.note()}")
    proc.rely_on(s, due)
    # ACL Art 54 (催告书送达十日后): the wait runs from the reminder's service. Served by announcement (ACL Art 38 →
    # 《民事诉讼法》第九十五条), it is deemed served 30 days after it went up: the wait starts then.
    served_at = act.recorded_at
    if p.method == "announcement":
        served_at += dt.timedelta(days=rule("service.announcement_deemed").value)
    s.reminders.append(served_at)


def _court_applied(s: CaseState, act: ActRecord, p: CourtEnforcementApplied, registry: Registry) -> None:
    require_head(registry, s, act.actor, "applying for court enforcement", article=f"{ACL}第五十三条")
    _served_decision(s, act)
    if proc.performed(s) or s.court_applied_at is not None:
        raise ActNotAllowedNow("performed, or already applied", article=f"{ACL}第五十三条")
    earliest = proc.enforcement_earliest(s)
    if earliest is None and s.reminders:
        due = proc.payment_due(s)
        assert due is not None
        if local_date(s.reminders[-1]) <= due.date:
            raise EnforcementPremature(
                f"the reminder of {local_date(s.reminders[-1])} came before the deferred due date {due.date} (APL Art 66); remind the party again",
                article=f"{APL}第六十六条；{ACL}第五十四条",
            )
        raise EnforcementPremature(
            f"the reminder of {local_date(s.reminders[-1])} demanded the fine before it was changed on review; remind the party of the new sum",
            article=f"{ACL}第三十五条、第五十四条",
        )
    if earliest is None or when(act) <= earliest.date or proc.remedy_pending(s):
        raise EnforcementPremature(
            "no written reminder yet"
            if earliest is None
            else f"not before {earliest.date} and with no remedy pending{earliest.note()}"
        )
    remedies_end = proc.remedy_periods_end(s)
    start = proc.enforcement_window_start(s)
    last = proc.enforcement_window_end(s)
    assert remedies_end is not None and start is not None and last is not None
    if when(act) > last.date:
        deferred = f", the approved deferral on {start.date} (Art 72(2))" if start.date != remedies_end.date else ""
        raise EnforcementApplicationLate(
            f"the remedy periods that ran expired on {remedies_end.date}{deferred}; "
            f"the application was due by {last.date}{last.note()}"
        )
    proc.rely_on(s, earliest)
    proc.rely_on(s, last)
    s.court_applied_at = act.recorded_at


def _court_concluded(s: CaseState, act: ActRecord, p: CourtEnforcementConcluded, registry: Registry) -> None:
    require_staff(registry, act.actor)
    if s.court_applied_at is None or s.court_outcome is not None:
        raise ActNotAllowedNow("no court enforcement is pending", article=f"{ACL}第五十三条")
    s.court_outcome = p.outcome


HANDLERS: dict[str, Handler] = {
    "service.recorded": _served,
    "payment.recorded": _payment,
    "cash.handed_in": _cash_handed_in,
    "payment.deferred": _deferred,
    "late_fee.assessed": _late_fee,
    "reminder.sent": _reminder,
    "court_enforcement.applied": _court_applied,
    "court_enforcement.concluded": _court_concluded,
}
