"""Adversarial privacy review of every public output (DOMAIN.md, Disclosure: natural persons' names to 某, no ID
number, phone, address, bank account, plate or minor's data). Each test writes the personal data into the free
texts an officer types — decision facts, basis and reasons, the publication note, withdrawal and credit-repair
reasons, registry names — in the forms a naive redactor misses, appends it through the real writer, seals and
projects, and then reads every public surface: the feeds in every format and archive, the disclosure items, the
portal pages over HTTP, the SSE disclosure events and the officer directory. What a reader needs stays readable:
legal persons with their codes, articles, amounts, dates, case and certificate numbers."""

from __future__ import annotations

import copy
import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import pytest
from litestar.testing import TestClient

import feeds
from domain import disclosure as rules
from domain.errors import DomainError
from domain.redact import contains_personal_data, id_card_checksum_ok
from domain.uscc import is_valid_uscc
from feeds import ledger as fl
from projections import disclosure as pd
from tests.ledger_world import START, Bureau, Plan, bureau
from tests.webkit import web_settings
from web.app import create_app
from web.public import _disclosure_events
from web.services import WebOptions
from zhifa.scenarios import (
    BUREAU,
    CATALOG_KEEPER,
    COMPANY,
    HEAD,
    ITEM_LICENCE_DISPLAY,
    ITEMS,
    MARKET,
    OFFICER_1,
    OFFICER_2,
    PARTY_STORE,
    STORE,
    hearing_case,
    no_penalty_case,
    organisation_case,
    simple_case,
)

D = dt.timedelta(days=1)

# The natural-person party and what the case file knows of it.
PARTY_NAME = "张三丰"
PARTY_ID = "11010519491231002X"
PARTY_ADDRESS = "南昌市东湖区阳明路88号"
# Personal data written the way people write it: every item is something a naive redactor lets through.
ATTACK = (
    "证人欧阳娜娜女士（旧身份证 110105 491231 002，座机 +86 10 6234 5678，电话 +86-791-88881234）称，"
    "当事人驾驶赣A12345（另一辆京A·D12345）号车，银行卡 622202 123456 7890123，出生于2010年5月3日，"
    "QQ 987654321，微信号 zs_1990abc，护照E12345678，联系电话 8765 4321，"
    "住南昌市东湖区北京东路123号附5号，法定代表人赵建国，投诉人王小明反映，司马光先生在场"
)
# The party's own name as officers write it in the facts: spaced out, or its given name alone.
PARTY_ATTACK = f"。{PARTY_NAME}（住{PARTY_ADDRESS}）称，张 三 丰当场承认，三丰签字确认"
SECRETS = (
    "欧阳娜娜", "491231", "6234 5678", "88881234", "12345", "D12345", "622202", "123456 7890123", "2010年5月3日",
    "987654321", "zs_1990abc", "E12345678", "8765 4321", "附5号", "赵建国", "王小明", "司马光", "张 三 丰", "三丰",
    PARTY_NAME, PARTY_ID, "阳明路88号",
)  # fmt: skip
# What a reader needs, written into the same texts: it must come out exactly as written.
READABLE = (
    "依据《中华人民共和国食品安全法》第一百二十四条第一款第（五）项，罚款人民币15,000.00元，"
    "决定书文号赣新综执罚〔2026〕12号，于2026年3月2日送达，执法证号 赣3601-0001，"
    "江西某某商贸有限公司（统一社会信用代码 91360100MA35L7Q2XR）"
)


@pytest.fixture
def world(database_url: str, tmp_path: Path) -> Any:
    b = bureau(database_url, tmp_path)
    yield b
    if b.runner is not None:
        b.runner.stop()
    b.writer.stop()
    b.store.close()


def _party(**changes: Any) -> dict[str, Any]:
    party = {"kind": "natural_person", "name": PARTY_NAME, "uscc": None, "id_number": PARTY_ID, "person": PARTY_STORE,
             "address": PARTY_ADDRESS}
    party.update(changes)
    return party


def _steps(build: Any, start: dt.datetime, until: str, party: dict[str, Any] | None, text: str) -> list[Any]:
    """The scenario with ``party`` as the party and ``text`` added to every free text that a decision publishes."""
    out = copy.deepcopy(build(start, until=until))
    for step in out:
        if party is not None and step.payload.get("party") is not None:
            step.payload["party"] = party
        if step.type in ("decision.made", "simple.decided"):
            step.payload["facts"] += text
            step.payload["basis"] += text
        if step.type == "no_penalty.decided":
            step.payload["reason"] += text
    return out


def _refused(world: Bureau, stream: str, type: str, actor: str, payload: dict[str, Any], at: dt.datetime) -> str | None:
    """Append an act; the code of the refusal if the rules refuse it (nothing is appended then)."""
    try:
        world.append(stream, type, actor, payload, at=at)
    except DomainError as exc:
        return exc.code
    return None


def public_surface(world: Bureau, tmp_path: Path) -> dict[str, str]:
    """Every public output, by where it is read: rendered feeds (every kind, key, format, archive), the items as
    stored, the officer directory, the SSE disclosure events, and the portal and feeds over HTTP."""
    world.publish()
    out: dict[str, str] = {}
    items = pd.items(world.store)
    kinds: list[tuple[feeds.FeedKind, str | None]] = [("disclosures", None), ("withdrawals", None), ("checkpoints", None)]
    kinds += [("agency", a) for a in sorted({i.agency for i in items if i.agency})]
    kinds += [("domain", d) for d in sorted({i.domain for i in items if i.domain})]
    kinds += [("party", u) for u in sorted({i.party_uscc for i in items if i.party_uscc})]
    for fmt in feeds.FORMATS:
        for kind, key in kinds:
            out[f"feed {kind} {key} {fmt}"] = fl.render_feed(world.store, fmt, kind, key).decode()
            for k in range(feeds.page_bounds(fl.count(world.store, kind, key), 5).archives):
                out[f"feed {kind} {key} {fmt} archive {k}"] = fl.render_feed(world.store, fmt, kind, key, archive=k, page_size=5).decode()
    out["items"] = json.dumps([i.public_dict() for i in items], ensure_ascii=False)
    out["officer directory"] = json.dumps(pd.officer_directory(world.store), ensure_ascii=False)
    settings = web_settings(database_url="unused", var_dir=tmp_path / "web-var")
    app = create_app(settings, options=WebOptions(request_log=False, follow=False), store=world.store)
    with TestClient(app) as client:
        services = client.app.state.services
        services.refresh()
        out["sse"] = "\n".join(m.data or "" for m in _disclosure_events(services, 0))  # type: ignore[misc]
        paths = ["/", "/disclosures", "/directory", "/feeds/disclosures.json", "/feeds/disclosures.atom",
                 "/feeds/withdrawals.rss", *{f"/disclosures/{i.leaf_index}" for i in items}]
        for path in paths:
            r = client.get(path)
            assert r.status_code == 200, path
            out[path] = r.text
    return out


def assert_no_secret(surface: dict[str, str], secrets: tuple[str, ...] | list[str]) -> None:
    for where, text in surface.items():
        flat = re.sub(r"\s", "", text)
        for secret in secrets:
            assert secret not in text, (where, secret, text[max(0, text.find(secret) - 60) : text.find(secret) + 60])
            if re.sub(r"\s", "", secret) != secret or len(secret) > 5:
                assert re.sub(r"\s", "", secret) not in flat, (where, secret)


def assert_items_clean(world: Bureau) -> None:
    for item in pd.items(world.store):
        for field in ("title", "summary", "party_name", "reason", "agency_name"):
            value = getattr(item, field)
            assert value is None or not contains_personal_data(value), (item.kind, field, value)


# -- decisions, notes, withdrawals, credit repair ------------------------------------------------------------------
def test_personal_data_in_every_published_free_text_reaches_no_public_output(world: Bureau, tmp_path: Path) -> None:
    assert id_card_checksum_ok(PARTY_ID)
    plan = Plan()
    penalty, v1, at1 = plan.case(_steps(hearing_case, START, "served", _party(), ATTACK + PARTY_ATTACK + READABLE), START)
    nopen, v2, at2 = plan.case(_steps(no_penalty_case, START + 3 * D, "served", None, ATTACK), START + 3 * D)
    simple, v3, at3 = plan.case(_steps(simple_case, START + 5 * D, "paid", _party(person=None), ATTACK + PARTY_ATTACK), START + 5 * D)
    revoked, v4, at4 = plan.case(_steps(organisation_case, START + 7 * D, "under_reconsideration", None, ""), START + 7 * D)
    assert None not in (v1, v2, v3, v4) and None not in (at1, at2, at3, at4)
    world.run(plan)
    publish = {"publicity_class": None, "note": ""}
    world.append(nopen, "disclosure.published", OFFICER_1, {**publish, "decision_version": v2}, at=at2 + 2 * D)  # type: ignore[operator]
    world.append(simple, "disclosure.published", OFFICER_1, {**publish, "decision_version": v3, "publicity_class": "minor"}, at=at3 + 2 * D)  # type: ignore[operator]
    world.append(revoked, "disclosure.published", OFFICER_1, {**publish, "decision_version": v4}, at=at4 + 2 * D)  # type: ignore[operator]
    # The note may carry no personal data: the rule refuses what it detects (the same detector as the scrubbing),
    # and the view masks the party's own name, which only it knows.
    for note in ("车主赣A12345", "证人欧阳娜娜女士到场", "联系电话 8765 4321", "护照E12345678"):
        refusal = _refused(world, penalty, "disclosure.published", OFFICER_1, {**publish, "decision_version": v1, "note": note},
                           at1 + 2 * D)  # type: ignore[operator]
        assert refusal == "personal-data-in-disclosure", note
    world.append(penalty, "disclosure.published", OFFICER_1, {**publish, "decision_version": v1, "note": f"{PARTY_NAME}已整改完毕"},
                 at=at1 + 2 * D)  # type: ignore[operator]
    world.append(revoked, "reconsideration.decided", OFFICER_2, {"outcome": "revoked", "changed_fine_fen": None, "final": True},
                 at=at4 + 30 * D)  # type: ignore[operator]
    world.append(revoked, "disclosure.withdrawn", OFFICER_1, {"decision_version": v4, "ground": "revoked", "reason": ATTACK},
                 at=at4 + 31 * D)  # type: ignore[operator]
    window = rules.publicity_window(at1, "general")  # type: ignore[arg-type]
    # Credit repair needs the decision performed and the party's application (《信用修复管理办法》).
    world.append(penalty, "payment.recorded", OFFICER_2, {"amount_fen": 6_120_000, "method": "bank", "receipt_ref": "3601-2026-000123",
                                                          "hard_to_collect": False, "remote_area": False}, at=at1 + 10 * D)  # type: ignore[operator]
    world.append(penalty, "credit.repaired", HEAD, {"decision_version": v1, "reason": ATTACK, "application_sha256": "c" * 64},
                 at=dt.datetime.combine(window.min_end + D, dt.time(2), tzinfo=dt.UTC))
    surface = public_surface(world, tmp_path)
    assert_no_secret(surface, SECRETS)
    assert_items_clean(world)
    kinds = [i.kind for i in pd.items(world.store)]
    assert kinds.count("decision") == 4 and "withdrawal" in kinds and "expiry" in kinds
    [decision] = [i for i in pd.items(world.store) if i.kind == "decision" and i.case_id == penalty]
    # Redacted, not erased: the persons are there as 某, and what a reader needs is there as written.
    assert decision.party_name == "张某" and decision.party_uscc is None and "张某" in decision.title
    assert READABLE in decision.summary, decision.summary
    assert decision.summary.endswith("备注：张某已整改完毕")
    for masked in ("欧阳某某女士", "赵某某", "王某某反映", "司马某先生", "赣A*****", "京A·******"):
        assert masked in decision.summary, masked
    assert PARTY_NAME not in surface["items"] and PARTY_ID not in surface["items"]


# -- minors ----------------------------------------------------------------------------------------------------------
def test_a_minors_case_publishes_no_notice_either(world: Bureau, tmp_path: Path) -> None:
    """未成年人保护法 Art 103: a minor's decision is never published (the rules refuse it); the pre-decision notice
    (事中公示) would show the same case — a 15-year-old's — to the public as well."""
    minor = _party(name="李小龙", id_number=None, person=None, address=None, birth_date="2010-09-01")
    plan = Plan()
    case, _, _ = plan.case(_steps(hearing_case, START, "notified", minor, ""), START)
    adult, _, _ = plan.case(_steps(organisation_case, START + D, "notified", None, ""), START + D)
    world.run(plan)
    surface = public_surface(world, tmp_path)
    notices = [i for i in pd.items(world.store) if i.kind == "notice"]
    assert [i.case_id for i in notices] == [adult]
    assert all(i.case_id != case or i.kind == "credentials" for i in pd.items(world.store))
    assert_no_secret(surface, ("李小龙", "李某"))


# -- the registry: agencies, catalog items, officers ----------------------------------------------------------------
OFFICER_ID = "110105198001010016"  # a valid ID number, issued as a certificate number by mistake


def test_registry_texts_reach_the_public_only_redacted(world: Bureau, tmp_path: Path) -> None:
    """Agency, domain and catalog names and officers' names are typed by people too; an officer's private phone or
    ID number must not become public with them. Officers act in public office: name and certificate number stay."""
    assert id_card_checksum_ok(OFFICER_ID)
    authority = next(k for k in world.keys if k.startswith("authority/"))
    agency = "agency/360100-attack"
    at = START + D
    world.append(f"agency:{agency}", "agency.registered", CATALOG_KEEPER,
                 {"name": "赣江新区某某执法中队（联系人王小明，手机13912345678）", "kind": "bureau", "parent": None, "region": "360100"}, at=at)
    world.append(f"agency:{agency}", "domain.registered", CATALOG_KEEPER,
                 {"domain": MARKET, "name": "市场监管（联系人李建国，电话 8765 4321）", "basis": "赣府字〔2022〕18号，联系人赵建国，"}, at=at)
    terms = {**ITEMS[ITEM_LICENCE_DISPLAY], "agency": agency, "name": "未按规定公示营业执照（举报人欧阳娜娜女士）"}
    world.append("item:JX-SJ-9999", "item.added", CATALOG_KEEPER, terms, at=at)
    officer = "officer/3601-0777"
    world.append(f"person:{officer}", "person.registered", authority,
                 {"name": "执法队员丁（手机13912345678）", "agency": BUREAU, "roles": ["officer"], "staff_number": None}, at=at)
    world.append(f"person:{officer}", "exam.passed", authority,
                 {"exam": "江西省行政执法资格考试", "passed_on": "2025-01-02", "score": 90}, at=at)
    for number in ("赣3601-0777", OFFICER_ID):
        world.append(f"person:{officer}", "certificate.issued", authority, {
            "number": number, "agency": BUREAU, "domains": [MARKET], "valid_from": "2025-03-01", "valid_until": "2030-03-01",
        }, at=at)
    surface = public_surface(world, tmp_path)
    assert_no_secret(surface, ("王小明", "13912345678", "李建国", "8765 4321", "赵建国", "欧阳娜娜", OFFICER_ID))
    assert_items_clean(world)
    texts = "\n".join(surface.values())
    # …and what the public is owed stays: the unit, the domain, the item, the officer and the real certificate.
    for readable in ("赣江新区某某执法中队", "未按规定公示营业执照", "执法队员丁", "赣3601-0777", "赣府字〔2022〕18号"):
        assert readable in texts, readable
    [entry] = [o for o in pd.officer_directory(world.store) if o["name"].startswith("执法队员丁")]
    assert [c["number"] for c in entry["certificates"]] == ["赣3601-0777", "*" * 18]


# -- feed keys --------------------------------------------------------------------------------------------------------
def test_a_party_feed_is_keyed_by_a_credit_code_and_echoes_nothing_else(world: Bureau, tmp_path: Path) -> None:
    """/feeds/party/{uscc}: a natural person has no code; an ID number or a name as the key is no feed (it would be
    written back into the feed's title and links, and cached as a public page)."""
    settings = web_settings(database_url="unused", var_dir=tmp_path / "web-var")
    world.publish()
    app = create_app(settings, options=WebOptions(request_log=False, follow=False), store=world.store)
    with TestClient(app) as client:
        for key in (PARTY_ID, "%E5%BC%A0%E4%B8%89%E4%B8%B0", "13912345678"):
            r = client.get(f"/feeds/party/{key}.json")
            assert r.status_code == 404, key
            assert PARTY_ID not in r.text and "13912345678" not in r.text and PARTY_NAME not in r.text
        assert client.get(f"/feeds/party/{COMPANY['uscc']}.json").status_code == 200


def _id_that_is_also_a_credit_code() -> str:
    """An operator's ID number that passes the credit code's check as well (about one sequence in 31 does)."""
    weights = [pow(2, 17 - i, 11) for i in range(17)]
    for seq in range(1000):
        first17 = f"36010219850101{seq:03d}"
        number = first17 + "10X98765432"[sum(int(c) * w for c, w in zip(first17, weights, strict=True)) % 11]
        if is_valid_uscc(number):
            return number
    raise AssertionError("no sequence gives a string valid under both standards")


def test_a_sole_traders_code_that_is_its_operators_id_number_is_not_published(world: Bureau, tmp_path: Path) -> None:
    """The operator's ID typed as the sole trader's code passes the writer when its check character happens to fit
    (check_party); published, it would be the operator's ID in the item, the summary and a feed's URL."""
    number = _id_that_is_also_a_credit_code()
    assert id_card_checksum_ok(number)
    trader = {**STORE, "uscc": number}
    plan = Plan()
    case, version, at = plan.case(_steps(hearing_case, START, "served", trader, ""), START)
    assert version is not None and at is not None
    plan.act(case, "disclosure.published", OFFICER_1, {"decision_version": version, "publicity_class": None, "note": ""}, at + 2 * D)
    world.run(plan)
    surface = public_surface(world, tmp_path)
    assert_no_secret(surface, (number,))
    [decision] = [i for i in pd.items(world.store) if i.kind == "decision"]
    assert (decision.party_name, decision.party_uscc) == (STORE["name"], None)
