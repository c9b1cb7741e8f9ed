"""The feed kinds the portal publishes, their paths, and which items each one carries."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal
from urllib.parse import quote

from feeds.errors import FeedInputError
from feeds.model import CHECKPOINT, WITHDRAWAL, FeedItem

FeedKind = Literal["disclosures", "agency", "domain", "party", "withdrawals", "checkpoints"]
FEED_KINDS: tuple[FeedKind, ...] = ("disclosures", "agency", "domain", "party", "withdrawals", "checkpoints")
_KEYED: frozenset[str] = frozenset({"agency", "domain", "party"})


def feed_path(kind: FeedKind, key: str | None = None) -> str:
    """``/feeds/disclosures``, ``/feeds/agency/agency%2F3201-zhzf`` … (no extension; the key is one path segment)."""
    if (kind in _KEYED) != (key is not None):
        raise FeedInputError(f"feed kind {kind!r} {'needs' if kind in _KEYED else 'takes no'} key")
    if key is None:
        return f"/feeds/{kind}"
    return f"/feeds/{kind}/{quote(key, safe='')}"


def carries(kind: FeedKind, key: str | None, item: FeedItem) -> bool:
    """Whether the feed ``kind``/``key`` carries ``item``; disclosure feeds carry withdrawals and expiries too."""
    if kind == "checkpoints":
        return item.kind == CHECKPOINT
    if item.kind == CHECKPOINT:
        return False
    if kind == "disclosures":
        return True
    if kind == "withdrawals":
        return item.kind == WITHDRAWAL
    if kind == "agency":
        return item.agency == key
    if kind == "domain":
        return item.domain == key
    return item.party_uscc == key


def select(kind: FeedKind, key: str | None, items: Iterable[FeedItem]) -> list[FeedItem]:
    """The items of feed ``kind``/``key``, in the order given."""
    return [item for item in items if carries(kind, key, item)]
