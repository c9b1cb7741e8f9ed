"""A small uniform SQL surface over eventsourcing's SQLite and PostgreSQL datastores.

The ledger's own tables (nonces, case-state cache, tree nodes, checkpoints, tracking, projections) live in the
same database as the events, so they can be written in the same transaction. SQL is written once with ``?``
markers and ``{t:name}``-free plain names; :meth:`Database.q` adapts markers and schema for PostgreSQL.

On a SQLite file every write transaction of this code (writer, sealer, projection runner, in any process) first
takes an advisory ``flock`` on ``<database>-zhifa.lock`` (:class:`WriteGate`). SQLite's own lock stays the guard;
the gate is how writers *wait*: a transaction that finds SQLite's lock taken retries in its busy handler with sleeps
of up to 100 ms, so a follower's short batch could cost the writer a tenth of a second, where a waiter on the gate is
woken by the kernel the moment the holder is done. Written by hand because SQLite offers no waiting lock and
eventsourcing's datastore none across processes; a few lines of ``fcntl``.
"""

from __future__ import annotations

import fcntl
import os
import re
import sqlite3
import threading
import weakref
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any, Literal

import psycopg
from eventsourcing.persistence import IntegrityError, OperationalError, PersistenceError
from psycopg.rows import tuple_row

Kind = Literal["sqlite", "postgres"]
#: SQLite's page cache per connection, KiB (SQLite's default: 2,000). A projection batch updates rows all over the
#: views' B-trees; with 2 MB most pages it touched had been evicted by the next batch and were read from the file
#: again: a rebuild of the bench's log made 2.3 ``pread`` calls per act, with 32 MB 0.7. The memory is taken only as
#: pages are read.
SQLITE_CACHE_KIB = 32_768
#: WAL pages after which a commit of what the log can recompute (``write(durable=False)``: projection batches)
#: checkpoints, instead of SQLite's 1,000: a tenth of the checkpoints (each syncs the file), and a page that several
#: batches rewrote is copied to the database file once. With ``SQLITE_CACHE_KIB`` a rebuild makes a third fewer
#: ``pwrite`` calls.
BULK_AUTOCHECKPOINT = 10_000
_TABLE = re.compile(r"\bzhifa_[a-z_]+\b|\bstored_events\b")


class Cursor:
    """Tuple rows, bytes for blobs, ``?`` markers on both backends."""

    def __init__(self, db: Database, raw: Any) -> None:
        self._db = db
        self.kind = db.kind
        self._raw = raw
        self.raw = raw

    def q(self, sql: str) -> str:
        return self._db.q(sql)

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Cursor:
        self._raw.execute(self._db.q(sql), params)
        return self

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        if rows:
            self._raw.executemany(self._db.q(sql), rows)

    def fetchone(self) -> tuple[Any, ...] | None:
        row = self._raw.fetchone()
        return None if row is None else _tuple(row)

    def fetchall(self) -> list[tuple[Any, ...]]:
        return [_tuple(row) for row in self._raw.fetchall()]


def _tuple(row: Any) -> tuple[Any, ...]:
    return tuple(bytes(v) if isinstance(v, memoryview) else v for v in row)


class WriteGate:
    """An exclusive lock every write transaction on one SQLite file takes first: a thread lock within the process,
    ``flock`` across processes (each process opens the lock file once, lazily: reading commands create nothing)."""

    def __init__(self, database_path: str) -> None:
        self.path = database_path + "-zhifa.lock"
        self._mutex = threading.RLock()
        self._fd: int | None = None
        self._depth = 0
        _GATES.add(self)

    def _forget_after_fork(self) -> None:
        # A forked child shares the parent's open file description, and with it the parent's flock: it opens its own.
        self._mutex = threading.RLock()
        self._fd, self._depth = None, 0

    @contextmanager
    def hold(self) -> Iterator[None]:
        with self._mutex:
            if self._depth == 0:
                if self._fd is None:
                    self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
                fcntl.flock(self._fd, fcntl.LOCK_EX)
            self._depth += 1
            try:
                yield
            finally:
                self._depth -= 1
                if self._depth == 0 and self._fd is not None:
                    fcntl.flock(self._fd, fcntl.LOCK_UN)

    def close(self) -> None:
        with self._mutex:
            if self._fd is not None and self._depth == 0:
                os.close(self._fd)
                self._fd = None


_GATES: weakref.WeakSet[WriteGate] = weakref.WeakSet()


def _gates_after_fork() -> None:
    for gate in list(_GATES):
        gate._forget_after_fork()


os.register_at_fork(after_in_child=_gates_after_fork)


class Database:
    def __init__(self, kind: Kind, datastore: Any, schema: str = "public", events_table: str = "stored_events",
                 gate: WriteGate | None = None) -> None:
        self.kind = kind
        self.gate = gate
        self.events_table = events_table
        self.datastore = datastore
        self.schema = schema
        #: SQLite: this process's commits leave the WAL to a process that calls :meth:`checkpoint` (the web
        #: server's followers): SQLite's automatic checkpoint runs inside the commit that crosses 1,000 pages, so
        #: under the write gate, and makes that writer copy the pages to the database file and sync it.
        self.checkpoints_elsewhere = False
        self.blob = "BLOB" if kind == "sqlite" else "BYTEA"
        self.bigint = "INTEGER" if kind == "sqlite" else "BIGINT"

    def q(self, sql: str) -> str:
        if self.kind == "sqlite":
            return sql
        sql = _TABLE.sub(lambda m: f'"{self.schema}".{self._real(m.group(0))}', sql)
        return sql.replace("?", "%s")

    def _real(self, name: str) -> str:
        """SQL names the events table ``stored_events``; eventsourcing names it per backend."""
        return self.events_table if name == "stored_events" else name

    @contextmanager
    def write(self, *, durable: bool = True) -> Iterator[Cursor]:
        """A write transaction; on SQLite it takes the write lock up front (no lock-upgrade failures).

        ``durable=False`` is for what can be recomputed from the log (projection rows with their position): on a
        SQLite file its commit is not synced to disk (``synchronous=NORMAL`` in WAL mode: a power cut may lose the
        last such commits, never half of one), so it holds the write lock for less time. The ledger's own writes
        (acts, seals, checkpoints) are always synced."""
        if self.kind == "sqlite":
            with self._gate(), self.datastore.get_connection(commit=True) as conn:
                raw = _tuned(conn)
                if self.checkpoints_elsewhere and not getattr(conn, "zhifa_no_autocheckpoint", False):
                    raw.execute("PRAGMA wal_autocheckpoint=0")
                    conn.zhifa_no_autocheckpoint = True
                bulk = not durable and not self.checkpoints_elsewhere
                if not durable:
                    raw.execute("PRAGMA synchronous=NORMAL")
                if bulk:
                    raw.execute(f"PRAGMA wal_autocheckpoint={BULK_AUTOCHECKPOINT}")
                try:
                    raw.execute("BEGIN IMMEDIATE")
                    yield Cursor(self, raw.cursor())
                    raw.commit()
                except BaseException as exc:
                    raw.rollback()
                    _raise_mapped(exc)
                    raise
                finally:
                    if not durable:
                        raw.execute("PRAGMA synchronous=FULL")
                    if bulk:
                        raw.execute("PRAGMA wal_autocheckpoint=1000")
        else:
            try:
                with self.datastore.get_connection() as conn, conn.transaction():
                    yield Cursor(self, conn.cursor(row_factory=tuple_row))
            except psycopg.Error as exc:  # pragma: no cover - mapped by datastore normally
                _raise_mapped(exc)
                raise

    def checkpoint(self) -> tuple[int, int, int] | None:
        """SQLite: copy what the WAL holds to the database file (``PRAGMA wal_checkpoint(PASSIVE)``) without the write
        gate — a passive checkpoint waits for no reader or writer; it returns (busy, WAL frames, frames copied)."""
        if self.kind != "sqlite":
            return None
        with self.datastore.get_connection(commit=False) as conn:
            row = conn._sqlite_conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
        return (int(row[0]), int(row[1]), int(row[2])) if row is not None else None

    @contextmanager
    def _gate(self) -> Iterator[None]:
        if self.gate is None:
            yield
        else:
            with self.gate.hold():
                yield

    @contextmanager
    def read(self) -> Iterator[Cursor]:
        if self.kind == "sqlite":
            with self.datastore.get_connection(commit=False) as conn:
                raw = _tuned(conn)
                try:
                    raw.execute("BEGIN")
                    yield Cursor(self, raw.cursor())
                finally:
                    raw.rollback()
        else:
            with self.datastore.get_connection() as conn, conn.transaction(force_rollback=True):
                yield Cursor(self, conn.cursor(row_factory=tuple_row))

    def upsert(self, table: str, keys: Sequence[str], columns: Sequence[str]) -> str:
        """``INSERT … ON CONFLICT DO UPDATE`` (same syntax on SQLite ≥ 3.24 and PostgreSQL)."""
        cols = [*keys, *columns]
        updates = ", ".join(f"{c}=excluded.{c}" for c in columns) or f"{keys[0]}=excluded.{keys[0]}"
        return (
            f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' for _ in cols)}) "
            f"ON CONFLICT ({', '.join(keys)}) DO UPDATE SET {updates}"
        )


def _tuned(conn: Any) -> Any:
    """The SQLite connection of one of eventsourcing's pooled connections, its page cache set on first use."""
    raw = conn._sqlite_conn
    if not getattr(conn, "zhifa_tuned", False):
        raw.execute(f"PRAGMA cache_size=-{SQLITE_CACHE_KIB}")
        conn.zhifa_tuned = True
    return raw


def _raise_mapped(exc: BaseException) -> None:
    if isinstance(exc, sqlite3.IntegrityError | psycopg.IntegrityError):
        raise IntegrityError(str(exc)) from exc
    if isinstance(exc, sqlite3.OperationalError | psycopg.OperationalError):
        raise OperationalError(str(exc)) from exc
    if isinstance(exc, sqlite3.Error | psycopg.Error):
        raise PersistenceError(str(exc)) from exc
