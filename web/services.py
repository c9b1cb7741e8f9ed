"""The web service's resources — store, writer, tree, sealer, credentials, evidence store, metrics — and the one
follower that keeps the published state (latest checkpoint, lags) fresh. The app's lifespan owns all of it.

Nothing here imports litestar: handlers reach these through dependencies, and tests can drive them directly.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import os
import tempfile
import threading
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from prometheus_client import Counter, Gauge, Histogram

from ledger import canonical
from ledger.court.checkpoint import parse_unverified
from ledger.court.keys import SigningKey, read_private_key
from ledger.sealer import Sealer, Tree
from ledger.store import Store, position_column, unframe
from ledger.writer import Writer, state_cache_key
from web.credentials import Credentials
from web.feed_catalog import FeedCatalog
from web.followers import DEFAULT_MODE
from web.tiles import TileCache


class LedgerSettings(Protocol):
    """What the web service needs of the composition root's settings (``zhifa.settings.Settings`` has it)."""

    @property
    def database_url(self) -> str: ...
    @property
    def max_skew_seconds(self) -> int: ...
    @property
    def keys_dir(self) -> Path: ...
    @property
    def checkpoints_file(self) -> Path: ...
    @property
    def evidence_dir(self) -> Path: ...


@dataclass(frozen=True)
class WebOptions:
    """Limits and intervals of the web service (defaults suit one worker over an embedded SQLite file)."""

    evidence_max_bytes: int = 64 * 1024 * 1024
    act_max_bytes: int = 256 * 1024
    follow: bool = True  # seal (when the log key is here) and refresh published state in the process
    poll_interval: float = 0.2
    keepalive_seconds: float = 15.0
    max_sealer_lag_seconds: float = 5.0
    max_projection_lag: int = 10_000
    feed_page_size: int = 50
    request_log: bool = True  # one JSON log line per request
    base_url: str = "http://127.0.0.1:8000"  # absolute links in feeds
    # The sealer and projection runner: one child process (web/followers.py), so that they run on another core
    # instead of taking the server's interpreter lock from its event loop and writer; "threads" keeps them in here.
    followers: str = DEFAULT_MODE


# -- metrics (process-wide: prometheus_client registers each name once) ------------------------------------------
APPEND_SECONDS = Histogram("zhifa_append_seconds", "POST /api/acts: time from body received to the writer's commit")
ACTS_ACCEPTED = Counter("zhifa_acts_accepted_total", "Acts appended through the API")
ACTS_REFUSED = Counter("zhifa_acts_refused_total", "Acts refused through the API, by refusal code", ["code"])
SEALER_LAG = Gauge("zhifa_sealer_lag_entries", "Log entries appended but not yet sealed into the Merkle tree")
SEALER_LAG_SECONDS = Gauge("zhifa_sealer_lag_seconds", "Seconds the oldest unsealed entry has waited (0 when none)")
PROJECTION_LAG = Gauge("zhifa_projection_lag_entries", "Log entries not yet processed, by projection", ["projection"])
CHECKPOINT_AGE = Gauge("zhifa_checkpoint_age_seconds", "Seconds since the latest checkpoint was signed")
TREE_SIZE = Gauge("zhifa_tree_size", "Leaves in the latest checkpoint")


@dataclass(frozen=True)
class Published:
    """The latest signed checkpoint as served (refreshed by the follower)."""

    size: int
    note: str
    root: bytes
    created_at: str

    @property
    def created(self) -> dt.datetime:
        return canonical.parse_timestamp(self.created_at)


@dataclass
class Health:
    position: int = 0
    sealed_position: int = 0
    unsealed_since: float | None = None
    database_ok: bool = False
    checked_at: float = 0.0
    projection_lag: dict[str, int] = field(default_factory=dict)


class EvidenceTooLarge(Exception):
    pass


class EvidenceStore:
    """Content-addressed files under one directory, named by their SHA-256 (hex); client names are never paths."""

    def __init__(self, directory: Path, max_bytes: int) -> None:
        self.directory = directory
        self.max_bytes = max_bytes

    async def put_stream(self, chunks: AsyncIterator[bytes]) -> tuple[str, int]:
        """Hash while writing to a temporary file in the store, then rename it to its digest; the size limit is
        enforced while streaming (nothing is kept when exceeded)."""
        self.directory.mkdir(parents=True, exist_ok=True)
        digest, size = hashlib.sha256(), 0
        fd, tmp = tempfile.mkstemp(dir=self.directory, prefix=".upload-")
        try:
            with os.fdopen(fd, "wb") as out:
                async for chunk in chunks:
                    size += len(chunk)
                    if size > self.max_bytes:
                        raise EvidenceTooLarge(f"upload exceeds {self.max_bytes} bytes")
                    digest.update(chunk)
                    out.write(chunk)
                out.flush()
                os.fsync(out.fileno())
            target = self.directory / digest.hexdigest()
            if target.exists():
                os.unlink(tmp)
            else:
                os.replace(tmp, target)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
            raise
        return digest.hexdigest(), size


class Services:
    """Everything a request handler may need, opened once per app and closed by its lifespan."""

    def __init__(self, settings: LedgerSettings, options: WebOptions, store: Store | None = None) -> None:
        self.settings = settings
        self.options = options
        self._own_store = store is None
        self.store = store if store is not None else Store(settings.database_url)
        self.origin = self.store.meta("origin") or ""
        self.log_vkey = self.store.meta("log_vkey") or ""
        key_path = settings.keys_dir / "log.key"
        self.log_key: SigningKey | None = read_private_key(key_path) if key_path.exists() else None
        cache_key = None if self.log_key is None else state_cache_key(self.log_key)
        self.writer = Writer(self.store, max_skew=dt.timedelta(seconds=settings.max_skew_seconds), cache_key=cache_key)
        self.tree = Tree(self.store)
        self.tiles = TileCache()  # tlog-tiles already served: their bytes never change
        self.credentials = Credentials(self.store)
        self.evidence = EvidenceStore(settings.evidence_dir, options.evidence_max_bytes)
        self.sealer: Sealer | None = None
        from projections.catalog import default_views
        from projections.runner import Runner

        self.runner = Runner(self.store, default_views())
        self.runner_running = False
        self._child: Any = None  # the followers' process (options.followers == "process")
        self.published: Published | None = None
        self.health = Health()
        self._refresh_lock = threading.Lock()
        self.on_refresh: list[Callable[[Services], None]] = []
        self.feeds = FeedCatalog(self.store, options.base_url, options.feed_page_size, clock=lambda: self.writer.clock())
        self.feed_stamp: tuple[int, ...] = ()  # published size and the views' positions: feed pages change with it
        self.refresh()

    # -- lifecycle ------------------------------------------------------------------------------------------
    def start(self) -> None:
        self.writer.start()
        if self.options.follow and self.options.followers == "process":
            import subprocess
            import sys

            # The child checkpoints the WAL (web/followers.py), so the server's commits never do it under the lock.
            self.store.db.checkpoints_elsewhere = True

            key = self.settings.keys_dir / "log.key"
            self._child = subprocess.Popen(
                [sys.executable, "-m", "web.followers", self.settings.database_url, str(key) if self.log_key else "",
                 str(self.settings.checkpoints_file), str(self.options.poll_interval), str(os.getpid())]
            )
        elif self.options.follow:
            if self.log_key is not None:
                self.sealer = Sealer(self.store, self.log_key, self.settings.checkpoints_file)
                self.sealer.start(self.options.poll_interval)
            self.runner.start(self.options.poll_interval)
            self.runner_running = True

    def stop(self) -> None:
        if self._child is not None:
            self._child.terminate()
            self._child.wait(30)
            self._child = None
        if self.runner_running:
            self.runner.stop()
            self.runner_running = False
        if self.sealer is not None:
            self.sealer.stop()
        self.writer.stop()
        if self._own_store:
            self.store.close()

    # -- published state --------------------------------------------------------------------------------------
    def refresh(self) -> None:
        """Read the latest checkpoint and the lags (called by the follower every poll interval)."""
        with self._refresh_lock:
            now = time.monotonic()
            try:
                with self.store.db.read() as cur:
                    row = cur.execute(
                        "SELECT size, note, root, created_at FROM zhifa_checkpoints ORDER BY size DESC LIMIT 1"
                    ).fetchone()
                    position = self.store.position()
                    sealed, _ = self.tree.state(cur)
                self.health.database_ok = True
            except Exception:
                self.health.database_ok = False
                self.health.checked_at = now
                return
            if row is not None and (self.published is None or int(row[0]) != self.published.size):
                self.published = Published(int(row[0]), str(row[1]), bytes(row[2]), str(row[3]))
            h = self.health
            h.position, h.sealed_position, h.checked_at = position, sealed, now
            if sealed >= position:
                h.unsealed_since = None
            elif h.unsealed_since is None:
                h.unsealed_since = now
            SEALER_LAG.set(max(0, position - sealed))
            SEALER_LAG_SECONDS.set(0 if h.unsealed_since is None else now - h.unsealed_since)
            if self.published is not None:
                TREE_SIZE.set(self.published.size)
                CHECKPOINT_AGE.set((dt.datetime.now(dt.UTC) - self.published.created).total_seconds())
            statuses = self.runner.status()
            for status in statuses:
                h.projection_lag[status.name] = status.lag
                PROJECTION_LAG.labels(projection=status.name).set(status.lag)
            self.feed_stamp = (self.checkpoint_size(), *(st.position for st in statuses))
            for hook in self.on_refresh:
                hook(self)
        if self.store.db.checkpoints_elsewhere and self.followers_exit_code() is not None:
            self.store.db.checkpoint()  # the child that did it is gone: the WAL must not grow without bound
        self.writer_catch_up()

    def writer_catch_up(self) -> None:
        """Let the writer see registry acts appended by other processes (the guards read its registry)."""
        self.writer.catch_up()

    def followers_exit_code(self) -> int | None:
        """The followers' child process's exit code once it has ended on its own (None while it runs, or in threads
        mode): readiness reports it, since nothing would seal or project any more."""
        return None if self._child is None else self._child.poll()

    def sealer_lag_seconds(self) -> float:
        since = self.health.unsealed_since
        return 0.0 if since is None else time.monotonic() - since

    # -- reads of the public log ---------------------------------------------------------------------------------
    def checkpoint_size(self) -> int:
        return 0 if self.published is None else self.published.size

    def entries_by_leaf(self, start: int, end: int) -> list[bytes]:
        """Entry bytes of leaves ``[start, end)`` in leaf order (one query)."""
        if end <= start:
            return []
        with self.store.db.read() as cur:
            col = position_column(cur.kind)
            rows = cur.execute(
                f"SELECT l.leaf_index, e.state FROM zhifa_leaves l JOIN stored_events e ON e.{col} = l.position "
                "WHERE l.leaf_index >= ? AND l.leaf_index < ? ORDER BY l.leaf_index",
                (start, end),
            ).fetchall()
        if len(rows) != end - start:
            raise LookupError(f"leaves {start}..{end} are not all sealed")
        return [unframe(bytes(r[1]))[0] for r in rows]

    def leaf_of(self, stream: str, version: int) -> int | None:
        with self.store.db.read() as cur:
            row = cur.execute("SELECT leaf_index FROM zhifa_leaves WHERE stream=? AND version=?", (stream, version)).fetchone()
        return None if row is None else int(row[0])

    def checkpoint_of(self, note: str) -> tuple[int, bytes]:
        cp = parse_unverified(note)
        return cp.size, cp.root
