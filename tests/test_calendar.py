"""Legal time: working days by the State Council's holiday notices, period ends by 《民事诉讼法》第八十五条, pauses.

Expected dates are worked out by hand from the notices, not from the code:
- 国办发明电〔2024〕12号 (2025): 国庆节、中秋节 10月1日(周三)至8日(周三)放假调休, 共8天; 9月28日(周日)、
  10月11日(周六)上班.
- 国办发明电〔2025〕7号 (2026): 元旦 1月1日(周四)至3日放假, 1月4日(周日)上班; 春节 2月15日(周日)至23日(周一)
  放假调休, 共9天, 2月14日(周六)、2月28日(周六)上班; 劳动节 5月1日至5日, 5月9日(周六)上班.
"""

from __future__ import annotations

import datetime as dt
from importlib import resources

import chinese_calendar
import pytest

from domain.calendar import (
    Deadline,
    WorkCalendar,
    add_calendar_days,
    add_months,
    add_working_days,
    add_years,
    bundled_calendar,
    hours_after,
    is_working_day,
    local_date,
    parse_extra_years,
    period,
    shift_months,
    shift_years,
)

D = dt.date
UTC = dt.UTC
# chinese-calendar alone, without the operator's file: 2027 is uncovered whatever the bundled file later adds.
BARE = WorkCalendar()


# -- local date -------------------------------------------------------------------------------------------------
def test_local_date_is_the_beijing_date_after_utc_midnight_shift():
    # 16:30 UTC is 00:30 the next day in Beijing (UTC+8).
    assert local_date(dt.datetime(2026, 3, 3, 16, 30, tzinfo=UTC)) == D(2026, 3, 4)


def test_local_date_before_beijing_midnight_stays_on_the_same_day():
    assert local_date(dt.datetime(2026, 3, 3, 15, 59, tzinfo=UTC)) == D(2026, 3, 3)


def test_naive_timestamp_is_rejected():
    with pytest.raises(ValueError, match="aware"):
        local_date(dt.datetime(2026, 3, 3, 12, 0))


# -- one day ----------------------------------------------------------------------------------------------------
def test_adjusted_weekend_working_days_are_working_days():
    assert is_working_day(D(2025, 9, 28))  # Sunday, 调休上班
    assert is_working_day(D(2025, 10, 11))  # Saturday, 调休上班
    assert is_working_day(D(2026, 2, 14))  # Saturday, 调休上班
    assert is_working_day(D(2026, 2, 28))  # Saturday, 调休上班


def test_weekday_public_holidays_are_not_working_days():
    assert not is_working_day(D(2025, 10, 1))  # Wednesday, 国庆节
    assert not is_working_day(D(2025, 10, 8))  # Wednesday, last day of the 2025 block
    assert not is_working_day(D(2026, 2, 23))  # Monday, last day of 春节 2026
    assert not is_working_day(D(2026, 1, 2))  # Friday, 元旦 2026


def test_plain_weekends_are_not_working_days_and_plain_weekdays_are():
    assert not is_working_day(D(2026, 3, 7))  # Saturday
    assert not is_working_day(D(2026, 3, 8))  # Sunday
    assert is_working_day(D(2026, 3, 9))  # Monday


def test_agrees_with_chinese_calendar_on_every_day_it_covers():
    day, end = D(2004, 1, 1), D(2026, 12, 31)
    while day <= end:
        assert bundled_calendar().is_working_day(day) == chinese_calendar.is_workday(day), day
        day += dt.timedelta(days=1)


def test_coverage_ends_with_2026_and_2027_falls_back_to_monday_to_friday():
    assert BARE.is_covered(D(2026, 12, 31))
    assert not BARE.is_covered(D(2027, 1, 1))
    # 2027-01-01 is a Friday: a guess says working (the real 元旦 is unknown to the calendar), Saturday not.
    assert BARE.is_working_day(D(2027, 1, 1))
    assert not BARE.is_working_day(D(2027, 1, 2))


# -- working days across National Day 2025 ------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("n", "expected"),
    [
        (1, D(2025, 10, 9)),  # Oct 1–8 off: the first working day after Tue 9-30 is Thu 10-9
        (2, D(2025, 10, 10)),  # Fri
        (3, D(2025, 10, 11)),  # Sat, adjusted working day, counts
        (4, D(2025, 10, 13)),  # Sun 10-12 off, Mon
        (7, D(2025, 10, 16)),  # 13, 14, 15, 16
    ],
)
def test_working_days_from_sept_30_2025_skip_the_national_day_block(n, expected):
    assert add_working_days(D(2025, 9, 30), n) == expected


def test_working_days_count_the_adjusted_sunday_before_national_day_2025():
    # Fri 9-26; Sat 9-27 off; Sun 9-28 works (1); Mon 9-29 (2); Tue 9-30 (3); then Thu 10-9 (4).
    assert add_working_days(D(2025, 9, 26), 1) == D(2025, 9, 28)
    assert add_working_days(D(2025, 9, 26), 4) == D(2025, 10, 9)


def test_start_day_is_not_counted_even_when_it_is_a_working_day():
    # Mon 2026-03-02 + 1 working day is Tue 03-03, not the Monday itself.
    assert add_working_days(D(2026, 3, 2), 1) == D(2026, 3, 3)
    assert add_working_days(D(2026, 3, 2), 0) == D(2026, 3, 2)


# -- Spring Festival 2026 ---------------------------------------------------------------------------------------------
def test_seven_working_days_across_spring_festival_2026():
    # From Thu 2-12: Fri 2-13 (1), Sat 2-14 adjusted (2), 2-15..2-23 off, Tue 2-24 (3), 25 (4), 26 (5), 27 (6),
    # Sat 2-28 adjusted (7).
    assert add_working_days(D(2026, 2, 12), 7) == D(2026, 2, 28)
    assert add_working_days(D(2026, 2, 12), 5) == D(2026, 2, 26)


def test_working_days_between_counts_spring_festival_2026_as_rest():
    # (2-12, 2-28]: 13, 14, 24, 25, 26, 27, 28 are working days.
    assert bundled_calendar().working_days_between(D(2026, 2, 12), D(2026, 2, 28)) == 7
    assert bundled_calendar().working_days_between(D(2026, 2, 14), D(2026, 2, 23)) == 0


# -- calendar-day periods ending on a rest day -----------------------------------------------------------------------
def test_calendar_period_ending_on_a_holiday_moves_to_the_next_working_day():
    # 2025-09-23 + 15 = 2025-10-08 (National Day holiday) → Thu 2025-10-09.
    assert add_calendar_days(D(2025, 9, 23), 15) == D(2025, 10, 9)
    # 2026-02-05 + 15 = 2026-02-20 (Spring Festival) → Tue 2026-02-24.
    assert add_calendar_days(D(2026, 2, 5), 15) == D(2026, 2, 24)


def test_calendar_period_ending_on_a_weekend_moves_to_monday():
    # Fri 2026-03-06 + 15 = Sat 2026-03-21 → Mon 2026-03-23.
    assert add_calendar_days(D(2026, 3, 6), 15) == D(2026, 3, 23)


def test_calendar_period_ending_on_an_adjusted_working_saturday_is_not_moved():
    # 2025-09-26 + 15 = Sat 2025-10-11, an adjusted working day; 2026-02-13 + 15 = Sat 2026-02-28, likewise.
    assert add_calendar_days(D(2025, 9, 26), 15) == D(2025, 10, 11)
    assert add_calendar_days(D(2026, 2, 13), 15) == D(2026, 2, 28)


def test_calendar_period_ending_on_a_working_day_is_not_moved():
    # 2026-03-02 + 15 = Tue 2026-03-17.
    assert add_calendar_days(D(2026, 3, 2), 15) == D(2026, 3, 17)


# -- months and years ----------------------------------------------------------------------------------------------
def test_month_shift_clamps_to_the_last_day_of_a_shorter_month():
    assert shift_months(D(2026, 1, 31), 1) == D(2026, 2, 28)
    assert shift_months(D(2024, 1, 31), 1) == D(2024, 2, 29)  # leap year
    assert shift_months(D(2025, 8, 31), 6) == D(2026, 2, 28)
    assert shift_months(D(2026, 11, 30), 3) == D(2027, 2, 28)
    assert shift_months(D(2026, 3, 15), -3) == D(2025, 12, 15)


def test_month_shift_keeps_the_corresponding_day_when_it_exists():
    assert shift_months(D(2026, 1, 15), 1) == D(2026, 2, 15)
    assert shift_years(D(2024, 3, 1), 2) == D(2026, 3, 1)


def test_year_shift_maps_february_29_to_february_28():
    assert shift_years(D(2024, 2, 29), 1) == D(2025, 2, 28)
    assert shift_years(D(2024, 2, 29), 4) == D(2028, 2, 29)


def test_month_period_ending_on_a_holiday_moves_to_the_next_working_day():
    # 2025-08-15 + 6 months = 2026-02-15 (Spring Festival) → 2026-02-24.
    assert add_months(D(2025, 8, 15), 6) == D(2026, 2, 24)


def test_month_period_clamped_onto_an_adjusted_working_saturday_stays():
    # 2025-08-31 + 6 months → 2026-02-28 (clamped), Saturday but an adjusted working day.
    assert add_months(D(2025, 8, 31), 6) == D(2026, 2, 28)


def test_year_period_from_february_29():
    # 2024-02-29 + 1 year → 2025-02-28, a Friday and a working day.
    assert add_years(D(2024, 2, 29), 1) == D(2025, 2, 28)
    # 2024-10-01 + 1 year → 2025-10-01 (National Day) → 2025-10-09.
    assert add_years(D(2024, 10, 1), 1) == D(2025, 10, 9)


# -- period(): rules from domain.law -------------------------------------------------------------------------------
def test_period_reads_the_unit_and_value_from_the_rules_table():
    # service.within: 7 working days (APL Art 61). From Tue 2025-09-30: Oct 9, 10, 11, 13, 14, 15, 16.
    assert period(D(2025, 9, 30), "service.within") == Deadline(D(2025, 10, 16), False, "service.within")
    # payment.window: 15 calendar days (APL Art 67). 2026-02-05 + 15 = 2-20 (holiday) → 2-24.
    assert period(D(2026, 2, 5), "payment.window").date == D(2026, 2, 24)
    # litigation.window: 6 months (行诉法 Art 46).
    assert period(D(2025, 8, 15), "litigation.window").date == D(2026, 2, 24)


def test_period_from_a_timestamp_starts_on_the_beijing_date():
    # 2025-09-29T17:00Z is 2025-09-30 01:00 in Beijing: 7 working days end 2025-10-16 (counted from 9-30);
    # counting from the UTC date 9-29 would give 2025-10-15.
    start = dt.datetime(2025, 9, 29, 17, 0, tzinfo=UTC)
    assert period(start, "service.within").date == D(2025, 10, 16)


def test_period_of_a_rule_counted_in_hours_is_rejected():
    with pytest.raises(ValueError, match="hours"):
        period(D(2026, 3, 2), "transfer.hand_over")


def test_period_of_a_rule_that_is_not_a_time_is_rejected():
    with pytest.raises(ValueError):
        period(D(2026, 3, 2), "payment.on_the_spot_max")


def test_unknown_rule_key_is_a_programming_error():
    with pytest.raises(KeyError):
        period(D(2026, 3, 2), "no.such.rule")


def test_negative_period_is_rejected():
    with pytest.raises(ValueError, match="negative"):
        add_working_days(D(2026, 3, 2), -1)
    with pytest.raises(ValueError, match="negative"):
        add_calendar_days(D(2026, 3, 2), -1)


def test_period_end_refuses_a_timestamp_for_a_date():
    with pytest.raises(TypeError):
        bundled_calendar().period_end(dt.datetime(2026, 3, 2, tzinfo=UTC), 5, "working_days")


def test_hours_rule_ends_24_hours_later():
    start = dt.datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
    assert hours_after(start, "transfer.hand_over") == dt.datetime(2026, 3, 3, 9, 30, tzinfo=UTC)


def test_hours_after_refuses_a_rule_counted_in_days():
    with pytest.raises(ValueError, match="not hours"):
        hours_after(dt.datetime(2026, 3, 2, tzinfo=UTC), "payment.window")


# -- beyond the calendar's years --------------------------------------------------------------------------------
def test_working_days_into_2027_fall_back_to_monday_to_friday_and_are_provisional():
    # From Fri 2026-12-25: Dec 28 (1), 29 (2), 30 (3), 31 (4), Fri 2027-01-01 guessed working (5), Mon 1-4 (6),
    # Tue 1-5 (7).
    deadline = BARE.period(D(2026, 12, 25), "service.within")
    assert deadline == Deadline(D(2027, 1, 5), True, "service.within")


def test_working_days_inside_2026_are_not_provisional():
    # From Mon 2026-12-28: 29, 30, 31.
    deadline = BARE.period(D(2026, 12, 28), "disclosure.withdraw_within")
    assert deadline == Deadline(D(2026, 12, 31), False, "disclosure.withdraw_within")


def test_calendar_days_into_2027_are_provisional_and_still_skip_weekends():
    # decision.time_limit 90 days: 2026-12-20 + 90 = Sat 2027-03-20 → Mon 2027-03-22.
    deadline = BARE.period(D(2026, 12, 20), "decision.time_limit")
    assert deadline == Deadline(D(2027, 3, 22), True, "decision.time_limit")


def test_calendar_days_ending_inside_2026_are_not_provisional():
    assert BARE.period(D(2026, 9, 1), "decision.time_limit").provisional is False


def test_extra_years_make_2027_covered_and_apply_its_holidays():
    # A calendar told that 2027-01-01 is a holiday: from Fri 2026-12-25, 5 working days are Dec 28–31 and Mon 1-4.
    extended = WorkCalendar({2027: {D(2027, 1, 1): False}})
    deadline = extended.period_end(D(2026, 12, 25), 5, "working_days")
    assert deadline == Deadline(D(2027, 1, 4), False)
    # Without it, Friday 1-1 is guessed to be working, and the deadline says it is a guess.
    assert BARE.period_end(D(2026, 12, 25), 5, "working_days") == Deadline(D(2027, 1, 1), True)


def test_extra_years_count_an_adjusted_weekend_day_as_working():
    extended = WorkCalendar({2027: {D(2027, 1, 2): True}})  # a hypothetical working Saturday
    assert extended.is_working_day(D(2027, 1, 2))
    assert not extended.is_working_day(D(2027, 1, 3))


def test_extra_years_reject_a_date_under_the_wrong_year():
    with pytest.raises(ValueError, match="under year"):
        WorkCalendar({2027: {D(2028, 1, 1): False}})


def test_holidays_file_parses_holidays_and_adjusted_working_days():
    raw = (
        '{"years": {"2027": {"source": "国务院办公厅通知",'
        ' "holidays": ["2027-01-01"], "workdays": ["2027-01-02"]}}}'
    )
    assert parse_extra_years(raw) == {2027: {D(2027, 1, 1): False, D(2027, 1, 2): True}}


@pytest.mark.parametrize(
    "raw",
    [
        '{"years": {"2027": {"source": "n", "holidays": ["2028-01-01"]}}}',  # date under the wrong year
        '{"years": {"2027": {"source": "n", "holidays": ["2027-01-01"], "workdays": ["2027-01-01"]}}}',
        '{"years": {"2027": {"source": " ", "holidays": []}}}',  # no source notice
        '{"years": {"2027": {"holidays": []}}}',  # missing source
        '{"years": {"2027": {"source": "n", "holidays": ["2027-13-01"]}}}',  # not a date
        '{"years": {"2027": {"source": "n", "rest": []}}}',  # unknown field
    ],
)
def test_malformed_holidays_file_is_rejected(raw):
    with pytest.raises(ValueError):
        parse_extra_years(raw)


def test_bundled_holidays_file_parses_and_its_years_are_covered():
    raw = resources.files("domain").joinpath("data/holidays_extra.json").read_bytes()
    years = parse_extra_years(raw)
    assert bundled_calendar().covered_years() == sorted(set(range(2004, 2027)) | set(years))


def test_default_calendar_marks_a_year_nobody_published_as_provisional():
    # Nobody will publish 2099 for a while: Mon 2099-01-05 + 1 working day = Tue 01-06, a guess.
    assert period(D(2099, 1, 5), "disclosure.withdraw_within").provisional is True


# -- pauses -----------------------------------------------------------------------------------------------------
def test_pause_extends_a_calendar_period_by_the_days_paused():
    # decision.time_limit from Mon 2026-03-02: +90 = Sun 2026-05-31 → Mon 06-01 without a pause.
    assert period(D(2026, 3, 2), "decision.time_limit").date == D(2026, 6, 1)
    # An appraisal from 03-10 to 03-19 stops the clock for 03-11..03-19 (9 days): 05-31 + 9 = Tue 06-09.
    paused = period(D(2026, 3, 2), "decision.time_limit", [(D(2026, 3, 10), D(2026, 3, 19))])
    assert paused.date == D(2026, 6, 9)


def test_pause_excludes_working_days_from_a_working_day_period():
    # notice.statement_window 5 working days from Mon 2026-03-02: 3, 4, 5, 6, 9 → 03-09.
    assert period(D(2026, 3, 2), "notice.statement_window").date == D(2026, 3, 9)
    # Paused from 03-03 to 03-05 (03-04 and 03-05 not counted): 3 (1), 6 (2), 9 (3), 10 (4), 11 (5).
    paused = period(D(2026, 3, 2), "notice.statement_window", [(D(2026, 3, 3), D(2026, 3, 5))])
    assert paused.date == D(2026, 3, 11)


def test_pause_given_as_timestamps_uses_beijing_dates():
    # 2026-03-02T16:30Z is 03-03 00:30 in Beijing; 2026-03-05T03:00Z is 03-05 11:00. Same as the date pause above.
    pause = (dt.datetime(2026, 3, 2, 16, 30, tzinfo=UTC), dt.datetime(2026, 3, 5, 3, 0, tzinfo=UTC))
    assert period(D(2026, 3, 2), "notice.statement_window", [pause]).date == D(2026, 3, 11)


def test_overlapping_pauses_are_not_counted_twice():
    # (03-10, 03-15] and (03-12, 03-19] together pause 03-11..03-19: 9 days, as one pause would.
    pauses = [(D(2026, 3, 10), D(2026, 3, 15)), (D(2026, 3, 12), D(2026, 3, 19))]
    assert period(D(2026, 3, 2), "decision.time_limit", pauses).date == D(2026, 6, 9)


def test_pause_before_the_start_changes_nothing():
    pauses = [(D(2026, 2, 1), D(2026, 3, 2))]
    assert period(D(2026, 3, 2), "decision.time_limit", pauses).date == D(2026, 6, 1)


def test_pause_of_one_day_with_the_same_start_and_end_excludes_nothing():
    pauses = [(D(2026, 3, 10), D(2026, 3, 10))]
    assert period(D(2026, 3, 2), "decision.time_limit", pauses).date == D(2026, 6, 1)


def test_pause_ending_before_it_begins_is_rejected():
    with pytest.raises(ValueError, match="before it begins"):
        period(D(2026, 3, 2), "decision.time_limit", [(D(2026, 3, 19), D(2026, 3, 10))])


def test_pause_extends_a_month_period():
    # litigation.window 6 months from 2026-01-15 → Wed 2026-07-15; a 10-day pause (01-21..01-30) → Sat 07-25
    # → Mon 07-27.
    assert period(D(2026, 1, 15), "litigation.window").date == D(2026, 7, 15)
    paused = period(D(2026, 1, 15), "litigation.window", [(D(2026, 1, 20), D(2026, 1, 30))])
    assert paused.date == D(2026, 7, 27)


def test_a_period_remembered_by_one_calendar_is_its_own_and_the_same_each_time() -> None:
    """``period_end`` keeps the periods it computed without pauses: asked again it answers alike, and another
    calendar (another schedule) keeps its own."""
    plain = WorkCalendar()
    day = dt.date(2031, 3, 3)  # a Monday past chinese-calendar's years: Monday-Friday, provisional
    moved = WorkCalendar({2031: {dt.date(2031, 3, 4): False}})  # the Tuesday a rest day in this schedule
    first = plain.period_end(day, 3, "working_days")
    assert plain.period_end(day, 3, "working_days") == first == Deadline(dt.date(2031, 3, 6), True)
    assert moved.period_end(day, 3, "working_days") == Deadline(dt.date(2031, 3, 7), False)
    assert plain.period_end(day, 3, "working_days", [(dt.date(2031, 3, 3), dt.date(2031, 3, 4))]).date == dt.date(2031, 3, 7)
    assert plain.period_end(day, 3, "working_days") == first
