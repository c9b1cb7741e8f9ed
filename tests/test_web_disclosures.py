"""Disclosures over HTTP on the demo ledger: the disclosure feeds carry the published decisions, every item has
its portal page with leaf index and entry hash whose proof verifies, and the SSE stream sends them as `disclosure`
events (a resumed stream too)."""

from __future__ import annotations

import base64
import hashlib
import time

import httpx
import pytest
from litestar.testing import TestClient
from rich.console import Console

from ledger.court import merkle
from ledger.court.keys import read_private_key
from ledger.sealer import Sealer
from ledger.store import Store
from tests.webkit import LiveServer
from web.app import create_app
from web.services import WebOptions
from zhifa.demo import seed
from zhifa.settings import Settings


@pytest.fixture(scope="module")
def demo_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    var = tmp_path_factory.mktemp("demo")
    settings = Settings(var_dir=var, database_url=f"sqlite:///{var / 'zhifa.sqlite'}", max_skew_seconds=300, origin="demo.test/ledger")
    store = Store(settings.database_url)
    seed(store, settings, Console(file=open("/dev/null", "w")))  # noqa: SIM115
    Sealer(store, read_private_key(settings.keys_dir / "log.key"), settings.checkpoints_file).seal_all()
    store.close()
    return settings


def _ready(client: TestClient) -> None:  # type: ignore[type-arg]
    services = client.app.state.services
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        services.refresh()
        if services.health.projection_lag and max(services.health.projection_lag.values()) == 0:
            return
        time.sleep(0.05)
    raise AssertionError("the views did not catch up")


def test_disclosure_feeds_pages_and_proofs(demo_settings: Settings) -> None:
    app = create_app(demo_settings, options=WebOptions(request_log=False, poll_interval=0.05))
    with TestClient(app) as client:
        _ready(client)
        feed = client.get("/feeds/disclosures.json").json()
        items = feed["items"]
        assert items, "the demo publishes its decided cases"
        note = client.get("/log/checkpoint").text
        size, root = int(note.splitlines()[1]), base64.b64decode(note.splitlines()[2])
        for item in items[:5]:
            leaf = item["_zhifa"]["leaf_index"]
            page = client.get(f"/disclosures/{leaf}")
            assert page.status_code == 200 and str(leaf) in page.text and item["_zhifa"]["entry_hash"] in page.text
            entry = client.get(f"/log/entries/{leaf}").content
            assert hashlib.sha256(b"\x00" + entry).hexdigest() == item["_zhifa"]["entry_hash"]
            proof = client.get("/log/proof/inclusion", params={"index": leaf, "size": size}).json()
            assert merkle.verify_inclusion(hashlib.sha256(b"\x00" + entry).digest(), leaf, size,
                                           [base64.b64decode(h) for h in proof["hashes"]], root)
        assert "最新公示" in client.get("/").text and items[-1]["title"] in client.get("/").text
        listing = client.get("/disclosures")
        assert listing.status_code == 200 and items[0]["title"] in listing.text
        assert client.get("/log", follow_redirects=False).headers["location"] == "/log/checkpoint"
        agency = items[0]["_zhifa"].get("agency")
        if agency:
            from urllib.parse import quote

            r = client.get(f"/feeds/agency/{quote(agency, safe='')}.atom")
            assert r.status_code == 200 and b"<entry>" in r.content


def test_sse_sends_disclosures_on_resume(demo_settings: Settings) -> None:
    app = create_app(demo_settings, options=WebOptions(request_log=False, poll_interval=0.05))
    with LiveServer(app) as server:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not httpx.get(f"{server.url}/feeds/disclosures.json").json()["items"]:
            time.sleep(0.1)
        kinds: list[str] = []
        with httpx.stream("GET", f"{server.url}/events", headers={"Last-Event-ID": "0"}, timeout=30) as resp:
            for line in resp.iter_lines():
                if line.startswith("event: "):
                    kinds.append(line[7:])
                    if line == "event: checkpoint":
                        break
        assert "disclosure" in kinds and kinds[-1] == "checkpoint" and kinds.count("entry") > 100


def test_decisions_past_their_maximum_period_leave_the_web_feeds_and_pages_with_no_later_act(demo_settings: Settings) -> None:
    import datetime as dt

    from ledger.writer import SettableClock

    app = create_app(demo_settings, options=WebOptions(request_log=False, poll_interval=0.05, feed_page_size=500))
    with TestClient(app) as client:
        _ready(client)
        services = client.app.state.services
        services.writer.clock = SettableClock(dt.datetime.now(dt.UTC))
        first = client.get("/feeds/disclosures.json")
        decisions = [i for i in first.json()["items"] if i["_zhifa"]["kind"] == "decision"]
        assert decisions, "the demo publishes its decided cases"
        assert any(d["title"] in client.get("/disclosures").text for d in decisions)
        # Four years on (the longest period is three) and not one act recorded since: the log has not moved…
        services.writer.clock.advance(days=4 * 366)
        later = client.get("/feeds/disclosures.json")  # the same stamp: the cached page must not be served
        assert later.headers["etag"] != first.headers["etag"]
        items = later.json()["items"]
        assert not [i for i in items if i["_zhifa"]["kind"] == "decision"]
        ended = {i["_zhifa"]["ends"] for i in items if i["_zhifa"]["kind"] == "expiry"}
        assert {d["_zhifa"]["leaf_index"] for d in decisions} <= ended
        assert client.get("/feeds/disclosures.json", headers={"If-None-Match": later.headers["etag"]}).status_code == 304
        listing = client.get("/disclosures").text
        assert not [d["title"] for d in decisions if d["title"] in listing]
