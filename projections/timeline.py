"""The full-process record (全过程记录, APL Art 47): every act of a case in order, with who, as what, and when.

One row per case act: type, actor and the actor's role at that point of the log, ``recorded_at`` (legal time) and
``claimed_at``, the co-signers (each ``act.cosigned`` adds its signer to the act it names), every file the act
references by SHA-256 (evidence with its size), and the entry hash. The leaf index is not stored: the sealer owns
it, and :func:`timeline` joins the sealer's leaf table, so an act shows its leaf index as soon as it is sealed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import msgspec

from ledger.db import Cursor
from ledger.store import TOPIC_CASE
from projections.titles import title_of
from projections.view import Applied, View

TABLE = "zhifa_proj_timeline"
_ENCODE = msgspec.json.Encoder(order="sorted").encode


def _json(value: Any) -> str:
    return _ENCODE(value).decode()


def evidence_of(payload: Any, path: str = "") -> list[dict[str, Any]]:
    """Every file an act references: ``sha256`` (with its ``size``) or a ``*_sha256`` field, with where it sits."""
    found: list[dict[str, Any]] = []
    _walk(payload, path, found)
    return found


def _walk(value: Any, path: str, found: list[dict[str, Any]]) -> None:
    # One list for the whole walk, and a field's path spelled only where a file or a nested value sits (most keys
    # hold neither): the timeline walks every act that names a file.
    if isinstance(value, dict):
        for key in sorted(value):
            item = value[key]
            if isinstance(item, str):
                if key == "sha256" or key.endswith("_sha256"):
                    size = value.get("size") if key == "sha256" else None
                    found.append({"field": f"{path}.{key}" if path else key, "sha256": item,
                                  "size": size if isinstance(size, int) else None})
            elif isinstance(item, (dict, list)):
                _walk(item, f"{path}.{key}" if path else key, found)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            if isinstance(item, (dict, list)):
                _walk(item, f"{path}[{i}]", found)


class TimelineView(View):
    name = "timeline"
    topics = (TOPIC_CASE,)
    #: 2: on SQLite a ``WITHOUT ROWID`` table, its rows kept in (case, version) order — one B-tree per act
    #: written instead of two (the rowid table and its primary key's index), and a case's record read from one place.
    version = 2
    tables = (TABLE,)

    def __init__(self) -> None:
        super().__init__()
        self._rows: dict[tuple[str, int], list[Any]] = {}

    def schema(self, cur: Cursor) -> None:
        b = "INTEGER" if cur.kind == "sqlite" else "BIGINT"
        if cur.kind == "sqlite":
            row = cur.execute("SELECT sql FROM sqlite_master WHERE type='table' AND name=?", (TABLE,)).fetchone()
            if row is not None and "WITHOUT ROWID" not in str(row[0]).upper():
                cur.execute(f"DROP TABLE {TABLE}")  # version 1's rowid table; the runner rebuilds the view (new version)
        cur.execute(
            f"CREATE TABLE IF NOT EXISTS {TABLE} (case_id TEXT NOT NULL, version {b} NOT NULL, position {b} NOT NULL, "
            "type TEXT NOT NULL, actor TEXT NOT NULL, role TEXT, recorded_at TEXT NOT NULL, claimed_at TEXT NOT NULL, "
            "cosigners TEXT NOT NULL, evidence TEXT NOT NULL, entry_hash TEXT NOT NULL, PRIMARY KEY (case_id, version))"
            + (" WITHOUT ROWID" if cur.kind == "sqlite" else "")
        )

    def apply(self, cur: Cursor, act: Applied) -> None:
        record = act.record
        if record.type == "act.cosigned":
            self._cosign(cur, record.stream, int(record.payload.get("act_version", 0)), record.actor)
        self._rows[(record.stream, record.version)] = [
            record.stream,
            record.version,
            act.position,
            record.type,
            record.actor,
            act.registry.role_of(record.actor),
            act.entry.recorded_at,  # already the canonical UTC text
            act.act.claimed_at,
            [],
            # Most acts name no file: the act's signed JSON holds no "sha256" (a key naming a file would be there as
            # it is: the ledger took only canonical bytes), and the walk is skipped.
            _json(evidence_of(record.payload)) if b"sha256" in act.act_bytes else "[]",
            act.entry_hash.hex(),
        ]

    def _cosign(self, cur: Cursor, case: str, version: int, signer: str) -> None:
        row = self._rows.get((case, version))
        if row is not None:
            row[8].append(signer)
            return
        found = cur.execute(f"SELECT cosigners FROM {TABLE} WHERE case_id=? AND version=?", (case, version)).fetchone()
        if found is not None:
            signers = [*json.loads(found[0]), signer]
            cur.execute(f"UPDATE {TABLE} SET cosigners=? WHERE case_id=? AND version=?", (_json(signers), case, version))

    def flush(self, cur: Cursor) -> None:
        rows = [(*r[:8], _json(r[8]) if r[8] else "[]", *r[9:]) for r in self._rows.values()]  # most acts: no co-signer
        cur.executemany(
            f"INSERT INTO {TABLE} (case_id, version, position, type, actor, role, recorded_at, claimed_at, cosigners, "
            "evidence, entry_hash) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
            rows,
        )
        self._rows.clear()

    def discard(self) -> None:
        self._rows.clear()


@dataclass(frozen=True)
class TimelineRow:
    """One act of the full-process record as the supervisor sees it."""

    case_id: str
    version: int
    position: int
    type: str
    title: str
    title_en: str
    actor: str
    role: str | None
    recorded_at: str
    claimed_at: str
    cosigners: list[str]
    evidence: list[dict[str, Any]]
    entry_hash: str
    leaf_index: int | None

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def timeline(cur: Cursor, case_id: str) -> list[TimelineRow]:
    """The view's record of one case in version order, with leaf indexes where the sealer has sealed the act."""
    rows = cur.execute(
        f"SELECT t.case_id, t.version, t.position, t.type, t.actor, t.role, t.recorded_at, t.claimed_at, t.cosigners, "
        f"t.evidence, t.entry_hash, l.leaf_index FROM {TABLE} t LEFT JOIN zhifa_leaves l ON l.position = t.position "
        "WHERE t.case_id = ? ORDER BY t.version",
        (case_id,),
    ).fetchall()
    out = []
    for r in rows:
        title, title_en = title_of(str(r[3]))
        out.append(
            TimelineRow(
                str(r[0]), int(r[1]), int(r[2]), str(r[3]), title, title_en, str(r[4]), r[5], str(r[6]), str(r[7]),
                list(json.loads(r[8])), list(json.loads(r[9])), str(r[10]), None if r[11] is None else int(r[11]),
            )
        )
    return out
