"""`zhifa evidence add`: the name is the hash of the stored bytes, and nothing inside the store is followed (issue 12, 9)."""

from __future__ import annotations

import hashlib
import io
import json
import os
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner

from ledger.evidence_store import BLOCK, EvidenceStoreError, store_file, store_stream
from tests.test_cli_faults import one_line
from zhifa.cli import main


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def test_a_planted_symlink_in_the_store_is_replaced_not_written_through(tmp_path: Path) -> None:
    store = tmp_path / "var" / "evidence"
    store.mkdir(parents=True)
    outside = tmp_path / "outside.txt"
    outside.write_bytes(b"a file outside the store that must not change")
    evidence = tmp_path / "photo.jpg"
    evidence.write_bytes(b"\xff\xd8 photo of the shelf")
    (store / _sha(evidence.read_bytes())).symlink_to(outside)  # planted at the name the file will take
    res = CliRunner().invoke(main, ["evidence", "add", str(evidence)], env={"ZHIFA_VAR_DIR": str(tmp_path / "var")})
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    assert out == {"name": "photo.jpg", "sha256": _sha(evidence.read_bytes()), "size": len(evidence.read_bytes())}
    assert outside.read_bytes() == b"a file outside the store that must not change"
    stored = store / out["sha256"]
    assert not stored.is_symlink() and stored.read_bytes() == evidence.read_bytes()
    assert [p.name for p in store.iterdir()] == [out["sha256"]]  # no temporary file left behind


def test_a_store_that_is_a_symlink_is_refused(tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (tmp_path / "var").mkdir()
    (tmp_path / "var" / "evidence").symlink_to(elsewhere)
    evidence = tmp_path / "a.pdf"
    evidence.write_bytes(b"%PDF-1.7")
    res = CliRunner().invoke(main, ["evidence", "add", str(evidence)], env={"ZHIFA_VAR_DIR": str(tmp_path / "var")})
    assert "is a symlink" in one_line(res)
    assert list(elsewhere.iterdir()) == []
    with pytest.raises(EvidenceStoreError):
        store_file(evidence, tmp_path / "var" / "evidence")


class _ChangingFile(io.RawIOBase):
    """A file someone edits while it is read: after the first block is handed out, the rest changes."""

    def __init__(self, first: bytes, later: bytes) -> None:
        self.parts = [first, later]

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        return self.parts.pop(0) if self.parts else b""


def test_a_file_changed_while_copied_is_stored_under_the_hash_of_what_was_copied(tmp_path: Path) -> None:
    first, later = b"A" * BLOCK, b"edited afterwards"
    stored = store_stream(_ChangingFile(first, later), tmp_path / "evidence")  # type: ignore[arg-type]
    data = (tmp_path / "evidence" / stored.sha256).read_bytes()
    assert data == first + later and stored.sha256 == _sha(data) and stored.size == len(data)


def test_concurrent_modification_never_stores_bytes_under_another_hash(tmp_path: Path) -> None:
    """A writer thread rewrites the file while `evidence add` copies it: every stored file's name is its hash."""
    path = tmp_path / "video.bin"
    path.write_bytes(os.urandom(4 * BLOCK))
    stop = threading.Event()

    def scribble() -> None:
        n = 0
        while not stop.is_set():
            with open(path, "r+b") as handle:
                handle.seek((n * 65_537) % (4 * BLOCK))
                handle.write(os.urandom(4096))
            n += 1

    thread = threading.Thread(target=scribble)
    thread.start()
    try:
        results = [store_file(path, tmp_path / "evidence") for _ in range(15)]
    finally:
        stop.set()
        thread.join()
    for result in results:
        data = (tmp_path / "evidence" / result.sha256).read_bytes()
        assert _sha(data) == result.sha256 and len(data) == result.size
    assert not [p for p in (tmp_path / "evidence").iterdir() if p.name.startswith(".tmp-")]
