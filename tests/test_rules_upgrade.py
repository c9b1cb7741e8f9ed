"""A rules upgrade under a live ledger: tightened rules judge new acts, and name — never stop at — recorded ones.

The ledger holds acts the writer accepted under the rules of their day. When an upgrade tightens a rule (every
adversarial review so far closed gaps), some recorded act may be one the new rules refuse. The projections, replay,
the writer's start and its state recomputation must go on: the act stays on record and in the full-process record,
is noted on the case's state (``CaseState.nonconforming``: version, type, code, article, reason) and changes
nothing else; a refused registry act leaves the registry as it was. ``zhifa check --full`` names both. The writer's
cached states and registry snapshot are bound to the rules' fingerprint, so after an upgrade it recomputes them.

A tightened rule is simulated by replacing one act type's handler (or the registry's applier) for one case.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from rich.console import Console

from domain import registry_acts
from domain.acts import ActRecord
from domain.case import dispatch
from domain.case_state import CaseState, Nonconformity
from domain.errors import DomainError
from domain.registry import Registry
from ledger import registry_snapshot
from ledger import writer as writer_module
from ledger.check import check_case_states
from ledger.court.keys import read_private_key
from ledger.ledger import make_act, sign_act
from ledger.store import Store
from ledger.writer import Writer, state_cache_key
from projections.catalog import default_views
from projections.disclosure import ITEMS, DisclosureView
from projections.replay import case_at
from projections.runner import Runner
from projections.timeline import timeline
from zhifa.cli import main
from zhifa.console import key_file_name
from zhifa.demo import seed
from zhifa.scenarios import OFFICER_1
from zhifa.settings import Settings

ORIGIN = "demo.test/ledger"
ARTICLE = "《中华人民共和国行政处罚法》第五十五条"


class TightenedRule(DomainError):
    code = "tightened-rule"
    title = "升级后收紧的规则"
    title_en = "A rule tightened by an upgrade"
    article = ARTICLE


@pytest.fixture
def demo(database_url: str, tmp_path: Path) -> Iterator[tuple[Store, Path, dict[str, str], str]]:
    settings = Settings(var_dir=tmp_path, database_url=database_url, max_skew_seconds=300, origin=ORIGIN)
    store = Store(database_url)
    with open("/dev/null", "w") as null:
        seeded = seed(store, settings, Console(file=null))
    yield store, tmp_path, {name: case for case, name in seeded.cases.items()}, database_url
    store.close()


def _tighten(monkeypatch: pytest.MonkeyPatch, act_type: str, case: str) -> None:
    """From now on the rules refuse ``act_type`` on ``case`` — after changing the state in place, as a handler that
    checks late would, so the runner's in-place replay has a half-changed state to set back."""
    original = dispatch._HANDLERS[act_type]

    def refusing(s: CaseState, act: ActRecord, payload: Any, registry: Registry) -> None:
        if act.stream == case:
            s.officers.append("officer/intruder")
            raise TightenedRule("tightened after the act was recorded")
        original(s, act, payload, registry)

    monkeypatch.setitem(dispatch._HANDLERS, act_type, refusing)


def _versions_of(store: Store, case: str, act_type: str) -> list[int]:
    return [a.version for a in case_at(store, case).acts if a.type == act_type]


def test_views_and_replay_go_on_past_a_recorded_act_the_rules_now_refuse(demo: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    store, _tmp, cases, _url = demo
    case = cases["archived"]
    before = {c: case_at(store, c).state for c in cases.values()}
    (refused,) = _versions_of(store, case, "credentials.shown")
    head = before[case].version
    _tighten(monkeypatch, "credentials.shown", case)

    runner = Runner(store, default_views())
    runner.rebuild()  # reaches the head: nothing stops it
    assert min(runner.positions().values()) == store.position()
    replayed = case_at(store, case)
    with store.db.read() as cur:
        viewed = runner.view("cases").stored_state(cur, case)
        rows = timeline(cur, case)
    assert viewed == replayed.state  # the in-place path (runner) and the copying path (replay) agree
    # The first noted act is the refused one; acts that rested on it (the investigation needs the credentials shown,
    # Art 55) are noted in turn, each judged against the state without it.
    note, *later = replayed.state.nonconforming
    assert [n.version for n in later] == sorted(n.version for n in later) and all(n.version > refused for n in later)
    assert (note.version, note.act_type, note.code, note.article) == (refused, "credentials.shown", "tightened-rule", ARTICLE)
    assert isinstance(note, Nonconformity) and "tightened" in note.reason
    assert "officer/intruder" not in replayed.state.officers  # the half-changed state was set back
    assert replayed.state.credentials_shown_by == []  # the refused act changed nothing
    assert replayed.state.version == head and len(replayed.state.acts) == head
    assert [r.version for r in rows] == list(range(1, head + 1))  # still on the full-process record
    # As of a version before the refused act, the case is as it was; every other case is untouched.
    assert case_at(store, case, version=refused - 1).state.nonconforming == []
    with store.db.read() as cur:
        for other, state in before.items():
            if other != case:
                assert runner.view("cases").stored_state(cur, other) == state
        items = cur.execute(f"SELECT seq, kind, case_id, summary FROM {ITEMS} ORDER BY seq").fetchall()
    # A runner hosting the disclosures alone (no view keeping states) replays states from the ledger: same items.
    alone = Runner(store, [DisclosureView()])
    alone.rebuild()
    with store.db.read() as cur:
        assert cur.execute(f"SELECT seq, kind, case_id, summary FROM {ITEMS} ORDER BY seq").fetchall() == items
    assert not any(i[2] == case and i[1] == "decision" for i in items)  # its decision was noted, not applied


def test_the_writer_still_starts_and_appends_and_check_names_the_act(demo: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    store, tmp, cases, url = demo
    case = cases["archived"]
    (refused,) = _versions_of(store, case, "credentials.shown")
    _tighten(monkeypatch, "credentials.shown", case)
    version = case_at(store, case).state.version
    key = read_private_key(tmp / "keys" / key_file_name(OFFICER_1))
    note = sign_act(make_act(log=ORIGIN, actor=OFFICER_1, claimed_at=dt.datetime.now(dt.UTC), case=case, case_version=version,
                             type="case.note", payload={"text": "升级后附注"}), key)
    writer = Writer(store, cache_key=None)  # no seal key: the state is recomputed from the log, past the refused act
    assert writer.append(note).version == version + 1
    assert writer.recomputed == 1
    problems = [(p.code, p.stream, p.version) for p in check_case_states(store).problems]
    assert ("rules-refuse", case, refused) in problems
    # check names every act the replay notes, not only the first
    noted = [n.version for n in case_at(store, case).state.nonconforming]
    assert [v for code, stream, v in problems if code == "rules-refuse" and stream == case] == noted
    env = {"ZHIFA_VAR_DIR": str(tmp), "ZHIFA_ORIGIN": ORIGIN, "ZHIFA_DATABASE_URL": url}
    res = CliRunner().invoke(main, ["case", "show", case], env=env)
    assert res.exit_code == 0, res.output
    assert f"refused    v{refused} credentials.shown: tightened-rule {ARTICLE}" in res.output


def test_a_new_act_the_tightened_rule_refuses_is_still_refused_and_not_written(demo: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    store, tmp, cases, _url = demo
    case = cases["archived"]
    _tighten(monkeypatch, "case.archived", case)  # the case's last act: its state before it is closed, not archived
    state = case_at(store, case).state
    assert state.archived_at is None and state.nonconforming[-1].act_type == "case.archived"
    key = read_private_key(tmp / "keys" / key_file_name(OFFICER_1))
    again = sign_act(make_act(log=ORIGIN, actor=OFFICER_1, claimed_at=dt.datetime.now(dt.UTC), case=case,
                              case_version=state.version, type="case.archived",
                              payload={"file_sha256": "ab" * 32, "pages": 1}), key)
    position = store.position()
    with pytest.raises(TightenedRule) as info:
        Writer(store, cache_key=None).append(again)
    assert info.value.code == "tightened-rule" and info.value.cited_article == ARTICLE
    assert store.position() == position


def test_a_recorded_registry_act_the_rules_now_refuse_is_skipped_not_fatal(
    demo: Any, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    store, _tmp, _cases, _url = demo
    original = registry_acts.apply_registry

    def refusing(registry: Registry, act: ActRecord) -> Registry:
        if act.type == "training.recorded":
            raise TightenedRule("training records need a new field")
        return original(registry, act)

    monkeypatch.setattr(registry_acts, "apply_registry", refusing)
    with caplog.at_level(logging.WARNING, logger="zhifa.rules"):
        writer = Writer(store, cache_key=None)  # the writer's start replays the registry
        runner = Runner(store, default_views())
        runner.rebuild()
    assert min(runner.positions().values()) == store.position()
    assert all(p.training_hours(2026) == 0 for p in writer.registry.persons.values())
    assert any("training.recorded" in r.getMessage() and "tightened-rule" in r.getMessage() for r in caplog.records)


def test_cached_states_and_the_registry_snapshot_are_bound_to_the_rules(demo: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    store, tmp, cases, _url = demo
    case = cases["archived"]
    log_key = read_private_key(tmp / "keys" / "log.key")
    key = read_private_key(tmp / "keys" / key_file_name(OFFICER_1))

    def note(version: int) -> bytes:
        return sign_act(make_act(log=ORIGIN, actor=OFFICER_1, claimed_at=dt.datetime.now(dt.UTC), case=case,
                                 case_version=version, type="case.note", payload={"text": "附注"}), key)

    version = case_at(store, case).state.version
    writer = Writer(store, cache_key=state_cache_key(log_key))
    writer.append(note(version))
    assert writer.recomputed == 0  # same rules: the sealed cache is believed
    snapshot_key = registry_snapshot.snapshot_key(log_key)
    Writer(store, cache_key=state_cache_key(log_key), snapshot_key=snapshot_key)  # saves a snapshot
    assert registry_snapshot.load(store, snapshot_key, ORIGIN) is not None
    monkeypatch.setattr(writer_module, "RULES_FINGERPRINT", "0" * 16)
    monkeypatch.setattr(registry_snapshot, "RULES_FINGERPRINT", "0" * 16)
    upgraded = Writer(store, cache_key=state_cache_key(log_key))
    upgraded.append(note(version + 1))
    assert upgraded.recomputed == 1  # other rules: recomputed from the log, not believed
    assert registry_snapshot.load(store, snapshot_key, ORIGIN) is None  # replayed again, not believed


def test_a_cache_written_before_a_field_was_added_is_not_taken_for_a_forgery(demo: Any) -> None:
    # A state cached by an older release lacks the fields added since; it decodes with their defaults and equals the
    # state the acts give. An edited value is still named (tests/test_state_cache.py).
    store, _tmp, cases, _url = demo
    case = cases["archived"]
    version, _head, cached, _seal = store.cached_states([case])[case]
    old = json.loads(cached or b"null")
    del old["nonconforming"]
    with store.db.write() as cur:
        cur.execute("UPDATE zhifa_stream_state SET state=? WHERE stream=?", (json.dumps(old).encode(), case))
    assert check_case_states(store).ok
    old["late_fees_fen"] = 1
    with store.db.write() as cur:
        cur.execute("UPDATE zhifa_stream_state SET state=? WHERE stream=?", (json.dumps(old).encode(), case))
    assert [(p.code, p.stream, p.version) for p in check_case_states(store).problems] == [("state-cache", case, version)]


def test_supervisors_list_every_recorded_act_the_rules_now_refuse(demo: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """`zhifa supervise nonconforming` and `/api/supervise/nonconforming[.csv]`: one row per noted act, from the
    current-state view; none on a ledger the rules accept throughout."""
    from litestar.testing import TestClient

    from projections import supervision as sv
    from tests.webkit import web_settings
    from web.app import create_app
    from web.credentials import Credentials
    from web.services import WebOptions
    from zhifa.scenarios import SUPERVISOR

    store, tmp, cases, url = demo
    env = {"ZHIFA_VAR_DIR": str(tmp), "ZHIFA_ORIGIN": ORIGIN, "ZHIFA_DATABASE_URL": url}
    res = CliRunner().invoke(main, ["supervise", "nonconforming", "--json"], env=env)
    assert res.exit_code == 0, res.output
    assert json.loads(res.output) == []  # the demo as seeded: every act conforms
    case = cases["archived"]
    (refused,) = _versions_of(store, case, "credentials.shown")
    _tighten(monkeypatch, "credentials.shown", case)
    Runner(store, default_views()).rebuild()
    noted = case_at(store, case).state.nonconforming
    rows = [r.as_dict() for r in sv.nonconforming(store)]
    assert [(r["case_id"], r["version"], r["act_type"], r["code"], r["article"], r["reason"]) for r in rows] == [
        (case, n.version, n.act_type, n.code, n.article, n.reason) for n in noted]
    assert rows[0]["version"] == refused and rows[0]["title"] == "出示执法证件" and rows[0]["status"] == case_at(store, case).state.status
    assert sv.nonconforming(store, agency="agency/none") == []
    res = CliRunner().invoke(main, ["supervise", "nonconforming", "--json", "--no-catch-up"], env=env)
    assert res.exit_code == 0, res.output
    assert json.loads(res.output) == rows
    res = CliRunner().invoke(main, ["supervise", "nonconforming", "--csv", "--no-catch-up"], env=env)
    assert res.output.splitlines()[0].startswith("case_id,agency,status,version,act_type")
    assert len(res.output.splitlines()) == 1 + len(rows)
    options = WebOptions(poll_interval=0.02, request_log=False, followers="threads")
    token = Credentials(store).issue_token(SUPERVISOR, "supervisor")
    with TestClient(create_app(web_settings(url, tmp, ORIGIN), options=options, store=store)) as client:
        got = client.get("/api/supervise/nonconforming", headers={"Authorization": f"Bearer {token}"})
        assert got.status_code == 200 and got.json() == rows
        csv_text = client.get("/api/supervise/nonconforming.csv", headers={"Authorization": f"Bearer {token}"}).text
        assert csv_text.count(f"{case},") == len(rows)


def test_a_version_1_cases_table_gains_the_count_and_is_rebuilt(demo: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from projections.cases import TABLE, CaseStateView
    from projections.runner import TRACKING_PREFIX

    store, _tmp, cases, _url = demo
    Runner(store, default_views()).rebuild()
    with store.db.write() as cur:  # the table as version 1 made it, and the version it recorded
        cur.execute("DROP INDEX IF EXISTS proj_cases_nonconforming")
        cur.execute(f"ALTER TABLE {TABLE} DROP COLUMN nonconforming")
        cur.execute("UPDATE zhifa_meta SET value=? WHERE key=?", ("1+old", f"{TRACKING_PREFIX}cases:version"))
    case = cases["archived"]
    _tighten(monkeypatch, "credentials.shown", case)
    runner = Runner(store, default_views())
    assert runner.positions()["cases"] == 0  # the version changed: rebuilt from the start
    runner.rebuild()
    with store.db.read() as cur:
        counts = dict(cur.execute(f"SELECT case_id, nonconforming FROM {TABLE}").fetchall())
    assert counts[case] == len(case_at(store, case).state.nonconforming) > 0
    assert all(n == 0 for c, n in counts.items() if c != case)
    assert CaseStateView.version == 2
