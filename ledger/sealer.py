"""The sealer: follows the notification log exactly once and grows the RFC 6962 Merkle tree in the database.

Each entry hash (``SHA-256(0x00 ‖ entry)``, already the RFC 6962 leaf hash) becomes the next leaf, in
notification-log order. Every completed perfect subtree is stored as a node ``(level, index)`` — the leaf hashes
at level 0 — so any inclusion or consistency proof needs O(log n) stored nodes, fetched in one query. The new
nodes, the leaf ↔ (stream, version, position) rows and the sealer's tracking position are written in ONE
transaction (guarded by the previous position, so two sealers cannot both advance), which is what makes a
``kill -9`` at any point harmless: either the whole batch is there or none of it.

After each batch a checkpoint (C2SP tlog-checkpoint, signed note by the log key) is stored in the database and
appended to ``var/checkpoints.log`` outside it. On start the sealer refuses to run if the database's tree is not
the tree of the last checkpoint in that file (a restored or rolled-back database is caught).
"""

from __future__ import annotations

import datetime as dt
import os
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ledger import canonical
from ledger.court import merkle
from ledger.court.checkpoint import Checkpoint, open_checkpoint, sign_checkpoint
from ledger.court.keys import SigningKey, parse_verifier_key
from ledger.db import Cursor
from ledger.envelope import entry_hash
from ledger.errors import LedgerError
from ledger.store import Store, position_column, unframe

TRACKING = "sealer"
_SHIFT = 48  # node id = level << 48 | index (2^48 leaves is far beyond any one log)


def node_id(level: int, index: int) -> int:
    return (level << _SHIFT) | index


class RolledBack(LedgerError):
    code = "ledger-rolled-back"
    title = "数据库状态早于已公布的检查点"
    title_en = "The database is behind or inconsistent with a published checkpoint"
    status = 503


@dataclass(frozen=True)
class Leaf:
    leaf_index: int
    position: int
    stream: str
    version: int


class Tree:
    """Read side of the stored tree: size, nodes, roots, leaf lookups, checkpoints."""

    def __init__(self, store: Store) -> None:
        self.store = store
        with store.db.write() as cur:
            cur.execute(
                "INSERT INTO zhifa_tracking (name, position) VALUES (?, 0) ON CONFLICT (name) DO NOTHING", (TRACKING,)
            )
            cur.execute(
                "INSERT INTO zhifa_tracking (name, position) VALUES (?, 0) ON CONFLICT (name) DO NOTHING",
                (TRACKING + ".size",),
            )

    def state(self, cur: Cursor | None = None) -> tuple[int, int]:
        """(notification position sealed up to, tree size)."""
        if cur is None:
            with self.store.db.read() as c:
                return self.state(c)
        rows = dict(
            cur.execute("SELECT name, position FROM zhifa_tracking WHERE name IN (?, ?)", (TRACKING, TRACKING + ".size")).fetchall()
        )
        return int(rows.get(TRACKING, 0)), int(rows.get(TRACKING + ".size", 0))

    def size(self) -> int:
        return self.state()[1]

    def nodes(self, addresses: Sequence[tuple[int, int]], cur: Cursor | None = None) -> dict[tuple[int, int], bytes]:
        """Stored nodes by (level, index): one query for a proof's few nodes, one per 500 for bulk checks."""
        if not addresses:
            return {}
        if cur is None:
            with self.store.db.read() as c:
                return self.nodes(addresses, c)
        ids = {node_id(lv, ix): (lv, ix) for lv, ix in addresses}
        wanted = list(ids)
        out: dict[tuple[int, int], bytes] = {}
        for i in range(0, len(wanted), 500):
            part = wanted[i : i + 500]
            marks = ",".join("?" * len(part))
            for r in cur.execute(f"SELECT id, hash FROM zhifa_tree_nodes WHERE id IN ({marks})", part).fetchall():
                out[ids[int(r[0])]] = bytes(r[1])
        return out

    def root(self, size: int) -> bytes:
        return merkle.root_from_nodes(size, self.nodes(merkle.root_addresses(size)))

    def inclusion_proof(self, index: int, size: int) -> list[bytes]:
        """RFC 9162 inclusion proof from stored nodes (one query)."""
        addresses = merkle.inclusion_proof_addresses(index, size)
        return merkle.assemble(addresses, self.nodes(list(merkle.nodes_of(addresses))))

    def consistency_proof(self, size1: int, size2: int) -> list[bytes]:
        addresses = merkle.consistency_proof_addresses(size1, size2)
        return merkle.assemble(addresses, self.nodes(list(merkle.nodes_of(addresses))))

    def leaves_of(self, stream: str) -> list[Leaf]:
        with self.store.db.read() as cur:
            rows = cur.execute(
                "SELECT l.leaf_index, l.position, l.stream, l.version FROM stored_events e "
                f"JOIN zhifa_leaves l ON l.position = e.{position_column(cur.kind)} WHERE e.originator_id = ? "
                "ORDER BY l.version",
                (stream,),
            ).fetchall()
        return [Leaf(int(r[0]), int(r[1]), str(r[2]), int(r[3])) for r in rows]

    def sealed_leaves_of(self, stream: str) -> list[Leaf]:
        """The leaf rows sealed for a stream, read from the leaf table alone (so a leaf whose entry was deleted from
        the database is still found). No index serves this: one scan, for a bundle's few streams."""
        with self.store.db.read() as cur:
            rows = cur.execute(
                "SELECT leaf_index, position, stream, version FROM zhifa_leaves WHERE stream = ? ORDER BY version",
                (stream,),
            ).fetchall()
        return [Leaf(int(r[0]), int(r[1]), str(r[2]), int(r[3])) for r in rows]

    def latest_checkpoint(self) -> tuple[int, str] | None:
        with self.store.db.read() as cur:
            row = cur.execute("SELECT size, note FROM zhifa_checkpoints ORDER BY size DESC LIMIT 1").fetchone()
        return None if row is None else (int(row[0]), str(row[1]))

    def checkpoint_at(self, size: int) -> str | None:
        with self.store.db.read() as cur:
            row = cur.execute("SELECT note FROM zhifa_checkpoints WHERE size=?", (size,)).fetchone()
        return None if row is None else str(row[0])


class Sealer:
    """Seals the notification log into the tree and publishes checkpoints (one sealer per database)."""

    def __init__(self, store: Store, log_key: SigningKey, checkpoints_file: Path | None, *, batch: int = 50_000) -> None:
        origin = store.meta("origin")
        if origin is None:
            raise LedgerError("no ledger in this database")
        if log_key.verifier.text != store.meta("log_vkey"):
            raise LedgerError("this is not the log key of this ledger")
        self.store = store
        self.origin = origin
        self.log_key = log_key
        self.tree = Tree(store)
        self.checkpoints_file = checkpoints_file
        self.batch = batch
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.check_not_rolled_back()

    # -- rollback detection ----------------------------------------------------------------------------
    def _published(self) -> list[str]:
        if self.checkpoints_file is None or not self.checkpoints_file.exists():
            return []
        text = self.checkpoints_file.read_text()
        return [block + "\n" for block in text.split("\n\n\n") if block.strip()] if text else []

    def check_not_rolled_back(self) -> None:
        """The database must contain the tree of the last checkpoint published outside it."""
        published = self._published()
        if not published:
            return
        vkey = parse_verifier_key(self.store.meta("log_vkey") or "")
        last = open_checkpoint(published[-1], vkey)
        size = self.tree.size()
        if size < last.size:
            raise RolledBack(f"database tree has {size} leaves; checkpoint {last.size} was published")
        if self.tree.root(last.size) != last.root:
            raise RolledBack(f"database tree at size {last.size} does not have the published root")
        # A crash between commit and file write leaves the file behind the database: catch it up.
        latest = self.tree.latest_checkpoint()
        if latest is not None and latest[0] > last.size:
            self._publish_file(latest[1])

    def _publish_file(self, note: str) -> None:
        if self.checkpoints_file is None:
            return
        self.checkpoints_file.parent.mkdir(parents=True, exist_ok=True)
        with open(self.checkpoints_file, "a", encoding="utf-8") as handle:
            handle.write(note + "\n\n")
            handle.flush()
            os.fsync(handle.fileno())

    # -- sealing -----------------------------------------------------------------------------------------
    def seal_once(self) -> int:
        """Seal what the log holds beyond our position; return the number of new leaves (0 if none)."""
        position, size = self.tree.state()
        notes = self.store.log_range(position, limit=self.batch)
        if not notes:
            return 0
        addresses = merkle.root_addresses(size)
        found = self.tree.nodes(addresses)
        builder = merkle.TreeBuilder.resume(size, [found[a] for a in addresses])
        new_nodes: list[tuple[int, bytes]] = []
        leaves: list[tuple[int, int, str, int]] = []
        for note_id, stream, version, state in notes:
            entry, _ = unframe(state)
            leaves.append((builder.size, note_id, stream, version))
            for level, index, digest in builder.append(entry_hash(entry)):
                new_nodes.append((node_id(level, index), digest))
        index, root = builder.size, builder.root()
        note_text = sign_checkpoint(Checkpoint(self.origin, index, root), self.log_key)
        now = canonical.format_timestamp(dt.datetime.now(dt.UTC))
        with self.store.db.write() as cur:
            moved = cur.execute(
                "UPDATE zhifa_tracking SET position=? WHERE name=? AND position=?", (notes[-1][0], TRACKING, position)
            )
            if moved.raw.rowcount != 1:
                raise LedgerError("another sealer advanced the tree")
            cur.execute("UPDATE zhifa_tracking SET position=? WHERE name=?", (index, TRACKING + ".size"))
            cur.executemany("INSERT INTO zhifa_tree_nodes (id, hash) VALUES (?, ?)", new_nodes)
            cur.executemany("INSERT INTO zhifa_leaves (leaf_index, position, stream, version) VALUES (?,?,?,?)", leaves)
            cur.execute(
                "INSERT INTO zhifa_checkpoints (size, root, note, created_at) VALUES (?,?,?,?)", (index, root, note_text, now)
            )
        self._publish_file(note_text)
        return len(notes)

    def seal_all(self) -> int:
        total = 0
        while True:
            n = self.seal_once()
            total += n
            if n == 0:
                return total

    def start(self, interval: float = 0.2) -> None:
        """Follow the log in a background thread (poll; never trust NOTIFY alone)."""
        if self._thread is not None:
            return

        def run() -> None:
            while not self._stop.is_set():
                if self.seal_once() == 0:
                    self._stop.wait(interval)

        self._thread = threading.Thread(target=run, name="zhifa-sealer", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
            self._thread = None


def wait_sealed(tree: Tree, position: int, timeout: float = 5.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if tree.state()[0] >= position:
            return True
        time.sleep(0.01)
    return False
