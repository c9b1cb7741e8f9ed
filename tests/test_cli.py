"""The `zhifa` command line as a new user drives it: init, keys, act sign, append, log entries, check."""

from __future__ import annotations

import json
import os
import stat
import uuid
from pathlib import Path

import pytest
from click.testing import CliRunner

from ledger.court.keys import parse_verifier_key
from zhifa.cli import main


@pytest.fixture
def cli(database_url: str, tmp_path: Path) -> tuple[CliRunner, dict[str, str], Path]:
    env = {"ZHIFA_DATABASE_URL": database_url, "ZHIFA_VAR_DIR": str(tmp_path / "var"), "ZHIFA_ORIGIN": "cli.test/ledger"}
    return CliRunner(), env, tmp_path


def test_new_user_flow(cli: tuple[CliRunner, dict[str, str], Path]) -> None:
    runner, env, tmp = cli
    res = runner.invoke(main, ["init"], env=env)
    assert res.exit_code == 0, res.output
    log_vkey = parse_verifier_key(res.stdout.strip())
    assert log_vkey.name == "cli.test/ledger"
    keys = tmp / "var" / "keys"
    assert stat.S_IMODE(os.stat(keys / "log.key").st_mode) == 0o600

    res = runner.invoke(main, ["keys", "new", "officer/3201-0007"], env=env)
    assert res.exit_code == 0, res.output
    vkey = res.stdout.strip()
    key_file = keys / "officer_3201-0007.key"
    assert stat.S_IMODE(os.stat(key_file).st_mode) == 0o600
    assert runner.invoke(main, ["keys", "new", "officer/3201-0007"], env=env).exit_code == 2  # never overwrite

    res = runner.invoke(main, ["keys", "register", vkey, "--role", "officer", "--agency", "agency/test"], env=env)
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout)["stream"] == "person:officer/3201-0007"

    case = str(uuid.uuid4())
    act_file = tmp / "act.json"
    act_file.write_text(
        json.dumps(
            {
                "case": case,
                "case_version": 0,
                "type": "lead.received",
                "payload": {"source": "complaint", "channel": "12345", "summary": "某超市销售过期食品", "catalog_item": None},
            },
            ensure_ascii=False,
        )
    )
    res = runner.invoke(main, ["act", "sign", "--key", str(key_file), str(act_file)], env=env)
    assert res.exit_code == 0, res.output
    signed = tmp / "signed.json"
    signed.write_text(res.stdout)
    res = runner.invoke(main, ["append", str(signed)], env=env)
    assert res.exit_code == 0, res.output
    receipt = json.loads(res.stdout)
    assert (receipt["stream"], receipt["version"]) == (case, 1)

    # appending the same signed act again: reused nonce → one line, exit 1, nothing written
    res = runner.invoke(main, ["append", str(signed)], env=env)
    assert res.exit_code == 1
    assert "nonce-reused" in res.stderr and len(res.stderr.strip().splitlines()) == 1

    res = runner.invoke(main, ["log", "entries", "--case", case], env=env)
    lines = [json.loads(line) for line in res.stdout.splitlines()]
    assert [(x["stream"], x["version"]) for x in lines] == [(case, 1)]
    assert lines[0]["entry_hash"] == receipt["entry_hash"]
    all_lines = runner.invoke(main, ["log", "entries"], env=env).stdout.splitlines()
    assert len(all_lines) == 3 and [json.loads(x)["position"] for x in all_lines] == sorted(json.loads(x)["position"] for x in all_lines)

    res = runner.invoke(main, ["check"], env=env)
    assert res.exit_code == 0 and "OK: 3 entries" in res.stdout


def test_rule_refusal_is_one_line_with_the_rule(cli: tuple[CliRunner, dict[str, str], Path]) -> None:
    runner, env, tmp = cli
    assert runner.invoke(main, ["init"], env=env).exit_code == 0
    vkey = runner.invoke(main, ["keys", "new", "officer/1"], env=env).stdout.strip()
    runner.invoke(main, ["keys", "register", vkey, "--role", "officer"], env=env)
    act_file = tmp / "note.json"
    act_file.write_text(json.dumps({"case": str(uuid.uuid4()), "case_version": 0, "type": "case.note", "payload": {"text": "x"}}))
    signed = runner.invoke(main, ["act", "sign", "--key", str(tmp / "var/keys/officer_1.key"), str(act_file)], env=env).stdout
    res = runner.invoke(main, ["append", "-"], input=signed, env=env)
    assert res.exit_code == 1
    assert res.stderr.count("\n") == 1 and res.stderr.startswith("case-not-open:")
    assert len(runner.invoke(main, ["log", "entries"], env=env).stdout.splitlines()) == 2  # nothing written


def test_unusable_input_exits_2(cli: tuple[CliRunner, dict[str, str], Path]) -> None:
    runner, env, tmp = cli
    assert runner.invoke(main, ["check"], env=env).exit_code == 2  # no ledger yet
    assert runner.invoke(main, ["init"], env=env).exit_code == 0
    assert runner.invoke(main, ["init"], env=env).exit_code == 2  # already there
    assert runner.invoke(main, ["append", str(tmp / "missing.json")], env=env).exit_code == 2
    (tmp / "bad.key").write_text("not a key")
    (tmp / "act.json").write_text("{}")
    assert runner.invoke(main, ["act", "sign", "--key", str(tmp / "bad.key"), str(tmp / "act.json")], env=env).exit_code == 2
    garbage = runner.invoke(main, ["append", "-"], input="{}", env=env)
    assert garbage.exit_code == 2 and garbage.stderr.startswith("malformed-envelope:")


def test_demo_seeds_and_says_what_to_try(tmp_path: Path) -> None:
    env = {"ZHIFA_VAR_DIR": str(tmp_path / "var"), "ZHIFA_DATABASE_URL": f"sqlite:///{tmp_path / 'var/zhifa.sqlite'}"}
    runner = CliRunner()
    res = runner.invoke(main, ["demo", "--no-serve"], env=env)
    assert res.exit_code == 0, res.output
    assert "one per stage" in res.stderr and "zhifa verify case.json" in res.stderr
    again = runner.invoke(main, ["demo", "--no-serve"], env=env)  # an existing ledger is shown, not re-seeded
    assert again.exit_code == 0 and "already initialised" in again.stderr
    assert runner.invoke(main, ["check", "--full"], env=env).exit_code == 0
