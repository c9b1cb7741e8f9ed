"""Any text — Chinese, emoji, control characters, lone surrogates — renders to feeds that parse cleanly, and says
what was given minus only the characters XML cannot carry."""

from __future__ import annotations

import json

import feedparser
import msgspec
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from feeds import FeedMeta, pages, render
from feeds.samples import golden_items, sample_meta
from feeds.text import xml_safe

A = "{http://www.w3.org/2005/Atom}"

_char = st.one_of(
    st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF),  # CJK
    st.characters(max_codepoint=0x9F),  # ASCII, C0 and C1 controls
    st.characters(exclude_categories=()),  # everything
    st.characters(categories=["Cs"]),  # lone surrogates, which st.characters leaves out unless asked
    st.sampled_from(["<", "&", "]]>", "\ufffe", "\uffff", "\ufeff", "\u2028", "\r\n", "&amp;", "<![CDATA["]),
)
anything = st.lists(_char, max_size=30).map("".join)


def test_xml_safe_keeps_what_xml_allows_and_drops_the_rest() -> None:
    assert xml_safe("行政\t处罚\n决定\r书") == "行政\t处罚\n决定\r书"
    assert xml_safe("a\x00b\x08c\x0bd\x0ce\x1ff\x7fg\x85h") == "abcdef\x7fg\x85h"
    assert xml_safe("\ud800x\udfff\ufffe\uffff\U0001f600") == "x\U0001f600"


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(title=anything, summary=anything, party=anything, reason=anything, category=anything)
def test_any_unicode_text_renders_to_feeds_that_parse_without_bozo(
    title: str, summary: str, party: str, reason: str, category: str
) -> None:
    item = msgspec.structs.replace(
        golden_items()[3],
        title="公示" + title,
        summary=summary,
        party_name=party,
        reason=reason,
        categories=(category,),
    )
    meta: FeedMeta = msgspec.structs.replace(sample_meta(), subtitle=summary)
    page = pages([item])[1]
    for fmt in ("atom", "rss"):
        body = render(fmt, meta, page)
        parsed = feedparser.parse(body)
        assert parsed.bozo == 0, (fmt, parsed.get("bozo_exception"))
        assert len(parsed.entries) == 1
    entry = etree.fromstring(render("atom", meta, page)).find(A + "entry")
    assert entry.findtext(A + "title") == xml_safe("公示" + title)
    assert (entry.findtext(A + "summary") or "") == xml_safe(summary)
    doc = json.loads(render("json", meta, page))
    assert doc["items"][0]["title"] == xml_safe("公示" + title)
    assert doc["items"][0]["_zhifa"]["party_name"] == xml_safe(party)
