"""HTTP validators for feed pages: strong ETags from the feed's position, Last-Modified, and the 304 decision."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from email.utils import format_datetime, parsedate_to_datetime

from feeds.model import PAGE_SIZE, require_aware

#: Bumped whenever rendered bytes change for the same items (template, library or format change), so old ETags
#: stop matching.
RENDER_VERSION = "feeds-2"  # 2: checkpoint items link their own note as text/plain; the checkpoint feed's home is /

# entity-tag = [ "W/" ] DQUOTE *etagc DQUOTE; etagc = %x21 / %x23-7E / obs-text (RFC 9110 §8.8.3)
_ENTITY_TAG = re.compile(r'\s*(W/)?"([\x21\x23-\x7e\x80-\xff]*)"\s*(?:,|$)')


def etag_for(feed_key: str, position: int, fmt: str, *, page_size: int = PAGE_SIZE) -> str:
    """Strong ETag (quoted) of a page: the page's bytes are a function of the feed (``feed_key``, e.g. its path
    with the archive index), the number of feed items through the page, the format, the page size and the renderer
    version — so it is computed without rendering."""
    material = "\x00".join((RENDER_VERSION, feed_key, str(position), fmt, str(page_size)))
    return '"' + hashlib.sha256(material.encode("utf-8")).hexdigest()[:32] + '"'


def _second(value: dt.datetime) -> dt.datetime:
    return require_aware(value, "last modified").replace(microsecond=0)


def last_modified(value: dt.datetime) -> str:
    """IMF-fixdate (RFC 9110 §5.6.7): ``Sun, 06 Nov 1994 08:49:37 GMT``."""
    return format_datetime(_second(value), usegmt=True)


def _opaque_tags(field: str) -> list[str] | None:
    """The opaque-tags of an If-None-Match list; None for ``*``. Malformed members are skipped."""
    if field.strip() == "*":
        return None
    tags: list[str] = []
    pos = 0
    while pos < len(field):
        match = _ENTITY_TAG.match(field, pos)
        if match is None:
            comma = field.find(",", pos)
            if comma < 0:
                break
            pos = comma + 1
            continue
        tags.append(match.group(2))
        pos = match.end()
    return tags


def _parse_http_date(field: str) -> dt.datetime | None:
    try:
        parsed = parsedate_to_datetime(field.strip())
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if parsed is None:  # pragma: no cover - older Pythons returned None
        return None
    return parsed.replace(tzinfo=dt.UTC) if parsed.tzinfo is None else parsed.astimezone(dt.UTC)


def not_modified(
    etag: str, last_modified_at: dt.datetime, if_none_match: str | None, if_modified_since: str | None
) -> bool:
    """Whether a GET/HEAD may be answered 304 (RFC 9110 §13.1.1, §13.1.3, precedence §13.2.2).

    If-None-Match, when present, decides alone (weak comparison, ``*`` or a list); If-Modified-Since counts only
    without it, and only if it parses as an HTTP-date; times compare at one-second precision.
    """
    if if_none_match is not None:
        tags = _opaque_tags(if_none_match)
        if tags is None:
            return True  # "*": the page exists
        ours = etag.removeprefix("W/").strip('"')
        return ours in tags
    if if_modified_since is not None:
        since = _parse_http_date(if_modified_since)
        if since is None:
            return False
        return _second(last_modified_at) <= since
    return False
