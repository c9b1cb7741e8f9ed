"""案卷评查 and 双随机 draws anyone can recompute: the seed is the root of the first signed checkpoint of size ≥ N,
the ledger refuses a draw the root does not select and any change to a recorded plan; results grade files by veto
items and a 20 + 80 score."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from pathlib import Path
from typing import Any

import msgspec
import pytest
from click.testing import CliRunner

from domain.errors import DomainError, NotAuthorised
from domain.review import (
    AlreadyDrawn,
    DrawMismatch,
    DrawTooEarly,
    NotDrawn,
    ReviewPlanFixed,
    TooFewInspectors,
    draw,
    grade_of,
)
from domain.review_model import ReviewPlanned
from ledger.envelope import sign_act
from ledger.ledger import make_act
from ledger.sealer import Sealer
from ledger.store import Store
from projections import review as rv
from projections.catalog import default_views
from projections.runner import Runner
from tests.workload import ORIGIN, Workload, run_stories, start_world
from zhifa import scenarios as sc
from zhifa.cli import main

START = dt.datetime(2026, 3, 2, 1, 0, tzinfo=dt.UTC)
CLOSED_STORIES = ["closed", "archived", "followed_up", "no_penalty", "simple", "court_enforcement"]


def act(w: Workload, stream: str, type: str, payload: dict[str, Any], actor: str = sc.SUPERVISOR) -> bytes:
    state = w.store.stream_state(stream)
    return sign_act(make_act(log=ORIGIN, actor=actor, claimed_at=w.clock(), case=stream, case_version=0 if state is None else state[0],
                             type=type, payload=payload), w.keys[actor])


def refused(w: Workload, envelope: bytes, error: type[DomainError]) -> DomainError:
    before = w.store.position()
    with pytest.raises(error) as caught:
        w.writer.append(envelope)
    assert w.store.position() == before  # nothing written
    assert caught.value.code and caught.value.cited_article
    return caught.value


@pytest.fixture
def world(tmp_path: Path) -> Any:
    store = Store(f"sqlite:///{tmp_path / 'review.sqlite'}")
    w = start_world(store, START)
    run_stories(w, [(name, None, i * 0.5) for i, name in enumerate(CLOSED_STORIES)], START)
    Runner(store, default_views()).catch_up()
    yield w
    store.close()


def planned(w: Workload, **overrides: Any) -> tuple[str, dict[str, Any]]:
    population = rv.closed_cases(w.store, sc.BUREAU, None, None)
    assert len(population) >= 4
    payload = {"kind": "case_review", "title": "2026年上半年案卷评查", "population_rule": "closed cases of the bureau",
               "population": population, "seed_size": rv.log_size(w.store) + 3, "count": 2, "rate_permille": None,
               "inspectors": [], "inspectors_per_target": 2, "conflicts": [], **overrides}
    plan_id = str(uuid.uuid4())
    w.writer.append(act(w, f"review:{plan_id}", "review.planned", payload))
    return plan_id, payload


def grow_and_seal(w: Workload, entries: int = 5) -> None:
    case = next(iter(w.cases))
    for _ in range(entries):
        w.clock.now += dt.timedelta(minutes=1)
        w.append(case, "case.note", sc.OFFICER_1, {"text": "补充说明"}, keep_state=False)
    Sealer(w.store, w.log_key, None).seal_all()


def test_a_draw_recomputed_from_the_checkpoint_note_alone_gives_the_same_cases(world: Workload) -> None:
    w = world
    plan_id, _ = planned(w)
    with pytest.raises(rv.NoSeedYet):
        rv.draw_payload(w.store, plan_id)  # N is in the future: no seed yet
    grow_and_seal(w)
    payload = rv.draw_payload(w.store, plan_id)
    w.writer.append(act(w, f"review:{plan_id}", "review.drawn", payload))
    public = json.loads(json.dumps(rv.published(w.store, plan_id)))  # what anyone receives
    _, _, note = rv.seed_checkpoint(w.store, public["terms"]["seed_size"])
    again = rv.recompute(public, note, w.store.meta("log_vkey"))
    assert again.matches is True and again.problems == []
    assert again.selected == payload["selected"] and len(again.selected) == 2
    assert set(again.selected) <= set(public["terms"]["population"])


def test_changing_the_plan_after_the_checkpoint_is_refused(world: Workload) -> None:
    w = world
    plan_id, _ = planned(w)
    grow_and_seal(w)
    error = refused(w, act(w, f"review:{plan_id}", "review.amended", {"reason": "换一批", "population": None, "count": 3, "seed_size": None}),
                    ReviewPlanFixed)
    assert error.code == "review-plan-fixed"
    refused(w, act(w, f"review:{plan_id}", "review.planned", {**planned_payload(w), "count": 3}), ReviewPlanFixed)


def planned_payload(w: Workload) -> dict[str, Any]:
    return {"kind": "case_review", "title": "t", "population_rule": "r", "population": rv.closed_cases(w.store, None, None, None),
            "seed_size": 1, "count": 1, "rate_permille": None, "inspectors": [], "inspectors_per_target": 2, "conflicts": []}


def test_a_draw_the_root_does_not_select_or_taken_too_early_is_refused(world: Workload) -> None:
    w = world
    plan_id, payload = planned(w)
    grow_and_seal(w)
    good = rv.draw_payload(w.store, plan_id)
    others = [c for c in payload["population"] if c not in good["selected"]][:2]
    error = refused(w, act(w, f"review:{plan_id}", "review.drawn", {**good, "selected": others}), DrawMismatch)
    assert "selects" in error.detail
    refused(w, act(w, f"review:{plan_id}", "review.drawn", {**good, "checkpoint_size": payload["seed_size"] - 1}), DrawTooEarly)
    w.writer.append(act(w, f"review:{plan_id}", "review.drawn", good))
    refused(w, act(w, f"review:{plan_id}", "review.drawn", good), AlreadyDrawn)


def test_only_a_supervisor_plans_and_results_are_only_for_drawn_files(world: Workload) -> None:
    w = world
    refused(w, act(w, f"review:{uuid.uuid4()}", "review.planned", planned_payload(w), actor=sc.OFFICER_1), NotAuthorised)
    plan_id, payload = planned(w)
    grow_and_seal(w)
    good = rv.draw_payload(w.store, plan_id)
    w.writer.append(act(w, f"review:{plan_id}", "review.drawn", good))
    outside = next(c for c in payload["population"] if c not in good["selected"])
    result = {"vetoes": [], "presentation": 18, "content": 75, "remarks": ""}
    refused(w, act(w, f"review:{plan_id}", "review.result_recorded", {**result, "case": outside}), NotDrawn)
    w.writer.append(act(w, f"review:{plan_id}", "review.result_recorded", {**result, "case": good["selected"][0]}))
    w.writer.append(act(w, f"review:{plan_id}", "review.result_recorded",
                        {**result, "case": good["selected"][1], "vetoes": ["fewer_than_two_officers"]}))
    grades = [(r["score"], r["grade"]) for r in rv.published(w.store, plan_id)["results"]]
    assert grades == [(93, "优秀"), (93, "不合格")]


def test_grades_veto_items_then_the_twenty_plus_eighty_score() -> None:
    assert grade_of(["wrong_law"], 20, 80) == "不合格"
    assert grade_of([], 18, 72) == "优秀"
    assert grade_of([], 15, 50) == "合格"
    assert grade_of([], 10, 40) == "不合格"


def test_random_inspection_draws_targets_and_two_inspectors_without_conflicts() -> None:
    targets = sorted(["91350100M000100Y43", sc.COMPANY["uscc"], sc.STORE["uscc"]])
    inspectors = ["officer/a", "officer/b", "officer/c"]
    terms = ReviewPlanned(kind="random_inspection", title="双随机", population_rule="targets", population=targets, seed_size=1,
                          count=3, inspectors=inspectors, conflicts=[("officer/a", targets[0])])
    root = bytes(range(32))
    selected, assigned = draw(terms, "p", root)
    assert sorted(selected) == targets
    assert all(len(v) == 2 and len(set(v)) == 2 for v in assigned.values())
    assert set(assigned[targets[0]]) == {"officer/b", "officer/c"}  # officer/a withdraws from that one
    conflicted = msgspec.structs.replace(terms, conflicts=[*terms.conflicts, ("officer/b", targets[0])])
    with pytest.raises(TooFewInspectors):  # nobody is free for targets[0]
        draw(conflicted, "p", root)
    for target, chosen in assigned.items():
        assert not {(i, target) for i in chosen} & set(terms.conflicts)
    assert draw(terms, "p", root) == (selected, assigned)  # deterministic
    assert draw(terms, "p", bytes(32))[0] != selected or draw(terms, "q", root)[0] != selected


def test_recompute_on_the_command_line_exits_1_when_the_published_plan_was_altered(world: Workload, tmp_path: Path) -> None:
    w = world
    plan_id, _ = planned(w)
    grow_and_seal(w)
    w.writer.append(act(w, f"review:{plan_id}", "review.drawn", rv.draw_payload(w.store, plan_id)))
    public = rv.published(w.store, plan_id)
    _, _, note = rv.seed_checkpoint(w.store, public["terms"]["seed_size"])
    (tmp_path / "plan.json").write_text(json.dumps(public, ensure_ascii=False))
    (tmp_path / "cp.note").write_text(note)
    vkey = w.store.meta("log_vkey") or ""
    env = {"ZHIFA_VAR_DIR": str(tmp_path / "var"), "ZHIFA_DATABASE_URL": f"sqlite:///{tmp_path / 'none.sqlite'}"}
    res = CliRunner().invoke(main, ["review", "recompute", str(tmp_path / "plan.json"), "--checkpoint", str(tmp_path / "cp.note"),
                                    "--log-key", vkey], env=env)
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout)["matches"] is True
    dropped = public["drawn"]["selected"][0]  # someone drops a drawn file from the published plan
    public["terms"]["population"] = [c for c in public["terms"]["population"] if c != dropped]
    (tmp_path / "plan.json").write_text(json.dumps(public, ensure_ascii=False))
    res = CliRunner().invoke(main, ["review", "recompute", str(tmp_path / "plan.json"), "--checkpoint", str(tmp_path / "cp.note"),
                                    "--log-key", vkey], env=env)
    assert res.exit_code == 1 and json.loads(res.stdout)["matches"] is False


def test_a_random_inspection_draw_is_recorded_with_two_free_inspectors_per_target(world: Workload) -> None:
    w = world
    targets = sorted(["91350100M000100Y43", str(sc.COMPANY["uscc"]), str(sc.STORE["uscc"])])
    payload = {"kind": "random_inspection", "title": "2026年第二季度双随机抽查", "population_rule": "registered targets",
               "population": targets, "seed_size": rv.log_size(w.store) + 2, "count": 2, "rate_permille": None,
               "inspectors": [sc.OFFICER_1, sc.OFFICER_2, sc.OFFICER_3], "inspectors_per_target": 2,
               "conflicts": [[sc.OFFICER_1, targets[0]]]}
    plan_id = str(uuid.uuid4())
    w.writer.append(act(w, f"review:{plan_id}", "review.planned", payload))
    refused(w, act(w, f"review:{uuid.uuid4()}", "review.planned", {**payload, "inspectors": [sc.OFFICER_1]}), TooFewInspectors)
    grow_and_seal(w)
    drawn = rv.draw_payload(w.store, plan_id)
    w.writer.append(act(w, f"review:{plan_id}", "review.drawn", drawn))
    assert len(drawn["selected"]) == 2 and all(len(v) == 2 for v in drawn["inspectors"].values())
    assert sc.OFFICER_1 not in drawn["inspectors"].get(targets[0], [])
    public = rv.published(w.store, plan_id)
    assert rv.recompute(public, rv.seed_checkpoint(w.store, payload["seed_size"])[2], w.store.meta("log_vkey")).matches is True
