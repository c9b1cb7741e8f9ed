"""feedgen 1.0.0 is frozen upstream: each known fault is shown in raw feedgen (so a fixed release is noticed)
and shown handled by feeds/."""

from __future__ import annotations

import datetime as dt
import locale
from concurrent.futures import ThreadPoolExecutor

import feedparser
import msgspec
import pytest
from feedgen.feed import FeedGenerator
from lxml import etree

from feeds import FeedInputError, FeedItem, page_url, pages, render
from feeds.samples import golden_items, sample_meta, synthetic_items

A = "{http://www.w3.org/2005/Atom}"
UTC = dt.UTC


def raw_feed() -> FeedGenerator:
    fg = FeedGenerator()
    fg.id("tag:js.example,2026:zhifa/feeds/raw")
    fg.title("原始")
    fg.description("原始 feedgen")
    fg.link(href="http://127.0.0.1:8000/", rel="alternate")
    return fg


def test_feedgen_drops_entry_link_rel_and_type_and_feeds_restores_them() -> None:
    fg = raw_feed()
    fe = fg.add_entry()
    fe.id("tag:js.example,2026:zhifa/disclosure/1")
    fe.title("一")
    fe.content("一", type="text")
    fe.link(href="http://127.0.0.1:8000/log/proof", rel="related", type="application/json")
    raw = etree.fromstring(fg.atom_str()).find(f"{A}entry/{A}link")
    # feedgen #135: the proof link would read as rel="alternate", the default
    assert raw.get("rel") is None and raw.get("type") is None

    meta, page = sample_meta(), pages(golden_items())[1]
    for entry in etree.fromstring(render("atom", meta, page)).findall(A + "entry"):
        links = [(ln.get("rel"), ln.get("type")) for ln in entry.findall(A + "link")]
        assert links == [("alternate", "text/html"), ("related", "application/json")]


def test_feedgen_prepends_entries_and_feeds_keeps_the_page_order() -> None:
    fg = raw_feed()
    for n in (1, 2, 3):
        fe = fg.add_entry()
        fe.id(f"tag:js.example,2026:zhifa/disclosure/{n}")
        fe.title(str(n))
        fe.content(str(n))
    assert [e.findtext(A + "id")[-1] for e in etree.fromstring(fg.atom_str()).findall(A + "entry")] == [
        "3",
        "2",
        "1",
    ]

    meta, page = sample_meta(), pages(synthetic_items(12))[1]
    for fmt in ("atom", "rss"):
        parsed = feedparser.parse(render(fmt, meta, page))
        assert [int(e.id.rsplit("/", 1)[1]) for e in parsed.entries] == list(range(12))


def test_naive_datetimes_are_refused_with_the_field_named_before_feedgen_sees_them() -> None:
    fe = raw_feed().add_entry()
    with pytest.raises(ValueError, match="no timezone"):
        fe.updated(dt.datetime(2026, 3, 1, 8, 0))  # feedgen's own message names no field

    good = golden_items()[0]
    with pytest.raises(FeedInputError, match=r"item 3: published is a naive datetime"):
        msgspec.structs.replace(good, published=dt.datetime(2026, 3, 1, 8, 0))
    with pytest.raises(FeedInputError, match="updated is a naive"):
        FeedItem(**{**msgspec.structs.asdict(good), "updated": dt.datetime(2026, 3, 1)})
    assert issubclass(FeedInputError, ValueError)


def test_aware_times_in_any_zone_are_written_in_utc() -> None:
    item = golden_items()[1]  # 09:00 +08:00
    meta = sample_meta()
    root = etree.fromstring(render("atom", meta, pages([item])[1]))
    assert root.findtext(f"{A}entry/{A}published") == "2026-03-03T01:00:00+00:00"


def test_control_characters_make_feedgen_raise_and_feeds_strips_them() -> None:
    fg = raw_feed()
    fe = fg.add_entry()
    fe.id("tag:js.example,2026:zhifa/disclosure/1")
    fe.content("x")
    with pytest.raises(ValueError, match="XML compatible"):
        fe.title("警告\x07\x1b")
        fg.atom_str()

    item = msgspec.structs.replace(
        golden_items()[0], title="警告\x07\x1b[31m标题\x00", summary="a\x0bb\tc\nd\re"
    )
    meta = sample_meta()
    for fmt in ("atom", "rss"):
        body = render(fmt, meta, pages([item])[1])
        parsed = feedparser.parse(body)
        assert parsed.bozo == 0
        assert parsed.entries[0].title == "警告[31m标题"
    entry = etree.fromstring(render("atom", meta, pages([item])[1])).find(A + "entry")
    assert entry.findtext(A + "summary") == "ab\tc\nd\re"


def test_the_generator_is_ours_not_feedgens_version() -> None:
    assert b"python-feedgen" in raw_feed().atom_str()
    meta, page = sample_meta(), pages(golden_items())[1]
    for fmt in ("atom", "rss"):
        body = render(fmt, meta, page)
        assert b"feedgen" not in body
        assert feedparser.parse(body).feed.generator == "zhifa-ledger"
    root = etree.fromstring(render("atom", meta, page))
    assert root.find(A + "generator").attrib == {}


def test_rss_channel_link_is_the_html_page_not_the_last_link_added() -> None:
    fg = raw_feed()
    fg.link(href="http://127.0.0.1:8000/feeds/raw/archive/0.rss", rel="prev-archive")
    channel = etree.fromstring(fg.rss_str()).find("channel")
    assert channel.findtext("link") == "http://127.0.0.1:8000/feeds/raw/archive/0.rss"
    # and only a rel="self" atom:link survives into RSS
    assert channel.findall(A + "link") == []

    meta, page = sample_meta(), pages(synthetic_items(7), 3)[1]
    channel = etree.fromstring(render("rss", meta, page)).find("channel")
    assert channel.findtext("link") == "http://127.0.0.1:8000/disclosures"
    rels = {ln.get("rel"): ln.get("href") for ln in channel.findall(A + "link")}
    assert rels == {"self": page_url(meta, "rss"), "prev-archive": page_url(meta, "rss", 1)}


def test_feed_updated_defaults_to_now_in_feedgen_and_comes_from_the_data_in_feeds() -> None:
    before = dt.datetime.now(UTC)
    stamped = etree.fromstring(raw_feed().atom_str()).findtext(A + "updated")
    assert dt.datetime.fromisoformat(stamped) >= before.replace(microsecond=0)

    meta, page = sample_meta(), pages(golden_items())[1]
    root = etree.fromstring(render("atom", meta, page))
    assert root.findtext(A + "updated") == max(i.updated for i in page.items).astimezone(UTC).isoformat()
    for entry, item in zip(root.findall(A + "entry"), page.items, strict=True):
        assert entry.findtext(A + "updated") == item.updated.astimezone(UTC).isoformat()
    rss = etree.fromstring(render("rss", meta, page))
    assert rss.findtext("channel/lastBuildDate") == "Fri, 05 Jun 2026 01:30:00 +0000"


def test_feedgen_refuses_an_empty_title_so_feeds_refuses_it_first_with_the_item_named() -> None:
    fg = raw_feed()
    fe = fg.add_entry()
    fe.id("tag:js.example,2026:zhifa/disclosure/1")
    fe.title("")
    fe.content("x")
    with pytest.raises(ValueError, match="Required fields not set"):
        fg.atom_str()
    with pytest.raises(FeedInputError, match="item 3 has a blank title"):
        msgspec.structs.replace(golden_items()[0], title="\x01")


def test_feedgen_switches_the_process_locale_for_rss_dates_so_feeds_renders_rss_under_one_lock(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls: list[tuple[int, str | None]] = []
    real = locale.setlocale

    def spy(category: int, value: str | None = None) -> str:
        calls.append((category, value))
        return real(category, value)

    monkeypatch.setattr(locale, "setlocale", spy)
    raw_feed().rss_str()
    assert (locale.LC_ALL, "C") in calls

    before = real(locale.LC_ALL)
    meta, page = sample_meta(), pages(synthetic_items(20))[1]
    expected = render("rss", meta, page)
    with ThreadPoolExecutor(max_workers=8) as pool:
        bodies = list(pool.map(lambda _: render("rss", meta, page), range(64)))
    assert set(bodies) == {expected}
    assert real(locale.LC_ALL) == before
