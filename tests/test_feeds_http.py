"""ETag, Last-Modified and the 304 decision for feed pages (RFC 9110 §8.8, §13.1.1, §13.1.3, §13.2.2)."""

from __future__ import annotations

import datetime as dt

import pytest

from feeds import etag_for, last_modified, not_modified

MODIFIED = dt.datetime(2026, 3, 2, 1, 30, 15, 250_000, tzinfo=dt.UTC)
ETAG = etag_for("/feeds/disclosures", 537, "atom")


def test_etag_is_a_quoted_strong_tag_that_changes_with_key_position_format_and_page_size() -> None:
    assert ETAG.startswith('"') and ETAG.endswith('"') and not ETAG.startswith("W/")
    assert len(ETAG) == 34
    assert etag_for("/feeds/disclosures", 537, "atom") == ETAG
    others = {
        etag_for("/feeds/disclosures", 538, "atom"),
        etag_for("/feeds/disclosures", 537, "rss"),
        etag_for("/feeds/withdrawals", 537, "atom"),
        etag_for("/feeds/disclosures", 537, "atom", page_size=50),
    }
    assert ETAG not in others and len(others) == 4


def test_last_modified_is_an_imf_fixdate_at_second_precision() -> None:
    assert last_modified(MODIFIED) == "Mon, 02 Mar 2026 01:30:15 GMT"
    beijing = MODIFIED.astimezone(dt.timezone(dt.timedelta(hours=8)))
    assert last_modified(beijing) == "Mon, 02 Mar 2026 01:30:15 GMT"
    with pytest.raises(ValueError, match="naive"):
        last_modified(dt.datetime(2026, 3, 2))


@pytest.mark.parametrize(
    ("if_none_match", "expected"),
    [
        (ETAG, True),
        ('"something-else"', False),
        (f'"a", {ETAG}, "b"', True),
        (f'"a","b",{ETAG}', True),
        ('"a", "b"', False),
        (f"W/{ETAG}", True),  # If-None-Match uses the weak comparison
        ("*", True),
        (" * ", True),
        ("", False),
        ("garbage, " + ETAG, True),
        ("garbage", False),
        (ETAG.strip('"'), False),  # unquoted is not an entity-tag
    ],
)
def test_if_none_match(if_none_match: str, expected: bool) -> None:
    assert not_modified(ETAG, MODIFIED, if_none_match, None) is expected


@pytest.mark.parametrize(
    ("if_modified_since", "expected"),
    [
        ("Mon, 02 Mar 2026 01:30:15 GMT", True),  # equal (the fraction of a second does not count)
        ("Mon, 02 Mar 2026 01:30:16 GMT", True),  # later
        ("Mon, 02 Mar 2026 01:30:14 GMT", False),  # earlier
        ("Sun, 01 Mar 2026 00:00:00 GMT", False),
        ("Monday, 02-Mar-26 01:30:15 GMT", True),  # obsolete RFC 850: recipients must accept it (§5.6.7)
        ("Mon Mar  2 01:30:15 2026", True),  # asctime
        ("not a date", False),
        ("", False),
        ("Mon, 32 Mar 2026 01:30:15 GMT", False),
    ],
)
def test_if_modified_since(if_modified_since: str, expected: bool) -> None:
    assert not_modified(ETAG, MODIFIED, None, if_modified_since) is expected


def test_if_none_match_takes_precedence_over_if_modified_since() -> None:
    later = "Tue, 03 Mar 2026 00:00:00 GMT"
    earlier = "Sun, 01 Mar 2026 00:00:00 GMT"
    assert not_modified(ETAG, MODIFIED, '"other"', later) is False
    assert not_modified(ETAG, MODIFIED, ETAG, earlier) is True
    assert not_modified(ETAG, MODIFIED, "garbage", later) is False


def test_no_conditional_headers_means_send_the_page() -> None:
    assert not_modified(ETAG, MODIFIED, None, None) is False
