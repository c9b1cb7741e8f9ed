"""The two fields the ledger's feeds add to the plain feed items: ``sequence`` (order of publication, when it is
not the leaf order) and ``ends`` (the disclosure an expiry ends), in every format."""

from __future__ import annotations

import json

import feedparser
import msgspec
import pytest
from lxml import etree

import feeds
from feeds.samples import golden_items, sample_meta

ZL = "{urn:zhifa-ledger:feed:1}"


def test_sequence_orders_items_whose_leaves_are_older_than_items_before_them() -> None:
    a, b, c = golden_items()[:3]
    late = msgspec.structs.replace(a, sequence=30)  # leaf 3 published after leaves 7 and 9
    early = [msgspec.structs.replace(b, sequence=10), msgspec.structs.replace(c, sequence=20)]
    ordered = feeds.in_feed_order([late, *early])
    assert [i.leaf_index for i in ordered] == [7, 9, 3]
    with pytest.raises(feeds.FeedInputError):
        feeds.in_feed_order([late, msgspec.structs.replace(b, sequence=30)])


@pytest.mark.parametrize("fmt", feeds.FORMATS)
def test_an_expiry_names_the_disclosure_it_ends(fmt: feeds.Format) -> None:
    expiry = msgspec.structs.replace(golden_items()[4], ends=7)
    _, page = feeds.pages([expiry], 10)
    body = feeds.render(fmt, sample_meta(), page)
    if fmt == "json":
        assert json.loads(body)["items"][0]["_zhifa"]["ends"] == 7
    else:
        assert feedparser.parse(body).bozo == 0
        assert [el.text for el in etree.fromstring(body).iter(ZL + "ends")] == ["7"]
