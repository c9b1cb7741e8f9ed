"""Mutation check of the rules table: change one number of ``domain/law.py`` at a time and some test must fail.

For every rule and for each of ``value + 1`` and ``value − 1`` a forked child replaces that one number in
``domain.law.RULES``, drops every project module it had imported (so values read at import are read again,
mutated), and runs pytest — ``-x``, stopping at the first failure. A mutation some test catches is *killed*; one
that passes every test *survived*, and the check fails naming it.

Two modes:

- **mapped** (``make test`` runs it through ``tests/test_mutation.py``): each mutation runs only the tests listed for
  its rule in ``MUTATION_MAP`` — the fast domain tests that pin that number at its boundary — so the whole table is
  checked in seconds. A rule missing from the map fails the check (no number may be left uncovered).
- **full** (``make mutation``): each mutation runs the whole fast domain suite (``FULL_SUITE``); it prints which test
  killed each mutation and so re-derives the map.

Run ``python -m tests.mutation [--full] [--jobs N] [KEY …]``; it prints one line per mutation and a summary, and exits
0 when every mutation was killed.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROJECT_PACKAGES = ("domain", "ledger", "zhifa", "tests", "projections", "feeds", "web", "bench")

FULL_SUITE = [
    "tests/test_domain_rules.py",
    "tests/test_domain_deadlines.py",
    "tests/test_domain_registry.py",
    "tests/test_money.py",
    "tests/test_calendar.py",
    "tests/test_clocks_calendar.py",
    "tests/test_local_rules.py",
    "tests/test_law_numbers.py",
    "tests/test_domain_scenarios.py",
    "tests/test_domain_rules_lawful.py",
    "tests/test_domain_rules_review.py",
    "tests/test_domain_rules_session11.py",
    "tests/test_domain_rules_session12.py",
]

R = "tests/test_domain_rules.py::"
L = "tests/test_law_numbers.py::"
C = "tests/test_clocks_calendar.py::"
LR = "tests/test_local_rules.py::"
M = "tests/test_money.py::"
G = "tests/test_domain_registry.py::"
RL = "tests/test_domain_rules_lawful.py::"
RV = "tests/test_domain_rules_review.py::"
S11 = "tests/test_domain_rules_session11.py::"
DL = "tests/test_domain_deadlines.py::"

MUTATION_MAP: dict[str, list[str]] = {
    "filing.decide_window": [C + "test_filing_window_without_testing_is_15_working_days"],
    "filing.extension": [L + "test_filing_extension_adds_15_working_days"],
    "investigation.min_officers": [R + "test_investigation_by_one_officer_is_refused",
                                   R + "test_investigation_by_two_officers_is_accepted_and_waits_for_the_second_signature"],
    "preservation.decide_within": [L + "test_preserved_evidence_is_decided_within_7_working_days"],
    "coercion.max_period": [R + "test_seizure_beyond_30_days_is_refused",
                            R + "test_seizure_of_30_days_extended_once_by_30_is_accepted_and_no_further"],
    "coercion.max_extension": [R + "test_seizure_of_30_days_extended_once_by_30_is_accepted_and_no_further",
                               L + "test_a_seizure_extension_beyond_30_days_is_refused"],
    "coercion.max_extensions": [R + "test_seizure_of_30_days_extended_once_by_30_is_accepted_and_no_further",
                                L + "test_a_seizure_is_extended_once"],
    "coercion.emergency_report": [L + "test_an_emergency_measure_is_reported_within_24_hours"],
    "notice.statement_window": [R + "test_statement_window_counts_working_days_across_national_day"],
    "hearing.request_window": [R + "test_hearing_request_after_its_window_is_refused_and_within_it_accepted"],
    "hearing.notice_before": [R + "test_hearing_notice_under_seven_working_days_is_refused",
                              R + "test_hearing_notice_of_seven_working_days_is_accepted"],
    "hearing.fine_natural_person": [L + "test_hearing_thresholds_sit_exactly_at_the_sector_default"],
    "hearing.fine_organisation": [L + "test_hearing_thresholds_sit_exactly_at_the_sector_default"],
    "review.fine_natural_person": [L + "test_review_thresholds_sit_exactly_at_the_default"],
    "review.fine_organisation": [L + "test_review_thresholds_sit_exactly_at_the_default"],
    "decision.time_limit": [L + "test_the_decision_time_limit_is_90_days_from_filing",
                            R + "test_decision_more_than_90_days_after_filing_is_refused",
                            R + "test_decision_on_the_90th_day_or_after_an_approved_extension_is_accepted"],
    "decision.extension": [L + "test_a_decision_extension_is_at_most_30_days"],
    "service.within": [L + "test_an_absent_party_is_served_within_7_working_days"],
    "service.announcement_deemed": [L + "test_service_by_announcement_is_deemed_after_30_days"],
    "payment.window": [L + "test_the_payment_window_is_15_days", C + "test_payment_and_enforcement_windows_carry_the_flag"],
    "payment.late_fee_rate": [M + "test_one_day_late_costs_three_percent", R + "test_late_fee_above_three_percent_a_day_is_refused"],
    "payment.on_the_spot_max": [L + "test_on_the_spot_collection_is_allowed_up_to_100_yuan"],
    "payment.cash_hand_in": [L + "test_cash_collected_on_the_spot_is_handed_in_within_2_working_days"],
    "enforcement.reminder_wait": [L + "test_court_enforcement_waits_10_working_days_after_the_reminder"],
    "enforcement.apply_within": [L + "test_court_enforcement_is_applied_for_within_3_months"],
    "reconsideration.acceptance_review": [S11 + "test_a_lawsuit_while_the_body_may_still_decide_is_refused",
                                          S11 + "test_a_lawsuit_once_the_body_let_its_longest_period_run_out_is_accepted"],
    "reconsideration.decide_within": [S11 + "test_a_lawsuit_while_the_body_may_still_decide_is_refused",
                                      S11 + "test_a_lawsuit_once_the_body_let_its_longest_period_run_out_is_accepted"],
    "reconsideration.max_extension": [S11 + "test_a_lawsuit_while_the_body_may_still_decide_is_refused",
                                      S11 + "test_a_lawsuit_once_the_body_let_its_longest_period_run_out_is_accepted"],
    "reconsideration.window": [L + "test_reconsideration_window_is_60_days"],
    "reconsideration.window_untold": [L + "test_reconsideration_window_untold_is_one_year"],
    "litigation.window": [L + "test_litigation_window_is_6_months"],
    "litigation.after_reconsideration": [L + "test_litigation_after_reconsideration_is_15_days"],
    "litigation.appeal_window": [L + "test_an_appeal_is_due_15_days_after_the_first_instance_judgment",
                                 "tests/test_domain_rules_session13.py::test_an_appeal_after_the_15_days_is_refused_and_one_on_the_15th_day_accepted"],
    "transfer.head_decides": [L + "test_the_head_decides_on_a_transfer_within_3_days"],
    "transfer.hand_over": [L + "test_the_file_is_handed_over_within_24_hours"],
    "simple.fine_citizen_max": [R + "test_simple_procedure_above_its_limit_is_refused_and_at_it_accepted"],
    "simple.fine_organisation_max": [R + "test_simple_procedure_above_its_limit_is_refused_and_at_it_accepted"],
    "simple.report_within": [L + "test_the_on_the_spot_decision_is_reported_within_24_hours"],
    "party.age_not_penalised": [RL + "test_a_child_under_14_at_the_violation_is_not_penalised",
                                RL + "test_a_minor_of_14_gets_a_lighter_penalty_but_never_the_general_band",
                                RL + "test_no_penalty_for_minor_age_is_refused_for_a_party_who_was_not_under_14"],
    "party.age_mitigated": [RL + "test_a_party_of_17_still_gets_mitigation_and_one_of_18_the_general_band",
                            RL + "test_an_on_the_spot_fine_for_a_minor_in_the_lighter_band_is_accepted",
                            RL + "test_a_minors_penalty_is_never_published"],
    "limitation.general": [M + "test_general_limitation_discovery_on_the_last_day_is_in_time",
                           M + "test_general_limitation_discovery_the_day_after_is_too_late"],
    "limitation.life_health_finance": [M + "test_life_health_finance_limitation_is_five_years"],
    "disclosure.penalty_within": [L + "test_disclosure_deadlines"],
    "disclosure.other_within": [L + "test_disclosure_deadlines"],
    "disclosure.withdraw_within": [L + "test_disclosure_deadlines"],
    "referral.result_within": [DL + "test_a_referred_lead_owes_its_result_back_until_sent_even_once_declined",
                               DL + "test_a_referred_case_owes_its_filing_then_its_final_result_each_within_5_working_days"],
    "publicity.minor_min": [L + "test_publicity_periods"],
    "publicity.minor_max": [L + "test_publicity_periods"],
    "publicity.general_min": [L + "test_publicity_periods"],
    "publicity.general_max": [L + "test_publicity_periods"],
    "publicity.serious_min": [L + "test_publicity_periods"],
    "publicity.serious_max": [L + "test_publicity_periods"],
    "litigation.window_untold": [RV + "test_a_lawsuit_against_a_decision_that_did_not_state_the_period_is_in_time_for_a_year"],
    "preservation.emergency_approval": [
        RV + "test_an_emergency_preservation_approved_after_24_hours_is_refused_and_can_only_be_released",
        RV + "test_an_emergency_preservation_approved_within_24_hours_is_accepted",
    ],
    "collective_discussion.min_heads": [
        RL + "test_collective_discussion_by_others_than_three_registered_heads_is_refused",
        RL + "test_collective_discussion_counts_once_every_head_has_signed",
    ],
    "review.grade_excellent_min": [L + "test_review_grades_change_exactly_at_their_thresholds"],
    "review.grade_pass_min": [L + "test_review_grades_change_exactly_at_their_thresholds"],
    "training.hours_per_year": [G + "test_training_hours_are_a_metric_against_the_local_minimum"],
    "review.failures_to_exit": [L + "test_two_failed_annual_reviews_running_withdraw_the_certificates"],
    "staffing.town_min": [LR + "test_staffing_floor_for_towns_follows_the_agency_rule"],
    "staffing.street_min": [L + "test_the_street_staffing_floor_is_4"],
    "auxiliary.min_officers_with": [L + "test_an_auxiliary_accepts_a_lead_with_one_officer"],
    "followup.satisfaction_max": [L + "test_satisfaction_is_on_a_1_to_5_scale"],
}


@dataclass
class Outcome:
    key: str
    value: int
    original: int
    killed: bool
    by: str | None
    seconds: float
    error: str | None = None


def _purge_project_modules(keep: str = "domain.law") -> None:
    for name in list(sys.modules):
        if name != keep and name.split(".")[0] in PROJECT_PACKAGES:
            del sys.modules[name]


def _child(key: str, value: int, tests: Sequence[str], result_path: str) -> None:
    """In the forked child: mutate one number, forget every module that read the table, run the tests."""
    import pytest

    import domain.law as law

    _purge_project_modules()
    law.RULES[key] = dataclasses.replace(law.RULES[key], value=value)
    failed: list[str] = []

    class Collector:
        def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
            if report.failed and not failed:
                failed.append(report.nodeid)

        def pytest_collectreport(self, report: pytest.CollectReport) -> None:
            if report.failed and not failed:
                failed.append(f"collection error: {report.nodeid}")

    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.dup2(devnull, 2)
    code = pytest.main(
        [*tests, "-x", "-q", "--assert=plain", "-p", "no:cacheprovider", "-p", "no:xdist", "-p", "no:randomly", "-o", "addopts=",
         "--rootdir", str(ROOT)],
        plugins=[Collector()],
    )
    Path(result_path).write_text(json.dumps({"code": int(code), "failed": failed[0] if failed else None}))
    os._exit(0)


def _warm_up() -> None:
    """Import the heavy third-party modules once in the parent so each child starts at once."""
    import chinese_calendar  # noqa: F401
    import hypothesis  # noqa: F401
    import msgspec  # noqa: F401
    import pytest  # noqa: F401

    import domain.law  # noqa: F401
    import tests.conftest  # noqa: F401  (psycopg, eventsourcing, cryptography)

    _purge_project_modules()


def run(keys: Sequence[str], *, full: bool, jobs: int, verbose: bool = True) -> list[Outcome]:
    import domain.law as law

    _warm_up()
    os.chdir(ROOT)
    queue: list[tuple[str, int, list[str]]] = []
    for key in keys:
        original = law.RULES[key].value
        tests = [t for t in FULL_SUITE if (ROOT / t).exists()] if full else MUTATION_MAP.get(key, [])
        for value in (original + 1, original - 1):
            queue.append((key, value, list(tests)))
    running: dict[int, tuple[str, int, str, float]] = {}
    outcomes: list[Outcome] = []
    tmp = tempfile.mkdtemp(prefix="zhifa-mutation-")
    while queue or running:
        while queue and len(running) < jobs:
            key, value, tests = queue.pop(0)
            if not tests:
                outcomes.append(Outcome(key, value, law.RULES[key].value, False, None, 0.0, "no tests mapped"))
                continue
            result_path = os.path.join(tmp, f"{key}={value}.json")
            sys.stdout.flush()
            sys.stderr.flush()
            pid = os.fork()
            if pid == 0:  # pragma: no cover - the child
                try:
                    _child(key, value, tests, result_path)
                finally:
                    os._exit(3)
            running[pid] = (key, value, result_path, time.perf_counter())
        if not running:
            continue
        pid, status = os.wait()
        key, value, result_path, began = running.pop(pid)
        seconds = time.perf_counter() - began
        original = law.RULES[key].value
        try:
            result = json.loads(Path(result_path).read_text())
        except (OSError, ValueError):
            outcomes.append(Outcome(key, value, original, False, None, seconds, f"child exited {status}"))
            continue
        code, by = result["code"], result["failed"]
        killed = code == 1 and by is not None and not by.startswith("collection error")
        error = None if code in (0, 1) else f"pytest exit code {code}"
        if by is not None and by.startswith("collection error"):
            error = by
        outcome = Outcome(key, value, original, killed, by, seconds, error)
        outcomes.append(outcome)
        if verbose:
            mark = "killed  " if killed else "SURVIVED"
            print(f"{mark} {key} {original} → {value}  {by or error or 'every test passed'}  ({seconds:.1f} s)", flush=True)
    return sorted(outcomes, key=lambda o: (o.key, o.value))


def summary(outcomes: Sequence[Outcome], keys: Sequence[str]) -> str:
    survived = [o for o in outcomes if not o.killed]
    covered = sorted({o.key for o in outcomes if o.killed} - {o.key for o in survived})
    lines = [f"mutation check: {len(outcomes) - len(survived)}/{len(outcomes)} mutations killed; "
             f"{len(covered)}/{len(keys)} numbers covered (both +1 and −1 caught)"]
    lines.append("covered: " + ", ".join(covered))
    for o in survived:
        lines.append(f"NOT COVERED: {o.key} {o.original} → {o.value}: {o.error or 'every test passed'}")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("keys", nargs="*", help="rule keys (default: every rule in domain/law.py)")
    parser.add_argument("--full", action="store_true", help="run the whole fast domain suite for each mutation")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--json", action="store_true", help="print the outcomes as JSON lines at the end")
    args = parser.parse_args(argv)
    import domain.law as law

    keys = list(args.keys) or list(law.RULES)
    outcomes = run(keys, full=args.full, jobs=args.jobs)
    print(summary(outcomes, keys))
    if args.json:
        for o in outcomes:
            print(json.dumps(dataclasses.asdict(o), ensure_ascii=False))
    return 0 if all(o.killed for o in outcomes) else 1


if __name__ == "__main__":
    sys.exit(main())
