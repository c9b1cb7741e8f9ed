"""Money in fen, the late fee (《行政处罚法》第七十二、七十三条) and limitation (第三十六条)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.money import (
    format_yuan,
    late_fee,
    late_fee_days,
    limitation_expired,
    limitation_last_day,
    yuan_to_fen,
)

D = dt.date
TEN_THOUSAND_YUAN = 1_000_000  # fen
DUE = D(2026, 3, 16)


# -- formatting and parsing -------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("fen", "text"),
    [
        (123_456, "1,234.56元"),
        (0, "0.00元"),
        (5, "0.05元"),
        (20_000, "200.00元"),
        (100_000_000, "1,000,000.00元"),
        (-5, "-0.05元"),
        (-123_456, "-1,234.56元"),
    ],
)
def test_format_yuan(fen, text):
    assert format_yuan(fen) == text


@pytest.mark.parametrize("amount", [12.5, True, "100", None])
def test_format_yuan_refuses_anything_but_integer_fen(amount):
    with pytest.raises(TypeError):
        format_yuan(amount)


@pytest.mark.parametrize(
    ("text", "fen"),
    [("1,234.56", 123_456), ("1234.56元", 123_456), ("200", 20_000), ("0.5元", 50), ("-3.07", -307)],
)
def test_yuan_to_fen_parses_exactly(text, fen):
    assert yuan_to_fen(text) == fen


@pytest.mark.parametrize("text", ["1.234", "1,23", "12,3456.00", "abc", "", "1e3", "１００"])
def test_yuan_to_fen_refuses_what_is_not_an_exact_amount(text):
    with pytest.raises(ValueError):
        yuan_to_fen(text)


@given(st.integers(min_value=-(10**15), max_value=10**15))
def test_format_then_parse_is_the_identity(fen):
    assert yuan_to_fen(format_yuan(fen)) == fen


# -- late fee (Art 72) ------------------------------------------------------------------------------------------
def test_paid_on_the_due_date_owes_no_late_fee():
    assert late_fee(TEN_THOUSAND_YUAN, DUE, DUE) == 0


def test_paid_before_the_due_date_owes_no_late_fee():
    assert late_fee(TEN_THOUSAND_YUAN, DUE, D(2026, 3, 1)) == 0


def test_one_day_late_costs_three_percent():
    # 3 % of 10,000 yuan = 300 yuan = 30,000 fen.
    assert late_fee(TEN_THOUSAND_YUAN, DUE, D(2026, 3, 17)) == 30_000


def test_ten_days_late_costs_thirty_percent():
    assert late_fee(TEN_THOUSAND_YUAN, DUE, D(2026, 3, 26)) == 300_000


def test_thirty_three_days_late_is_just_under_the_cap():
    # 33 × 3 % = 99 % = 9,900 yuan.
    assert late_fee(TEN_THOUSAND_YUAN, DUE, DUE + dt.timedelta(days=33)) == 990_000


def test_late_fee_is_capped_at_the_fine():
    # 34 × 3 % = 102 % → capped at 100 %; a year late is still only the fine.
    assert late_fee(TEN_THOUSAND_YUAN, DUE, DUE + dt.timedelta(days=34)) == TEN_THOUSAND_YUAN
    assert late_fee(TEN_THOUSAND_YUAN, DUE, DUE + dt.timedelta(days=365)) == TEN_THOUSAND_YUAN


def test_late_fee_rounds_down_to_whole_fen():
    # 50 fen × 3 % × 30 days = 45 fen exactly; 1 fen × 3 % = 0.03 fen → 0.
    assert late_fee(50, DUE, DUE + dt.timedelta(days=30)) == 45
    assert late_fee(1, DUE, DUE + dt.timedelta(days=1)) == 0
    # 33 fen × 3 % × 1 day = 0.99 fen → 0, not rounded up to 1.
    assert late_fee(33, DUE, DUE + dt.timedelta(days=1)) == 0


def test_no_late_fee_accrues_during_reconsideration():
    # Art 73. Due 03-16, paid 05-25: 70 days. Reconsideration (03-20, 05-20]: 11 + 30 + 20 = 61 days off.
    # 9 days × 3 % = 27 % of 10,000 yuan = 2,700 yuan.
    suspensions = [(D(2026, 3, 20), D(2026, 5, 20))]
    assert late_fee_days(DUE, D(2026, 5, 25), suspensions) == 9
    assert late_fee(TEN_THOUSAND_YUAN, DUE, D(2026, 5, 25), suspensions) == 270_000


def test_without_the_suspension_the_same_payment_is_capped():
    assert late_fee(TEN_THOUSAND_YUAN, DUE, D(2026, 5, 25)) == TEN_THOUSAND_YUAN


def test_negative_fine_is_rejected():
    with pytest.raises(ValueError):
        late_fee(-1, DUE, D(2026, 3, 20))


@pytest.mark.parametrize("principal", [100.0, True])
def test_late_fee_refuses_a_non_integer_principal(principal):
    with pytest.raises(TypeError):
        late_fee(principal, DUE, D(2026, 3, 20))


@given(
    st.integers(min_value=0, max_value=10**12),
    st.integers(min_value=-30, max_value=400),
    st.integers(min_value=0, max_value=400),
)
def test_late_fee_never_exceeds_the_fine_and_never_shrinks_with_time(principal, days, more):
    paid = DUE + dt.timedelta(days=days)
    fee = late_fee(principal, DUE, paid)
    assert 0 <= fee <= principal
    assert late_fee(principal, DUE, paid + dt.timedelta(days=more)) >= fee


# -- limitation (Art 36) ----------------------------------------------------------------------------------------
def test_general_limitation_discovery_on_the_last_day_is_in_time():
    # Two years after 2024-03-01 (that day not counted) end on 2026-03-01.
    assert limitation_last_day(D(2024, 3, 1), "general") == D(2026, 3, 1)
    assert not limitation_expired(D(2024, 3, 1), D(2026, 3, 1), "general")


def test_general_limitation_discovery_the_day_after_is_too_late():
    assert limitation_expired(D(2024, 3, 1), D(2026, 3, 2), "general")


def test_life_health_finance_limitation_is_five_years():
    assert not limitation_expired(D(2021, 3, 1), D(2026, 3, 1), "life_health_finance")
    assert limitation_expired(D(2021, 3, 1), D(2026, 3, 2), "life_health_finance")


def test_the_same_discovery_is_too_late_under_the_general_rule():
    assert limitation_expired(D(2021, 3, 1), D(2026, 3, 1), "general")


def test_limitation_from_february_29_ends_on_february_28():
    assert limitation_last_day(D(2024, 2, 29), "general") == D(2026, 2, 28)
    assert limitation_expired(D(2024, 2, 29), D(2026, 3, 1), "general")
    assert not limitation_expired(D(2024, 2, 29), D(2026, 2, 28), "general")


def test_continuing_violation_counts_from_its_end():
    # Began 2023-01-01, ended 2025-06-30: discovery by 2027-06-30 is in time though the start is 4 years back.
    assert not limitation_expired(D(2025, 6, 30), D(2027, 6, 30), "general")
    assert limitation_expired(D(2025, 6, 30), D(2027, 7, 1), "general")


def test_limitation_last_day_is_not_moved_off_a_holiday():
    # 2023-10-01 + 2 years = 2025-10-01 (National Day); discovery is not a filing, so no move to 10-09.
    assert limitation_last_day(D(2023, 10, 1), "general") == D(2025, 10, 1)
    assert limitation_expired(D(2023, 10, 1), D(2025, 10, 2), "general")


def test_discovery_during_a_continuing_violation_is_in_time():
    assert not limitation_expired(D(2026, 6, 30), D(2026, 3, 1), "general")


def test_unknown_limitation_kind_is_refused():
    with pytest.raises(KeyError):
        limitation_expired(D(2024, 3, 1), D(2025, 3, 1), "serious")  # type: ignore[arg-type]
