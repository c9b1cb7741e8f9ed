"""The current-state view (案件当前状态): each case's ``CaseState`` as ``apply_case`` gives it, with indexed columns.

The state is stored as canonical JSON (keys sorted, the writer's own encoding) beside the columns supervisors
filter on: status, agency (and the agency acting in another's name), domain, catalog item, procedure, lead source and
channel, the party's kind and unified social credit code, the stage times, and how many recorded acts today's rules
refuse (``nonconforming``: :func:`domain.case.apply_recorded` notes them; supervisors list them). The state after each act comes from
the runner (``Applied.state``: one ``apply_case`` per act for every view that keeps case states, the runner's LRU
reading this table on a miss); rows are kept in memory for the batch, so a case touched by several acts of one batch
is written once, at the end, in one ``executemany``.
"""

from __future__ import annotations

import msgspec

from domain.case import CaseState
from ledger.db import Cursor
from ledger.store import TOPIC_CASE
from projections.view import Applied, View, local_iso

TABLE = "zhifa_proj_cases"
COLUMNS = (
    "version",
    "position",
    "status",
    "agency",
    "in_name_of",
    "domain",
    "catalog_item",
    "procedure",
    "source",
    "channel",
    "referred_by",
    "party_kind",
    "party_uscc",
    "opened_at",
    "filed_at",
    "decided_at",
    "closed_at",
    "updated_at",
    "nonconforming",
    "state",
)

_ENCODER = msgspec.json.Encoder(order="sorted")
_DECODER = msgspec.json.Decoder(CaseState)


def encode_state(state: CaseState) -> bytes:
    """Canonical JSON of a case state (keys sorted at every level, no whitespace)."""
    return _ENCODER.encode(state)


def decode_state(data: bytes | str) -> CaseState:
    return _DECODER.decode(data)


def _ts(moment: object) -> str | None:
    return None if moment is None else local_iso(moment)  # type: ignore[arg-type]


def row_of(state: CaseState, position: int, *, utf8: bool = False) -> tuple[object, ...]:
    """The view's row for a state (after the act at log ``position``); ``utf8``: the state column as its UTF-8 JSON
    bytes, for SQL that casts it to text (SQLite), not as a ``str``."""
    lead, party, d = state.lead, state.party, state.decision
    return (
        state.case_id,
        state.version,
        position,
        state.status,
        state.agency,
        state.in_name_of,
        state.domain,
        state.catalog_item,
        state.procedure,
        None if lead is None else lead.source,
        None if lead is None else lead.channel,
        None if lead is None else lead.referred_by,
        None if party is None else party.kind,
        None if party is None else party.uscc,
        _ts(state.opened_at),
        _ts(state.filed_at),
        _ts(None if d is None else d.decided_at),
        _ts(state.closed_at),
        _ts(state.updated_at),
        len(state.nonconforming),
        encode_state(state) if utf8 else encode_state(state).decode(),
    )


class CaseStateView(View):
    name = "cases"
    topics = (TOPIC_CASE,)
    #: 2: the ``nonconforming`` column (recorded acts today's rules refuse), added to version 1's table.
    version = 2
    tables = (TABLE,)
    keeps_case_states = True

    def __init__(self) -> None:
        super().__init__()
        self._dirty: dict[str, tuple[CaseState, int]] = {}  # case → its state and the position of its last act in this batch

    def schema(self, cur: Cursor) -> None:
        b = "INTEGER" if cur.kind == "sqlite" else "BIGINT"
        cur.execute(
            f"CREATE TABLE IF NOT EXISTS {TABLE} (case_id TEXT PRIMARY KEY, version {b} NOT NULL, position {b} NOT NULL, "
            "status TEXT NOT NULL, agency TEXT, in_name_of TEXT, domain TEXT, catalog_item TEXT, procedure TEXT, "
            "source TEXT, channel TEXT, referred_by TEXT, party_kind TEXT, party_uscc TEXT, opened_at TEXT NOT NULL, "
            "filed_at TEXT, decided_at TEXT, closed_at TEXT, updated_at TEXT NOT NULL, "
            "nonconforming INTEGER NOT NULL DEFAULT 0, state TEXT NOT NULL)"
        )
        # Version 1's table lacks the count: add it (the version change makes the runner rebuild the rows).
        if cur.kind == "postgres":
            cur.execute(f"ALTER TABLE {TABLE} ADD COLUMN IF NOT EXISTS nonconforming INTEGER NOT NULL DEFAULT 0")
        elif "nonconforming" not in {str(r[1]) for r in cur.execute(f"PRAGMA table_info({TABLE})").fetchall()}:
            cur.execute(f"ALTER TABLE {TABLE} ADD COLUMN nonconforming INTEGER NOT NULL DEFAULT 0")
        for column in ("status", "agency", "party_uscc", "opened_at"):
            cur.execute(f"CREATE INDEX IF NOT EXISTS proj_cases_{column} ON {TABLE} ({column})")
        # Almost every case has none: a partial index holds only those that do.
        cur.execute(f"CREATE INDEX IF NOT EXISTS proj_cases_nonconforming ON {TABLE} (opened_at) WHERE nonconforming > 0")

    def stored_state(self, cur: Cursor, case: str) -> CaseState | None:
        return case_state(cur, case)

    def apply(self, cur: Cursor, act: Applied) -> None:
        assert act.state is not None, "the runner computes the state of every case act for this view"
        self._dirty[act.stream] = (act.state, act.position)

    def flush(self, cur: Cursor) -> None:
        # On SQLite the state's JSON is bound as the encoder's UTF-8 bytes and cast to TEXT in SQL (SQLite takes the
        # bytes as they are): decoding them to a str for the driver to encode again cost more than the upsert itself.
        sqlite = cur.kind == "sqlite"
        rows = [row_of(state, position, utf8=sqlite) for state, position in self._dirty.values()]
        marks = ",".join("?" * len(COLUMNS)) + (",CAST(? AS TEXT)" if sqlite else ",?")
        cur.executemany(
            "INSERT INTO zhifa_proj_cases (case_id, " + ", ".join(COLUMNS) + ") VALUES (" + marks + ") "
            "ON CONFLICT (case_id) DO UPDATE SET " + ", ".join(f"{c}=excluded.{c}" for c in COLUMNS),
            rows,
        )
        self._dirty.clear()

    def discard(self) -> None:
        self._dirty.clear()


def case_state(cur: Cursor, case_id: str) -> CaseState | None:
    """The view's state of one case (None if the view has not seen it)."""
    row = cur.execute(f"SELECT state FROM {TABLE} WHERE case_id=?", (case_id,)).fetchone()
    return None if row is None else decode_state(row[0])
