"""The checkpoints published outside the database (``var/checkpoints.log``): reading, rollback check, torn-tail repair.

The file is what catches a restored or rolled-back database: every checkpoint the sealer signs is appended to it
(``note + "\\n\\n"``, so blocks end in ``"\\n\\n\\n"``) after the database committed it. A crash during that append
leaves a *torn tail*: an unterminated last block that is a prefix of a checkpoint the database holds. That is
repaired safely (cut the tail, append the database's signed checkpoints the file lacks). Anything else — a
complete block that does not verify under the log key, another origin, a tail that is no prefix of a stored
checkpoint, sizes going backwards — is *damage*: refused with the byte offset, never repaired automatically.

The writer (before any append) and the sealer (before any seal) both call :func:`check_not_rolled_back`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from ledger.court import merkle
from ledger.court.checkpoint import Checkpoint, open_checkpoint
from ledger.court.keys import VerifierKey, parse_verifier_key
from ledger.errors import LedgerError
from ledger.store import Store

SEPARATOR = "\n\n\n"


class RolledBack(LedgerError):
    code = "ledger-rolled-back"
    title = "数据库状态早于已公布的检查点"
    title_en = "The database is behind or inconsistent with a published checkpoint"
    status = 503


class CheckpointsDamaged(LedgerError):
    code = "checkpoints-damaged"
    title = "已公布检查点文件损坏"
    title_en = "The published checkpoints file is damaged"
    status = 503


@dataclass
class Published:
    """What the file holds: the verified complete checkpoints, and the bytes after the last good block."""

    checkpoints: list[tuple[Checkpoint, str]] = field(default_factory=list)
    good_bytes: int = 0
    tail: bytes = b""
    damage: str | None = None

    @property
    def last(self) -> Checkpoint | None:
        return self.checkpoints[-1][0] if self.checkpoints else None


TAIL_WINDOW = 16 * 1024
"""What the writer and sealer read of the file before each start: its last bytes (a checkpoint note is under 1 KB),
so that an append costs the same at the millionth checkpoint as at the first. The whole file is read by
``zhifa log repair-checkpoints`` and compared by ``zhifa check --full``."""


def read_published(path: Path, vkey: VerifierKey, *, whole: bool = True) -> Published:
    """Parse ``path`` block by block (bytes: a torn write may cut a character in two); stop at the first complete
    block that is not a verified checkpoint (``damage``); an unterminated last block is left in ``tail``.
    ``whole=False``: only the blocks that end in the last :data:`TAIL_WINDOW` bytes."""
    out = Published()
    separator = SEPARATOR.encode()
    try:
        with open(path, "rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            base = 0 if whole or size <= TAIL_WINDOW else size - TAIL_WINDOW
            handle.seek(base)
            raw = handle.read()
    except FileNotFoundError:
        return out
    except IsADirectoryError:
        out.damage = f"{path} is a directory"
        return out
    offset = 0
    if base:
        first = raw.find(separator)
        if first < 0:
            out.damage = f"no checkpoint ends in the last {TAIL_WINDOW} bytes"
            return out
        offset = first + len(separator)  # the window starts inside an earlier block
        out.good_bytes = base + offset
    while offset < len(raw):
        end = raw.find(separator, offset)
        if end < 0:
            out.tail = raw[offset:]
            break
        try:
            block = raw[offset : end + 1].decode("utf-8")
            cp = open_checkpoint(block, vkey)
        except ValueError as exc:  # UnicodeDecodeError is a ValueError too
            out.damage = f"block at byte {base + offset} is not a checkpoint signed by the log key: {exc}"
            out.tail = raw[offset:]
            return out
        last = out.last
        if last is not None and cp.size < last.size:
            out.damage = f"block at byte {base + offset} has tree size {cp.size} after {last.size}"
            out.tail = raw[offset:]
            return out
        out.checkpoints.append((cp, block))
        offset = end + len(separator)
        out.good_bytes = base + offset
    return out


def _torn(pub: Published, missing: list[str]) -> bool:
    """The tail is the start of a checkpoint the database holds and the file lacks (a write cut short)."""
    return any((note + "\n\n").encode().startswith(pub.tail) for note in missing)


def stored_checkpoints(store: Store, above: int = -1) -> list[tuple[int, str]]:
    with store.db.read() as cur:
        rows = cur.execute("SELECT size, note FROM zhifa_checkpoints WHERE size > ? ORDER BY size", (above,)).fetchall()
    return [(int(r[0]), str(r[1])) for r in rows]


def _tree_state(store: Store) -> tuple[int, int]:
    with store.db.read() as cur:
        rows = dict(cur.execute("SELECT name, position FROM zhifa_tracking WHERE name IN ('sealer', 'sealer.size')").fetchall())
    return int(rows.get("sealer", 0)), int(rows.get("sealer.size", 0))


def _root(store: Store, size: int) -> bytes:
    """The stored tree's root at ``size`` (the sealer's node ids: level << 48 | index)."""
    addresses = merkle.root_addresses(size)
    ids = {(level << 48) | index: (level, index) for level, index in addresses}
    with store.db.read() as cur:
        marks = ",".join("?" * len(ids)) or "NULL"
        rows = cur.execute(f"SELECT id, hash FROM zhifa_tree_nodes WHERE id IN ({marks})", list(ids)).fetchall()
    found = {ids[int(r[0])]: bytes(r[1]) for r in rows}
    if len(found) != len(addresses):
        return b""  # nodes missing: not the published tree
    return merkle.root_from_nodes(size, found)


@dataclass
class Diagnosis:
    """What :func:`diagnose` found: ``ok``, ``torn`` (repairable) or ``damaged``; and what a repair would do."""

    state: str
    message: str
    published: Published
    append: list[str] = field(default_factory=list)


def diagnose(store: Store, path: Path, *, whole: bool = True) -> Diagnosis:
    vkey = parse_verifier_key(store.meta("log_vkey") or "")
    pub = read_published(path, vkey, whole=whole)
    if pub.damage is not None:
        return Diagnosis("damaged", f"{path}: {pub.damage}; not repaired automatically (compare it with `zhifa log checkpoint` and the backups)", pub)
    last_size = pub.last.size if pub.last is not None else -1
    missing = [note for size, note in stored_checkpoints(store, last_size)]
    if pub.tail:
        if not _torn(pub, missing):
            return Diagnosis(
                "damaged",
                f"{path}: the last {len(pub.tail)} bytes (from byte {pub.good_bytes}) are not a checkpoint this "
                "database signed; not repaired automatically",
                pub,
            )
        return Diagnosis(
            "torn",
            f"{path}: torn last block ({len(pub.tail)} bytes from byte {pub.good_bytes}, a crash during a write); "
            f"repair cuts it and appends {len(missing)} signed checkpoint(s) from the database",
            pub,
            missing,
        )
    return Diagnosis("ok", f"{path}: {len(pub.checkpoints)} checkpoint(s), intact", pub, missing)


def repair(store: Store, path: Path, *, whole: bool = True) -> Diagnosis:
    """Cut a torn tail and append the database's checkpoints the file lacks (fsynced); refuse damage."""
    found = diagnose(store, path, whole=whole)
    if found.state == "damaged":
        raise CheckpointsDamaged(found.message + "  (see `zhifa log repair-checkpoints --dry-run`)")
    if found.state == "torn":
        with open(path, "r+b") as handle:
            handle.truncate(found.published.good_bytes)
            handle.flush()
            os.fsync(handle.fileno())
    if found.append:
        append_notes(path, found.append)
    return found


def append_notes(path: Path, notes: list[str]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a", encoding="utf-8") as handle:
        for note in notes:
            handle.write(note + "\n\n")
        handle.flush()
        os.fsync(handle.fileno())


def check_not_rolled_back(store: Store, path: Path | None) -> Published:
    """Refuse (RolledBack) if the database does not contain the tree of the last checkpoint published to ``path``,
    and (CheckpointsDamaged) if the file is damaged beyond a torn tail. Reads only; a torn tail is tolerated here
    (the sealer repairs it). Returns what the file holds."""
    if path is None:
        return Published()
    vkey = parse_verifier_key(store.meta("log_vkey") or "")
    pub = read_published(path, vkey, whole=False)
    if pub.damage is not None:
        raise CheckpointsDamaged(f"{path}: {pub.damage}  (see `zhifa log repair-checkpoints --dry-run`)")
    last = pub.last
    if pub.tail and not _torn(pub, [note for _, note in stored_checkpoints(store, last.size if last else -1)]):
        raise CheckpointsDamaged(
            f"{path}: the last {len(pub.tail)} bytes (from byte {pub.good_bytes}) are not a checkpoint this database "
            "signed  (see `zhifa log repair-checkpoints --dry-run`)"
        )
    if last is None:
        return pub
    position, size = _tree_state(store)
    if size < last.size:
        raise RolledBack(
            f"database tree has {size} leaves; checkpoint {last.size} was published to {path} (a restored or older copy?)"
        )
    if _root(store, last.size) != last.root:
        raise RolledBack(f"database tree at size {last.size} does not have the root published to {path}")
    if store.position() < position:
        raise RolledBack(f"database log ends at position {store.position()}, its tree was sealed up to {position}")
    return pub


__all__ = [
    "CheckpointsDamaged",
    "Diagnosis",
    "Published",
    "RolledBack",
    "append_notes",
    "check_not_rolled_back",
    "diagnose",
    "read_published",
    "repair",
]
