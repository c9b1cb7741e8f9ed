"""RFC 5005 §4 archived feeds: fixed-size archive pages that never change once full, and their URLs.

The feed's items, in publication order (position ascending), are cut into pages of ``P`` items. Archive ``k``
(0-based) holds items ``[kP, (k+1)P)`` and exists only when full, so its bytes never change; the subscription
document holds the remainder ``[nP, total)`` (n full archives; it may be empty). Every archive links
``next-archive`` to ``k + 1`` — also the newest one, whose ``k + 1`` is the page still filling: a web layer serves
that URL as the subscription document (see ``resolve_archive``), so no archive gains a link later.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Sequence
from typing import Literal
from urllib.parse import urljoin

import msgspec

from feeds.errors import FeedInputError
from feeds.model import PAGE_SIZE, FeedItem, FeedMeta, FeedPage, Format, require_aware

EXTENSIONS: dict[Format, str] = {"atom": "atom", "rss": "rss", "json": "json"}


class PageBounds(msgspec.Struct, frozen=True, kw_only=True):
    """Where a feed of ``total`` items is cut: ``archives`` full pages, then the current page ``[start, total)``."""

    total: int
    page_size: int
    archives: int
    current_start: int

    def archive(self, k: int) -> tuple[int, int]:
        """Item range ``[start, end)`` of archive ``k``."""
        if not 0 <= k < self.archives:
            raise FeedInputError(f"archive {k} does not exist (the feed has {self.archives} full pages)")
        return k * self.page_size, (k + 1) * self.page_size


def _check_page_size(page_size: int) -> None:
    if page_size < 1:
        raise FeedInputError(f"page size {page_size} must be at least 1")


def page_bounds(total: int, page_size: int = PAGE_SIZE) -> PageBounds:
    """Bounds of every page of a feed of ``total`` items, so a caller can fetch only the slice it serves."""
    _check_page_size(page_size)
    if total < 0:
        raise FeedInputError(f"feed size {total} is negative")
    archives = total // page_size
    return PageBounds(total=total, page_size=page_size, archives=archives, current_start=archives * page_size)


def resolve_archive(
    total: int, k: int, page_size: int = PAGE_SIZE
) -> Literal["archive", "current", "missing"]:
    """What ``archive/<k>`` is for a feed of ``total`` items: a full archive, the page still filling (serve or
    redirect to the subscription document: it is the target of the newest archive's next-archive), or nothing."""
    bounds = page_bounds(total, page_size)
    if 0 <= k < bounds.archives:
        return "archive"
    return "current" if k == bounds.archives else "missing"


def archive_page(items: Sequence[FeedItem], k: int, page_size: int = PAGE_SIZE) -> FeedPage:
    """Archive ``k`` from exactly its ``page_size`` items (``items[kP:(k+1)P]`` of the feed)."""
    _check_page_size(page_size)
    if len(items) != page_size:
        raise FeedInputError(
            f"archive {k} needs {page_size} items, got {len(items)}: only full pages are archives"
        )
    return FeedPage(
        items=tuple(items),
        archive_index=k,
        prev_archive=k - 1 if k > 0 else None,
        next_archive=k + 1,
        position=(k + 1) * page_size,
    )


def current_page(
    items: Sequence[FeedItem],
    total: int,
    page_size: int = PAGE_SIZE,
    *,
    updated_fallback: dt.datetime | None = None,
) -> FeedPage:
    """The subscription document from the feed's last ``total - nP`` items; ``updated_fallback`` dates it when empty
    (give the newest archived item's ``updated`` if there is one, else the log's creation)."""
    bounds = page_bounds(total, page_size)
    if len(items) != total - bounds.current_start:
        raise FeedInputError(
            f"the current page of a {total}-item feed holds {total - bounds.current_start} items, got {len(items)}"
        )
    if updated_fallback is not None:
        require_aware(updated_fallback, "current page: updated_fallback")
    return FeedPage(
        items=tuple(items),
        archive_index=None,
        prev_archive=bounds.archives - 1 if bounds.archives else None,
        next_archive=None,
        updated_fallback=updated_fallback,
        position=total,
    )


def in_feed_order(items: Sequence[FeedItem]) -> list[FeedItem]:
    """``items`` by position (leaf index; tree size for checkpoints); two items at one position are refused."""
    ordered = sorted(items, key=lambda item: item.position)
    for before, after in itertools.pairwise(ordered):
        if before.position == after.position:
            raise FeedInputError(f"two feed items at position {after.position}")
    return ordered


def pages(
    items: Sequence[FeedItem], page_size: int = PAGE_SIZE, *, empty_updated: dt.datetime | None = None
) -> tuple[tuple[FeedPage, ...], FeedPage]:
    """``(archives, current)`` of the whole feed, deterministically. Withdrawals and expiries are items of their own.

    ``empty_updated`` dates the current page when the feed has no items at all (default: ``FeedMeta.created``).
    """
    ordered = in_feed_order(items)
    bounds = page_bounds(len(ordered), page_size)
    archives = tuple(
        archive_page(ordered[slice(*bounds.archive(k))], k, page_size) for k in range(bounds.archives)
    )
    newest = max((item.updated for item in ordered), default=None)
    current = current_page(
        ordered[bounds.current_start :], len(ordered), page_size, updated_fallback=newest or empty_updated
    )
    return archives, current


def page_url(meta: FeedMeta, fmt: Format, archive_index: int | None = None) -> str:
    """Absolute URL of a page: ``<base><path>.<ext>`` or ``<base><path>/archive/<k>.<ext>``."""
    suffix = "" if archive_index is None else f"/archive/{archive_index}"
    return f"{meta.base_url.rstrip('/')}{meta.path}{suffix}.{EXTENSIONS[fmt]}"


def absolute(meta: FeedMeta, url: str) -> str:
    """``url`` resolved against the feed's base URL (absolute URLs are kept)."""
    return urljoin(meta.base_url.rstrip("/") + "/", url)
