"""SSE resume (README: ids are leaf counts, Last-Event-ID resumes): a client that reconnects with the last id it
saw gets every disclosure it had not seen, also when the sealer published the act's checkpoint before the
disclosure view had processed the act (the two follow the log independently)."""

from __future__ import annotations

import datetime as dt
import json
import threading
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.ledger_world import START, Bureau, bureau
from tests.webkit import LiveServer, web_settings
from web.app import create_app
from web.services import WebOptions
from zhifa.scenarios import CATALOG_KEEPER, MARKET


@pytest.fixture
def world(database_url: str, tmp_path: Path) -> Any:
    b = bureau(database_url, tmp_path)
    yield b
    if b.runner is not None:
        b.runner.stop()
    b.writer.stop()
    b.store.close()


class Reader:
    """Reads /events in a thread as an EventSource does (WHATWG HTML §9.2.6): (event, id, data) of each event with
    the id field as sent ("" if none), and the last event id — set by an id field at each dispatch, even of a
    message without data."""

    def __init__(self, url: str, last_id: str | None) -> None:
        self.events: list[tuple[str, str, str]] = []
        self.last: str | None = None
        self.stop = threading.Event()
        headers = {} if last_id is None else {"Last-Event-ID": last_id}
        self.thread = threading.Thread(target=self._run, args=(url, headers), daemon=True)
        self.thread.start()

    def _run(self, url: str, headers: dict[str, str]) -> None:
        with httpx.stream("GET", url, headers=headers, timeout=10) as r:
            event, ident, data = "", "", []
            for line in r.iter_lines():
                if self.stop.is_set():
                    return
                if line == "":
                    if ident:
                        self.last = ident
                    if data or event:
                        self.events.append((event, ident, "\n".join(data)))
                    event, ident, data = "", "", []
                elif line.startswith("event:"):
                    event = line[6:].strip()
                elif line.startswith("id:"):
                    ident = line[3:].strip()
                elif line.startswith("data:"):
                    data.append(line[5:].strip())

    def last_id(self) -> str | None:
        return self.last

    def wait(self, what: Any, timeout: float = 10) -> None:
        deadline = time.monotonic() + timeout
        while not what(self.events):
            assert time.monotonic() < deadline, self.events[-5:]
            time.sleep(0.02)

    def close(self) -> None:
        self.stop.set()


def test_a_reconnected_stream_gets_the_disclosure_made_public_after_the_checkpoint_it_saw(world: Bureau, tmp_path: Path) -> None:
    world.publish()
    settings = web_settings(database_url="unused", var_dir=tmp_path / "web-var")
    app = create_app(settings, options=WebOptions(request_log=False, follow=False, poll_interval=0.02, keepalive_seconds=0.05),
                     store=world.store)
    with LiveServer(app) as server:
        first = Reader(f"{server.url}/events", None)
        time.sleep(0.3)
        world.append("agency:agency/360100-sse", "agency.registered", CATALOG_KEEPER,
                     {"name": "赣江新区某某执法中队", "kind": "bureau", "parent": None, "region": "360100"}, at=START + dt.timedelta(days=1))
        world.append("agency:agency/360100-sse", "domain.registered", CATALOG_KEEPER,
                     {"domain": MARKET, "name": "市场监管", "basis": "赣府字〔2022〕18号"}, at=START + dt.timedelta(days=1))
        world.seal()  # the checkpoint is out; the disclosure view has not seen the acts yet
        with world.store.db.read() as cur:
            size = int(cur.execute("SELECT MAX(size) FROM zhifa_checkpoints").fetchone()[0])
        first.wait(lambda evs: any(e == "checkpoint" and json.loads(d)["size"] >= size for e, _, d in evs))
        assert not any(e == "disclosure" for e, _, _ in first.events)
        last = first.last_id()
        first.close()
        world.project()  # now the power item is public
        second = Reader(f"{server.url}/events", last)
        try:
            second.wait(lambda evs: any(e == "disclosure" for e, _, _ in evs), timeout=5)
        finally:
            second.close()
        (item,) = [json.loads(d) for e, _, d in second.events if e == "disclosure"]
        assert item["kind"] == "power" and item["agency"] == "agency/360100-sse"
