# zhifa-ledger: `make demo` and `make test` on a fresh machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | sha256sum | cut -c1-12)
export ZHIFA_TEST_POSTGRES_URL ?= postgresql://postgres@127.0.0.1:5432/test

.PHONY: demo test lint types pytest bench bench-big fuzz clean serve trials mutation chromium

$(BIN)/python:
	$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python >= 3.11 is required"'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[test]'
	rm -f $(VENV)/.installed-* && touch $@

demo: $(STAMP)
	$(BIN)/zhifa demo

lint: $(STAMP)
	$(BIN)/ruff check domain ledger projections feeds web zhifa tests bench

types: $(STAMP)
	$(BIN)/mypy --strict domain ledger projections feeds web zhifa bench

# The browser tests drive Debian's chromium (Playwright's own download is not reachable): install it when missing,
# if we may (root); otherwise those tests are skipped with the reason.
chromium:
	@if [ ! -x /usr/bin/chromium ] && [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		apt-get install -y -q chromium >/dev/null || (apt-get update -q >/dev/null && apt-get install -y -q chromium >/dev/null); fi

pytest: $(STAMP) chromium
	$(BIN)/pytest -n 2 -q

test: lint types pytest

bench: $(STAMP)
	$(BIN)/python -m bench

# One million entries bulk-loaded, sealed, then verified end to end with the verifier's memory sampled (a few minutes).
bench-big: $(STAMP)
	$(BIN)/python -m bench.big
	$(BIN)/python -m bench.big_projections

# The bundle verifier fuzzed with structural and byte mutations of a real bundle, address space capped (a few minutes).
fuzz: $(STAMP)
	$(BIN)/python -m tests.fuzz_bundle --examples $${FUZZ_EXAMPLES:-20000}

# Every number of domain/law.py changed by ±1, one at a time, against the whole fast domain suite (`make test`
# runs the same check against the tests mapped to each number: tests/test_mutation.py).
mutation: $(STAMP)
	$(BIN)/python -m tests.mutation --full

clean:
	rm -rf var .pytest_cache .mypy_cache .ruff_cache .hypothesis

# Crash trials (not part of `make test`, several minutes): SIGKILL of `zhifa append` and `zhifa seal --follow` at
# random moments (50 kills per backend), the writer+sealer process killed, and a disk filling up (tmpfs: needs root);
# then many SIGKILLs of `zhifa run projections` mid-batch, restart == clean rebuild, on both backends.
trials: $(STAMP)
	$(BIN)/python -m tests.trials --kills 50
	ZHIFA_CRASH_ROUNDS=$${ROUNDS:-40} $(BIN)/pytest -q tests/test_projections_crash.py
