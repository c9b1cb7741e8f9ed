"""`make bench-big` at a small size: the bulk-loaded ledger passes the whole check as appended ones do, and the
verifier's memory is sampled from its process tree (a sampler that saw nothing would report 0 MB and pass)."""

from __future__ import annotations

from pathlib import Path

from bench.big import build, measure


def test_bulk_loaded_ledger_verifies_and_memory_is_sampled(tmp_path: Path) -> None:
    path, entries, streams = build(tmp_path, 3000)
    assert 2500 <= entries <= 12000 and streams >= 200  # whole template cases, in chunks of 500 cases
    result = measure(path)
    assert result["problems"] == []
    assert result["entries"] == result["log_entries"] == entries + 2  # + the authority's admission and the key
    assert result["streams"] == streams + 2
    assert 20 * 1024 < result["rss_max"] < 500 * 1024 and result["pss_sum"] > 0 and result["processes"] >= 1
