"""The bundle verifier under fuzzing (issue 12, must-show 2): a bounded run inside `make test`, in a child process
whose address space is capped; `make fuzz` runs the same with many more examples."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_fuzzed_bundles_never_crash_the_verifier_and_no_changed_bundle_is_accepted() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "tests.fuzz_bundle", "--examples", "400", "--memory-mb", "512"],
        cwd=ROOT, capture_output=True, text=True, timeout=120, check=False,
    )
    assert result.stdout.strip(), result.stderr[-2000:]
    counts = json.loads(result.stdout.strip().splitlines()[-1])
    assert counts["crashes"] == 0, counts["offending"]
    assert counts["accepted_changed"] == 0, counts["offending"]
    assert counts["examples"] >= 380
    assert counts["refused"] >= 50 and counts["unusable"] >= 50  # both kinds of verdict were reached
    assert counts["seconds"] < 60 and counts["slowest_example_ms"] < 2000
    assert result.returncode == 0
