"""Inspections of each enterprise (扫码监督: which agency and officers came when), and too-frequent visits.

One row per on-site inspection record (``inspection.recorded``): case, time, officers. The agency and the enterprise
come from the case as the current-state view knows it (the party's unified social credit code) (its unified social credit code), joined at query time, so an
inspection recorded before the party was named still counts once the filing names it. A warning is raised when one
enterprise was inspected more than ``max_visits`` times within any ``period_days`` window (local practice, set per
deployment; Shenzhen's 监督码 raises such warnings).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from domain.calendar import local_date
from ledger import canonical
from ledger.db import Cursor
from ledger.store import TOPIC_CASE
from projections.view import Applied, View

TABLE = "zhifa_proj_inspections"
INSPECTION_ACTS = frozenset({"inspection.recorded"})

# Local practice, configurable per deployment (not a statutory number): the frequency that raises a warning.
DEFAULT_MAX_VISITS = 3
DEFAULT_PERIOD_DAYS = 30


class InspectionsView(View):
    name = "inspections"
    topics = (TOPIC_CASE,)
    act_types = INSPECTION_ACTS
    version = 1
    tables = (TABLE,)

    def __init__(self) -> None:
        super().__init__()
        self._rows: list[tuple[object, ...]] = []  # this batch's visits, written in one executemany at its end

    def schema(self, cur: Cursor) -> None:
        b = "INTEGER" if cur.kind == "sqlite" else "BIGINT"
        cur.execute(
            f"CREATE TABLE IF NOT EXISTS {TABLE} (case_id TEXT NOT NULL, version {b} NOT NULL, position {b} NOT NULL, "
            "at TEXT NOT NULL, officers TEXT NOT NULL, PRIMARY KEY (case_id, version))"
        )

    def apply(self, cur: Cursor, act: Applied) -> None:
        record = act.record  # an inspection act: the runner hands this view only its ``act_types``
        officers = [str(o) for o in record.payload.get("officers", [])]
        self._rows.append((record.stream, record.version, act.position, act.entry.recorded_at, json.dumps(officers)))

    def flush(self, cur: Cursor) -> None:
        if self._rows:
            cur.executemany(f"INSERT INTO {TABLE} (case_id, version, position, at, officers) VALUES (?,?,?,?,?)", self._rows)
        self._rows.clear()

    def discard(self) -> None:
        self._rows.clear()


@dataclass(frozen=True)
class Visit:
    case_id: str
    version: int
    at: str
    agency: str | None
    officers: list[str]

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass(frozen=True)
class InspectionReport:
    uscc: str
    visits: list[Visit]
    too_frequent: bool
    busiest_window: list[str]  # the times of the visits in the busiest window
    max_visits: int
    period_days: int

    def as_dict(self) -> dict[str, Any]:
        return {**self.__dict__, "visits": [v.as_dict() for v in self.visits]}


def inspections(cur: Cursor, uscc: str, *, max_visits: int = DEFAULT_MAX_VISITS, period_days: int = DEFAULT_PERIOD_DAYS) -> InspectionReport:
    """Every inspection of the enterprise ``uscc`` in time order, and whether any window was too busy."""
    rows = cur.execute(
        f"SELECT i.case_id, i.version, i.at, c.agency, i.officers FROM {TABLE} i "
        "JOIN zhifa_proj_cases c ON c.case_id = i.case_id WHERE c.party_uscc = ? ORDER BY i.at, i.case_id, i.version",
        (uscc,),
    ).fetchall()
    visits = [Visit(str(r[0]), int(r[1]), str(r[2]), r[3], list(json.loads(r[4]))) for r in rows]
    days = [local_date(canonical.parse_timestamp(v.at)) for v in visits]
    best: list[str] = []
    lo = 0
    for hi in range(len(visits)):
        while days[hi] - days[lo] >= dt.timedelta(days=period_days):
            lo += 1
        if hi - lo + 1 > len(best):
            best = [v.at for v in visits[lo : hi + 1]]
    return InspectionReport(uscc, visits, len(best) > max_visits, best, max_visits, period_days)
