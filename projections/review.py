"""Review draws from the ledger side: build a plan's population from the views, find the seed checkpoint, make the
draw, and recompute a draw from public data alone (the plan as published and a signed checkpoint note).

The rules (what a plan, a draw and a result must be) are ``domain.review``; this module does the I/O around them.
A published plan (:func:`published`) is plain JSON: plan id, terms, the draw and the results — no personal data
(case ids, USCCs of enterprises and officer ids only).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import msgspec

from domain.review import draw
from domain.review_model import ReviewDrawn, ReviewPlan, ReviewPlanned
from ledger import canonical
from ledger.court.checkpoint import open_checkpoint
from ledger.court.keys import parse_verifier_key
from ledger.errors import LedgerError
from ledger.store import Store
from projections.cases import TABLE as CASES
from projections.runner import replay_registry

FINISHED = ("closed", "archived")


class NoSeedYet(LedgerError):
    code = "review-seed-not-published"
    title = "计划规定规模的检查点尚未发布"
    title_en = "No signed checkpoint of the plan's log size N has been published yet"
    status = 409


class UnknownPlan(LedgerError):
    code = "review-plan-unknown"
    title = "评查（抽查）计划不存在"
    title_en = "No such review plan in this ledger"
    status = 404


def closed_cases(store: Store, agency: str | None, closed_from: dt.datetime | None, closed_to: dt.datetime | None) -> list[str]:
    """Case ids closed (or archived) by ``agency`` with a closing time in [from, to): a review plan's population."""
    sql = f"SELECT case_id FROM {CASES} WHERE status IN (?, ?) AND closed_at IS NOT NULL"
    params: list[Any] = list(FINISHED)
    if agency is not None:
        sql += " AND (agency = ? OR in_name_of = ?)"
        params += [agency, agency]
    if closed_from is not None:
        sql += " AND closed_at >= ?"
        params.append(canonical.format_timestamp(closed_from))
    if closed_to is not None:
        sql += " AND closed_at < ?"
        params.append(canonical.format_timestamp(closed_to))
    with store.db.read() as cur:
        return sorted(str(r[0]) for r in cur.execute(sql + " ORDER BY case_id", params).fetchall())


def log_size(store: Store) -> int:
    """Entries in the log (the Merkle tree's size once sealed): what a plan's N is counted in."""
    with store.db.read() as cur:
        row = cur.execute("SELECT COUNT(*) FROM stored_events").fetchone()
    return int(row[0]) if row else 0


def seed_checkpoint(store: Store, seed_size: int) -> tuple[int, bytes, str]:
    """(size, root, note) of the first signed checkpoint of size ≥ ``seed_size``."""
    with store.db.read() as cur:
        row = cur.execute("SELECT size, root, note FROM zhifa_checkpoints WHERE size >= ? ORDER BY size LIMIT 1", (seed_size,)).fetchone()
    if row is None:
        raise NoSeedYet(f"no checkpoint of size ≥ {seed_size} yet (seal the log when it has grown that far)")
    return int(row[0]), bytes(row[1]), str(row[2])


def plan_of(store: Store, plan_id: str) -> ReviewPlan:
    plan = replay_registry(store)[0].reviews.get(plan_id)
    if plan is None:
        raise UnknownPlan(f"no plan {plan_id!r}")
    return plan


def draw_payload(store: Store, plan_id: str) -> dict[str, Any]:
    """The ``review.drawn`` payload for a plan: its seed checkpoint and what that root selects."""
    plan = plan_of(store, plan_id)
    size, root, _ = seed_checkpoint(store, plan.terms.seed_size)
    selected, inspectors = draw(plan.terms, plan_id, root)
    return {"checkpoint_size": size, "checkpoint_root": root.hex(), "selected": selected, "inspectors": inspectors}


def published(store: Store, plan_id: str) -> dict[str, Any]:
    """The plan as anyone may see it (enough to recompute the draw with a checkpoint note)."""
    plan = plan_of(store, plan_id)
    return {
        "format": "zhifa-review-plan/v1",
        "plan_id": plan.id,
        "planner": plan.planner,
        "planned_at": canonical.format_timestamp(plan.planned_at),
        "terms": msgspec.to_builtins(plan.terms),
        "drawn": None if plan.drawn is None else msgspec.to_builtins(plan.drawn),
        "results": [
            {"case": r.case, "vetoes": list(r.vetoes), "score": r.score, "grade": r.grade, "by": r.by, "at": canonical.format_timestamp(r.at)}
            for r in plan.results
        ],
    }


@dataclass(frozen=True)
class Recomputed:
    plan_id: str
    checkpoint_size: int
    checkpoint_root: str
    selected: list[str]
    inspectors: dict[str, list[str]]
    recorded: dict[str, Any] | None
    matches: bool | None  # None when the plan has no recorded draw to compare with
    problems: list[str]

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def recompute(plan: dict[str, Any], note: str, log_vkey: str | None = None) -> Recomputed:
    """Recompute a published plan's draw from a checkpoint note: verify the note (with the log key if given), check
    its size against N and the recorded draw's checkpoint, rank the population by the root, compare."""
    from ledger.court.checkpoint import Checkpoint

    terms = msgspec.convert(plan["terms"], ReviewPlanned)
    problems: list[str] = []
    if log_vkey is not None:
        checkpoint = open_checkpoint(note, parse_verifier_key(log_vkey))
    else:
        checkpoint = Checkpoint.parse(note.split("\n\n", 1)[0] + "\n")
        problems.append("note signature not checked (no --log-key given)")
    if checkpoint.size < terms.seed_size:
        problems.append(f"checkpoint size {checkpoint.size} < N = {terms.seed_size}: not the plan's seed")
    selected, inspectors = draw(terms, plan["plan_id"], checkpoint.root)
    recorded = plan.get("drawn")
    matches: bool | None = None
    if recorded is not None:
        drawn = msgspec.convert(recorded, ReviewDrawn)
        if (drawn.checkpoint_size, drawn.checkpoint_root) != (checkpoint.size, checkpoint.root.hex()):
            problems.append(f"the draw names checkpoint {drawn.checkpoint_size}, this note is {checkpoint.size}")
        matches = drawn.selected == selected and drawn.inspectors == inspectors and not [
            p for p in problems if not p.startswith("note signature")
        ]
    return Recomputed(plan["plan_id"], checkpoint.size, checkpoint.root.hex(), selected, inspectors, recorded, matches, problems)
