"""Root of trust (issue 12 item 4): only the log key itself admits the personnel authority; no key takes the log's name."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from click.testing import CliRunner

from domain.acts import ActRecord
from domain.errors import NotAuthorised
from domain.registry import KeyRecord, LogNameReserved
from domain.registry_acts import apply_registry
from ledger.court import verify as court
from ledger.court.keys import SigningKey
from ledger.errors import ActorMismatch
from tests.conftest import ORIGIN, LedgerFixture
from zhifa.cli import main


def _log_length(ledger: LedgerFixture) -> int:
    return ledger.store.position()


def test_the_authority_cannot_register_a_key_named_by_the_log(ledger: LedgerFixture) -> None:
    impostor = SigningKey.generate(ORIGIN)
    before = _log_length(ledger)
    with pytest.raises(LogNameReserved) as info:
        ledger.writer.append(
            ledger.act(
                ledger.authority,
                f"person:{ORIGIN}",
                0,
                "key.registered",
                {"vkey": impostor.verifier.text, "role": "officer", "agency": None, "valid_from": None},
            )
        )
    assert info.value.code == "log-name-reserved" and info.value.status == 403 and ORIGIN in str(info.value)
    assert _log_length(ledger) == before
    assert ledger.store.stream_state(f"person:{ORIGIN}") is None


def test_only_the_log_key_admits_an_authority(ledger: LedgerFixture) -> None:
    """The authority (or any key but the log's) signing authority.admitted is refused; the log key's own is accepted."""
    second = SigningKey.generate("authority/second")
    payload = {"vkey": second.verifier.text, "name": "第二人事机构", "agency": None}
    before = _log_length(ledger)
    with pytest.raises(NotAuthorised) as info:
        ledger.writer.append(ledger.act(ledger.authority, "person:authority/second", 0, "authority.admitted", payload))
    assert info.value.code == "not-authorised" and info.value.status == 403
    with pytest.raises(ActorMismatch):  # signing in the log's name with another key
        ledger.writer.append(ledger.act(ledger.authority, "person:authority/second", 0, "authority.admitted", payload, actor=ORIGIN))
    assert _log_length(ledger) == before
    assert ledger.store.stream_state("person:authority/second") is None
    receipt = ledger.writer.append(ledger.act(ledger.log_key, "person:authority/second", 0, "authority.admitted", payload))
    assert receipt.version == 1


def test_a_key_holding_the_logs_name_but_not_the_log_key_cannot_admit(ledger: LedgerFixture) -> None:
    """Even if a key under the log's name were in the registry (an old database), it does not admit authorities."""
    registry = ledger.writer.registry
    impostor = SigningKey.generate(ORIGIN)
    forged = registry._with_key(KeyRecord(impostor.kid_hex, impostor.verifier.text, ORIGIN, "officer", None, None, 1))
    second = SigningKey.generate("authority/second")
    now = dt.datetime(2026, 3, 2, tzinfo=dt.UTC)
    record = ActRecord(
        type="authority.admitted",
        stream="person:authority/second",
        version=1,
        actor=ORIGIN,
        kid=impostor.kid_hex,
        payload={"vkey": second.verifier.text, "name": "第二人事机构", "agency": None},
        recorded_at=now,
        claimed_at=now,
    )
    with pytest.raises(NotAuthorised) as info:
        apply_registry(forged, record)
    assert info.value.code == "not-authorised"
    genuine = ActRecord(**{**{f: getattr(record, f) for f in record.__struct_fields__}, "kid": ledger.log_key.kid_hex})
    assert "authority/second" in apply_registry(forged, genuine).authorities


def test_the_court_verifier_holds_the_same_root_of_trust() -> None:
    log_key = SigningKey.generate(ORIGIN)
    registry = court._Registry.genesis(ORIGIN, log_key.verifier)
    impostor = SigningKey.generate(ORIGIN)
    registry.keys[impostor.kid_hex] = court._Key(impostor.verifier, ORIGIN, "officer", None, 3)
    second = SigningKey.generate("authority/second")
    admitted = court.Act(ORIGIN, "person:authority/second", 0, ORIGIN, "authority.admitted", {"vkey": second.verifier.text})
    with pytest.raises(court.RegistryError, match="only the log key itself"):
        court.apply_registry_act(registry, "authority/second", admitted, 5, impostor.kid_hex)
    registered = court.Act("authority/hr", f"person:{ORIGIN}", 0, ORIGIN, "key.registered", {"vkey": impostor.verifier.text, "role": "officer"})
    registry.authorities["authority/hr"] = 1
    with pytest.raises(court.RegistryError, match="log's name"):
        court.apply_registry_act(registry, ORIGIN, registered, 6, "00000000")
    court.apply_registry_act(registry, "authority/second", admitted, 7, log_key.kid_hex)
    assert "authority/second" in registry.authorities


def test_cli_refuses_a_key_named_by_the_log_in_one_line(database_url: str, tmp_path: Path) -> None:
    env = {"ZHIFA_DATABASE_URL": database_url, "ZHIFA_VAR_DIR": str(tmp_path / "var"), "ZHIFA_ORIGIN": "cli.test/ledger"}
    runner = CliRunner()
    assert runner.invoke(main, ["init"], env=env).exit_code == 0
    impostor = SigningKey.generate("cli.test/ledger")
    before = runner.invoke(main, ["log", "entries"], env=env).stdout
    res = runner.invoke(main, ["keys", "register", impostor.verifier.text, "--role", "officer"], env=env)
    assert res.exit_code == 1, res.output
    lines = [line for line in res.output.splitlines() if line.strip()]
    assert len(lines) == 1 and "log-name-reserved" in lines[0] and "cli.test/ledger" in lines[0]
    assert runner.invoke(main, ["log", "entries"], env=env).stdout == before
