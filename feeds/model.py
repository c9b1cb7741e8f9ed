"""Input types of the feeds: plain, frozen msgspec Structs a projection fills in; the renderers know nothing else."""

from __future__ import annotations

import datetime as dt
import re
from typing import Literal

import msgspec

from feeds.errors import FeedInputError
from feeds.text import xml_safe

Format = Literal["atom", "rss", "json"]
FORMATS: tuple[Format, ...] = ("atom", "rss", "json")

#: Items per RFC 5005 archive document, unless the caller says otherwise.
PAGE_SIZE = 100

_HEX = re.compile("(?:[0-9a-f]{2})+")

CHECKPOINT = "checkpoint"
WITHDRAWAL = "withdrawal"


def require_aware(value: dt.datetime, what: str) -> dt.datetime:
    """``value`` in UTC; a naive datetime is refused here (feedgen would raise deep inside, without saying which)."""
    if value.tzinfo is None or value.tzinfo.utcoffset(value) is None:
        raise FeedInputError(
            f"{what} is a naive datetime ({value.isoformat()}); feeds need aware datetimes (UTC)"
        )
    return value.astimezone(dt.UTC)


class FeedItem(msgspec.Struct, frozen=True, kw_only=True):
    """One disclosure (or withdrawal, expiry, checkpoint …) as it appears in every feed that carries it.

    ``page_url`` and ``proof_url`` may be absolute or relative to ``FeedMeta.base_url``. A checkpoint item sets
    ``tree_size`` (its id and order come from it) and may put the signed note in ``content``.
    """

    leaf_index: int
    entry_hash: str
    kind: str
    title: str
    summary: str
    published: dt.datetime
    updated: dt.datetime
    page_url: str
    proof_url: str
    agency: str | None = None
    agency_name: str | None = None
    domain: str | None = None
    party_uscc: str | None = None
    party_name: str | None = None
    #: Year in the item's tag id; None: the UTC year of ``published``. Never change it once published.
    year: int | None = None
    #: Leaf index of the disclosure a withdrawal (撤回) withdraws.
    withdraws: int | None = None
    #: Leaf index of the disclosure an expiry (公示期满、信用修复) ends.
    ends: int | None = None
    #: Order within the feed when it is not the leaf order: a disclosure is placed when it was published, while
    #: its id and leaf name the act it discloses (which can be older than items before it). None: leaf order.
    sequence: int | None = None
    reason: str | None = None
    categories: tuple[str, ...] = ()
    tree_size: int | None = None
    #: Full text (e.g. a checkpoint's signed note); None: the summary is the content.
    content: str | None = None

    def __post_init__(self) -> None:
        require_aware(self.published, f"item {self.leaf_index}: published")
        require_aware(self.updated, f"item {self.leaf_index}: updated")
        if not xml_safe(self.title).strip():
            # feedgen refuses an empty title (Atom and RSS); say which item, before it does
            raise FeedInputError(f"item {self.leaf_index} has a blank title")
        if not _HEX.fullmatch(self.entry_hash):
            raise FeedInputError(f"item {self.leaf_index}: entry_hash {self.entry_hash!r} is not hex")
        if self.kind == CHECKPOINT and self.tree_size is None:
            raise FeedInputError(f"checkpoint item {self.leaf_index} has no tree_size")

    @property
    def position(self) -> int:
        """Order within a feed: the tree size for checkpoints, else ``sequence`` when set, else the leaf index."""
        if self.kind == CHECKPOINT and self.tree_size is not None:
            return self.tree_size
        return self.sequence if self.sequence is not None else self.leaf_index

    @property
    def tag_year(self) -> int:
        return self.year if self.year is not None else self.published.astimezone(dt.UTC).year


class FeedMeta(msgspec.Struct, frozen=True, kw_only=True):
    """What a feed says about itself: which log, where it lives, who publishes it.

    ``path`` is the feed's path without extension (``/feeds/agency/agency%2F3201-zhzf``); ``created`` (the log's
    creation) dates the feed's tag id and is the ``updated`` of a feed with no items yet.
    """

    origin: str
    base_url: str
    path: str
    title: str
    subtitle: str
    author_name: str
    created: dt.datetime
    language: str = "zh-CN"
    #: The HTML page this feed mirrors (the feed's rel="alternate"), relative to ``base_url``.
    home_path: str = "/"

    def __post_init__(self) -> None:
        require_aware(self.created, "feed meta: created")
        if not xml_safe(self.title).strip():
            raise FeedInputError(f"feed {self.path} has a blank title")


class FeedPage(msgspec.Struct, frozen=True, kw_only=True):
    """One feed document: the subscription document (``archive_index`` None) or RFC 5005 archive ``k``.

    ``position`` counts the feed's items up to the end of this page (the ETag's position); ``updated_fallback``
    is the ``updated`` of a page with no items (default: ``FeedMeta.created``) — never the clock.
    """

    items: tuple[FeedItem, ...]
    archive_index: int | None = None
    prev_archive: int | None = None
    next_archive: int | None = None
    updated_fallback: dt.datetime | None = None
    position: int = 0

    def __post_init__(self) -> None:
        if self.updated_fallback is not None:
            require_aware(self.updated_fallback, "feed page: updated_fallback")

    @property
    def is_archive(self) -> bool:
        return self.archive_index is not None

    def updated(self, meta: FeedMeta) -> dt.datetime:
        """The page's ``updated``: its newest item's, else the fallback — from data only, never now."""
        if self.items:
            return max(require_aware(i.updated, "item updated") for i in self.items)
        return require_aware(self.updated_fallback or meta.created, "feed updated")
