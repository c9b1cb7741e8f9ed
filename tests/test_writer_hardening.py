"""The writer and the sealer under attack and fault (issue 12, items 5, 7, 10, 11 and "also found"), both backends.

A restored older database is refused before anything is written; oversized acts and non-UUID case ids are
refused with their code and nothing written; `act sign` refuses what `append` would; two sealers racing never
fail and never exit; a torn checkpoints.log is repaired, garbage refused; a second revocation and a note at
version 0 on an open case are refused with the right reason.
"""

from __future__ import annotations

import json
import threading
import uuid
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from domain.errors import DomainError
from ledger.act_form import MAX_ENVELOPE_BYTES, MAX_LIST_ITEMS, MAX_TEXT_CHARS, ActTooLarge, BadStreamId
from ledger.errors import VersionConflict
from ledger.published import CheckpointsDamaged, RolledBack, diagnose, read_published
from ledger.sealer import Sealer
from ledger.store import Store
from ledger.writer import Writer
from tests.conftest import LedgerFixture
from tests.test_cli_faults import Cli, lead, one_line

LEAD = {"source": "complaint", "channel": "12345", "summary": "某超市销售过期食品", "catalog_item": None}


def _tables(store: Store) -> list[str]:
    with store.db.read() as cur:
        if store.kind == "sqlite":
            rows = cur.execute("SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'").fetchall()
        else:
            rows = cur.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_schema=?", (store.config.schema,)
            ).fetchall()
    return sorted(str(r[0]) for r in rows)


def snapshot(store: Store) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table: what a backup holds."""
    out = {}
    with store.db.read() as cur:
        for table in _tables(store):
            out[table] = cur.raw.execute(f'SELECT * FROM "{store.config.schema}"."{table}"' if store.kind != "sqlite" else f'SELECT * FROM "{table}"').fetchall()
    return out


def restore(store: Store, backup: dict[str, list[tuple[Any, ...]]]) -> None:
    """Put the backup back, as an operator restoring an older copy would."""
    with store.db.write() as cur:
        for table, rows in backup.items():
            name = f'"{store.config.schema}"."{table}"' if store.kind != "sqlite" else f'"{table}"'
            cur.raw.execute(f"DELETE FROM {name}")
            if rows:
                marks = ",".join(["%s" if store.kind != "sqlite" else "?"] * len(rows[0]))
                cur.raw.executemany(f"INSERT INTO {name} VALUES ({marks})", rows)


def _count(store: Store) -> int:
    return store.position()


# -- item 5: a rolled-back database ---------------------------------------------------------------------------
def test_a_restored_older_database_is_refused_before_any_append(ledger: LedgerFixture, tmp_path: Path) -> None:
    officer = ledger.register("officer/rollback")
    checkpoints = tmp_path / "checkpoints.log"
    ledger.lead(officer)
    Sealer(ledger.store, ledger.log_key, checkpoints).seal_all()
    backup = snapshot(ledger.store)
    ledger.lead(officer)
    Sealer(ledger.store, ledger.log_key, checkpoints).seal_all()  # checkpoint 4 published
    restore(ledger.store, backup)  # the database is back at tree size 3
    before = _count(ledger.store)
    with pytest.raises(RolledBack) as info:
        Writer(ledger.store, clock=ledger.clock, checkpoints_file=checkpoints)
    assert info.value.code == "ledger-rolled-back" and "checkpoint 4 was published" in str(info.value)
    assert _count(ledger.store) == before
    # the writer without the file cannot know; with it, nothing is ever written on the older copy
    Writer(ledger.store, clock=ledger.clock)


def test_append_on_a_restored_database_exits_2_with_one_line(database_url: str, tmp_path: Path) -> None:
    env = {"ZHIFA_DATABASE_URL": database_url, "ZHIFA_VAR_DIR": str(tmp_path / "var"), "ZHIFA_ORIGIN": "faults.test/ledger"}
    cli = Cli(CliRunner(), env, tmp_path / "var").setup()
    assert cli.append(lead()).exit_code == 0
    store = Store(database_url)
    backup = snapshot(store)
    assert cli.append(lead()).exit_code == 0  # sealed and published at once (this host holds the log key)
    restore(store, backup)
    before = store.position()
    signed = cli.sign(lead()).stdout
    line = one_line(cli("append", "-", input=signed))
    assert line.startswith("ledger-rolled-back") and "was published" in line
    assert store.position() == before
    assert one_line(cli("seal")).startswith("ledger-rolled-back")
    store.close()


# -- item 7: size limits, case ids, act sign ------------------------------------------------------------------
def test_an_oversized_act_is_refused_with_its_code_and_nothing_written(ledger: LedgerFixture) -> None:
    officer = ledger.register("officer/size")
    before = _count(ledger.store)
    case = str(uuid.uuid4())
    cases = [
        {**LEAD, "summary": "大" * (MAX_TEXT_CHARS + 1)},  # one text field too long
        {**LEAD, "summary": "x" * (MAX_ENVELOPE_BYTES + 1)},  # the whole envelope too large
    ]
    for payload in cases:
        with pytest.raises(ActTooLarge) as info:
            ledger.writer.append(ledger.act(officer, case, 0, "lead.received", payload))
        assert info.value.code == "act-too-large" and info.value.status == 400
    note = ledger.act(officer, case, 0, "lead.received", {**LEAD, "officers": ["officer/size"] * (MAX_LIST_ITEMS + 1)})
    with pytest.raises(ActTooLarge) as info2:
        ledger.writer.append(note)
    assert "items" in info2.value.detail
    assert _count(ledger.store) == before
    # at the limit it is accepted (the limit is the limit, not below it)
    ledger.writer.append(ledger.act(officer, case, 0, "lead.received", {**LEAD, "summary": "大" * MAX_TEXT_CHARS}))
    assert _count(ledger.store) == before + 1


@pytest.mark.parametrize("case_id", ["a b", "", "case-1", "C0FFEE00-0000-4000-8000-000000000001", "{c0ffee00-0000-4000-8000-000000000001}"])
def test_a_case_id_that_is_not_a_uuid_is_refused(ledger: LedgerFixture, case_id: str) -> None:
    officer = ledger.register("officer/ids")
    before = _count(ledger.store)
    with pytest.raises(BadStreamId) as info:
        ledger.writer.append(ledger.act(officer, case_id, 0, "lead.received", LEAD))
    assert info.value.code == "bad-case-id" and info.value.status == 400 and repr(case_id) in info.value.detail
    assert _count(ledger.store) == before


def test_a_registry_stream_id_must_be_a_prefixed_id(ledger: LedgerFixture) -> None:
    before = _count(ledger.store)
    from ledger.court.keys import SigningKey

    key = SigningKey.generate("officer/x")
    for stream in ("person:", "person:a b", "people:officer/x"):
        with pytest.raises((BadStreamId, DomainError)):
            ledger.writer.append(ledger.act(ledger.authority, stream, 0, "key.registered",
                                            {"vkey": key.verifier.text, "role": "officer", "agency": None, "valid_from": None}))
    assert _count(ledger.store) == before


def test_act_sign_refuses_what_append_would_refuse_as_malformed(cli: Cli, tmp_path: Path) -> None:
    cli.setup()
    before = cli.positions()
    bad: list[tuple[Any, str]] = [
        (lead(case="a b"), "bad-case-id"),
        (lead(case=""), "bad-case-id"),
        (lead(summary="长" * (MAX_TEXT_CHARS + 1)), "act-too-large"),
        ({**lead(), "type": "no.such.act"}, "unknown-act-type"),
        ({**lead(), "payload": {"source": "complaint"}}, "malformed-act"),
        ({**lead(), "payload": [1, 2]}, "cannot sign"),
        ({**lead(), "case_version": "zero"}, "cannot sign"),
        ({**lead(), "case_version": -1}, "malformed-envelope"),
        ({**lead(), "nonce": "AAAA"}, "malformed-envelope"),
        ({**lead(), "nonce": "not base64!"}, "cannot sign"),
        ({**lead(), "extra": 1}, "cannot sign"),
        ({**lead(), "claimed_at": "yesterday"}, "malformed-envelope"),
        ([1, 2, 3], "cannot sign"),
        ("[" * 100_000, "cannot sign"),
    ]
    for act, expected in bad:
        path = tmp_path / "act.json"
        path.write_text(act if isinstance(act, str) else json.dumps(act, ensure_ascii=False))
        res = cli("act", "sign", "--key", str(cli.key), str(path))
        assert res.stdout == ""
        line = one_line(res)
        assert expected in line, (act if not isinstance(act, str) else act[:20], line)
    (tmp_path / "huge.json").write_text(json.dumps(lead(summary="x" * (MAX_ENVELOPE_BYTES + 10))))
    assert "at most" in one_line(cli("act", "sign", "--key", str(cli.key), str(tmp_path / "huge.json")))
    assert cli.positions() == before


def test_act_sign_takes_the_origin_from_the_ledger(database_url: str, tmp_path: Path) -> None:
    env = {"ZHIFA_DATABASE_URL": database_url, "ZHIFA_VAR_DIR": str(tmp_path / "var")}  # no ZHIFA_ORIGIN
    cli = Cli(CliRunner(), env, tmp_path / "var")
    assert cli("init", "--origin", "own.example/ledger").exit_code == 0
    vkey = cli("keys", "new", "officer/3201-0007").stdout.strip()
    assert cli("keys", "register", vkey, "--role", "officer", "--agency", "agency/test").exit_code == 0
    res = cli.append(lead())
    assert res.exit_code == 0, res.output


@pytest.fixture
def cli(database_url: str, tmp_path: Path) -> Cli:
    env = {"ZHIFA_DATABASE_URL": database_url, "ZHIFA_VAR_DIR": str(tmp_path / "var"), "ZHIFA_ORIGIN": "faults.test/ledger"}
    return Cli(CliRunner(), env, tmp_path / "var")


# -- item 10: sealing races ------------------------------------------------------------------------------------
@pytest.mark.parametrize("hosts", ["one host", "two hosts"])
def test_two_sealers_racing_never_fail_and_agree(database_url: str, tmp_path: Path, hosts: str) -> None:
    """On one host sealers take turns (a file lock); on two hosts (no shared file) the loser of the guarded
    tracking update yields quietly. Either way no sealer fails, and the tree is the log's."""
    from tests.conftest import make_ledger

    fx = make_ledger(database_url)
    officer = fx.register("officer/race")
    checkpoints = tmp_path / "checkpoints.log"
    stores = [Store(database_url) for _ in range(2)]
    files = [checkpoints, checkpoints] if hosts == "one host" else [None, None]
    sealers = [Sealer(s, fx.log_key, f) for s, f in zip(stores, files, strict=True)]
    lost = [0]
    if hosts == "two hosts":
        import ledger.sealer as sealer_module

        original = sealer_module.Sealer._seal_batch

        def counting(self: Sealer) -> int:
            try:
                return original(self)
            except sealer_module._LostRace:
                lost[0] += 1
                raise

        sealer_module.Sealer._seal_batch = counting  # type: ignore[method-assign]
    errors: list[BaseException] = []
    stop = threading.Event()

    def seal(sealer: Sealer) -> None:
        try:
            while not stop.is_set():
                sealer.seal_once()
        except BaseException as exc:  # pragma: no cover - the failure this test looks for
            errors.append(exc)

    threads = [threading.Thread(target=seal, args=(s,)) for s in sealers]
    for t in threads:
        t.start()
    for _ in range(60):
        fx.lead(officer)
    stop.set()
    for t in threads:
        t.join()
    if hosts == "two hosts":
        sealer_module.Sealer._seal_batch = original  # type: ignore[method-assign]
    assert not errors, errors
    print(f"lost races: {lost[0]}")
    final = Sealer(fx.store, fx.log_key, checkpoints)  # refuses if the file and the database disagree
    final.seal_all()
    from ledger.ledger import entries

    assert final.tree.size() == len(list(entries(fx.store))) == 62
    pub = read_published(checkpoints, fx.log_key.verifier)
    sizes = [cp.size for cp, _ in pub.checkpoints]
    assert pub.damage is None and sizes == sorted(sizes) and (hosts == "two hosts" or sizes[-1] == 62)
    from ledger.check import check_log

    assert check_log(fx.store, checkpoints_file=checkpoints).ok
    for s in stores:
        s.close()
    fx.store.close()


def test_seal_follow_survives_appends_that_seal_beside_it(database_url: str, tmp_path: Path) -> None:
    """`append` seals at once on the log's host; `seal --follow` runs beside it: neither reports a lost race."""
    import os
    import signal
    import subprocess
    import sys
    import time

    env = {"ZHIFA_DATABASE_URL": database_url, "ZHIFA_VAR_DIR": str(tmp_path / "var"), "ZHIFA_ORIGIN": "faults.test/ledger"}
    cli = Cli(CliRunner(), env, tmp_path / "var").setup()
    root = Path(__file__).resolve().parents[1]
    follower = subprocess.Popen(
        [sys.executable, "-m", "zhifa.cli", "seal", "--follow", "--interval", "0.001"],
        env={**os.environ, **env, "PYTHONPATH": str(root)}, cwd=root, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        time.sleep(0.5)
        for _ in range(25):
            res = cli.append(lead())
            assert res.exit_code == 0 and res.stderr == "", res.output
        assert follower.poll() is None, follower.communicate()
    finally:
        follower.send_signal(signal.SIGTERM)
        _, err = follower.communicate()
    assert "Traceback" not in err and "refused" not in err, err
    assert cli("check", "--full").exit_code == 0


# -- item 11: a damaged checkpoints.log --------------------------------------------------------------------------
def _sealed(ledger: LedgerFixture, path: Path, rounds: int = 3) -> None:
    officer = ledger.register("officer/cp")
    for _ in range(rounds):
        ledger.lead(officer)
        Sealer(ledger.store, ledger.log_key, path).seal_all()


def test_a_torn_last_block_is_repaired_from_the_database(ledger: LedgerFixture, tmp_path: Path) -> None:
    path = tmp_path / "checkpoints.log"
    _sealed(ledger, path)
    intact = path.read_bytes()
    path.write_bytes(intact[:-40])  # the crash cut the last write short
    assert diagnose(ledger.store, path).state == "torn"
    Writer(ledger.store, clock=ledger.clock, checkpoints_file=path)  # an append is not wedged
    Sealer(ledger.store, ledger.log_key, path)  # the sealer repairs it on start
    assert path.read_bytes() == intact
    assert diagnose(ledger.store, path).state == "ok"


def test_a_long_checkpoints_file_is_read_from_its_end_and_a_torn_tail_still_repaired(ledger: LedgerFixture, tmp_path: Path) -> None:
    """Writer and sealer read only the last blocks (an append costs the same at the millionth checkpoint)."""
    from ledger.published import TAIL_WINDOW

    path = tmp_path / "checkpoints.log"
    officer = ledger.register("officer/long")
    sealer = Sealer(ledger.store, ledger.log_key, path)
    while not path.exists() or path.stat().st_size < TAIL_WINDOW + 2_000:
        ledger.lead(officer)
        sealer.seal_once()
    intact = path.read_bytes()
    path.write_bytes(intact[:-30])
    Writer(ledger.store, clock=ledger.clock, checkpoints_file=path)
    Sealer(ledger.store, ledger.log_key, path)
    assert path.read_bytes() == intact
    path.write_bytes(intact + b"junk")
    with pytest.raises(CheckpointsDamaged):
        Writer(ledger.store, clock=ledger.clock, checkpoints_file=path)
    assert diagnose(ledger.store, path).state == "damaged"


@pytest.mark.parametrize(
    "damage",
    [
        lambda b: b + b"garbage that no checkpoint begins with",
        lambda b: b"\x00\xff" + b,
        lambda b: b.replace(b"\n\n\n", b"\nforged line\n\n\n", 1),
        lambda b: b + b.split(b"\n\n\n")[0] + b"\n\n\n",  # an older checkpoint again: sizes go backwards
    ],
    ids=["garbage-tail", "garbage-head", "edited-block", "size-backwards"],
)
def test_other_damage_is_refused_and_explained(ledger: LedgerFixture, tmp_path: Path, damage: Any) -> None:
    path = tmp_path / "checkpoints.log"
    _sealed(ledger, path)
    path.write_bytes(damage(path.read_bytes()))
    before_file, before = path.read_bytes(), _count(ledger.store)
    assert diagnose(ledger.store, path).state == "damaged"
    with pytest.raises(CheckpointsDamaged) as info:
        Writer(ledger.store, clock=ledger.clock, checkpoints_file=path)
    assert "repair-checkpoints" in str(info.value) and "byte" in str(info.value)
    with pytest.raises(CheckpointsDamaged):
        Sealer(ledger.store, ledger.log_key, path)
    assert path.read_bytes() == before_file and _count(ledger.store) == before


def test_repair_checkpoints_command(cli: Cli) -> None:
    cli.setup()
    for _ in range(2):
        assert cli.append(lead()).exit_code == 0
    path = cli.var / "checkpoints.log"
    intact = path.read_bytes()
    path.write_bytes(intact[:-25])
    dry = cli("log", "repair-checkpoints", "--dry-run")
    assert dry.exit_code == 0 and "torn last block" in dry.stdout and "dry run" in dry.stdout
    assert path.read_bytes() == intact[:-25]
    res = cli("log", "repair-checkpoints")
    assert res.exit_code == 0 and "intact" in res.stdout, res.output
    assert path.read_bytes() == intact
    path.write_bytes(intact + b"not a checkpoint")
    line = one_line(cli("log", "repair-checkpoints", "--dry-run"))
    assert line.startswith("checkpoints-damaged") and "not repaired automatically" in line
    assert one_line(cli("log", "repair-checkpoints")).startswith("checkpoints-damaged")
    assert path.read_bytes() == intact + b"not a checkpoint"


# -- also found ----------------------------------------------------------------------------------------------
def test_revoking_a_revoked_key_is_refused(ledger: LedgerFixture) -> None:
    officer = ledger.register("officer/revoke")
    stream = "person:officer/revoke"
    version = ledger.store.stream_state(stream)
    assert version is not None
    ledger.writer.append(ledger.act(ledger.authority, stream, version[0], "key.revoked", {"kid": officer.kid_hex, "reason": "调离"}))
    before = _count(ledger.store)
    with pytest.raises(DomainError) as info:
        ledger.writer.append(ledger.act(ledger.authority, stream, version[0] + 1, "key.revoked", {"kid": officer.kid_hex, "reason": "again"}))
    assert info.value.code == "key-already-revoked" and info.value.status == 409
    assert _count(ledger.store) == before


def test_a_note_at_version_0_on_an_open_case_is_a_version_conflict(ledger: LedgerFixture) -> None:
    officer = ledger.register("officer/v0")
    case = str(uuid.uuid4())
    ledger.lead(officer, case)
    before = _count(ledger.store)
    fresh = Writer(ledger.store, clock=ledger.clock)  # a writer that has not seen the case (no cached head)
    with pytest.raises(VersionConflict) as info:
        fresh.append(ledger.act(officer, case, 0, "case.note", {"text": "x"}))
    assert info.value.code == "version-conflict" and "at version 1" in info.value.detail
    with pytest.raises(VersionConflict):
        ledger.writer.append(ledger.act(officer, case, 0, "case.note", {"text": "x"}))
    assert _count(ledger.store) == before


def test_append_of_an_oversized_or_badly_named_act_exits_2_with_one_line(cli: Cli) -> None:
    """Signed elsewhere (not by `act sign`, which would refuse it): `append` refuses with the code, nothing written."""
    from ledger.court.keys import read_private_key
    from ledger.ledger import sign

    cli.setup()
    key = read_private_key(cli.key)
    before = cli.positions()
    for case, summary, code in [
        (str(uuid.uuid4()), "x" * (MAX_ENVELOPE_BYTES + 1), "act-too-large"),
        (str(uuid.uuid4()), "长" * (MAX_TEXT_CHARS + 1), "act-too-large"),
        ("a b", "s", "bad-case-id"),
        ("", "s", "bad-case-id"),
    ]:
        envelope = sign(key, log="faults.test/ledger", case=case, case_version=0, type="lead.received", actor=key.name,
                        payload={**LEAD, "summary": summary})
        res = cli("append", "-", input=envelope.decode())
        assert res.stdout == "" and one_line(res).startswith(code)
    assert cli.positions() == before


# -- the registry snapshot (also found: each CLI append replayed the whole log) -----------------------------------
def _registry_with_people(ledger: LedgerFixture, n: int) -> None:
    for i in range(n):
        ledger.register(f"officer/snap-{i}")


def test_a_writer_starts_from_an_authenticated_registry_snapshot(ledger: LedgerFixture) -> None:
    from ledger import registry_snapshot

    key = registry_snapshot.snapshot_key(ledger.log_key)
    _registry_with_people(ledger, 5)
    replayed = Writer(ledger.store, clock=ledger.clock).registry
    Writer(ledger.store, clock=ledger.clock, snapshot_key=key)  # writes the first snapshot
    snap = registry_snapshot.load(ledger.store, key, ledger.writer.origin)
    assert snap is not None and snap.registry == replayed
    _registry_with_people(ledger, 2)  # registry acts after the snapshot are replayed on top of it
    started = Writer(ledger.store, clock=ledger.clock, snapshot_key=key)
    assert started.registry == Writer(ledger.store, clock=ledger.clock).registry
    officer = ledger.keys["officer/snap-1"]  # its second key, registered after the snapshot
    started.append(ledger.act(officer, str(uuid.uuid4()), 0, "lead.received", LEAD))


def test_a_forged_or_stale_registry_snapshot_is_discarded(ledger: LedgerFixture) -> None:
    """An edited snapshot row (the attack of item 3 on this cache) is not believed: the writer replays instead."""
    import dataclasses

    from ledger import registry_snapshot
    from ledger.court.keys import SigningKey

    key = registry_snapshot.snapshot_key(ledger.log_key)
    _registry_with_people(ledger, 3)
    Writer(ledger.store, clock=ledger.clock, snapshot_key=key)
    snap = registry_snapshot.load(ledger.store, key, ledger.writer.origin)
    assert snap is not None
    # forge: a registry that knows an intruder's key, stored under a MAC made with another log's key
    intruder = SigningKey.generate("officer/intruder")
    forged = dataclasses.replace(snap.registry, keys={**snap.registry.keys, intruder.kid_hex: dataclasses.replace(
        next(iter(snap.registry.keys.values())), kid=intruder.kid_hex, vkey=intruder.verifier.text, person="officer/intruder")})
    other = registry_snapshot.snapshot_key(SigningKey.generate("zhifa.test/ledger"))
    registry_snapshot.save(ledger.store, other, registry_snapshot.Snapshot(snap.position, snap.entry_hash, forged))
    assert registry_snapshot.load(ledger.store, key, ledger.writer.origin) is None
    writer = Writer(ledger.store, clock=ledger.clock, snapshot_key=key)
    assert writer.registry.key(intruder.kid_hex) is None
    # a snapshot bound to an entry the log no longer holds (rewritten or restored log) is discarded too
    registry_snapshot.save(ledger.store, key, registry_snapshot.Snapshot(snap.position, bytes(32), forged))
    assert registry_snapshot.load(ledger.store, key, ledger.writer.origin) is None
    assert Writer(ledger.store, clock=ledger.clock, snapshot_key=key).registry.key(intruder.kid_hex) is None
    # edited body bytes under the right key's MAC position: the MAC no longer verifies
    registry_snapshot.save(ledger.store, key, snap)
    with ledger.store.db.write() as cur:
        cur.execute("UPDATE zhifa_registry_snapshot SET body=? WHERE name='registry'", (b"\x80\x05N.",))
    assert registry_snapshot.load(ledger.store, key, ledger.writer.origin) is None
