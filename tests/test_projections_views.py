"""The views equal a replay from the ledger, and a replay as of each version equals the writer's state after that
act — for the demo's stories and for randomised workloads, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ledger.sealer import Sealer
from ledger.store import Store
from projections.cases import case_state, decode_state
from projections.catalog import default_views
from projections.replay import BeforeFirstAct, CaseNotFound, VersionOutOfRange, case_at
from projections.runner import Runner
from projections.timeline import timeline
from tests.conftest import _PG_REASON, PG_URL, drop_schema
from tests.workload import Workload, run_stories, start_world
from zhifa import scenarios as sc

START = dt.datetime(2026, 3, 2, 1, 0, tzinfo=dt.UTC)


@contextmanager
def fresh_store(backend: str, tmp: Path) -> Iterator[Store]:
    if backend == "postgres":
        if _PG_REASON:
            pytest.skip(_PG_REASON)
        schema = f"t_{secrets.token_hex(6)}"
        store = Store(f"{PG_URL}{'&' if '?' in PG_URL else '?'}schema={schema}")
        try:
            yield store
        finally:
            store.close()
            drop_schema(schema)
    else:
        store = Store(f"sqlite:///{tmp / f'{secrets.token_hex(4)}.sqlite'}")
        try:
            yield store
        finally:
            store.close()


def check_views_equal_replay(w: Workload) -> None:
    store = w.store
    runner = Runner(store, default_views(), batch=37)  # a batch size that splits cases across batches
    runner.catch_up()
    Sealer(store, w.log_key, None).seal_all()
    with store.db.read() as cur:
        for case in w.cases:
            if w.versions.get(case, 0) == 0:
                continue
            replayed = case_at(store, case)
            assert replayed.version == replayed.head_version == w.versions[case]
            # the view at the head == the replay at the head == the writer's own state
            assert case_state(cur, case) == replayed.state == decode_state(w.states[(case, replayed.version)])
            # the full-process record of the view == the one replayed from the ledger, leaf indexes included
            rows = timeline(cur, case)
            assert rows == replayed.acts
            assert all(r.leaf_index is not None for r in rows)
    for (case, version), state in w.states.items():
        # replay as of each version == the state after that act; as of its recorded time == the last act then
        assert case_at(store, case, version=version).state == decode_state(state)
        at = case_at(store, case, as_of=dt.datetime.fromisoformat(w.recorded[(case, version)]))
        same_time = max(v for (c, v), t in w.recorded.items() if c == case and t == w.recorded[(case, version)])
        assert at.version == same_time


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_every_demo_story_view_equals_replay_and_each_version_equals_the_live_state(backend: str, tmp_path: Path) -> None:
    with fresh_store(backend, tmp_path) as store:
        w = start_world(store, START)
        run_stories(w, [(name, None, i * 0.3) for i, name in enumerate(sc.SCENARIOS)], START, noise=[5, 50, 120])
        assert w.refused == 3 and len(w.cases) == len(sc.SCENARIOS)
        check_views_equal_replay(w)


stories = st.lists(
    st.tuples(st.sampled_from(sorted(sc.SCENARIOS)), st.one_of(st.none(), st.integers(1, 30)), st.floats(0, 20)),
    min_size=1,
    max_size=5,
)


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(plan=stories, noise=st.lists(st.integers(0, 60), max_size=4))
def test_randomised_workloads_view_equals_replay(backend: str, tmp_path: Path, plan: list[tuple[str, int | None, float]], noise: list[int]) -> None:
    with fresh_store(backend, tmp_path) as store:
        w = start_world(store, START)
        run_stories(w, plan, START, noise=noise)
        check_views_equal_replay(w)


def test_replay_refuses_unknown_cases_versions_and_times_before_the_first_act(tmp_path: Path) -> None:
    with fresh_store("sqlite", tmp_path) as store:
        w = start_world(store, START)
        run_stories(w, [("filed", None, 0)], START)
        (case,) = w.cases
        with pytest.raises(CaseNotFound) as missing:
            case_at(store, "00000000-0000-4000-8000-000000000000")
        assert missing.value.code == "case-not-found"
        with pytest.raises(VersionOutOfRange):
            case_at(store, case, version=w.versions[case] + 1)
        with pytest.raises(VersionOutOfRange):
            case_at(store, case, version=0)
        with pytest.raises(BeforeFirstAct):
            case_at(store, case, as_of=START - dt.timedelta(days=30))
