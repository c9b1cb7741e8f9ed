"""The state machine's one entry point: ``apply_case`` runs the common gates, then the act type's handler.

The dispatch table is merged from the stage modules' ``HANDLERS``; each act type has exactly one handler.
"""

from __future__ import annotations

import msgspec

from domain import procedure as proc
from domain.acts import ActRecord, payload_as
from domain.case import (
    closure,
    coercion,
    decision,
    disclosure,
    filing,
    investigation,
    notes,
    notice_hearing,
    remedies_transfer,
    service_execution,
    time_limits,
)
from domain.case.common import CaseAlreadyOpen, CaseNotOpen, Handler, gate, gate_recused, require_in_case
from domain.case.filing import open_case
from domain.case_acts import CASE_ACTS, LeadReceived
from domain.case_state import CaseState, Nonconformity
from domain.errors import DomainError, MalformedAct
from domain.law import rule
from domain.registry import Registry

_STAGES = (
    filing,
    investigation,
    coercion,
    time_limits,
    notice_hearing,
    decision,
    disclosure,
    service_execution,
    remedies_transfer,
    closure,
    notes,
)
_STATE_ENCODER = msgspec.json.Encoder()
_STATE_DECODER = msgspec.json.Decoder(CaseState)


def copy_state(state: CaseState) -> CaseState:
    """A deep copy through msgspec's JSON (the state round-trips exactly: the writer stores it so), about
    twenty times faster than ``copy.deepcopy`` — which took most of a replay's time."""
    return _STATE_DECODER.decode(_STATE_ENCODER.encode(state))



_HANDLERS: dict[str, Handler] = {}
for _stage in _STAGES:
    assert not set(_stage.HANDLERS) & set(_HANDLERS), f"{_stage.__name__} redefines a handler"
    _HANDLERS.update(_stage.HANDLERS)
assert set(_HANDLERS) == set(CASE_ACTS) - {"lead.received"}, "every case act has exactly one handler"


def apply_case(state: CaseState | None, act: ActRecord, registry: Registry, *, owned: bool = False) -> CaseState:
    """Apply one case act to the case's state (None before its first act); return the new state or raise.

    The given state is never changed unless ``owned``: then the caller hands it over (it keeps no other reference it
    will read again, and drops it if this raises), and the handler works on it in place instead of on a deep copy —
    the projection runner's case states, which a refusal throws away with the whole batch.
    """
    schema = CASE_ACTS.get(act.type)
    if schema is None:
        raise MalformedAct(f"{act.type!r} is not a case act")
    if act.type == "lead.received":
        if state is not None:
            raise CaseAlreadyOpen(f"case {act.stream} is at version {state.version}")
        return open_case(act, payload_as(act, LeadReceived), registry)
    if state is None:
        raise CaseNotOpen(f"{act.type} on case {act.stream}, which has no lead")
    payload = payload_as(act, schema)
    if act.type == "case.note":
        # The hot path: an annotation changes nothing but the history, so no deep copy is needed.
        gate_recused(state, act, payload)
        require_in_case(state, act, registry)
        return msgspec.structs.replace(
            state, version=act.version, updated_at=act.recorded_at, acts=[*state.acts, act.type], relied_on=[]
        )
    gate(state, act, payload, registry)
    new = state if owned else copy_state(state)
    new.relied_on = []
    _HANDLERS[act.type](new, act, payload, registry)
    new.version = act.version
    new.updated_at = act.recorded_at
    new.acts.append(act.type)
    new.status = status_of(new)
    return new


def apply_recorded(state: CaseState | None, act: ActRecord, registry: Registry) -> CaseState:
    """Replay one act the ledger already holds: ``apply_case``, except that a refusal does not stop the replay.

    The writer judged the act by the rules of its day; when the rules have been tightened since (an upgrade that
    closes a gap), today's rules may refuse an act that is nevertheless on record, signed and sealed. Stopping there
    would hide the rest of the case — and, in the runner, every later act of every case. So the act is noted on the
    state as a :class:`Nonconformity` (version, type, refusal code, article, reason) and otherwise changes nothing
    but the version, the time and the list of acts; later acts are judged against that state (and may be noted
    in turn). Never used for a new act: the writer appends with ``apply_case`` and refuses."""
    try:
        return apply_case(state, act, registry)
    except DomainError as exc:
        return note_refused(state, act, exc)


def note_refused(state: CaseState | None, act: ActRecord, exc: DomainError) -> CaseState:
    """``state`` (not changed) advanced past ``act`` with the refusal noted (see :func:`apply_recorded`)."""
    if state is None:  # the case's first recorded act refused (a lead today's rules would not take)
        new = CaseState(case_id=act.stream, version=act.version, status="lead", opened_at=act.recorded_at,
                        updated_at=act.recorded_at)
    else:
        new = copy_state(state)
    new.version = act.version
    new.updated_at = act.recorded_at
    new.acts.append(act.type)
    new.relied_on = []
    new.nonconforming.append(Nonconformity(version=act.version, act_type=act.type, recorded_at=act.recorded_at,
                                           code=exc.code, article=exc.cited_article, reason=exc.detail))
    return new


def status_of(s: CaseState) -> str:
    """The case's stage, derived from its fields (never set by hand)."""
    if s.archived_at is not None:
        return "archived"
    if s.closed_at is not None:
        return "closed"
    if s.declined_at is not None:
        return "declined"
    if s.transfer_sent:
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
        or s.transfer_sent
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
    if s.transfer_sent and any(m.lifted_at is None and m.transferred_at is None for m in s.measures):
        bad.append("transferred leaving a seizure neither lifted nor handed over")
    if s.closed_at is not None and any(p.method == "on_the_spot" and p.handed_in_at is None for p in s.payments):
        bad.append("closed with cash collected on the spot not handed in")
    return bad
