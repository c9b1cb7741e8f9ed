"""No field of a real bundle lies outside a signature, a proof or a derived check (issue 12 item 2).

A real bundle — the demo's ledger through the real writer and rules, a case with two evidence acts, sealed — is
edited one character of one string at a time (every string of the bundle, at its first, middle and last
character), every integer is moved by one, and every list element is deleted one at a time; each edited bundle is
verified on its own, and every one is refused. The evidence list may only point to files: emptying it does not
let a tampered file through.
"""

from __future__ import annotations

import copy
import hashlib
from pathlib import Path
from typing import Any

import pytest

from ledger.court.verify import UnusableInput, verify_bundle
from tests import real_bundle as rb
from tests.real_bundle import RealBundle


@pytest.fixture(scope="module")
def real(tmp_path_factory: pytest.TempPathFactory) -> RealBundle:
    return rb.build(tmp_path_factory.mktemp("real-bundle"))


def _refused(bundle: Any, real: RealBundle, **kwargs: Any) -> bool:
    try:
        return not verify_bundle(bundle, real.log_vkey, **kwargs).ok
    except UnusableInput:
        return True


def test_the_real_bundle_verifies(real: RealBundle) -> None:
    report = verify_bundle(real.bundle, real.log_vkey)
    assert report.ok, [f.line() for f in report.failures]
    assert report.entries >= 20 and report.streams >= 4


def test_one_character_edited_in_any_string_is_refused(real: RealBundle) -> None:
    strings = [(path, value) for path, value in rb.paths(real.bundle) if isinstance(value, str)]
    shapes = {rb.shape_of(path) for path, _ in strings}
    assert {("format",), ("origin",), ("checkpoint",), ("manifest",), ("streams", "*", "id"), ("evidence", "*", "name"),
            ("evidence", "*", "sha256"), ("streams", "*", "entries", "*", "proof")} <= shapes
    accepted = []
    edits = 0
    for path, text in strings:
        for at in sorted({0, len(text) // 2, len(text) - 1}) if text else []:
            bundle = copy.deepcopy(real.bundle)
            rb.put(bundle, path, rb.edit_char(text, at))
            edits += 1
            if not _refused(bundle, real):
                accepted.append((path, at))
    assert edits > 3 * 60
    assert accepted == []


def test_every_integer_moved_by_one_is_refused(real: RealBundle) -> None:
    ints = [(path, value) for path, value in rb.paths(real.bundle) if type(value) is int]
    assert {rb.shape_of(p) for p, _ in ints} == {("streams", "*", "entries", "*", "version"),
                                                  ("streams", "*", "entries", "*", "leaf_index"), ("evidence", "*", "size")}
    accepted = []
    for path, value in ints:
        for moved in (value - 1, value + 1):
            bundle = copy.deepcopy(real.bundle)
            rb.put(bundle, path, moved)
            if not _refused(bundle, real):
                accepted.append((path, moved))
    assert accepted == []


def test_every_list_element_deleted_is_refused(real: RealBundle) -> None:
    elements = [path for path, _ in rb.paths(real.bundle) if path and isinstance(path[-1], int)]
    assert {rb.shape_of(p) for p in elements} == {("streams", "*"), ("streams", "*", "entries", "*"), ("evidence", "*")}
    accepted = []
    for path in elements:
        bundle = copy.deepcopy(real.bundle)
        rb.delete(bundle, path)
        if not _refused(bundle, real):
            accepted.append(path)
    assert accepted == []


def test_every_field_deleted_or_added_is_refused(real: RealBundle) -> None:
    fields = [path for path, _ in rb.paths(real.bundle) if path and isinstance(path[-1], str)]
    accepted = [p for p in fields if not _refused(_without(real.bundle, p), real)]
    assert accepted == []
    for path, value in rb.paths(real.bundle):
        if isinstance(value, dict):
            bundle = copy.deepcopy(real.bundle)
            rb.get(bundle, path)["note"] = "added"
            assert _refused(bundle, real), path


def _without(bundle: dict[str, Any], path: rb.Path_) -> dict[str, Any]:
    out = copy.deepcopy(bundle)
    rb.delete(out, path)
    return out


def test_emptying_the_evidence_list_does_not_pass_a_tampered_file(real: RealBundle, tmp_path: Path) -> None:
    digest = hashlib.sha256(rb.EVIDENCE_BYTES).hexdigest()
    (tmp_path / digest).write_bytes(rb.EVIDENCE_BYTES)
    codes = lambda b: sorted({f.code for f in verify_bundle(b, real.log_vkey, evidence_dir=tmp_path).failures})  # noqa: E731
    assert codes(real.bundle) == ["evidence-missing"]  # the demo's photo is not at hand; the real file is fine
    (tmp_path / digest).write_bytes(rb.EVIDENCE_BYTES.replace("照片".encode(), "图片".encode(), 1))
    assert codes(real.bundle) == ["evidence-mismatch", "evidence-missing"]
    emptied = {**real.bundle, "evidence": []}
    assert codes(emptied) == ["evidence-list", "evidence-mismatch", "evidence-missing"]
