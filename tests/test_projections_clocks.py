"""Cards move with the clock alone: the same case goes from no card to yellow to red as days pass, across the 2026
National Day and Spring Festival holidays (working days by the official calendar), with no new act; a last day in a
year the calendar does not cover yet is provisional, never a crash."""

from __future__ import annotations

import datetime as dt
import uuid
from pathlib import Path

import pytest

from domain.calendar import LEGAL_TZ
from ledger.store import Store
from projections.catalog import default_views
from projections.runner import Runner
from projections.supervision import ReferralLoop, card_counts, overdue, referrals, warnings
from tests.conftest import FakeClock, LedgerFixture, make_ledger
from tests.workload import Workload, run_stories, start_world
from zhifa import scenarios as sc


def beijing(day: str, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(dt.date.fromisoformat(day), dt.time(hour), LEGAL_TZ)


def lead_at(database_url: str, moment: dt.datetime) -> tuple[LedgerFixture, str]:
    fx = make_ledger(database_url, FakeClock(moment))
    officer = fx.register("officer/a")
    receipt = fx.lead(officer)
    Runner(fx.store, default_views()).catch_up()
    return fx, receipt.stream


def filing_card(fx: LedgerFixture, case: str, day: str, yellow_days: int = 3) -> tuple[str | None, int, str, bool] | None:
    found = [w for w in warnings(fx.store, beijing(day), yellow_days=yellow_days, cards=("yellow", "red")) if w.case_id == case]
    assert all(w.rule == "filing.decide_window" for w in found)
    if not found:
        return None
    (w,) = found
    return w.card, w.working_days_left, w.due, w.provisional


@pytest.fixture
def national_day(database_url: str) -> tuple[LedgerFixture, str]:
    # Monday 2026-09-28 09:00 Beijing; 15 working days skip 10-01…10-07 and count Saturday 10-10 (调休上班).
    return lead_at(database_url, beijing("2026-09-28", 9).astimezone(dt.UTC))


def test_national_day_no_card_then_yellow_then_red_without_any_new_act(national_day: tuple[LedgerFixture, str]) -> None:
    fx, case = national_day
    head = fx.store.position()
    assert filing_card(fx, case, "2026-09-30") is None  # 13 working days left
    assert filing_card(fx, case, "2026-10-05") is None  # mid-holiday: still 13 (holidays do not count)
    assert filing_card(fx, case, "2026-10-19") is None  # 4 left
    assert filing_card(fx, case, "2026-10-20") == ("yellow", 3, "2026-10-23", False)
    assert filing_card(fx, case, "2026-10-23") == ("yellow", 0, "2026-10-23", False)
    assert filing_card(fx, case, "2026-10-24") == ("red", 0, "2026-10-23", False)  # Saturday: past, no working day yet
    assert filing_card(fx, case, "2026-10-26") == ("red", -1, "2026-10-23", False)
    assert [w.case_id for w in overdue(fx.store, beijing("2026-10-26"))] == [case]
    assert fx.store.position() == head  # the clock moved; the ledger did not


def test_the_yellow_threshold_is_configurable(national_day: tuple[LedgerFixture, str]) -> None:
    fx, case = national_day
    assert filing_card(fx, case, "2026-10-19", yellow_days=5) == ("yellow", 4, "2026-10-23", False)
    assert filing_card(fx, case, "2026-10-20", yellow_days=0) is None


def test_spring_festival_2026_is_not_counted(database_url: str) -> None:
    # Monday 2026-02-09: 02-15…02-23 are the Spring Festival holiday, Saturday 02-14 and 02-28 are working days.
    fx, case = lead_at(database_url, beijing("2026-02-09", 9).astimezone(dt.UTC))
    assert filing_card(fx, case, "2026-02-20") is None
    assert filing_card(fx, case, "2026-03-02") is None
    assert filing_card(fx, case, "2026-03-03") == ("yellow", 3, "2026-03-06", False)
    assert filing_card(fx, case, "2026-03-07") == ("red", 0, "2026-03-06", False)


def test_a_last_day_beyond_the_calendar_is_provisional_and_still_carded(database_url: str) -> None:
    fx, case = lead_at(database_url, beijing("2026-12-21", 9).astimezone(dt.UTC))
    assert filing_card(fx, case, "2027-01-06") == ("yellow", 3, "2027-01-11", True)
    assert filing_card(fx, case, "2027-01-12") == ("red", -1, "2027-01-11", True)


def test_cards_are_counted_per_agency_and_officer(national_day: tuple[LedgerFixture, str]) -> None:
    fx, _ = national_day
    counts = card_counts(warnings(fx.store, beijing("2026-10-26")))
    assert counts["agency"] == {"agency/test": {"red": 1}}


def test_cards_per_township_and_officer_for_a_delegated_township_case(tmp_path: Path) -> None:
    store, w, start, _ = _stories(tmp_path, [("township_delegated", None, 0)])
    (case,) = w.cases
    late = warnings(store, start + dt.timedelta(days=200))
    assert {x.rule for x in late} == {"decision.time_limit"} and all(x.card == "red" for x in late)
    counts = card_counts(late)
    assert counts["township"] == {sc.LEHUA: {"red": 1}}
    assert counts["officer"] == {sc.LEHUA_1: {"red": 1}, sc.LEHUA_2: {"red": 1}}
    assert warnings(store, start + dt.timedelta(days=200), township="agency/elsewhere") == []
    assert [x.case_id for x in warnings(store, start + dt.timedelta(days=200), officer=sc.LEHUA_1)] == [case]
    store.close()


def _stories(tmp_path: Path, plan: list[tuple[str, int | None, float]]) -> tuple[Store, Workload, dt.datetime, Runner]:
    """A SQLite ledger with the demo cast and ``plan``'s stories from Monday 2026-03-02 09:00 Beijing, views caught up."""
    store = Store(f"sqlite:///{tmp_path / 'w.sqlite'}")
    start = dt.datetime(2026, 3, 2, 1, 0, tzinfo=dt.UTC)
    w = start_world(store, start)
    run_stories(w, plan, start)
    runner = Runner(store, default_views())
    runner.catch_up()
    return store, w, start, runner


def _cards_by_day(store: Store, case: str, first: dt.datetime, days: int) -> list[dict[str, str | None]]:
    return [
        {w.rule: w.card for w in warnings(store, first + dt.timedelta(days=n)) if w.case_id == case}
        for n in range(days)
    ]


def test_a_party_window_goes_yellow_while_open_and_is_never_overdue_once_closed(tmp_path: Path) -> None:
    # The party's statement and hearing-request windows (APL Arts 45, 64) close without anyone being late: they show
    # a yellow card near their end and then leave the lists, while the agency's 90-day limit (Art 60) turns red.
    store, w, start, _ = _stories(tmp_path, [("notified", None, 0)])
    (case,) = w.cases
    days = _cards_by_day(store, case, start, 120)
    for window in ("notice.statement_window", "hearing.request_window"):
        seen = [d[window] for d in days if window in d]
        assert "yellow" in seen and "red" not in seen, window
        last = max(n for n, d in enumerate(days) if window in d)
        assert all(window not in d for d in days[last + 1:])  # closed: gone, not overdue
    assert days[-1].get("decision.time_limit") == "red"
    assert [x.rule for x in overdue(store, start + dt.timedelta(days=119)) if x.case_id == case] == ["decision.time_limit"]
    store.close()


def test_an_unpaid_fine_stays_overdue_past_its_window(tmp_path: Path) -> None:
    # Art 67: the party pays within 15 days of service; past that the fine is in default (late fee, reminder, court)
    # and the clock stays red until payment, while the remedy windows simply close.
    store, w, start, _ = _stories(tmp_path, [("served", None, 0)])
    (case,) = w.cases
    days = _cards_by_day(store, case, start, 300)
    payment = [d.get("payment.window") for d in days]
    first_red = payment.index("red")
    assert "yellow" in payment[:first_red] and all(card == "red" for card in payment[first_red:])
    remedies = {"reconsideration.window", "litigation.window"}
    assert not any(d.get(r) == "red" for d in days for r in remedies)
    store.close()


def test_duties_outliving_the_case_are_carded_on_finished_cases_until_done(tmp_path: Path) -> None:
    # A referred lead declined without its result sent back (管罚分离 抄告), and an archived case whose penalty decision
    # was never published (118号): neither case is open, both duties still show, yellow then red, on the
    # supervisor's lists — and nothing else of those finished cases does.
    declined = sc.scenario("declined", dt.datetime(2026, 3, 2, 1, 0, tzinfo=dt.UTC))
    cut = next(i for i, step in enumerate(declined) if step.type == "referral.result_sent")
    store, w, start, runner = _stories(tmp_path, [("declined", cut, 0), ("archived", None, 0)])
    by_name = {name: case for case, name in w.cases.items()}
    referral_id, archived_id = by_name["declined"], by_name["archived"]

    def cards(day: int) -> dict[str, dict[str, str | None]]:
        found: dict[str, dict[str, str | None]] = {}
        for x in warnings(store, start + dt.timedelta(days=day)):
            found.setdefault(x.case_id, {})[x.rule] = x.card
        return found

    assert cards(4).get(referral_id) is None  # declined Thursday 3-5: due 3-12, 4 working days left on 3-6
    assert cards(8).get(referral_id) == {"referral.result_within": "yellow"}
    assert cards(30).get(referral_id) == {"referral.result_within": "red"}
    assert cards(200).get(archived_id) == {"disclosure.penalty_within": "red"}
    assert {x.case_id for x in overdue(store, start + dt.timedelta(days=200))} == {referral_id, archived_id}
    w.clock.now = start + dt.timedelta(days=20)  # the result sent back, late
    step = declined[cut]
    assert w.append(referral_id, step.type, step.actor, step.payload)
    runner.catch_up()
    assert referral_id not in cards(200)
    store.close()


def test_a_referral_loop_stays_open_after_the_filing_result_and_closes_at_the_final_one(tmp_path: Path) -> None:
    # 管罚分离: a referred lead filed and reported back ("filed") is still an open loop for the supervisor; the
    # decision makes the outcome owed (its card returns), and only the result naming it closes the loop and the card.
    store, w, start, runner = _stories(tmp_path, [])
    case = str(uuid.uuid4())
    steps = sc.referred(sc.organisation_case(start, until="decided"))  # filed day 1, investigated by day 4, decided day 26
    investigated = len(sc.organisation_case(start, until="investigating"))
    reported = sc.referral_result("filed", steps[investigated - 1].offset + dt.timedelta(hours=1))
    story = [*steps[:investigated], reported, *steps[investigated:]]

    def play(more: list[sc.Step]) -> ReferralLoop:
        for step in more:
            w.clock.now = max(w.clock.now, start + step.offset)
            assert w.append(case, step.type, step.actor, step.payload)
        runner.catch_up()
        (loop,) = referrals(store, w.clock.now)
        return loop

    loop = play(story[:investigated + 1])
    assert (loop.stage, loop.open, loop.result_sent_at) == ("filing_reported", True, None)
    assert referrals(store, w.clock.now, open_only=True) == [loop]
    loop = play(story[investigated + 1:])
    assert (loop.stage, loop.open) == ("decided", True)
    assert {x.rule for x in warnings(store, start + dt.timedelta(days=40)) if x.case_id == case} >= {"referral.result_within"}
    final = sc.referral_result("decided", dt.timedelta(days=28))
    loop = play([final])
    assert (loop.stage, loop.open, loop.result_sent_at, loop.age_days) == ("result_sent", False, sc.ts(start + final.offset), 28)
    assert referrals(store, w.clock.now, open_only=True) == []
    assert "referral.result_within" not in {x.rule for x in warnings(store, start + dt.timedelta(days=40)) if x.case_id == case}
    store.close()
