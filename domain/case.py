"""The case state machine: ``apply_case(state, act, registry)`` returns the next state or raises a DomainError.

Pure and deterministic: the same acts in the same order always give the same state (replay == live).
"""

from __future__ import annotations

import datetime as dt

import msgspec

from domain.acts import CASE_PAYLOADS, ActRecord, Payload, payload_as
from domain.errors import DomainError
from domain.registry import Registry


class LeadReceived(Payload):
    source: str
    channel: str
    summary: str
    catalog_item: str | None = None


class CaseNote(Payload):
    text: str


CASE_PAYLOADS.update({"lead.received": LeadReceived, "case.note": CaseNote})


class CaseNotOpen(DomainError):
    code = "case-not-open"
    title = "案件尚未登记线索"
    title_en = "A case starts with a lead"
    status = 422


class CaseAlreadyOpen(DomainError):
    code = "case-already-open"
    title = "案件已存在"
    title_en = "The case already exists"
    status = 409


class CaseState(msgspec.Struct, kw_only=True):
    case_id: str
    version: int
    status: str
    opened_at: dt.datetime
    updated_at: dt.datetime
    catalog_item: str | None = None
    acts: list[str] = msgspec.field(default_factory=list)


def apply_case(state: CaseState | None, act: ActRecord, registry: Registry) -> CaseState:
    if act.type == "lead.received":
        if state is not None:
            raise CaseAlreadyOpen(f"case {act.stream} is at version {state.version}")
        lead = payload_as(act, LeadReceived)
        return CaseState(
            case_id=act.stream,
            version=act.version,
            status="lead",
            opened_at=act.recorded_at,
            updated_at=act.recorded_at,
            catalog_item=lead.catalog_item,
            acts=[act.type],
        )
    if state is None:
        raise CaseNotOpen(f"{act.type} on case {act.stream}, which has no lead")
    payload_as(act, CASE_PAYLOADS[act.type])
    return msgspec.structs.replace(
        state, version=act.version, updated_at=act.recorded_at, acts=[*state.acts, act.type]
    )
