"""The projection runner: each view follows the log exactly once at its own position, rows and position in one
transaction, on SQLite and PostgreSQL."""

from __future__ import annotations

import io
import time
import uuid
from pathlib import Path
from types import SimpleNamespace
from typing import Any, cast

import pytest
from eventsourcing.persistence import Tracking

from ledger.db import Cursor
from ledger.store import TOPIC_CASE, TOPIC_REGISTRY, Store
from projections.cases import CaseStateView, decode_state, encode_state
from projections.disclosure import DisclosureView
from projections.replay import case_at
from projections.runner import Runner, RunnerConflict, replay_states
from projections.timeline import TimelineView
from projections.view import Applied, View
from tests.conftest import FailingFirst, LedgerFixture


class ActCounter(View):
    """A minimal view, as a new engineer would write one: acts per type."""

    name = "act_counter"
    tables = ("zhifa_test_act_counts",)

    def schema(self, cur: Cursor) -> None:
        cur.execute("CREATE TABLE IF NOT EXISTS zhifa_test_act_counts (type TEXT PRIMARY KEY, n INTEGER NOT NULL)")

    def apply(self, cur: Cursor, act: Applied) -> None:
        cur.execute(
            "INSERT INTO zhifa_test_act_counts (type, n) VALUES (?, 1) ON CONFLICT (type) DO UPDATE SET n = zhifa_test_act_counts.n + 1",
            (act.type,),
        )


class RegistryOnly(ActCounter):
    name = "registry_counter"
    topics = (TOPIC_REGISTRY,)
    tables = ("zhifa_test_registry_counts",)

    def schema(self, cur: Cursor) -> None:
        cur.execute("CREATE TABLE IF NOT EXISTS zhifa_test_registry_counts (type TEXT PRIMARY KEY, n INTEGER NOT NULL)")

    def apply(self, cur: Cursor, act: Applied) -> None:
        cur.execute(
            "INSERT INTO zhifa_test_registry_counts (type, n) VALUES (?, 1) "
            "ON CONFLICT (type) DO UPDATE SET n = zhifa_test_registry_counts.n + 1",
            (act.type,),
        )


class Exploding(ActCounter):
    """Fails on the n-th case act it sees (after writing its row for that act)."""

    name = "act_counter"  # eventsourcing names a projection by its class unless told

    def __init__(self, fail_at: int) -> None:
        super().__init__()
        self.fail_at = fail_at
        self.seen = 0

    def apply(self, cur: Cursor, act: Applied) -> None:
        super().apply(cur, act)
        if act.topic == TOPIC_CASE:
            self.seen += 1
            if self.seen == self.fail_at:
                raise RuntimeError("view failed mid-batch")


def counts(ledger: LedgerFixture, table: str = "zhifa_test_act_counts") -> dict[str, int]:
    with ledger.store.db.read() as cur:
        return {str(t): int(n) for t, n in cur.execute(f"SELECT type, n FROM {table}").fetchall()}


def small_log(ledger: LedgerFixture, cases: int = 3, notes: int = 4) -> list[str]:
    officer = ledger.register("officer/a")
    ids = []
    for _ in range(cases):
        case = str(uuid.uuid4())
        ledger.lead(officer, case)
        for v in range(1, notes + 1):
            ledger.note(officer, case, v)
        ids.append(case)
    return ids


def test_each_view_applies_every_act_once_at_its_own_position(ledger: LedgerFixture) -> None:
    small_log(ledger)
    head = ledger.store.position()
    runner = Runner(ledger.store, [ActCounter(), RegistryOnly(), CaseStateView()], batch=5)
    assert runner.catch_up() == head
    assert runner.positions() == {"act_counter": head, "registry_counter": head, "cases": head}
    assert counts(ledger) == {"authority.admitted": 1, "key.registered": 1, "lead.received": 3, "case.note": 12}
    assert counts(ledger, "zhifa_test_registry_counts") == {"authority.admitted": 1, "key.registered": 1}
    # A second pass finds nothing new and changes nothing.
    assert runner.catch_up() == 0
    assert counts(ledger)["case.note"] == 12
    # The tracking records are eventsourcing's: one position per projection name.
    assert runner.tracking.max_tracking_id("act_counter") == head
    assert runner.tracking.has_tracking_id("cases", head)


def test_the_case_state_view_equals_the_writers_state(ledger: LedgerFixture) -> None:
    ids = small_log(ledger)
    Runner(ledger.store, [CaseStateView()]).catch_up()
    with ledger.store.db.read() as cur:
        for case in ids:
            (view_state,) = cur.execute("SELECT state FROM zhifa_proj_cases WHERE case_id=?", (case,)).fetchone() or ("",)
            written = ledger.store.stream_state(case)
            assert written is not None and written[2] is not None
            assert decode_state(view_state) == decode_state(written[2])
            # Stored as text on both backends (on SQLite the UTF-8 bytes are cast in SQL), readable by SQL's JSON.
            assert isinstance(view_state, str) and view_state == encode_state(decode_state(view_state)).decode()
        if ledger.store.kind == "sqlite":
            kinds = cur.execute("SELECT DISTINCT typeof(state), json_valid(state) FROM zhifa_proj_cases").fetchall()
            assert kinds == [("text", 1)]


def state_rows(ledger: LedgerFixture) -> tuple[list[tuple[object, ...]], dict[str, list[tuple[object, ...]]]]:
    """The case-state view's rows and every table of the disclosure view (which reads the runner's states)."""
    with ledger.store.db.read() as cur:
        return (
            [tuple(r) for r in cur.execute("SELECT * FROM zhifa_proj_cases ORDER BY case_id").fetchall()],
            {t: sorted(tuple(r) for r in cur.execute(f"SELECT * FROM {t}").fetchall()) for t in DisclosureView.tables},
        )


def test_views_needing_case_states_share_one_apply_case_and_each_rebuilt_alone_gets_the_same_rows(ledger: LedgerFixture) -> None:
    ids = small_log(ledger)
    head = ledger.store.position()
    runner = Runner(ledger.store, [CaseStateView(), DisclosureView()], batch=5)
    runner.catch_up()
    together = state_rows(ledger)
    assert {str(r[0]) for r in together[0]} == set(ids)
    for name in ("cases", "disclosures"):
        # The other view stays at the head when the cases view is rebuilt: the runner's held states (at the head)
        # must not be its "before". Rebuilding the disclosures, which read states they do not keep, rebuilds the
        # cases view with them, in step.
        assert runner.rebuild(name) == head
        assert runner.positions() == {"cases": head, "disclosures": head}
        assert state_rows(ledger) == together
    # Hosted without a view that keeps states, the disclosures replay each case's state from the ledger.
    with ledger.store.db.write() as cur:
        DisclosureView().reset(cur)
        runner.tracking.set(cur, "disclosures", 0)
    alone = Runner(ledger.store, [DisclosureView()], batch=3)
    assert alone.catch_up() == head
    assert state_rows(ledger) == together
    # Behind a keeper that stands ahead of it (no keeper where its batch starts): the same path.
    with ledger.store.db.write() as cur:
        DisclosureView().reset(cur)
        runner.tracking.set(cur, "disclosures", 0)
    assert Runner(ledger.store, [CaseStateView(), DisclosureView()], batch=4).catch_up() == head
    assert state_rows(ledger) == together


def test_the_disclosures_of_the_demo_ledger_are_the_same_however_their_states_are_found(tmp_path: Path) -> None:
    """The demo's 22 stories (decisions, publications, withdrawals, duties): the disclosure view built beside the
    cases view, rebuilt with it, and hosted alone (its states replayed from the ledger batch by batch) agree."""
    from rich.console import Console

    from zhifa.demo import seed
    from zhifa.settings import Settings

    url = f"sqlite:///{tmp_path / 'zhifa.sqlite'}"
    store = Store(url)
    try:
        seed(store, Settings(tmp_path, url, 300, "demo.test/ledger"), Console(file=io.StringIO()))
        fx = cast(LedgerFixture, SimpleNamespace(store=store))
        head = store.position()
        runner = Runner(store, [CaseStateView(), DisclosureView()], batch=50)
        runner.catch_up()
        together = state_rows(fx)
        assert len(together[1]["zhifa_disclosure_items"]) > 20 and together[1]["zhifa_disclosure_decisions"]
        assert runner.rebuild("disclosures") == head
        assert state_rows(fx) == together
        with store.db.write() as cur:
            DisclosureView().reset(cur)
            runner.tracking.set(cur, "disclosures", 0)
        assert Runner(store, [DisclosureView()], batch=37).catch_up() == head
        assert state_rows(fx) == together
    finally:
        store.close()


def test_replayed_states_equal_the_writers_at_every_position(ledger: LedgerFixture) -> None:
    ids = small_log(ledger)
    head = ledger.store.position()
    for upto in range(0, head + 1):
        states = replay_states(ledger.store, set(ids), upto)
        for case in ids:
            rows = [r for r in ledger.store.stream_rows(case, 10**6) if r[0] <= upto]
            if not rows:
                assert case not in states
                continue
            assert states[case].version == rows[-1][2]
            assert states[case] == case_at(ledger.store, case, version=rows[-1][2]).state


def test_a_view_that_fails_mid_batch_leaves_its_rows_and_position_as_they_were(ledger: LedgerFixture) -> None:
    small_log(ledger)
    head = ledger.store.position()
    Runner(ledger.store, [ActCounter()], batch=4).run_once()  # the first batch lands
    before = counts(ledger)
    failing = Runner(ledger.store, [Exploding(fail_at=2)], batch=100)
    with pytest.raises(RuntimeError, match="mid-batch"):
        failing.run_once()
    assert counts(ledger) == before
    assert failing.positions() == {"act_counter": 4}
    # Restarted with a working view, it resumes from its position and applies each act once.
    Runner(ledger.store, [ActCounter()]).catch_up()
    assert sum(counts(ledger).values()) == head


def test_rebuilding_one_view_leaves_the_others_where_they_are(ledger: LedgerFixture) -> None:
    small_log(ledger)
    head = ledger.store.position()
    runner = Runner(ledger.store, [ActCounter(), CaseStateView()])
    runner.catch_up()
    runner.reset("act_counter")
    assert runner.positions() == {"act_counter": 0, "cases": head}
    assert counts(ledger) == {}
    assert runner.rebuild("act_counter") == head
    assert sum(counts(ledger).values()) == head


def test_a_new_version_of_a_view_starts_it_again_from_the_beginning(ledger: LedgerFixture) -> None:
    small_log(ledger, cases=1, notes=1)
    Runner(ledger.store, [ActCounter()]).catch_up()

    class ActCounterV2(ActCounter):
        name = "act_counter"
        version = 2

    runner = Runner(ledger.store, [ActCounterV2()])
    assert runner.positions() == {"act_counter": 0}
    assert counts(ledger) == {}
    runner.catch_up()
    assert sum(counts(ledger).values()) == ledger.store.position()


def test_a_position_is_never_moved_by_two_runners(ledger: LedgerFixture) -> None:
    small_log(ledger, cases=1, notes=1)
    runner = Runner(ledger.store, [ActCounter()])
    runner.catch_up()
    with pytest.raises(RunnerConflict):
        runner.tracking.insert_tracking(Tracking("act_counter", 1))  # behind the recorded position
    with ledger.store.db.write() as cur, pytest.raises(RunnerConflict):
        runner.tracking.advance(cur, "act_counter", 1, 2)  # guarded by a stale old position


def test_status_reports_position_and_lag(ledger: LedgerFixture) -> None:
    ids = small_log(ledger, cases=1, notes=1)
    runner = Runner(ledger.store, [ActCounter()])
    runner.catch_up()
    ledger.note(ledger.keys["officer/a"], ids[0], 2)
    (status,) = runner.status()
    assert (status.name, status.lag, status.head - status.position) == ("act_counter", 1, status.head - status.position)
    assert status.lag == 1 and status.behind_since is not None
    runner.catch_up()
    (status,) = runner.status()
    assert status.lag == 0 and status.behind_since is None


def test_the_follower_catches_up_in_the_background(ledger: LedgerFixture) -> None:
    ids = small_log(ledger, cases=1, notes=1)
    runner = Runner(ledger.store, [ActCounter()])
    runner.start(interval=0.02)
    try:
        receipt = ledger.note(ledger.keys["officer/a"], ids[0], 2)
        assert runner.wait(receipt.position, timeout=10)
    finally:
        runner.stop()
    assert counts(ledger)["case.note"] == 2


class BatchCounter(ActCounter):
    """Counts the batches (one transaction each) the runner gives it."""

    name = "batch_counter"
    tables = ("zhifa_test_batch_counts",)

    def __init__(self) -> None:
        super().__init__()
        self.batches = 0

    def schema(self, cur: Cursor) -> None:
        cur.execute("CREATE TABLE IF NOT EXISTS zhifa_test_batch_counts (type TEXT PRIMARY KEY, n INTEGER NOT NULL)")

    def apply(self, cur: Cursor, act: Applied) -> None:
        pass

    def flush(self, cur: Cursor) -> None:
        self.batches += 1


def test_under_a_steady_stream_of_appends_the_follower_takes_one_batch_per_interval(ledger: LedgerFixture) -> None:
    """Coalescing: everything appended during an interval is applied in one batch (one write transaction), instead
    of the runner chasing the writer batch after tiny batch for the database's write lock."""
    officer = ledger.register("officer/a")
    view = BatchCounter()
    runner = Runner(ledger.store, [view])
    runner.catch_up()
    view.batches = 0
    interval = 0.3
    runner.start(interval=interval)
    try:
        started = time.monotonic()
        while time.monotonic() - started < 1.0:
            ledger.lead(officer)
        elapsed = time.monotonic() - started
        assert runner.wait(ledger.store.position(), timeout=5)
    finally:
        runner.stop()
    assert 1 <= view.batches <= elapsed / interval + 2



class StateAtAct(View):
    """Records, per act, the version of the state it reads: what it captured right after that act for
    ``state_per_act`` types (the default capture, a deep copy), else the live state it is handed — possibly a later
    one (the runner applies a whole batch first, in place)."""

    name = "state_at_act"
    topics = (TOPIC_CASE,)

    def __init__(self, per_act: frozenset[str]) -> None:
        super().__init__()
        self.state_per_act = per_act  # type: ignore[misc]
        self.seen: list[tuple[str, int, int]] = []

    def schema(self, cur: Cursor) -> None:
        pass

    def apply(self, cur: Cursor, act: Applied) -> None:
        assert act.state is not None
        state = act.seen[self.name] if act.type in self.state_per_act and act.seen is not None else act.state
        self.seen.append((act.type, act.version, state.version))


def test_a_view_reading_the_state_at_an_act_gets_that_state_though_the_batch_is_computed_first(database_url: str) -> None:
    from tests.test_rules_through_ledger import _world

    fx, keys, _ = _world(database_url)
    try:
        _decided_case(fx, keys)
        every = frozenset({"case.filed", "evidence.collected", "notice.issued", "decision.made", "service.recorded"})
        asked, ignored = StateAtAct(every), StateAtAct(frozenset())
        # The whole case in one batch, each time from the start of the log (rebuild: the case states view too).
        Runner(fx.store, [CaseStateView(), asked], batch=1000).rebuild()
        Runner(fx.store, [CaseStateView(), ignored], batch=1000).rebuild()
        mine = [(v, s) for t, v, s in asked.seen if t in every]
        assert len(mine) >= 5 and all(v == s for v, s in mine), mine
        # Without asking, a handler's act is handed the case's live state, by then further on: why the copy exists.
        theirs = [(v, s) for t, v, s in ignored.seen if t in every]
        assert any(s > v for v, s in theirs), theirs
    finally:
        fx.store.close()


def test_a_runner_following_in_a_thread_logs_a_failed_batch_and_goes_on(ledger: LedgerFixture, caplog) -> None:  # type: ignore[no-untyped-def]
    """``Runner.start`` (the web service's threads mode, tests): a failed batch is logged and retried, never the end
    of following with nobody told."""
    small_log(ledger, cases=1, notes=1)
    runner = Runner(ledger.store, [CaseStateView()])
    flaky = FailingFirst(runner.run_once, 1)
    runner.run_once = flaky  # type: ignore[method-assign]
    with caplog.at_level("ERROR", logger="zhifa.projections"):
        runner.start(0.01)
        try:
            assert runner.wait(ledger.store.position(), timeout=10)
        finally:
            runner.stop()
    assert flaky.left == 0
    assert "projection batch failed" in caplog.text and "database is locked" in caplog.text


def test_the_timeline_of_version_1_is_replaced_by_its_clustered_table_and_rebuilt(ledger: LedgerFixture) -> None:
    """Timeline version 2 is a ``WITHOUT ROWID`` table on SQLite: a database holding version 1's rowid table gets
    the new table, rebuilt from the log, the first time a runner hosts the new version."""
    from projections.timeline import TABLE, timeline

    ids = small_log(ledger, cases=2, notes=2)
    runner = Runner(ledger.store, [TimelineView()])
    runner.catch_up()
    before = {case: timeline_rows(ledger, case) for case in ids}
    if ledger.store.kind == "sqlite":
        with ledger.store.db.write() as cur:  # what version 1 left: its table and its version
            cur.execute(f"DROP TABLE {TABLE}")
            cur.execute(f"CREATE TABLE {TABLE} (case_id TEXT NOT NULL, version INTEGER NOT NULL, position INTEGER NOT NULL, "
                        "type TEXT NOT NULL, actor TEXT NOT NULL, role TEXT, recorded_at TEXT NOT NULL, claimed_at TEXT NOT NULL, "
                        "cosigners TEXT NOT NULL, evidence TEXT NOT NULL, entry_hash TEXT NOT NULL, PRIMARY KEY (case_id, version))")
            cur.execute("UPDATE zhifa_meta SET value='1' WHERE key='projection:timeline:version'")
        upgraded = Runner(ledger.store, [TimelineView()])
        assert upgraded.positions() == {"timeline": 0}
        upgraded.catch_up()
        with ledger.store.db.read() as cur:
            sql = cur.execute("SELECT sql FROM sqlite_master WHERE name=?", (TABLE,)).fetchone()[0]
        assert "WITHOUT ROWID" in sql
    assert {case: timeline_rows(ledger, case) for case in ids} == before
    with ledger.store.db.read() as cur:
        assert all(len(timeline(cur, case)) == len(before[case]) > 0 for case in ids)


def timeline_rows(ledger: LedgerFixture, case: str) -> list[tuple[object, ...]]:
    with ledger.store.db.read() as cur:
        return [tuple(r) for r in cur.execute(
            "SELECT case_id, version, position, type, actor, role, recorded_at, claimed_at, cosigners, evidence, entry_hash "
            "FROM zhifa_proj_timeline WHERE case_id=? ORDER BY version", (case,)).fetchall()]


def test_the_timeline_lists_the_files_an_act_names_and_none_for_the_others(database_url: str) -> None:
    """Every ``sha256`` (with its ``size``) and ``*_sha256`` field of a payload, with where it sits; an act naming no
    file (or only empty ``*_sha256`` fields) lists none. The runner skips the walk for acts whose signed bytes hold
    no ``sha256``: this checks the skip misses nothing."""
    from projections.timeline import evidence_of, timeline
    from tests.test_rules_through_ledger import _world

    fx, keys, _ = _world(database_url)
    try:
        case, steps = _decided_case(fx, keys)
        Runner(fx.store, [TimelineView()]).catch_up()
        with fx.store.db.read() as cur:
            rows = timeline(cur, case)
        assert [r.type for r in rows] == [s.type for s in steps]
        for row, step in zip(rows, steps, strict=True):
            assert row.evidence == evidence_of(step.payload), row.type
        photo = next(r for r in rows if r.type == "evidence.collected")
        assert photo.evidence == [{"field": "sha256", "sha256": steps[rows.index(photo)].payload["sha256"], "size": 2_345_678}]
        assert any(r.evidence and r.evidence[0]["field"] == "record_sha256" for r in rows)
        assert any(not r.evidence for r in rows)
    finally:
        fx.store.close()


def _decided_case(fx: Any, keys: Any) -> tuple[str, list[Any]]:
    """A new case through the writer up to its decision (the "decided" story): its id and its steps."""
    from tests.test_rules_through_ledger import START, _append
    from zhifa import scenarios as sc

    case = str(uuid.uuid4())
    steps = list(sc.scenario("decided", START))
    for version, step in enumerate(steps):
        fx.clock.now = START + step.offset
        _append(fx, keys, case, version, step)
    return case, steps


class NotesOnly(View):
    """A view naming the act types it reads: it is handed only those, with their Tracking records."""

    name = "notes_only"
    topics = (TOPIC_CASE,)
    act_types = frozenset({"case.note"})

    def __init__(self) -> None:
        super().__init__()
        self.seen: list[tuple[str, int]] = []

    def schema(self, cur: Cursor) -> None:
        pass

    def apply(self, cur: Cursor, act: Applied) -> None:
        self.seen.append((act.type, act.position))


def test_a_view_naming_its_act_types_gets_only_those_and_its_position_still_reaches_the_head(ledger: LedgerFixture) -> None:
    small_log(ledger, cases=2, notes=3)
    view, counter = NotesOnly(), ActCounter()
    runner = Runner(ledger.store, [view, counter], batch=4)  # batches that end on other acts, too
    runner.catch_up()
    head = ledger.store.position()
    assert {t for t, _ in view.seen} == {"case.note"} and len(view.seen) == 6
    assert [p for _, p in view.seen] == sorted(p for _, p in view.seen)
    assert runner.positions() == {"notes_only": head, "act_counter": head}
    assert sum(counts(ledger).values()) == head  # the other view still sees every act


def test_a_view_made_by_other_rules_is_rebuilt_and_one_made_by_these_is_kept(ledger: LedgerFixture) -> None:
    """Each view is stored with its version and the fingerprint of ``domain/`` (``View.version_key``): a database
    whose cases view was written under other rules — here a state that these rules would not give, and the
    fingerprint of other code — is emptied and rebuilt by the next runner, equal again to the replay; one written
    under these rules stays where it is."""
    from projections.cases import case_state

    ids = small_log(ledger, cases=2, notes=2)
    head = ledger.store.position()
    Runner(ledger.store, [CaseStateView()]).catch_up()
    assert Runner(ledger.store, [CaseStateView()]).positions() == {"cases": head}  # same rules: kept
    with ledger.store.db.write() as cur:  # what an older release left: its rows and its fingerprint
        stale = case_state(cur, ids[0])
        assert stale is not None
        stale.status = "archived"
        cur.execute("UPDATE zhifa_proj_cases SET state=? WHERE case_id=?", (encode_state(stale).decode(), ids[0]))
        cur.execute("UPDATE zhifa_meta SET value=? WHERE key='projection:cases:version'", (f"{CaseStateView.version}+rules-0000000000000000",))
    upgraded = Runner(ledger.store, [CaseStateView()])
    assert upgraded.positions() == {"cases": 0}
    upgraded.catch_up()
    with ledger.store.db.read() as cur:
        for case in ids:
            assert case_state(cur, case) == case_at(ledger.store, case).state
        assert cur.execute("SELECT value FROM zhifa_meta WHERE key='projection:cases:version'").fetchone()[0] == CaseStateView.version_key()


def test_the_rules_fingerprint_follows_every_file_under_domain(tmp_path: Path) -> None:
    import shutil

    import domain
    from projections.view import RULES_FINGERPRINT, rules_fingerprint

    copy = tmp_path / "domain"
    shutil.copytree(Path(domain.__file__).parent, copy, ignore=shutil.ignore_patterns("__pycache__"))
    assert rules_fingerprint(copy) == RULES_FINGERPRINT
    (copy / "__pycache__").mkdir(exist_ok=True)
    (copy / "__pycache__" / "x.pyc").write_bytes(b"bytecode")
    assert rules_fingerprint(copy) == RULES_FINGERPRINT  # compiled files are not the rules
    law = copy / "law.py"
    law.write_bytes(law.read_bytes() + b"\n")
    changed = rules_fingerprint(copy)
    assert changed != RULES_FINGERPRINT
    (copy / "data" / "extra.json").write_text("{}")
    assert rules_fingerprint(copy) not in (changed, RULES_FINGERPRINT)
