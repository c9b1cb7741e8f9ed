"""Clocks and calendar: every clock carries the provisional flag into 2027, the operator's holidays file is injected
and validated, and the filing window excludes testing time recorded before filing (市场监管 Art 18).

Today is 2026-12-01 and chinese-calendar 1.11.0 stops at 2026, so deadlines already reach a year no official
schedule covers: such a day is counted Monday–Friday and marked provisional — on the clock, in the acceptance
(``relied_on``, which the writer's receipt carries) and in the refusal's detail — never a crash.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from domain import procedure as proc
from domain import refusals as r
from domain.calendar import calendar_in_use, default_calendar, with_extra_years
from domain.deadlines import deadlines
from domain.law import APL, MS_RULES
from tests.builders import CaseFile, beijing, decision, standard_world
from tests.test_domain_rules import ENDED, H, lead, notified_case, refuse
from zhifa.calendar_file import HolidaysFileError, install_calendar, load_holidays_file
from zhifa.scenarios import COMPANY, HEAD, ITEM_LICENCE_DISPLAY, OFFICER_1, organisation_case

D = dt.timedelta(days=1)

# 国务院办公厅关于2027年部分节假日安排的通知 is not out yet; this test schedule only needs New Year's Day.
SCHEDULE_2027 = {2027: {dt.date(2027, 1, 1): False}}


def _notified_at_year_end() -> CaseFile:
    """A notice served on Tuesday 2026-12-29: its 5-working-day statement window reaches into 2027."""
    return notified_case(standard_world(beijing(2026, 12, 14)), start=beijing(2026, 12, 14), notice_at=beijing(2026, 12, 29))


# -- the provisional flag on every clock ---------------------------------------------------------------------------
def test_a_window_crossing_into_2027_is_provisional_and_one_inside_2026_is_not() -> None:
    late = _notified_at_year_end()
    assert late.state is not None
    window = proc.statement_window(late.state)
    # 12-30, 12-31, then 2027 counted Monday–Friday: 01-01 (Fri), 01-04, 01-05.
    assert window is not None and (window.date, window.provisional) == (dt.date(2027, 1, 5), True)
    early = notified_case(standard_world())
    assert early.state is not None
    inside = proc.statement_window(early.state)
    assert inside is not None and inside.date.year == 2026 and inside.provisional is False


def test_a_refusal_resting_on_a_provisional_day_says_so() -> None:
    case = _notified_at_year_end()
    err = refuse(case, "decision.made", HEAD, decision(["fine"], 1_500_000, ENDED, band="general"),
                 beijing(2027, 1, 5, 16), r.StatementWindowOpen, "statement-window-open", f"{APL}第四十五条")
    assert "provisional" in err.detail and "2027" in err.detail
    assert err.problem()["provisional"] is True


def test_an_acceptance_resting_on_a_provisional_day_says_so() -> None:
    case = _notified_at_year_end()
    state = case.act("decision.made", HEAD, decision(["fine"], 1_500_000, ENDED, band="general"), at=beijing(2027, 1, 6))
    statement = [x for x in state.relied_on if x.rule == "notice.statement_window"]
    assert statement and statement[0].provisional and statement[0].due == dt.date(2027, 1, 5)
    assert "national default" in statement[0].source and "provisional" in statement[0].describe()


def test_an_acceptance_inside_2026_is_not_provisional() -> None:
    case = notified_case(standard_world())
    state = case.act("decision.made", HEAD, decision(["fine"], 1_500_000, ENDED, band="general"), at=beijing(2026, 3, 22))
    assert state.relied_on and not any(x.provisional for x in state.relied_on)


def _served_in(start: dt.datetime) -> CaseFile:
    case = standard_world(start).case()
    case.play(organisation_case(start, until="served"), start)
    return case


def test_payment_and_enforcement_windows_carry_the_flag() -> None:
    late = _served_in(beijing(2026, 11, 24))  # decision served 2026-12-20: pay by 2027-01-04
    state = late.state
    due = proc.payment_due(state)
    assert due is not None and (due.date, due.provisional) == (dt.date(2027, 1, 4), True)
    last = proc.enforcement_window_end(state)
    assert last is not None and last.date.year == 2027 and last.provisional
    clocks = {c.rule: c for c in deadlines(state, standard_world().registry)}
    assert clocks["payment.window"].provisional and clocks["enforcement.apply_within"].provisional
    assert clocks["reconsideration.window"].provisional and clocks["litigation.window"].provisional
    early = _served_in(beijing(2026, 3, 2))  # served 2026-03-28: every clock inside 2026
    clocks = {c.rule: c for c in deadlines(early.state, standard_world().registry)}
    assert not clocks["payment.window"].provisional and not clocks["enforcement.apply_within"].provisional


def test_no_clock_reaching_2027_is_left_unmarked() -> None:
    state = _served_in(beijing(2026, 11, 24)).state
    for clock in deadlines(state, standard_world().registry):
        if clock.due.year >= 2027 and clock.rule not in ("transfer.hand_over", "coercion.emergency_report", "simple.report_within"):
            assert clock.provisional, clock
        if clock.due.year <= 2026:
            assert not clock.provisional, clock


def test_a_reminder_after_a_provisional_due_day_is_noted_and_an_early_one_refused_with_the_flag() -> None:
    case = _served_in(beijing(2026, 11, 24))
    err = refuse(case, "reminder.sent", OFFICER_1, {"amount_due_fen": 1_500_000, "method": "direct"},
                 beijing(2027, 1, 4, 15), r.ActNotAllowedNow, "act-not-allowed-now", "《行政强制法》第五十四条")
    assert "provisional" in err.detail
    state = case.act("reminder.sent", OFFICER_1, {"amount_due_fen": 1_500_000, "method": "direct"}, at=beijing(2027, 1, 5))
    assert [x.provisional for x in state.relied_on if x.rule == "payment.window"] == [True]


# -- the operator's holidays file -------------------------------------------------------------------------------------
def test_a_supplied_2027_schedule_makes_2027_dates_official() -> None:
    with calendar_in_use(with_extra_years(SCHEDULE_2027, source="test")):
        case = _notified_at_year_end()
        window = proc.statement_window(case.state)
        # 2027-01-01 is a holiday now: 12-30, 12-31, 01-04, 01-05, 01-06 — and not provisional.
        assert window is not None and (window.date, window.provisional) == (dt.date(2027, 1, 6), False)
        err = refuse(case, "decision.made", HEAD, decision(["fine"], 1_500_000, ENDED, band="general"),
                     beijing(2027, 1, 6, 16), r.StatementWindowOpen, "statement-window-open", f"{APL}第四十五条")
        assert "provisional" not in err.detail
    assert default_calendar().is_covered(dt.date(2027, 1, 1)) is False  # the block restored the bundled calendar


def _holidays_file(tmp_path: Path, content: object) -> Path:
    path = tmp_path / "holidays-2027.json"
    path.write_text(content if isinstance(content, str) else json.dumps(content, ensure_ascii=False))
    return path


def test_the_operator_file_is_loaded_from_outside_the_package(tmp_path: Path) -> None:
    path = _holidays_file(tmp_path, {"years": {"2027": {
        "source": "国务院办公厅关于2027年部分节假日安排的通知", "holidays": ["2027-01-01"], "workdays": []}}})
    try:
        calendar = install_calendar(path)
        assert calendar.source == str(path) and default_calendar() is calendar
        assert calendar.is_covered(dt.date(2027, 6, 1)) and not calendar.is_working_day(dt.date(2027, 1, 1))
        assert calendar.period_end(dt.date(2026, 12, 29), 5, "working_days").provisional is False
    finally:
        install_calendar(None)
    assert default_calendar().is_covered(dt.date(2027, 6, 1)) is False


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ("{not json", "malformed"),
        ({"years": {"2027": {"source": "", "holidays": ["2027-01-01"]}}}, "names no source"),
        ({"years": {"2027": {"source": "通知", "holidays": ["2028-01-01"]}}}, "listed under year 2027"),
        ({"years": {"2027": {"source": "通知", "holidays": []}}}, "year 2027 lists no holidays"),
        ({"years": {"2027": {"source": "通知", "holidays": ["2027-13-01"]}}}, "malformed"),
        ({"years": {}}, "lists no year"),
        ({"years": {"2027": {"source": "通知", "holidays": ["2027-01-01"], "extra": 1}}}, "malformed"),
    ],
    ids=["not-json", "no-source", "wrong-year", "empty-year", "bad-date", "no-year", "unknown-field"],
)
def test_a_malformed_holidays_file_is_refused_with_one_line_naming_the_file(tmp_path: Path, content: object, problem: str) -> None:
    path = _holidays_file(tmp_path, content)
    with pytest.raises(HolidaysFileError) as info:
        load_holidays_file(path)
    message = str(info.value)
    assert message.startswith(f"holidays file {path}: ") and problem in message and "\n" not in message


def test_a_missing_holidays_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(HolidaysFileError, match="no such file"):
        load_holidays_file(tmp_path / "absent.json")


# -- 市场监管 Art 18: testing time is not counted in the filing window ---------------------------------------------------
START = beijing(2026, 3, 2)


def _lead_with_testing(kind: str | None) -> CaseFile:
    case = standard_world().case()
    case.act("lead.received", OFFICER_1, lead(ITEM_LICENCE_DISPLAY, COMPANY), at=START)
    if kind is not None:
        case.act("pause.started", OFFICER_1, {"kind": kind, "reason": "抽样送检", "measure": None}, at=START + D)
        case.act("pause.ended", OFFICER_1, {"kind": kind, "measure": None}, at=START + 11 * D)
    return case


def test_filing_window_without_testing_is_15_working_days() -> None:
    case = _lead_with_testing(None)
    window = proc.filing_window(case.state)
    assert window is not None and window.date == dt.date(2026, 3, 23)
    refuse(case, "filing.extended", HEAD, {"reason": "需检验"}, beijing(2026, 3, 24),
           r.ActNotAllowedNow, "act-not-allowed-now", f"{MS_RULES}第十八条")


@pytest.mark.parametrize("kind", ["testing", "inspection", "quarantine", "appraisal"])
def test_testing_time_before_filing_is_excluded_from_the_filing_window(kind: str) -> None:
    case = _lead_with_testing(kind)
    window = proc.filing_window(case.state)
    # 03-04 … 03-13 paused (ten days, eight of them working days): the window ends eight working days later.
    assert window is not None and window.date == dt.date(2026, 4, 2)
    state = case.act("filing.extended", HEAD, {"reason": "需检验"}, at=beijing(2026, 3, 24))
    assert state.filing_extended_at is not None


def test_other_pauses_before_filing_are_refused() -> None:
    case = standard_world().case()
    case.act("lead.received", OFFICER_1, lead(ITEM_LICENCE_DISPLAY, COMPANY), at=START)
    refuse(case, "pause.started", OFFICER_1, {"kind": "hearing", "reason": "x", "measure": None}, START + D,
           r.CaseNotFiled, "case-not-filed", r.CaseNotFiled.article)


def test_testing_pause_before_filing_does_not_stretch_the_decision_time_limit() -> None:
    case = _lead_with_testing("testing")
    case.act("case.filed", OFFICER_1, {
        "facts": "立案", "catalog_item": ITEM_LICENCE_DISPLAY, "party": COMPANY, "violation_began": None,
        "violation_ended": None, "major_public_interest": False, "complex": False}, at=START + 12 * D)
    limit = proc.decision_time_limit(case.state, START + 12 * D + H)
    assert limit is not None and limit.date == dt.date(2026, 6, 12)  # 90 days from 03-14, no pause counted
