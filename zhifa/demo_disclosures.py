"""The demo's disclosures: each decided case is published two days after its decision (事后公示), except two left
unpublished: one not yet due, one overdue, for `zhifa disclosures list --overdue`."""

from __future__ import annotations

import datetime as dt

from domain import disclosure as rules
from zhifa.scenarios import OFFICER_1, Step

LEFT_UNPUBLISHED = frozenset({"decided", "court_enforcement"})  # decisions the demo never publishes
PUBLISH_AFTER = dt.timedelta(days=2)


def with_disclosures(name: str, steps: list[Step]) -> list[Step]:
    """``steps`` plus a ``disclosure.published`` for the case's decision, when the law wants one published."""
    if name in LEFT_UNPUBLISHED:
        return steps
    version = 0
    for step in steps:
        if step.stream is not None:
            continue
        version += 1
        kind = rules.DECISION_ACTS.get(step.type)
        if kind is None:
            continue
        penalties = [p for p in step.payload.get("penalties") or [] if isinstance(p, str)]
        if not rules.must_disclose(kind, penalties, step.payload.get("ground")):
            return steps
        publish = Step("disclosure.published", OFFICER_1, {"decision_version": version, "publicity_class": None, "note": ""},
                       step.offset + PUBLISH_AFTER)
        return [*steps, publish]
    return steps
