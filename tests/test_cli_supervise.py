"""`zhifa case`, `zhifa supervise` and `zhifa projections` as a supervisor drives them (SQLite file)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pytest
from click.testing import CliRunner

from ledger.store import Store
from tests.workload import Workload, run_stories, start_world
from zhifa import scenarios as sc
from zhifa.cli import main

START = dt.datetime(2026, 3, 2, 1, 0, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> tuple[Workload, dict[str, str], dict[str, str]]:
    tmp = tmp_path_factory.mktemp("cli")
    url = f"sqlite:///{tmp / 'ledger.sqlite'}"
    store = Store(url)
    w = start_world(store, START)
    run_stories(w, [("archived", None, 0), ("declined", None, 1), ("notified", None, 2), ("investigating", None, 3)], START)
    by_name = {name: case for case, name in w.cases.items()}
    env = {"ZHIFA_DATABASE_URL": url, "ZHIFA_VAR_DIR": str(tmp / "var")}
    return w, env, by_name


def run(env: dict[str, str], *args: str) -> tuple[int, str, str]:
    res = CliRunner().invoke(main, list(args), env=env)
    return res.exit_code, res.stdout, res.stderr


def test_case_show_as_of_a_version_and_a_time_in_either_spelling(world: tuple[Workload, dict[str, str], dict[str, str]]) -> None:
    w, env, cases = world
    case = cases["archived"]
    code, out, _ = run(env, "case", "show", case, "--json")
    assert code == 0
    head = json.loads(out)
    assert head["version"] == head["head_version"] == w.versions[case] and head["state"]["status"] == "archived"
    code, out, _ = run(env, "case", "show", case, "--version", "2", "--json")
    assert json.loads(out)["state"]["status"] == "filed"
    stamp = w.recorded[(case, 2)]  # the ledger's own spelling, as printed
    assert json.loads(run(env, "case", "show", case, "--as-of", stamp, "--json")[1])["version"] == 2
    local = dt.datetime.fromisoformat(stamp).astimezone(dt.timezone(dt.timedelta(hours=8))).strftime("%Y-%m-%dT%H:%M:%S.%f")
    assert json.loads(run(env, "case", "show", case, "--as-of", local, "--json")[1])["version"] == 2  # no offset: Beijing
    code, out, _ = run(env, "case", "show", case, "--version", "2")
    assert code == 0 and "version 2 of" in out and "status filed" in out


def test_case_commands_refuse_unknown_cases_and_unreadable_times(world: tuple[Workload, dict[str, str], dict[str, str]]) -> None:
    _, env, cases = world
    code, _, err = run(env, "case", "show", "00000000-0000-4000-8000-000000000000")
    assert code == 1 and "case-not-found" in err
    code, _, err = run(env, "case", "show", cases["archived"], "--as-of", "yesterday-ish")
    assert code == 2 and "bad-moment" in err


def test_case_timeline_prints_one_line_per_act(world: tuple[Workload, dict[str, str], dict[str, str]]) -> None:
    w, env, cases = world
    case = cases["archived"]
    code, out, _ = run(env, "case", "timeline", case)
    lines = out.strip().splitlines()
    assert code == 0 and len(lines) == w.versions[case]
    assert lines[0].startswith("v1 ") and "线索登记" in lines[0] and "Lead received" in lines[0]
    assert any("co-signed by" in line for line in lines)
    code, out, _ = run(env, "case", "timeline", case, "--csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert code == 0 and [int(r["version"]) for r in rows] == list(range(1, w.versions[case] + 1))
    assert rows[0]["title"].startswith("线索登记") and any(json.loads(r["cosigners"] or "[]") for r in rows)


def test_supervise_lists_render_as_table_json_and_csv(world: tuple[Workload, dict[str, str], dict[str, str]]) -> None:
    _, env, cases = world
    at = (START + dt.timedelta(days=400)).date().isoformat()
    code, out, _ = run(env, "supervise", "overdue", "--at", at, "--json")
    red = json.loads(out)
    assert code == 0 and red and {r["card"] for r in red} == {"red"}
    assert cases["investigating"] in {r["case_id"] for r in red}
    code, out, _ = run(env, "supervise", "overdue", "--at", at, "--csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert len(rows) == len(red) and rows[0]["card"] == "red"
    code, out, _ = run(env, "supervise", "warnings", "--at", at)
    assert code == 0 and "red" in out
    code, out, _ = run(env, "supervise", "warnings", "--at", at, "--summary", "--json")
    assert {r["by"] for r in json.loads(out)} >= {"agency", "officer"}


def test_supervise_metrics_referrals_and_inspections(world: tuple[Workload, dict[str, str], dict[str, str]]) -> None:
    _, env, cases = world
    m = json.loads(run(env, "supervise", "metrics", "--json")[1])
    assert m["cases"] == 4 and m["by_outcome"]["declined"] == 1 and m["closed"] == 1
    loops = json.loads(run(env, "supervise", "referrals", "--json")[1])
    assert [x["case_id"] for x in loops] == [cases["declined"]]
    code, out, _ = run(env, "supervise", "inspections", sc.STORE["uscc"], "--json")
    report = json.loads(out)
    assert code == 0 and report["visits"] and report["uscc"] == sc.STORE["uscc"]


def test_projections_status_and_rebuild(world: tuple[Workload, dict[str, str], dict[str, str]]) -> None:
    w, env, _ = world
    code, _, err = run(env, "projections", "rebuild", "timeline")
    assert code == 0 and "rebuilt timeline" in err
    status = json.loads(run(env, "projections", "status", "--json")[1])
    head = w.store.position()
    assert {s["name"]: (s["position"], s["lag"]) for s in status}["timeline"] == (head, 0)


def test_inspection_report_warns_when_an_enterprise_is_visited_too_often(world: tuple[Workload, dict[str, str], dict[str, str]]) -> None:
    _, env, _ = world
    report = json.loads(run(env, "supervise", "inspections", sc.STORE["uscc"], "--max-visits", "0", "--json")[1])
    assert report["too_frequent"] is True
    report = json.loads(run(env, "supervise", "inspections", sc.STORE["uscc"], "--max-visits", "99", "--json")[1])
    assert report["too_frequent"] is False
