"""Test kit for the web service: a ledger with a cast, the app over it (TestClient), waits on the published state."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from litestar import Litestar
from litestar.testing import TestClient

from ledger.court.keys import SigningKey
from ledger.ledger import sign
from tests.conftest import ORIGIN, LedgerFixture, make_ledger
from web.app import create_app
from web.services import WebOptions
from zhifa.settings import Settings


def web_settings(database_url: str, var_dir: Path, origin: str = ORIGIN) -> Settings:
    """The composition root's settings for a test ledger (default clock skew)."""
    return Settings(var_dir=var_dir, database_url=database_url, max_skew_seconds=300, origin=origin)


@dataclass
class WebLedger:
    fx: LedgerFixture
    settings: Settings
    officer: SigningKey
    supervisor: SigningKey

    def app(self, **options: object) -> Litestar:
        # Followers as threads: a child process per test client would cost each test a second of start-up; the
        # default (a child process) is exercised by tests/test_web_followers.py and tests/test_web_disclosures.py.
        defaults: dict[str, object] = {"poll_interval": 0.02, "request_log": False, "followers": "threads"}
        opts = WebOptions(**{**defaults, **options})  # type: ignore[arg-type]
        return create_app(self.settings, options=opts, store=self.fx.store)

    def leaf_count(self) -> int:
        """Entries in the log (what the tree will hold once sealed)."""
        return sum(1 for _ in self.fx.store.iter_notifications())

    def lead_envelope(self, case: str | None = None, key: SigningKey | None = None) -> tuple[str, bytes]:
        """A lead act signed now (server time), as `zhifa act sign` would print it."""
        case = case or str(uuid.uuid4())
        key = key or self.officer
        envelope = sign(
            key,
            log=ORIGIN,
            case=case,
            case_version=0,
            type="lead.received",
            actor=key.name,
            payload={"source": "complaint", "channel": "12345", "summary": "某超市销售过期食品", "catalog_item": None},
        )
        return case, envelope


def make_web_ledger(url: str, var_dir: Path) -> WebLedger:
    fx = make_ledger(url)
    officer = fx.register("officer/0001", "officer")
    supervisor = fx.register("supervisor/0001", "supervisor")
    settings = web_settings(url, var_dir)
    fx.log_key.write(settings.keys_dir / "log.key")
    return WebLedger(fx, settings, officer, supervisor)


@pytest.fixture
def web_ledger(database_url: str, tmp_path: Path) -> Iterator[WebLedger]:
    wl = make_web_ledger(database_url, tmp_path / "var")
    yield wl
    wl.fx.writer.stop()
    wl.fx.store.close()


def wait_for_size(client: TestClient[Litestar], size: int, timeout: float = 10.0) -> str:
    """Poll /checkpoint until its tree size is at least ``size``; the note. (Give a leaf count: on PostgreSQL a
    log position can exceed it, as notification ids may have gaps.)"""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        r = client.get("/checkpoint")
        if r.status_code == 200 and int(r.text.splitlines()[1]) >= size:
            client.app.state.services.refresh()  # the feeds and the published state have caught up too
            return r.text
        time.sleep(0.02)
    raise AssertionError(f"no checkpoint of size {size} within {timeout} s")


class LiveServer:
    """The app under uvicorn in a thread on a free loopback port (for streams and browsers; TestClient buffers)."""

    def __init__(self, app: Litestar) -> None:
        import socket
        import threading

        import uvicorn

        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.port = sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(app, host="127.0.0.1", port=self.port, log_config=None, access_log=False, lifespan="on")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> LiveServer:
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            if time.monotonic() > deadline:
                raise AssertionError("uvicorn did not start")
            time.sleep(0.01)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(10)
