"""A forged case-state cache does not bypass the rules (issue 12 item 3), on both backends.

The writer caches each case's state in ``zhifa_stream_state.state`` beside the head it was computed at. Whoever
can edit the tables could remove an archive date there and re-archive the case under a new date (the rules allow
archiving a closed case). The writer now believes a cache only under a seal made with a key the database does not
hold (derived from the log key); otherwise it recomputes the state from the log. ``zhifa check --full``
recomputes every case's state and names a cache that differs.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import msgspec
import pytest
from click.testing import CliRunner
from rich.console import Console

from domain.case import apply_case
from domain.case.common import CaseAlreadyOpen
from domain.case_state import CaseState
from domain.refusals import CaseFinished
from ledger.check import check_case_states
from ledger.court.keys import read_private_key
from ledger.envelope import open_envelope
from ledger.ledger import make_act, sign_act
from ledger.store import Store
from ledger.writer import Writer, act_record, state_cache_key
from zhifa.cli import main
from zhifa.console import key_file_name
from zhifa.demo import seed
from zhifa.scenarios import OFFICER_1
from zhifa.settings import Settings

ORIGIN = "demo.test/ledger"


@pytest.fixture
def archived(database_url: str, tmp_path: Path) -> Any:
    settings = Settings(var_dir=tmp_path, database_url=database_url, max_skew_seconds=300, origin=ORIGIN)
    store = Store(database_url)
    with open("/dev/null", "w") as null:
        seeded = seed(store, settings, Console(file=null))
    case = next(c for c, name in seeded.cases.items() if name == "archived")
    yield store, tmp_path, case, database_url
    store.close()


def _row(store: Store, case: str) -> tuple[int, bytes, bytes | None, bytes | None]:
    return store.cached_states([case])[case]


def _forge(store: Store, case: str, **changes: Any) -> None:
    """Edit the cached state directly, as someone with the database would (the seal is left as it was)."""
    state = json.loads(_row(store, case)[2] or b"null")
    state.update(changes)
    with store.db.write() as cur:
        cur.execute("UPDATE zhifa_stream_state SET state=? WHERE stream=?", (json.dumps(state).encode(), case))


def _rearchive(tmp: Path, case: str, version: int) -> bytes:
    key = read_private_key(tmp / "keys" / key_file_name(OFFICER_1))
    act = make_act(log=ORIGIN, actor=OFFICER_1, claimed_at=dt.datetime.now(dt.UTC), case=case, case_version=version,
                   type="case.archived", payload={"file_sha256": "ab" * 32, "pages": 1})
    return sign_act(act, key)


def test_a_forged_archive_date_does_not_let_the_case_be_archived_again(archived: Any) -> None:
    store, tmp, case, _url = archived
    version = _row(store, case)[0]
    _forge(store, case, archived_at=None)
    forged = msgspec.json.decode(_row(store, case)[2] or b"", type=CaseState)
    envelope = _rearchive(tmp, case, version)
    writer_key = state_cache_key(read_private_key(tmp / "keys" / "log.key"))
    # The attack is real: the forged state, if believed, lets the rules accept the act.
    probe = Writer(store, cache_key=writer_key)
    record = act_record(open_envelope(envelope), version + 1, dt.datetime.now(dt.UTC))
    assert apply_case(forged, record, probe.registry).archived_at is not None
    before = (store.position(), _row(store, case))
    for cache_key in (writer_key, None):  # on the log's host (seal checked) and without the key (always recomputed)
        writer = Writer(store, cache_key=cache_key)
        with pytest.raises(CaseFinished) as info:
            writer.append(envelope)
        assert info.value.code == "case-finished" and info.value.cited_article.endswith("第四十七条")
        assert writer.recomputed == 1
        assert (store.position(), _row(store, case)) == before  # nothing written, the forged row left for check
    problems = [(p.code, p.stream, p.version) for p in check_case_states(store).problems]
    assert problems == [("state-cache", case, version)]


def test_a_cache_emptied_so_the_case_looks_unopened_is_recomputed(archived: Any) -> None:
    store, tmp, case, _url = archived
    version = _row(store, case)[0]
    with store.db.write() as cur:
        cur.execute("UPDATE zhifa_stream_state SET state=NULL WHERE stream=?", (case,))
    key = read_private_key(tmp / "keys" / key_file_name(OFFICER_1))
    lead = sign_act(make_act(log=ORIGIN, actor=OFFICER_1, claimed_at=dt.datetime.now(dt.UTC), case=case, case_version=version,
                             type="lead.received", payload={"source": "complaint", "channel": "12345", "summary": "重新立案", "catalog_item": None}), key)
    writer = Writer(store, cache_key=state_cache_key(read_private_key(tmp / "keys" / "log.key")))
    before = store.position()
    with pytest.raises(CaseAlreadyOpen):
        writer.append(lead)
    assert store.position() == before
    assert [(p.code, p.stream, p.version) for p in check_case_states(store).problems] == [("state-cache", case, version)]


def test_a_sealed_cache_is_believed_without_replay(archived: Any) -> None:
    """The writer on the log's host reads a verified cache, as before: no replay on the append path."""
    store, tmp, case, _url = archived
    version = _row(store, case)[0]
    key = read_private_key(tmp / "keys" / key_file_name(OFFICER_1))
    note = sign_act(make_act(log=ORIGIN, actor=OFFICER_1, claimed_at=dt.datetime.now(dt.UTC), case=case, case_version=version,
                             type="case.note", payload={"text": "归档后附注"}), key)
    writer = Writer(store, cache_key=state_cache_key(read_private_key(tmp / "keys" / "log.key")))
    assert writer.append(note).version == version + 1
    assert writer.recomputed == 0
    assert check_case_states(store).ok


def test_cli_append_refuses_in_one_line_and_check_full_names_the_case(archived: Any) -> None:
    store, tmp, case, url = archived
    version = _row(store, case)[0]
    _forge(store, case, archived_at=None)
    env = {"ZHIFA_VAR_DIR": str(tmp), "ZHIFA_ORIGIN": ORIGIN, "ZHIFA_DATABASE_URL": url}
    runner = CliRunner()
    before = store.position()
    res = runner.invoke(main, ["append", "-"], input=_rearchive(tmp, case, version).decode(), env=env)
    assert res.exit_code == 1, res.output
    lines = [line for line in res.output.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("case-finished") and "第四十七条" in lines[0]
    assert store.position() == before
    res = runner.invoke(main, ["check", "--full", "--workers", "1"], env=env)
    assert res.exit_code == 1
    first = [line for line in res.stderr.splitlines() if line.startswith("state-cache")]
    assert first and f"stream {case} version {version}" in first[0]
    assert f"first bad entry: stream {case} version {version}" in res.output

