"""`zhifa check --full` names the first bad entry in log order, whichever check found it, and blames a Merkle node
on itself, not on the case whose append happened to complete it (issue 12 item 12); both backends."""

from __future__ import annotations

import re
import uuid
from pathlib import Path

from click.testing import CliRunner

from ledger.check import check_log
from ledger.sealer import Sealer
from tests.conftest import LedgerFixture
from zhifa.cli import main


def _nine_leads(ledger: LedgerFixture, tmp_path: Path) -> list[str]:
    officer = ledger.register("officer/order")
    cases = [str(uuid.uuid4()) for _ in range(9)]
    for case in cases:
        ledger.lead(officer, case)
    Sealer(ledger.store, ledger.log_key, tmp_path / "cp.log").seal_all()
    assert check_log(ledger.store, checkpoints_file=tmp_path / "cp.log").ok
    return cases  # leaves: 0 authority, 1 officer key, 2..10 the leads


def test_an_interior_node_is_named_as_a_node_with_its_leaves(ledger: LedgerFixture, tmp_path: Path) -> None:
    _nine_leads(ledger, tmp_path)
    with ledger.store.db.write() as cur:
        cur.execute("UPDATE zhifa_tree_nodes SET hash=? WHERE id=?", (bytes(32), (2 << 48) | 1))  # level 2, leaves 4-7
    problems = check_log(ledger.store, checkpoints_file=tmp_path / "cp.log").problems
    nodes = [p for p in problems if p.code == "tree-node"]
    assert len(nodes) == 1 and nodes[0].stream == "-" and "covering leaves 4–7" in nodes[0].message
    assert all(p.stream == "-" for p in problems)  # no case is blamed: every entry re-derives its leaf


def test_a_changed_leaf_hash_is_named_once_not_with_every_ancestor(ledger: LedgerFixture, tmp_path: Path) -> None:
    cases = _nine_leads(ledger, tmp_path)
    with ledger.store.db.write() as cur:
        cur.execute("UPDATE zhifa_tree_nodes SET hash=? WHERE id=?", (bytes(32), 5))  # level 0, leaf 5: the fourth lead
    problems = [p for p in check_log(ledger.store, checkpoints_file=tmp_path / "cp.log").problems if p.stream != "-"]
    assert [(p.code, p.stream, p.version) for p in problems] == [("tree-leaf", cases[3], 1)]


def test_check_full_puts_an_early_merkle_problem_before_a_later_entry_problem(
    ledger: LedgerFixture, tmp_path: Path, database_url: str
) -> None:
    cases = _nine_leads(ledger, tmp_path)
    with ledger.store.db.write() as cur:
        cur.execute("UPDATE zhifa_tree_nodes SET hash=? WHERE id=?", (bytes(32), 3))  # leaf 3: the second lead
        cur.execute("DELETE FROM stored_events WHERE originator_id=?", (cases[8],))  # the last lead, deleted
    env = {"ZHIFA_DATABASE_URL": database_url, "ZHIFA_VAR_DIR": str(tmp_path), "ZHIFA_ORIGIN": "zhifa.test/ledger"}
    res = CliRunner().invoke(main, ["check", "--full", "--workers", "1"], env=env)
    assert res.exit_code == 1
    assert f"first bad entry: stream {cases[1]} version 1" in res.output
    lines = [line for line in res.stderr.splitlines() if re.match(r"[a-z-]+: stream ", line)]  # not the progress bars
    assert lines[0].startswith(f"tree-leaf: stream {cases[1]} version 1")
    assert any(line.startswith(f"tail-missing: stream {cases[8]}") for line in lines[1:])
