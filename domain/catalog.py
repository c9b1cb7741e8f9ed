"""Agencies, domains and the catalog of enforcement items (权责清单), with delegation (赋权) and entrustment (委托).

Registry acts on ``agency:<id>`` (agency.registered, domain.registered) and ``item:<code>`` (item.added,
item.amended, delegation.granted / revoked, entrustment.granted / revoked) streams.

Who signs: the personnel and organisation authority (admitted by the log key) or a person with the role
``catalog_keeper`` — the catalog is the bureau's published list, kept by whoever the authority appoints. An
entrustment (委托书) is the entrusting agency's own act, so its ``agency_head`` may also sign it and its revocation.

Holding: an item is held by its own agency from its effective date; by a township or street while a delegation
to it is in force (Art 24, a published decision); by an entrusted body while the entrustment is in force, acting in
the entrusting agency's name (Arts 20–21). Neither a delegated nor an entrusted body may pass the power on. Items
are versioned by dated acts: the terms in force at an act's time are the latest version effective by then.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from types import MappingProxyType
from typing import TYPE_CHECKING, Literal

import msgspec

from domain.acts import REGISTRY_PAYLOADS, ActRecord, Fen, Payload, Text, Timestamp, entity_of, payload_as
from domain.errors import MalformedAct
from domain.law import APL
from domain.personnel import is_head_of, roles_of
from domain.refusals import (
    CatalogKeeperRequired,
    DelegationNotPublished,
    DelegationTargetInvalid,
    DomainNotExercised,
    ItemNotHeld,
    PenaltyNotInBasis,
    ReDelegationForbidden,
    UnknownAgency,
    UnknownCatalogItem,
)

if TYPE_CHECKING:
    from domain.registry import Registry

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
    """委托 (Arts 20–21): written, published letter; the entrusted body acts in the entrusting agency's name."""

    from_agency: Text
    to_agency: Text
    instrument: Text
    published_at: Timestamp | None
    effective_from: Timestamp | None = None
    scope: str = ""


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
    kind: GrantKind
    from_agency: str
    to_agency: str
    instrument: str
    effective_from: dt.datetime
    revoked_at: dt.datetime | None = None

    def in_force(self, when: dt.datetime) -> bool:
        return self.effective_from <= when and (self.revoked_at is None or when < self.revoked_at)


@dataclass(frozen=True)
class Item:
    code: str
    versions: tuple[tuple[dt.datetime, ItemTerms], ...] = ()
    grants: tuple[Grant, ...] = ()

    def terms_at(self, when: dt.datetime) -> ItemTerms | None:
        """The latest version in force at ``when`` (versions are dated; later acts may take effect later)."""
        current = [(since, terms) for since, terms in self.versions if since <= when]
        return max(current, key=lambda v: v[0])[1] if current else None

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


# -- queries ----------------------------------------------------------------------------------------------------
def item_of(registry: Registry, code: str) -> Item:
    item = registry.items.get(code)
    if item is None:
        raise UnknownCatalogItem(f"catalog item {code!r} is not registered")
    return item


def holding(registry: Registry, agency: str, code: str, when: dt.datetime) -> Holding | None:
    item = registry.items.get(code)
    if item is None:
        return None
    terms = item.terms_at(when)
    if terms is None:
        return None
    if terms.agency == agency:
        return Holding("own", agency, None, terms)
    for grant in item.grants:
        if grant.to_agency == agency and grant.in_force(when):
            if grant.kind == "delegation":
                return Holding("delegated", agency, None, terms)
            return Holding("entrusted", agency, grant.from_agency, terms)
    return None


def require_holding(registry: Registry, agency: str | None, code: str, when: dt.datetime) -> Holding:
    """The agency's holding of the item at ``when``, or ItemNotHeld (never delegated, or revoked before)."""
    item_of(registry, code)
    held = holding(registry, agency, code, when) if agency is not None else None
    if held is None:
        revoked = [g for g in registry.items[code].grants if g.to_agency == agency and g.revoked_at is not None]
        why = f"; its {revoked[-1].kind} was revoked at {revoked[-1].revoked_at:%Y-%m-%d %H:%M}Z" if revoked else ""
        article = f"{APL}第二十四条" if revoked and revoked[-1].kind == "delegation" else None
        if revoked and revoked[-1].kind == "entrustment":
            article = f"{APL}第二十条"
        raise ItemNotHeld(f"{agency} holds no power over item {code}{why}", article=article)
    return held


# -- applying catalog acts --------------------------------------------------------------------------------------
def _check_catalog_signer(registry: Registry, act: ActRecord, entrusting: str | None = None) -> None:
    if act.actor in registry.authorities or "catalog_keeper" in roles_of(registry, act.actor):
        return
    if entrusting is not None and is_head_of(registry, act.actor, entrusting):
        return
    raise CatalogKeeperRequired(f"{act.actor!r} may not sign {act.type}")


def _check_terms(registry: Registry, terms: ItemTerms) -> None:
    agency = registry.agencies.get(terms.agency)
    if agency is None:
        raise UnknownAgency(f"agency {terms.agency!r} is not registered")
    if terms.domain not in agency.domains:
        raise DomainNotExercised(f"{terms.agency} exercises no power in {terms.domain!r}")
    if "detention" in terms.penalty_kinds:
        raise PenaltyNotInBasis("行政拘留 is reserved to public security organs", article=f"{APL}第十八条")
    if not terms.penalty_kinds:
        raise MalformedAct("an item lists at least one penalty kind")
    if terms.fine_min_fen > terms.fine_max_fen:
        raise MalformedAct("fine_min_fen exceeds fine_max_fen")
    if ("fine" in terms.penalty_kinds) != (terms.fine_max_fen > 0):
        raise MalformedAct("an item with a fine has a positive fine_max_fen, and only such an item")
    levels = [b.level for b in terms.bands]
    if len(set(levels)) != len(levels):
        raise MalformedAct("each discretion band level appears once")
    for band in terms.bands:
        if band.min_fen > band.max_fen:
            raise MalformedAct(f"band {band.level}: min exceeds max")
        if band.level == "mitigated":
            # 减轻 goes below the statutory minimum (Art 32), never above it.
            if band.max_fen > terms.fine_min_fen:
                raise MalformedAct("the mitigated band lies below the statutory minimum")
        elif band.min_fen < terms.fine_min_fen or band.max_fen > terms.fine_max_fen:
            raise MalformedAct(f"band {band.level} lies outside the statutory range")


def _grant_from(registry: Registry, item: Item, from_agency: str, when: dt.datetime) -> None:
    """Only the item's own agency passes its power on; an entrusted or delegated body may not (Arts 20, 24)."""
    held = holding(registry, from_agency, item.code, when)
    if held is None:
        raise ItemNotHeld(f"{from_agency} holds no power over item {item.code} to pass on")
    if held.kind == "entrusted":
        raise ReDelegationForbidden(f"{from_agency} holds {item.code} by entrustment and may not pass it on")
    if held.kind == "delegated":
        raise ReDelegationForbidden(
            f"{from_agency} holds {item.code} by delegation and may not pass it on", article=f"{APL}第二十四条"
        )


def apply_catalog(registry: Registry, act: ActRecord) -> Registry:
    """Apply one agency or catalog act, or raise the refusal."""
    if act.type in AGENCY_ACTS:
        agency_id = entity_of(act.stream, "agency")
        _check_catalog_signer(registry, act)
        existing = registry.agencies.get(agency_id)
        if act.type == "agency.registered":
            reg = payload_as(act, AgencyRegistered)
            if reg.parent is not None and reg.parent not in registry.agencies:
                raise UnknownAgency(f"parent agency {reg.parent!r} is not registered")
            agency = Agency(agency_id, reg.name, reg.kind, reg.parent, reg.region, existing.domains if existing else ())
        else:
            dom = payload_as(act, DomainRegistered)
            if existing is None:
                raise UnknownAgency(f"agency {agency_id!r} is not registered")
            if dom.domain not in DOMAINS and not dom.name:
                raise MalformedAct(f"domain {dom.domain!r} is not a known code; give its name")
            agency = dataclasses.replace(existing, domains=tuple(sorted({*existing.domains, dom.domain})))
        agencies = dict(registry.agencies)
        agencies[agency_id] = agency
        return dataclasses.replace(registry, agencies=MappingProxyType(agencies))

    code = entity_of(act.stream, "item")
    if act.type in ("item.added", "item.amended"):
        _check_catalog_signer(registry, act)
        terms: ItemTerms = payload_as(act, ItemTerms if act.type == "item.added" else ItemAmended)
        exists = code in registry.items
        if exists == (act.type == "item.added"):
            raise MalformedAct(f"item {code} {'already exists' if exists else 'is not registered'}")
        _check_terms(registry, terms)
        since = max(terms.effective_from or act.recorded_at, act.recorded_at)
        base = registry.items.get(code) or Item(code)
        item = dataclasses.replace(base, versions=(*base.versions, (since, terms)))
    elif act.type in ("delegation.granted", "entrustment.granted"):
        base = item_of(registry, code)
        granted: DelegationGranted | EntrustmentGranted
        if act.type == "delegation.granted":
            granted = payload_as(act, DelegationGranted)
        else:
            granted = payload_as(act, EntrustmentGranted)
        kind: GrantKind = "delegation" if act.type == "delegation.granted" else "entrustment"
        _check_catalog_signer(registry, act, entrusting=granted.from_agency if kind == "entrustment" else None)
        _grant_from(registry, base, granted.from_agency, act.recorded_at)
        target = registry.agencies.get(granted.to_agency)
        if target is None:
            raise UnknownAgency(f"agency {granted.to_agency!r} is not registered")
        if granted.published_at is None or granted.published_at > act.recorded_at:
            raise DelegationNotPublished(
                f"{granted.instrument} is not published", article=f"{APL}第二十条" if kind == "entrustment" else None
            )
        if kind == "delegation" and target.kind not in ("township", "street"):
            raise DelegationTargetInvalid(f"{granted.to_agency} is a {target.kind}")
        if granted.to_agency == granted.from_agency:
            raise DelegationTargetInvalid("an agency does not grant power to itself")
        since = max(granted.effective_from or act.recorded_at, act.recorded_at)
        grant = Grant(kind, granted.from_agency, granted.to_agency, granted.instrument, since)
        item = dataclasses.replace(base, grants=(*base.grants, grant))
    elif act.type in ("delegation.revoked", "entrustment.revoked"):
        base = item_of(registry, code)
        revoked = payload_as(act, GrantRevoked)
        kind = "delegation" if act.type == "delegation.revoked" else "entrustment"
        live = [i for i, g in enumerate(base.grants) if g.kind == kind and g.to_agency == revoked.to_agency and g.revoked_at is None]
        if not live:
            raise ItemNotHeld(f"no {kind} of {code} to {revoked.to_agency} is in force")
        _check_catalog_signer(registry, act, entrusting=base.grants[live[0]].from_agency if kind == "entrustment" else None)
        grants = list(base.grants)
        for i in live:
            grants[i] = dataclasses.replace(grants[i], revoked_at=act.recorded_at)
        item = dataclasses.replace(base, grants=tuple(grants))
    else:
        raise MalformedAct(f"{act.type!r} is not a catalog act")
    items = dict(registry.items)
    items[code] = item
    return dataclasses.replace(registry, items=MappingProxyType(items))
