"""Disclosure clocks (行政执法公示): when a decision is published and withdrawn, and how long it stays public.

- 国办发〔2018〕118号: penalty decisions are disclosed within 7 working days of the decision, other enforcement
  decisions within 20 working days.
- APL Art 48: when a decision is changed, revoked, confirmed illegal or confirmed void, its disclosure is withdrawn
  within 3 working days (a new act, never a deletion).
- NDRC 《信用修复管理办法》 (from 2026-04-01), counted from the decision date: minor penalties at most 3 months if
  published at all; general at least 3 months and at most 1 year; serious at least 1 year and at most 3 years.
  Credit repair may end the publicity after the minimum. A publicity period is not a party's filing period, so its
  end is the corresponding date, not moved off a rest day.

Pure functions of dates and the rules table; projections and feeds call them.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

import msgspec

from domain.calendar import Deadline, Moment, period, shift_months, shift_years
from domain.law import rule

DecisionKind = Literal["penalty", "other"]
Severity = Literal["minor", "general", "serious"]

_PUBLICITY: dict[Severity, tuple[str | None, str]] = {
    "minor": (None, "publicity.minor_max"),
    "general": ("publicity.general_min", "publicity.general_max"),
    "serious": ("publicity.serious_min", "publicity.serious_max"),
}


class PublicityPeriod(msgspec.Struct, frozen=True):
    """How long a decision stays public: not before ``earliest_end`` (None: no minimum), not after ``latest_end``."""

    earliest_end: dt.date | None
    latest_end: dt.date
    rules: tuple[str, ...]


def disclosure_due(decided_at: Moment, kind: DecisionKind) -> Deadline:
    """The last day to publish the decision: 7 working days (penalty) or 20 (other enforcement decisions)."""
    return period(decided_at, "disclosure.penalty_within" if kind == "penalty" else "disclosure.other_within")


def withdrawal_due(changed_at: Moment) -> Deadline:
    """The last day to withdraw the disclosure of a changed, revoked or void decision (Art 48)."""
    return period(changed_at, "disclosure.withdraw_within")


def _shift(start: dt.date, key: str) -> dt.date:
    law = rule(key)
    if law.unit == "months":
        return shift_months(start, law.value)
    if law.unit == "years":
        return shift_years(start, law.value)
    raise ValueError(f"{key} counts {law.unit}, not months or years")


def publicity_period(decided: dt.date, severity: Severity) -> PublicityPeriod:
    """The publicity window of a decision of this severity, counted from the decision date."""
    low, high = _PUBLICITY[severity]
    earliest = _shift(decided, low) if low is not None else None
    return PublicityPeriod(earliest, _shift(decided, high), tuple(k for k in (low, high) if k is not None))
