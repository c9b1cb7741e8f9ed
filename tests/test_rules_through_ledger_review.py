"""The legal review's rules enforced on append through the real ledger (SQLite and PostgreSQL): the unlawful act is
refused with its code, article and status and writes nothing; the lawful act at the same point is accepted. The
reconsideration window (复议法 Art 20), one remedy channel at a time (Art 29), no decision instead of a transfer
(国务院令310 Art 11), the head's approval before evidence preservation (APL Art 56), no coercion on an entrusted
item (ACL Art 17), and — a lawful act refused before — deciding a file the judicial organ returned (310 Arts 9, 13)."""

from __future__ import annotations

import datetime as dt
import uuid

from ledger.court.keys import SigningKey
from tests.conftest import LedgerFixture
from tests.test_rules_through_ledger import START, _append, _refused, _world
from zhifa import scenarios as sc


def _play(fx: LedgerFixture, keys: dict[str, SigningKey], case: str, steps: list[sc.Step]) -> None:
    for version, step in enumerate(steps):
        fx.clock.now = START + step.offset
        _append(fx, keys, case, version, step)


def _at(fx: LedgerFixture, days: float) -> dt.timedelta:
    offset = dt.timedelta(days=days)
    fx.clock.now = START + offset
    return offset


RECONSIDERATION = {"body": "赣江新区管委会（行政复议机关）", "posted_on": None, "envelope_sha256": None,
                   "obstacle_from": None, "obstacle_until": None, "obstacle_sha256": None}


def test_a_reconsideration_after_its_60_days_is_refused_on_append(database_url: str) -> None:
    fx, keys, _ = _world(database_url)
    try:
        case = str(uuid.uuid4())
        steps = sc.organisation_case(START, until="served")  # served on day 26 (2026-04-04): 60 days end 06-03
        _play(fx, keys, case, steps)
        late = sc.Step("reconsideration.filed", sc.OFFICER_2, RECONSIDERATION, _at(fx, 26 + 61))
        err = _refused(fx, keys, case, len(steps), late)
        assert (err.code, err.cited_article, err.status) == ("reconsideration-window-closed", "《行政复议法》第二十条", 422)
        _append(fx, keys, case, len(steps), sc.Step("reconsideration.filed", sc.OFFICER_2, RECONSIDERATION, _at(fx, 26 + 60)))
        state = fx.store.stream_state(case)
        assert state is not None and state[0] == len(steps) + 1
    finally:
        fx.store.close()


def test_a_lawsuit_while_the_reconsideration_runs_is_refused_on_append(database_url: str) -> None:
    fx, keys, _ = _world(database_url)
    try:
        case = str(uuid.uuid4())
        steps = sc.organisation_case(START, until="under_reconsideration")
        _play(fx, keys, case, steps)
        suit = {"body": "南昌铁路运输法院", "posted_on": None, "envelope_sha256": None}
        err = _refused(fx, keys, case, len(steps), sc.Step("litigation.filed", sc.OFFICER_2, suit, _at(fx, 40)))
        assert (err.code, err.cited_article, err.status) == ("remedy-channel-taken", "《行政复议法》第二十九条", 422)
        decided = {"outcome": "upheld", "changed_fine_fen": None, "final": True, "served_at": None}
        _append(fx, keys, case, len(steps), sc.Step("reconsideration.decided", sc.OFFICER_2, decided, _at(fx, 60)))
        _append(fx, keys, case, len(steps) + 1, sc.Step("litigation.filed", sc.OFFICER_2, suit, _at(fx, 65)))
    finally:
        fx.store.close()


def test_terminating_while_a_transfer_awaits_the_head_is_refused_on_append(database_url: str) -> None:
    fx, keys, _ = _world(database_url)
    try:
        case = str(uuid.uuid4())
        steps = sc.transferred_case(START, until="reported")
        _play(fx, keys, case, steps)
        terminated = sc.Step("case.terminated", sc.HEAD, {"ground": "违法事实不能成立"}, _at(fx, 6.5))
        err = _refused(fx, keys, case, len(steps), terminated)
        assert (err.code, err.cited_article, err.status) == ("penalty-instead-of-transfer", "国务院令第310号第十一条", 422)
        _append(fx, keys, case, len(steps), sc.Step("transfer.approved", sc.HEAD, {"approved": False, "reason": "不构成犯罪"}, _at(fx, 7)))
        _append(fx, keys, case, len(steps) + 1, terminated)
    finally:
        fx.store.close()


def test_a_preservation_before_the_head_approved_it_is_refused_on_append(database_url: str) -> None:
    fx, keys, _ = _world(database_url)
    try:
        case = str(uuid.uuid4())
        steps = sc.investigated(START, sc.ITEM_EXPIRED_FOOD, sc.STORE)
        _play(fx, keys, case, steps)
        payload = {"officers": [sc.OFFICER_1, sc.OFFICER_2], "items": ["进货台账"], "approved_by": sc.HEAD,
                   "record_sha256": "d" * 64, "emergency": False}
        at = _at(fx, 5)
        err = _refused(fx, keys, case, len(steps), sc.Step("preservation.registered", sc.OFFICER_1, payload, at))
        assert (err.code, err.cited_article, err.status) == ("preservation-approval-required", "《行政处罚法》第五十六条", 422)
        _append(fx, keys, case, len(steps), sc.Step("preservation.registered", sc.HEAD, payload, at))
    finally:
        fx.store.close()


def test_a_seizure_on_an_entrusted_item_is_refused_on_append(database_url: str) -> None:
    fx, keys, _ = _world(database_url)
    try:
        case = str(uuid.uuid4())
        steps = sc.scenario("township_entrusted", START)
        _play(fx, keys, case, steps)
        at = _at(fx, 5)
        seize = {"kind": "seize", "officers": [sc.JIAOQIAO_1, sc.JIAOQIAO_2], "items": ["涂写工具"], "reason": "防止继续违法",
                 "days": 10, "approved_by": sc.JIAOQIAO_HEAD, "emergency": False}
        err = _refused(fx, keys, case, len(steps), sc.Step("coercion.imposed", sc.JIAOQIAO_HEAD, seize, at))
        assert (err.code, err.cited_article, err.status) == ("coercion-not-entrustable", "《行政强制法》第十七条", 403)
        # Preserving evidence (APL Art 56) is an investigation step the entrusted body may take, approved by its head.
        preserve = {"officers": [sc.JIAOQIAO_1, sc.JIAOQIAO_2], "items": ["涂写工具"], "approved_by": sc.JIAOQIAO_HEAD,
                    "record_sha256": "e" * 64, "emergency": False}
        _append(fx, keys, case, len(steps), sc.Step("preservation.registered", sc.JIAOQIAO_HEAD, preserve, at))
    finally:
        fx.store.close()


def test_a_file_the_judicial_organ_returned_is_decided_here_on_append(database_url: str) -> None:
    fx, keys, _ = _world(database_url)
    try:
        case = str(uuid.uuid4())
        steps = sc.transferred_case(START, until="received")
        _play(fx, keys, case, steps)
        no_penalty = {"ground": "minor_corrected", "reason": "公安机关不予立案，违法行为轻微并已改正", "education_sha256": "f" * 64,
                      "deciding_agency": sc.BUREAU}
        err = _refused(fx, keys, case, len(steps), sc.Step("no_penalty.decided", sc.HEAD, no_penalty, _at(fx, 20)))
        assert (err.code, err.status) == ("act-not-allowed-now", 422)
        returned = {"organ": "赣江新区公安分局", "receipt_ref": "不予立案通知书〔2026〕3号", "outcome": "declined"}
        _append(fx, keys, case, len(steps), sc.Step("transfer.receipt", sc.OFFICER_1, returned, _at(fx, 20)))
        _append(fx, keys, case, len(steps) + 1, sc.Step("no_penalty.decided", sc.HEAD, no_penalty, _at(fx, 21)))
    finally:
        fx.store.close()
