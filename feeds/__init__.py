"""Disclosure and checkpoint feeds: Atom and RSS (feedgen), JSON Feed 1.1 (msgspec), RFC 5005 paging, ETags.

Plain data in (``FeedMeta``, ``FeedPage`` of ``FeedItem``), bytes out; no knowledge of where items come from.
Imports only the standard library, msgspec, feedgen and lxml.
"""

from feeds.errors import FeedError, FeedInputError
from feeds.http import RENDER_VERSION, etag_for, last_modified, not_modified
from feeds.ids import feed_id, item_id, tag_uri
from feeds.kinds import FEED_KINDS, FeedKind, carries, feed_path, select
from feeds.model import FORMATS, PAGE_SIZE, FeedItem, FeedMeta, FeedPage, Format
from feeds.paging import (
    EXTENSIONS,
    PageBounds,
    archive_page,
    current_page,
    in_feed_order,
    page_bounds,
    page_url,
    pages,
    resolve_archive,
)
from feeds.render import ATOM, CONTENT_TYPES, JSON_FEED, RSS, render, render_atom, render_json, render_rss

__all__ = [
    "ATOM",
    "CONTENT_TYPES",
    "EXTENSIONS",
    "FEED_KINDS",
    "FORMATS",
    "JSON_FEED",
    "PAGE_SIZE",
    "RENDER_VERSION",
    "RSS",
    "FeedError",
    "FeedInputError",
    "FeedItem",
    "FeedKind",
    "FeedMeta",
    "FeedPage",
    "Format",
    "PageBounds",
    "archive_page",
    "carries",
    "current_page",
    "etag_for",
    "feed_id",
    "feed_path",
    "in_feed_order",
    "item_id",
    "last_modified",
    "not_modified",
    "page_bounds",
    "page_url",
    "pages",
    "render",
    "render_atom",
    "render_json",
    "render_rss",
    "resolve_archive",
    "select",
    "tag_uri",
]
