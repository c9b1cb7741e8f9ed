"""Feeds as subscribers see them: every format parses, says what RFC 4287 / JSON Feed 1.1 require, and matches
its golden file byte for byte (regenerate on purpose with ZHIFA_REGEN_GOLDEN=1)."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from pathlib import Path
from typing import Any

import feedparser
import msgspec
import pytest
from lxml import etree

import feeds
from feeds import (
    ATOM,
    CONTENT_TYPES,
    JSON_FEED,
    RSS,
    FeedInputError,
    FeedItem,
    FeedPage,
    feed_path,
    item_id,
    page_url,
    pages,
    render,
    select,
    tag_uri,
)
from feeds.samples import AGENCY, PARTY, checkpoint_items, golden_items, sample_meta

GOLDEN = Path(__file__).resolve().parent / "golden" / "feeds"
A = "{http://www.w3.org/2005/Atom}"
FH = "{http://purl.org/syndication/history/1.0}"
ZL = "{urn:zhifa-ledger:feed:1}"

# RFC 4151 §2.1, with RFC 3986 pchar
_DNS = r"[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*"
_PCHAR = r"(?:[A-Za-z0-9\-._~!$&'()*+,;=:@]|%[0-9A-Fa-f]{2})"
# DESIGN.md's pinned form tag:<origin>,<year>:<specific>; the origin is a host with an optional port and path.
TAG_URI = re.compile(rf"tag:{_DNS}(?::[0-9]+)?(?:/[A-Za-z0-9._~\-]+)*,\d{{4}}:(?:{_PCHAR}|[/?])*")


def golden_pages() -> dict[str, tuple[Any, FeedPage]]:
    """The documents kept as golden files: disclosures (P=3: archive 0 and the current page) and checkpoints."""
    archives, current = pages(golden_items(), 3)
    _, checkpoints = pages(checkpoint_items(), 100)
    return {
        "disclosures": (sample_meta(), current),
        "disclosures-archive-0": (sample_meta(), archives[0]),
        "checkpoints": (sample_meta("checkpoints"), checkpoints),
    }


GOLDEN_CASES = [(name, fmt) for name in golden_pages() for fmt in feeds.FORMATS]


@pytest.mark.parametrize(("name", "fmt"), GOLDEN_CASES)
def test_rendered_feed_matches_its_golden_file(name: str, fmt: feeds.Format) -> None:
    meta, page = golden_pages()[name]
    body = render(fmt, meta, page)
    path = GOLDEN / f"{name}.{fmt}"
    if os.environ.get("ZHIFA_REGEN_GOLDEN") == "1":
        path.write_bytes(body)
    assert path.exists(), f"no golden file {path.name}; run with ZHIFA_REGEN_GOLDEN=1 once, on purpose"
    assert body == path.read_bytes()


@pytest.mark.parametrize(("name", "fmt"), GOLDEN_CASES)
def test_rendering_twice_gives_the_same_bytes(name: str, fmt: feeds.Format) -> None:
    meta, page = golden_pages()[name]
    assert render(fmt, meta, page) == render(fmt, meta, page)


@pytest.mark.parametrize("fmt", ["atom", "rss"])
def test_feedparser_reads_the_feed_without_complaint_and_with_chinese_intact(fmt: feeds.Format) -> None:
    meta, page = golden_pages()["disclosures-archive-0"]
    parsed = feedparser.parse(render(fmt, meta, page))
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    assert parsed.feed.title == "南京市行政执法公示"
    assert [e.id for e in parsed.entries] == [item_id(meta.origin, i) for i in page.items]
    first = parsed.entries[0]
    assert first.title == "宁综执罚决〔2026〕12号 行政处罚决定书"
    assert "罚款人民币五千元" in first.summary
    second = parsed.entries[1]
    assert "\x07" not in second.summary and second.summary.endswith("罚款人民币一千元。")
    # 09:00 in Beijing is 01:00 UTC
    assert tuple(second.published_parsed)[:5] == (2026, 3, 3, 1, 0)
    for entry, item in zip(parsed.entries, page.items, strict=True):
        links = {(ln["rel"], ln.get("type")): ln["href"] for ln in entry.links}
        assert links[("alternate", "text/html")] == f"{meta.base_url}{item.page_url}"
        assert links[("related", "application/json")] == f"{meta.base_url}{item.proof_url}"
        assert entry.zl_leafindex == str(item.leaf_index)
        assert entry.zl_entryhash == item.entry_hash


def test_atom_dates_ids_and_feed_links_as_feedparser_reads_them() -> None:
    meta, page = golden_pages()["disclosures"]
    parsed = feedparser.parse(render("atom", meta, page))
    assert parsed.bozo == 0
    assert parsed.feed.id == "tag:js.example/zhifa,2026:feeds/disclosures"
    newest = max(i.updated for i in page.items)
    assert tuple(parsed.feed.updated_parsed)[:6] == newest.utctimetuple()[:6]
    rels = {ln["rel"]: ln["href"] for ln in parsed.feed.links}
    assert rels["self"] == page_url(meta, "atom")
    assert rels["prev-archive"] == page_url(meta, "atom", 0)
    assert "next-archive" not in rels and "current" not in rels
    assert parsed.feed.generator == "zhifa-ledger"
    withdrawal = parsed.entries[0]
    assert withdrawal.id == "tag:js.example/zhifa,2026:disclosure/12"
    assert withdrawal.zl_withdraws == "3"
    assert withdrawal.zl_reason == "复议决定撤销原行政处罚决定"


def test_every_id_has_the_pinned_tag_form() -> None:
    for meta, page in golden_pages().values():
        for fmt in ("atom", "rss"):
            parsed = feedparser.parse(render(fmt, meta, page))
            for entry in parsed.entries:
                assert TAG_URI.fullmatch(entry.id), entry.id
        assert TAG_URI.fullmatch(feeds.feed_id(meta.origin, 2026, meta.path))


def test_tag_ids_are_the_origin_as_it_is_the_year_and_the_item() -> None:
    # DESIGN.md pins tag:<origin>,<year>:disclosure/<leaf index>, the origin as it is.
    assert tag_uri("js.example/zhifa", 2026, "disclosure/17") == "tag:js.example/zhifa,2026:disclosure/17"
    assert tag_uri("js.example", 2026, "disclosure/17") == "tag:js.example,2026:disclosure/17"
    assert tag_uri("js.example/a/b", 2026, "/x y") == "tag:js.example/a/b,2026:x%20y"
    checkpoint = checkpoint_items()[1]
    assert item_id("js.example/zhifa", checkpoint) == "tag:js.example/zhifa,2026:checkpoint/20"
    assert tag_uri("js.example:8443/zhifa", 2026, "disclosure/1") == "tag:js.example:8443/zhifa,2026:disclosure/1"
    with pytest.raises(FeedInputError, match="not a host name"):
        tag_uri("js example/zhifa", 2026, "disclosure/1")


def _atom_required(root: Any) -> None:
    """RFC 4287 §4.1.1 and §4.1.2: the elements a feed and each entry must have."""
    assert root.tag == A + "feed"
    for name in ("id", "title", "updated"):
        assert len(root.findall(A + name)) == 1, name
    entries = root.findall(A + "entry")
    feed_author = root.findall(A + "author")
    assert feed_author or all(e.findall(A + "author") for e in entries), "author on the feed or every entry"
    for author in feed_author:
        assert author.findtext(A + "name")
    for entry in entries:
        for name in ("id", "title", "updated"):
            assert len(entry.findall(A + name)) == 1, name
        alternates = [ln for ln in entry.findall(A + "link") if ln.get("rel", "alternate") == "alternate"]
        assert alternates or entry.find(A + "content") is not None
        # §4.1.1: no two alternate links with the same type and hreflang
        assert len({(ln.get("type"), ln.get("hreflang")) for ln in alternates}) == len(alternates)
        for name in ("content", "summary", "title"):
            el = entry.find(A + name)
            if el is not None and name != "title":
                assert el.get("type") == "text"
        dt.datetime.fromisoformat(entry.findtext(A + "updated"))


@pytest.mark.parametrize("name", ["disclosures", "disclosures-archive-0", "checkpoints"])
def test_atom_has_every_element_rfc_4287_requires(name: str) -> None:
    meta, page = golden_pages()[name]
    root = etree.fromstring(render("atom", meta, page))
    _atom_required(root)
    assert root.get("{http://www.w3.org/XML/1998/namespace}lang") == "zh-CN"
    assert (root.find(FH + "archive") is not None) == page.is_archive


def test_an_empty_feed_is_dated_by_the_caller_never_by_the_clock() -> None:
    meta = sample_meta("party", PARTY)
    archives, current = pages([], 50)
    assert archives == ()
    root = etree.fromstring(render("atom", meta, current))
    _atom_required(root)
    assert root.findtext(A + "updated") == meta.created.isoformat()
    given = dt.datetime(2026, 2, 1, tzinfo=dt.UTC)
    _, dated = pages([], 50, empty_updated=given)
    assert etree.fromstring(render("atom", meta, dated)).findtext(A + "updated") == given.isoformat()
    rss = etree.fromstring(render("rss", meta, dated))
    assert rss.findtext("channel/lastBuildDate") == "Sun, 01 Feb 2026 00:00:00 +0000"
    assert msgspec.json.decode(render("json", meta, dated))["items"] == []


def test_a_current_page_emptied_by_a_full_archive_keeps_the_newest_item_date() -> None:
    items = golden_items()[:3]
    archives, current = pages(items, 3)
    assert len(archives) == 1 and current.items == ()
    root = etree.fromstring(render("atom", sample_meta(), current))
    assert root.findtext(A + "updated") == max(i.updated for i in items).isoformat()


def test_rss_channel_carries_the_html_link_and_the_archive_links() -> None:
    meta, page = golden_pages()["disclosures-archive-0"]
    body = render("rss", meta, page)
    channel = etree.fromstring(body).find("channel")
    assert channel.findtext("link") == f"{meta.base_url}/disclosures"
    rels = {ln.get("rel"): ln.get("href") for ln in channel.findall(A + "link")}
    assert rels == {
        "self": page_url(meta, "rss", 0),
        "current": page_url(meta, "rss"),
        "next-archive": page_url(meta, "rss", 1),
    }
    assert channel.find(FH + "archive") is not None
    assert channel.findtext("generator") == "zhifa-ledger"
    parsed = feedparser.parse(body)
    assert parsed.bozo == 0
    assert parsed.feed.link == f"{meta.base_url}/disclosures"
    for item in channel.findall("item"):
        assert item.find("guid").get("isPermaLink") == "false"


# JSON Feed 1.1 as a JSON Schema (the subset the hand validator below understands).
_URL = {"type": "string", "format": "uri"}
_DATE = {"type": "string", "format": "date-time"}
_STR = {"type": "string"}
_AUTHOR = {"type": "object", "properties": {"name": _STR, "url": _URL, "avatar": _URL}}
JSON_FEED_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["version", "title", "items"],
    "properties": {
        "version": {"type": "string", "const": "https://jsonfeed.org/version/1.1"},
        "title": _STR,
        "home_page_url": _URL,
        "feed_url": _URL,
        "description": _STR,
        "user_comment": _STR,
        "next_url": _URL,
        "icon": _URL,
        "favicon": _URL,
        "authors": {"type": "array", "items": _AUTHOR},
        "language": _STR,
        "expired": {"type": "boolean"},
        "hubs": {"type": "array"},
        "items": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["id"],
                "anyOf": [["content_html"], ["content_text"]],
                "properties": {
                    "id": _STR,
                    "url": _URL,
                    "external_url": _URL,
                    "title": _STR,
                    "content_html": _STR,
                    "content_text": _STR,
                    "summary": _STR,
                    "image": _URL,
                    "banner_image": _URL,
                    "date_published": _DATE,
                    "date_modified": _DATE,
                    "authors": {"type": "array", "items": _AUTHOR},
                    "tags": {"type": "array", "items": _STR},
                    "language": _STR,
                    "attachments": {"type": "array"},
                },
            },
        },
    },
}
_TYPES = {"object": dict, "array": list, "string": str, "boolean": bool}


def validate(value: Any, schema: dict[str, Any], where: str = "$") -> None:
    """Enough JSON Schema for JSON Feed: type, const, required, anyOf-of-required, properties, items, formats;
    keys not in the spec must be extensions (start with "_", JSON Feed §Extensions)."""
    assert isinstance(value, _TYPES[schema["type"]]), f"{where}: not {schema['type']}"
    if "const" in schema:
        assert value == schema["const"], where
    fmt = schema.get("format")
    if fmt == "uri":
        assert re.match(r"^[a-z][a-z0-9+.-]*:", value), f"{where}: not a URI"
    elif fmt == "date-time":
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)", value), where
    if schema["type"] == "object":
        for key in schema.get("required", []):
            assert key in value, f"{where}: {key} is required"
        if "anyOf" in schema:
            assert any(all(k in value for k in keys) for keys in schema["anyOf"]), (
                f"{where}: {schema['anyOf']}"
            )
        props = schema.get("properties", {})
        for key, sub in value.items():
            if key in props:
                validate(sub, props[key], f"{where}.{key}")
            else:
                assert key.startswith("_"), f"{where}: {key} is neither JSON Feed nor an extension"
    if schema["type"] == "array" and "items" in schema:
        for n, sub in enumerate(value):
            validate(sub, schema["items"], f"{where}[{n}]")


@pytest.mark.parametrize("name", ["disclosures", "disclosures-archive-0", "checkpoints"])
def test_json_feed_is_valid_json_feed_1_1(name: str) -> None:
    meta, page = golden_pages()[name]
    doc = json.loads(render("json", meta, page))
    validate(doc, JSON_FEED_SCHEMA)
    assert doc["feed_url"] == page_url(meta, "json", page.archive_index)
    assert doc["_zhifa"]["archive"] is page.is_archive
    assert doc["_zhifa"]["current"] == page_url(meta, "json")
    for item, given in zip(doc["items"], page.items, strict=True):
        assert item["id"] == item_id(meta.origin, given)
        assert item["url"] == meta.base_url + given.page_url
        assert item["external_url"] == meta.base_url + given.proof_url
        assert item["_zhifa"]["leaf_index"] == given.leaf_index
        assert dt.datetime.fromisoformat(item["date_published"]) == given.published


def test_json_feed_keeps_version_and_items_even_when_omitting_defaults() -> None:
    meta = sample_meta()
    doc = json.loads(render("json", meta, pages([])[1]))
    assert doc["version"] == "https://jsonfeed.org/version/1.1"
    assert doc["items"] == []
    assert "null" not in json.dumps(doc)
    decoded = feeds.jsonfeed.decode(render("json", meta, golden_pages()["disclosures"][1]))
    assert decoded.items[0].zhifa.withdraws == 3


def test_json_feed_next_url_points_to_the_older_archive() -> None:
    meta, page = golden_pages()["disclosures"]
    doc = json.loads(render("json", meta, page))
    assert doc["next_url"] == page_url(meta, "json", 0) == doc["_zhifa"]["prev_archive"]
    assert doc["items"][0]["title"] == "撤回公示：宁综执罚决〔2026〕12号"


def test_checkpoint_feed_carries_the_signed_note_as_text_content() -> None:
    meta, page = golden_pages()["checkpoints"]
    root = etree.fromstring(render("atom", meta, page))
    entry = root.findall(A + "entry")[1]
    assert entry.findtext(A + "id") == "tag:js.example/zhifa,2026:checkpoint/20"
    assert entry.findtext(A + "content").startswith("js.example/zhifa\n20\n")
    assert entry.findtext(ZL + "treeSize") == "20"
    doc = json.loads(render("json", meta, page))
    assert doc["items"][1]["content_text"].startswith("js.example/zhifa\n20\n")


def test_content_types_are_the_registered_ones_with_utf_8() -> None:
    assert ATOM == "application/atom+xml; charset=utf-8"
    assert RSS == "application/rss+xml; charset=utf-8"
    assert JSON_FEED == "application/feed+json; charset=utf-8"
    assert CONTENT_TYPES == {"atom": ATOM, "rss": RSS, "json": JSON_FEED}


def test_render_refuses_an_unknown_format() -> None:
    with pytest.raises(FeedInputError, match="unknown feed format"):
        render("html", sample_meta(), pages([])[1])  # type: ignore[arg-type]


def test_feed_paths_and_the_items_each_kind_carries() -> None:
    items = [*golden_items(), *checkpoint_items()]
    assert feed_path("agency", AGENCY) == "/feeds/agency/agency%2F3201-zhzf"
    assert feed_path("party", PARTY) == f"/feeds/party/{PARTY}"
    assert feed_path("checkpoints") == "/feeds/checkpoints"
    with pytest.raises(FeedInputError):
        feed_path("agency")
    assert [i.leaf_index for i in select("disclosures", None, items)] == [3, 7, 9, 12, 15]
    assert [i.leaf_index for i in select("withdrawals", None, items)] == [12]
    assert [i.leaf_index for i in select("party", PARTY, items)] == [3, 12]
    assert [i.tree_size for i in select("checkpoints", None, items)] == [8, 20]
    assert [i.leaf_index for i in select("domain", "城市管理", items)] == [3, 7, 9, 12, 15]
    meta = sample_meta("agency", AGENCY)
    assert page_url(meta, "atom", 3) == "http://127.0.0.1:8000/feeds/agency/agency%2F3201-zhzf/archive/3.atom"


def test_input_types_refuse_what_no_feed_can_say() -> None:
    good = golden_items()[0]
    with pytest.raises(FeedInputError, match="blank title"):
        msgspec.structs.replace(good, title="\x00 \x01")
    with pytest.raises(FeedInputError, match="not hex"):
        msgspec.structs.replace(good, entry_hash="xyz")
    with pytest.raises(FeedInputError, match="two feed items at position 3"):
        pages([good, good])
    with pytest.raises(FeedInputError, match="tree_size"):
        FeedItem(**{**msgspec.structs.asdict(good), "kind": "checkpoint"})
