"""The feeds the service publishes, kept in memory and rendered once per page state: checkpoint items from the
signed checkpoints (at most one a minute), disclosure items from the disclosure projection, ETags from positions.

No litestar here: :class:`FeedCatalog` answers "the page, its validators and its bytes (plain and gzip)", and the
HTTP layer only matches the request against them (feeds/http.py decides 304).
"""

from __future__ import annotations

import datetime as dt
import gzip
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from urllib.parse import unquote

from feeds import (
    CONTENT_TYPES,
    FeedItem,
    FeedKind,
    FeedMeta,
    Format,
    archive_page,
    current_page,
    etag_for,
    feed_path,
    last_modified,
    page_bounds,
    render,
    resolve_archive,
    select,
)
from ledger import canonical

CHECKPOINT_FEED_INTERVAL = dt.timedelta(minutes=1)  # DESIGN.md: at most one checkpoint a minute in the feed
KEYED: tuple[FeedKind, ...] = ("agency", "domain", "party")
UNKEYED: tuple[FeedKind, ...] = ("disclosures", "withdrawals", "checkpoints")
_TITLES: dict[str, tuple[str, str]] = {
    "disclosures": ("行政执法公示", "行政处罚决定及其撤回、到期的全部公示"),
    "agency": ("执法机关公示", "本机关作出的行政执法决定公示"),
    "domain": ("执法领域公示", "本领域的行政执法决定公示"),
    "party": ("当事人执法公示", "按统一社会信用代码订阅的公示"),
    "withdrawals": ("撤回公示", "行政执法决定被变更、撤销或确认违法、无效后的撤回公示"),
    "checkpoints": ("账本检查点", "已签名的默克尔日志检查点（每分钟至多一个）"),
}


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
    return FeedRequest(kind, key, fmt, archive)  # type: ignore[arg-type]


def sample_checkpoints(rows: Sequence[tuple[int, bytes, str, str]], last: tuple[int, dt.datetime] | None) -> list[tuple[int, bytes, str, dt.datetime]]:
    """The checkpoints the feed carries: greedily the first one at least a minute after the previous pick, so
    earlier picks never change as checkpoints are added (rows: size, root, note, created_at, by size)."""
    picked = []
    previous = last[1] if last else None
    for size, root, note, created_at in rows:
        at = canonical.parse_timestamp(created_at)
        if previous is None or at - previous >= CHECKPOINT_FEED_INTERVAL:
            picked.append((size, root, note, at))
            previous = at
    return picked


class FeedCatalog:
    """Every feed's items in memory, and an LRU of rendered pages keyed by ETag."""

    def __init__(self, origin: str, base_url: str, created: dt.datetime, page_size: int, cache_pages: int = 512) -> None:
        self.origin = origin
        self.base_url = base_url
        self.created = created
        self.page_size = page_size
        self._checkpoints: list[FeedItem] = []
        self._last_checkpoint: tuple[int, dt.datetime] | None = None
        self._disclosures: list[FeedItem] = []
        self._by_kind: dict[tuple[str, str | None], list[FeedItem]] = {}
        self._cache: OrderedDict[str, RenderedPage] = OrderedDict()
        self._cache_pages = cache_pages
        self._lock = threading.Lock()
        self.on_checkpoint: list[Callable[[FeedItem], None]] = []

    # -- items -----------------------------------------------------------------------------------------------
    def add_checkpoints(self, rows: Sequence[tuple[int, bytes, str, str]]) -> None:
        fresh = sample_checkpoints(rows, self._last_checkpoint)
        if not fresh:
            return
        items = [
            FeedItem(
                leaf_index=size - 1,
                entry_hash=root.hex(),
                kind="checkpoint",
                title=f"检查点：{size} 条记录",
                summary=f"{self.origin} 在 {canonical.format_timestamp(at)} 签署的检查点，树大小 {size}",
                published=at,
                updated=at,
                page_url="/log/checkpoint",
                proof_url=f"/log/proof/consistency?first=1&second={size}",
                tree_size=size,
                content=note,
            )
            for size, root, note, at in fresh
        ]
        with self._lock:
            self._checkpoints = [*self._checkpoints, *items]
            self._last_checkpoint = (fresh[-1][0], fresh[-1][3])

    def set_disclosures(self, items: Sequence[FeedItem]) -> None:
        with self._lock:
            self._disclosures = list(items)
            self._by_kind = {}

    def disclosures(self) -> list[FeedItem]:
        return self._disclosures

    def items(self, kind: FeedKind, key: str | None) -> list[FeedItem]:
        if kind == "checkpoints":
            return self._checkpoints
        cached = self._by_kind.get((kind, key))
        if cached is None:
            cached = select(kind, key, self._disclosures)
            with self._lock:
                self._by_kind[(kind, key)] = cached
        return cached

    # -- pages -----------------------------------------------------------------------------------------------
    def meta(self, kind: FeedKind, key: str | None) -> FeedMeta:
        title, subtitle = _TITLES[kind]
        return FeedMeta(
            origin=self.origin,
            base_url=self.base_url,
            path=feed_path(kind, key),
            title=f"{title}：{key}" if key else title,
            subtitle=subtitle,
            author_name=self.origin,
            created=self.created,
            home_path="/" if kind != "checkpoints" else "/log/checkpoint",
        )

    def page(self, req: FeedRequest) -> RenderedPage:
        items = self.items(req.kind, req.key)
        total = len(items)
        bounds = page_bounds(total, self.page_size)
        if req.archive is not None:
            state = resolve_archive(total, req.archive, self.page_size)
            if state == "missing":
                raise FeedNotFound(f"archive {req.archive} does not exist (yet)")
            archive = req.archive if state == "archive" else None
        else:
            archive = None
        feed_key = feed_path(req.kind, req.key) + ("" if archive is None else f"/archive/{archive}")
        position = (archive + 1) * self.page_size if archive is not None else total
        etag = etag_for(feed_key, position, req.fmt, page_size=self.page_size)
        hit = self._cache.get(etag)
        if hit is not None:
            return hit
        if archive is not None:
            start, end = bounds.archive(archive)
            page = archive_page(items[start:end], archive, self.page_size)
        else:
            newest = max((i.updated for i in items), default=None)
            page = current_page(items[bounds.current_start :], total, self.page_size, updated_fallback=newest)
        meta = self.meta(req.kind, req.key)
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
            self._cache[etag] = rendered
            while len(self._cache) > self._cache_pages:
                self._cache.popitem(last=False)
        return rendered
