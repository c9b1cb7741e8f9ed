"""公示、撤回公示、信用修复 Disclosure of a decision, its withdrawal and its early end by credit repair.

These acts come after closure and archive too (a disclosure outlives the case file): ``common.gate`` lets them
through like annotations. Who: a certified officer of the case's agency or its head publishes and withdraws; the
head decides credit repair. What is published is built from the state by :mod:`domain.disclosure`; only the
decision's version is named here.
"""

from __future__ import annotations

from domain import disclosure as rules
from domain import procedure as proc
from domain.acts import ActRecord
from domain.case.common import Handler, require_certified_or_head, require_head, when
from domain.case_state import CaseState, Decision, Disclosure
from domain.disclosure_acts import CreditRepaired, DisclosurePublished, DisclosureWithdrawn
from domain.redact import find_personal_data
from domain.refusals import (
    AlreadyDisclosed,
    CreditRepairBeforePerformance,
    CreditRepairTooEarly,
    CreditRepairWithoutApplication,
    DisclosureWithoutDecision,
    MinorNotPublic,
    NotDisclosed,
    PersonalDataInDisclosure,
    PublicityClassTooLight,
    PublicityEnded,
    WithdrawalWithoutGround,
)
from domain.registry import Registry


def decision_at(s: CaseState, version: int) -> Decision | None:
    """The decision taken at ``version`` (in force or voided)."""
    for d in [*([s.decision] if s.decision is not None else []), *s.voided_decisions]:
        if d.version == version:
            return d
    return None


def disclosure_of(s: CaseState, version: int) -> Disclosure | None:
    for item in s.disclosures:
        if item.decision_version == version:
            return item
    return None


def withdrawal_grounds(s: CaseState, d: Decision) -> dict[str, object]:
    """Remedy outcomes after the decision that oblige a withdrawal: ground → when it arose (the remedy decision)."""
    found: dict[str, object] = {}
    for r in s.remedies:
        if r.outcome in rules.WITHDRAWAL_GROUNDS and r.decided_at is not None and r.decided_at >= d.decided_at:
            found.setdefault(rules.WITHDRAWAL_GROUNDS[r.outcome], r.decided_at)
    return found


def _published(s: CaseState, act: ActRecord, p: DisclosurePublished, registry: Registry) -> None:
    require_certified_or_head(registry, s, act.actor, act.recorded_at)
    d = decision_at(s, p.decision_version)
    if d is None or d.void:
        raise DisclosureWithoutDecision(f"case {s.case_id} has no decision in force taken at version {p.decision_version}")
    if not rules.may_disclose(d.ground):
        raise MinorNotPublic(f"the decision at version {p.decision_version} concerns a minor (ground {d.ground})")
    # 未成年人保护法 Art 103: the decision on a party under 18 at the violation is not published at all (and owes no
    # publication: rules.obligations).
    age = rules.minor_at_violation(s)
    if age is not None:
        raise MinorNotPublic(f"the party was {age} at the violation{'' if s.violation_ended else ' (as when it was discovered)'}")
    if disclosure_of(s, d.version) is not None:
        raise AlreadyDisclosed(f"the decision at version {d.version} was published already")
    found = find_personal_data(p.note)
    if found:
        raise PersonalDataInDisclosure(f"the note carries {', '.join(sorted({f.pattern for f in found}))}")
    derived = rules.publicity_class_of(d.kind, d.penalties)  # type: ignore[arg-type]
    publicity_class = p.publicity_class or derived
    if publicity_class != "serious" and derived == "serious":
        raise PublicityClassTooLight(f"the decision imposes {sorted(set(d.penalties) & rules.SERIOUS_KINDS)}: a serious penalty, not {publicity_class}")
    if publicity_class == "minor" and not set(d.penalties) <= rules.MINOR_KINDS | {"fine"}:
        raise PublicityClassTooLight(f"only warnings, criticism and low fines are minor; the decision imposes {sorted(d.penalties)}")
    if rules.publicity_window(d.decided_at, publicity_class).expired(when(act)):
        raise PublicityEnded(f"the {publicity_class} publicity period of this decision has already run out")
    s.disclosures.append(
        Disclosure(
            decision_version=d.version,
            published_at=act.recorded_at,
            published_version=act.version,
            publicity_class=publicity_class,
        )
    )


def _in_view(s: CaseState, version: int) -> Disclosure:
    item = disclosure_of(s, version)
    if item is None or item.withdrawn_at is not None:
        raise NotDisclosed(f"the decision at version {version} has no disclosure in public view")
    return item


def _withdrawn(s: CaseState, act: ActRecord, p: DisclosureWithdrawn, registry: Registry) -> None:
    require_certified_or_head(registry, s, act.actor, act.recorded_at)
    item = _in_view(s, p.decision_version)
    d = decision_at(s, p.decision_version)
    assert d is not None
    if p.ground not in withdrawal_grounds(s, d):
        raise WithdrawalWithoutGround(f"no reconsideration or court decision found the decision {rules.GROUND_NAMES[p.ground]}")
    item.withdrawn_at, item.withdrawn_version, item.withdrawal_ground = act.recorded_at, act.version, p.ground


def _repaired(s: CaseState, act: ActRecord, p: CreditRepaired, registry: Registry) -> None:
    require_head(registry, s, act.actor, "credit repair")
    item = _in_view(s, p.decision_version)
    if item.repaired_at is not None:
        raise NotDisclosed(f"credit repair already ended the disclosure on {item.repaired_at.date()}")
    d = decision_at(s, p.decision_version)
    assert d is not None
    if p.application_sha256 is None:
        raise CreditRepairWithoutApplication("the act names no application by the party (its paper's SHA-256)")
    # 《信用修复管理办法》: the party has fully performed the decision — paid in full, late fees included, or the
    # court's enforcement executed. A decision no longer in force is withdrawn (Art 48), not repaired: not judged here.
    if d is s.decision and not (proc.performed(s) or s.court_outcome == "executed"):
        total = proc.amount_due(s, d)
        why = "the decision is not served" if d.served_at is None else f"{total - s.paid_fen} fen of {total} still unpaid"
        raise CreditRepairBeforePerformance(f"the decision at version {d.version} is not performed: {why}")
    window = rules.publicity_window(d.decided_at, item.publicity_class)  # type: ignore[arg-type]
    today = when(act)
    if window.expired(today):
        raise PublicityEnded(f"publicity ended on {window.max_end}; nothing is left to repair")
    if not window.repair_possible(today):
        raise CreditRepairTooEarly(f"the {item.publicity_class} minimum period runs until {window.min_end}")
    item.repaired_at, item.repaired_version = act.recorded_at, act.version


HANDLERS: dict[str, Handler] = {
    "disclosure.published": _published,
    "disclosure.withdrawn": _withdrawn,
    "credit.repaired": _repaired,
}
