"""办案期限 Time limits: pauses of a clock (中止/扣除) and extensions of the decision time limit (延长).

A pause with ``measure`` stops that coercive measure's clock; without it, the decision time limit's.
"""

from __future__ import annotations

from domain import procedure as proc
from domain.acts import ActRecord
from domain.calendar import local_date
from domain.case.common import (
    Handler,
    approved_measure,
    check_time_limit,
    discussion_signed,
    held_measure,
    require_certified_or_head,
    require_filed,
    require_head,
    require_staff,
)
from domain.case_acts import (
    MEASURE_PAUSE_KINDS,
    ExtensionApproved,
    PauseEnded,
    PauseStarted,
)
from domain.case_state import (
    CaseState,
    Extension,
    Pause,
)
from domain.law import MS_RULES, rule
from domain.refusals import (
    ActNotAllowedNow,
    CoercionPauseNotExcluded,
    ExtensionNotAllowed,
)
from domain.registry import Registry


def _pause_started(s: CaseState, act: ActRecord, p: PauseStarted, registry: Registry) -> None:
    before_filing = s.filed_at is None and s.declined_at is None and s.decision is None
    if before_filing and p.measure is None and p.kind in proc.FILING_PAUSE_KINDS:
        # 市场监管 Art 18: testing, inspection, quarantine and appraisal time before filing stops the filing window.
        require_staff(registry, act.actor)
    else:
        require_filed(s, act)
        require_certified_or_head(registry, s, act.actor, act.recorded_at)
    d = s.decision
    if p.measure is None and d is not None and not d.void:
        # The decision ends the time limit it is made within (APL Art 60): no testing, suspension or hearing time is
        # left out of a limit already met, and a pause recorded after it would only stretch the clocks on paper.
        raise ActNotAllowedNow(f"the decision of {local_date(d.decided_at)} ended the time limit; nothing is left to pause",
                               article=rule("decision.time_limit").article)
    if p.measure is not None:
        approved_measure(s, p.measure, act.recorded_at)
        if p.kind not in MEASURE_PAUSE_KINDS:
            raise CoercionPauseNotExcluded(f"a {p.kind} period does not extend a seizure")
        if p.fixed_days is None or p.notice_sha256 is None:
            raise CoercionPauseNotExcluded("the testing period's length is fixed and notified to the party in writing")
    if p.measure is None and p.kind == "hearing" and (s.hearing is None or s.hearing.withdrawn_at is not None or s.hearing.held_at is not None):
        # Only hearing time actually running is left out of the time limit (MS rules Art 64); none is requested.
        raise ActNotAllowedNow("no requested hearing is pending, so no hearing time runs", article=rule("decision.extension").article)
    if p.kind == "suspension":
        # 中止调查 is decided by the agency head (MS rules Art 47: 经市场监督管理部门负责人批准), not by the
        # investigating officer, since its time is left out of the 90-day limit.
        require_head(registry, s, act.actor, "suspending the investigation (中止调查)", article=f"{MS_RULES}第四十七条")
    if proc.open_pauses(s, p.measure):
        raise ActNotAllowedNow("a pause of this clock is already running", article=rule("decision.time_limit").article)
    s.pauses.append(Pause(kind=p.kind, started_at=act.recorded_at, measure=p.measure, fixed_days=p.fixed_days if p.measure is not None else None))


def _pause_ended(s: CaseState, act: ActRecord, p: PauseEnded, registry: Registry) -> None:
    if s.filed_at is None:
        require_staff(registry, act.actor)
    else:
        require_certified_or_head(registry, s, act.actor, act.recorded_at)
    if p.measure is not None and any(m.version == p.measure and m.lifted_at is None for m in s.measures):
        held_measure(s, p.measure)  # a handed-over seizure's time is the judicial organ's to count
    running = [x for x in proc.open_pauses(s, p.measure) if x.kind == p.kind]
    if not running:
        raise ActNotAllowedNow(f"no {p.kind} pause is running", article=rule("decision.time_limit").article)
    running[0].ended_at = act.recorded_at


def _extension(s: CaseState, act: ActRecord, p: ExtensionApproved, registry: Registry) -> None:
    require_filed(s, act)
    require_head(registry, s, act.actor, "extending the time limit", article=rule("decision.extension").article)
    if s.decision is not None:
        raise ActNotAllowedNow("the case is already decided", article=rule("decision.extension").article)
    applied = proc.case_rule(registry, s, "decision.extension", act.recorded_at)
    limit = applied.value
    if not 1 <= p.days <= limit:
        raise ExtensionNotAllowed(f"an extension is 1–{limit} days, not {p.days} ({applied.describe()})")
    start = s.remade_at or s.filed_at
    earlier = [e for e in s.extensions if start is None or e.at >= start]
    if earlier and not discussion_signed(s, earlier[-1].at, strictly_after=True):
        raise ExtensionNotAllowed("a further extension needs a collective discussion after the last one")
    check_time_limit(s, act)
    proc.rely_rule(s, applied)
    s.extensions.append(Extension(at=act.recorded_at, days=p.days, by=act.actor))


HANDLERS: dict[str, Handler] = {
    "pause.started": _pause_started,
    "pause.ended": _pause_ended,
    "extension.approved": _extension,
}
