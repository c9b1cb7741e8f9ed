"""The disclosure view on a real ledger (SQLite and PostgreSQL): items exactly as the law wants them published,
overdue duties for supervisors, withdrawals and expiries as new items, every item provable in the signed log."""

from __future__ import annotations

import copy
import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import feedparser
import msgspec
import pytest
from lxml import etree

import feeds
from domain import disclosure as rules
from domain.calendar import local_date
from domain.redact import contains_personal_data, id_card_checksum_ok
from feeds import ledger as fl
from feeds import page_url
from ledger.court import merkle
from ledger.court.checkpoint import open_checkpoint
from ledger.court.keys import parse_verifier_key
from ledger.sealer import Tree
from projections import disclosure as pd
from tests.ledger_world import START, Bureau, Plan, bureau
from tests.test_feeds import JSON_FEED_SCHEMA, _atom_required, validate
from zhifa.scenarios import (
    BUREAU,
    COMPANY,
    HEAD,
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
A = "{http://www.w3.org/2005/Atom}"
KINDS: list[tuple[feeds.FeedKind, str | None]] = [
    ("disclosures", None),
    ("agency", BUREAU),
    ("domain", MARKET),
    ("party", COMPANY["uscc"]),
    ("withdrawals", None),
    ("checkpoints", None),
]


def publish_payload(version: int) -> dict[str, Any]:
    return {"decision_version": version, "publicity_class": None, "note": ""}


def one_case(b: Bureau, build: Any, start: dt.datetime, until: str, *, publish_after: dt.timedelta | None = None,
             plan: Plan | None = None) -> tuple[str, int, dt.datetime]:
    """Run one scenario (and its publication ``publish_after`` the decision); returns case, decision version, time."""
    own = plan is None
    plan = plan or Plan()
    case, version, at = plan.case(build(start, until=until), start)
    assert version is not None and at is not None
    if publish_after is not None:
        plan.act(case, "disclosure.published", OFFICER_1, publish_payload(version), at + publish_after)
    if own:
        b.run(plan)
    return case, version, at


@pytest.fixture
def world(database_url: str, tmp_path: Path) -> Any:
    b = bureau(database_url, tmp_path)
    yield b
    if b.runner is not None:
        b.runner.stop()
    b.writer.stop()
    b.store.close()


def revoked_world(b: Bureau) -> dict[str, str]:
    """Three cases: a published penalty later revoked on reconsideration and withdrawn, a decision not to penalise
    published late, and a penalty decision never published."""
    plan = Plan()
    revoked, v, _ = one_case(b, organisation_case, START, "under_reconsideration", publish_after=2 * D, plan=plan)
    nopen, _, _ = one_case(b, no_penalty_case, START + 3 * D, "served", publish_after=40 * D, plan=plan)
    silent, _, _ = one_case(b, hearing_case, START + 5 * D, "served", plan=plan)
    plan.act(revoked, "reconsideration.decided", OFFICER_2, {"outcome": "revoked", "changed_fine_fen": None, "final": True},
             START + 60 * D)
    plan.act(revoked, "disclosure.withdrawn", OFFICER_1,
             {"decision_version": v, "ground": "revoked", "reason": "复议机关认定事实不清，撤销原处罚决定"}, START + 61 * D)
    b.run(plan)
    b.publish()
    return {"revoked": revoked, "no_penalty": nopen, "silent": silent}


# -- 4. deadlines ---------------------------------------------------------------------------------------------------
def test_a_decision_not_disclosed_within_seven_working_days_is_on_the_overdue_list(world: Bureau) -> None:
    cases = revoked_world(world)
    silent = cases["silent"]
    duty = next(d for d in pd.duties(world.store) if d.case_id == silent)
    due = dt.date.fromisoformat(duty.due)
    assert duty.kind == "publish" and duty.decision_kind == "penalty"
    assert [d.case_id for d in pd.overdue(world.store, due)] == []
    late = pd.overdue(world.store, due + D)
    assert [(d.case_id, d.kind) for d in late] == [(silent, "publish")]
    assert pd.overdue(world.store, due + D, agency=BUREAU) == late
    assert pd.overdue(world.store, due + D, agency="agency/other") == []
    met = {d.case_id: d.state(due + D) for d in pd.duties(world.store)}
    assert met[cases["no_penalty"]] == "late"  # published after its 20 working days
    assert met[cases["revoked"]] == "met"


def test_a_revoked_decisions_withdrawal_is_a_new_item_and_the_disclosure_stays_on_record(world: Bureau) -> None:
    cases = revoked_world(world)
    everything = pd.items(world.store)
    decision = next(i for i in everything if i.case_id == cases["revoked"] and i.kind == "decision")
    withdrawal = next(i for i in everything if i.kind == "withdrawal")
    assert withdrawal.seq > decision.seq and withdrawal.ref_leaf == decision.leaf_index
    assert withdrawal.leaf_index != decision.leaf_index
    assert "撤销" in withdrawal.summary and "复议机关认定事实不清" in withdrawal.summary
    assert decision.ended  # on record, out of public view
    assert decision.seq not in {i.seq for i in pd.current_items(world.store)}
    body = fl.render_feed(world.store, "atom", "withdrawals")
    parsed = feedparser.parse(body)
    assert [e.id for e in parsed.entries] == [feeds.tag_uri(fl.feed_meta(world.store, "withdrawals").origin,
                                                              withdrawal.published_at.year, f"disclosure/{withdrawal.leaf_index}")]
    root = etree.fromstring(body)
    assert root.find(f"{A}entry/{{urn:zhifa-ledger:feed:1}}withdraws").text == str(decision.leaf_index)
    current = feedparser.parse(fl.render_feed(world.store, "atom", "disclosures"))
    ids = [e.id for e in current.entries]
    assert any(i.endswith(f"disclosure/{withdrawal.leaf_index}") for i in ids)
    assert not any(i.endswith(f"disclosure/{decision.leaf_index}") for i in ids)


def test_an_item_leaves_the_current_feed_at_its_maximum_period(world: Bureau) -> None:
    case, _, decided_at = one_case(world, organisation_case, START, "served", publish_after=2 * D)
    world.publish()
    [decision] = [i for i in pd.items(world.store) if i.kind == "decision"]
    window = rules.publicity_window(decided_at, "general")
    assert window.max_end.isoformat() in decision.summary
    assert decision in pd.current_items(world.store)
    # The last public day passes; the clock alone changes no feed, but the portal's pages use it.
    after = window.ends_at + dt.timedelta(hours=1)
    assert pd.current_items(world.store, as_of=after) == [i for i in pd.current_items(world.store) if i.kind != "decision"]
    assert any(i.kind == "decision" for i in pd.current_items(world.store, as_of=window.ends_at - dt.timedelta(seconds=1)))
    # The first act recorded afterwards closes it in the log's order: an expiry item, the decision out of the feed.
    world.append(case, "case.note", OFFICER_1, {"text": "公示期满后回访"}, at=after)
    world.publish()
    expiry = next(i for i in pd.items(world.store) if i.kind == "expiry")
    assert expiry.ref_leaf == decision.leaf_index and expiry.published_at == window.ends_at
    assert "公示期届满" in expiry.summary
    assert all(i.kind != "decision" for i in pd.current_items(world.store))
    page = fl.feed_page(world.store, "disclosures")
    assert decision.leaf_index not in {i.leaf_index for i in page.items if i.kind == "decision"}
    assert expiry.seq in {i.sequence for i in page.items}
    # …and it stays in the record: the archive keeps it, the decision row says how it ended.
    archived = [
        i for k in range(pd.count(world.store)) for i in fl.feed_page(world.store, "disclosures", archive=k, page_size=1).items
    ]
    assert decision.seq in {i.sequence for i in archived}
    assert next(i for i in pd.items(world.store) if i.seq == decision.seq).ended


def test_credit_repair_after_the_minimum_ends_publicity_early(world: Bureau) -> None:
    case, v, decided_at = one_case(world, organisation_case, START, "served", publish_after=2 * D)
    window = rules.publicity_window(decided_at, "general")
    repair_at = dt.datetime.combine(window.min_end + D, dt.time(2), tzinfo=dt.UTC)
    world.append(case, "payment.recorded", OFFICER_2, {"amount_fen": 1_500_000, "method": "bank", "receipt_ref": "3601-2026-000457",
                                                      "hard_to_collect": False, "remote_area": False}, at=decided_at + 5 * D)
    application = {"decision_version": v, "reason": "已履行并完成整改", "application_sha256": "c" * 64}
    world.append(case, "credit.repaired", HEAD, application, at=repair_at)
    world.publish()
    expiry = next(i for i in pd.items(world.store) if i.kind == "expiry")
    assert "信用修复" in expiry.summary and expiry.published_at == repair_at
    assert all(i.kind != "decision" for i in pd.current_items(world.store))


# -- 5. each item is in the log -------------------------------------------------------------------------------------
def test_items_leaf_index_and_entry_hash_verify_against_the_latest_checkpoint(world: Bureau) -> None:
    revoked_world(world)
    tree = Tree(world.store)
    latest = tree.latest_checkpoint()
    assert latest is not None
    vkey = parse_verifier_key(world.store.meta("log_vkey") or "")
    checkpoint = open_checkpoint(latest[1], vkey)
    feed = json.loads(fl.render_feed(world.store, "json", "disclosures"))
    sample = feed["items"]
    assert len(sample) >= 10
    for entry in sample:
        ext = entry["_zhifa"]
        leaf, leaf_hash = ext["leaf_index"], bytes.fromhex(ext["entry_hash"])
        proof = tree.inclusion_proof(leaf, checkpoint.size)
        assert merkle.verify_inclusion(leaf_hash, leaf, checkpoint.size, proof, checkpoint.root), entry["id"]
        assert entry["id"].endswith(f"disclosure/{leaf}")
        assert f"index={leaf}" in entry["external_url"]
    # A forged hash does not verify.
    ext = sample[0]["_zhifa"]
    forged = bytes.fromhex(ext["entry_hash"])[::-1]
    proof = tree.inclusion_proof(ext["leaf_index"], checkpoint.size)
    assert not merkle.verify_inclusion(forged, ext["leaf_index"], checkpoint.size, proof, checkpoint.root)


def test_nothing_is_public_before_it_is_sealed(world: Bureau) -> None:
    case, v, decided_at = one_case(world, organisation_case, START, "served")
    world.publish()
    before = pd.count(world.store)
    world.append(case, "disclosure.published", OFFICER_1, publish_payload(v), at=decided_at + 2 * D)
    world.project()  # projected, not sealed
    assert pd.count(world.store) == before
    assert all(i.kind != "decision" for i in pd.items(world.store))
    world.seal()
    assert pd.count(world.store) == before + 1


# -- 1. every feed kind parses, from real data ------------------------------------------------------------------------
def test_every_feed_kind_parses_with_chinese_dates_ids_and_links(world: Bureau) -> None:
    revoked_world(world)
    origin = world.store.meta("origin") or ""
    for fmt, (kind, key) in ((f, k) for f in feeds.FORMATS for k in KINDS):
        body = fl.render_feed(world.store, fmt, kind, key)
        page = fl.feed_page(world.store, kind, key)
        assert page.items, kind
        if fmt == "json":
            doc = json.loads(body)
            validate(doc, JSON_FEED_SCHEMA)
            got = [(i["id"], i["title"], dt.datetime.fromisoformat(i["date_published"])) for i in doc["items"]]
        else:
            parsed = feedparser.parse(body)
            assert parsed.bozo == 0, (kind, parsed.get("bozo_exception"))
            if fmt == "atom":
                _atom_required(etree.fromstring(body))
            for entry in parsed.entries:
                assert any(ln.get("rel") == "alternate" for ln in entry.links), (kind, entry.links)
            got = [(e.id, e.title, dt.datetime(*e.published_parsed[:6], tzinfo=dt.UTC)) for e in parsed.entries]
        want = [(feeds.item_id(origin, i), i.title, i.published.replace(microsecond=0)) for i in page.items]
        assert [(i, t, p.replace(microsecond=0)) for i, t, p in got] == want, kind
        assert all(re.search("[\u4e00-\u9fff]", t) for _, t, _ in got)


def test_feed_etags_follow_the_position_and_the_checkpoint_feed_has_one_a_minute(world: Bureau) -> None:
    case, v, decided_at = one_case(world, organisation_case, START, "served")
    world.publish()
    tag = fl.feed_etag(world.store, "atom", "disclosures")
    assert tag == fl.feed_etag(world.store, "atom", "disclosures")
    world.append(case, "disclosure.published", OFFICER_1, publish_payload(v), at=decided_at + 2 * D)
    world.publish()
    assert fl.feed_etag(world.store, "atom", "disclosures") != tag
    with world.store.db.read() as cur:
        created = [str(r[0]) for r in cur.execute("SELECT created_at FROM zhifa_checkpoints ORDER BY size").fetchall()]
    shown = fl.checkpoint_items(world.store)
    minutes = [i.published.strftime("%Y-%m-%dT%H:%M") for i in shown]
    assert len(minutes) == len(set(minutes)) == len({c[:16] for c in created})
    assert shown[0].tree_size is not None and shown[0].content and "\n" in shown[0].content


# -- 2. a subscriber who was away misses nothing --------------------------------------------------------------------
ZL = "{urn:zhifa-ledger:feed:1}"


def _walk(store: Any, fmt: feeds.Format, page_size: int) -> tuple[list[str], set[int]]:
    """A subscriber back after a long time: from the subscription document along prev-archive to the first page.
    Returns the ids seen, in feed order, and the leaves that the withdrawals and expiries seen name."""
    meta = fl.feed_meta(store, "disclosures")
    served: dict[str, bytes] = {}
    bounds = feeds.page_bounds(pd.count(store), page_size)
    for k in range(bounds.archives):
        served[page_url(meta, fmt, k)] = fl.render_feed(store, fmt, "disclosures", archive=k, page_size=page_size)
    served[page_url(meta, fmt)] = fl.render_feed(store, fmt, "disclosures", page_size=page_size)
    seen: list[str] = []
    named: set[int] = set()
    url: str | None = page_url(meta, fmt)
    while url is not None:
        body = served[url]
        if fmt == "json":
            doc = json.loads(body)
            seen = [i["id"] for i in doc["items"]] + seen
            named |= {i["_zhifa"][k] for i in doc["items"] for k in ("withdraws", "ends") if k in i["_zhifa"]}
            url = doc.get("next_url")
        else:
            parsed = feedparser.parse(body)
            assert parsed.bozo == 0
            seen = [e.id for e in parsed.entries] + seen
            root = etree.fromstring(body)
            named |= {int(el.text) for tag in ("withdraws", "ends") for el in root.iter(ZL + tag)}
            url = {ln["rel"]: ln["href"] for ln in parsed.feed.links}.get("prev-archive")
    return seen, named


def test_a_subscriber_walking_the_archives_recovers_every_item_with_no_duplicate(world: Bureau) -> None:
    revoked_world(world)
    case, _, _ = one_case(world, organisation_case, START + 70 * D, "served", publish_after=2 * D)
    world.append(case, "case.note", OFFICER_1, {"text": "一年后"}, at=START + 500 * D)  # the decision has expired
    world.publish()
    origin = world.store.meta("origin") or ""
    everything = pd.items(world.store)
    assert {i.kind for i in everything} >= {"decision", "withdrawal", "expiry", "catalog_item", "officer", "notice", "credentials"}
    expected = [feeds.item_id(origin, fl.feed_item(i)) for i in everything]
    for fmt, page_size in ((f, p) for f in feeds.FORMATS for p in (3, 7, len(everything) + 5)):
        seen, named = _walk(world.store, fmt, page_size)
        assert len(seen) == len(set(seen)), "no duplicate"
        assert [s for s in expected if s in seen] == seen, "in publication order"
        # Every item ever published is seen, or — a decision ended while still on the subscription document, which
        # it then leaves — named by the withdrawal or expiry that ended it, which is seen.
        recovered = set(seen) | {i for i in expected for leaf in named if i.endswith(f"disclosure/{leaf}")}
        assert recovered == set(expected)
    seen, _ = _walk(world.store, "atom", 3)
    assert len(seen) >= len(everything) - 1  # with small pages only the newest ended decision is not on a page


def test_archive_pages_never_change_as_the_log_grows(world: Bureau) -> None:
    revoked_world(world)
    before = {k: fl.render_feed(world.store, "atom", "disclosures", archive=k, page_size=4)
              for k in range(feeds.page_bounds(pd.count(world.store), 4).archives)}
    case, _, _ = one_case(world, organisation_case, START + 70 * D, "served", publish_after=2 * D)
    world.append(case, "case.note", OFFICER_1, {"text": "一年后"}, at=START + 500 * D)  # the decision has expired
    world.publish()
    for k, body in before.items():
        assert fl.render_feed(world.store, "atom", "disclosures", archive=k, page_size=4) == body


def test_a_rebuild_gives_the_same_items(world: Bureau) -> None:
    revoked_world(world)
    first = [i.public_dict() for i in pd.items(world.store)]
    runner = world.project()
    runner.rebuild("disclosures")
    assert [i.public_dict() for i in pd.items(world.store)] == first


# -- 3. privacy ---------------------------------------------------------------------------------------------------------
def _id_number(seed: int) -> str:
    first17 = f"36010219{80 + seed % 20:02d}{1 + seed % 12:02d}{1 + seed % 28:02d}{seed % 1000:03d}"
    weights = [pow(2, 17 - i, 11) for i in range(17)]
    number = first17 + "10X98765432"[sum(int(c) * w for c, w in zip(first17, weights, strict=True)) % 11]
    assert id_card_checksum_ok(number)
    return number


def _with_party(steps: list[Any], party: dict[str, Any], secret_text: str) -> list[Any]:
    out = copy.deepcopy(steps)
    for step in out:
        if "party" in step.payload and step.payload["party"] is not None:
            step.payload["party"] = party
        if step.type in ("decision.made", "simple.decided", "notice.issued") and "facts" in step.payload:
            step.payload["facts"] = step.payload["facts"] + secret_text
        if step.type in ("decision.made", "simple.decided") and "basis" in step.payload:
            step.payload["basis"] = step.payload["basis"] + "；当事人账户 6222 0212 3456 7890 123"
    return out


def test_no_public_output_carries_an_id_number_phone_address_or_bank_account(world: Bureau) -> None:
    secrets: list[str] = []
    plan = Plan()
    for n, (build, until) in enumerate([(hearing_case, "served"), (no_penalty_case, "served"), (simple_case, "paid")]):
        id_number, phone = _id_number(n + 7), f"1380791{n:04d}"
        account, address = f"62170020000{n:08d}", f"江西省南昌市红谷滩区丰和中大道{1099 + n}号5栋2单元1203室"
        name = ["李建国", "欧阳娜娜", "王小明"][n]
        secrets += [id_number, phone, account, f"{1099 + n}号", "1203室", name]
        party = {"kind": "natural_person", "name": name, "uscc": None, "id_number": id_number,
                 "person": PARTY_STORE if build is hearing_case else None, "address": address}
        text = f"。当事人{name}（身份证号{id_number}，电话{phone}，住{address}，银行卡{account}）"
        start = START + n * 3 * D
        case, version, at = plan.case(_with_party(build(start, until=until), party, text), start)
        assert version is not None and at is not None
        payload = publish_payload(version)
        if build is simple_case:
            payload["publicity_class"] = "minor"
        plan.act(case, "disclosure.published", OFFICER_1, payload, at + 2 * D)
    world.run(plan)
    secrets.append("6222 0212 3456 7890 123")
    world.publish()
    outputs: list[str] = []
    for fmt in feeds.FORMATS:
        for kind, key in KINDS:
            outputs.append(fl.render_feed(world.store, fmt, kind, key).decode())
            for k in range(feeds.page_bounds(fl.count(world.store, kind, key), 5).archives):
                outputs.append(fl.render_feed(world.store, fmt, kind, key, archive=k, page_size=5).decode())
    public = [i.public_dict() for i in pd.items(world.store)]
    outputs.append(json.dumps(public, ensure_ascii=False))
    outputs.append(json.dumps([d.as_dict(local_date(world.clock.now)) for d in pd.duties(world.store)], ensure_ascii=False))
    outputs.append(json.dumps(pd.officer_directory(world.store), ensure_ascii=False))
    blob = "\n".join(outputs)
    for secret in secrets:
        assert secret not in blob, secret
        assert re.sub(r"\s", "", secret) not in re.sub(r"\s", "", blob), secret
    for item in public:
        for field in ("title", "summary", "party_name", "reason"):
            value = item[field]
            assert value is None or not contains_personal_data(value), (field, value)
    decisions = [i for i in public if i["kind"] == "decision"]
    assert len(decisions) == 3 and {"李某", "欧阳某", "王某"} <= {i["party_name"] for i in decisions}
    assert all(i["party_uscc"] is None for i in decisions)
    directory = pd.officer_directory(world.store)
    assert directory and all(c["number"] and c["status"] for o in directory for c in o["certificates"])


def test_sole_traders_and_companies_are_named_with_their_code(world: Bureau) -> None:
    one_case(world, organisation_case, START, "served", publish_after=2 * D)
    world.publish()
    [decision] = [i for i in pd.items(world.store) if i.kind == "decision"]
    assert (decision.party_name, decision.party_uscc) == (COMPANY["name"], COMPANY["uscc"])
    assert COMPANY["uscc"] in decision.summary
    party_feed = msgspec.json.decode(fl.render_feed(world.store, "json", "party", COMPANY["uscc"]))
    assert {i["_zhifa"]["kind"] for i in party_feed["items"]} >= {"decision", "notice"}
    assert fl.feed_page(world.store, "party", STORE["uscc"]).items == ()


def test_the_officer_directory_follows_certificate_acts(world: Bureau) -> None:
    from zhifa.scenarios import OFFICER_3

    world.publish()
    [before] = [o for o in pd.officer_directory(world.store) if o["name"] == "执法队员丙"]
    assert [c["status"] for c in before["certificates"]] == ["active"]
    number = before["certificates"][0]["number"]
    authority = next(k for k in world.keys if k.startswith("authority/"))
    world.append(f"person:{OFFICER_3}", "certificate.suspended", authority, {"number": number, "reason": "年度考核未通过"},
                 at=START + D)
    world.publish()
    [after] = [o for o in pd.officer_directory(world.store) if o["name"] == "执法队员丙"]
    assert [c["status"] for c in after["certificates"]] == ["suspended"]
    newest = pd.items(world.store)[-1]
    assert newest.kind == "officer" and "暂扣" in newest.title and number in newest.summary
    assert pd.officer_directory(world.store, agency="agency/none") == []


def test_conditional_requests_get_304_on_the_feeds_validators(world: Bureau) -> None:
    one_case(world, organisation_case, START, "served", publish_after=2 * D)
    world.publish()
    tag = fl.feed_etag(world.store, "json", "disclosures")
    modified = fl.feed_last_modified(world.store, "disclosures")
    assert modified == max(i.published_at for i in pd.items(world.store))
    assert feeds.not_modified(tag, modified, tag, None)
    assert feeds.not_modified(tag, modified, None, feeds.last_modified(modified))
    assert not feeds.not_modified(fl.feed_etag(world.store, "atom", "disclosures"), modified, tag, None)
    archive_tag = fl.feed_etag(world.store, "json", "disclosures", archive=0, page_size=5)
    plan = Plan()
    plan.case(organisation_case(START + 40 * D, until="investigating"), START + 40 * D)  # credentials shown: an item
    world.run(plan)
    world.publish()
    assert fl.feed_etag(world.store, "json", "disclosures") != tag
    assert fl.feed_etag(world.store, "json", "disclosures", archive=0, page_size=5) == archive_tag


def test_a_refused_disclosure_act_writes_nothing_to_the_ledger(world: Bureau) -> None:
    from domain import refusals as r
    from domain.law import GB118

    case, v, decided_at = one_case(world, organisation_case, START, "served", publish_after=2 * D)
    position = world.store.position()
    with pytest.raises(r.AlreadyDisclosed) as info:
        world.append(case, "disclosure.published", OFFICER_1, publish_payload(v), at=decided_at + 3 * D)
    assert (info.value.code, info.value.cited_article) == ("already-disclosed", GB118)
    assert world.store.position() == position
    world.publish()
    assert sum(1 for i in pd.items(world.store) if i.kind == "decision") == 1


# -- 4. the maximum period on a quiet ledger --------------------------------------------------------------------------
def _json_items(store: Any, as_of: dt.datetime | None, kind: feeds.FeedKind = "disclosures", key: str | None = None,
                ) -> dict[str, dict[str, Any]]:
    doc = json.loads(fl.render_feed(store, "json", kind, key, as_of=as_of))
    validate(doc, JSON_FEED_SCHEMA)
    return {i["id"]: i for i in doc["items"]}


def test_a_decision_leaves_the_current_feeds_at_its_maximum_period_though_no_act_follows(world: Bureau) -> None:
    case, _, decided_at = one_case(world, organisation_case, START, "served", publish_after=2 * D)
    world.publish()
    origin = world.store.meta("origin") or ""
    [decision] = [i for i in pd.items(world.store) if i.kind == "decision"]
    window = rules.publicity_window(decided_at, "general")
    before, after = window.ends_at - dt.timedelta(seconds=1), window.ends_at + dt.timedelta(hours=1)
    decision_id = feeds.item_id(origin, fl.feed_item(decision))
    keyed: list[tuple[feeds.FeedKind, str | None]] = [
        ("disclosures", None), ("agency", BUREAU), ("domain", MARKET), ("party", COMPANY["uscc"])]
    archives = {k: fl.render_feed(world.store, "atom", kind, key, archive=0, page_size=1) for k, (kind, key) in enumerate(keyed)}
    for kind, key in keyed:
        assert decision_id in _json_items(world.store, before, kind, key)
        # The last public day has passed and nothing was recorded since: the decision has left every current feed…
        shown = _json_items(world.store, after, kind, key)
        assert decision_id not in shown, kind
        # …and the expiry item the view will append stands in its place, naming the decision's leaf.
        [expiry] = [i for i in shown.values() if i["_zhifa"]["kind"] == "expiry"]
        assert expiry["_zhifa"]["ends"] == decision.leaf_index and "公示期届满" in expiry["content_text"]
        assert dt.datetime.fromisoformat(expiry["date_published"]) == window.ends_at.replace(microsecond=0)
        for fmt in ("atom", "rss"):
            parsed = feedparser.parse(fl.render_feed(world.store, fmt, kind, key, as_of=after))
            assert parsed.bozo == 0
            ids = {e.id for e in parsed.entries}
            assert decision_id not in ids and expiry["id"] in ids
    assert pd.items(world.store)[-1].kind != "expiry"  # the view appended nothing: the log did not move
    # Validators move with it, from the data: a new ETag, Last-Modified the end of the period (not the clock).
    assert fl.feed_etag(world.store, "atom", "disclosures", as_of=after) != fl.feed_etag(world.store, "atom", "disclosures", as_of=before)
    assert fl.feed_etag(world.store, "atom", "disclosures", as_of=after) == fl.feed_etag(
        world.store, "atom", "disclosures", as_of=after + 300 * D)
    assert fl.feed_last_modified(world.store, "disclosures", as_of=after) == window.ends_at
    assert fl.feed_page(world.store, "disclosures", as_of=after + 300 * D) == fl.feed_page(world.store, "disclosures", as_of=after)
    pending = _json_items(world.store, after)
    documents = {fmt: fl.render_feed(world.store, fmt, "disclosures", as_of=after) for fmt in feeds.FORMATS}
    # A rebuild of the same ledger renders the same documents byte for byte.
    world.project().rebuild("disclosures")
    assert {fmt: fl.render_feed(world.store, fmt, "disclosures", as_of=after) for fmt in feeds.FORMATS} == documents
    # When an act is finally recorded, the view appends exactly that expiry item: same id, same bytes.
    world.append(case, "case.note", OFFICER_1, {"text": "公示期满后回访"}, at=after + 30 * D)
    world.publish()
    expiry_id = next(i for i, v in pending.items() if v["_zhifa"]["kind"] == "expiry")
    assert _json_items(world.store, None)[expiry_id] == pending[expiry_id]
    assert _json_items(world.store, after + 30 * D)[expiry_id] == pending[expiry_id]
    assert [i.kind for i in pd.items(world.store)].count("expiry") == 1
    # Archive pages never changed.
    assert {k: fl.render_feed(world.store, "atom", kind, key, archive=0, page_size=1)
            for k, (kind, key) in enumerate(keyed)} == archives
