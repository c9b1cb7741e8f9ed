"""Clocks, calendar and local rules through the real writer on both backends: the receipt says when an acceptance
rests on a provisional day and names the rule source; a refusal says so in its detail and writes nothing."""

from __future__ import annotations

import datetime as dt
import uuid
from pathlib import Path

import pytest

from domain.errors import DomainError
from ledger.court.keys import SigningKey
from ledger.writer import Receipt
from tests.conftest import LedgerFixture
from tests.test_rules_through_ledger import _refused, _world
from zhifa import scenarios as sc
from zhifa.calendar_file import install_calendar

YEAR_END = dt.datetime(2026, 12, 21, 1, 0, tzinfo=dt.UTC)  # the notice is served on 2026-12-29
SPRING = dt.datetime(2026, 3, 9, 1, 0, tzinfo=dt.UTC)


def _play(fx: LedgerFixture, keys: dict[str, SigningKey], case: str, steps: list[sc.Step], start: dt.datetime, first: int = 0) -> list[Receipt]:
    out = []
    for version, step in enumerate(steps, start=first):
        fx.clock.now = start + step.offset
        out.append(fx.writer.append(fx.act(keys[step.actor], case, version, step.type, step.payload)))
    return out


def _set_rule(fx: LedgerFixture, keys: dict[str, SigningKey], versions: dict[str, int], key: str, value: object) -> Receipt:
    stream = f"agency:{sc.BUREAU}"
    receipt = fx.writer.append(fx.act(keys[sc.CATALOG_KEEPER], stream, versions[stream], "agency.rule_set", {
        "key": key, "value": value, "instrument": "赣市监规〔2026〕1号 第五条（示例）",
        "effective_from": fx.clock(), "domain": None, "basis": ""}))
    versions[stream] += 1
    return receipt


def test_a_decision_resting_on_a_2027_day_has_a_provisional_receipt(database_url: str) -> None:
    fx, keys, _ = _world(database_url, YEAR_END)
    try:
        receipts = _play(fx, keys, str(uuid.uuid4()), sc.organisation_case(YEAR_END, until="decided"), YEAR_END)
        decided = receipts[-1]
        assert decided.act_type == "decision.made" and decided.provisional is True
        assert any("notice.statement_window" in line and "provisional" in line and "2027-01-05" in line for line in decided.rules)
        assert not any(r.provisional for r in receipts[:-1])
    finally:
        fx.store.close()


def test_a_decision_inside_2026_is_not_provisional_and_names_the_national_default(database_url: str) -> None:
    fx, keys, _ = _world(database_url)
    try:
        decided = _play(fx, keys, str(uuid.uuid4()), sc.organisation_case(SPRING, until="decided"), SPRING)[-1]
        assert decided.provisional is False
        assert any(line.startswith("notice.statement_window = 5 working_days (national default, 《行政处罚法》第四十五条)") for line in decided.rules)
    finally:
        fx.store.close()


def test_with_the_operators_2027_file_the_same_decision_is_official(database_url: str, tmp_path: Path) -> None:
    path = tmp_path / "holidays.json"
    path.write_text('{"years": {"2027": {"source": "国务院办公厅关于2027年部分节假日安排的通知", "holidays": ["2027-01-01"]}}}')
    install_calendar(path)
    try:
        fx, keys, _ = _world(database_url, YEAR_END)
        try:
            decided = _play(fx, keys, str(uuid.uuid4()), sc.organisation_case(YEAR_END, until="decided"), YEAR_END)[-1]
            assert decided.provisional is False and any("until 2027-01-06" in line for line in decided.rules)
        finally:
            fx.store.close()
    finally:
        install_calendar(None)


def test_a_refusal_on_a_provisional_day_says_so_and_writes_nothing(database_url: str) -> None:
    fx, keys, _ = _world(database_url, YEAR_END)
    try:
        case = str(uuid.uuid4())
        steps = sc.organisation_case(YEAR_END, until="decided")
        _play(fx, keys, case, steps[:-1], YEAR_END)
        early = sc.Step(steps[-1].type, steps[-1].actor, steps[-1].payload, dt.datetime(2027, 1, 5, 7, tzinfo=dt.UTC) - YEAR_END)
        fx.clock.now = YEAR_END + early.offset
        err = _refused(fx, keys, case, len(steps) - 1, early)
        assert err.code == "statement-window-open" and "provisional" in err.detail and err.problem()["provisional"] is True
    finally:
        fx.store.close()


def test_filing_window_excludes_testing_time_through_the_ledger(database_url: str) -> None:
    fx, keys, _ = _world(database_url)
    try:
        lead = sc.scenario("lead", SPRING)
        assert [s.type for s in lead] == ["lead.received"]
        day = dt.timedelta(days=1)
        plain, tested = str(uuid.uuid4()), str(uuid.uuid4())
        _play(fx, keys, plain, lead, SPRING)
        _play(fx, keys, tested, lead, SPRING)
        _play(fx, keys, tested, [
            sc.Step("pause.started", sc.OFFICER_1, {"kind": "testing", "reason": "抽样送检", "measure": None}, lead[0].offset + day),
            sc.Step("pause.ended", sc.OFFICER_1, {"kind": "testing", "measure": None}, lead[0].offset + 11 * day),
        ], SPRING, first=1)
        extend = sc.Step("filing.extended", sc.HEAD, {"reason": "需检验"}, lead[0].offset + 22 * day)  # 2026-03-31
        fx.clock.now = SPRING + extend.offset
        err = _refused(fx, keys, plain, 1, extend)
        assert (err.code, err.cited_article) == ("act-not-allowed-now", "《市场监督管理行政处罚程序规定》第十八条")
        receipt = _play(fx, keys, tested, [extend], SPRING, first=3)[0]
        assert any(line.startswith("filing.decide_window = 15 working_days (national default") for line in receipt.rules)
    finally:
        fx.store.close()


def test_an_agency_rule_act_governs_and_the_ledger_names_it(database_url: str) -> None:
    fx, keys, versions = _world(database_url)
    try:
        fx.clock.now = SPRING
        rule_receipt = _set_rule(fx, keys, versions, "notice.statement_window", 30)
        case = str(uuid.uuid4())
        steps = sc.organisation_case(SPRING, until="decided")
        _play(fx, keys, case, steps[:-1], SPRING)
        fx.clock.now = SPRING + steps[-1].offset
        err = _refused(fx, keys, case, len(steps) - 1, steps[-1])
        assert err.code == "statement-window-open"
        assert f"local rule agency:{sc.BUREAU} v{rule_receipt.version}" in err.detail and "赣市监规〔2026〕1号" in err.detail
    finally:
        fx.store.close()


BAD_RULE_ACTS = [
    ("notice.statement_windows", 10, "unknown-rule-key"),
    ("decision.time_limit", 120, "rule-not-configurable"),
    ("notice.statement_window", 0, "rule-value-out-of-range"),
    ("notice.statement_window", "10", "malformed-act"),
]


def test_a_bad_rule_act_is_refused_and_writes_nothing(database_url: str) -> None:
    fx, keys, versions = _world(database_url)
    try:
        fx.clock.now = SPRING
        for key, value, code in BAD_RULE_ACTS:
            before = fx.store.position()
            with pytest.raises(DomainError) as info:
                _set_rule(fx, keys, versions, key, value)
            assert info.value.code == code and fx.store.position() == before, (key, value)
    finally:
        fx.store.close()
