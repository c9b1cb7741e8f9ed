"""Local and sector numbers (地方、行业规定): an agency's rule acts, and which rule governs an act — the national default or the agency's own.

DOMAIN.md marks some numbers of the rules table *local* or *sector* (``scope`` in :mod:`domain.law`): review and
hearing thresholds, the statement window, the simple-procedure report period, the filing window and its extension,
the decision extension, training hours, the staffing floor, the auxiliaries' escort, and any local number added to
the table later (the collective-discussion quorum). An agency that follows its province's or sector's own rule
records it as a registry act ``agency.rule_set`` on its ``agency:<id>`` stream, signed by the personnel authority
or a catalog keeper: the rule key, the value, the local instrument (文件名称、文号、条款) and the day it takes
effect, optionally for one domain only. Unset, the national default and its article apply.

:func:`local_rule` is the one lookup: ``local_rule(registry, agency, domain, key, when)`` gives the
:class:`AppliedRule` in force — value, unit, the law's article and the source (national default, or the agency's
act by stream and version) — which refusals and receipts name, so the ledger proves which rule applied. The
agency's own setting wins, then its parent's (a township follows its county bureau unless it has its own); a
setting for the act's domain wins over one for every domain. A setting never reaches back: it takes effect at the
later of its ``effective_from`` and the moment it was recorded.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

from domain.acts import REGISTRY_PAYLOADS, Payload, Text, Timestamp
from domain.errors import DomainError
from domain.law import RULES, Rule, Unit
from domain.registry import Registry

CONFIGURABLE_SCOPES = frozenset({"local", "sector"})
NOT_PER_AGENCY: dict[str, str] = {
    "followup.satisfaction_max": "the 1–5 satisfaction scale is part of the act schema, the same for every agency",
}
"""Local numbers that are not configurable per agency, with the reason."""

UNIT_RANGE: dict[Unit, tuple[int, int]] = {
    "working_days": (1, 60),
    "calendar_days": (1, 365),
    "months": (1, 36),
    "years": (1, 10),
    "hours": (1, 720),
    "fen": (1, 100_000_000_000),
    "yuan": (1, 1_000_000_000),
    "permille_per_day": (1, 1000),
    "count": (1, 1000),
}
"""The values a local rule may set, by unit: a period of at least one unit and at most what any rule in force uses."""

RULE_SET = "agency.rule_set"


class RuleSetPayload(Payload):
    """``agency.rule_set``: the agency (or one of its domains) follows a local or sector rule for ``key``."""

    key: Text
    value: int
    instrument: Text
    """The local instrument and clause, e.g. ``《江苏省市场监督管理行政处罚程序规定》第十二条``."""
    effective_from: Timestamp
    domain: str | None = None
    basis: str = ""
    """The clause's text or a note (optional)."""


REGISTRY_PAYLOADS[RULE_SET] = RuleSetPayload


class UnknownRuleKey(DomainError):
    code = "unknown-rule-key"
    title = "规则表中没有该规则"
    title_en = "The rules table has no rule of this key"
    status = 400


class RuleNotConfigurable(DomainError):
    code = "rule-not-configurable"
    title = "该期限或数额由法律规定，不得由地方另行规定"
    title_en = "This number is fixed by law and cannot be configured locally"
    status = 422


class RuleValueOutOfRange(DomainError):
    code = "rule-value-out-of-range"
    title = "地方规则数值超出允许范围"
    title_en = "The local rule's value is outside the range its unit allows"
    status = 422


@dataclass(frozen=True)
class AppliedRule:
    """The rule that governs an act: its value and unit, the law's article, and where the value comes from."""

    key: str
    value: int
    unit: str
    article: str
    source: Literal["national", "agency"]
    instrument: str | None = None
    act_ref: str | None = None
    effective_from: dt.datetime | None = None

    def describe(self) -> str:
        """One line for a receipt or a refusal: ``key = value unit (national default, article)`` or the agency's act."""
        head = f"{self.key} = {self.value} {self.unit}"
        if self.source == "national":
            return f"{head} (national default, {self.article})"
        since = f", in force from {self.effective_from:%Y-%m-%d}" if self.effective_from is not None else ""
        return f"{head} (local rule {self.act_ref}: {self.instrument}{since})"


def configurable(key: str) -> bool:
    law = RULES.get(key)
    return law is not None and law.scope in CONFIGURABLE_SCOPES and key not in NOT_PER_AGENCY


def national(key: str) -> AppliedRule:
    law = RULES[key]
    return AppliedRule(key, law.value, law.unit, law.article, "national")


def _chain(registry: Registry, agency: str | None) -> list[str]:
    """The agency, its parent, the parent's parent … (each once)."""
    out: list[str] = []
    while agency is not None and agency not in out:
        out.append(agency)
        record = registry.agencies.get(agency)
        agency = record.parent if record is not None else None
    return out


def local_rule(registry: Registry | None, agency: str | None, domain: str | None, key: str, when: dt.datetime) -> AppliedRule:
    """The rule ``key`` as it governs ``agency`` (in ``domain``) at ``when``: the agency's own, its parent's, or national."""
    law: Rule = RULES[key]  # a missing key is a programming error, as in domain.law.rule
    if registry is None or law.scope not in CONFIGURABLE_SCOPES:
        return national(key)
    for holder in _chain(registry, agency):
        settings = [s for s in registry.rule_settings.get(holder, ()) if s.key == key and s.effective_from <= when]
        for wanted in ((domain,) if domain is not None else ()) + (None,):
            matching = [s for s in settings if s.domain == wanted]
            if matching:
                # the latest in effect; of two taking effect together, the later act
                chosen = max(enumerate(matching), key=lambda pair: (pair[1].effective_from, pair[0]))[1]
                return AppliedRule(
                    key, chosen.value, law.unit, law.article, "agency", chosen.instrument, chosen.act_ref, chosen.effective_from
                )
    return national(key)
