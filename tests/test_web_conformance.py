"""The public surface against the texts outside clients are written from (RFC 9110 HTTP semantics, RFC 4287 Atom,
RFC 6750 bearer tokens): deviations found by an audit with independent clients, each pinned here."""

from __future__ import annotations

import uuid

from litestar.testing import TestClient

from tests.webkit import WebLedger, wait_for_size
from zhifa.cli_web import serve_options

ATOM = "{http://www.w3.org/2005/Atom}"


def _grow(wl: WebLedger, n: int) -> None:
    envelopes = [wl.lead_envelope(str(uuid.uuid4()))[1] for _ in range(n)]
    assert all(not isinstance(r, Exception) for r in wl.fx.writer.append_group(envelopes))


# -- RFC 9110 §9.1: "All general-purpose servers MUST support the methods GET and HEAD"; §9.3.2: HEAD is GET
# without the content, and the server SHOULD send the same header fields it would send for GET.
HEAD_PATHS = ["/checkpoint", "/log/checkpoint", "/log/vkey", "/log/entries/0", "/tile/0/000.p/3", "/tile/entries/000.p/3",
              "/log/proof/inclusion?index=0&size=3", "/feeds/disclosures.atom", "/feeds/checkpoints.json", "/healthz", "/",
              "/docs/openapi.json"]


def test_every_get_route_answers_head_with_the_get_headers_and_no_body(web_ledger: WebLedger) -> None:
    with TestClient(web_ledger.app()) as client:
        wait_for_size(client, web_ledger.leaf_count())
        for path in HEAD_PATHS:
            got = client.get(path)
            head = client.head(path)
            assert head.status_code == got.status_code == 200, (path, head.status_code, head.text)
            assert head.content == b"", path
            for field in ("content-type", "etag", "cache-control", "last-modified", "content-length"):
                assert head.headers.get(field) == got.headers.get(field), (path, field)
        # a missing resource is a 404 to HEAD as to GET (problem headers, no body)
        head = client.head("/log/entries/999999")
        assert head.status_code == 404 and head.content == b""
        assert head.headers["content-type"] == "application/problem+json"
        # and a conditional HEAD of a feed answers 304 like a conditional GET
        etag = client.get("/feeds/disclosures.atom").headers["etag"]
        assert client.head("/feeds/disclosures.atom", headers={"If-None-Match": etag}).status_code == 304


def test_head_of_the_event_stream_ends_after_its_headers(web_ledger: WebLedger) -> None:
    with TestClient(web_ledger.app()) as client:
        wait_for_size(client, web_ledger.leaf_count())
        head = client.head("/events", timeout=5)
        assert head.status_code == 200 and head.content == b""
        assert head.headers["content-type"].startswith("text/event-stream")


# -- RFC 9110 §11.6.1 / §15.5.2: a 401 response MUST carry WWW-Authenticate with at least one challenge; RFC 6750
# §3: the bearer scheme's challenge, with error="invalid_token" when the token sent was refused.
def test_401_answers_carry_a_bearer_challenge(web_ledger: WebLedger) -> None:
    case = str(uuid.uuid4())
    with TestClient(web_ledger.app()) as client:
        for path in ("/api/supervise/overdue", f"/api/cases/{case}", f"/cases/{case}/bundle"):
            r = client.get(path)
            assert r.status_code == 401 and r.headers["content-type"] == "application/problem+json"
            challenge = r.headers.get("www-authenticate", "")
            assert challenge.startswith("Bearer ") and 'realm="' in challenge, (path, challenge)
            assert "error=" not in challenge  # no credentials sent: no error code (RFC 6750 §3.1)
            r = client.get(path, headers={"Authorization": "Bearer zt_forged"})
            assert r.status_code == 401
            assert 'error="invalid_token"' in r.headers.get("www-authenticate", ""), path
        r = client.post("/api/evidence", content=b"x")
        assert r.status_code == 401 and r.headers.get("www-authenticate", "").startswith("Bearer ")


# -- RFC 4287 §4.2.7.1/§4.2.7.2: a feed's self link and an archive's links must identify the documents where they
# are served. `zhifa serve --port P` wrote every absolute link (self, prev-archive, current, items, proofs) with
# port 8000, so an archive walker on any other port followed links into nothing.
def test_serve_links_feeds_to_the_address_it_listens_on() -> None:
    assert serve_options(host="127.0.0.1", port=8765).base_url == "http://127.0.0.1:8765"
    assert serve_options().base_url == "http://127.0.0.1:8000"
    assert serve_options(host="::1", port=9000).base_url == "http://[::1]:9000"
    assert serve_options(port=8765, base_url="https://gongshi.example.gov.cn/").base_url == "https://gongshi.example.gov.cn"
