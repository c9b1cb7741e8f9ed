"""The court's verifier stays in bounded memory and time for any input (issue 12 item 6): hostile sizes, counts
and depths are refused as invalid or unusable, never allocated, recursed into or raised as another exception."""

from __future__ import annotations

import copy
import json
import time
import tracemalloc
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ledger.court import checkpoint as cp_module
from ledger.court import tlogproof
from ledger.court.bundle_format import BundleFormatError, parse_manifest
from ledger.court.verify import (
    MAX_BUNDLE_BYTES,
    MAX_JSON_DEPTH,
    NonCanonical,
    UnusableInput,
    canonical_loads,
    json_depth_within,
    load_json,
    main,
    verify_bundle,
)
from tests import real_bundle as rb
from tests.real_bundle import RealBundle

HOSTILE_INTS = st.one_of(
    st.sampled_from([10**15, 2**64, 2**64 - 1, 2**63, -(2**63), -1, 0, 10**100]), st.integers(-(2**70), 2**70)
)


@pytest.fixture(scope="module")
def real(tmp_path_factory: pytest.TempPathFactory) -> RealBundle:
    return rb.build(tmp_path_factory.mktemp("bounds"))


def _verdict(bundle: Any, real: RealBundle) -> str:
    try:
        return "valid" if verify_bundle(bundle, real.log_vkey).ok else "invalid"
    except UnusableInput:
        return "unusable"


def test_the_issues_version_of_ten_to_the_fifteen_allocates_nothing(real: RealBundle) -> None:
    bundle = copy.deepcopy(real.bundle)
    bundle["streams"][0]["entries"][3]["version"] = 10**15
    tracemalloc.start()
    started = time.perf_counter()
    report = verify_bundle(bundle, real.log_vkey)
    elapsed = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert not report.ok
    assert ("version-order" in {f.code for f in report.failures}) or ("version-gap" in {f.code for f in report.failures})
    assert peak < 20 << 20 and elapsed < 2


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(where=st.sampled_from(["version", "leaf_index"]), value=HOSTILE_INTS, entry=st.integers(0, 6), stream=st.integers(0, 3))
def test_hostile_integers_in_entries_are_refused_quickly(real: RealBundle, where: str, value: int, entry: int, stream: int) -> None:
    bundle = copy.deepcopy(real.bundle)
    entries = bundle["streams"][stream % len(bundle["streams"])]["entries"]
    original = entries[entry % len(entries)][where]
    entries[entry % len(entries)][where] = value
    started = time.perf_counter()
    verdict = _verdict(bundle, real)
    assert time.perf_counter() - started < 2
    assert verdict == ("valid" if value == original else "invalid")


@settings(max_examples=40, deadline=None)
@given(depth=st.one_of(st.integers(0, 200), st.sampled_from([MAX_JSON_DEPTH, MAX_JSON_DEPTH + 1, 10_000, 100_000])),
       kind=st.sampled_from(["[]", "{}"]))
def test_nesting_is_scanned_before_parsing(depth: int, kind: str) -> None:
    text = "[" * depth + '"x"' + "]" * depth if kind == "[]" else '{"a":' * depth + "1" + "}" * depth
    assert json_depth_within(text) == (depth <= MAX_JSON_DEPTH)
    if depth > MAX_JSON_DEPTH:
        with pytest.raises(UnusableInput, match="deeper than"):
            load_json(text.encode())
        with pytest.raises(NonCanonical):
            canonical_loads(text.encode())
    else:
        load_json(text.encode())


def test_brackets_inside_strings_do_not_count() -> None:
    assert json_depth_within(json.dumps({"s": "[" * 100_000, "t": 'a\\"[[[' + "{" * 500}))


def test_oversized_input_is_refused_unread(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(UnusableInput, match="larger than"):
        load_json(b" " * (MAX_BUNDLE_BYTES + 1))
    big = tmp_path / "big.json"
    with big.open("wb") as handle:
        handle.seek(MAX_BUNDLE_BYTES + 10)
        handle.write(b"0")
    assert main([str(big), "--log-key", "x+00000000+AAAA"]) == 2


def test_deep_nesting_on_the_command_line_is_one_line_and_exit_2(real: RealBundle, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = json.dumps(real.bundle).replace('"evidence": [', '"evidence": [' + "[" * 100_000 + "]" * 100_000 + ",", 1)
    path = tmp_path / "deep.json"
    path.write_text(text)
    assert main([str(path), "--log-key", real.log_vkey]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "deeper than" in err[0]


@settings(max_examples=30, deadline=None)
@given(digits=st.integers(20, 6000))
def test_long_numbers_in_notes_and_proofs_are_format_errors(digits: int) -> None:
    number = "9" * digits
    with pytest.raises(tlogproof.TlogProofError):
        tlogproof.parse(f"c2sp.org/tlog-proof@v1\nindex {number}\n\norigin\n1\n{'A' * 43}=\n\n— origin AAAA\n")
    with pytest.raises(cp_module.CheckpointError):
        cp_module.Checkpoint.parse(f"origin\n{number}\n{'A' * 43}=\n")
    with pytest.raises(BundleFormatError):
        parse_manifest(f"zhifa-bundle-manifest/v1\norigin\n{number}\n")
