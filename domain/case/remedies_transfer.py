"""复议诉讼、移送 Remedies (reconsideration, litigation) and transfer to a judicial organ."""

from __future__ import annotations

import datetime as dt

from domain import procedure as proc
from domain.acts import ActRecord
from domain.calendar import local_date, period_end
from domain.case.common import (
    Handler,
    require_certified_or_head,
    require_head,
    require_staff,
)
from domain.case_acts import (
    RemedyDecided,
    RemedyFiled,
    TransferApproved,
    TransferReceipt,
    TransferReported,
    TransferSent,
)
from domain.case_state import (
    CaseState,
    Decision,
    Remedy,
    Transfer,
)
from domain.errors import MalformedAct
from domain.law import ALL, APL, SPC_ALL_INTERPRETATION, rule
from domain.personnel import is_deputy_head
from domain.refusals import (
    ActNotAllowedNow,
    ChangeToDetriment,
    CoercionNotActive,
    LitigationWindowClosed,
    PrincipalHeadRequired,
    ReconsiderationFirst,
    ReconsiderationWindowClosed,
    RemedyChannelTaken,
    TransferNotApproved,
    TransferWithoutSeizedProperty,
)
from domain.registry import Registry


def _remedy_filed(kind: str) -> Handler:
    def handler(s: CaseState, act: ActRecord, p: RemedyFiled, registry: Registry) -> None:
        d = s.decision
        if d is None or d.void:
            raise ActNotAllowedNow("there is no decision in force to challenge", article=f"{APL}第七条")
        if not (s.party is not None and s.party.person == act.actor):
            require_staff(registry, act.actor)
        if any(r.kind == kind and r.decided_at is None for r in s.remedies):
            raise ActNotAllowedNow(f"a {kind} is already pending", article=f"{APL}第七条")
        received = p.lodged_on or local_date(act.recorded_at)
        _one_channel(s, kind, p.posted_on or received)
        # 复议法 Art 23: an on-the-spot decision goes to reconsideration first; once the body has decided (or refused
        # to accept) it — or sat on it past its longest period, which ``_one_channel`` has let through — the party
        # may sue within 15 days (Art 23(2)).
        if kind == "litigation" and d.kind == "simple" and not any(r.kind == "reconsideration" for r in proc.current_remedies(s)):
            raise ReconsiderationFirst("the on-the-spot decision has not been through reconsideration")
        if (p.posted_on is None) != (p.envelope_sha256 is None):
            raise MalformedAct("a posted filing carries both the postmark date and the envelope's hash")
        if p.posted_on is not None and p.posted_on > local_date(act.recorded_at):
            raise MalformedAct(f"posted on {p.posted_on}, after it was received")
        if (p.lodged_on is None) != (p.lodged_sha256 is None):
            raise MalformedAct("the day the body received the application comes with its notice's hash")
        if p.lodged_on is not None and p.lodged_on > local_date(act.recorded_at):
            raise MalformedAct(f"lodged on {p.lodged_on}, after it is recorded")
        # The application's day: lodged with the body (its notice shows it), else the day it is recorded here.
        if kind == "reconsideration":
            _reconsideration_in_time(s, p, received)
        if kind == "litigation":
            window = proc.litigation_window(s)
            sent = p.posted_on or received  # 《民事诉讼法》第八十五条: time in the post not counted
            if window is not None and sent > window.date:
                raise LitigationWindowClosed(f"the lawsuit window closed on {window.date}; filed {sent}", article=rule(window.rule_key or "litigation.window").article)
        s.remedies.append(Remedy(kind=kind, filed_at=act.recorded_at, body=p.body, received_on=p.lodged_on))

    return handler


def _one_channel(s: CaseState, kind: str, sent: dt.date) -> None:
    """复议法 Art 29: no lawsuit while a reconsideration runs, no reconsideration once a lawsuit is filed, and no
    second reconsideration of the same decision (the party sues within 15 days instead, 行诉法 Art 45).

    A reconsideration the body left undecided past the longest time it could have (复议法 Arts 30, 62) no longer
    holds the lawsuit back: 行政诉讼法 Art 45 lets the party sue within 15 days after the body's period ran out."""
    mine = proc.current_remedies(s)
    if kind == "litigation":
        judged = [r for r in mine if r.kind == "litigation" and r.decided_at is not None and r.final]
        if judged:
            # 行诉法解释 Art 106: suing again over the same decision after the judgment took effect is a repeated
            # lawsuit (an appeal follows a first-instance judgment that is not final: ``final`` false).
            assert judged[-1].decided_at is not None
            raise RemedyChannelTaken(f"a final judgment on this decision was given on {local_date(judged[-1].decided_at)}; it is not sued again",
                                     article=f"{SPC_ALL_INTERPRETATION}第一百零六条")
        appealable = proc.appealable_judgment(s)
        if appealable is not None:
            # 行诉法 Art 85: the appeal against a first-instance judgment within 15 days of its service; after them
            # the judgment has taken effect and is not sued again.
            window = proc.appeal_window(appealable)
            if sent > window.date:
                raise LitigationWindowClosed(f"the 15 days to appeal the first-instance judgment closed on {window.date}; filed {sent}{window.note()}",
                                             article=rule("litigation.appeal_window").article)
            proc.rely_on(s, window)
        for r in mine:
            if r.kind != "reconsideration" or (r.decided_at is not None and r.final):
                continue
            last = proc.reconsideration_body_last_day(r) if r.decided_at is None else None
            if last is None or sent <= last.date:
                until = f" (the body's period runs at most until {last.date}{last.note()})" if last is not None else ""
                raise RemedyChannelTaken(f"a reconsideration of this decision is pending; the lawsuit follows its decision{until}")
            law = rule("litigation.after_reconsideration")
            closes = period_end(last.date, law.value, law.unit)
            if sent > closes.date:
                raise LitigationWindowClosed(
                    f"the reconsideration body's period ran out on {last.date}; the lawsuit was due by {closes.date}, filed {sent}",
                    article=law.article,
                )
            proc.rely(s, law.key, law.article, closes)
    if kind == "reconsideration" and any(r.kind == "litigation" for r in mine):
        raise RemedyChannelTaken("a lawsuit against this decision was filed; it is not reconsidered as well")
    if kind == "reconsideration" and any(r.kind == "reconsideration" and r.decided_at is not None and r.final for r in mine):
        raise RemedyChannelTaken("this decision was already reconsidered; what remains is a lawsuit (行政诉讼法第四十五条)")


def _reconsideration_in_time(s: CaseState, p: RemedyFiled, received: dt.date) -> None:
    """复议法 Art 20: in time if received, or posted, within the window; an obstacle's days do not count."""
    if (p.obstacle_from is None) != (p.obstacle_until is None) or (p.obstacle_from is not None and p.obstacle_sha256 is None):
        raise MalformedAct("an obstacle names its first and last day and its evidence (the paper's hash)")
    obstacle = (p.obstacle_from, p.obstacle_until) if p.obstacle_from is not None and p.obstacle_until is not None else None
    if obstacle is not None and obstacle[1] < obstacle[0]:
        raise MalformedAct("an obstacle ends on or after the day it began")
    window = proc.reconsideration_window(s, obstacle)
    if window is None:
        return
    d = s.decision
    assert d is not None
    sent = p.posted_on or received
    if sent > window.date:
        untold = "" if d.remedies_stated else " (the decision did not state the remedy: 1 year)"
        raise ReconsiderationWindowClosed(
            f"the window closed on {window.date}{untold}; the application was {'posted' if p.posted_on else 'received'} on {sent}{window.note()}",
            article=rule(window.rule_key or "reconsideration.window").article,
        )
    proc.rely_on(s, window)


def _remedy_decided(kind: str) -> Handler:
    def handler(s: CaseState, act: ActRecord, p: RemedyDecided, registry: Registry) -> None:
        require_staff(registry, act.actor)
        pending = [r for r in s.remedies if r.kind == kind and r.decided_at is None]
        if not pending:
            raise ActNotAllowedNow(f"no {kind} is pending", article=f"{APL}第七条")
        remedy = pending[-1]
        if p.served_at is not None and p.served_at > act.recorded_at:
            raise MalformedAct("a decision is not served before it is recorded")
        received = remedy.received_on or local_date(remedy.filed_at)
        if p.served_at is not None and local_date(p.served_at) < received:
            # The 15 days to sue run from this service (行政诉讼法 Art 45): a day before the application was even
            # received would close the window before the body decided.
            raise MalformedAct(f"served on {local_date(p.served_at)}, before the application was received on {received}",
                               article=rule("litigation.after_reconsideration").article)
        if p.procedural_only and p.outcome not in ("revoked", "remake"):
            raise MalformedAct("only a revocation or an order to remake rests on a breach of procedure alone")
        remedy.decided_at, remedy.outcome, remedy.final = act.recorded_at, p.outcome, p.final
        remedy.served_at, remedy.procedural_only = p.served_at, p.procedural_only
        d = s.decision
        assert d is not None
        if (p.outcome == "changed") != (p.changed_fine_fen is not None):
            raise MalformedAct("a changed decision states the new fine, and only a changed one")
        if p.outcome in ("revoked", "confirmed_void"):
            d.void = True
        elif p.outcome == "changed":
            assert p.changed_fine_fen is not None
            _no_change_to_detriment(kind, d, p.changed_fine_fen)
            d.changed_fine_fen = p.changed_fine_fen
        elif p.outcome == "remake":
            d.void = True
            s.voided_decisions.append(d)
            s.decision, s.notice, s.hearing = None, None, None
            s.statement_waived_at = s.hearing_waived_at = None
            s.remade_at = act.recorded_at
            # A case closed (or archived) on the decision now voided is open again: the agency must decide anew
            # (复议法 Art 64; 行政诉讼法 Art 70), and the file grows from where it was closed.
            s.closed_at = s.archived_at = s.closure_ground = None

    return handler


def _no_change_to_detriment(kind: str, d: Decision, changed_fine_fen: int) -> None:
    """复议法 Art 63 (不得作出对申请人更为不利的变更决定); 行政诉讼法 Art 77 (判决变更，不得加重原告的义务): the
    party challenged the decision, so the change it obtains is never a heavier fine than the one in force."""
    in_force = d.fine_in_force_fen
    if changed_fine_fen > in_force:
        article = f"{ALL}第七十七条" if kind == "litigation" else None
        body = "the court" if kind == "litigation" else "the reconsideration body"
        raise ChangeToDetriment(f"{body} changed the fine to {changed_fine_fen} fen, above the {in_force} fen in force", article=article)


def _transfer_reported(s: CaseState, act: ActRecord, p: TransferReported, registry: Registry) -> None:
    if s.transfer is not None and s.transfer.returned_at is None:
        raise ActNotAllowedNow("a transfer is already under way", article=f"{APL}第二十七条")
    if s.domain is not None:
        require_certified_or_head(registry, s, act.actor, act.recorded_at)
    else:
        require_staff(registry, act.actor)
    s.transfer = Transfer(organ=p.organ, suspected_crime=p.suspected_crime, reported_at=act.recorded_at)


def _transfer_approved(s: CaseState, act: ActRecord, p: TransferApproved, registry: Registry) -> None:
    require_head(registry, s, act.actor, "approving a transfer", article=TransferNotApproved.article)
    if is_deputy_head(registry, act.actor):
        raise PrincipalHeadRequired(f"{act.actor} is a deputy head not presiding over the agency's work")
    t = s.transfer
    if t is None or t.approved is not None:
        raise ActNotAllowedNow("no transfer report awaits a decision", article=TransferNotApproved.article)
    t.approved, t.approved_at = p.approved, act.recorded_at
    if not p.approved:
        s.transfer = None  # refused: the case goes on here; the report stays in the act history


def _transfer_sent(s: CaseState, act: ActRecord, p: TransferSent, registry: Registry) -> None:
    require_staff(registry, act.actor)
    t = s.transfer
    if t is None or t.approved is not True:
        raise TransferNotApproved("the head has not approved the transfer")
    if t.sent_at is not None:
        raise ActNotAllowedNow("the file was already transferred", article=TransferNotApproved.article)
    # Every seizure not lifted is the agency's now (no file is with an organ: one returned brought its seizures back).
    in_force = {m.version: m for m in s.measures if m.lifted_at is None}
    unknown = sorted(set(p.measures) - set(in_force))
    if unknown:
        raise CoercionNotActive(f"no seizure in force at version(s) {unknown} to hand over")
    left = sorted(set(in_force) - set(p.measures))
    if left:
        raise TransferWithoutSeizedProperty(f"the seizure(s) at version(s) {left} are neither handed over nor lifted")
    for version in p.measures:
        in_force[version].transferred_at = act.recorded_at
    t.sent_at = act.recorded_at


def _transfer_receipt(s: CaseState, act: ActRecord, p: TransferReceipt, registry: Registry) -> None:
    require_staff(registry, act.actor)
    t = s.transfer
    if t is None or t.sent_at is None or t.returned_at is not None or (t.receipt_at is not None and p.outcome == "received"):
        raise ActNotAllowedNow("no transferred file awaits a receipt", article=TransferNotApproved.article)
    t.receipt_at = t.receipt_at or act.recorded_at
    if p.outcome == "declined":
        # 国务院令310 Arts 9, 13: the organ did not file and returned the file; the agency now decides the case.
        t.returned_at = act.recorded_at


HANDLERS: dict[str, Handler] = {
    "reconsideration.filed": _remedy_filed("reconsideration"),
    "reconsideration.decided": _remedy_decided("reconsideration"),
    "litigation.filed": _remedy_filed("litigation"),
    "litigation.decided": _remedy_decided("litigation"),
    "transfer.reported": _transfer_reported,
    "transfer.approved": _transfer_approved,
    "transfer.sent": _transfer_sent,
    "transfer.receipt": _transfer_receipt,
}
