"""`check_ledger` split into position ranges: the stitched result equals one sequential pass, and key validity is
judged at each entry's own position (both backends)."""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ledger import canonical
from ledger import check as check_module
from ledger.check import Problem, check_ledger
from ledger.court.keys import SigningKey
from ledger.envelope import Entry, entry_bytes, entry_hash
from ledger.store import TOPIC_CASE, Recorded
from tests.conftest import LedgerFixture


def _codes(problems: list[Problem]) -> list[tuple[str, int, str]]:
    return [(p.stream, p.version, p.code) for p in problems]


def _interleaved(ledger: LedgerFixture, cases: int = 3, notes: int = 5) -> list[str]:
    officer = ledger.register("officer/3201-0007")
    ids = [str(uuid.uuid4()) for _ in range(cases)]
    for case in ids:
        ledger.lead(officer, case)
    for v in range(1, notes + 1):
        for case in ids:
            ledger.clock.advance(minutes=5)
            ledger.note(officer, case, v, f"第{v}次记录")
    return ids


def _rows(ledger: LedgerFixture) -> list[tuple[int, str, int]]:
    return [(p, s, v) for p, s, v, _ in ledger.store.log_range(0, ledger.store.position())]


@given(total=st.integers(0, 50_000), workers=st.integers(1, 8))
def test_ranges_cover_the_log_once_and_shrink_towards_the_end(total: int, workers: int) -> None:
    ranges = check_module._ranges(total, workers)
    starts, ends = [lo for lo, _ in ranges], [hi for _, hi in ranges]
    assert starts == [0, *ends[:-1]][: len(ranges)]  # contiguous, in order
    assert (ends[-1] if ranges else 0) == total
    sizes = [hi - lo for lo, hi in ranges]
    assert all(check_module.TAIL_RANGE <= n <= check_module.RANGE for n in sizes[:-1])
    assert sizes == sorted(sizes, reverse=True)[: len(sizes) - 1] + sizes[-1:]  # never grows, but for the remainder
    if total >= 8 * workers * check_module.RANGE:  # a long log ends in small tasks: no core waits long at the end
        assert max(sizes[-2 * workers :]) <= 2 * check_module.TAIL_RANGE


@pytest.mark.parametrize("workers", [1, 2])
@pytest.mark.parametrize("sizes", [(4, 4), (12, 2)], ids=["even", "guided"])
def test_small_ranges_give_the_same_report_as_one_pass(
    ledger: LedgerFixture, monkeypatch: pytest.MonkeyPatch, workers: int, sizes: tuple[int, int]
) -> None:
    cases = _interleaved(ledger)
    monkeypatch.setattr(check_module, "RANGE", sizes[0])
    monkeypatch.setattr(check_module, "TAIL_RANGE", sizes[1])
    report = check_ledger(ledger.store, workers=workers)
    assert report.ok, report.problems
    assert report.entries == len(_rows(ledger)) and report.streams >= len(cases)

    # Delete an entry whose successor starts the next range, and swap two entries that lie in different ranges:
    # every broken link must be found where a single pass would find it.
    rows = _rows(ledger)

    later = next((p, s, v) for p, s, v in rows if s == cases[1] and v == 4)
    earlier = next((p, s, v) for p, s, v in rows if s == cases[1] and v == 1)
    bounds = [hi for _, hi in check_module._ranges(len(rows), workers)]
    assert any(earlier[0] <= hi < later[0] for hi in bounds)  # in different ranges
    with ledger.store.db.write() as cur:
        cur.execute("DELETE FROM stored_events WHERE originator_id=? AND originator_version=?", (cases[0], 2))
        states = {
            v: bytes(cur.execute(
                "SELECT state FROM stored_events WHERE originator_id=? AND originator_version=?", (cases[1], v)
            ).fetchone()[0])
            for v in (1, 4)
        }
        for v, other in ((1, 4), (4, 1)):
            cur.execute(
                "UPDATE stored_events SET state=? WHERE originator_id=? AND originator_version=?", (states[other], cases[1], v)
            )
    split = check_ledger(ledger.store, workers=workers)
    monkeypatch.setattr(check_module, "RANGE", 1_000_000)
    whole = check_ledger(ledger.store, workers=1)
    assert _codes(split.problems) == _codes(whole.problems)
    found = set(_codes(split.problems))
    assert (cases[0], 3, "chain-gap") in found
    assert {(cases[1], 1, "entry-mismatch"), (cases[1], 4, "entry-mismatch")} <= found


def _forge(ledger: LedgerFixture, key: SigningKey, case: str, at: dt.datetime) -> int:
    """Append an act signed by ``key`` without the writer (as a bypassing insert would): a well-formed, correctly
    chained entry whose only defect is the key's state at that position."""
    version, head, _ = ledger.store.stream_state(case) or (0, bytes(32), None)
    envelope = ledger.act(key, case, version, "case.note", {"text": "补录"})
    entry = entry_bytes(
        Entry(
            act_digest=hashlib.sha256(envelope).digest(),
            case=case,
            prev=head,
            recorded_at=canonical.format_timestamp(at),
            version=version + 1,
        )
    )
    position = ledger.store.put(
        [Recorded(case, version + 1, TOPIC_CASE, entry, envelope)], expected_position=ledger.store.position(), nonces=[]
    )[0]
    with ledger.store.db.write() as cur:
        cur.execute("UPDATE zhifa_stream_state SET version=?, head=? WHERE stream=?", (version + 1, entry_hash(entry), case))
    return position


@pytest.mark.parametrize("workers", [1, 2])
def test_a_revoked_key_invalidates_only_what_follows_its_revocation(ledger: LedgerFixture, workers: int) -> None:
    officer = ledger.register("officer/3201-0009")
    case = str(uuid.uuid4())
    ledger.lead(officer, case)
    ledger.note(officer, case, 1)
    ledger.writer.append(
        ledger.act(ledger.authority, "person:officer/3201-0009", 1, "key.revoked", {"kid": officer.kid_hex, "reason": "调离"})
    )
    # Acts signed before the revocation stay valid: key state is judged at each act's position, not at the end.
    assert check_ledger(ledger.store, workers=workers).ok
    position = _forge(ledger, officer, case, ledger.clock())
    report = check_ledger(ledger.store, workers=workers)
    assert [(p.stream, p.version, p.code, p.position) for p in report.problems] == [(case, 3, "key-invalid", position)]
    assert "revoked" in report.problems[0].message


@pytest.mark.parametrize("workers", [1, 2])
def test_a_key_is_not_valid_before_its_valid_from(ledger: LedgerFixture, workers: int) -> None:
    start = ledger.clock() + dt.timedelta(days=1)
    officer = ledger.register("officer/3201-0010", valid_from=canonical.format_timestamp(start))
    case = str(uuid.uuid4())
    ledger.clock.advance(days=2)
    ledger.lead(officer, case)
    assert check_ledger(ledger.store, workers=workers).ok
    _forge(ledger, officer, case, start - dt.timedelta(hours=1))
    report = check_ledger(ledger.store, workers=workers)
    assert _codes(report.problems) == [(case, 2, "key-not-yet-valid")]


def test_an_unknown_key_is_reported(ledger: LedgerFixture) -> None:
    stranger = SigningKey.generate("officer/3201-0099")
    case = str(uuid.uuid4())
    officer = ledger.register("officer/3201-0011")
    ledger.lead(officer, case)
    _forge(ledger, stranger, case, ledger.clock())
    report = check_ledger(ledger.store, workers=1)
    assert _codes(report.problems) == [(case, 2, "key-invalid")]
    assert "unknown" in report.problems[0].message


def test_registry_replay_reads_the_registry_rows_alone(ledger: LedgerFixture) -> None:
    """The parent's registry replay goes through the partial index, not a scan of every case's rows."""
    from ledger.store import TOPIC_REGISTRY, _log_range_sql, position_column

    cases = _interleaved(ledger, cases=2, notes=2)
    rows = ledger.store.log_range(0, ledger.store.position(), registry=True)
    sql = _log_range_sql(ledger.store.kind, True, False, True)
    with ledger.store.db.read() as cur:
        column = position_column(ledger.store.kind)
        registry = cur.execute(f"SELECT {column} FROM stored_events WHERE topic = ? ORDER BY {column}", (TOPIC_REGISTRY,))
        assert rows and [r[0] for r in rows] == [int(r[0]) for r in registry.fetchall()]
        assert not {r[1] for r in rows} & set(cases)
        if ledger.store.kind == "sqlite":
            plan = " ".join(str(r) for r in cur.execute("EXPLAIN QUERY PLAN " + sql, (0, 10**9)).fetchall())
        else:  # this table is tiny: only with sequential scans off does the plan show what the index allows
            cur.execute("SET LOCAL enable_seqscan = off")
            plan = " ".join(str(r) for r in cur.execute("EXPLAIN " + sql, (0, 10**9)).fetchall())
    assert "registry_rows" in plan, plan
