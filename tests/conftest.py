"""Shared fixtures: every backend-dependent test runs on SQLite and on PostgreSQL (as eventsourcing's suites do).

PostgreSQL tests use a fresh schema per test (``?schema=t_<random>``) dropped afterwards; when the server at
``ZHIFA_TEST_POSTGRES_URL`` is unreachable they are skipped with that reason, visibly.
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from ledger.court.keys import SigningKey
from ledger.ledger import initialise, sign
from ledger.store import Store
from ledger.writer import Receipt, SettableClock, Writer

ORIGIN = "zhifa.test/ledger"
PG_URL = os.environ.get("ZHIFA_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
VECTORS = Path(__file__).resolve().parent / "vectors"  # copy of ../shared/vectors (see vectors/PROVENANCE.md)


def _pg_unavailable() -> str | None:
    try:
        import psycopg

        with psycopg.connect(PG_URL, connect_timeout=3):
            return None
    except Exception as exc:  # pragma: no cover - depends on the machine
        return f"PostgreSQL not reachable at {PG_URL}: {exc}"


_PG_REASON = _pg_unavailable()

pytest_plugins = ["tests.webkit"]  # the web service's fixtures (web_ledger)


def drop_schema(schema: str) -> None:
    import psycopg

    with psycopg.connect(PG_URL, autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'ledger.sqlite'}"
        return
    if _PG_REASON:
        pytest.skip(_PG_REASON)
    schema = f"t_{secrets.token_hex(6)}"
    sep = "&" if "?" in PG_URL else "?"
    yield f"{PG_URL}{sep}schema={schema}"
    drop_schema(schema)


class FakeClock(SettableClock):
    """A settable clock: legal time in tests moves only when the test says so."""

    def __init__(self, start: dt.datetime | None = None) -> None:
        super().__init__(start or dt.datetime(2026, 3, 2, 1, 0, tzinfo=dt.UTC))


@dataclass
class LedgerFixture:
    store: Store
    writer: Writer
    clock: FakeClock
    log_key: SigningKey
    authority: SigningKey
    keys: dict[str, SigningKey] = field(default_factory=dict)

    def act(self, key: SigningKey, case: str, version: int, type: str, payload: dict[str, Any], **kw: Any) -> bytes:
        fields: dict[str, Any] = {
            "log": ORIGIN,
            "case": case,
            "case_version": version,
            "type": type,
            "actor": key.name,
            "payload": payload,
            "claimed_at": self.clock(),
        }
        fields.update(kw)
        return sign(key, **fields)

    def register(
        self, name: str, role: str = "officer", valid_from: str | None = None, agency: str | None = "agency/test"
    ) -> SigningKey:
        key = SigningKey.generate(name)
        stream = f"person:{name}"
        state = self.store.stream_state(stream)
        version = 0 if state is None else state[0]
        self.writer.append(
            self.act(
                self.authority,
                stream,
                version,
                "key.registered",
                {"vkey": key.verifier.text, "role": role, "agency": agency, "valid_from": valid_from},
            )
        )
        self.keys[name] = key
        return key

    def lead(self, key: SigningKey, case: str | None = None) -> Receipt:
        case = case or str(uuid.uuid4())
        return self.writer.append(
            self.act(key, case, 0, "lead.received", {"source": "complaint", "channel": "12345", "summary": "某超市销售过期食品", "catalog_item": None})
        )

    def note(self, key: SigningKey, case: str, version: int, text: str = "现场检查") -> Receipt:
        return self.writer.append(self.act(key, case, version, "case.note", {"text": text}))


def make_ledger(url: str, clock: FakeClock | None = None) -> LedgerFixture:
    clock = clock or FakeClock()
    store = Store(url)
    log_key = SigningKey.generate(ORIGIN)
    authority = SigningKey.generate("authority/hr")
    initialise(store, origin=ORIGIN, log_key=log_key, authority_key=authority, clock=clock)
    writer = Writer(store, clock=clock)
    return LedgerFixture(store, writer, clock, log_key, authority)


@pytest.fixture
def ledger(database_url: str) -> Iterator[LedgerFixture]:
    fx = make_ledger(database_url)
    yield fx
    fx.writer.stop()
    fx.store.close()


class FailingFirst:
    """``call`` that raises ``RuntimeError(message)`` its first ``times`` calls, then answers as ``call`` does: a
    batch that fails (the database locked past its timeout) before the retry loop goes on."""

    def __init__(self, call: Any, times: int, message: str = "database is locked") -> None:
        self.call, self.left, self.message = call, times, message

    def __call__(self) -> Any:
        if self.left:
            self.left -= 1
            raise RuntimeError(self.message)
        return self.call()
