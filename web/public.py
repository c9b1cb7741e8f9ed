"""Public reading: feeds over HTTP (Atom, RSS, JSON Feed; strong ETags, Last-Modified, 304, gzip) and live
events (SSE at /events: new entries, disclosures and checkpoints, keep-alive comments, Last-Event-ID resume)."""

from __future__ import annotations

import asyncio
import base64
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import msgspec
from litestar import Controller, Request, Response, get
from litestar.openapi.spec import OpenAPIMediaType, OpenAPIResponse, Operation, Schema
from litestar.params import FromPath
from litestar.response import ServerSentEvent, ServerSentEventMessage

from feeds import ATOM, JSON_FEED, RSS, not_modified
from ledger.envelope import entry_hash
from projections import disclosure as disclosure_view
from web.deps import ServicesDep
from web.feed_catalog import FeedNotFound, parse_feed_path
from web.problems import NotFound, problems
from web.services import Services

FEED_CACHE = "public, max-age=30"
HOLD_POLLS = 10  # poll intervals new entries wait for the disclosure view before they go out without ids
NO_COMPRESSION = {"no_compression": True}  # bodies gzipped ahead of time (and streams must not be buffered)


@dataclass


class _FeedOperation(Operation):
    """200 in any of the three feed media types, 304 without a body."""

    def __post_init__(self) -> None:
        text = Schema(type="string")  # type: ignore[arg-type]
        ok = self.responses.get("200") if self.responses else None
        description = ok.description if isinstance(ok, OpenAPIResponse) else "The feed page"
        self.responses = {
            **(self.responses or {}),
            "200": OpenAPIResponse(
                description=description,
                content={m.split(";")[0]: OpenAPIMediaType(schema=text) for m in (ATOM, RSS, JSON_FEED)},
            ),
            "304": OpenAPIResponse(description="Not modified (If-None-Match / If-Modified-Since matched)"),
        }


@dataclass


class _EventsOperation(Operation):
    def __post_init__(self) -> None:
        self.responses = {
            **(self.responses or {}),
            "200": OpenAPIResponse(
                description="An endless text/event-stream",
                content={"text/event-stream": OpenAPIMediaType(schema=Schema(type="string"))},  # type: ignore[arg-type]
            ),
        }


class FeedsController(Controller):
    path = "/feeds"
    tags = ["public"]

    @get(
        "/{tail:path}",
        responses=problems(404),
        operation_class=_FeedOperation,
        opt=NO_COMPRESSION,
        summary="A feed page",
        description=(
            "`/feeds/disclosures.{atom,rss,json}`, `/feeds/agency/{id}.*`, `/feeds/domain/{id}.*`, "
            "`/feeds/party/{uscc}.*`, `/feeds/withdrawals.*`, `/feeds/checkpoints.*`, and RFC 5005 archive pages "
            "`<feed>/archive/<k>.<format>` (full archives never change). A key is one percent-encoded segment."
        ),
    )
    async def feed(self, services: ServicesDep, request: Request[Any, Any, Any], tail: FromPath[str]) -> Response[bytes]:
        """A feed page with a strong ETag and Last-Modified; 304 when the client's validators match."""
        raw = request.scope.get("raw_path") or request.scope["path"].encode()
        raw_tail = raw.decode("latin-1").split("?", 1)[0].removeprefix("/feeds/")
        try:
            req = parse_feed_path(raw_tail)
            stamp = services.feed_stamp
            hit = services.feeds.cached(req, stamp)
            page = hit if hit is not None else await asyncio.to_thread(services.feeds.page, req, stamp)
        except FeedNotFound as exc:
            raise NotFound(str(exc)) from exc
        gz = "gzip" in request.headers.get("accept-encoding", "")
        etag = page.gzip_etag if gz else page.etag
        headers = {"ETag": etag, "Last-Modified": page.last_modified, "Cache-Control": FEED_CACHE, "Vary": "Accept-Encoding"}
        inm = request.headers.get("if-none-match")
        if inm is not None:
            inm = inm.replace('-gz"', '"')  # either encoding's tag names the same page state
        if not_modified(page.etag, page.last_modified_at, inm, request.headers.get("if-modified-since")):
            return Response(b"", status_code=304, headers=headers)
        if gz:
            return Response(page.gzipped, media_type=page.content_type, headers={**headers, "Content-Encoding": "gzip"})
        return Response(page.body, media_type=page.content_type, headers=headers)


def _entry_events(services: Services, start: int, end: int, covered: int) -> list[ServerSentEventMessage]:
    """Entry events for leaves ``[start, end)``; a leaf's id (leaf + 1) only when the disclosure view has processed
    it (``leaf < covered``), so an id never claims a disclosure the stream could still owe."""
    out = []
    for i in range(start, end, 256):
        for offset, body in enumerate(services.entries_by_leaf(i, min(end, i + 256))):
            leaf = i + offset
            data = {"leaf_index": leaf, "entry_hash": entry_hash(body).hex(), "entry": msgspec.json.decode(body)}
            ident = str(leaf + 1) if leaf < covered else None
            out.append(ServerSentEventMessage(event="entry", id=ident, data=msgspec.json.encode(data).decode()))
    return out


def _covered(services: Services, size: int) -> int:
    """How many leaves, from the first, the disclosure view has processed (at most ``size``): the disclosures those
    leaves made public are all in the view."""
    position = services.runner.tracking.position(disclosure_view.DisclosureView.name)
    with services.store.db.read() as cur:
        row = cur.execute(
            "SELECT leaf_index FROM zhifa_leaves WHERE position > ? ORDER BY position LIMIT 1", (position,)
        ).fetchone()
    return size if row is None else min(size, int(row[0]))


def _published_before(services: Services, size: int) -> int:
    """How many disclosure items were made public by acts below leaf ``size`` (a resumed stream has seen them)."""
    with services.store.db.read() as cur:
        row = cur.execute(
            f"SELECT COUNT(*) FROM {disclosure_view.ITEMS} i JOIN zhifa_leaves lt ON lt.position = i.position "
            "WHERE lt.leaf_index < ?",
            (size,),
        ).fetchone()
    return int(row[0]) if row else 0


def _disclosure_events(services: Services, seen: int) -> list[ServerSentEventMessage]:
    """The disclosure items from the ``seen``-th on (public once sealed; their leaves are named in the data). They
    carry no id: the checkpoint event that follows them does, once every leaf below it has been processed (see
    ``event_stream``)."""
    out = []
    for item in disclosure_view.items(services.store, offset=seen):
        view = {k: v for k, v in item.public_dict().items() if k in _DISCLOSURE_FIELDS}
        view["page_url"] = f"/disclosures/{item.leaf_index}"
        out.append(ServerSentEventMessage(event="disclosure", data=msgspec.json.encode(view).decode()))
    return out


_DISCLOSURE_FIELDS = frozenset(
    {"seq", "kind", "stage", "leaf_index", "entry_hash", "agency", "agency_name", "domain", "party_uscc", "party_name",
     "title", "summary", "published_at", "ref_leaf", "proof_size"}
)


async def event_stream(services: Services, position: int) -> AsyncIterator[ServerSentEventMessage]:
    """From leaf ``position`` on: each new leaf, the disclosures that became public, then the checkpoint covering
    them; a keep-alive comment when idle.

    An event's id N (a leaf count) means: every entry below leaf N and every disclosure those entries made public
    has been sent — so ``Last-Event-ID: N`` resumes exactly (``_published_before`` counts what was seen). The sealer
    and the disclosure view follow the log independently: a checkpoint can be out before the view has processed
    its acts. Entries then wait for the view (up to ``HOLD_POLLS`` poll intervals, at least a second); past that
    they are sent without an id, and so is a checkpoint the view has not reached: a client reconnecting then
    resumes from its last id and may see some entries twice, never miss a disclosure (SSE: an event without an id
    leaves the last event id unchanged)."""
    opts = services.options
    hold = max(1.0, HOLD_POLLS * opts.poll_interval)
    # The opening message names the stream's position as its id when the view has processed the leaves below it
    # (an id sets the client's last event id even without data), so a client reconnecting before any other id
    # resumes from here instead of starting afresh.
    at_start = await asyncio.to_thread(_covered, services, position) if services.published is not None else 0
    yield ServerSentEventMessage(data=None, comment="zhifa events", retry=2000,
                                 id=str(position) if at_start >= position else None)
    seen = await asyncio.to_thread(_published_before, services, position)
    idle_since = time.monotonic()
    stamp: tuple[int, ...] = ()
    waiting_since: float | None = None
    while True:
        published = services.published
        size = 0 if published is None else published.size
        moved = False
        stamp_moved = services.feed_stamp != stamp
        covered = size
        if published is not None and (size > position or stamp_moved):
            covered = await asyncio.to_thread(_covered, services, size)
        if published is not None and size > position:
            target = size
            if covered < size:
                waiting_since = waiting_since if waiting_since is not None else time.monotonic()
                if time.monotonic() - waiting_since < hold:
                    target = max(position, covered)
            else:
                waiting_since = None
            while position < target:
                end = min(target, position + 1024)
                for message in await asyncio.to_thread(_entry_events, services, position, end, covered):
                    yield message
                position = end
                moved = True
        if stamp_moved:  # the disclosure view moved: new public items?
            stamp = services.feed_stamp
            for message in await asyncio.to_thread(_disclosure_events, services, seen):
                seen += 1
                yield message
                moved = True
        if moved and published is not None and position >= size:
            checkpoint = {"size": size, "root": base64.b64encode(published.root).decode(), "note": published.note}
            ident = str(size) if covered >= size else None
            yield ServerSentEventMessage(event="checkpoint", id=ident, data=msgspec.json.encode(checkpoint).decode())
            idle_since = time.monotonic()
        elif not moved and time.monotonic() - idle_since >= opts.keepalive_seconds:
            yield ServerSentEventMessage(data=None, comment="keep-alive")
            idle_since = time.monotonic()
        await asyncio.sleep(opts.poll_interval)


class EventsController(Controller):
    path = "/events"
    tags = ["public"]

    @get("/", opt=NO_COMPRESSION, operation_class=_EventsOperation, responses=problems())
    async def events(self, services: ServicesDep, request: Request[Any, Any, Any]) -> ServerSentEvent:
        """Server-Sent Events: ``entry`` (every new public entry), ``disclosure``, ``checkpoint``; ids are log
        positions (leaf counts). Reconnect with ``Last-Event-ID`` to resume; without it the stream starts now."""
        last = request.headers.get("last-event-id", "").strip()
        # A resumed stream continues from the client's position even before the published state reaches it.
        position = int(last) if last.isdigit() and len(last) < 16 else services.checkpoint_size()
        return ServerSentEvent(event_stream(services, position))
