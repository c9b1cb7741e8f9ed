"""RFC 5005 archived feeds: a subscriber walking back from the current page recovers every item exactly once, and
a full archive page never changes when the feed grows."""

from __future__ import annotations

import json

import feedparser
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

import feeds
from feeds import (
    FeedInputError,
    FeedMeta,
    archive_page,
    current_page,
    item_id,
    page_bounds,
    page_url,
    pages,
    render,
    resolve_archive,
)
from feeds.samples import sample_meta, synthetic_items

FH = "{http://purl.org/syndication/history/1.0}"


def publish(
    meta: FeedMeta, items: list[feeds.FeedItem], page_size: int, fmt: feeds.Format
) -> dict[str, bytes]:
    """Every document of the feed by URL, as a web layer would serve them (archive/<n> is the current page)."""
    archives, current = pages(items, page_size)
    served = {page_url(meta, fmt, p.archive_index): render(fmt, meta, p) for p in archives}
    served[page_url(meta, fmt)] = render(fmt, meta, current)
    return served


def _links_xml(body: bytes) -> tuple[list[str], dict[str, str], bool]:
    parsed = feedparser.parse(body)
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    rels = {ln["rel"]: ln["href"] for ln in parsed.feed.links}
    root = etree.fromstring(body)
    marker = (
        root.find(FH + "archive") if root.tag.endswith("feed") else root.find("channel/" + FH + "archive")
    )
    return [e.id for e in parsed.entries], rels, marker is not None


def _links_json(body: bytes) -> tuple[list[str], dict[str, str], bool]:
    doc = json.loads(body)
    ext = doc["_zhifa"]
    rels = {"self": doc["feed_url"], "current": ext["current"]}
    if "next_url" in doc:
        rels["prev-archive"] = doc["next_url"]
        assert ext["prev_archive"] == doc["next_url"]
    if "next_archive" in ext:
        rels["next-archive"] = ext["next_archive"]
    return [i["id"] for i in doc["items"]], rels, ext["archive"]


@pytest.mark.parametrize("fmt", feeds.FORMATS)
def test_a_subscriber_walking_prev_archive_links_recovers_every_item_exactly_once(fmt: feeds.Format) -> None:
    meta = sample_meta()
    items = synthetic_items(537)
    assert {i.kind for i in items} == {"decision", "withdrawal", "expiry"}
    served = publish(meta, items, 50, fmt)
    assert len(served) == 11
    read = _links_json if fmt == "json" else _links_xml

    seen: list[str] = []
    url: str | None = page_url(meta, fmt)
    documents = 0
    while url is not None:
        ids, rels, is_archive = read(served[url])
        assert rels["self"] == url
        assert is_archive == (documents > 0), "only archive documents carry fh:archive"
        seen = ids + seen
        url = rels.get("prev-archive")
        documents += 1
    assert documents == 11
    assert len(seen) == len(set(seen)) == 537
    assert seen == [item_id(meta.origin, i) for i in items]


@pytest.mark.parametrize("fmt", feeds.FORMATS)
def test_next_archive_links_lead_forward_to_the_current_page(fmt: feeds.Format) -> None:
    meta = sample_meta()
    served = publish(meta, synthetic_items(160), 50, fmt)
    read = _links_json if fmt == "json" else _links_xml
    url, hops = page_url(meta, fmt, 0), 0
    while True:
        _, rels, is_archive = read(served[url])
        if not is_archive:
            break
        assert rels["current"] == page_url(meta, fmt)
        nxt = rels["next-archive"]
        k = int(nxt.rsplit("/", 1)[1].split(".")[0])
        state = resolve_archive(160, k, 50)
        url = page_url(meta, fmt) if state == "current" else nxt
        assert state in ("archive", "current")
        hops += 1
    assert hops == 3


def test_page_bounds_cut_full_archives_and_a_remainder() -> None:
    b = page_bounds(537, 50)
    assert (b.archives, b.current_start) == (10, 500)
    assert b.archive(0) == (0, 50) and b.archive(9) == (450, 500)
    with pytest.raises(FeedInputError):
        b.archive(10)
    assert page_bounds(500, 50).current_start == 500
    assert page_bounds(0).archives == 0
    assert [resolve_archive(537, k, 50) for k in (0, 9, 10, 11, -1)] == [
        "archive",
        "archive",
        "current",
        "missing",
        "missing",
    ]
    with pytest.raises(FeedInputError):
        page_bounds(10, 0)


def test_slices_fetched_by_bounds_render_like_the_whole_feed() -> None:
    meta, items = sample_meta(), synthetic_items(120)
    archives, current = pages(items, 50)
    b = page_bounds(len(items), 50)
    sliced = archive_page(items[slice(*b.archive(1))], 1, 50)
    assert render("atom", meta, sliced) == render("atom", meta, archives[1])
    tail = current_page(items[b.current_start :], len(items), 50, updated_fallback=items[-1].updated)
    assert render("rss", meta, tail) == render("rss", meta, current)
    assert (archives[1].position, current.position) == (100, 120)
    with pytest.raises(FeedInputError, match="only full pages"):
        archive_page(items[:49], 0, 50)
    with pytest.raises(FeedInputError):
        current_page(items[:3], 120, 50)


def test_pages_put_items_in_publication_order_whatever_order_they_come_in() -> None:
    items = synthetic_items(7)
    archives, current = pages(list(reversed(items)), 3)
    assert [i.leaf_index for p in (*archives, current) for i in p.items] == list(range(7))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    before=st.integers(min_value=0, max_value=30),
    added=st.integers(min_value=1, max_value=25),
    page_size=st.integers(min_value=1, max_value=9),
    fmt=st.sampled_from(feeds.FORMATS),
)
def test_adding_items_changes_no_full_archive_page(
    before: int, added: int, page_size: int, fmt: feeds.Format
) -> None:
    meta = sample_meta()
    items = synthetic_items(before + added)
    old_archives, _ = pages(items[:before], page_size)
    new_archives, _ = pages(items, page_size)
    assert len(new_archives) >= len(old_archives)
    for old, new in zip(old_archives, new_archives, strict=False):
        assert render(fmt, meta, old) == render(fmt, meta, new)
