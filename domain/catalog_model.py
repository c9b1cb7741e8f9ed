"""The catalog's records: agencies, domains, enforcement items (权责清单) and their terms, grants (赋权、委托), payload schemas.

No registry and no rules here: :mod:`domain.catalog` holds the queries and the applier, :mod:`domain.registry` the
``Registry`` that holds these records. The rules are explained in :mod:`domain.catalog`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

import msgspec

from domain.acts import REGISTRY_PAYLOADS, Fen, Payload, Text, Timestamp
from domain.calendar import local_date

DOMAINS: dict[str, str] = {
    "market_supervision": "市场监管",
    "urban_management": "城市管理",
    "culture_market": "文化市场",
    "agriculture": "农业农村",
    "transport": "交通运输",
    "ecology_environment": "生态环境",
    "emergency_management": "应急管理",
    "natural_resources": "自然资源",
    "housing_construction": "住房城乡建设",
    "water": "水利",
    "health": "卫生健康",
}
"""Known domain codes (the "1+7" model and more); an agency may register others with a name."""

AgencyKind = Literal["bureau", "department", "township", "street"]
PenaltyKind = Literal[
    "warning",
    "circulated_criticism",
    "fine",
    "confiscate_gains",
    "confiscate_property",
    "suspend_permit",
    "lower_qualification",
    "revoke_permit",
    "restrict_business",
    "suspend_business",
    "order_closure",
    "restrict_employment",
    "detention",
]
PENALTY_KINDS: dict[str, str] = {
    "warning": "警告",
    "circulated_criticism": "通报批评",
    "fine": "罚款",
    "confiscate_gains": "没收违法所得",
    "confiscate_property": "没收非法财物",
    "suspend_permit": "暂扣许可证件",
    "lower_qualification": "降低资质等级",
    "revoke_permit": "吊销许可证件",
    "restrict_business": "限制开展生产经营活动",
    "suspend_business": "责令停产停业",
    "order_closure": "责令关闭",
    "restrict_employment": "限制从业",
    "detention": "行政拘留",
}
"""Art 9's kinds. 行政拘留 is reserved to public security organs (Art 18) and never enters this catalog."""

# Art 63: kinds that carry the right to a hearing whatever the amount ("other heavier penalties" included).
HEARING_KINDS = frozenset(
    {"lower_qualification", "revoke_permit", "suspend_business", "order_closure", "restrict_employment",
     "restrict_business", "suspend_permit"}
)
MONEY_KINDS = frozenset({"fine", "confiscate_gains", "confiscate_property"})
SIMPLE_KINDS = frozenset({"warning", "fine"})

Band = Literal["mitigated", "lighter", "general", "heavier"]
BANDS: dict[str, str] = {"mitigated": "减轻", "lighter": "从轻", "general": "一般", "heavier": "从重"}
GrantKind = Literal["delegation", "entrustment"]


# -- payloads ---------------------------------------------------------------------------------------------------
class AgencyRegistered(Payload):
    name: Text
    kind: AgencyKind
    parent: str | None = None
    region: str | None = None


class DomainRegistered(Payload):
    """The agency exercises (concentrated) penalty power in this domain, on the named decision."""

    domain: Text
    name: str | None = None
    basis: Text = "相对集中行政处罚权决定"


class DiscretionBand(msgspec.Struct, forbid_unknown_fields=True, kw_only=True, frozen=True):
    level: Band
    min_fen: Fen
    max_fen: Fen
    description: str = ""


class ItemTerms(Payload):
    """One version of an enforcement item: holder, domain, basis, penalty kinds, range, bands and lists."""

    agency: Text
    domain: Text
    name: Text
    basis: Text
    penalty_kinds: list[PenaltyKind]
    fine_min_fen: Fen = 0
    fine_max_fen: Fen = 0
    bands: list[DiscretionBand] = msgspec.field(default_factory=list)
    exemption_list: bool = False
    light_penalty_list: bool = False
    no_coercion_list: bool = False
    life_health_finance: bool = False
    effective_from: Timestamp | None = None


class ItemAmended(ItemTerms):
    reason: Text = "amended"


class DelegationGranted(Payload):
    """赋权 (Art 24): the item's holder's power goes to a township or street by a published decision."""

    from_agency: Text
    to_agency: Text
    instrument: Text
    published_at: Timestamp | None
    effective_from: Timestamp | None = None


class EntrustmentGranted(Payload):
    """委托 (Arts 20–21): written, published letter; the entrusted body acts in the entrusting agency's name.

    Art 20: the letter states the matters entrusted, the powers and the term. ``scope`` lists the catalog items the
    letter entrusts (this stream's item among them; a letter of several items is recorded on each item's stream);
    ``valid_until`` is the last day of its term (Beijing date). Both may be empty in the schema so that an
    incomplete letter is refused by its own rule (``entrustment-letter-incomplete``)."""

    from_agency: Text
    to_agency: Text
    instrument: Text
    published_at: Timestamp | None
    effective_from: Timestamp | None = None
    scope: list[Text] = msgspec.field(default_factory=list)
    valid_until: dt.date | None = None


class GrantRevoked(Payload):
    to_agency: Text
    instrument: Text
    reason: Text


CATALOG_PAYLOADS: dict[str, type[Payload]] = {
    "agency.registered": AgencyRegistered,
    "domain.registered": DomainRegistered,
    "item.added": ItemTerms,
    "item.amended": ItemAmended,
    "delegation.granted": DelegationGranted,
    "delegation.revoked": GrantRevoked,
    "entrustment.granted": EntrustmentGranted,
    "entrustment.revoked": GrantRevoked,
}
REGISTRY_PAYLOADS.update(CATALOG_PAYLOADS)
AGENCY_ACTS = frozenset({"agency.registered", "domain.registered"})


# -- state ------------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Agency:
    id: str
    name: str
    kind: str
    parent: str | None = None
    region: str | None = None
    domains: tuple[str, ...] = ()


@dataclass(frozen=True)
class Grant:
    """A delegation or entrustment of one item; an entrustment's letter carries its scope and the last day of its
    term (``valid_until``, a Beijing date: the power lapses when that day ends)."""

    kind: GrantKind
    from_agency: str
    to_agency: str
    instrument: str
    effective_from: dt.datetime
    revoked_at: dt.datetime | None = None
    valid_until: dt.date | None = None
    scope: tuple[str, ...] = ()

    def in_force(self, when: dt.datetime) -> bool:
        return self.effective_from <= when and (self.revoked_at is None or when < self.revoked_at) and not self.lapsed(when)

    def lapsed(self, when: dt.datetime) -> bool:
        """The letter's term ran out before ``when`` (Art 20: 委托书载明期限)."""
        return self.valid_until is not None and local_date(when) > self.valid_until


@dataclass(frozen=True)
class Item:
    code: str
    versions: tuple[tuple[dt.datetime, ItemTerms], ...] = ()
    grants: tuple[Grant, ...] = ()

    def terms_at(self, when: dt.datetime) -> ItemTerms | None:
        """The latest version in force at ``when`` (versions are dated; later acts may take effect later)."""
        found: tuple[dt.datetime, ItemTerms] | None = None
        for version in self.versions:  # the first of the latest, as max() would pick it, without a list per call
            if version[0] <= when and (found is None or version[0] > found[0]):
                found = version
        return None if found is None else found[1]

    @property
    def latest(self) -> ItemTerms:
        return self.versions[-1][1]


@dataclass(frozen=True)
class Holding:
    """How an agency holds an item at a time: its own, delegated (赋权) or entrusted (委托, in another's name)."""

    kind: Literal["own", "delegated", "entrusted"]
    agency: str
    in_name_of: str | None
    terms: ItemTerms


