"""The feeds the service publishes, rendered once per state of the log: what each feed holds comes from the
disclosure view and the signed checkpoints (``feeds.ledger``, the same queries as ``zhifa feed render``); here
only the HTTP-side caching — rendered pages (plain and gzip) kept by ETag, and a per-request shortcut that skips
the database while neither the published checkpoint nor the views have moved.

No litestar here: :class:`FeedCatalog` answers "the page, its validators and its bytes"; the HTTP layer matches
the request against them (``feeds.http.not_modified`` decides 304).
"""

from __future__ import annotations

import datetime as dt
import gzip
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from urllib.parse import unquote

from domain.redact import is_public_credit_code
from feeds import CONTENT_TYPES, FeedKind, Format, last_modified, page_bounds, render, resolve_archive
from feeds import ledger as ledger_feeds
from ledger.store import Store

KEYED: tuple[FeedKind, ...] = ("agency", "domain", "party")
UNKEYED: tuple[FeedKind, ...] = ("disclosures", "withdrawals", "checkpoints")


class FeedNotFound(LookupError):
    pass


@dataclass(frozen=True)
class FeedRequest:
    kind: FeedKind
    key: str | None
    fmt: Format
    archive: int | None


@dataclass(frozen=True)
class RenderedPage:
    etag: str
    gzip_etag: str
    last_modified: str
    last_modified_at: dt.datetime
    content_type: str
    body: bytes
    gzipped: bytes


def _split_ext(name: str) -> tuple[str, str]:
    stem, dot, fmt = name.rpartition(".")
    if not dot or not stem or fmt not in CONTENT_TYPES:
        raise FeedNotFound(f"{name!r}: a feed path ends in .atom, .rss or .json")
    return stem, fmt


def _archive(name: str) -> tuple[int, str]:
    number, fmt = _split_ext(name)
    if not number.isdigit() or (len(number) > 1 and number[0] == "0") or len(number) > 12:
        raise FeedNotFound("archive index must be a decimal without leading zeros")
    return int(number), fmt


def parse_feed_path(tail: str) -> FeedRequest:
    """What follows ``/feeds/``, percent-encoded as sent: ``disclosures.atom``, ``disclosures/archive/3.rss``,
    ``agency/agency%2F3601-zhzf.json``, ``party/<uscc>/archive/0.atom`` (a key is one encoded path segment)."""
    parts = tail.strip("/").split("/")
    archive: int | None = None
    key: str | None = None
    if len(parts) == 1:
        kind, fmt = _split_ext(parts[0])
    elif parts[0] in KEYED:
        kind, rest = parts[0], parts[1:]
        if len(rest) == 1:
            key, fmt = _split_ext(rest[0])
        elif len(rest) == 3 and rest[1] == "archive":
            key = rest[0]
            archive, fmt = _archive(rest[2])
        else:
            raise FeedNotFound("keyed feeds are <kind>/<key>.<format> or <kind>/<key>/archive/<k>.<format>")
        key = unquote(key)
        if not key:
            raise FeedNotFound("empty feed key")
    elif len(parts) == 3 and parts[1] == "archive":
        kind = parts[0]
        archive, fmt = _archive(parts[2])
    else:
        raise FeedNotFound("feeds are <kind>.<format> or <kind>/archive/<k>.<format>")
    if (kind in KEYED and key is None) or kind not in (*KEYED, *UNKEYED):
        raise FeedNotFound(f"no feed {kind!r} here")
    if kind == "party" and not is_public_credit_code(key or ""):
        # Only organisations and sole traders have a party feed; any other key (an ID number, a name) would be
        # written back into a public, cached page — and the message does not repeat it either.
        raise FeedNotFound("a party feed is keyed by a valid unified social credit code")
    return FeedRequest(kind, key, fmt, archive)  # type: ignore[arg-type]


class FeedCatalog:
    """Rendered feed pages: an LRU by ETag, and the last answer per request for as long as ``stamp`` (the published
    checkpoint and the views' positions) has not changed — the cached path does no I/O."""

    def __init__(self, store: Store, base_url: str, page_size: int, cache_pages: int = 512,
                 clock: Callable[[], dt.datetime] | None = None) -> None:
        self.store = store
        # The server's time: a subscription document leaves out what passed its maximum publicity period by then.
        self.clock: Callable[[], dt.datetime] = clock or (lambda: dt.datetime.now(dt.UTC))
        self.base_url = base_url
        self.page_size = page_size
        self._by_etag: OrderedDict[str, RenderedPage] = OrderedDict()
        # request → (stamp, page, the moment the page stops being current by time alone: the next maximum end)
        self._by_request: OrderedDict[FeedRequest, tuple[Hashable, RenderedPage, dt.datetime | None]] = OrderedDict()
        self._cache_pages = cache_pages
        self._lock = threading.Lock()

    def cached(self, req: FeedRequest, stamp: Hashable) -> RenderedPage | None:
        hit = self._by_request.get(req)
        if hit is None or hit[0] != stamp:
            return None
        return hit[1] if hit[2] is None or self.clock() < hit[2] else None

    def page(self, req: FeedRequest, stamp: Hashable) -> RenderedPage:
        hit = self.cached(req, stamp)
        if hit is not None:
            return hit
        total = ledger_feeds.count(self.store, req.kind, req.key)
        archive = req.archive
        if archive is not None:
            state = resolve_archive(total, archive, self.page_size)
            if state == "missing":
                raise FeedNotFound(f"archive {archive} does not exist (the feed has {page_bounds(total, self.page_size).archives})")
            if state == "current":
                archive = None  # the newest archive's next-archive: the page still filling
        as_of = self.clock()
        etag = ledger_feeds.feed_etag(self.store, req.fmt, req.kind, req.key, archive, page_size=self.page_size, as_of=as_of)
        until = ledger_feeds.current_until(self.store, req.kind, archive, as_of)
        rendered = self._by_etag.get(etag)
        if rendered is None:
            meta = ledger_feeds.feed_meta(self.store, req.kind, req.key, base_url=self.base_url)
            page = ledger_feeds.feed_page(self.store, req.kind, req.key, archive, page_size=self.page_size, as_of=as_of)
            body = render(req.fmt, meta, page)
            modified = page.updated(meta)
            rendered = RenderedPage(
                etag=etag,
                gzip_etag=etag[:-1] + '-gz"',
                last_modified=last_modified(modified),
                last_modified_at=modified,
                content_type=CONTENT_TYPES[req.fmt],
                body=body,
                gzipped=gzip.compress(body, compresslevel=6, mtime=0),
            )
        with self._lock:
            self._by_etag[etag] = rendered
            self._by_request[req] = (stamp, rendered, until)
            for cache in (self._by_etag, self._by_request):
                while len(cache) > self._cache_pages:
                    cache.popitem(last=False)
        return rendered
