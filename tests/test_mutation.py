"""Must-show 2: changing any single number of the rules table (domain/law.py) by ±1 makes at least one test fail.

The check itself is ``tests/mutation.py`` (``python -m tests.mutation``; ``make mutation`` runs it against the whole
fast domain suite). Here it runs in its mapped mode — each mutation against the tests mapped to its number — in a
child process, and the summary (which numbers are covered) is printed with ``-s`` or on failure.
"""

from __future__ import annotations

import os
import subprocess
import sys

from domain.law import RULES
from tests.mutation import MUTATION_MAP, ROOT


def test_every_number_of_the_rules_table_is_mapped_to_tests_that_pin_it() -> None:
    assert set(MUTATION_MAP) == set(RULES), (
        f"unmapped: {sorted(set(RULES) - set(MUTATION_MAP))}; stale: {sorted(set(MUTATION_MAP) - set(RULES))}"
    )
    assert all(MUTATION_MAP[key] for key in RULES)


def test_changing_any_number_of_the_rules_table_makes_a_test_fail() -> None:
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    done = subprocess.run(
        [sys.executable, "-m", "tests.mutation", "--jobs", "2"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600
    )
    summary = done.stdout[done.stdout.find("mutation check:"):]
    print(summary)
    assert done.returncode == 0, summary + done.stderr[-2000:]
    assert f"{len(RULES)}/{len(RULES)} numbers covered" in summary
