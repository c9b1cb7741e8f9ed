"""``zhifa review``: 案卷评查 and 双随机 plans, draws seeded by a future checkpoint, results, and recomputation.

``plan`` records the population (closed cases of an agency in a period, or a list of registered targets), the count
or rate and the future log size N; ``draw`` waits for the first signed checkpoint of size ≥ N and records what its
root selects; ``recompute`` reruns a draw from the published plan and a checkpoint note alone (exit 0 same, 1 not).
"""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

import click

from ledger.envelope import sign_act
from ledger.ledger import make_act
from ledger.writer import Writer
from projections import review as rv
from projections.catalog import default_views
from projections.runner import Runner
from zhifa.console import EXIT_INVALID, err_console, fail, open_store, read_key, refusals
from zhifa.settings import Settings


def _append(settings: Settings, key_path: Path, stream: str, act_type: str, payload: dict[str, Any]) -> dict[str, Any]:
    key = read_key(key_path)
    store = open_store(settings)
    try:
        origin = store.meta("origin")
        if origin is None:
            fail("no ledger here: run `zhifa init` first")
        state = store.stream_state(stream)
        envelope = sign_act(
            make_act(log=origin, case=stream, case_version=0 if state is None else state[0], type=act_type, actor=key.name, payload=payload),
            key,
        )
        with refusals():
            receipt = Writer(store).append(envelope)
        return {"stream": receipt.stream, "version": receipt.version, "position": receipt.position, "recorded_at": receipt.recorded_at}
    finally:
        store.close()


@click.group("review")
def review_group() -> None:
    """案卷评查 and 双随机: plans, verifiable draws, results."""


@review_group.command("plan")
@click.option("--key", "key_path", type=click.Path(path_type=Path), required=True, help="the supervisor's private key file")
@click.option("--title", required=True)
@click.option("--kind", type=click.Choice(["case_review", "random_inspection"]), default="case_review", show_default=True)
@click.option("--agency", default=None, help="case_review: cases of this agency")
@click.option("--closed-from", default=None, help="case_review: closed at or after (date or time)")
@click.option("--closed-to", default=None, help="case_review: closed before (date or time)")
@click.option("--targets", type=click.Path(path_type=Path), default=None, help="random_inspection: file of USCCs, one a line")
@click.option("--inspectors", default="", help="random_inspection: officer ids, comma-separated")
@click.option("--conflict", "conflicts", multiple=True, help="random_inspection: INSPECTOR=USCC recusal conflict (repeatable)")
@click.option("--count", type=int, default=None)
@click.option("--rate-permille", type=int, default=None)
@click.option("--margin", type=int, default=100, show_default=True, help="N = the log's size now + MARGIN")
@click.option("--id", "plan_id", default=None, help="plan id (default: a new UUID)")
@click.pass_obj
def review_plan(settings: Settings, key_path: Path, title: str, kind: str, agency: str | None, closed_from: str | None,
                closed_to: str | None, targets: Path | None, inspectors: str, conflicts: tuple[str, ...], count: int | None,
                rate_permille: int | None, margin: int, plan_id: str | None) -> None:
    """Record a plan; its draw's seed is the first checkpoint of a log size nobody has seen yet."""
    from projections.replay import parse_moment

    store = open_store(settings)
    with refusals():
        if kind == "case_review":
            Runner(store, default_views()).catch_up()
            lo = None if closed_from is None else parse_moment(closed_from, date_means="start")
            hi = None if closed_to is None else parse_moment(closed_to, date_means="start")
            population = rv.closed_cases(store, agency, lo, hi)
            rule = f"closed cases of {agency or 'every agency'} closed in [{closed_from or '-'}, {closed_to or '-'})"
        else:
            if targets is None:
                fail("random_inspection needs --targets FILE")
            population = sorted({line.strip() for line in targets.read_text().splitlines() if line.strip()})
            rule = f"registered inspection targets listed in {targets.name}"
        size = rv.log_size(store)
    store.close()
    if not population:
        fail("the population is empty: nothing to draw from", EXIT_INVALID)
    pairs = [tuple(c.split("=", 1)) for c in conflicts]
    payload = {
        "kind": kind, "title": title, "population_rule": rule, "population": population, "seed_size": size + margin,
        "count": count, "rate_permille": rate_permille,
        "inspectors": [i for i in inspectors.split(",") if i], "inspectors_per_target": 2, "conflicts": [list(p) for p in pairs],
    }
    plan_id = plan_id or str(uuid.uuid4())
    receipt = _append(settings, key_path, f"review:{plan_id}", "review.planned", payload)
    click.echo(json.dumps({"plan_id": plan_id, "seed_size": size + margin, "population": len(population), **receipt}, ensure_ascii=False))


@review_group.command("draw")
@click.argument("plan_id")
@click.option("--key", "key_path", type=click.Path(path_type=Path), required=True, help="the supervisor's private key file")
@click.pass_obj
def review_draw(settings: Settings, plan_id: str, key_path: Path) -> None:
    """Record the draw: the root of the first signed checkpoint of size ≥ N selects the files (or targets)."""
    store = open_store(settings)
    with refusals():
        payload = rv.draw_payload(store, plan_id)
    store.close()
    _append(settings, key_path, f"review:{plan_id}", "review.drawn", payload)
    click.echo(json.dumps({"plan_id": plan_id, **payload}, ensure_ascii=False, indent=2))


@review_group.command("show")
@click.argument("plan_id")
@click.pass_obj
def review_show(settings: Settings, plan_id: str) -> None:
    """The plan as published: terms, draw and results (JSON; what `review recompute` takes)."""
    store = open_store(settings)
    with refusals():
        data = rv.published(store, plan_id)
    store.close()
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


@review_group.command("result")
@click.argument("plan_id")
@click.argument("case_id")
@click.option("--key", "key_path", type=click.Path(path_type=Path), required=True)
@click.option("--veto", "vetoes", multiple=True, type=click.Choice(
    ["wrong_agency", "uncertified_officer", "fewer_than_two_officers", "insufficient_evidence", "wrong_law", "illegal_procedure"]))
@click.option("--presentation", type=int, required=True, help="卷面 0–20")
@click.option("--content", type=int, required=True, help="内容 0–80")
@click.option("--remarks", default="")
@click.pass_obj
def review_result(settings: Settings, plan_id: str, case_id: str, key_path: Path, vetoes: tuple[str, ...], presentation: int,
                  content: int, remarks: str) -> None:
    """Record the review of one drawn file (veto items → 不合格; else 20 + 80 points → 优秀 / 合格 / 不合格)."""
    from domain.review import grade_of

    payload = {"case": case_id, "vetoes": list(vetoes), "presentation": presentation, "content": content, "remarks": remarks}
    receipt = _append(settings, key_path, f"review:{plan_id}", "review.result_recorded", payload)
    click.echo(json.dumps({**receipt, "grade": grade_of(vetoes, presentation, content), "score": presentation + content}, ensure_ascii=False))


@review_group.command("recompute")
@click.argument("plan")
@click.option("--checkpoint", "note_path", type=click.Path(path_type=Path), required=True, help="the signed checkpoint note")
@click.option("--log-key", default=None, help="the log's verifier key (checks the note's signature)")
@click.pass_obj
def review_recompute(settings: Settings, plan: str, note_path: Path, log_key: str | None) -> None:
    """Recompute a draw from public data alone: PLAN is the published plan's JSON file (or a plan id here)."""
    path = Path(plan)
    if path.is_file():
        try:
            data = json.loads(path.read_text())
        except ValueError as exc:
            fail(f"{plan}: not JSON: {exc}")
    else:
        store = open_store(settings)
        with refusals():
            data = rv.published(store, plan)
        store.close()
    try:
        note = note_path.read_text()
    except OSError as exc:
        fail(f"cannot read {note_path}: {exc.strerror}")
    try:
        result = rv.recompute(data, note, log_key)
    except (ValueError, KeyError) as exc:
        fail(f"cannot recompute: {exc}")
    click.echo(json.dumps(result.as_dict(), ensure_ascii=False, indent=2))
    for problem in result.problems:
        err_console.print(problem)
    if result.matches is False:
        raise SystemExit(EXIT_INVALID)


COMMANDS = (review_group,)
