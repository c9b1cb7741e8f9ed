"""The transparency commands end to end: seal, log checkpoint / vkey, bundle, verify (exit 0 / 1 / 2)."""

from __future__ import annotations

import base64
import json
import uuid
from pathlib import Path

import pytest
from click.testing import CliRunner

from ledger.court.checkpoint import Checkpoint, sign_checkpoint
from ledger.court.keys import read_private_key
from zhifa.cli import main

Env = dict[str, str]


@pytest.fixture
def ledger_cli(database_url: str, tmp_path: Path) -> tuple[CliRunner, Env, Path, str]:
    runner = CliRunner()
    env = {"ZHIFA_DATABASE_URL": database_url, "ZHIFA_VAR_DIR": str(tmp_path / "var"), "ZHIFA_ORIGIN": "court.test/ledger"}
    assert runner.invoke(main, ["init"], env=env).exit_code == 0
    vkey = runner.invoke(main, ["keys", "new", "officer/3201-0007"], env=env).stdout.strip()
    assert runner.invoke(main, ["keys", "register", vkey, "--role", "officer"], env=env).exit_code == 0
    case = str(uuid.uuid4())
    key = tmp_path / "var/keys/officer_3201-0007.key"
    acts = [
        {"case": case, "case_version": 0, "type": "lead.received",
         "payload": {"source": "complaint", "channel": "12345", "summary": "某超市销售过期食品", "catalog_item": None}},
        {"case": case, "case_version": 1, "type": "case.note", "payload": {"text": "现场检查"}},
    ]
    for act in acts:
        (tmp_path / "act.json").write_text(json.dumps(act, ensure_ascii=False))
        signed = runner.invoke(main, ["act", "sign", "--key", str(key), str(tmp_path / "act.json")], env=env).stdout
        res = runner.invoke(main, ["append", "-"], input=signed, env=env)
        assert res.exit_code == 0, res.output
    return runner, env, tmp_path, case


def test_bundle_verifies_and_tampering_is_caught(ledger_cli: tuple[CliRunner, Env, Path, str]) -> None:
    runner, env, tmp, case = ledger_cli
    vkey = runner.invoke(main, ["log", "vkey"], env=env).stdout.strip()
    note = runner.invoke(main, ["log", "checkpoint"], env=env).stdout
    assert note.startswith("court.test/ledger\n4\n")  # admitted authority, officer key, two case acts
    out = tmp / "bundle.json"
    res = runner.invoke(main, ["bundle", case, "-o", str(out)], env=env)
    assert res.exit_code == 0, res.output
    bundle = json.loads(out.read_text())
    assert [s["id"] for s in bundle["streams"]] == [case, "person:officer/3201-0007", "person:authority/personnel"]
    ok = runner.invoke(main, ["verify", str(out), "--log-key", vkey], env=env)
    assert ok.exit_code == 0, ok.output

    # change one byte of the case's second entry: caught and located
    entry = bytearray(base64.b64decode(bundle["streams"][0]["entries"][1]["entry"]))
    entry[entry.index(b"recorded_at") + 20] ^= 1
    bundle["streams"][0]["entries"][1]["entry"] = base64.b64encode(bytes(entry)).decode()
    bad = tmp / "bad.json"
    bad.write_text(json.dumps(bundle, ensure_ascii=False))
    res = runner.invoke(main, ["verify", str(bad), "--log-key", vkey], env=env)
    assert res.exit_code == 1
    assert case in res.output

    # unusable input: not JSON, or a bad log key
    (tmp / "junk.json").write_text("not json")
    assert runner.invoke(main, ["verify", str(tmp / "junk.json"), "--log-key", vkey], env=env).exit_code == 2
    assert runner.invoke(main, ["verify", str(out), "--log-key", "nonsense"], env=env).exit_code == 2


def test_since_an_older_checkpoint_and_a_fork(ledger_cli: tuple[CliRunner, Env, Path, str]) -> None:
    runner, env, tmp, case = ledger_cli
    vkey = runner.invoke(main, ["log", "vkey"], env=env).stdout.strip()
    older = tmp / "older.note"
    older.write_text(runner.invoke(main, ["log", "checkpoint"], env=env).stdout)
    (tmp / "act.json").write_text(json.dumps({"case": case, "case_version": 2, "type": "case.note", "payload": {"text": "复查"}}))
    key = tmp / "var/keys/officer_3201-0007.key"
    signed = runner.invoke(main, ["act", "sign", "--key", str(key), str(tmp / "act.json")], env=env).stdout
    assert runner.invoke(main, ["append", "-"], input=signed, env=env).exit_code == 0
    out = tmp / "bundle.json"
    assert runner.invoke(main, ["bundle", case, "-o", str(out), "--since", str(older)], env=env).exit_code == 0
    res = runner.invoke(main, ["verify", str(out), "--log-key", vkey, "--checkpoint", str(older)], env=env)
    assert res.exit_code == 0, res.output

    # the same log key signs a different tree of the old size: a fork, reported with both checkpoints
    log_key = read_private_key(tmp / "var/keys/log.key")
    forged = tmp / "forged.note"
    forged.write_text(sign_checkpoint(Checkpoint("court.test/ledger", 4, bytes(32)), log_key))
    res = runner.invoke(main, ["verify", str(out), "--log-key", vkey, "--checkpoint", str(forged)], env=env)
    assert res.exit_code == 1
    assert "fork" in res.output.lower() or "分叉" in res.output


def test_log_proofs_verify_with_the_offline_code(ledger_cli: tuple[CliRunner, Env, Path, str]) -> None:
    from ledger.court import merkle, tlogproof
    from ledger.court.checkpoint import open_checkpoint
    from ledger.court.keys import parse_verifier_key

    runner, env, tmp, case = ledger_cli
    vkey = parse_verifier_key(runner.invoke(main, ["log", "vkey"], env=env).stdout.strip())
    entries = [json.loads(line) for line in runner.invoke(main, ["log", "entries"], env=env).stdout.splitlines()]
    res = runner.invoke(main, ["log", "proof", "--case", case], env=env)
    assert res.exit_code == 0, res.output
    proofs = res.stdout.split("\n" + tlogproof.HEADER)
    assert len(proofs) == 2
    mine = [e for e in entries if e["stream"] == case]
    for text, entry in zip([proofs[0], tlogproof.HEADER + proofs[1]], mine, strict=True):
        cp = tlogproof.verify(text, bytes.fromhex(entry["entry_hash"]), vkey)
        assert cp.size == 4
    older = open_checkpoint(runner.invoke(main, ["log", "checkpoint"], env=env).stdout, vkey)
    (tmp / "act.json").write_text(json.dumps({"case": case, "case_version": 2, "type": "case.note", "payload": {"text": "x"}}))
    key = tmp / "var/keys/officer_3201-0007.key"
    signed = runner.invoke(main, ["act", "sign", "--key", str(key), str(tmp / "act.json")], env=env).stdout
    assert runner.invoke(main, ["append", "-"], input=signed, env=env).exit_code == 0
    newer = open_checkpoint(runner.invoke(main, ["log", "checkpoint"], env=env).stdout, vkey)
    res = runner.invoke(main, ["log", "proof", "--from-size", "4"], env=env)
    proof = [base64.b64decode(line) for line in res.stdout.split()]
    assert merkle.verify_consistency(4, newer.size, proof, older.root, newer.root)
    assert runner.invoke(main, ["log", "proof", "--leaf", "99"], env=env).exit_code == 2
