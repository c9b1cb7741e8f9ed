"""Review plans (案卷评查) and 双随机 draws as registry records: payload schemas and the plan's state.

A supervisor records a plan on a ``review:<id>`` stream naming its population (the case ids, or the registered
inspection targets by USCC, listed in the plan so that anyone can recompute the draw), how many to draw and a
future log size N. The draw's seed is the root of the first signed checkpoint of size ≥ N, which nobody knows when
the plan is recorded. Rules: :mod:`domain.review`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Annotated, Literal

import msgspec

from domain.acts import REGISTRY_PAYLOADS, Payload, PersonId, Text

VetoItem = Literal[
    "wrong_agency",  # 执法主体不合法
    "uncertified_officer",  # 执法人员无证执法
    "fewer_than_two_officers",  # 执法人员少于两人
    "insufficient_evidence",  # 证据不足
    "wrong_law",  # 适用法律错误
    "illegal_procedure",  # 违反法定程序
]
"""案卷评查 veto items: any one makes the file 不合格 whatever its score."""
Grade = Literal["优秀", "合格", "不合格"]
PlanKind = Literal["case_review", "random_inspection"]


class ReviewPlanned(Payload):
    """The plan: kind, the population rule in words and the population itself (sorted, unique), ``count`` or
    ``rate_permille`` of it, and ``seed_size`` N. A 双随机 plan also lists its inspectors, how many go to each
    target (at least two), and recusal conflicts as (inspector, target) pairs."""

    kind: PlanKind
    title: Text
    population_rule: Text
    population: Annotated[list[str], msgspec.Meta(min_length=1)]
    seed_size: Annotated[int, msgspec.Meta(ge=1)]
    count: Annotated[int, msgspec.Meta(ge=1)] | None = None
    rate_permille: Annotated[int, msgspec.Meta(ge=1, le=1000)] | None = None
    inspectors: list[PersonId] = msgspec.field(default_factory=list)
    inspectors_per_target: int = 2
    conflicts: list[tuple[PersonId, str]] = msgspec.field(default_factory=list)


class ReviewAmended(Payload):
    """An attempt to change a recorded plan: always refused (a plan is fixed once recorded)."""

    reason: Text
    population: list[str] | None = None
    count: int | None = None
    seed_size: int | None = None


class ReviewDrawn(Payload):
    """The draw: the checkpoint whose root is the seed, and what it selects (recomputed by the rule, not trusted)."""

    checkpoint_size: Annotated[int, msgspec.Meta(ge=1)]
    checkpoint_root: Annotated[str, msgspec.Meta(pattern="^[0-9a-f]{64}$")]
    selected: list[str]
    inspectors: dict[str, list[PersonId]] = msgspec.field(default_factory=dict)


class ReviewResultRecorded(Payload):
    """The review of one drawn file: veto items, presentation (卷面, 0–20) and content (内容, 0–80) scores."""

    case: str
    vetoes: list[VetoItem]
    presentation: Annotated[int, msgspec.Meta(ge=0, le=20)]
    content: Annotated[int, msgspec.Meta(ge=0, le=80)]
    remarks: str = ""


REVIEW_PAYLOADS: dict[str, type[Payload]] = {
    "review.planned": ReviewPlanned,
    "review.amended": ReviewAmended,
    "review.drawn": ReviewDrawn,
    "review.result_recorded": ReviewResultRecorded,
}
REGISTRY_PAYLOADS.update(REVIEW_PAYLOADS)


@dataclass(frozen=True)
class ReviewResult:
    case: str
    vetoes: tuple[str, ...]
    score: int
    grade: Grade
    by: str
    at: dt.datetime


@dataclass(frozen=True)
class ReviewPlan:
    id: str
    planner: str
    planned_at: dt.datetime
    terms: ReviewPlanned
    drawn: ReviewDrawn | None = None
    drawn_at: dt.datetime | None = None
    results: tuple[ReviewResult, ...] = field(default_factory=tuple)
