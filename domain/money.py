"""Money in integer fen (分) and the two money-and-time rules: the late fee (Art 72) and limitation (Art 36).

No floats anywhere: amounts are ``int`` fen, rates come from domain.law as permille, every division rounds down
(in the party's favour, and reproducibly).

No date here reads the working-day calendar (the late fee counts calendar days from a due date it is given; the
limitation period ends on the corresponding date, not moved off a rest day), so none is ever provisional: a late
fee inherits the flag of the due date it is counted from (``domain.procedure.payment_due``), which the case rules
note on the act.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from typing import Literal

from domain.calendar import Pause, paused_days, shift_months, shift_years
from domain.law import rule

FEN_PER_YUAN = 100

LimitationKind = Literal["general", "life_health_finance"]
"""``life_health_finance``: concerns citizens' life, health and safety or financial security **and** caused harm."""

LIMITATION_RULES: dict[LimitationKind, str] = {
    "general": "limitation.general",
    "life_health_finance": "limitation.life_health_finance",
}

_YUAN_TEXT = re.compile(r"(?P<sign>-?)(?P<whole>\d{1,3}(?:,\d{3})*|\d+)(?:\.(?P<frac>\d{1,2}))?(?:元)?", re.ASCII)


def _require_fen(amount: int, what: str) -> None:
    # bool is an int subclass and float sneaks in from JSON; both are refused so money stays exact.
    if isinstance(amount, bool) or not isinstance(amount, int):
        raise TypeError(f"{what} must be integer fen, got {type(amount).__name__}")


def format_yuan(fen: int) -> str:
    """``123456`` → ``"1,234.56元"``; negative amounts keep their sign (``"-0.05元"``)."""
    _require_fen(fen, "amount")
    sign = "-" if fen < 0 else ""
    yuan, cents = divmod(abs(fen), FEN_PER_YUAN)
    return f"{sign}{yuan:,}.{cents:02d}元"


def yuan_to_fen(text: str) -> int:
    """Parse ``"1,234.56"`` / ``"1234.5元"`` / ``"200"`` exactly into fen; more than two decimals is refused."""
    match = _YUAN_TEXT.fullmatch(text.strip())
    if match is None:
        raise ValueError(f"{text!r} is not an amount in yuan with at most two decimals")
    whole = int(match["whole"].replace(",", ""))
    frac = int((match["frac"] or "").ljust(2, "0"))
    fen = whole * FEN_PER_YUAN + frac
    return -fen if match["sign"] else fen


def late_fee_days(due_date: dt.date, paid_date: dt.date, suspensions: Sequence[Pause] = ()) -> int:
    """Days the late fee runs: those after ``due_date`` up to ``paid_date``, minus suspended days (Art 73)."""
    if paid_date <= due_date:
        return 0
    stopped = paused_days(suspensions)
    suspended = sum(1 for day in stopped if due_date < day <= paid_date)
    return (paid_date - due_date).days - suspended


def late_fee(
    principal_fen: int, due_date: dt.date, paid_date: dt.date, suspensions: Sequence[Pause] = ()
) -> int:
    """加处罚款 (《行政处罚法》第七十二条): 3 % of the fine a day after the due date, never more than the fine.

    ``due_date`` is the last day to pay (paying on it costs nothing); ``suspensions`` are reconsideration or
    litigation periods ``(from, to)``, during which no late fee accrues (第七十三条), counted like calendar pauses.
    """
    _require_fen(principal_fen, "principal")
    if principal_fen < 0:
        raise ValueError(f"a fine cannot be negative ({principal_fen} fen)")
    rate = rule("payment.late_fee_rate")
    if rate.unit != "permille_per_day":
        raise ValueError(f"payment.late_fee_rate is in {rate.unit}, expected permille_per_day")
    days = late_fee_days(due_date, paid_date, suspensions)
    accrued = principal_fen * rate.value * days // 1000
    return min(accrued, principal_fen)


def limitation_last_day(violation_end: dt.date, kind: LimitationKind) -> dt.date:
    """The last day on which a violation can still be discovered (《行政处罚法》第三十六条).

    Counted from the day of the violation, or from the day a continuing violation ended, that day not counted:
    two years after 2024-03-01 is 2026-03-01. No move off a rest day — discovery is not a party's filing.
    """
    law = rule(LIMITATION_RULES[kind])
    if law.unit == "years":
        return shift_years(violation_end, law.value)
    if law.unit == "months":
        return shift_months(violation_end, law.value)
    raise ValueError(f"{law.key} is in {law.unit}, expected years or months")


def limitation_expired(violation_end: dt.date, discovered: dt.date, kind: LimitationKind) -> bool:
    """Whether the violation was discovered too late to be penalised (Art 36: 2 years, 5 for life/health/finance)."""
    return discovered > limitation_last_day(violation_end, kind)
