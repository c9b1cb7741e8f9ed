"""Ready, legal act sequences: the registry a bureau needs and cases taken to each stage of the procedure.

The demo and the end-to-end tests sign these with real keys and append them through the ledger; the domain tests
apply them directly (``tests.builders``). A :class:`Step` is (stream, act type, actor, payload, offset from the
start); ``stream`` is None for the scenario's own case. Payloads are complete canonical dicts (every field
present, timestamps ``YYYY-MM-DDTHH:MM:SS.ffffffZ``, money in fen). Offsets leave room for the law's windows in
any season — a statement window of 5 working days can span a week-long Spring Festival — so every sequence stays
legal whatever start date it is given (start at 09:00 Beijing time, 01:00 UTC, for office hours).

The cast mirrors practice in 赣江新区 (``seeds/000``): one comprehensive bureau over market supervision and urban
management, a township (乐化镇) holding a delegated item by a published provincial-level decision, and a township
(蛟桥镇) acting on an item entrusted by the bureau, in the bureau's name. Keys are the caller's business: register
one per :data:`CAST` member (``key.registered`` with the member's role and agency) before :func:`setup_steps`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

import msgspec

from domain.calendar import local_date, shift_years

BUREAU = "agency/360100-zhzf"
LEHUA = "agency/360100-lehua"
JIAOQIAO = "agency/360100-jiaoqiao"
REGULATOR = "agency/360100-scjg"  # 赣江新区市场监管局: refers leads to the bureau (管罚分离)
ENTRUSTMENT_TERM_YEARS = 5  # the demo letter's term (the APL sets none: the letter states it, Art 20)

CATALOG_KEEPER = "staff/3601-catalog"
OFFICER_1 = "officer/3601-0001"
OFFICER_2 = "officer/3601-0002"
OFFICER_3 = "officer/3601-0003"
REVIEWER = "officer/3601-0004"
HEAD = "officer/3601-0005"
DEPUTY_HEAD_1 = "officer/3601-0008"
DEPUTY_HEAD_2 = "officer/3601-0009"
DEPUTY_HEADS = frozenset({DEPUTY_HEAD_1, DEPUTY_HEAD_2})
URBAN_ONLY = "officer/3601-0006"
AUXILIARY = "aux/3601-0101"
SUPERVISOR = "supervisor/3601-0201"
LEHUA_HEAD = "officer/lehua-0001"
LEHUA_1 = "officer/lehua-0002"
LEHUA_2 = "officer/lehua-0003"
JIAOQIAO_HEAD = "officer/jiaoqiao-0001"
JIAOQIAO_1 = "officer/jiaoqiao-0002"
JIAOQIAO_2 = "officer/jiaoqiao-0003"
PARTY_STORE = "party/92360100MA38K6T1RD"

ITEM_EXPIRED_FOOD = "JX-SJ-0124"
ITEM_LICENCE_DISPLAY = "JX-SJ-0045"
ITEM_ROAD_OCCUPATION = "JX-CG-0042"
ITEM_GRAFFITI = "JX-CG-0034"

MARKET = "market_supervision"
URBAN = "urban_management"


@dataclass(frozen=True)
class CastMember:
    id: str
    name: str
    role: str
    agency: str | None
    domains: tuple[str, ...] = ()  # certificate domains (officers only)


CAST: tuple[CastMember, ...] = (
    CastMember(CATALOG_KEEPER, "目录管理员", "catalog_keeper", BUREAU),
    CastMember(OFFICER_1, "执法队员甲", "officer", BUREAU, (MARKET, URBAN)),
    CastMember(OFFICER_2, "执法队员乙", "officer", BUREAU, (MARKET, URBAN)),
    CastMember(OFFICER_3, "执法队员丙", "officer", BUREAU, (MARKET, URBAN)),
    CastMember(REVIEWER, "法制审核员", "legal_reviewer", BUREAU),
    CastMember(HEAD, "局长", "agency_head", BUREAU),
    CastMember(DEPUTY_HEAD_1, "副局长甲", "agency_head", BUREAU),
    CastMember(DEPUTY_HEAD_2, "副局长乙", "agency_head", BUREAU),
    CastMember(URBAN_ONLY, "城管队员", "officer", BUREAU, (URBAN,)),
    CastMember(AUXILIARY, "协管员", "auxiliary", BUREAU),
    CastMember(SUPERVISOR, "特邀监督员", "supervisor", BUREAU),
    CastMember(LEHUA_HEAD, "乐化镇镇长", "agency_head", LEHUA),
    CastMember(LEHUA_1, "乐化镇执法队员甲", "officer", LEHUA, (URBAN,)),
    CastMember(LEHUA_2, "乐化镇执法队员乙", "officer", LEHUA, (URBAN,)),
    CastMember(JIAOQIAO_HEAD, "蛟桥镇镇长", "agency_head", JIAOQIAO),
    CastMember(JIAOQIAO_1, "蛟桥镇执法队员甲", "officer", JIAOQIAO, (URBAN,)),
    CastMember(JIAOQIAO_2, "蛟桥镇执法队员乙", "officer", JIAOQIAO, (URBAN,)),
    CastMember(PARTY_STORE, "南昌市红谷滩区某某食品店", "party", None),
)

STORE = {
    "kind": "sole_trader",
    "name": "南昌市红谷滩区某某食品店",
    "uscc": "92360100MA38K6T1RD",
    "id_number": None,
    "person": PARTY_STORE,
    "address": None,
}
COMPANY = {
    "kind": "organisation",
    "name": "江西某某商贸有限公司",
    "uscc": "91360100MA35L7Q2XR",
    "id_number": None,
    "person": None,
    "address": None,
}
CITIZEN = {"kind": "natural_person", "name": "张某某", "uscc": None, "id_number": None, "person": None, "address": None}


@dataclass(frozen=True)
class Step:
    type: str
    actor: str
    payload: dict[str, Any]
    offset: dt.timedelta
    stream: str | None = None


def ts(moment: dt.datetime) -> str:
    """The canonical timestamp text: UTC, six fractional digits, ``Z``."""
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _canonical(value: Any) -> Any:
    """Payload dicts as the act format wants them: timestamps and dates as text, every key present."""
    if isinstance(value, dict):
        return {k: _canonical(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_canonical(v) for v in value]
    if isinstance(value, dt.datetime):
        return ts(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _sha(label: str) -> str:
    import hashlib

    return hashlib.sha256(label.encode()).hexdigest()


@dataclass
class _Script:
    """Collects steps for one case, keeping the version each act will take (for co-signatures)."""

    start: dt.datetime
    steps: list[Step] = field(default_factory=list)

    def at(self, days: float, hours: float = 0) -> dt.datetime:
        return self.start + dt.timedelta(days=days, hours=hours)

    def add(self, days: float, type: str, actor: str, payload: dict[str, Any], hours: float = 0) -> int:
        self.steps.append(Step(type, actor, _canonical(payload), dt.timedelta(days=days, hours=hours)))
        return len(self.steps)

    def cosign(self, days: float, version: int, *people: str, hours: float = 0) -> None:
        for i, person in enumerate(people):
            self.add(days, "act.cosigned", person, {"act_version": version}, hours=hours + 0.1 * (i + 1))


# -- registry setup ----------------------------------------------------------------------------------------------
def _item(agency: str, domain: str, name: str, basis: str, kinds: list[str], lo: int, hi: int, bands: list[tuple[str, int, int]], **flags: bool) -> dict[str, Any]:
    return {
        "agency": agency,
        "domain": domain,
        "name": name,
        "basis": basis,
        "penalty_kinds": kinds,
        "fine_min_fen": lo,
        "fine_max_fen": hi,
        "bands": [{"level": lvl, "min_fen": a, "max_fen": b, "description": ""} for lvl, a, b in bands],
        "exemption_list": flags.get("exemption_list", False),
        "light_penalty_list": flags.get("light_penalty_list", False),
        "no_coercion_list": flags.get("no_coercion_list", False),
        "life_health_finance": flags.get("life_health_finance", False),
        "effective_from": None,
    }


ITEMS: dict[str, dict[str, Any]] = {
    ITEM_EXPIRED_FOOD: _item(
        BUREAU, MARKET, "经营超过保质期的食品", "《中华人民共和国食品安全法》第一百二十四条",
        ["fine", "confiscate_gains", "confiscate_property", "suspend_business", "revoke_permit"],
        5_000_000, 10_000_000,
        [("mitigated", 1_000_000, 5_000_000), ("lighter", 5_000_000, 6_500_000),
         ("general", 6_500_001, 8_500_000), ("heavier", 8_500_001, 10_000_000)],
        life_health_finance=True,
    ),
    ITEM_LICENCE_DISPLAY: _item(
        BUREAU, MARKET, "未按规定公示营业执照", "《市场主体登记管理条例》第四十八条",
        ["fine"], 0, 3_000_000,
        [("lighter", 1, 1_000_000), ("general", 1_000_001, 2_000_000), ("heavier", 2_000_001, 3_000_000)],
        exemption_list=True, no_coercion_list=True,
    ),
    ITEM_ROAD_OCCUPATION: _item(
        BUREAU, URBAN, "擅自占用城市道路", "《城市道路管理条例》第四十二条",
        ["fine"], 0, 2_000_000,
        [("lighter", 1, 500_000), ("general", 500_001, 1_500_000), ("heavier", 1_500_001, 2_000_000)],
        light_penalty_list=True,
    ),
    ITEM_GRAFFITI: _item(
        BUREAU, URBAN, "在城市建筑物、设施以及树木上涂写、刻画", "《城市市容和环境卫生管理条例》第三十四条",
        ["warning", "fine"], 0, 100_000, [],
    ),
}


def setup_steps(start: dt.datetime, authority: str) -> list[Step]:
    """Registry acts after the cast's keys: agencies, domains, items, delegation, entrustment, people, certificates.

    Catalog acts are signed by the catalog keeper; personnel acts by ``authority`` (the admitted personnel
    authority). Certificates run from a year before ``start`` to five years after it.
    """
    steps: list[Step] = []
    minute = 0

    def add(stream: str, type: str, actor: str, payload: dict[str, Any]) -> None:
        nonlocal minute
        minute += 1
        steps.append(Step(type, actor, _canonical(payload), dt.timedelta(minutes=minute), stream))

    for agency, name, kind, parent in (
        (BUREAU, "赣江新区综合行政执法局", "bureau", None),
        (LEHUA, "乐化镇人民政府", "township", BUREAU),
        (JIAOQIAO, "蛟桥镇人民政府", "township", BUREAU),
    ):
        add(f"agency:{agency}", "agency.registered", CATALOG_KEEPER, {"name": name, "kind": kind, "parent": parent, "region": "360100"})
    for agency, domain in ((BUREAU, MARKET), (BUREAU, URBAN), (LEHUA, URBAN), (JIAOQIAO, URBAN)):
        add(f"agency:{agency}", "domain.registered", CATALOG_KEEPER, {"domain": domain, "name": None, "basis": "赣府字〔2022〕18号（相对集中行政处罚权）"})
    for code, terms in ITEMS.items():
        add(f"item:{code}", "item.added", CATALOG_KEEPER, terms)
    published = start - dt.timedelta(days=30)
    add(f"item:{ITEM_ROAD_OCCUPATION}", "delegation.granted", CATALOG_KEEPER, {
        "from_agency": BUREAU, "to_agency": LEHUA, "instrument": "赣府发〔2024〕12号（赋权乡镇）",
        "published_at": published, "effective_from": None,
    })
    # The letter (委托书, APL Art 20) names the item entrusted and its term: five years from its publication.
    add(f"item:{ITEM_GRAFFITI}", "entrustment.granted", HEAD, {
        "from_agency": BUREAU, "to_agency": JIAOQIAO, "instrument": "赣新综执委〔2024〕3号（委托书）",
        "published_at": published, "effective_from": None, "scope": [ITEM_GRAFFITI],
        "valid_until": shift_years(local_date(published), ENTRUSTMENT_TERM_YEARS),
    })
    day = local_date(start)
    for member in CAST:
        if member.role == "party":
            continue
        stream = f"person:{member.id}"
        add(stream, "person.registered", authority, {"name": member.name, "agency": member.agency, "roles": [member.role], "staff_number": None})
        if member.id in DEPUTY_HEADS:
            # 副局长: heads who decide and discuss cases, but not the principal head who approves a transfer of a
            # suspected crime (国务院令第310号 Art 5).
            add(stream, "role.assigned", authority, {"role": "agency_head", "agency": member.agency, "deputy": True})
        if member.domains:
            add(stream, "exam.passed", authority, {"exam": "江西省行政执法资格考试", "passed_on": day - dt.timedelta(days=400), "score": 86})
            add(stream, "certificate.issued", authority, {
                "number": f"赣{member.id.split('/')[-1]}",
                "agency": member.agency,
                "domains": list(member.domains),
                "valid_from": day - dt.timedelta(days=365),
                "valid_until": day + dt.timedelta(days=5 * 365),
            })
            add(stream, "training.recorded", authority, {"year": day.year, "hours": 64, "course": "综合行政执法业务培训"})
    return steps


# -- case scenarios ----------------------------------------------------------------------------------------------
def _lead(sc: _Script, item: str | None, party: dict[str, Any] | None, source: str = "complaint", channel: str = "12345", actor: str = OFFICER_1, agency: str = BUREAU, referred_by: str | None = None) -> None:
    sc.add(0, "lead.received", actor, {
        "source": source, "channel": channel, "summary": "群众反映某食品店销售过期食品",
        "catalog_item": item, "agency": agency, "referred_by": referred_by, "referral_ref": None,
        "ticket": "12345-20260301-0001" if channel == "12345" else None, "party": party, "officers": [],
    })


def _file(sc: _Script, item: str, party: dict[str, Any], actor: str = OFFICER_1, day: float = 1, **flags: bool) -> None:
    sc.add(day, "case.filed", actor, {
        "facts": "经核查，当事人涉嫌违法，予以立案", "catalog_item": item, "party": party,
        "violation_began": local_date(sc.start) - dt.timedelta(days=40),
        "violation_ended": local_date(sc.start) - dt.timedelta(days=10),
        "major_public_interest": flags.get("major_public_interest", False), "complex": flags.get("complex", False),
    })


def _investigate(sc: _Script, a: str = OFFICER_1, b: str = OFFICER_2, head: str = HEAD, day: float = 2) -> None:
    sc.add(day, "officers.assigned", head, {"officers": [a, b]})
    sc.add(day, "credentials.shown", a, {"officers": [a, b], "to": "party"}, hours=1)
    sc.add(day, "rights.informed", a, {"officers": [a, b], "rights": ["陈述权", "申辩权", "申请回避权"]}, hours=1.2)
    v = sc.add(day, "inspection.recorded", a, {
        "officers": [a, b], "place": "经营场所", "findings": "货架上陈列超过保质期的食品",
        "record_sha256": _sha(f"{sc.start}inspection"), "party_present": True,
    }, hours=2)
    sc.cosign(day, v, b, hours=2)
    v = sc.add(day + 1, "evidence.collected", b, {
        "kind": "physical", "sha256": _sha(f"{sc.start}photo"), "size": 2_345_678, "officers": [a, b],
        "collected_at": sc.at(day, 2.5), "description": "现场照片及过期食品实物", "source": "现场检查",
    })
    sc.cosign(day + 1, v, a)
    v = sc.add(day + 2, "interview.recorded", a, {
        "officers": [a, b], "interviewee": "经营者", "record_sha256": _sha(f"{sc.start}interview"),
    })
    sc.cosign(day + 2, v, b)


def _notice(sc: _Script, day: float, penalties: list[str], fine: int, confiscation: int = 0, band: str | None = "lighter", basis: str = "《中华人民共和国食品安全法》第一百二十四条") -> None:
    sc.add(day, "notice.issued", OFFICER_1, {
        "facts": "经调查，当事人违法事实清楚", "basis": basis,
        "penalties": penalties, "fine_fen": fine, "confiscation_fen": confiscation, "band": band,
        "major_public_interest": False, "complex": False,
    })
    _serve(sc, day, "notice", hours=1)


def _serve(sc: _Script, day: float, document: str, hours: float = 0) -> None:
    sc.add(day, "service.recorded", OFFICER_2, {
        "document": document, "method": "direct", "consent_ref": None, "confirmation_ref": None, "receipt_sha256": None,
    }, hours=hours)


def _decide(sc: _Script, day: float, penalties: list[str], fine: int, confiscation: int = 0, band: str | None = "lighter", **extra: Any) -> None:
    payload: dict[str, Any] = {
        "penalties": penalties, "facts": "当事人经营超过保质期的食品，事实清楚，证据确凿",
        "basis": "《中华人民共和国食品安全法》第一百二十四条", "violation_ended": local_date(sc.start) - dt.timedelta(days=10),
        "fine_fen": fine, "confiscation_fen": confiscation, "band": band, "reason_outside_band": None,
        "violation_began": local_date(sc.start) - dt.timedelta(days=40), "first_violation": False,
        "corrected": False, "harm": "harmful", "life_health_finance_harm": False,
        "minor": False, "no_fault_proven": False, "deciding_agency": BUREAU,
    }
    payload.update(extra)
    sc.add(day, "decision.made", HEAD, payload)


def hearing_case(start: dt.datetime, until: str = "archived") -> list[Step]:
    """General procedure against a sole trader, with statement, hearing, legal review, decision, payment."""
    sc = _Script(start)
    stages: list[tuple[str, Callable[[], object]]] = []
    penalties, fine, gains = ["fine", "confiscate_gains"], 6_000_000, 120_000

    stages.append(("lead", lambda: _lead(sc, ITEM_EXPIRED_FOOD, STORE)))
    stages.append(("filed", lambda: _file(sc, ITEM_EXPIRED_FOOD, STORE)))
    stages.append(("investigating", lambda: _investigate(sc)))

    def notified() -> None:
        sc.add(8, "legal.reviewed", REVIEWER, {"outcome": "passed", "opinion": "事实清楚，证据充分，拟处罚适当"})
        _notice(sc, 10, penalties, fine, gains)

    stages.append(("notified", notified))

    def hearing() -> None:
        sc.add(12, "statement.made", PARTY_STORE, {
            "summary": "当事人称系供货商责任，请求从轻", "content_sha256": _sha(f"{start}statement"), "paper_sha256": None,
            "posted_on": None, "envelope_sha256": None,
        })
        sc.add(13, "hearing.requested", PARTY_STORE, {"paper_sha256": None, "posted_on": None, "envelope_sha256": None})
        sc.add(14, "hearing.scheduled", HEAD, {
            "presider": OFFICER_3, "hearing_at": sc.at(35), "place": "执法局听证室", "public": True, "reason_not_public": None,
        })

    stages.append(("hearing", hearing))

    def decided() -> None:
        sc.add(35, "hearing.held", OFFICER_3, {"presider": OFFICER_3, "party_present": True, "attendees": [OFFICER_1, OFFICER_2]})
        sc.add(35, "hearing.recorded", OFFICER_3, {"record_sha256": _sha(f"{start}hearing"), "signed_by_party": True}, hours=2)
        sc.add(37, "legal.reviewed", REVIEWER, {"outcome": "passed", "opinion": "听证后维持拟处罚意见"})
        _decide(sc, 40, penalties, fine, gains)

    stages.append(("decided", decided))
    stages.append(("served", lambda: _serve(sc, 40, "decision", hours=2)))
    stages.append(("paid", lambda: sc.add(50, "payment.recorded", OFFICER_2, {
        "amount_fen": fine + gains, "method": "bank", "receipt_ref": "非税收入缴款书 3601-2026-000123", "hard_to_collect": False, "remote_area": False,
    })))
    stages.append(("closed", lambda: sc.add(52, "case.closed", OFFICER_1, {"summary": "罚没款已缴清"})))
    stages.append(("archived", lambda: sc.add(55, "case.archived", OFFICER_1, {"file_sha256": _sha(f"{start}file"), "pages": 48})))
    stages.append(("followed_up", lambda: sc.add(70, "follow_up.visited", SUPERVISOR, {"satisfaction": 4, "notes": "当事人已整改"})))
    return _until(sc, stages, until)


def _until(sc: _Script, stages: list[tuple[str, Callable[[], object]]], until: str) -> list[Step]:
    names = [name for name, _ in stages]
    if until not in names:
        raise KeyError(f"no stage {until!r}; stages are {names}")
    for name, build in stages:
        build()
        if name == until:
            break
    return sc.steps


def organisation_case(start: dt.datetime, until: str = "archived") -> list[Step]:
    """General procedure against a company without a hearing right (fine below 100,000 yuan); reconsideration."""
    sc = _Script(start)
    fine = 1_500_000
    stages: list[tuple[str, Callable[[], object]]] = [
        ("lead", lambda: _lead(sc, ITEM_LICENCE_DISPLAY, COMPANY, source="random_inspection", channel="双随机")),
        ("filed", lambda: _file(sc, ITEM_LICENCE_DISPLAY, COMPANY)),
        ("investigating", lambda: _investigate(sc)),
        ("notified", lambda: _notice(sc, 8, ["fine"], fine, band="general", basis="《市场主体登记管理条例》第四十八条")),
        ("decided", lambda: _decide(sc, 26, ["fine"], fine, band="general", basis="《市场主体登记管理条例》第四十八条")),
        ("served", lambda: _serve(sc, 26, "decision", hours=2)),
        ("under_reconsideration", lambda: sc.add(30, "reconsideration.filed", OFFICER_2, {"body": "赣江新区管委会（行政复议机关）", "posted_on": None, "envelope_sha256": None})),
        ("paid", lambda: sc.add(35, "payment.recorded", OFFICER_2, {"amount_fen": fine, "method": "online", "receipt_ref": "3601-2026-000456", "hard_to_collect": False, "remote_area": False})),
        ("reconsidered", lambda: sc.add(80, "reconsideration.decided", OFFICER_2, {"outcome": "upheld", "changed_fine_fen": None, "final": True, "served_at": None})),
        ("closed", lambda: sc.add(83, "case.closed", OFFICER_1, {"summary": "复议维持，罚款已缴清"})),
        ("archived", lambda: sc.add(85, "case.archived", OFFICER_1, {"file_sha256": _sha(f"{start}org"), "pages": 31})),
    ]
    return _until(sc, stages, until)


def court_enforcement_case(start: dt.datetime, until: str = "closed") -> list[Step]:
    """Unpaid fine: written reminder, late fee, court enforcement after the remedy periods, closure."""
    steps = organisation_case(start, until="served")
    sc = _Script(start, list(steps))
    stages: list[tuple[str, Callable[[], object]]] = [
        ("reminded", lambda: sc.add(60, "reminder.sent", OFFICER_1, {"amount_due_fen": 1_500_000, "method": "direct"})),
        ("late_fee", lambda: sc.add(61, "late_fee.assessed", OFFICER_1, {"amount_fen": 45_000, "as_of": local_date(sc.at(61))})),
        ("court_enforcement", lambda: sc.add(26 + 200, "court_enforcement.applied", HEAD, {"court": "南昌铁路运输法院"})),
        ("executed", lambda: sc.add(26 + 260, "court_enforcement.concluded", OFFICER_1, {"outcome": "executed", "ruling_ref": "（2026）赣7101行审1号"})),
        ("closed", lambda: sc.add(26 + 262, "case.closed", OFFICER_1, {"summary": "法院强制执行完毕"})),
    ]
    return _until(sc, stages, until)


def declined_referral(start: dt.datetime, until: str = "archived") -> list[Step]:
    """A regulator's referral (管罚分离) declined with reasons, the result sent back (抄告), archived."""
    sc = _Script(start)
    stages: list[tuple[str, Callable[[], object]]] = [
        ("lead", lambda: _lead(sc, ITEM_LICENCE_DISPLAY, COMPANY, source="referral", channel="赣江新区市场监管局", referred_by=REGULATOR)),
        ("declined", lambda: sc.add(3, "case.declined", OFFICER_1, {"ground": "insufficient_evidence", "reason": "经核查，现有证据不足以证明违法事实"})),
        ("reported_back", lambda: sc.add(3, "referral.result_sent", OFFICER_1, {"to": REGULATOR, "result": "declined", "copy_to": ["agency/360100-xzsp"], "note": "不予立案"}, hours=2)),
        ("archived", lambda: sc.add(5, "case.archived", OFFICER_1, {"file_sha256": _sha(f"{start}declined"), "pages": 6})),
    ]
    return _until(sc, stages, until)


def referred(steps: list[Step], regulator: str = REGULATOR) -> list[Step]:
    """The same story with its lead referred by ``regulator`` (管罚分离); nothing is sent back: the caller adds the
    results (``referral_result``) where the story needs them."""
    first, *rest = steps
    assert first.type == "lead.received"
    payload = {**first.payload, "source": "referral", "channel": "赣江新区市场监管局", "referred_by": regulator, "ticket": None}
    return [replace(first, payload=payload), *rest]


def referral_result(result: str, offset: dt.timedelta, actor: str = OFFICER_1, regulator: str = REGULATOR) -> Step:
    """抄告: ``result`` sent back to the referring regulator, copied to the approval department."""
    return Step("referral.result_sent", actor, {"to": regulator, "result": result, "copy_to": ["agency/360100-xzsp"], "note": ""}, offset)


def no_penalty_case(start: dt.datetime, until: str = "archived") -> list[Step]:
    """First, slight, corrected violation of an exemption-list item: 首违不罚 with education recorded."""
    sc = _Script(start)
    stages: list[tuple[str, Callable[[], object]]] = [
        ("lead", lambda: _lead(sc, ITEM_LICENCE_DISPLAY, COMPANY, source="patrol", channel="日常巡查")),
        ("filed", lambda: _file(sc, ITEM_LICENCE_DISPLAY, COMPANY)),
        ("investigating", lambda: _investigate(sc)),
        ("decided", lambda: sc.add(8, "no_penalty.decided", HEAD, {"ground": "first_violation_slight", "reason": "初次违法且危害后果轻微并及时改正", "education_sha256": _sha(f"{start}education"), "deciding_agency": BUREAU})),
        ("served", lambda: _serve(sc, 8, "decision", hours=1)),
        ("closed", lambda: sc.add(9, "case.closed", OFFICER_1, {"summary": "不予行政处罚，已教育"})),
        ("archived", lambda: sc.add(10, "case.archived", OFFICER_1, {"file_sha256": _sha(f"{start}nopen"), "pages": 12})),
    ]
    return _until(sc, stages, until)


def simple_case(start: dt.datetime, until: str = "archived") -> list[Step]:
    """简易程序: a 50-yuan fine on the spot, collected on the spot, reported to the agency, closed."""
    sc = _Script(start)

    def decided() -> None:
        v = sc.add(0, "simple.decided", OFFICER_1, {
            "party": CITIZEN, "catalog_item": ITEM_GRAFFITI, "penalties": ["fine"], "facts": "在公共设施上涂写",
            "basis": "《城市市容和环境卫生管理条例》第三十四条", "officers": [OFFICER_1, OFFICER_2],
            "form_sha256": _sha(f"{start}form"), "violation_ended": local_date(start), "fine_fen": 5_000,
            "credentials_shown": True, "party_heard": True, "first_violation": False, "corrected": False, "harm": "harmful",
            "minor": False, "no_fault_proven": False, "deciding_agency": BUREAU,
        }, hours=0.2)
        sc.cosign(0, v, OFFICER_2, hours=0.2)

    def paid() -> None:
        v = sc.add(0, "payment.recorded", OFFICER_1, {
            "amount_fen": 5_000, "method": "on_the_spot", "receipt_ref": "财政票据 No.0012345", "hard_to_collect": False,
            "remote_area": False,
        }, hours=0.5)
        sc.add(0, "cash.handed_in", OFFICER_1, {"payment": v, "receipt_ref": "罚没款交款单 3601-2026-0789"}, hours=3)

    stages: list[tuple[str, Callable[[], object]]] = [
        ("lead", lambda: _lead(sc, None, None, source="patrol", channel="街面巡查")),
        ("decided", decided),
        ("paid", paid),
        ("reported", lambda: sc.add(0, "simple.reported", OFFICER_1, {"to": BUREAU, "note": "当场处罚决定书备案"}, hours=6)),
        ("closed", lambda: sc.add(1, "case.closed", OFFICER_1, {"summary": "当场处罚，罚款已当场收缴"})),
        ("archived", lambda: sc.add(2, "case.archived", OFFICER_1, {"file_sha256": _sha(f"{start}simple"), "pages": 3})),
    ]
    return _until(sc, stages, until)


def transferred_case(start: dt.datetime, until: str = "archived") -> list[Step]:
    """A suspected crime (Art 27, 国务院令310): reported, approved by the head, transferred, received, closed."""
    sc = _Script(start)
    stages: list[tuple[str, Callable[[], object]]] = [
        ("lead", lambda: _lead(sc, ITEM_EXPIRED_FOOD, STORE)),
        ("filed", lambda: _file(sc, ITEM_EXPIRED_FOOD, STORE)),
        ("investigating", lambda: _investigate(sc)),
        ("reported", lambda: sc.add(6, "transfer.reported", OFFICER_1, {"organ": "赣江新区公安分局", "suspected_crime": "涉嫌生产、销售不符合安全标准的食品罪"})),
        ("approved", lambda: sc.add(7, "transfer.approved", HEAD, {"approved": True, "reason": "货值金额较大，涉嫌犯罪"})),
        ("transferred", lambda: sc.add(7, "transfer.sent", OFFICER_1, {"organ": "赣江新区公安分局", "file_sha256": _sha(f"{start}transfer"), "items": ["过期食品 120 件"], "measures": []}, hours=4)),
        ("received", lambda: sc.add(8, "transfer.receipt", OFFICER_1, {"organ": "赣江新区公安分局", "receipt_ref": "赣新公（食药）受字〔2026〕7号"})),
        ("closed", lambda: sc.add(9, "case.closed", OFFICER_1, {"summary": "已移送公安机关"})),
        ("archived", lambda: sc.add(12, "case.archived", OFFICER_1, {"file_sha256": _sha(f"{start}tfile"), "pages": 22})),
    ]
    return _until(sc, stages, until)


def coercion_case(start: dt.datetime, until: str = "lifted") -> list[Step]:
    """Seizure (扣押) for 30 days approved and signed by the head, extended once by 30 (notified in writing), lifted."""
    sc = _Script(start)
    measure = 0

    def seized() -> None:
        nonlocal measure
        sc.add(3, "credentials.shown", OFFICER_1, {"officers": [OFFICER_1, OFFICER_2], "to": "party"})
        sc.add(3, "rights.informed", OFFICER_1, {"officers": [OFFICER_1, OFFICER_2], "rights": ["陈述权", "申辩权", "申请行政复议权", "提起行政诉讼权"]}, hours=0.2)
        measure = sc.add(3, "coercion.imposed", HEAD, {
            "kind": "seize", "officers": [OFFICER_1, OFFICER_2], "items": ["过期食品 120 件"], "reason": "防止证据灭失和继续销售",
            "days": 30, "approved_by": HEAD, "emergency": False,
        }, hours=0.5)
        sc.cosign(3, measure, OFFICER_1, OFFICER_2, hours=0.5)

    stages: list[tuple[str, Callable[[], object]]] = [
        ("lead", lambda: _lead(sc, ITEM_EXPIRED_FOOD, STORE)),
        ("filed", lambda: _file(sc, ITEM_EXPIRED_FOOD, STORE)),
        ("seized", seized),
        ("extended", lambda: sc.add(28, "coercion.extended", HEAD, {
            "measure": measure, "days": 30, "reason": "检验结果尚未出具", "notice_sha256": _sha(f"{start}extension-notice"),
        })),
        ("lifted", lambda: sc.add(50, "coercion.lifted", OFFICER_1, {"measure": measure, "reason": "检验完毕，依法解除扣押"})),
    ]
    return _until(sc, stages, until)


def township_case(start: dt.datetime, until: str = "investigating") -> list[Step]:
    """乐化镇 acting on a delegated item (赋权) in its own name, with its own certified officers."""
    sc = _Script(start)
    stages: list[tuple[str, Callable[[], object]]] = [
        ("lead", lambda: _lead(sc, ITEM_ROAD_OCCUPATION, CITIZEN, source="patrol", channel="镇街巡查", actor=LEHUA_1, agency=LEHUA)),
        ("filed", lambda: _file(sc, ITEM_ROAD_OCCUPATION, CITIZEN, actor=LEHUA_1)),
        ("investigating", lambda: _investigate(sc, LEHUA_1, LEHUA_2, LEHUA_HEAD)),
    ]
    return _until(sc, stages, until)


def entrusted_case(start: dt.datetime, until: str = "investigating") -> list[Step]:
    """蛟桥镇 acting on an entrusted item (委托), in the bureau's name."""
    sc = _Script(start)
    stages: list[tuple[str, Callable[[], object]]] = [
        ("lead", lambda: _lead(sc, ITEM_GRAFFITI, CITIZEN, source="patrol", channel="镇街巡查", actor=JIAOQIAO_1, agency=JIAOQIAO)),
        ("filed", lambda: _file(sc, ITEM_GRAFFITI, CITIZEN, actor=JIAOQIAO_1)),
        ("investigating", lambda: _investigate(sc, JIAOQIAO_1, JIAOQIAO_2, JIAOQIAO_HEAD)),
    ]
    return _until(sc, stages, until)


def investigated(start: dt.datetime, item: str, party: dict[str, Any], *, actor: str = OFFICER_1, agency: str = BUREAU,
                 officers: tuple[str, str] = (OFFICER_1, OFFICER_2), head: str = HEAD, **flags: bool) -> list[Step]:
    """Lead, filing and an investigation (credentials, inspection, evidence, interview, all co-signed) by day 4."""
    sc = _Script(start)
    _lead(sc, item, party, actor=actor, agency=agency)
    _file(sc, item, party, actor=actor, **flags)
    _investigate(sc, officers[0], officers[1], head)
    return sc.steps


Scenario = Callable[..., list[Step]]
SCENARIOS: dict[str, tuple[Scenario, str]] = {
    "lead": (hearing_case, "lead"),
    "filed": (hearing_case, "filed"),
    "investigating": (hearing_case, "investigating"),
    "notified": (hearing_case, "notified"),
    "hearing": (hearing_case, "hearing"),
    "decided": (hearing_case, "decided"),
    "served": (hearing_case, "served"),
    "paid": (hearing_case, "paid"),
    "closed": (hearing_case, "closed"),
    "archived": (hearing_case, "archived"),
    "followed_up": (hearing_case, "followed_up"),
    "declined": (declined_referral, "archived"),
    "no_penalty": (no_penalty_case, "archived"),
    "simple": (simple_case, "archived"),
    "transferred": (transferred_case, "archived"),
    "under_reconsideration": (organisation_case, "under_reconsideration"),
    "reconsidered": (organisation_case, "archived"),
    "court_enforcement": (court_enforcement_case, "closed"),
    "seized": (coercion_case, "extended"),
    "coercion_lifted": (coercion_case, "lifted"),
    "township_delegated": (township_case, "investigating"),
    "township_entrusted": (entrusted_case, "investigating"),
}
"""Name → (builder, stage): ``scenario(name, start)`` gives the steps taking a new case to that stage."""


def scenario(name: str, start: dt.datetime) -> list[Step]:
    build, stage = SCENARIOS[name]
    return build(start, until=stage)


def payload_json(step: Step) -> bytes:
    """The payload as canonical JSON bytes (sorted keys), for callers that sign acts by hand."""
    return msgspec.json.encode(step.payload, order="sorted")
