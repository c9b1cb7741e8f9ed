"""Stable ids of feeds and items, exactly as DESIGN.md pins them: ``tag:<origin>,<year>:disclosure/<leaf index>``.

The log origin is used as it is (``tag:zhifa.example/ledger,2026:disclosure/17``), because outside clients are
pointed at exactly that form. When the origin is a plain DNS name (``js.example``) the id is also an RFC 4151 tag
URI; an origin with a path (``js.example/zhifa``) gives an opaque URI that is still a valid IRI for Atom's
``atom:id`` (RFC 4287 §4.2.6) and compares character by character. Characters outside a URI are percent-encoded.
"""

from __future__ import annotations

import re
from urllib.parse import quote

from feeds.errors import FeedInputError
from feeds.model import CHECKPOINT, FeedItem

_DNS_LABEL = r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
_DNS_NAME = re.compile(rf"{_DNS_LABEL}(?:\.{_DNS_LABEL})*")
_EMAIL = re.compile(rf"[a-z0-9!#$&'*+\-.^_`{{|}}~]+@{_DNS_NAME.pattern}")
# RFC 4151 specific = *( pchar / "/" / "?" ); pchar = unreserved / pct-encoded / sub-delims / ":" / "@".
_SPECIFIC_SAFE = "/?:@!$&'()*+,;=-._~%"


_ORIGIN = re.compile(r"[A-Za-z0-9.\-]+(?::[0-9]+)?(?:/[A-Za-z0-9._~\-]+)*")


def _check_origin(origin: str) -> str:
    if not _ORIGIN.fullmatch(origin):
        raise FeedInputError(f"origin {origin!r} is not a host name with an optional path, so it cannot lead a tag id")
    return origin


def tag_uri(origin: str, year: int, specific: str) -> str:
    """``tag:<origin>,<year>:<specific>``, non-URI characters of the specific part percent-encoded."""
    if not 1 <= year <= 9999:
        raise FeedInputError(f"tag year {year} is not a four-digit year")
    specific = specific.lstrip("/")
    return f"tag:{_check_origin(origin)},{year:04d}:{quote(specific, safe=_SPECIFIC_SAFE)}"


def item_id(origin: str, item: FeedItem) -> str:
    """``…:disclosure/<leaf index>``, or ``…:checkpoint/<tree size>`` for a checkpoint item."""
    if item.kind == CHECKPOINT:
        return tag_uri(origin, item.tag_year, f"checkpoint/{item.tree_size}")
    return tag_uri(origin, item.tag_year, f"disclosure/{item.leaf_index}")


def feed_id(origin: str, year: int, path: str) -> str:
    """The logical feed's id, shared by its subscription and archive documents: ``…:feeds/disclosures``."""
    return tag_uri(origin, year, path)
