"""The public surface against the texts outside clients are written from (RFC 9110 HTTP semantics, RFC 4287 Atom,
RFC 6750 bearer tokens): deviations found by an audit with independent clients, each pinned here."""

from __future__ import annotations

import uuid

import feedparser
from litestar.testing import TestClient
from lxml import etree

from tests.webkit import WebLedger, wait_for_size
from zhifa.cli_web import serve_options

ATOM = "{http://www.w3.org/2005/Atom}"


def _grow(wl: WebLedger, n: int) -> None:
    envelopes = [wl.fx.act(wl.officer, str(uuid.uuid4()), 0, "lead.received",
                           {"source": "complaint", "channel": "12345", "summary": "某超市销售过期食品", "catalog_item": None})
                 for _ in range(n)]
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


# -- RFC 4287 §4.2.7.2: an entry's alternate link identifies an alternate version of the resource the entry
# describes. A checkpoint item linked /log/checkpoint?size=N, which answered the *latest* checkpoint whatever N was
# (so every older item pointed at a newer checkpoint), typed text/html though it is a text/plain note;
# the feed's own text/html alternate was /log, a redirect to that note.
def test_a_checkpoint_items_alternate_link_answers_that_checkpoint(web_ledger: WebLedger) -> None:
    with TestClient(web_ledger.app()) as client:
        first_note = wait_for_size(client, web_ledger.leaf_count())
        first_size = int(first_note.splitlines()[1])
        _grow(web_ledger, 3)
        latest = wait_for_size(client, first_size + 3)
        assert latest != first_note
        r = client.get("/log/checkpoint", params={"size": first_size})
        assert r.status_code == 200 and r.text == first_note
        assert r.headers["content-type"] == "text/plain; charset=utf-8"
        assert client.get("/log/checkpoint").text == latest
        for bad in (first_size + 1, 10**9):  # no checkpoint was published at that size
            r = client.get("/log/checkpoint", params={"size": bad})
            assert r.status_code == 404 and r.headers["content-type"] == "application/problem+json"
        assert client.get("/log/checkpoint", params={"size": "x"}).status_code == 400

        body = client.get("/feeds/checkpoints.atom").content
        assert not feedparser.parse(body, response_headers={"content-type": "application/atom+xml"}).bozo
        doc = etree.fromstring(body)
        entries = doc.findall(ATOM + "entry")
        assert entries
        for entry in entries:
            note = entry.find(ATOM + "content").text
            (alt,) = [link for link in entry.findall(ATOM + "link") if link.get("rel") == "alternate"]
            assert alt.get("type") == "text/plain"
            path = alt.get("href").removeprefix("http://127.0.0.1:8000")
            assert client.get(path).text == note
        (feed_alt,) = [link for link in doc.findall(ATOM + "link") if link.get("rel") == "alternate"]
        # the feed's HTML alternate is an HTML page (it was /log, a redirect to the text/plain note)
        home = client.get(feed_alt.get("href").removeprefix("http://127.0.0.1:8000"), follow_redirects=False)
        assert feed_alt.get("type") == "text/html" and home.status_code == 200
        assert home.headers["content-type"].startswith("text/html")


# -- OpenAPI 3.1 (JSON Schema 2020-12 §6.2.4 minimum): the schema at /docs must say what the server accepts. An
# optional parameter bounded below by 0 lost its `minimum` (litestar drops a falsy bound), so /verify?index=-1 was
# documented as valid and answered 400 (schemathesis ST202).
def _integer(schema: dict[str, object]) -> bool:
    options = schema.get("oneOf") or [schema]
    return any(isinstance(o, dict) and o.get("type") == "integer" for o in options)  # type: ignore[union-attr]


def test_every_integer_parameter_documents_the_lower_bound_the_server_enforces(web_ledger: WebLedger) -> None:
    with TestClient(web_ledger.app()) as client:
        doc = client.get("/docs/openapi.json").json()
        unbounded = [
            (method.upper(), path, param["name"])
            for path, item in doc["paths"].items()
            for method, op in item.items()
            if isinstance(op, dict)
            for param in op.get("parameters", [])
            if _integer(param["schema"]) and "minimum" not in param["schema"]
        ]
        assert unbounded == []
        wait_for_size(client, web_ledger.leaf_count())
        assert client.get("/verify", params={"index": -1}).status_code == 400
        assert client.get("/verify", params={"index": 0}).status_code == 200


# -- RFC 9110 §8.3.1 / RFC 6838 §4.3: a media type's parameter is given once ("It is an error for a specific
# parameter to be specified more than once"). Litestar appends "; charset=utf-8" to every text/* media type, so
# the CSV exports and /metrics, which named their charset already, said it twice.
TEXT_ROUTES = ["/metrics", "/checkpoint", "/log/vkey", "/", "/verify", "/api/supervise/overdue.csv",
               "/api/supervise/warnings.csv", "/api/supervise/metrics.csv", "/api/supervise/referrals.csv",
               "/api/supervise/nonconforming.csv", "/api/supervise/reviews.csv", "/api/supervise/access-log.csv",
               "/api/supervise/inspections/91360100MA35F7KX4B/visits.csv"]


def test_text_responses_name_their_charset_once(web_ledger: WebLedger) -> None:
    from web.credentials import Credentials

    token = Credentials(web_ledger.fx.store).issue_token("supervisor/0001", "supervisor")
    with TestClient(web_ledger.app()) as client:
        wait_for_size(client, web_ledger.leaf_count())
        for path in TEXT_ROUTES:
            r = client.get(path, headers={"Authorization": f"Bearer {token}"})
            assert r.status_code == 200, (path, r.text)
            content_type = r.headers["content-type"]
            assert content_type.startswith("text/") and content_type.count("charset=") == 1, (path, content_type)
        assert client.get("/metrics").headers["content-type"] == "text/plain; version=1.0.0; charset=utf-8"
        assert client.get("/api/supervise/overdue.csv", headers={"Authorization": f"Bearer {token}"}).headers[
            "content-type"] == "text/csv; charset=utf-8"


# -- DESIGN.md, Personal data: "only their digests reach the public log … no digit of an ID number, phone". A
# registry stream id is the "case" of every entry of its stream, served to anyone by /log/entries, the entry
# bundles and /events; the writer accepted person:party/<an ID number> and person:party/<a phone>.
def test_a_registry_stream_id_carrying_an_id_number_or_phone_is_refused_before_it_reaches_the_public_log(
    web_ledger: WebLedger,
) -> None:
    from ledger.court.keys import SigningKey
    from ledger.ledger import sign
    from tests.conftest import ORIGIN

    fx = web_ledger.fx

    def register(stream: str, key: SigningKey) -> bytes:  # signed now: the app's writer keeps server time
        return sign(fx.authority, log=ORIGIN, case=stream, case_version=0, type="key.registered", actor=fx.authority.name,
                    payload={"vkey": key.verifier.text, "role": "party", "agency": None, "valid_from": None})

    with TestClient(web_ledger.app()) as client:
        before = wait_for_size(client, web_ledger.leaf_count())
        for stream in ("person:party/110101199003071234", "person:party/13800138000", "person:party/110101900307123"):
            r = client.post("/api/acts", content=register(stream, SigningKey.generate(stream.removeprefix("person:"))))
            assert r.status_code == 400 and r.json()["code"] == "bad-case-id", (stream, r.text)
        assert fx.store.stream_state("person:party/110101199003071234") is None
        # a party named by its credit code, and staff by role and number, are still registered
        act = register("person:party/91360100MA35F7KX4B", SigningKey.generate("party/91360100MA35F7KX4B"))
        assert client.post("/api/acts", content=act).status_code == 201, client.post("/api/acts", content=act).text
        size = int(wait_for_size(client, int(before.splitlines()[1]) + 1).splitlines()[1])
        assert all(b"110101199003071234" not in client.get(f"/log/entries/{i}").content for i in range(size))
