"""One entry point per format: a feed page (plain data) in, the bytes to serve out, with their content types."""

from __future__ import annotations

from collections.abc import Callable

from feeds._feedgen import atom_bytes, rss_bytes
from feeds.errors import FeedInputError
from feeds.jsonfeed import json_bytes
from feeds.model import FeedMeta, FeedPage, Format

ATOM = "application/atom+xml; charset=utf-8"
RSS = "application/rss+xml; charset=utf-8"
JSON_FEED = "application/feed+json; charset=utf-8"
CONTENT_TYPES: dict[Format, str] = {"atom": ATOM, "rss": RSS, "json": JSON_FEED}


def render_atom(meta: FeedMeta, page: FeedPage) -> bytes:
    """Atom 1.0 (RFC 4287) with RFC 5005 archive links."""
    return atom_bytes(meta, page)


def render_rss(meta: FeedMeta, page: FeedPage) -> bytes:
    """RSS 2.0 with RFC 5005 archive links as atom:link."""
    return rss_bytes(meta, page)


def render_json(meta: FeedMeta, page: FeedPage) -> bytes:
    """JSON Feed 1.1 with RFC 5005 paging in ``_zhifa``."""
    return json_bytes(meta, page)


_RENDERERS: dict[Format, Callable[[FeedMeta, FeedPage], bytes]] = {
    "atom": render_atom,
    "rss": render_rss,
    "json": render_json,
}


def render(fmt: Format, meta: FeedMeta, page: FeedPage) -> bytes:
    """The page in ``fmt`` ("atom", "rss" or "json"); serve it with ``CONTENT_TYPES[fmt]``."""
    try:
        renderer = _RENDERERS[fmt]
    except KeyError:
        raise FeedInputError(f"unknown feed format {fmt!r}; expected one of {sorted(_RENDERERS)}") from None
    return renderer(meta, page)
