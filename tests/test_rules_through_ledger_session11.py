"""Session 11's rules enforced on append through the real ledger (SQLite and PostgreSQL): the unlawful act is refused
with its code, article and status and writes nothing (ledger position and case version unchanged); the lawful act
at the same point is accepted. A heavier notice after a hearing defence (APL Art 45), a waiver before the notice was
served (Arts 44, 62, 64), a late fee past the payment (Art 72), court enforcement before an announced reminder was
deemed served (ACL Arts 38, 54), and — a lawful act refused before — a lawsuit once the reconsideration body let its
time run out (行政诉讼法 Art 45)."""

from __future__ import annotations

import uuid

from tests.conftest import LedgerFixture
from tests.test_rules_through_ledger import START, _append, _refused, _world
from tests.test_rules_through_ledger_review import _at, _play
from zhifa import scenarios as sc


def _version(fx: LedgerFixture, case: str) -> int:
    state = fx.store.stream_state(case)
    assert state is not None
    return int(state[0])


def test_a_heavier_notice_after_the_hearing_defence_is_refused_on_append(database_url: str) -> None:
    fx, keys, _ = _world(database_url)
    try:
        case = str(uuid.uuid4())
        steps = sc.hearing_case(START, until="notified")  # notice day 10: 60,000 yuan fine, 1,200 yuan gains
        steps += [
            sc.Step("hearing.requested", sc.PARTY_STORE, {"paper_sha256": None}, _at(fx, 13)),
            sc.Step("hearing.scheduled", sc.HEAD, {"presider": sc.OFFICER_3, "hearing_at": sc.ts(START + _at(fx, 35)),
                                                   "place": "听证室", "public": True, "reason_not_public": None}, _at(fx, 14)),
            sc.Step("hearing.held", sc.OFFICER_3, {"presider": sc.OFFICER_3, "party_present": True, "attendees": []}, _at(fx, 35)),
            sc.Step("hearing.recorded", sc.OFFICER_3, {"record_sha256": "a" * 64, "signed_by_party": True}, _at(fx, 35.1)),
        ]
        _play(fx, keys, case, steps)
        notice = {"facts": "经调查，当事人违法事实清楚", "basis": "《中华人民共和国食品安全法》第一百二十四条",
                  "penalties": ["fine", "confiscate_gains"], "fine_fen": 7_000_000, "confiscation_fen": 120_000,
                  "band": "lighter", "major_public_interest": False, "complex": False}
        err = _refused(fx, keys, case, len(steps), sc.Step("notice.issued", sc.OFFICER_1, notice, _at(fx, 37)))
        assert (err.code, err.cited_article, err.status) == ("heavier-after-defence", "《行政处罚法》第四十五条", 422)
        assert _version(fx, case) == len(steps)
        _append(fx, keys, case, len(steps), sc.Step("notice.issued", sc.OFFICER_1, {**notice, "fine_fen": 6_000_000}, _at(fx, 37)))
        assert _version(fx, case) == len(steps) + 1
    finally:
        fx.store.close()


def test_a_waiver_before_the_notice_was_served_is_refused_on_append(database_url: str) -> None:
    fx, keys, _ = _world(database_url)
    try:
        case = str(uuid.uuid4())
        steps = sc.hearing_case(START, until="notified")
        served = next(i for i, s in enumerate(steps) if s.type == "service.recorded" and s.payload["document"] == "notice")
        _play(fx, keys, case, steps[:served])  # the notice issued on day 10, not yet served
        waiver = sc.Step("right.waived", sc.PARTY_STORE, {"right": "hearing", "paper_sha256": None}, _at(fx, 10.02))
        err = _refused(fx, keys, case, served, waiver)
        assert (err.code, err.cited_article, err.status) == ("waiver-before-notice-served", "《行政处罚法》第六十四条", 422)
        assert _version(fx, case) == served
        _at(fx, 10.05)  # the notice served (day 10, one hour after it was issued), then the waiver
        _append(fx, keys, case, served, steps[served])
        _append(fx, keys, case, served + 1, sc.Step("right.waived", sc.PARTY_STORE, {"right": "hearing", "paper_sha256": None}, _at(fx, 10.1)))
        assert _version(fx, case) == served + 2
    finally:
        fx.store.close()


def test_a_late_fee_past_the_payment_is_refused_on_append(database_url: str) -> None:
    fx, keys, _ = _world(database_url)
    try:
        case = str(uuid.uuid4())
        steps = sc.organisation_case(START, until="served")  # served Saturday 04-04: due Monday 04-20, 450 yuan a day
        steps.append(sc.Step("payment.recorded", sc.OFFICER_2, {"amount_fen": 1_500_000, "method": "bank", "receipt_ref": "3601-2026-000789",
                                                               "hard_to_collect": False, "remote_area": False}, _at(fx, 50)))  # 04-28
        _play(fx, keys, case, steps)
        at = _at(fx, 70)
        as_of = (START + at).date().isoformat()
        err = _refused(fx, keys, case, len(steps), sc.Step("late_fee.assessed", sc.OFFICER_1, {"amount_fen": 360_001, "as_of": as_of}, at))
        assert (err.code, err.cited_article, err.status) == ("late-fee-excessive", "《行政处罚法》第七十二条", 422)
        assert _version(fx, case) == len(steps)
        _append(fx, keys, case, len(steps), sc.Step("late_fee.assessed", sc.OFFICER_1, {"amount_fen": 360_000, "as_of": as_of}, at))
        assert _version(fx, case) == len(steps) + 1
    finally:
        fx.store.close()


def test_court_enforcement_before_an_announced_reminder_was_served_is_refused_on_append(database_url: str) -> None:
    fx, keys, _ = _world(database_url)
    try:
        case = str(uuid.uuid4())
        steps = sc.organisation_case(START, until="served")  # the remedy periods end 2026-10-08
        # Announced Friday 09-25: deemed served 10-25, so the 10 working days end 11-06 (sent directly: 10-15).
        steps.append(sc.Step("reminder.sent", sc.OFFICER_1, {"amount_due_fen": 1_500_000, "method": "announcement",
                                                                      "announcement_ground": "whereabouts_unknown", "ground_sha256": "e" * 64}, _at(fx, 200)))
        _play(fx, keys, case, steps)
        court = {"court": "南昌铁路运输法院"}
        err = _refused(fx, keys, case, len(steps), sc.Step("court_enforcement.applied", sc.HEAD, court, _at(fx, 226)))
        assert (err.code, err.cited_article, err.status) == ("enforcement-premature", "《行政强制法》第五十三条、第五十四条", 422)
        assert _version(fx, case) == len(steps)
        _append(fx, keys, case, len(steps), sc.Step("court_enforcement.applied", sc.HEAD, court, _at(fx, 260)))
        assert _version(fx, case) == len(steps) + 1
    finally:
        fx.store.close()


def test_a_lawsuit_after_the_reconsideration_body_ran_out_of_time_is_accepted_on_append(database_url: str) -> None:
    """A lawful act refused before: 行政诉讼法 Art 45 lets the party sue once the body's period (复议法 Arts 30, 62) ran out."""
    fx, keys, _ = _world(database_url)
    try:
        case = str(uuid.uuid4())
        steps = sc.organisation_case(START, until="under_reconsideration")  # received 04-08: the body has until 07-14
        _play(fx, keys, case, steps)
        suit = {"body": "南昌铁路运输法院", "posted_on": None, "envelope_sha256": None}
        err = _refused(fx, keys, case, len(steps), sc.Step("litigation.filed", sc.OFFICER_2, suit, _at(fx, 127)))
        assert (err.code, err.cited_article, err.status) == ("remedy-channel-taken", "《行政复议法》第二十九条", 422)
        assert _version(fx, case) == len(steps)
        _append(fx, keys, case, len(steps), sc.Step("litigation.filed", sc.OFFICER_2, suit, _at(fx, 128)))
        assert _version(fx, case) == len(steps) + 1
    finally:
        fx.store.close()
