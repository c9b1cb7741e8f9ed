"""Faults of the machine and its configuration end in one line on stderr and exit 2, never a traceback (issue 12, 8).

Read-only database, disk full, malformed zhifa.toml, unreachable PostgreSQL, ZHIFA_VAR_DIR a file or missing, a
damaged checkpoints.log, a changed log key in the meta table, a key path that is a directory, an unknown URL
scheme, a key file others may read; and reading commands never create a database.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from ledger.store import Store, ledger_exists, parse_database_url
from zhifa.cli import main

Env = dict[str, str]
OFFICER = "officer/3201-0007"


def one_line(res: Result, code: int = 2) -> str:
    """The refusal as a person sees it: the exit code, exactly one line on stderr, no traceback anywhere."""
    out = res.stdout + res.stderr
    assert "Traceback" not in out, out
    assert res.exit_code == code, (res.exit_code, out, res.exception)
    lines = [line for line in res.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, res.stderr
    return lines[0]


def lead(case: str | None = None, summary: str = "某超市销售过期食品") -> dict[str, object]:
    return {"case": str(uuid.uuid4()) if case is None else case, "case_version": 0, "type": "lead.received",
            "payload": {"source": "complaint", "channel": "12345", "summary": summary, "catalog_item": None}}


class Cli:
    """A ledger driven through the CLI only: init, one registered officer, helpers to sign and append."""

    def __init__(self, runner: CliRunner, env: Env, var: Path, scratch: Path | None = None) -> None:
        self.runner, self.env, self.var = runner, env, var
        self.scratch = scratch or var.parent  # where act files are written (off a full or read-only disk)

    def __call__(self, *args: str, input: str | None = None, env: Env | None = None) -> Result:
        return self.runner.invoke(main, list(args), env={**self.env, **(env or {})}, input=input)

    def setup(self) -> Cli:
        assert self("init").exit_code == 0
        vkey = self("keys", "new", OFFICER).stdout.strip()
        assert self("keys", "register", vkey, "--role", "officer", "--agency", "agency/test").exit_code == 0
        return self

    @property
    def key(self) -> Path:
        return self.var / "keys" / "officer_3201-0007.key"

    def sign(self, act: dict[str, object]) -> Result:
        path = self.scratch / f"act-{uuid.uuid4().hex}.json"
        path.write_text(json.dumps(act, ensure_ascii=False))
        return self("act", "sign", "--key", str(self.key), str(path))

    def append(self, act: dict[str, object]) -> Result:
        signed = self.sign(act)
        assert signed.exit_code == 0, signed.output
        return self("append", "-", input=signed.stdout)

    def positions(self) -> int:
        return len(self("log", "entries").stdout.splitlines())


@pytest.fixture
def cli(database_url: str, tmp_path: Path) -> Cli:
    env = {"ZHIFA_DATABASE_URL": database_url, "ZHIFA_VAR_DIR": str(tmp_path / "var"), "ZHIFA_ORIGIN": "faults.test/ledger"}
    return Cli(CliRunner(), env, tmp_path / "var")


# -- configuration ------------------------------------------------------------------------------------------
def test_a_malformed_zhifa_toml_is_one_line(tmp_path: Path) -> None:
    config = tmp_path / "zhifa.toml"
    config.write_text("[zhifa\ndatabase_url = 'x'\n")
    res = CliRunner().invoke(main, ["--config", str(config), "log", "vkey"], env={"ZHIFA_VAR_DIR": str(tmp_path / "var")})
    assert "is not valid TOML" in one_line(res)
    config.write_text("[zhifa]\nmax_skew_seconds = 'soon'\n")
    res = CliRunner().invoke(main, ["--config", str(config), "log", "vkey"], env={"ZHIFA_VAR_DIR": str(tmp_path / "var")})
    assert "max_skew_seconds" in one_line(res)
    assert not (tmp_path / "var").exists()


def test_an_unreachable_postgresql_is_one_line(tmp_path: Path) -> None:
    env = {"ZHIFA_DATABASE_URL": "postgresql://postgres@127.0.0.1:1/test", "ZHIFA_VAR_DIR": str(tmp_path / "var")}
    for command in (["log", "vkey"], ["init"], ["check"]):
        line = one_line(CliRunner().invoke(main, command, env=env))
        assert line.startswith("cannot reach the PostgreSQL database") and "port 1" in line


def test_an_unknown_url_scheme_is_refused_not_taken_as_a_file_name(tmp_path: Path) -> None:
    env = {"ZHIFA_DATABASE_URL": "mysql://db.example/zhifa", "ZHIFA_VAR_DIR": str(tmp_path / "var")}
    old = Path.cwd()
    os.chdir(tmp_path)
    try:
        for command in (["init"], ["log", "entries"]):
            assert "unknown database URL scheme 'mysql'" in one_line(CliRunner().invoke(main, command, env=env))
    finally:
        os.chdir(old)
    assert sorted(p.name for p in tmp_path.iterdir()) == []  # no "mysql:" directory, no database file


def test_a_var_dir_that_is_a_file_is_one_line(tmp_path: Path) -> None:
    var = tmp_path / "var"
    var.write_text("not a directory")
    for command in (["init"], ["log", "entries"], ["append", "-"]):
        line = one_line(CliRunner().invoke(main, command, env={"ZHIFA_VAR_DIR": str(var)}, input=""))
        assert "is not a directory" in line


def test_reading_commands_create_no_database(database_url: str, tmp_path: Path) -> None:
    var = tmp_path / "missing-var"
    env = {"ZHIFA_DATABASE_URL": database_url, "ZHIFA_VAR_DIR": str(var)}
    case = str(uuid.uuid4())
    for command in (["log", "entries"], ["log", "checkpoint"], ["log", "vkey"], ["log", "proof", "--leaf", "0"], ["check"],
                    ["check", "--full"], ["seal"], ["bundle", case, "-o", str(tmp_path / "b.json")],
                    ["log", "repair-checkpoints", "--dry-run"]):
        res = CliRunner().invoke(main, command, env=env)
        line = one_line(res)
        assert "no ledger" in line or "no log key" in line, line
    assert not var.exists()
    assert not ledger_exists(parse_database_url(database_url))
    if database_url.startswith("postgresql"):
        import psycopg

        from tests.conftest import PG_URL

        schema = parse_database_url(database_url).schema
        with psycopg.connect(PG_URL) as conn:
            assert conn.execute("SELECT 1 FROM information_schema.schemata WHERE schema_name=%s", (schema,)).fetchone() is None


# -- keys ---------------------------------------------------------------------------------------------------
def test_a_key_path_that_is_a_directory_is_one_line(cli: Cli, tmp_path: Path) -> None:
    cli.setup()
    (tmp_path / "act.json").write_text(json.dumps(lead()))
    line = one_line(cli("act", "sign", "--key", str(tmp_path), str(tmp_path / "act.json")))
    assert "is a directory" in line


def test_a_private_key_others_may_read_is_refused(cli: Cli, tmp_path: Path) -> None:
    cli.setup()
    before = cli.positions()
    cli.key.chmod(0o644)
    (tmp_path / "act.json").write_text(json.dumps(lead()))
    line = one_line(cli("act", "sign", "--key", str(cli.key), str(tmp_path / "act.json")))
    assert "readable by others" in line and f"chmod 600 {cli.key}" in line
    (cli.var / "keys" / "log.key").chmod(0o640)
    assert "chmod 600" in one_line(cli("seal"))
    (cli.var / "keys" / "log.key").chmod(0o600)
    cli.key.chmod(0o600)
    assert cli.positions() == before


def test_a_changed_log_key_in_the_meta_table_is_one_line(cli: Cli) -> None:
    cli.setup()
    store = Store(cli.env["ZHIFA_DATABASE_URL"])
    before = store.position()
    from ledger.court.keys import SigningKey

    signed = cli.sign(lead()).stdout
    other = SigningKey.generate("faults.test/ledger")
    with store.db.write() as cur:
        store.set_meta(cur, "log_vkey", other.verifier.text)
    assert "log key in the database's meta table is not the key in" in one_line(cli("append", "-", input=signed))
    assert "meta table" in one_line(cli("check"))
    with store.db.write() as cur:
        store.set_meta(cur, "log_vkey", "garbage")
    assert "is not a verifier key" in one_line(cli("log", "entries"))
    assert store.position() == before
    store.close()


# -- the checkpoints file -----------------------------------------------------------------------------------
def test_a_damaged_checkpoints_log_is_one_line_and_nothing_is_written(cli: Cli) -> None:
    cli.setup()
    assert cli.append(lead()).exit_code == 0
    path = cli.var / "checkpoints.log"
    text = path.read_text()
    blocks = text.split("\n\n\n")
    blocks[0] = blocks[0].replace(blocks[0].splitlines()[2], "AAAA" + blocks[0].splitlines()[2][4:])  # a forged root
    path.write_text("\n\n\n".join(blocks))
    before = cli.positions()
    for res in (cli.append(lead()), cli("seal")):
        line = one_line(res)
        assert line.startswith("checkpoints-damaged") and "block at byte 0" in line and "repair-checkpoints" in line
    assert cli.positions() == before


# -- the database itself -------------------------------------------------------------------------------------
@contextlib.contextmanager
def tmpfs(where: Path, size: str) -> Iterator[Path]:
    """A small tmpfs (needs root: the machine this suite runs on is a container where tests run as root)."""
    where.mkdir(parents=True, exist_ok=True)
    res = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(where)], capture_output=True, text=True)
    if res.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here ({res.stderr.strip()}): disk-full and read-only cases need root")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], check=False)


def _sqlite_cli(var: Path, scratch: Path) -> Cli:
    env = {"ZHIFA_DATABASE_URL": f"sqlite:///{var / 'zhifa.sqlite'}", "ZHIFA_VAR_DIR": str(var), "ZHIFA_ORIGIN": "faults.test/ledger"}
    return Cli(CliRunner(), env, var, scratch)


def test_a_read_only_database_is_one_line(tmp_path: Path) -> None:
    with tmpfs(tmp_path / "ro", "8m") as mount:
        cli = _sqlite_cli(mount / "var", tmp_path).setup()
        assert cli.append(lead()).exit_code == 0
        before = cli.positions()
        signed = cli.sign(lead()).stdout
        subprocess.run(["mount", "-o", "remount,ro", str(mount)], check=True)
        line = one_line(cli("append", "-", input=signed))
        assert "read-only" in line, line
        entries = cli("log", "entries")  # reading works where SQLite can, else it is one line too
        assert entries.exit_code == 0 or "read-only" in one_line(entries)
        subprocess.run(["mount", "-o", "remount,rw", str(mount)], check=True)
        assert cli.positions() == before


def test_a_full_disk_is_one_line_and_every_receipt_names_a_stored_act(tmp_path: Path) -> None:
    with tmpfs(tmp_path / "full", "512k") as mount:
        cli = _sqlite_cli(mount / "var", tmp_path).setup()
        receipts: list[tuple[str, int]] = []
        refused = 0
        for i in range(400):
            act = lead(summary="满" * 2000 + str(i))
            signed = cli.sign(act)
            assert signed.exit_code == 0, signed.output
            res = cli("append", "-", input=signed.stdout)
            assert "Traceback" not in res.stdout + res.stderr
            if res.exit_code == 0:
                receipt = json.loads(res.stdout)
                receipts.append((receipt["stream"], receipt["version"]))
                continue
            line = one_line(res)
            assert res.stdout == "" and "disk full" in line, line
            refused += 1
            if refused >= 3:
                break
        assert refused >= 1 and receipts, "the disk must fill up after some appends"
        stored = {(json.loads(x)["stream"], json.loads(x)["version"]) for x in cli("log", "entries").stdout.splitlines()}
        assert set(receipts) <= stored
        assert len([s for s in stored if not s[0].startswith("person:")]) == len(receipts)  # no act without a receipt
