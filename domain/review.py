"""案卷评查 and 双随机 rules: plans, draws anyone can recompute, and review results (veto items, 20 + 80 score).

The draw is a pure function of the plan and a checkpoint root (:func:`draw`): each population member is ranked by
``SHA-256("zhifa/draw/v1\\n" ‖ root ‖ plan id ‖ "\\n" ‖ member)`` and the first ``k`` are taken; for 双随机 each drawn
target gets the first inspectors by ``SHA-256(… ‖ target ‖ "\\n" ‖ inspector)`` without a recusal conflict. The
ledger refuses a draw whose selection is not exactly that, or whose checkpoint is smaller than the plan's N, and
refuses any change to a recorded plan — so neither the planner nor the operator can pick the sample after seeing it.
"""

from __future__ import annotations

import dataclasses
import hashlib
import math
from collections.abc import Sequence
from types import MappingProxyType

from domain.acts import ActRecord, entity_of, payload_as
from domain.errors import DomainError, MalformedAct, NotAuthorised
from domain.law import rule
from domain.personnel import roles_of
from domain.registry import Registry
from domain.review_model import (
    REVIEW_PAYLOADS,
    Grade,
    ReviewDrawn,
    ReviewPlan,
    ReviewPlanned,
    ReviewResult,
    ReviewResultRecorded,
)

__all__ = ["REVIEW_PAYLOADS", "apply_review", "draw", "draw_size", "grade_of"]

DRAW_DOMAIN = b"zhifa/draw/v1\n"
LOCAL_REVIEW = "行政执法案卷评查、“双随机、一公开”监管（地方规定）"


class ReviewPlanFixed(DomainError):
    code = "review-plan-fixed"
    title = "评查（抽查）计划一经记录不得更改"
    title_en = "A recorded review or random-inspection plan cannot be changed"
    article = LOCAL_REVIEW


class ReviewPlanUnknown(DomainError):
    code = "review-plan-unknown"
    title = "评查（抽查）计划不存在"
    title_en = "No such review plan"
    article = LOCAL_REVIEW


class DrawTooEarly(DomainError):
    code = "review-draw-too-early"
    title = "抽取所用检查点早于计划规定的日志规模"
    title_en = "The draw's checkpoint is smaller than the plan's log size N"
    article = LOCAL_REVIEW


class DrawMismatch(DomainError):
    code = "review-draw-mismatch"
    title = "抽取结果与公开种子的计算结果不一致"
    title_en = "The draw is not what the checkpoint root selects"
    article = LOCAL_REVIEW


class AlreadyDrawn(DomainError):
    code = "review-already-drawn"
    title = "该计划已经抽取"
    title_en = "This plan has been drawn already"
    article = LOCAL_REVIEW


class NotDrawn(DomainError):
    code = "review-not-drawn"
    title = "评查结果只能针对已抽中的案卷"
    title_en = "A result is recorded only for a drawn file"
    article = LOCAL_REVIEW


class TooFewInspectors(DomainError):
    code = "random-inspection-too-few-inspectors"
    title = "双随机抽查须至少两名无回避情形的执法人员"
    title_en = "A random inspection needs at least two inspectors without a conflict"
    article = "《行政处罚法》第四十二条"


def plan_id_of(stream: str) -> str:
    return entity_of(stream, "review")


def draw_size(terms: ReviewPlanned) -> int:
    """``count``, or ``rate_permille`` of the population rounded up; never more than the population."""
    k = terms.count if terms.count is not None else math.ceil(len(terms.population) * (terms.rate_permille or 0) / 1000)
    return min(k, len(terms.population))


def _rank(root: bytes, plan_id: str, *parts: str) -> bytes:
    return hashlib.sha256(DRAW_DOMAIN + root + plan_id.encode() + b"".join(b"\n" + p.encode() for p in parts)).digest()


def draw(terms: ReviewPlanned, plan_id: str, root: bytes) -> tuple[list[str], dict[str, list[str]]]:
    """The selection (in rank order) and, for 双随机, each target's inspectors: a pure function anyone can rerun."""
    selected = sorted(terms.population, key=lambda m: _rank(root, plan_id, m))[: draw_size(terms)]
    inspectors: dict[str, list[str]] = {}
    if terms.kind == "random_inspection":
        conflicts = {(i, t) for i, t in terms.conflicts}
        for target in selected:
            ranked = sorted(terms.inspectors, key=lambda i, t=target: _rank(root, plan_id, t, i))  # type: ignore[misc]
            free = [i for i in ranked if (i, target) not in conflicts][: terms.inspectors_per_target]
            if len(free) < terms.inspectors_per_target:
                raise TooFewInspectors(f"target {target}: {len(free)} inspectors without a conflict")
            inspectors[target] = free
    return selected, inspectors


def grade_of(vetoes: Sequence[str], presentation: int, content: int) -> Grade:
    """Any veto item → 不合格; else the total of 20 + 80 points against the local thresholds."""
    total = presentation + content
    if vetoes:
        return "不合格"
    if total >= rule("review.grade_excellent_min").value:
        return "优秀"
    return "合格" if total >= rule("review.grade_pass_min").value else "不合格"


def _supervisor(registry: Registry, act: ActRecord) -> None:
    if "supervisor" not in roles_of(registry, act.actor):
        raise NotAuthorised(
            f"{act.actor!r} is not a supervisor (执法监督); review plans, draws and results are theirs", article=LOCAL_REVIEW
        )


def _with_plan(registry: Registry, plan: ReviewPlan) -> Registry:
    plans = dict(registry.reviews)
    plans[plan.id] = plan
    return dataclasses.replace(registry, reviews=MappingProxyType(plans))


def apply_review(registry: Registry, act: ActRecord) -> Registry:
    """Apply one review act to the registry, or raise the refusal."""
    if act.type not in REVIEW_PAYLOADS:
        raise MalformedAct(f"{act.type!r} is not a review act")
    plan_id = plan_id_of(act.stream)
    existing = registry.reviews.get(plan_id)
    if act.type == "review.planned":
        if existing is not None:
            raise ReviewPlanFixed(f"plan {plan_id} was recorded at {existing.planned_at.isoformat()}")
        _supervisor(registry, act)
        terms = payload_as(act, ReviewPlanned)
        if terms.population != sorted(set(terms.population)):
            raise MalformedAct("the population is listed sorted and without repeats")
        if (terms.count is None) == (terms.rate_permille is None):
            raise MalformedAct("a plan names either count or rate_permille")
        if terms.kind == "random_inspection":
            minimum = rule("investigation.min_officers").value
            if terms.inspectors_per_target < minimum or len(set(terms.inspectors)) < minimum:
                raise TooFewInspectors(f"{terms.inspectors_per_target} per target, {len(set(terms.inspectors))} listed")
        return _with_plan(registry, ReviewPlan(plan_id, act.actor, act.recorded_at, terms))
    if existing is None:
        raise ReviewPlanUnknown(f"no plan {plan_id}")
    if act.type == "review.amended":
        raise ReviewPlanFixed(f"plan {plan_id} is fixed since {existing.planned_at.isoformat()}; record a new plan instead")
    _supervisor(registry, act)
    if act.type == "review.drawn":
        drawn = payload_as(act, ReviewDrawn)
        if existing.drawn is not None:
            raise AlreadyDrawn(f"plan {plan_id} was drawn at checkpoint {existing.drawn.checkpoint_size}")
        if drawn.checkpoint_size < existing.terms.seed_size:
            raise DrawTooEarly(f"checkpoint {drawn.checkpoint_size} < N = {existing.terms.seed_size}")
        selected, inspectors = draw(existing.terms, plan_id, bytes.fromhex(drawn.checkpoint_root))
        if drawn.selected != selected or drawn.inspectors != inspectors:
            raise DrawMismatch(f"the root of checkpoint {drawn.checkpoint_size} selects {selected}")
        return _with_plan(registry, dataclasses.replace(existing, drawn=drawn, drawn_at=act.recorded_at))
    result = payload_as(act, ReviewResultRecorded)
    if existing.terms.kind != "case_review" or existing.drawn is None or result.case not in existing.drawn.selected:
        raise NotDrawn(f"case {result.case} was not drawn by plan {plan_id}")
    if any(r.case == result.case for r in existing.results):
        raise ReviewPlanFixed(f"case {result.case} already has its result in plan {plan_id}")
    recorded = ReviewResult(result.case, tuple(result.vetoes), result.presentation + result.content,
                            grade_of(result.vetoes, result.presentation, result.content), act.actor, act.recorded_at)
    return _with_plan(registry, dataclasses.replace(existing, results=(*existing.results, recorded)))
