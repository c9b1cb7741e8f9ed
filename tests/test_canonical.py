"""Canonical encoding: deterministic, round-trips, refuses every non-canonical spelling (hypothesis)."""

from __future__ import annotations

import json
from typing import Any

import msgspec
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ledger import canonical
from ledger.envelope import Act

scalars = st.none() | st.booleans() | st.integers(min_value=-(2**63), max_value=2**63 - 1) | st.text()
values = st.recursive(
    scalars,
    lambda children: st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=8), children, max_size=5),
    max_leaves=25,
)
objects = st.dictionaries(st.text(max_size=8), values, max_size=6)


@given(objects)
def test_encoding_is_deterministic_and_independent_of_key_order(obj: dict[str, Any]) -> None:
    shuffled = dict(reversed(list(obj.items())))
    assert canonical.encode(obj) == canonical.encode(shuffled) == canonical.encode(json.loads(canonical.encode(obj)))


@given(objects)
def test_round_trip(obj: dict[str, Any]) -> None:
    data = canonical.encode(obj)
    assert canonical.decode(data, dict[str, Any]) == obj
    # The same bytes as the standard library's spelling of the format (what the offline verifier uses).
    assert data == json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


acts = st.builds(
    Act,
    actor=st.text(min_size=1, max_size=20),
    case=st.uuids().map(str),
    case_version=st.integers(min_value=0, max_value=10**6),
    claimed_at=st.just("2026-11-20T01:30:00.000000Z"),
    log=st.just("zhifa.example/ledger"),
    nonce=st.binary(min_size=16, max_size=16),
    payload=objects,
    type=st.sampled_from(["lead.received", "case.note", "decision.made"]),
)


@given(acts)
def test_structs_round_trip(act: Act) -> None:
    data = canonical.encode(act)
    assert canonical.decode(data, Act) == act


@settings(max_examples=150)
@given(objects.filter(lambda o: len(o) >= 1), st.data())
def test_non_canonical_spellings_are_refused(obj: dict[str, Any], data: st.DataObject) -> None:
    good = canonical.encode(obj)
    variants = [
        good + b" ",
        b" " + good,
        b"{ " + good[1:],
        good[:-1] + b" }",
        json.dumps(obj, sort_keys=True, ensure_ascii=False).encode(),  # default separators add spaces
    ]
    if len(obj) >= 2:
        variants.append(json.dumps(dict(sorted(obj.items(), reverse=True)), separators=(",", ":"), ensure_ascii=False).encode())
    if any(ord(ch) > 127 for ch in good.decode()):
        variants.append(json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode())
    for variant in variants:
        if variant == good:
            continue
        with pytest.raises(canonical.NonCanonicalError):
            canonical.decode(variant, dict[str, Any])


@pytest.mark.parametrize(
    "data",
    [
        b'{"a":1.0}',  # floats are never canonical
        b'{"a":1e3}',
        b'{"a":1,"a":1}',  # duplicate key
        b'{"b":1,"a":2}',  # unsorted
        b'{"a":"\\u00e9"}',  # escaped non-ASCII
        b'{"a":01}',
        b"\xef\xbb\xbf{}",  # BOM
    ],
)
def test_known_bad_inputs(data: bytes) -> None:
    with pytest.raises(canonical.NonCanonicalError):
        canonical.decode(data, dict[str, Any])


def test_floats_cannot_be_encoded() -> None:
    with pytest.raises(TypeError):
        canonical.encode({"fine": 200.5})
    with pytest.raises(TypeError):
        canonical.encode(msgspec.structs.replace(Act("a", "c", 0, "t", "l", b"0" * 16, {"x": [1.5]}, "y")))


def test_act_with_unknown_field_is_refused() -> None:
    data = canonical.encode({"actor": "a", "case": "c", "case_version": 0, "claimed_at": "t", "extra": 1, "log": "l", "nonce": b"0" * 16, "payload": {}, "type": "x"})
    with pytest.raises(canonical.NonCanonicalError):
        canonical.decode(data, Act)
