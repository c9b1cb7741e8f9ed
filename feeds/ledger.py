"""The ledger's feeds: the disclosure view's public items and the signed checkpoints as RFC 5005 feed documents.

The one module of ``feeds`` that knows where items come from (``projections.disclosure``); the renderers stay
plain. Web and CLI call :func:`render_feed` (bytes), :func:`feed_page` (the page as data) and :func:`feed_etag`
/ :func:`feed_last_modified` (the validators, computed without rendering) with a ``Store``.

Mapping (DESIGN.md): an item's id is ``tag:<origin>,<year>:disclosure/<leaf index>`` of the act it discloses
(``FeedItem.leaf_index`` / ``entry_hash``); its place in the feed is when it was published (``sequence``); its
links are its page and the inclusion proof at the first checkpoint that covers it (fixed, so archive pages never
change; a consistency proof takes a reader on to any later checkpoint).
"""

from __future__ import annotations

import datetime as dt

import msgspec

from domain import disclosure as rules
from domain.catalog_model import DOMAINS
from feeds.http import etag_for
from feeds.kinds import FeedKind, feed_path
from feeds.model import CHECKPOINT, PAGE_SIZE, FeedItem, FeedMeta, FeedPage, Format
from feeds.paging import archive_page, page_bounds
from feeds.render import render
from ledger.store import Store
from projections import disclosure as view

DEFAULT_BASE_URL = "http://127.0.0.1:8000"

_FEED_TITLES: dict[str, tuple[str, str]] = {
    "disclosures": ("行政执法公示", "事前、事中、事后公示，以及撤回与公示期满的全部记录"),
    "agency": ("{key} 行政执法公示", "本机关的行政执法公示"),
    "domain": ("{key}领域行政执法公示", "本领域的行政执法公示"),
    "party": ("当事人 {key} 行政执法公示", "按统一社会信用代码订阅的行政执法公示"),
    "withdrawals": ("撤回公示", "行政执法决定被变更、撤销或确认违法、无效后的撤回公示"),
    "checkpoints": ("账本检查点", "已签名的默克尔日志检查点（每分钟至多一个）"),
}


def feed_meta(store: Store, kind: FeedKind, key: str | None = None, *, base_url: str = DEFAULT_BASE_URL) -> FeedMeta:
    """What the feed says about itself; its title names the agency or domain in Chinese."""
    origin = store.meta("origin") or "localhost"
    title, subtitle = _FEED_TITLES[kind]
    label = key
    if kind == "domain" and key is not None:
        label = DOMAINS.get(key, key)
    elif kind == "agency" and key is not None:
        label = view.agency_label(store, key)
    return FeedMeta(
        origin=origin,
        base_url=base_url,
        path=feed_path(kind, key),
        title=title.format(key=label),
        subtitle=subtitle,
        author_name=origin,
        created=view.log_created(store),
        home_path="/" if kind == "checkpoints" else "/disclosures",  # the portal shows the latest checkpoint
    )


def feed_item(item: view.PublicItem) -> FeedItem:
    """A public item as the feeds see it."""
    size = item.proof_size if item.proof_size is not None else item.leaf_index + 1
    return FeedItem(
        leaf_index=item.leaf_index,
        entry_hash=item.entry_hash,
        kind=item.kind,
        title=item.title,
        summary=item.summary,
        published=item.published_at,
        updated=item.published_at,
        page_url=f"/disclosures/{item.leaf_index}",
        proof_url=f"/log/proof/inclusion?index={item.leaf_index}&size={size}",
        agency=item.agency,
        agency_name=item.agency_name,
        domain=item.domain,
        party_uscc=item.party_uscc,
        party_name=item.party_name,
        withdraws=item.ref_leaf if item.kind == "withdrawal" else None,
        ends=item.ref_leaf if item.kind == "expiry" else None,
        reason=item.reason,
        categories=(rules.KIND_TITLES[item.kind],),
        sequence=item.seq,
    )


def checkpoint_items(store: Store) -> list[FeedItem]:
    """The checkpoint feed's items (at most one a minute), the signed note as content."""
    return [
        FeedItem(
            leaf_index=c.size - 1,
            entry_hash=c.root.hex(),
            kind=CHECKPOINT,
            tree_size=c.size,
            title=f"检查点：日志大小 {c.size}",
            summary=f"已签名的检查点，覆盖第 0–{c.size - 1} 条记录。",
            content=c.note,
            published=c.created_at,
            updated=c.created_at,
            page_url=f"/log/checkpoint?size={c.size}",
            proof_url=f"/log/proof/consistency?first={c.size}&second={c.size}",
        )
        for c in view.checkpoints(store)
    ]


def count(store: Store, kind: FeedKind, key: str | None = None) -> int:
    """How many items the feed has published: the position behind its ETag."""
    if kind == "checkpoints":
        return len(view.checkpoints(store))
    return view.count(store, kind, key)


def _slice(store: Store, kind: FeedKind, key: str | None, start: int, end: int | None) -> list[tuple[FeedItem, bool]]:
    """(item, ended) for the feed's items ``[start, end)``."""
    if kind == "checkpoints":
        return [(i, False) for i in checkpoint_items(store)[start:end]]
    rows = view.items(store, kind, key, offset=start, limit=None if end is None else end - start)
    return [(feed_item(i), i.ended) for i in rows]


def feed_page(store: Store, kind: FeedKind, key: str | None = None, archive: int | None = None, *,
              page_size: int = PAGE_SIZE, as_of: dt.datetime | None = None) -> FeedPage:
    """One RFC 5005 document: archive ``archive`` (full, never changes) or the subscription document (None).

    The subscription document leaves out the decisions a sealed withdrawal or expiry has ended — they leave the
    current feed, and the ending item that names them (``withdraws`` / ``ends``) is there; archives keep every
    item as it was published. With ``as_of`` (the server's time) it also leaves out the decisions whose maximum
    publicity period ended by then and carries the expiry items due for them that no act has brought into the
    log yet (:func:`projections.disclosure.due_expiries`: the same ids and bytes the view appends later) — so
    the document is a function of the log and ``as_of``, and its ``updated`` is still a time from the data."""
    feed_path(kind, key)  # refuses a missing or superfluous key
    total = count(store, kind, key)
    bounds = page_bounds(total, page_size)
    if archive is not None:
        start, end = bounds.archive(archive)
        return archive_page([i for i, _ in _slice(store, kind, key, start, end)], archive, page_size)
    tail = _slice(store, kind, key, bounds.current_start, None)
    newest = max((i.updated for i, _ in tail), default=None)
    if newest is None and bounds.archives:
        before = _slice(store, kind, key, bounds.current_start - 1, bounds.current_start)
        newest = before[0][0].updated if before else None
    shown = [i for i, ended in tail if not ended]
    if as_of is not None and kind != "checkpoints":
        gone = view.past_maximum(store, as_of, kind, key)
        shown = [i for i in shown if not (i.kind == "decision" and i.sequence in gone)]
        after = max((i.position for i in shown), default=0)
        due = [feed_item(e) for e in view.due_expiries(store, as_of, kind, key)]
        # Not in the sequence yet: after every item of the page, in the order the view will append them.
        shown += [msgspec.structs.replace(e, sequence=after + n) for n, e in enumerate(due, start=1)]
    return FeedPage(
        items=tuple(shown),
        archive_index=None,
        prev_archive=bounds.archives - 1 if bounds.archives else None,
        next_archive=None,
        updated_fallback=newest,
        position=total,
    )


def feed_etag(store: Store, fmt: Format, kind: FeedKind, key: str | None = None, archive: int | None = None, *,
              page_size: int = PAGE_SIZE, as_of: dt.datetime | None = None) -> str:
    """Strong ETag of a feed document from the feed's position (no rendering): an archive's never changes. With
    ``as_of``, the subscription document's also counts the decisions past their maximum period by then (it
    changes when one leaves the page, and only then)."""
    position = count(store, kind, key) if archive is None else (archive + 1) * page_size
    suffix = "" if archive is None else f"/archive/{archive}"
    if archive is None and as_of is not None and kind != "checkpoints":
        suffix = f"@{len(view.past_maximum(store, as_of, kind, key))}"
    return etag_for(feed_path(kind, key) + suffix, position, fmt, page_size=page_size)


def feed_last_modified(store: Store, kind: FeedKind, key: str | None = None, archive: int | None = None, *,
                       page_size: int = PAGE_SIZE, as_of: dt.datetime | None = None) -> dt.datetime:
    """The document's Last-Modified: its newest item's time (the log's creation for an empty feed)."""
    page = feed_page(store, kind, key, archive, page_size=page_size, as_of=as_of)
    times = [i.updated for i in page.items] + ([page.updated_fallback] if page.updated_fallback else [])
    return max(times) if times else view.log_created(store)


def current_until(store: Store, kind: FeedKind, archive: int | None, as_of: dt.datetime) -> dt.datetime | None:
    """Until when the document rendered ``as_of`` stays the same if the log does not move (None: for ever) — the
    next end of a maximum publicity period for a subscription document; archives and checkpoints never expire."""
    if archive is not None or kind == "checkpoints":
        return None
    return view.next_maximum_end(store, as_of)


def render_feed(store: Store, fmt: Format, kind: FeedKind, key: str | None = None, archive: int | None = None, *,
                base_url: str = DEFAULT_BASE_URL, page_size: int = PAGE_SIZE, as_of: dt.datetime | None = None) -> bytes:
    """The feed document's bytes (serve with ``feeds.CONTENT_TYPES[fmt]``); ``as_of`` as for :func:`feed_page`."""
    meta = feed_meta(store, kind, key, base_url=base_url)
    return render(fmt, meta, feed_page(store, kind, key, archive, page_size=page_size, as_of=as_of))


__all__ = [
    "checkpoint_items",
    "count",
    "current_until",
    "feed_etag",
    "feed_item",
    "feed_last_modified",
    "feed_meta",
    "feed_page",
    "render_feed",
]
