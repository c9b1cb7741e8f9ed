"""Tampering with stored entries is found by `zhifa check`, which names the case and version (both backends)."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable

import msgspec
import pytest
from click.testing import CliRunner

from ledger import canonical
from ledger.check import check_ledger
from ledger.envelope import SignedAct
from ledger.store import frame, unframe
from tests.conftest import LedgerFixture
from zhifa.cli import main


def _build(ledger: LedgerFixture) -> str:
    officer = ledger.register("officer/3201-0007")
    case = str(uuid.uuid4())
    ledger.lead(officer, case)
    for v in range(1, 5):
        ledger.clock.advance(hours=1)
        ledger.note(officer, case, v, f"第{v}次记录")
    assert check_ledger(ledger.store, workers=1).ok
    return case


def _state(ledger: LedgerFixture, case: str, version: int) -> bytes:
    with ledger.store.db.read() as cur:
        row = cur.execute(
            "SELECT state FROM stored_events WHERE originator_id=? AND originator_version=?", (case, version)
        ).fetchone()
    assert row is not None
    return bytes(row[0])


def _set_state(ledger: LedgerFixture, case: str, version: int, state: bytes) -> None:
    with ledger.store.db.write() as cur:
        cur.execute(
            "UPDATE stored_events SET state=? WHERE originator_id=? AND originator_version=?", (state, case, version)
        )


def _first_problem(ledger: LedgerFixture) -> tuple[str, int, str]:
    report = check_ledger(ledger.store, workers=1)
    assert not report.ok
    p = report.problems[0]
    return p.stream, p.version, p.code


def test_every_byte_of_an_entry_is_protected(ledger: LedgerFixture) -> None:
    case = _build(ledger)
    original = _state(ledger, case, 3)
    entry, envelope = unframe(original)
    # Flip one bit at a spread of positions across the entry and the envelope (every byte of the entry).
    positions = [("entry", i) for i in range(len(entry))] + [("envelope", i) for i in range(0, len(envelope), 11)]
    for part, i in positions:
        data = bytearray(entry if part == "entry" else envelope)
        data[i] ^= 0x01
        tampered = frame(bytes(data), envelope) if part == "entry" else frame(entry, bytes(data))
        _set_state(ledger, case, 3, tampered)
        stream, version, code = _first_problem(ledger)
        assert (stream, version) == (case, 3) or (stream, version) == (case, 4), (part, i, code)
    _set_state(ledger, case, 3, original)
    assert check_ledger(ledger.store, workers=1).ok


def test_changed_last_entry_is_found(ledger: LedgerFixture) -> None:
    case = _build(ledger)
    entry, envelope = unframe(_state(ledger, case, 5))
    changed = re.sub(rb'("recorded_at":"\d{4}-\d\d-\d\dT)0', rb"\g<1>1", entry)  # ten hours later
    assert changed != entry
    _set_state(ledger, case, 5, frame(changed, envelope))
    report = check_ledger(ledger.store, workers=1)
    assert [(p.stream, p.version, p.code) for p in report.problems] == [(case, 5, "head-changed")]


def test_deleted_middle_entry_is_found(ledger: LedgerFixture) -> None:
    case = _build(ledger)
    with ledger.store.db.write() as cur:
        cur.execute("DELETE FROM stored_events WHERE originator_id=? AND originator_version=?", (case, 3))
    assert _first_problem(ledger) == (case, 4, "chain-gap")


def test_deleted_tail_is_found(ledger: LedgerFixture) -> None:
    case = _build(ledger)
    with ledger.store.db.write() as cur:
        cur.execute("DELETE FROM stored_events WHERE originator_id=? AND originator_version=?", (case, 5))
    stream, version, code = _first_problem(ledger)
    assert (stream, version, code) == (case, 5, "tail-missing")


def test_stream_without_a_recorded_head_is_found(ledger: LedgerFixture) -> None:
    """Entries whose stream has no head in the stream-state table (inserted around the writer, or the row deleted)."""
    case = _build(ledger)
    assert check_ledger(ledger.store, workers=1).ok
    with ledger.store.db.write() as cur:
        cur.execute("DELETE FROM zhifa_stream_state WHERE stream=?", (case,))
    report = check_ledger(ledger.store, workers=1)
    assert [(p.stream, p.version, p.code) for p in report.problems] == [(case, 5, "head-missing")]


def test_reordered_entries_are_found(ledger: LedgerFixture) -> None:
    case = _build(ledger)
    two, three = _state(ledger, case, 2), _state(ledger, case, 3)
    _set_state(ledger, case, 2, three)
    _set_state(ledger, case, 3, two)
    stream, version, _ = _first_problem(ledger)
    assert (stream, version) == (case, 2)


def test_swapped_signature_is_found(ledger: LedgerFixture) -> None:
    case = _build(ledger)
    entry2, env2 = unframe(_state(ledger, case, 2))
    _, env4 = unframe(_state(ledger, case, 4))
    s2, s4 = msgspec.json.decode(env2, type=SignedAct), msgspec.json.decode(env4, type=SignedAct)
    swapped = canonical.encode(SignedAct(act=s2.act, kid=s2.kid, sig=s4.sig))
    _set_state(ledger, case, 2, frame(entry2, swapped))
    report = check_ledger(ledger.store, workers=2)
    codes = {(p.stream, p.version, p.code) for p in report.problems}
    assert (case, 2, "bad-signature") in codes and (case, 2, "act-digest") in codes


@pytest.mark.parametrize("mutation", ["byte", "delete", "reorder"])
def test_cli_check_names_the_case_and_version(
    ledger: LedgerFixture, database_url: str, tmp_path: object, mutation: str
) -> None:
    case = _build(ledger)
    runner = CliRunner()
    env = {"ZHIFA_DATABASE_URL": database_url, "ZHIFA_VAR_DIR": str(tmp_path)}
    ok = runner.invoke(main, ["check"], env=env)
    assert ok.exit_code == 0, ok.output
    actions: dict[str, Callable[[], None]] = {
        "byte": lambda: _set_state(ledger, case, 2, _state(ledger, case, 2).replace(b"recorded_at", b"recorded_AT")),
        "delete": lambda: _set_state(ledger, case, 2, _state(ledger, case, 3)),
        "reorder": lambda: (_set_state(ledger, case, 4, _state(ledger, case, 5))),
    }
    actions[mutation]()
    bad = runner.invoke(main, ["check"], env=env)
    assert bad.exit_code == 1
    assert f"stream {case} version" in bad.output
