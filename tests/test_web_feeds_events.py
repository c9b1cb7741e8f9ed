"""Feeds over HTTP (content types, strong ETag, Last-Modified, 304, gzip, archives) and live events over SSE
(entries and checkpoints as they are sealed, keep-alive comments, Last-Event-ID resume from the log position)."""

from __future__ import annotations

import gzip
import time

import feedparser
import httpx
import pytest
from litestar.testing import TestClient

from tests.webkit import LiveServer, WebLedger, wait_for_size
from web.feed_catalog import FeedNotFound, parse_feed_path


@pytest.mark.parametrize(
    ("path", "content_type"),
    [("/feeds/checkpoints.atom", "application/atom+xml"), ("/feeds/checkpoints.rss", "application/rss+xml"),
     ("/feeds/checkpoints.json", "application/feed+json"), ("/feeds/disclosures.atom", "application/atom+xml"),
     ("/feeds/agency/agency%2Ftest.rss", "application/rss+xml"), ("/feeds/party/91350100M000100Y43.json", "application/feed+json")],
)
def test_feeds_have_their_content_types_strong_etags_and_answer_304(web_ledger: WebLedger, path: str, content_type: str) -> None:
    with TestClient(web_ledger.app()) as client:
        wait_for_size(client, web_ledger.leaf_count())
        r = client.get(path, headers={"Accept-Encoding": "identity"})
        assert r.status_code == 200 and r.headers["content-type"].split(";")[0] == content_type
        etag, modified = r.headers["etag"], r.headers["last-modified"]
        assert etag.startswith('"') and not etag.startswith("W/")
        assert client.get(path, headers={"If-None-Match": etag}).status_code == 304
        assert client.get(path, headers={"If-Modified-Since": modified, "Accept-Encoding": "identity"}).status_code == 304
        assert client.get(path, headers={"If-None-Match": '"other"', "Accept-Encoding": "identity"}).status_code == 200
        assert client.get(path, headers={"If-None-Match": etag, "If-Modified-Since": "Mon, 01 Jan 2001 00:00:00 GMT"}).status_code == 304


def test_feeds_are_gzipped_for_clients_that_ask_and_the_checkpoint_feed_parses(web_ledger: WebLedger) -> None:
    with TestClient(web_ledger.app()) as client:
        wait_for_size(client, web_ledger.leaf_count())
        r = client.get("/feeds/checkpoints.atom", headers={"Accept-Encoding": "gzip"})
        assert r.headers["content-encoding"] == "gzip" and "Accept-Encoding" in r.headers["vary"]
        plain = client.get("/feeds/checkpoints.atom", headers={"Accept-Encoding": "identity"})
        assert "content-encoding" not in plain.headers and r.content == plain.content  # httpx decoded the gzip body
        assert r.headers["etag"] != plain.headers["etag"]  # a strong tag per representation
        parsed = feedparser.parse(plain.content)
        assert not parsed.bozo and parsed.entries
        note = client.get("/log/checkpoint").text
        assert parsed.entries[-1].content[0].value.strip() == note.strip() or any(
            e.content[0].value.strip() == note.strip() for e in parsed.entries)
        assert gzip.decompress(gzip.compress(b"x")) == b"x"


def test_unknown_feeds_and_archives_beyond_the_feed_are_404_problems(web_ledger: WebLedger) -> None:
    with TestClient(web_ledger.app()) as client:
        for path in ("/feeds/nope.atom", "/feeds/disclosures.html", "/feeds/disclosures/archive/7.atom",
                     "/feeds/agency.atom", "/feeds/disclosures/archive/01.atom", "/feeds/../etc/passwd"):
            r = client.get(path)
            assert r.status_code == 404, path
            assert r.headers["content-type"] == "application/problem+json"


def test_feed_paths_parse_one_encoded_key_segment() -> None:
    req = parse_feed_path("agency/agency%2F3201-zhzf/archive/3.rss")
    assert (req.kind, req.key, req.archive, req.fmt) == ("agency", "agency/3201-zhzf", 3, "rss")
    assert parse_feed_path("checkpoints.json").kind == "checkpoints"
    with pytest.raises(FeedNotFound):
        parse_feed_path("agency/a/b.atom")


def _events(url: str, headers: dict[str, str], until: int, timeout: float = 10.0) -> list[tuple[str, str, str]]:
    """(event, id, data) of an SSE stream until a checkpoint event with id ≥ ``until``; comments as ("", "", text)."""
    out: list[tuple[str, str, str]] = []
    event = ident = data = ""
    deadline = time.monotonic() + timeout
    with httpx.stream("GET", url, headers=headers, timeout=timeout) as resp:
        assert resp.headers["content-type"].startswith("text/event-stream")
        for line in resp.iter_lines():
            if line.startswith(":"):
                out.append(("", "", line[1:].strip()))
            elif line.startswith("event: "):
                event = line[7:]
            elif line.startswith("id: "):
                ident = line[4:]
            elif line.startswith("data: "):
                data = line[6:]
            elif line == "" and event:
                out.append((event, ident, data))
                if event == "checkpoint" and int(ident) >= until:
                    return out
                event = ident = data = ""
            if time.monotonic() > deadline:
                raise AssertionError(f"no checkpoint {until} on the stream: {out}")
    return out


def test_sse_streams_new_entries_then_their_checkpoint_and_resumes_from_last_event_id(web_ledger: WebLedger) -> None:
    app = web_ledger.app(keepalive_seconds=0.05)
    with LiveServer(app) as server:
        start = web_ledger.leaf_count()  # leaves (PostgreSQL ids may have gaps)
        # resume from two leaves back: exactly those two entries, then the checkpoint
        events = _events(f"{server.url}/events", {"Last-Event-ID": str(start - 2)}, start)
        kinds = [(e, i) for e, i, _ in events if e]
        assert kinds == [("entry", str(start - 1)), ("entry", str(start)), ("checkpoint", str(start))]
        # live: an act posted now arrives as an entry, then a checkpoint covering it; idle streams get comments
        case, envelope = web_ledger.lead_envelope()
        import threading

        def post_later() -> None:
            time.sleep(0.3)
            httpx.post(f"{server.url}/api/acts", content=envelope)

        threading.Thread(target=post_later).start()
        live = _events(f"{server.url}/events", {}, start + 1)
        assert ("", "", "keep-alive") in live
        entries = [d for e, _, d in live if e == "entry"]
        assert len(entries) == 1 and f'"case":"{case}"' in entries[0]


def test_followers_in_a_child_process_seal_what_the_api_appends(web_ledger: WebLedger) -> None:
    from web.app import create_app
    from web.services import WebOptions

    app = create_app(web_ledger.settings, options=WebOptions(request_log=False, poll_interval=0.05, followers="process"),
                     store=web_ledger.fx.store)
    with TestClient(app) as client:
        before = web_ledger.leaf_count()
        _, envelope = web_ledger.lead_envelope()
        assert client.post("/api/acts", content=envelope).status_code == 201
        wait_for_size(client, before + 1, timeout=30)
        services = client.app.state.services
        deadline = time.monotonic() + 30
        while max(services.health.projection_lag.values(), default=1) and time.monotonic() < deadline:
            time.sleep(0.05)
            services.refresh()
        assert max(services.health.projection_lag.values()) == 0
        assert services._child is not None and services._child.poll() is None
