"""Public disclosure (行政执法公示) as pure rules: which acts disclose what, when it is due, how long it stays public.

Three stages (国办发〔2018〕118号):

- before (事前): an agency's powers (``domain.registered``), catalog items with basis, fine range, discretion bands
  and list memberships, with the procedure and the remedy channels (``item.added`` / ``item.amended``), and the
  officer directory (执法人员公示: name, agency, certificate number and status — officers act in public office);
- during (事中): credentials shown (``credentials.shown``) and pre-decision notices (``notice.issued``), without
  the party's personal data;
- after (事后): decisions, published by the agency's own act (``disclosure.published``): penalty decisions within
  7 working days of the decision, other enforcement decisions within 20 (118号); minor penalties (warning only, or
  the simple procedure) are in principle not published (NDRC 《信用修复管理办法》), so they owe nothing but may be
  published for at most 3 months; withdrawal (``disclosure.withdrawn``) within 3 working days of the decision being
  changed, revoked, confirmed illegal or void (Art 48), with the reason — a new item, never a deletion.

Publicity period (NDRC 《信用修复管理办法》, counted from the decision date; the publication date is kept beside it):
minor ≤ 3 months, general 3 months – 1 year, serious 1 – 3 years; credit repair (``credit.repaired``) may end it
once the minimum has run; at the maximum it ends by itself. Ending leaves the current feeds and pages; the record
that it was published and when it ended stays.

Redaction (local practice, DOMAIN.md): a natural person is 张某 and nothing else (no digit of an ID number, phone,
address, bank account or licence plate; other persons named in a text keep only their surname, 王某某; minors'
cases are not published at all, nor their notices); a sole trader by business name and USCC (by 张某 and USCC
when it has no business name); a legal person by name and a validated USCC — never a code that is also a valid
ID number. Every free text goes through :func:`public_text`, every registry name through :func:`public_name`.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass
from typing import Literal

from domain.calendar import LEGAL_TZ, Deadline, local_date, period, shift_months, shift_years
from domain.case_state import CaseState
from domain.catalog_model import BANDS, DOMAINS, PENALTY_KINDS, ItemTerms
from domain.law import GB118, NDRC_CREDIT, rule
from domain.money import format_yuan
from domain.parties import Party, age_on
from domain.redact import (
    find_personal_data,
    is_public_credit_code,
    looks_like_person_name,
    mask_person_name,
    scrub_text,
)

Stage = Literal["before", "during", "after"]
ItemKind = Literal["power", "catalog_item", "officer", "credentials", "notice", "decision", "withdrawal", "expiry"]
PublicityClass = Literal["minor", "general", "serious"]
WithdrawalGround = Literal["changed", "revoked", "confirmed_illegal", "confirmed_void"]
DecisionKind = Literal["penalty", "simple", "no_penalty"]

STAGE_OF: dict[str, Stage] = {
    "power": "before",
    "catalog_item": "before",
    "officer": "before",
    "credentials": "during",
    "notice": "during",
    "decision": "after",
    "withdrawal": "after",
    "expiry": "after",
}
KIND_TITLES: dict[str, str] = {
    "power": "执法职权公示",
    "catalog_item": "权责清单事项公示",
    "officer": "执法人员公示",
    "credentials": "亮证执法公示",
    "notice": "行政处罚事先告知公示",
    "decision": "行政执法决定公示",
    "withdrawal": "撤回公示",
    "expiry": "公示期满",
}
CLASS_NAMES: dict[str, str] = {"minor": "轻微", "general": "一般", "serious": "严重"}
GROUND_NAMES: dict[str, str] = {
    "changed": "决定被变更",
    "revoked": "决定被撤销",
    "confirmed_illegal": "决定被确认违法",
    "confirmed_void": "决定被确认无效",
}
# Remedy outcomes (复议、诉讼) that oblige the agency to withdraw a disclosure, and the ground each gives.
WITHDRAWAL_GROUNDS: dict[str, WithdrawalGround] = {
    "changed": "changed",
    "revoked": "revoked",
    "remake": "revoked",  # 撤销并责令重作: the decision disclosed is revoked
    "confirmed_illegal": "confirmed_illegal",
    "confirmed_void": "confirmed_void",
}
DECISION_ACTS: dict[str, DecisionKind] = {
    "decision.made": "penalty",
    "simple.decided": "simple",
    "no_penalty.decided": "no_penalty",
}
# Penalty kinds that make a penalty serious for its publicity period (吊销、责令关闭、限制从业、停产停业、降低资质).
SERIOUS_KINDS = frozenset({"revoke_permit", "order_closure", "restrict_employment", "suspend_business", "lower_qualification"})
MINOR_KINDS = frozenset({"warning", "circulated_criticism"})
REMEDY_CHANNELS = (
    f"对本决定不服的，可以自知道之日起{rule('reconsideration.window').value}日内申请行政复议"
    f"（{rule('reconsideration.window').article}），或者在{rule('litigation.window').value}个月内提起行政诉讼"
    f"（{rule('litigation.window').article}）；当场作出的处罚决定应当先申请行政复议。"
)
PROCEDURE_NOTE = (
    "一般程序：立案、调查取证（执法人员不少于两人）、事先告知、陈述申辩或听证、法制审核、决定、送达；"
    f"简易程序：警告或者对公民{format_yuan(rule('simple.fine_citizen_max').value)}以下、"
    f"对法人或者其他组织{format_yuan(rule('simple.fine_organisation_max').value)}以下罚款，当场作出决定。"
)


# -- who the public sees ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class PublicParty:
    """The party as published: ``name`` is 张某 for a natural person; ``uscc`` only for organisations and sole traders."""

    name: str
    uscc: str | None
    kind: str


@functools.lru_cache(maxsize=4096)
def public_party(party: Party | None) -> PublicParty | None:
    """Redact a party for publication (natural person → 张某; sole trader and legal person → name + valid USCC).

    A sole trader registered without a business name (字号) carries its operator's name: shown as 张某 like the
    natural person it is (《民法典》第五十四条), with its code."""
    if party is None:
        return None
    if party.kind == "natural_person":
        return PublicParty(mask_person_name(party.name), None, party.kind)
    # A sole trader's operator ID typed as its code may pass the code's check digit too: privacy wins the tie.
    uscc = party.uscc if party.uscc is not None and is_public_credit_code(party.uscc) else None
    if party.kind == "sole_trader" and looks_like_person_name(party.name):
        return PublicParty(mask_person_name(party.name), uscc, party.kind)
    return PublicParty(scrub_text(party.name, name_mask="某"), uscc, party.kind)


_NAME_GAP = r"[\s\u00b7\u30fb.·]*"  # what people slip between the characters of a name (张 三, 张·三丰)


@functools.lru_cache(maxsize=4096)
def _known_name(name: str) -> tuple[re.Pattern[str], str, re.Pattern[str] | None, str] | None:
    """How a natural person's registered name is found in free text: the full name with anything a person may
    slip between its characters, what it becomes, and its given name alone (two characters or more: 三丰, 娜娜)."""
    chars = [ch for ch in name if not ch.isspace() and ch not in "·・."]
    if len(chars) < 2:
        return None  # a surname alone names nobody, and replacing it would rewrite every word that has it
    masked = mask_person_name("".join(chars))
    surname = masked[:-1]
    given = chars[len(surname) :]
    full = re.compile(_NAME_GAP.join(re.escape(ch) for ch in chars))
    alone = re.compile(_NAME_GAP.join(re.escape(ch) for ch in given)) if len(given) >= 2 else None
    return full, masked, alone, "".join(given)


def public_text(text: str, party: Party | None = None) -> str:
    """A free text fit for publication: the party's own identifiers replaced first, then every pattern scrubbed.

    Known values go first because patterns cannot see them all: the natural person's full name becomes 张某
    (written with spaces between its characters too), its given name alone 某某, the address and the ID number
    vanish; :func:`domain.redact.scrub_text` then masks every ID, phone, bank account, plate, long number and
    house number left, and the given names of other persons it finds (证人王小明称 → 证人王某某称).
    """
    out = text
    if party is not None:
        for secret in (party.id_number, party.address):
            if secret and secret.strip():
                out = out.replace(secret.strip(), "（不予公开）")
        person = party.kind == "natural_person" or (party.kind == "sole_trader" and looks_like_person_name(party.name))
        known = _known_name(party.name) if person else None
        if known is not None:
            full, masked, alone, alone_of = known
            out = full.sub(masked, out)
            if alone is not None:
                out = alone.sub("某" * len(alone_of), out)
    return scrub_text(out, name_mask="某")


@functools.lru_cache(maxsize=4096)  # registry names repeat on every item of their agency; pure in the text
def public_name(text: str) -> str:
    """A name typed into the registry (an agency, a domain, a catalog item, an officer) as published: officers and
    agencies are public, but what was typed beside the name (a private phone, a contact's name) is not."""
    return scrub_text(text, name_mask="某")


_ID_PATTERNS = frozenset({"id_card_18", "id_card_grouped", "id_card_15", "id_card_15_grouped"})


@functools.lru_cache(maxsize=4096)  # registry names repeat on every item of their agency; pure in the text
def public_certificate_number(number: str) -> str:
    """An officer's certificate number (执法证号) as published: as issued — it is public and must stay readable, even
    when it is all digits — unless it has the shape of a resident ID number (an officer's own ID issued as the
    number): then masked, as privacy wins a tie."""
    if any(f.pattern in _ID_PATTERNS for f in find_personal_data(number)):
        return scrub_text(number)
    return number


# -- what a decision owes ----------------------------------------------------------------------------------------------
def publicity_class_of(kind: DecisionKind, penalties: list[str]) -> PublicityClass:
    """The default class for the publicity period: minor (simple procedure, warning or criticism only), serious
    (licence revoked, closure, business suspended, qualification lowered, employment restricted), else general.
    A decision not to penalise is an "other" decision: general by default (a local choice; the agency may state one)."""
    if kind == "simple" or (kind == "penalty" and set(penalties) <= MINOR_KINDS):
        return "minor"
    if set(penalties) & SERIOUS_KINDS:
        return "serious"
    return "general"


def disclosure_rule(kind: DecisionKind) -> str:
    """118号: penalty decisions within 7 working days, other enforcement decisions within 20."""
    return "disclosure.other_within" if kind == "no_penalty" else "disclosure.penalty_within"


def must_disclose(kind: DecisionKind, penalties: list[str], ground: str | None = None) -> bool:
    """Whether the agency owes a disclosure: not for minor penalties (NDRC: in principle not published) and never
    for a minor's case (未成年人保护法: no data of minors in public)."""
    if ground == "minor_age":
        return False
    return publicity_class_of(kind, penalties) != "minor"


def may_disclose(ground: str | None) -> bool:
    """A minor's case (不予处罚: 未满十四周岁) is never published."""
    return ground != "minor_age"


def minor_at_violation(state: CaseState) -> int | None:
    """The party's age at the violation if it was under 18 (未成年人保护法 Art 103: nothing that could identify a
    minor is disclosed), else None. Without the violation's date, a party under 18 when the lead came in was under
    18 at the violation too."""
    day = state.violation_ended or local_date(state.lead.received_at if state.lead is not None else state.opened_at)
    age = age_on(state.party, day)
    return age if age is not None and age < rule("party.age_mitigated").value else None


def disclosure_due(decided_at: dt.datetime, kind: DecisionKind) -> Deadline:
    """The last day to publish the decision (working days from the decision's Beijing date)."""
    return period(decided_at, disclosure_rule(kind))


def withdrawal_due(grounds_at: dt.datetime) -> Deadline:
    """Art 48: withdraw within 3 working days of the decision being changed, revoked, confirmed illegal or void."""
    return period(grounds_at, "disclosure.withdraw_within")


def on_time(due: Deadline, done_at: dt.datetime | None) -> bool | None:
    """Met (True), late (False), or not done yet (None)."""
    if done_at is None:
        return None
    return local_date(done_at) <= due.date


def is_overdue(due: Deadline, done_at: dt.datetime | None, today: dt.date) -> bool:
    """Not done and the last day has passed."""
    return done_at is None and today > due.date


# -- how long it stays public --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class PublicityWindow:
    """From the decision date: the earliest end by credit repair (``min_end``: repair possible the day after) and
    the last public day (``max_end``); ``starts`` is the decision's Beijing date."""

    publicity_class: PublicityClass
    starts: dt.date
    min_end: dt.date
    max_end: dt.date

    def repair_possible(self, on: dt.date) -> bool:
        """信用修复 ends publicity only after the minimum period has run."""
        return on > self.min_end

    def expired(self, on: dt.date) -> bool:
        """The maximum period has run: the item leaves public view on the day after ``max_end``."""
        return on > self.max_end

    @property
    def ends_at(self) -> dt.datetime:
        """The first instant after the last public day (00:00 Beijing the next day), as an aware UTC time."""
        day = self.max_end + dt.timedelta(days=1)
        return dt.datetime(day.year, day.month, day.day, tzinfo=LEGAL_TZ).astimezone(dt.UTC)


def _shift(start: dt.date, rule_key: str) -> dt.date:
    law = rule(rule_key)
    if law.unit == "months":
        return shift_months(start, law.value)
    if law.unit == "years":
        return shift_years(start, law.value)
    raise ValueError(f"rule {rule_key} counts {law.unit}, not months or years")


def publicity_window(decided_at: dt.datetime, publicity_class: PublicityClass) -> PublicityWindow:
    """NDRC 《信用修复管理办法》: minimum and maximum public periods from the decision date (the corresponding date)."""
    starts = local_date(decided_at)
    return PublicityWindow(
        publicity_class=publicity_class,
        starts=starts,
        min_end=_shift(starts, f"publicity.{publicity_class}_min"),
        max_end=_shift(starts, f"publicity.{publicity_class}_max"),
    )


# -- public texts ---------------------------------------------------------------------------------------------------
def penalties_text(penalties: list[str], fine_fen: int, confiscation_fen: int = 0) -> str:
    parts = []
    for kind in penalties:
        name = PENALTY_KINDS.get(kind, kind)
        if kind == "fine" and fine_fen:
            name += format_yuan(fine_fen)
        elif kind in ("confiscate_gains", "confiscate_property") and confiscation_fen:
            name += format_yuan(confiscation_fen)
        parts.append(name)
    return "、".join(parts)


def party_text(party: PublicParty | None) -> str:
    if party is None:
        return "当事人"
    if party.uscc:
        return f"{party.name}（统一社会信用代码 {party.uscc}）"
    return party.name


def domain_name(domain: str | None) -> str:
    return DOMAINS.get(domain or "", domain or "")


def catalog_item_summary(code: str, terms: ItemTerms) -> str:
    """事前: an item of the 权责清单 with basis, kinds, range, bands, lists, procedure and remedy channels."""
    lists = [
        name
        for flag, name in (
            (terms.exemption_list, "免罚清单"),
            (terms.light_penalty_list, "轻罚清单"),
            (terms.no_coercion_list, "不予实施行政强制措施清单"),
        )
        if flag
    ]
    bands = "；".join(
        f"{BANDS.get(b.level, b.level)} {format_yuan(b.min_fen)}–{format_yuan(b.max_fen)}" for b in terms.bands
    )
    parts = [
        f"事项编码 {code}，领域：{domain_name(terms.domain)}，依据：{public_text(terms.basis)}",
        f"处罚种类：{'、'.join(PENALTY_KINDS.get(k, k) for k in terms.penalty_kinds)}",
    ]
    if terms.fine_max_fen:
        parts.append(f"罚款幅度：{format_yuan(terms.fine_min_fen)}–{format_yuan(terms.fine_max_fen)}")
    if bands:
        parts.append(f"裁量基准：{bands}")
    if lists:
        parts.append(f"列入：{'、'.join(lists)}")
    parts.append(f"办理程序：{PROCEDURE_NOTE}")
    parts.append(f"救济途径：{REMEDY_CHANNELS}")
    return "。".join(parts)


def decision_summary(
    *,
    kind: DecisionKind,
    agency_name: str,
    party: PublicParty | None,
    item_name: str | None,
    penalties: list[str],
    fine_fen: int,
    confiscation_fen: int,
    facts: str | None,
    basis: str | None,
    decided_on: dt.date,
    window: PublicityWindow,
    ground: str | None = None,
) -> str:
    """事后: the decision as published (facts and basis already passed through :func:`public_text`)."""
    what = "不予行政处罚" if kind == "no_penalty" else penalties_text(penalties, fine_fen, confiscation_fen)
    parts = [f"{agency_name}于{decided_on.isoformat()}对{party_text(party)}作出{what}决定"]
    if item_name:
        parts.append(f"事项：{item_name}")
    if facts:
        parts.append(f"违法事实：{facts}")
    if basis:
        parts.append(f"依据：{basis}")
    if ground and kind == "no_penalty":
        parts.append(f"不予处罚理由：{ground}")
    parts.append(
        f"公示期（{NDRC_CREDIT}，{CLASS_NAMES[window.publicity_class]}）：自{window.starts.isoformat()}起，"
        f"最长至{window.max_end.isoformat()}"
        + (f"，{window.min_end.isoformat()}后可申请信用修复" if window.min_end > window.starts else "")
    )
    parts.append(f"公示依据：{GB118}")
    return "。".join(parts) + "。"


def withdrawal_summary(ground: WithdrawalGround, reason: str, decision_title: str) -> str:
    return f"{decision_title}：{GROUND_NAMES[ground]}，依法撤回公示（{rule('disclosure.withdraw_within').article}）。理由：{reason}"


def expiry_summary(decision_title: str, *, repaired: bool, ended_on: dt.date) -> str:
    why = "经信用修复提前结束公示" if repaired else "公示期届满"
    return f"{decision_title}：{why}，自{ended_on.isoformat()}起不再公开展示，公示记录依法保留（{NDRC_CREDIT}）。"


# -- what the agency owes, for supervisors ----------------------------------------------------------------------------
@dataclass(frozen=True)
class Obligation:
    """One disclosure duty of a case: publish a decision, or withdraw its disclosure, by ``due``."""

    kind: Literal["publish", "withdraw"]
    decision_version: int
    decision_kind: str
    arose_at: dt.datetime
    due: Deadline
    done_at: dt.datetime | None
    done_version: int | None

    def overdue(self, today: dt.date) -> bool:
        return is_overdue(self.due, self.done_at, today)

    @property
    def met(self) -> bool | None:
        return on_time(self.due, self.done_at)


def obligations(state: CaseState) -> list[Obligation]:
    """Every disclosure duty of the case, from its state: a decision in force that must be published (a voided one
    no longer can be), and a published decision since changed, revoked, confirmed illegal or void."""
    out: list[Obligation] = []
    published = {d.decision_version: d for d in state.disclosures}
    decisions = [*([state.decision] if state.decision is not None else []), *state.voided_decisions]
    for d in sorted(decisions, key=lambda d: d.version):
        kind: DecisionKind = d.kind  # type: ignore[assignment]
        item = published.get(d.version)
        # Once published, the duty stands; unpublished, a void decision no longer can be, nor a minor's ever.
        if must_disclose(kind, d.penalties, d.ground) and (
            item is not None or (not d.void and minor_at_violation(state) is None)
        ):
            out.append(
                Obligation(
                    "publish", d.version, kind, d.decided_at, disclosure_due(d.decided_at, kind),
                    item.published_at if item else None, item.published_version if item else None,
                )
            )
        if item is None:
            continue
        arisen = [
            r.decided_at
            for r in state.remedies
            if r.outcome in WITHDRAWAL_GROUNDS and r.decided_at is not None and r.decided_at >= d.decided_at
        ]
        if arisen:
            out.append(
                Obligation(
                    "withdraw", d.version, kind, min(arisen), withdrawal_due(min(arisen)),
                    item.withdrawn_at, item.withdrawn_version,
                )
            )
    return out
