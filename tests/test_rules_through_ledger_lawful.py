"""Issue 13's rules enforced on append through the real ledger (SQLite and PostgreSQL): the unlawful act is refused
with its code, article and status and writes nothing; the lawful act at the same point is accepted. One or more per
item of the issue's list: Art 33, remedies, seizures, approval, presider, heavier notice, revoked delegation,
collective discussion, time in the post, transfer, 从旧兼从轻, deciding agency, cash hand-in, annotations, and a
replayed act reported as ``nonce-reused`` (409) whatever the case version."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest

from ledger.court.keys import SigningKey
from ledger.errors import NonceReused, VersionConflict
from tests.conftest import LedgerFixture
from tests.test_rules_through_ledger import START, _append, _refused, _world
from zhifa import scenarios as sc


def _play(fx: LedgerFixture, keys: dict[str, SigningKey], case: str, steps: list[sc.Step]) -> None:
    for version, step in enumerate(steps):
        fx.clock.now = START + step.offset
        _append(fx, keys, case, version, step)


def test_penalty_for_a_minor_corrected_harmless_violation_is_refused_on_append(database_url: str) -> None:
    fx, keys, _ = _world(database_url)
    try:
        case = str(uuid.uuid4())
        steps = sc.scenario("decided", START)
        decision = steps[-1]
        _play(fx, keys, case, steps[:-1])
        fx.clock.now = START + decision.offset
        minor = sc.Step(decision.type, decision.actor, {**decision.payload, "minor": True, "corrected": True, "harm": "none"}, decision.offset)
        err = _refused(fx, keys, case, len(steps) - 1, minor)
        assert (err.code, err.cited_article, err.status) == ("minor-corrected-no-penalty", "《行政处罚法》第三十三条第一款", 422)
        no_fault = sc.Step(decision.type, decision.actor, {**decision.payload, "no_fault_proven": True}, decision.offset)
        assert _refused(fx, keys, case, len(steps) - 1, no_fault).code == "no-fault-no-penalty"
        _append(fx, keys, case, len(steps) - 1, decision)  # the decision as the scenario makes it
    finally:
        fx.store.close()


def test_a_seizure_needs_the_head_signature_before_it_takes_effect(database_url: str) -> None:
    fx, keys, _ = _world(database_url)
    try:
        case = str(uuid.uuid4())
        steps = sc.scenario("seized", START)
        at = next(i for i, s in enumerate(steps) if s.type == "coercion.imposed")
        _play(fx, keys, case, steps[:at])
        seizure = steps[at]
        fx.clock.now = START + seizure.offset
        by_officer = sc.Step(seizure.type, sc.OFFICER_1, seizure.payload, seizure.offset)
        err = _refused(fx, keys, case, at, by_officer)
        assert (err.code, err.cited_article, err.status) == ("coercion-approval-required", "《行政强制法》第十八条", 422)
        _play_from(fx, keys, case, steps, at)  # signed by the head, co-signed, extended with its written notice
        state = fx.store.stream_state(case)
        assert state is not None and state[0] == len(steps)
    finally:
        fx.store.close()


def _play_from(fx: LedgerFixture, keys: dict[str, SigningKey], case: str, steps: list[sc.Step], start: int) -> None:
    for version, step in enumerate(steps[start:], start=start):
        fx.clock.now = START + step.offset
        _append(fx, keys, case, version, step)


def test_collective_discussion_by_too_few_heads_is_refused_on_append(database_url: str) -> None:
    fx, keys, _ = _world(database_url)
    try:
        case = str(uuid.uuid4())
        steps = sc.scenario("notified", START)
        _play(fx, keys, case, steps)
        at = steps[-1].offset + dt.timedelta(days=1)
        fx.clock.now = START + at
        two = sc.Step("collective.discussed", sc.HEAD, {"participants": [sc.HEAD, sc.DEPUTY_HEAD_1], "conclusion": "同意"}, at)
        err = _refused(fx, keys, case, len(steps), two)
        assert (err.code, err.cited_article, err.status) == ("collective-discussion-quorum", "《行政处罚法》第五十七条", 422)
        three = sc.Step("collective.discussed", sc.HEAD, {"participants": [sc.HEAD, sc.DEPUTY_HEAD_1, sc.DEPUTY_HEAD_2], "conclusion": "同意"}, at)
        _append(fx, keys, case, len(steps), three)
        for i, head in enumerate((sc.DEPUTY_HEAD_1, sc.DEPUTY_HEAD_2)):
            _append(fx, keys, case, len(steps) + 1 + i, sc.Step("act.cosigned", head, {"act_version": len(steps) + 1}, at))
        state = fx.store.stream_state(case)
        assert state is not None and state[0] == len(steps) + 3
    finally:
        fx.store.close()


def test_a_transfer_leaving_seized_property_behind_is_refused_on_append(database_url: str) -> None:
    fx, keys, _ = _world(database_url)
    try:
        case = str(uuid.uuid4())
        steps = sc.scenario("seized", START)[:-1]  # seized, not yet extended
        _play(fx, keys, case, steps)
        measure = next(i + 1 for i, s in enumerate(steps) if s.type == "coercion.imposed")
        at = steps[-1].offset + dt.timedelta(days=1)
        fx.clock.now = START + at
        _append(fx, keys, case, len(steps), sc.Step("transfer.reported", sc.OFFICER_1, {"organ": "公安分局", "suspected_crime": "涉嫌犯罪"}, at))
        _append(fx, keys, case, len(steps) + 1, sc.Step("transfer.approved", sc.HEAD, {"approved": True, "reason": "涉嫌犯罪"}, at))
        sent = {"organ": "公安分局", "file_sha256": "c" * 64, "items": ["过期食品 120 件"], "measures": []}
        err = _refused(fx, keys, case, len(steps) + 2, sc.Step("transfer.sent", sc.OFFICER_1, sent, at))
        assert (err.code, err.cited_article, err.status) == ("transfer-seized-property", "《行政强制法》第二十一条", 422)
        _append(fx, keys, case, len(steps) + 2, sc.Step("transfer.sent", sc.OFFICER_1, {**sent, "measures": [measure]}, at))
    finally:
        fx.store.close()


def test_a_note_by_someone_outside_the_case_is_refused_on_append(database_url: str) -> None:
    fx, keys, _ = _world(database_url)
    try:
        case = str(uuid.uuid4())
        steps = sc.scenario("filed", START)
        _play(fx, keys, case, steps)
        at = steps[-1].offset
        err = _refused(fx, keys, case, len(steps), sc.Step("case.note", sc.LEHUA_1, {"text": "附注"}, at))
        assert (err.code, err.cited_article, err.status) == ("not-in-case", "《行政处罚法》第四十七条", 403)
        _append(fx, keys, case, len(steps), sc.Step("case.note", sc.PARTY_STORE, {"text": "当事人附注"}, at))
    finally:
        fx.store.close()


@pytest.mark.parametrize("later_acts", [0, 1, 3])
def test_a_replayed_signed_act_is_refused_as_nonce_reused_whatever_the_case_version(database_url: str, later_acts: int) -> None:
    fx, keys, _ = _world(database_url)
    try:
        case = str(uuid.uuid4())
        steps = sc.scenario("filed", START)
        fx.clock.now = START
        lead = fx.act(keys[steps[0].actor], case, 0, steps[0].type, steps[0].payload)
        fx.writer.append(lead)
        for version in range(1, 1 + later_acts):
            fx.writer.append(fx.act(keys[sc.OFFICER_1], case, version, "case.note", {"text": f"附注 {version}"}))
        before = (fx.store.position(), fx.store.stream_state(case))
        with pytest.raises(NonceReused) as info:
            fx.writer.append(lead)
        assert (info.value.code, info.value.status) == ("nonce-reused", 409)
        assert (fx.store.position(), fx.store.stream_state(case)) == before
        # A fresh act at a stale version is still a version race.
        with pytest.raises(VersionConflict):
            fx.writer.append(fx.act(keys[sc.OFFICER_1], case, 0, "case.note", {"text": "stale"}))
    finally:
        fx.store.close()


def _at(steps: list[sc.Step], days: float) -> dt.timedelta:
    return steps[-1].offset + dt.timedelta(days=days)


def test_a_lawsuit_long_after_the_reconsideration_decision_is_refused_on_append(database_url: str) -> None:
    fx, keys, _ = _world(database_url)
    try:
        steps = sc.organisation_case(START, until="under_reconsideration")
        decided = sc.Step("reconsideration.decided", sc.OFFICER_2, {"outcome": "upheld", "changed_fine_fen": None, "final": True, "served_at": None}, _at(steps, 30))
        in_time, late = str(uuid.uuid4()), str(uuid.uuid4())
        for version, step in enumerate([*steps, decided]):
            fx.clock.now = START + step.offset
            for case in (in_time, late):
                _append(fx, keys, case, version, step)
        suit = {"body": "法院", "posted_on": None, "envelope_sha256": None}
        fx.clock.now = START + _at(steps, 40)  # ten days after the reconsideration decision
        _append(fx, keys, in_time, len(steps) + 1, sc.Step("litigation.filed", sc.OFFICER_2, suit, _at(steps, 40)))
        fx.clock.now = START + _at(steps, 60)  # a month after it: past 15 days, though within 6 months of service
        err = _refused(fx, keys, late, len(steps) + 1, sc.Step("litigation.filed", sc.OFFICER_2, suit, _at(steps, 60)))
        assert (err.code, err.cited_article, err.status) == ("litigation-window-closed", "《行政诉讼法》第四十五条", 422)
    finally:
        fx.store.close()


def test_a_seizure_paused_for_a_reason_other_than_fixed_testing_is_refused_on_append(database_url: str) -> None:
    fx, keys, _ = _world(database_url)
    try:
        case = str(uuid.uuid4())
        steps = sc.scenario("seized", START)[:-1]
        _play(fx, keys, case, steps)
        measure = next(i + 1 for i, s in enumerate(steps) if s.type == "coercion.imposed")
        at = _at(steps, 2)
        fx.clock.now = START + at
        suspended = {"kind": "suspension", "reason": "当事人申请", "measure": measure, "fixed_days": None, "notice_sha256": None}
        err = _refused(fx, keys, case, len(steps), sc.Step("pause.started", sc.OFFICER_1, suspended, at))
        assert (err.code, err.cited_article, err.status) == ("coercion-pause-not-excluded", "《行政强制法》第二十五条", 422)
        testing = {**suspended, "kind": "testing", "reason": "送检", "fixed_days": 15, "notice_sha256": "d" * 64}
        _append(fx, keys, case, len(steps), sc.Step("pause.started", sc.OFFICER_1, testing, at))
    finally:
        fx.store.close()


def test_investigation_by_the_named_presider_and_a_heavier_notice_after_the_defence_are_refused_on_append(database_url: str) -> None:
    fx, keys, _ = _world(database_url)
    try:
        case = str(uuid.uuid4())
        steps = sc.scenario("hearing", START)  # the party defended on day 12; OFFICER_3 named presider on day 14
        _play(fx, keys, case, steps)
        at = _at(steps, 1)
        fx.clock.now = START + at
        collected = {"kind": "documentary", "sha256": "e" * 64, "size": 10, "officers": [sc.OFFICER_1, sc.OFFICER_3],
                     "collected_at": sc.ts(START + at), "description": "补充证据", "source": ""}
        err = _refused(fx, keys, case, len(steps), sc.Step("evidence.collected", sc.OFFICER_1, collected, at))
        assert (err.code, err.cited_article) == ("hearing-presider-investigated", "《行政处罚法》第六十四条")
        heavier = {"facts": "违法事实", "basis": "《中华人民共和国食品安全法》第一百二十四条", "penalties": ["fine", "confiscate_gains"],
                   "fine_fen": 7_000_000, "confiscation_fen": 120_000, "band": "general", "major_public_interest": False, "complex": False}
        err = _refused(fx, keys, case, len(steps), sc.Step("notice.issued", sc.OFFICER_1, heavier, at))
        assert (err.code, err.cited_article) == ("heavier-after-defence", "《行政处罚法》第四十五条")
        _append(fx, keys, case, len(steps), sc.Step("evidence.collected", sc.OFFICER_1, {**collected, "officers": [sc.OFFICER_1, sc.OFFICER_2]}, at))
    finally:
        fx.store.close()


def test_an_act_exercising_a_revoked_delegation_is_refused_on_append(database_url: str) -> None:
    fx, keys, versions = _world(database_url)
    try:
        case = str(uuid.uuid4())
        steps = sc.scenario("township_delegated", START)
        _play(fx, keys, case, steps)
        at = _at(steps, 1)
        fx.clock.now = START + at
        extend = sc.Step("extension.approved", sc.LEHUA_HEAD, {"days": 30, "reason": "案情复杂"}, at)
        _append(fx, keys, case, len(steps), extend)  # in force: accepted
        stream = f"item:{sc.ITEM_ROAD_OCCUPATION}"
        fx.writer.append(fx.act(keys[sc.CATALOG_KEEPER], stream, versions[stream], "delegation.revoked",
                                {"to_agency": sc.LEHUA, "instrument": "赣府发〔2024〕12号（赋权乡镇）", "reason": "评估后收回"}))
        fx.clock.now = START + _at(steps, 2)
        no_penalty = {"ground": "minor_corrected", "reason": "轻微并及时改正", "education_sha256": "f" * 64, "deciding_agency": sc.LEHUA}
        err = _refused(fx, keys, case, len(steps) + 1, sc.Step("no_penalty.decided", sc.LEHUA_HEAD, no_penalty, at))
        assert (err.code, err.cited_article, err.status) == ("item-not-held", "《行政处罚法》第二十四条", 403)
    finally:
        fx.store.close()


def test_a_hearing_request_is_in_time_by_its_postmark_on_append(database_url: str) -> None:
    fx, keys, _ = _world(database_url)
    try:
        case = str(uuid.uuid4())
        steps = sc.scenario("notified", START)  # notice served on day 10 (Thursday 2026-03-19): window to 03-26
        _play(fx, keys, case, steps)
        at = _at(steps, 20)
        fx.clock.now = START + at
        late = {"paper_sha256": "a" * 64, "posted_on": "2026-03-28", "envelope_sha256": "b" * 64}
        err = _refused(fx, keys, case, len(steps), sc.Step("hearing.requested", sc.OFFICER_1, late, at))
        assert (err.code, err.cited_article) == ("hearing-request-late", "《行政处罚法》第六十四条")
        _append(fx, keys, case, len(steps), sc.Step("hearing.requested", sc.OFFICER_1, {**late, "posted_on": "2026-03-20"}, at))
    finally:
        fx.store.close()


def test_a_decision_in_the_wrong_agency_name_is_refused_on_append(database_url: str) -> None:
    fx, keys, _ = _world(database_url)
    try:
        case = str(uuid.uuid4())
        steps = sc.scenario("decided", START)
        decision = steps[-1]
        _play(fx, keys, case, steps[:-1])
        fx.clock.now = START + decision.offset
        wrong = sc.Step(decision.type, decision.actor, {**decision.payload, "deciding_agency": sc.JIAOQIAO}, decision.offset)
        err = _refused(fx, keys, case, len(steps) - 1, wrong)
        assert (err.code, err.cited_article, err.status) == ("deciding-agency-wrong", "《行政处罚法》第五十九条", 403)
        _append(fx, keys, case, len(steps) - 1, decision)
    finally:
        fx.store.close()


def test_closing_before_the_cash_is_handed_in_is_refused_on_append(database_url: str) -> None:
    fx, keys, _ = _world(database_url)
    try:
        case = str(uuid.uuid4())
        steps = sc.scenario("simple", START)
        hand_in = next(i for i, s in enumerate(steps) if s.type == "cash.handed_in")
        closed = next(i for i, s in enumerate(steps) if s.type == "case.closed")
        without = [s for i, s in enumerate(steps[:closed]) if i != hand_in]
        _play(fx, keys, case, without)
        fx.clock.now = START + steps[closed].offset
        err = _refused(fx, keys, case, len(without), steps[closed])
        assert (err.code, err.cited_article) == ("cash-not-handed-in", "《行政处罚法》第七十一条")
        _append(fx, keys, case, len(without), steps[hand_in])
        _append(fx, keys, case, len(without) + 1, steps[closed])
    finally:
        fx.store.close()


def test_the_lighter_terms_in_force_at_the_decision_apply_on_append(database_url: str) -> None:
    fx, keys, versions = _world(database_url)
    try:
        case = str(uuid.uuid4())
        steps = sc.scenario("decided", START)
        decision = steps[-1]
        _play(fx, keys, case, steps[:-1])
        fx.clock.now = START + decision.offset
        revised = "《中华人民共和国食品安全法》（修订）第一百二十四条"
        terms = {**sc.ITEMS[sc.ITEM_EXPIRED_FOOD], "basis": revised, "fine_min_fen": 1_000_000, "fine_max_fen": 5_500_000, "reason": "法律修订",
                 "bands": [{"level": lvl, "min_fen": lo, "max_fen": hi, "description": ""}
                           for lvl, lo, hi in (("lighter", 1_000_000, 3_000_000), ("general", 3_000_001, 4_500_000), ("heavier", 4_500_001, 5_500_000))]}
        stream = f"item:{sc.ITEM_EXPIRED_FOOD}"
        fx.writer.append(fx.act(keys[sc.CATALOG_KEEPER], stream, versions[stream], "item.amended", terms))
        err = _refused(fx, keys, case, len(steps) - 1, decision)  # 60,000 yuan: lawful when the violation ended, not now
        assert (err.code, err.cited_article) == ("fine-outside-range", revised)
        lighter = {**decision.payload, "fine_fen": 5_000_000, "band": "heavier"}
        _append(fx, keys, case, len(steps) - 1, sc.Step(decision.type, decision.actor, lighter, decision.offset))
    finally:
        fx.store.close()


def test_service_by_announcement_needs_its_ground_on_append(database_url: str) -> None:
    """民事诉讼法 Art 95: an announcement without a stated and recorded ground writes nothing; after the post came
    back it is accepted and the notice counts as served 30 days later."""
    fx, keys, _ = _world(database_url)
    try:
        case = str(uuid.uuid4())
        steps = sc.scenario("notified", START)
        at = next(i for i, s in enumerate(steps) if s.type == "service.recorded" and s.payload["document"] == "notice")
        _play(fx, keys, case, steps[:at])
        served = steps[at]
        fx.clock.now = START + served.offset
        bare = sc.Step(served.type, served.actor, {**served.payload, "method": "announcement"}, served.offset)
        err = _refused(fx, keys, case, at, bare)
        assert (err.code, err.cited_article, err.status) == ("announcement-service-not-allowed", "《民事诉讼法》第九十五条", 422)
        returned = {"method": "mail", "on": (START + served.offset).astimezone(dt.timezone(dt.timedelta(hours=8))).date().isoformat(),
                    "record_sha256": "5" * 64}
        grounded = sc.Step(served.type, served.actor, {**bare.payload, "announcement_ground": "other_methods_failed",
                                                      "failed_attempts": [returned]}, served.offset)
        _append(fx, keys, case, at, grounded)
        state = fx.store.stream_state(case)
        assert state is not None and state[0] == at + 1
    finally:
        fx.store.close()


def test_a_device_record_counts_as_evidence_only_once_reviewed_on_append(database_url: str) -> None:
    """APL Art 41: a monitoring device's record whose review is missing writes nothing; reviewed, it is accepted."""
    fx, keys, _ = _world(database_url)
    try:
        case = str(uuid.uuid4())
        steps = sc.scenario("notified", START)
        at = next(i for i, s in enumerate(steps) if s.type == "evidence.collected")
        _play(fx, keys, case, steps[:at])
        step = steps[at]
        fx.clock.now = START + step.offset
        device = {"device_id": "赣A-抓拍-0012", "approval_ref": "赣市监法审〔2026〕3号", "location_published": True,
                  "record_review_sha256": None, "reviewed_by": None}
        unreviewed = sc.Step(step.type, step.actor, {**step.payload, "kind": "electronic", "device": device}, step.offset)
        err = _refused(fx, keys, case, at, unreviewed)
        assert (err.code, err.cited_article, err.status) == ("non-site-evidence-not-allowed", "《行政处罚法》第四十一条第二款", 422)
        reviewed = {**device, "record_review_sha256": "7" * 64, "reviewed_by": sc.OFFICER_2}
        _append(fx, keys, case, at, sc.Step(step.type, step.actor, {**unreviewed.payload, "device": reviewed}, step.offset))
        state = fx.store.stream_state(case)
        assert state is not None and state[0] == at + 1
    finally:
        fx.store.close()


def test_a_child_under_14_is_not_penalised_on_the_spot_on_append(database_url: str) -> None:
    """APL Art 30: the on-the-spot fine of a 12-year-old (age read from the ID number) writes nothing; the same fine
    of an adult is accepted."""
    fx, keys, _ = _world(database_url)
    try:
        case = str(uuid.uuid4())
        steps = sc.scenario("simple", START)
        at = next(i for i, s in enumerate(steps) if s.type == "simple.decided")
        _play(fx, keys, case, steps[:at])
        step = steps[at]
        fx.clock.now = START + step.offset
        ended = dt.date.fromisoformat(str(step.payload["violation_ended"]))
        child = {**step.payload["party"], "id_number": f"360102{ended.year - 12:04d}{ended:%m%d}0016"}
        err = _refused(fx, keys, case, at, sc.Step(step.type, step.actor, {**step.payload, "party": child}, step.offset))
        assert (err.code, err.cited_article, err.status) == ("minor-not-penalised", "《行政处罚法》第三十条", 422)
        _append(fx, keys, case, at, step)
        state = fx.store.stream_state(case)
        assert state is not None and state[0] == at + 1
    finally:
        fx.store.close()


def test_evidence_from_a_monitoring_device_without_its_device_record_writes_nothing(database_url: str) -> None:
    """APL Art 41: evidence whose source is a monitoring device but that names no device record writes nothing; with
    the device's review, published location and the record's review it is accepted."""
    fx, keys, _ = _world(database_url)
    try:
        case = str(uuid.uuid4())
        steps = sc.scenario("notified", START)
        at = next(i for i, s in enumerate(steps) if s.type == "evidence.collected")
        _play(fx, keys, case, steps[:at])
        step = steps[at]
        fx.clock.now = START + step.offset
        captured = sc.Step(step.type, step.actor, {**step.payload, "kind": "electronic", "source": "电子技术监控设备"}, step.offset)
        err = _refused(fx, keys, case, at, captured)
        assert (err.code, err.cited_article, err.status) == ("non-site-evidence-not-allowed", "《行政处罚法》第四十一条", 422)
        device = {"device_id": "赣A-抓拍-0012", "approval_ref": "赣市监法审〔2026〕3号", "location_published": True,
                  "record_review_sha256": "7" * 64, "reviewed_by": sc.OFFICER_2}
        _append(fx, keys, case, at, sc.Step(step.type, step.actor, {**captured.payload, "device": device}, step.offset))
        state = fx.store.stream_state(case)
        assert state is not None and state[0] == at + 1
    finally:
        fx.store.close()


def test_an_on_the_spot_fine_for_a_minor_of_16_needs_the_lighter_band_on_append(database_url: str) -> None:
    """APL Art 30: a 16-year-old's on-the-spot fine that applies no lighter or mitigated band writes nothing; the same
    fine in the lighter band is accepted."""
    fx, keys, _ = _world(database_url)
    try:
        case = str(uuid.uuid4())
        steps = sc.scenario("simple", START)
        at = next(i for i, s in enumerate(steps) if s.type == "simple.decided")
        _play(fx, keys, case, steps[:at])
        step = steps[at]
        fx.clock.now = START + step.offset
        ended = dt.date.fromisoformat(str(step.payload["violation_ended"]))
        minor = {**step.payload["party"], "id_number": f"360102{ended.year - 16:04d}{ended:%m%d}0016"}
        unmitigated = sc.Step(step.type, step.actor, {**step.payload, "party": minor}, step.offset)
        err = _refused(fx, keys, case, at, unmitigated)
        assert (err.code, err.cited_article, err.status) == ("minor-penalty-not-mitigated", "《行政处罚法》第三十条", 422)
        _append(fx, keys, case, at, sc.Step(step.type, step.actor, {**unmitigated.payload, "band": "lighter"}, step.offset))
        state = fx.store.stream_state(case)
        assert state is not None and state[0] == at + 1
    finally:
        fx.store.close()


def test_a_penalty_without_any_evidence_writes_nothing(database_url: str) -> None:
    """APL Art 40: a decision on a case that recorded no evidence, inspection or interview writes nothing; once the
    inspection record is made and co-signed the same decision is accepted."""
    fx, keys, _ = _world(database_url)
    try:
        case = str(uuid.uuid4())
        steps = sc.scenario("decided", START)
        kept = [s for s in steps if s.type in ("lead.received", "case.filed", "officers.assigned", "credentials.shown",
                                                  "rights.informed", "notice.issued", "service.recorded")]
        _play(fx, keys, case, kept)
        served = kept[-1].offset
        waivers = [sc.Step("right.waived", sc.PARTY_STORE, {"right": right, "paper_sha256": None}, served + dt.timedelta(hours=i + 1))
                   for i, right in enumerate(("statement", "hearing"))]
        review = next(s for s in steps if s.type == "legal.reviewed")
        later = [*waivers, sc.Step(review.type, review.actor, review.payload, served + dt.timedelta(hours=3))]
        for version, step in enumerate(later, start=len(kept)):
            fx.clock.now = START + step.offset
            _append(fx, keys, case, version, step)
        decided = steps[-1]
        at = len(kept) + len(later)
        decision = sc.Step(decided.type, decided.actor, decided.payload, served + dt.timedelta(days=1))
        fx.clock.now = START + decision.offset
        err = _refused(fx, keys, case, at, decision)
        assert (err.code, err.cited_article, err.status) == ("no-evidence-no-penalty", "《行政处罚法》第四十条", 422)
        inspection = next(s for s in steps if s.type == "inspection.recorded")
        record = [sc.Step(inspection.type, inspection.actor, inspection.payload, decision.offset),
                  sc.Step("act.cosigned", sc.OFFICER_2, {"act_version": at + 1}, decision.offset)]
        for version, step in enumerate([*record, decision], start=at):
            fx.clock.now = START + step.offset
            _append(fx, keys, case, version, step)
        state = fx.store.stream_state(case)
        assert state is not None and state[0] == at + 3
    finally:
        fx.store.close()


def test_service_left_at_the_residence_without_its_record_writes_nothing(database_url: str) -> None:
    """民事诉讼法 Art 89: leaving the notice at the residence with no witnessed receipt, photos or video writes
    nothing; with the record named it is accepted."""
    fx, keys, _ = _world(database_url)
    try:
        case = str(uuid.uuid4())
        steps = sc.scenario("notified", START)
        at = next(i for i, s in enumerate(steps) if s.type == "service.recorded" and s.payload["document"] == "notice")
        _play(fx, keys, case, steps[:at])
        served = steps[at]
        fx.clock.now = START + served.offset
        left = sc.Step(served.type, served.actor, {**served.payload, "method": "left_at_residence"}, served.offset)
        err = _refused(fx, keys, case, at, left)
        assert (err.code, err.cited_article, err.status) == ("left-at-residence-unrecorded", "《民事诉讼法》第八十九条", 422)
        _append(fx, keys, case, at, sc.Step(left.type, left.actor, {**left.payload, "receipt_sha256": "6" * 64}, left.offset))
        state = fx.store.stream_state(case)
        assert state is not None and state[0] == at + 1
    finally:
        fx.store.close()


def test_a_legal_review_by_another_agencys_reviewer_writes_nothing(database_url: str) -> None:
    """APL Art 58: the review is the deciding agency's; a township's reviewer does not review the bureau's case."""
    fx, keys, _ = _world(database_url)
    try:
        case = str(uuid.uuid4())
        steps = sc.scenario("decided", START)
        at = next(i for i, s in enumerate(steps) if s.type == "legal.reviewed")
        _play(fx, keys, case, steps[:at])
        review = steps[at]
        fx.clock.now = START + review.offset
        keys["legal/lehua-01"] = fx.register("legal/lehua-01", role="legal_reviewer", agency=sc.LEHUA)
        err = _refused(fx, keys, case, at, sc.Step(review.type, "legal/lehua-01", review.payload, review.offset))
        assert (err.code, err.cited_article, err.status) == ("legal-reviewer-required", "《行政处罚法》第五十八条", 403)
        _append(fx, keys, case, at, review)
        state = fx.store.stream_state(case)
        assert state is not None and state[0] == at + 1
    finally:
        fx.store.close()


def test_a_decision_while_a_recusal_request_is_undecided_writes_nothing(database_url: str) -> None:
    """APL Art 43: the party's recusal request is decided before the case is; then the decision is accepted."""
    fx, keys, _ = _world(database_url)
    try:
        case = str(uuid.uuid4())
        steps = sc.scenario("decided", START)
        _play(fx, keys, case, steps[:-1])
        decided = steps[-1]
        asked = sc.Step("recusal.requested", sc.PARTY_STORE, {"officer": sc.OFFICER_2, "by": "party", "reason": "利害关系"},
                        decided.offset - dt.timedelta(hours=2))
        fx.clock.now = START + asked.offset
        _append(fx, keys, case, len(steps) - 1, asked)
        fx.clock.now = START + decided.offset
        err = _refused(fx, keys, case, len(steps), decided)
        assert (err.code, err.cited_article, err.status) == ("recusal-pending", "《行政处罚法》第四十三条", 422)
        answer = sc.Step("recusal.decided", sc.HEAD, {"officer": sc.OFFICER_2, "upheld": False, "reason": "理由不成立"}, decided.offset)
        _append(fx, keys, case, len(steps), answer)
        _append(fx, keys, case, len(steps) + 1, decided)
        state = fx.store.stream_state(case)
        assert state is not None and state[0] == len(steps) + 2
    finally:
        fx.store.close()
