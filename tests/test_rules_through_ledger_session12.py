"""Session 12's rules enforced on append through the real ledger (SQLite and PostgreSQL): the unlawful act is refused
with its code, article and status and writes nothing (ledger position and stream version unchanged); the lawful act
at the same point is accepted.

1. A referral result the case has not reached, and closure before the final one (管罚分离 抄告).
2. A seizure extended after the decision, or lifted here after it went with the transferred file (ACL Arts 21, 25, 27).
3. Credit repair without the application or before performance (NDRC 《信用修复管理办法》).
4. A letter of entrustment without its term, then an act after its term (APL Art 20).
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pytest

from domain.errors import DomainError
from domain.law import ACL, APL, GANJIANG, NDRC_CREDIT
from ledger.court.keys import SigningKey
from tests.conftest import LedgerFixture
from tests.test_rules_through_ledger import START, _append, _refused, _world
from tests.test_rules_through_ledger_review import _at, _play
from zhifa import scenarios as sc


def _version(fx: LedgerFixture, stream: str) -> int:
    state = fx.store.stream_state(stream)
    assert state is not None
    return int(state[0])


def _refused_here(fx: LedgerFixture, keys: dict[str, SigningKey], case: str, step: sc.Step, code: str, article: str,
                  status: int = 422) -> None:
    """Refused with this code, article and status at the case's current version; nothing is written."""
    version = _version(fx, case)
    err = _refused(fx, keys, case, version, step)
    assert (err.code, err.cited_article, err.status) == (code, article, status), err.one_line()
    assert _version(fx, case) == version


def _next(fx: LedgerFixture, keys: dict[str, SigningKey], case: str, step: sc.Step) -> None:
    _append(fx, keys, case, _version(fx, case), step)


def test_a_referral_result_not_reached_and_closure_before_the_final_one_are_refused_on_append(database_url: str) -> None:
    fx, keys, _ = _world(database_url)
    try:
        case = str(uuid.uuid4())
        investigating = sc.referred(sc.organisation_case(START, until="investigating"))
        _play(fx, keys, case, investigating)
        _refused_here(fx, keys, case, sc.referral_result("decided", _at(fx, 4.1)), "referral-result-mismatch", GANJIANG)
        _next(fx, keys, case, sc.referral_result("filed", _at(fx, 4.1)))
        rest = sc.referred(sc.organisation_case(START, until="reconsidered"))[len(investigating):]  # upheld on day 80
        for step in rest:
            _at(fx, step.offset / dt.timedelta(days=1))
            _next(fx, keys, case, step)
        closed = sc.Step("case.closed", sc.OFFICER_1, {"summary": "复议维持，罚款已缴清"}, _at(fx, 83))
        _refused_here(fx, keys, case, closed, "referral-result-required", GANJIANG)
        _next(fx, keys, case, sc.referral_result("decided", _at(fx, 83)))
        _next(fx, keys, case, sc.Step("case.closed", sc.OFFICER_1, {"summary": "复议维持，罚款已缴清"}, _at(fx, 83.1)))
    finally:
        fx.store.close()


def _seized(fx: LedgerFixture, keys: dict[str, SigningKey]) -> tuple[str, int]:
    case = str(uuid.uuid4())
    steps = sc.coercion_case(START, until="seized")
    _play(fx, keys, case, steps)
    measure = next(v for v, s in enumerate(steps, start=1) if s.type == "coercion.imposed")
    return case, measure


EXTEND = {"days": 30, "reason": "检验结果尚未出具", "notice_sha256": "e" * 64}


def test_a_seizure_extended_after_the_decision_or_lifted_after_it_was_handed_over_is_refused_on_append(database_url: str) -> None:
    fx, keys, _ = _world(database_url)
    try:
        case, m = _seized(fx, keys)
        _next(fx, keys, case, sc.Step("no_penalty.decided", sc.HEAD, {
            "ground": "no_fault", "reason": "当事人有证据足以证明没有主观过错", "education_sha256": "d" * 64, "deciding_agency": sc.BUREAU,
        }, _at(fx, 10)))
        extend = sc.Step("coercion.extended", sc.HEAD, {"measure": m, **EXTEND}, _at(fx, 28))
        _refused_here(fx, keys, case, extend, "coercion-after-decision", f"{ACL}第二十五条、第二十七条")
        _next(fx, keys, case, sc.Step("coercion.lifted", sc.OFFICER_1, {"measure": m, "reason": "已作出处理决定"}, _at(fx, 28)))

        moved, m = _seized(fx, keys)
        organ = "赣江新区公安分局"
        _next(fx, keys, moved, sc.Step("transfer.reported", sc.OFFICER_1, {"organ": organ, "suspected_crime": "涉嫌犯罪"}, _at(fx, 4)))
        _next(fx, keys, moved, sc.Step("transfer.approved", sc.HEAD, {"approved": True, "reason": "涉嫌犯罪"}, _at(fx, 5)))
        _next(fx, keys, moved, sc.Step("transfer.sent", sc.OFFICER_1, {"organ": organ, "file_sha256": "f" * 64, "items": [], "measures": [m]},
                                       _at(fx, 5.1)))
        lift = sc.Step("coercion.lifted", sc.OFFICER_1, {"measure": m, "reason": "解除扣押"}, _at(fx, 6))
        _refused_here(fx, keys, moved, lift, "coercion-handed-over", f"{ACL}第二十一条")
        _next(fx, keys, moved, sc.Step("transfer.receipt", sc.OFFICER_1, {"organ": organ, "receipt_ref": "不予立案通知书", "outcome": "declined"},
                                       _at(fx, 8)))
        _next(fx, keys, moved, sc.Step("coercion.lifted", sc.OFFICER_1, {"measure": m, "reason": "案卷退回，解除扣押"}, _at(fx, 9)))
    finally:
        fx.store.close()


def test_credit_repair_without_the_application_or_before_performance_is_refused_on_append(database_url: str) -> None:
    fx, keys, _ = _world(database_url)
    try:
        case = str(uuid.uuid4())
        steps = sc.hearing_case(START, until="served")  # decided and served day 40: 61,200 yuan owed
        _play(fx, keys, case, steps)
        decision = next(v for v, s in enumerate(steps, start=1) if s.type == "decision.made")
        _next(fx, keys, case, sc.Step("disclosure.published", sc.OFFICER_1, {"decision_version": decision, "publicity_class": None, "note": ""},
                                      _at(fx, 41)))
        repair: dict[str, Any] = {"decision_version": decision, "reason": "已履行并完成整改", "application_sha256": None}
        _refused_here(fx, keys, case, sc.Step("credit.repaired", sc.HEAD, repair, _at(fx, 140)),
                      "credit-repair-without-application", NDRC_CREDIT)
        repair["application_sha256"] = "a" * 64
        _refused_here(fx, keys, case, sc.Step("credit.repaired", sc.HEAD, repair, _at(fx, 140)),
                      "credit-repair-before-performance", NDRC_CREDIT)
        _next(fx, keys, case, sc.Step("payment.recorded", sc.OFFICER_2, {"amount_fen": 6_120_000, "method": "bank", "receipt_ref": "3601-2026-000999",
                                                                       "hard_to_collect": False, "remote_area": False}, _at(fx, 140.1)))
        _next(fx, keys, case, sc.Step("credit.repaired", sc.HEAD, repair, _at(fx, 140.2)))
    finally:
        fx.store.close()


def test_a_letter_without_its_term_and_an_act_after_the_term_are_refused_on_append(database_url: str) -> None:
    fx, keys, versions = _world(database_url)
    try:
        stream = f"item:{sc.ITEM_GRAFFITI}"
        published = sc.ts(START - dt.timedelta(days=4))  # the world is set up from START - 3 days
        last_day = (START + dt.timedelta(days=3)).date()  # Thursday 03-12
        letter = {"from_agency": sc.BUREAU, "to_agency": sc.LEHUA, "instrument": "赣新综执委〔2026〕2号（委托书）",
                  "published_at": published, "effective_from": None, "scope": [sc.ITEM_GRAFFITI], "valid_until": None}
        before = (fx.store.position(), fx.store.stream_state(stream))
        with pytest.raises(DomainError) as info:
            fx.writer.append(fx.act(keys[sc.HEAD], stream, versions[stream], "entrustment.granted", letter))
        assert (info.value.code, info.value.cited_article, info.value.status) == ("entrustment-letter-incomplete", f"{APL}第二十条", 422)
        assert (fx.store.position(), fx.store.stream_state(stream)) == before, "a refused act must write nothing"
        fx.writer.append(fx.act(keys[sc.HEAD], stream, versions[stream], "entrustment.granted", {**letter, "valid_until": last_day.isoformat()}))

        case = str(uuid.uuid4())
        opened = [
            sc.Step("lead.received", sc.LEHUA_1, {"source": "patrol", "channel": "镇街巡查", "summary": "墙面涂写", "catalog_item": sc.ITEM_GRAFFITI,
                                                  "agency": sc.LEHUA, "referred_by": None, "referral_ref": None, "ticket": None,
                                                  "party": sc.CITIZEN, "officers": []}, dt.timedelta(0)),
            sc.Step("case.filed", sc.LEHUA_1, {"facts": "经核查予以立案", "catalog_item": sc.ITEM_GRAFFITI, "party": sc.CITIZEN,
                                               "violation_began": None, "violation_ended": None, "major_public_interest": False,
                                               "complex": False}, dt.timedelta(hours=2)),
        ]
        _play(fx, keys, case, opened)
        assign = {"officers": [sc.LEHUA_1, sc.LEHUA_2]}
        _next(fx, keys, case, sc.Step("officers.assigned", sc.LEHUA_1, assign, _at(fx, 3)))  # the letter's last day
        _refused_here(fx, keys, case, sc.Step("officers.assigned", sc.LEHUA_1, assign, _at(fx, 4)), "item-not-held", f"{APL}第二十条", 403)
    finally:
        fx.store.close()
