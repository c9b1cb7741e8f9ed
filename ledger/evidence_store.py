"""The evidence store (var/evidence/<sha256>): files copied in under the hash of exactly the bytes copied.

Content addressing is only worth something if the name is the hash of the stored bytes. So a file is hashed
*while* it is copied into a temporary file inside the store (never hashed first and copied after: a file that
changes in between would be stored under the wrong name), fsynced, then renamed onto its name atomically. Nothing
inside the store is followed: the store directory is opened with ``O_NOFOLLOW``, the temporary file is created
with ``O_EXCL | O_NOFOLLOW`` relative to it, and the rename replaces whatever sits at the name (a planted symlink
is replaced, never written through).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import secrets
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

BLOCK = 1 << 20


class EvidenceStoreError(OSError):
    """The store cannot be used safely (it is a symlink, or not a directory)."""


@dataclass(frozen=True)
class StoredEvidence:
    sha256: str
    size: int


def open_store_dir(store_dir: Path) -> int:
    """A directory descriptor for the store, created if absent; refused if it is a symlink or not a directory."""
    store_dir.parent.mkdir(parents=True, exist_ok=True)
    with contextlib.suppress(FileExistsError):
        os.mkdir(store_dir, 0o755)
    info = os.lstat(store_dir)
    if stat.S_ISLNK(info.st_mode):
        raise EvidenceStoreError(f"evidence store {store_dir} is a symlink; refusing to follow it")
    if not stat.S_ISDIR(info.st_mode):
        raise EvidenceStoreError(f"evidence store {store_dir} is not a directory")
    return os.open(store_dir, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)


def store_stream(source: BinaryIO, store_dir: Path) -> StoredEvidence:
    """Copy ``source`` into the store, hashing the bytes as they are written; return their hash and count."""
    dir_fd = open_store_dir(store_dir)
    try:
        temp = f".tmp-{secrets.token_hex(8)}"
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o644, dir_fd=dir_fd)
        digest = hashlib.sha256()
        size = 0
        try:
            with os.fdopen(fd, "wb") as out:
                while block := source.read(BLOCK):
                    digest.update(block)
                    out.write(block)
                    size += len(block)
                out.flush()
                os.fsync(out.fileno())
            name = digest.hexdigest()
            os.replace(temp, name, src_dir_fd=dir_fd, dst_dir_fd=dir_fd)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temp, dir_fd=dir_fd)
            raise
        os.fsync(dir_fd)
        return StoredEvidence(name, size)
    finally:
        os.close(dir_fd)


def store_file(path: Path, store_dir: Path) -> StoredEvidence:
    with open(path, "rb") as source:
        return store_stream(source, store_dir)
