"""A bundle is never made for a case the database holds incompletely (issue 12 item 1), on both backends.

The rows are deleted or edited directly, as an operator or an attacker with the database would; the bundle builder
cross-checks every stream it includes against the sealed leaves and the stream-state table and refuses, naming the
stream and version, instead of signing a manifest over what is left.
"""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import pytest
from click.testing import CliRunner

from ledger.bundle import LedgerInconsistent, make_bundle
from ledger.court.bundle_format import entry_hash
from ledger.court.verify import verify_bundle
from ledger.sealer import Sealer
from tests.conftest import LedgerFixture
from zhifa.cli import main


def _sealed_case(ledger: LedgerFixture) -> str:
    officer = ledger.register("officer/3201-0007")
    case = str(uuid.uuid4())
    ledger.lead(officer, case)
    for v in range(1, 5):
        ledger.clock.advance(hours=1)
        ledger.note(officer, case, v, f"第{v}次记录")
    Sealer(ledger.store, ledger.log_key, None).seal_once()
    assert verify_bundle(make_bundle(ledger.store, ledger.log_key, case), ledger.log_key.verifier).ok
    return case


def _delete(ledger: LedgerFixture, stream: str, version: int) -> None:
    with ledger.store.db.write() as cur:
        cur.execute("DELETE FROM stored_events WHERE originator_id=? AND originator_version=?", (stream, version))


def _checkpoints(ledger: LedgerFixture) -> int:
    with ledger.store.db.read() as cur:
        row = cur.execute("SELECT COUNT(*) FROM zhifa_checkpoints").fetchone()
    assert row is not None
    return int(row[0])


def test_a_deleted_last_act_is_refused_naming_case_and_version(ledger: LedgerFixture) -> None:
    case = _sealed_case(ledger)
    _delete(ledger, case, 5)
    before = _checkpoints(ledger)
    with pytest.raises(LedgerInconsistent) as info:
        make_bundle(ledger.store, ledger.log_key, case)
    assert (info.value.stream, info.value.version, info.value.code, info.value.status) == (case, 5, "ledger-inconsistent", 409)
    assert _checkpoints(ledger) == before


def test_a_deleted_last_act_with_the_head_table_rewritten_is_caught_by_the_sealed_leaf(ledger: LedgerFixture) -> None:
    case = _sealed_case(ledger)
    four = ledger.store.stream(case)[3]
    _delete(ledger, case, 5)
    with ledger.store.db.write() as cur:
        cur.execute("UPDATE zhifa_stream_state SET version=?, head=? WHERE stream=?", (4, entry_hash(four.entry), case))
    with pytest.raises(LedgerInconsistent) as info:
        make_bundle(ledger.store, ledger.log_key, case)
    assert (info.value.stream, info.value.version) == (case, 5)
    assert "sealed at leaf" in str(info.value)


def test_a_deleted_middle_act_is_refused(ledger: LedgerFixture) -> None:
    case = _sealed_case(ledger)
    _delete(ledger, case, 3)
    with pytest.raises(LedgerInconsistent) as info:
        make_bundle(ledger.store, ledger.log_key, case)
    assert (info.value.stream, info.value.version) == (case, 3)


def test_a_deleted_key_revocation_in_a_signers_stream_is_refused(ledger: LedgerFixture) -> None:
    """The signer's person stream is checked too: without its revocation the court would think the key still valid."""
    case = _sealed_case(ledger)
    stream = "person:officer/3201-0007"
    kid = ledger.keys["officer/3201-0007"].kid_hex
    ledger.writer.append(ledger.act(ledger.authority, stream, 1, "key.revoked", {"kid": kid, "reason": "调离"}))
    Sealer(ledger.store, ledger.log_key, None).seal_once()
    _delete(ledger, stream, 2)
    with pytest.raises(LedgerInconsistent) as info:
        make_bundle(ledger.store, ledger.log_key, case)
    assert (info.value.stream, info.value.version) == (stream, 2)


def test_a_changed_head_entry_is_refused(ledger: LedgerFixture) -> None:
    case = _sealed_case(ledger)
    with ledger.store.db.write() as cur:
        cur.execute("UPDATE zhifa_stream_state SET head=? WHERE stream=?", (bytes(32), case))
    with pytest.raises(LedgerInconsistent) as info:
        make_bundle(ledger.store, ledger.log_key, case)
    assert (info.value.stream, info.value.version) == (case, 5)


def test_cli_bundle_refuses_in_one_line_and_writes_no_file(database_url: str, tmp_path: Path) -> None:
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
        assert runner.invoke(main, ["append", "-"], input=signed, env=env).exit_code == 0
    assert runner.invoke(main, ["seal"], env=env).exit_code == 0
    from ledger.store import Store

    store = Store(database_url)
    with store.db.write() as cur:
        cur.execute("DELETE FROM stored_events WHERE originator_id=? AND originator_version=2", (case,))
    store.close()
    out = tmp_path / "bundle.json"
    res = runner.invoke(main, ["bundle", case, "-o", str(out)], env=env)
    assert res.exit_code == 1, res.output
    lines = [line for line in res.output.splitlines() if line.strip()]
    assert len(lines) == 1 and "ledger-inconsistent" in lines[0] and f"stream {case} version 2" in lines[0]
    assert not out.exists()
