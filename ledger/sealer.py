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

import contextlib
import datetime as dt
import fcntl
import logging
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from ledger import canonical
from ledger.court import merkle
from ledger.court.checkpoint import Checkpoint, sign_checkpoint
from ledger.court.keys import SigningKey
from ledger.db import Cursor
from ledger.envelope import entry_hash
from ledger.errors import LedgerError
from ledger.published import RolledBack as RolledBack
from ledger.published import append_notes, check_not_rolled_back, diagnose, repair
from ledger.store import IntegrityError, Store, position_column, unframe

TRACKING = "sealer"
_SHIFT = 48  # node id = level << 48 | index (2^48 leaves is far beyond any one log)


def node_id(level: int, index: int) -> int:
    return (level << _SHIFT) | index


log = logging.getLogger("zhifa.sealer")


@dataclass(frozen=True)
class Leaf:
    leaf_index: int
    position: int
    stream: str
    version: int


class _LostRace(Exception):
    """Another sealer advanced the tree first."""


class Tree:
    """Read side of the stored tree: size, nodes, roots, leaf lookups, checkpoints."""

    def __init__(self, store: Store) -> None:
        self.store = store  # reads only: the sealer creates its tracking rows (read-only commands write nothing)

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
        with store.db.write() as cur:
            for name in (TRACKING, TRACKING + ".size"):
                cur.execute("INSERT INTO zhifa_tracking (name, position) VALUES (?, 0) ON CONFLICT (name) DO NOTHING", (name,))
        self.checkpoints_file = checkpoints_file
        self.batch = batch
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.check_not_rolled_back()

    # -- rollback detection ----------------------------------------------------------------------------
    def check_not_rolled_back(self) -> None:
        """The database must contain the tree of the last checkpoint published outside it (ledger.published);
        a torn last block (a crash while writing the file) is repaired from the database's signed checkpoints,
        any other damage refused."""
        with self._file_lock():  # another sealer on this host may be writing the file right now
            if self.checkpoints_file is not None and diagnose(self.store, self.checkpoints_file, whole=False).state == "torn":
                repair(self.store, self.checkpoints_file, whole=False)
            published = check_not_rolled_back(self.store, self.checkpoints_file)
            # A crash between commit and file write leaves the file behind the database: catch it up.
            last = published.last
            if last is not None:
                latest = self.tree.latest_checkpoint()
                if latest is not None and latest[0] > last.size:
                    self._publish_file(latest[1])

    def _publish_file(self, note: str) -> None:
        if self.checkpoints_file is None:
            return
        append_notes(self.checkpoints_file, [note])

    # -- sealing -----------------------------------------------------------------------------------------
    def seal_once(self) -> int:
        """Seal what the log holds beyond our position; return the number of new leaves (0 if none, or if another
        sealer advanced the tree first: the loser of that race yields quietly and the next call starts from there)."""
        with self._file_lock():
            try:
                return self._seal_batch()
            except _LostRace:
                return 0

    @contextlib.contextmanager
    def _file_lock(self) -> Iterator[None]:
        """Sealers on one host take turns (flock beside the checkpoints file), so the file's checkpoints stay in
        tree order; sealers on different hosts are kept apart by the guarded tracking update alone."""
        if self.checkpoints_file is None:
            yield
            return
        self.checkpoints_file.parent.mkdir(parents=True, exist_ok=True)
        with open(str(self.checkpoints_file) + ".lock", "a") as handle:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle.fileno(), fcntl.LOCK_UN)

    def _seal_batch(self) -> int:
        position, size = self.tree.state()
        notes = self.store.log_range(position, limit=self.batch)
        if not notes:
            return 0
        addresses = merkle.root_addresses(size)
        found = self.tree.nodes(addresses)
        if len(found) != len(addresses):
            raise _LostRace()  # read between another sealer's commit of the tracking rows and of its nodes
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
        try:
            with self.store.db.write() as cur:
                moved = cur.execute(
                    "UPDATE zhifa_tracking SET position=? WHERE name=? AND position=?", (notes[-1][0], TRACKING, position)
                )
                if moved.raw.rowcount != 1:
                    raise _LostRace()  # rolled back: nothing of this batch is written
                cur.execute("UPDATE zhifa_tracking SET position=? WHERE name=?", (index, TRACKING + ".size"))
                cur.executemany("INSERT INTO zhifa_tree_nodes (id, hash) VALUES (?, ?)", new_nodes)
                cur.executemany("INSERT INTO zhifa_leaves (leaf_index, position, stream, version) VALUES (?,?,?,?)", leaves)
                cur.execute(
                    "INSERT INTO zhifa_checkpoints (size, root, note, created_at) VALUES (?,?,?,?)", (index, root, note_text, now)
                )
        except IntegrityError as exc:
            raise _LostRace() from exc  # another sealer inserted these nodes first (PostgreSQL, concurrent)
        self._publish_file(note_text)
        return len(notes)

    def backlog(self) -> int:
        """Entries appended and not yet sealed."""
        return self.store.count_after(self.tree.state()[0])

    def seal_all(self, progress: Callable[[int], None] | None = None) -> int:
        """Seal everything the log holds, batch by batch; ``progress(n)`` after each batch of ``n`` leaves."""
        total = 0
        while True:
            n = self.seal_once()
            total += n
            if n == 0:
                return total
            if progress is not None:
                progress(n)

    def start(self, interval: float = 0.2) -> None:
        """Follow the log in a background thread (poll; never trust NOTIFY alone), sealing at most once every
        ``interval`` seconds: a batch that did not fill up is followed by a pause, so under load one checkpoint
        covers every act of the interval instead of one transaction, signature and fsync per few acts (each of
        them taking the database's write lock from the writer). A full batch (catching up) goes on at once."""
        if self._thread is not None:
            return

        def run() -> None:
            while not self._stop.is_set():
                try:
                    full = self.seal_once() >= self.batch
                except Exception:
                    # A failed batch (the database locked past its timeout, a full disk) is one transaction, so
                    # nothing of it stayed: log it and try again, instead of a sealer thread that died unseen.
                    log.exception("sealing failed; retrying in %.1f s", interval)
                    full = False
                if not full:
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
