"""JSON Feed 1.1 (https://www.jsonfeed.org/version/1.1/) through msgspec, with RFC 5005 paging in ``_zhifa``.

JSON Feed has only ``next_url`` (older items): it points to the previous archive. The ``_zhifa`` extension object
(JSON Feed §"Extensions": keys starting with ``_``) carries ``archive``, ``current``, ``prev_archive`` and
``next_archive`` as in Atom, and per item the ledger's leaf index and entry hash.
"""

from __future__ import annotations

import datetime as dt

import msgspec

from feeds.ids import item_id
from feeds.model import FeedItem, FeedMeta, FeedPage, require_aware
from feeds.paging import absolute, page_url
from feeds.text import xml_safe, xml_safe_opt

VERSION = "https://jsonfeed.org/version/1.1"


class _Base(msgspec.Struct, omit_defaults=True, frozen=True, kw_only=True):
    """Absent keys are omitted, never written as null; required keys therefore have no default."""


class Author(_Base, omit_defaults=True, frozen=True, kw_only=True):
    name: str
    url: str | None = None


class ItemExtension(_Base, omit_defaults=True, frozen=True, kw_only=True):
    leaf_index: int
    entry_hash: str
    kind: str
    tree_size: int | None = None
    withdraws: int | None = None
    ends: int | None = None
    reason: str | None = None
    agency: str | None = None
    agency_name: str | None = None
    domain: str | None = None
    party_uscc: str | None = None
    party_name: str | None = None


class Item(_Base, omit_defaults=True, frozen=True, kw_only=True):
    id: str
    url: str
    external_url: str
    title: str
    summary: str
    content_text: str
    date_published: dt.datetime
    date_modified: dt.datetime
    tags: tuple[str, ...] | None = None
    zhifa: ItemExtension = msgspec.field(name="_zhifa")


class FeedExtension(_Base, omit_defaults=True, frozen=True, kw_only=True):
    # no default: "archive": false is written on the subscription document too
    archive: bool
    current: str
    updated: dt.datetime
    prev_archive: str | None = None
    next_archive: str | None = None


class JsonFeed(_Base, omit_defaults=True, frozen=True, kw_only=True):
    version: str
    title: str
    home_page_url: str
    feed_url: str
    description: str | None = None
    next_url: str | None = None
    language: str | None = None
    authors: tuple[Author, ...] | None = None
    items: tuple[Item, ...]
    zhifa: FeedExtension = msgspec.field(name="_zhifa")


_encode = msgspec.json.Encoder().encode
decode = msgspec.json.Decoder(JsonFeed).decode


def _tags(item: FeedItem) -> tuple[str, ...]:
    tags = [item.kind, *(t for t in (item.agency, item.domain) if t), *item.categories]
    return tuple(dict.fromkeys(xml_safe(t) for t in tags if t))


def _item(meta: FeedMeta, item: FeedItem) -> Item:
    summary = xml_safe(item.summary)
    return Item(
        id=item_id(meta.origin, item),
        url=absolute(meta, xml_safe(item.page_url)),
        external_url=absolute(meta, xml_safe(item.proof_url)),
        title=xml_safe(item.title),
        summary=summary,
        content_text=xml_safe(item.content) if item.content is not None else summary,
        date_published=require_aware(item.published, f"item {item.leaf_index} published"),
        date_modified=require_aware(item.updated, f"item {item.leaf_index} updated"),
        tags=_tags(item) or None,
        zhifa=ItemExtension(
            leaf_index=item.leaf_index,
            entry_hash=xml_safe(item.entry_hash),
            kind=xml_safe(item.kind),
            tree_size=item.tree_size,
            withdraws=item.withdraws,
            ends=item.ends,
            reason=xml_safe_opt(item.reason),
            agency=xml_safe_opt(item.agency),
            agency_name=xml_safe_opt(item.agency_name),
            domain=xml_safe_opt(item.domain),
            party_uscc=xml_safe_opt(item.party_uscc),
            party_name=xml_safe_opt(item.party_name),
        ),
    )


def json_feed(meta: FeedMeta, page: FeedPage) -> JsonFeed:
    """The page as a JSON Feed 1.1 object."""

    def url(k: int | None) -> str | None:
        return None if k is None else page_url(meta, "json", k)

    return JsonFeed(
        version=VERSION,
        title=xml_safe(meta.title),
        home_page_url=absolute(meta, meta.home_path),
        feed_url=page_url(meta, "json", page.archive_index),
        description=xml_safe(meta.subtitle) or None,
        next_url=url(page.prev_archive),
        language=meta.language,
        authors=(Author(name=xml_safe(meta.author_name)),),
        items=tuple(_item(meta, item) for item in page.items),
        zhifa=FeedExtension(
            archive=page.is_archive,
            current=page_url(meta, "json"),
            updated=page.updated(meta),
            prev_archive=url(page.prev_archive),
            next_archive=url(page.next_archive),
        ),
    )


def json_bytes(meta: FeedMeta, page: FeedPage) -> bytes:
    """UTF-8 JSON, two-space indented, keys in the order of the spec's structs."""
    out: bytes = msgspec.json.format(_encode(json_feed(meta, page)), indent=2)
    return out + b"\n"
