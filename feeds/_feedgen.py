"""Atom and RSS 2.0 through feedgen 1.0.0, wrapped because that release is frozen upstream with known faults.

What the wrapper fixes, each covered by a test in ``tests/test_feeds_feedgen_faults.py``:

- an entry's ``link(rel=…, type=…)`` loses ``rel`` and ``type`` in Atom (feedgen #135: ``FeedEntry.atom_entry``
  rebinds the loop's dict to the new element, then reads the attributes back from the element) — set them again
  on the rendered XML;
- ``add_entry`` prepends (#55) — always ``order="append"``, so the page's order is the document's;
- naive datetimes raise a bare ``ValueError`` deep inside — refused earlier by ``FeedItem`` with the field named;
- control characters make lxml raise — stripped with ``feeds.text.xml_safe`` first;
- ``<generator>`` carries feedgen's name and version — ours is ``zhifa-ledger``;
- feed ``updated`` and RSS ``lastBuildDate`` default to now — always set from the page's data;
- RSS ``<channel><link>`` is the last feed link added and only a ``rel="self"`` atom:link is written — the channel
  is finished here: its HTML link, and the RFC 5005 ``current`` / ``prev-archive`` / ``next-archive`` links;
- RSS dates are formatted by switching the process-wide locale (``locale.setlocale(LC_ALL, "C")`` and back), which
  races between threads and can leave the process in the wrong locale — RSS rendering holds one lock.

Also added here, since feedgen has no notion of them: ``<fh:archive/>`` (RFC 5005) and the ledger's own elements
(``zl:leafIndex``, ``zl:entryHash`` …) naming the act each entry discloses. feedgen's camelCase API stays in here.
"""

from __future__ import annotations

import datetime as dt
import html
import threading
from typing import Any, Literal

from feedgen.feed import FeedEntry, FeedGenerator
from lxml import etree  # type: ignore[import-untyped]

from feeds.ids import feed_id, item_id
from feeds.model import CHECKPOINT, FeedItem, FeedMeta, FeedPage, require_aware
from feeds.paging import absolute, page_url
from feeds.text import xml_safe

ATOM_NS = "http://www.w3.org/2005/Atom"
#: RFC 5005 feed history namespace (``<fh:archive/>``).
FH_NS = "http://purl.org/syndication/history/1.0"
#: The ledger's elements in feeds; a namespace name only, nothing to fetch there.
ZL_NS = "urn:zhifa-ledger:feed:1"
GENERATOR = "zhifa-ledger"

ATOM_TYPE = "application/atom+xml"
RSS_TYPE = "application/rss+xml"
HTML_TYPE = "text/html"
NOTE_TYPE = "text/plain"  # a signed checkpoint note (GET /log/checkpoint?size=N)
PROOF_TYPE = "application/json"

_A = f"{{{ATOM_NS}}}"
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, remove_blank_text=True)

XmlFormat = Literal["atom", "rss"]

# feedgen.util.formatRFC2822 saves, sets and restores the process-wide locale; one RSS rendering at a time.
_LOCALE_LOCK = threading.Lock()


def _utc(value: dt.datetime, what: str) -> dt.datetime:
    return require_aware(value, what)


def _feed_links(meta: FeedMeta, page: FeedPage, fmt: XmlFormat) -> list[dict[str, str]]:
    """The feed's links in document order; the HTML alternate comes last, where feedgen takes the RSS link from."""
    own_type = ATOM_TYPE if fmt == "atom" else RSS_TYPE
    links = [{"href": page_url(meta, fmt, page.archive_index), "rel": "self", "type": own_type}]
    if page.is_archive:
        links.append({"href": page_url(meta, fmt), "rel": "current", "type": own_type})
    if page.prev_archive is not None:
        links.append(
            {"href": page_url(meta, fmt, page.prev_archive), "rel": "prev-archive", "type": own_type}
        )
    if page.next_archive is not None:
        links.append(
            {"href": page_url(meta, fmt, page.next_archive), "rel": "next-archive", "type": own_type}
        )
    links.append({"href": absolute(meta, meta.home_path), "rel": "alternate", "type": HTML_TYPE})
    return links


def entry_links(meta: FeedMeta, item: FeedItem) -> list[dict[str, str]]:
    """An entry's page (``alternate``: HTML, or a checkpoint's signed note) and its proof (``related``, JSON)."""
    page_type = NOTE_TYPE if item.kind == CHECKPOINT else HTML_TYPE
    return [
        {"href": absolute(meta, xml_safe(item.page_url)), "rel": "alternate", "type": page_type},
        {"href": absolute(meta, xml_safe(item.proof_url)), "rel": "related", "type": PROOF_TYPE},
    ]


def _categories(meta: FeedMeta, item: FeedItem) -> list[dict[str, str]]:
    base = meta.base_url.rstrip("/")
    cats = [{"term": xml_safe(item.kind), "scheme": f"{base}/feeds/kinds"}]
    if item.agency:
        cat = {"term": xml_safe(item.agency), "scheme": f"{base}/feeds/agency/"}
        if item.agency_name:
            cat["label"] = xml_safe(item.agency_name)
        cats.append(cat)
    if item.domain:
        cats.append({"term": xml_safe(item.domain), "scheme": f"{base}/feeds/domain/"})
    cats.extend({"term": xml_safe(c)} for c in item.categories)
    return [c for c in cats if c["term"]]


def _generator(meta: FeedMeta, page: FeedPage, fmt: XmlFormat) -> FeedGenerator:
    updated = page.updated(meta)
    fg = FeedGenerator()
    fg.id(feed_id(meta.origin, _utc(meta.created, "feed created").year, meta.path))
    fg.title(xml_safe(meta.title))
    fg.subtitle(xml_safe(meta.subtitle) or xml_safe(meta.title))
    fg.language(meta.language)
    fg.author(name=xml_safe(meta.author_name))
    fg.generator(GENERATOR)
    fg.updated(updated)
    fg.lastBuildDate(updated)
    fg.link(_feed_links(meta, page, fmt))
    for item in page.items:
        fe = FeedEntry()
        fe.id(item_id(meta.origin, item))
        fe.title(xml_safe(item.title))
        fe.published(_utc(item.published, f"item {item.leaf_index} published"))
        fe.updated(_utc(item.updated, f"item {item.leaf_index} updated"))
        summary = xml_safe(item.summary)
        content = xml_safe(item.content) if item.content is not None else None
        if fmt == "atom":
            fe.content(content if content is not None else summary, type="text")
            fe.summary(summary, type="text")
        else:
            # RSS 2.0 description is entity-encoded HTML: escape the plain text once so "<" stays a character.
            fe.summary(html.escape(summary, quote=False))
            if content is not None:
                fe.content(f"<pre>{html.escape(content, quote=False)}</pre>")
        fe.link(entry_links(meta, item))
        fe.category(_categories(meta, item))
        fg.add_entry(fe, order="append")
    return fg


def _sub(parent: Any, tag: str, text: str | None = None, **attrs: str) -> Any:
    el = etree.SubElement(parent, tag, attrs)
    if text is not None:
        el.text = text
    return el


def _ledger_elements(entry: Any, item: FeedItem) -> None:
    """``zl:*`` children naming the act an entry discloses (DESIGN: leaf index and entry hash of every item)."""
    z = f"{{{ZL_NS}}}"
    _sub(entry, z + "leafIndex", str(item.leaf_index))
    _sub(entry, z + "entryHash", xml_safe(item.entry_hash))
    _sub(entry, z + "kind", xml_safe(item.kind))
    if item.tree_size is not None:
        _sub(entry, z + "treeSize", str(item.tree_size))
    if item.withdraws is not None:
        _sub(entry, z + "withdraws", str(item.withdraws))
    if item.ends is not None:
        _sub(entry, z + "ends", str(item.ends))
    if item.reason is not None:
        _sub(entry, z + "reason", xml_safe(item.reason))
    if item.agency is not None:
        _sub(entry, z + "agency", xml_safe(item.agency))
    if item.domain is not None:
        _sub(entry, z + "domain", xml_safe(item.domain))
    if item.party_uscc is not None:
        _sub(entry, z + "partyUscc", xml_safe(item.party_uscc))
    if item.party_name is not None:
        _sub(entry, z + "partyName", xml_safe(item.party_name))


def _serialise(root: Any, page: FeedPage) -> bytes:
    nsmap = {"zl": ZL_NS}
    if page.is_archive:
        nsmap["fh"] = FH_NS
    etree.cleanup_namespaces(root, top_nsmap=nsmap)
    out: bytes = etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    return out


def atom_bytes(meta: FeedMeta, page: FeedPage) -> bytes:
    """The page as an Atom (RFC 4287) document, with RFC 5005 links and ``fh:archive`` on archives."""
    root = etree.fromstring(_generator(meta, page, "atom").atom_str(pretty=False), _PARSER)
    entries = root.findall(_A + "entry")
    for entry, item in zip(entries, page.items, strict=True):
        rendered = entry.findall(_A + "link")
        wanted = entry_links(meta, item)
        if len(rendered) != len(wanted):  # pragma: no cover - feedgen writes one element per link
            raise AssertionError("feedgen wrote a different number of entry links")
        for el, link in zip(rendered, wanted, strict=True):  # feedgen #135: rel and type were dropped
            el.set("rel", link["rel"])
            el.set("type", link["type"])
        _ledger_elements(entry, item)
    if page.is_archive:
        marker = etree.Element(f"{{{FH_NS}}}archive")
        root.insert(root.index(entries[0]) if entries else len(root), marker)
    return _serialise(root, page)


def rss_bytes(meta: FeedMeta, page: FeedPage) -> bytes:
    """The page as RSS 2.0, RFC 5005 links as atom:link in the channel (RFC 5005 Appendix B)."""
    fg = _generator(meta, page, "rss")
    with _LOCALE_LOCK:
        raw = fg.rss_str(pretty=False)
    root = etree.fromstring(raw, _PARSER)
    channel = root.find("channel")
    links = _feed_links(meta, page, "rss")
    home = links[-1]
    channel.find("link").text = home["href"]
    for old in channel.findall(_A + "link"):
        channel.remove(old)
    at = channel.index(channel.find("description")) + 1
    for offset, link in enumerate(ln for ln in links if ln["rel"] != "alternate"):
        el = etree.Element(_A + "link", {"href": link["href"], "rel": link["rel"], "type": link["type"]})
        channel.insert(at + offset, el)
    if page.is_archive:
        channel.insert(at + len(links) - 1, etree.Element(f"{{{FH_NS}}}archive"))
    for el, item in zip(channel.findall("item"), page.items, strict=True):
        proof = entry_links(meta, item)[1]
        _sub(el, _A + "link", href=proof["href"], rel=proof["rel"], type=proof["type"])
        _ledger_elements(el, item)
    return _serialise(root, page)
