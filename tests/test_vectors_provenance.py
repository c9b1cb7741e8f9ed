"""The copied vectors in tests/vectors equal the published ones in ../shared/vectors (when that is present)."""

from __future__ import annotations

from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent / "vectors"
SHARED = Path(__file__).resolve().parents[2] / "shared" / "vectors"


@pytest.mark.skipif(not SHARED.is_dir(), reason="../shared/vectors is not beside this clone")
def test_copy_equals_published_vectors() -> None:
    published = sorted(p.relative_to(SHARED) for p in SHARED.rglob("*") if p.is_file())
    assert published, "no published vectors"
    for rel in published:
        assert (HERE / rel).read_bytes() == (SHARED / rel).read_bytes(), rel
