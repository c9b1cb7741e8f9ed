"""Request and response schemas of the API (msgspec Structs: one encoder per type, as litestar uses them)."""

from __future__ import annotations

from typing import Any

import msgspec


class InclusionProof(msgspec.Struct, kw_only=True):
    """RFC 9162 inclusion proof of leaf ``index`` in the tree of ``size`` leaves (hashes: standard base64)."""

    index: int
    size: int
    hashes: list[str]


class ConsistencyProof(msgspec.Struct, kw_only=True):
    """RFC 9162 consistency proof from tree size ``first`` to ``second`` (hashes: standard base64)."""

    first: int
    second: int
    hashes: list[str]


class ActReceipt(msgspec.Struct, kw_only=True):
    """The writer's acknowledgement: the act is durable at this stream version and log position."""

    stream: str
    version: int
    type: str
    position: int
    recorded_at: str
    entry_hash: str
    entry: dict[str, Any]


class EvidenceStored(msgspec.Struct, kw_only=True):
    """An upload stored in the content-addressed evidence store: put these two in the evidence act."""

    sha256: str
    size: int


class Liveness(msgspec.Struct, kw_only=True):
    status: str


class Readiness(msgspec.Struct, kw_only=True):
    status: str
    database: bool
    log_position: int
    sealed_position: int
    sealer_lag_seconds: float
    checkpoint_size: int
    checkpoint_age_seconds: float | None
    projections: dict[str, int]
    problems: list[str]


class AccessRecord(msgspec.Struct, kw_only=True):
    """One read of non-public data: who (person, role), what (action, subject), when (UTC)."""

    at: str
    person: str
    role: str
    action: str
    subject: str


class TimelineEntry(msgspec.Struct, kw_only=True):
    """One act of a case as recorded: version, type, actor, times, entry hash and leaf index once sealed."""

    version: int
    type: str
    title: str
    title_en: str
    actor: str
    role: str | None
    recorded_at: str
    claimed_at: str
    entry_hash: str
    leaf_index: int | None
    cosigners: list[str]
    evidence: list[dict[str, Any]]
    payload: dict[str, Any]


class CaseTimeline(msgspec.Struct, kw_only=True):
    case: str
    version: int
    entries: list[TimelineEntry]


class CaseView(msgspec.Struct, kw_only=True):
    """A case's state at a version (current, ``?version=`` or ``?as_of=``)."""

    case: str
    version: int
    recorded_at: str
    state: dict[str, Any]
