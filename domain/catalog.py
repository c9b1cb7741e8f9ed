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
from types import MappingProxyType

from domain.acts import ActRecord, entity_of, payload_as
from domain.calendar import local_date
from domain.catalog_model import (
    AGENCY_ACTS,
    BANDS,
    CATALOG_PAYLOADS,
    DOMAINS,
    HEARING_KINDS,
    MONEY_KINDS,
    PENALTY_KINDS,
    SIMPLE_KINDS,
    Agency,
    AgencyKind,
    AgencyRegistered,
    Band,
    DelegationGranted,
    DiscretionBand,
    DomainRegistered,
    EntrustmentGranted,
    Grant,
    GrantKind,
    GrantRevoked,
    Holding,
    Item,
    ItemAmended,
    ItemTerms,
    PenaltyKind,
)
from domain.errors import MalformedAct
from domain.law import APL
from domain.personnel import is_head_of, roles_of
from domain.refusals import (
    CatalogKeeperRequired,
    DelegationNotPublished,
    DelegationTargetInvalid,
    DomainNotExercised,
    EntrustmentLetterIncomplete,
    ItemNotHeld,
    PenaltyNotInBasis,
    ReDelegationForbidden,
    UnknownAgency,
    UnknownCatalogItem,
)
from domain.registry import Registry

# The records are re-exported: ``from domain.catalog import Item`` reads as the domain speaks.
__all__ = [
    "AGENCY_ACTS",
    "BANDS",
    "CATALOG_PAYLOADS",
    "DOMAINS",
    "HEARING_KINDS",
    "MONEY_KINDS",
    "PENALTY_KINDS",
    "SIMPLE_KINDS",
    "Agency",
    "AgencyKind",
    "AgencyRegistered",
    "Band",
    "DelegationGranted",
    "DiscretionBand",
    "DomainRegistered",
    "EntrustmentGranted",
    "Grant",
    "GrantKind",
    "GrantRevoked",
    "Holding",
    "Item",
    "ItemAmended",
    "ItemTerms",
    "PenaltyKind",
    "apply_catalog",
    "holding",
    "item_of",
    "require_holding",
]


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
        raise ItemNotHeld(f"{agency} holds no power over item {code}{_why_not_held(registry, agency, code, when)}",
                          article=_article_not_held(registry, agency, code, when))
    return held


def _why_not_held(registry: Registry, agency: str | None, code: str, when: dt.datetime) -> str:
    grants = [g for g in registry.items[code].grants if g.to_agency == agency]
    revoked = [g for g in grants if g.revoked_at is not None]
    lapsed = [g for g in grants if g.revoked_at is None and g.lapsed(when)]
    if lapsed:
        return f"; its letter of entrustment {lapsed[-1].instrument} ran until {lapsed[-1].valid_until}"
    if revoked:
        return f"; its {revoked[-1].kind} was revoked at {revoked[-1].revoked_at:%Y-%m-%d %H:%M}Z"
    letters = _entrustments_of(registry, agency, when)
    if letters:
        return f"; its letter(s) of entrustment ({', '.join(sorted({g.instrument for g in letters}))}) do not entrust it"
    return ""


def _article_not_held(registry: Registry, agency: str | None, code: str, when: dt.datetime) -> str | None:
    """Art 20 for an entrusted body (a revoked or lapsed letter, or an item outside its letters: 在委托范围内), Art 24
    for a revoked delegation, else the class default (Art 17)."""
    grants = [g for g in registry.items[code].grants if g.to_agency == agency]
    ended = [g for g in grants if g.revoked_at is not None or g.lapsed(when)]
    if ended:
        return f"{APL}第二十四条" if ended[-1].kind == "delegation" else f"{APL}第二十条"
    return f"{APL}第二十条" if _entrustments_of(registry, agency, when) else None


def _entrustments_of(registry: Registry, agency: str | None, when: dt.datetime) -> list[Grant]:
    """The letters of entrustment in force for ``agency`` at ``when``, over every item (a refusal's explanation)."""
    return [g for item in registry.items.values() for g in item.grants if g.kind == "entrustment" and g.to_agency == agency and g.in_force(when)]


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


def _check_letter(registry: Registry, code: str, letter: EntrustmentGranted, since: dt.datetime) -> None:
    """Art 20: the 委托书 states the items entrusted (this one among them, each in the catalog) and its term."""
    missing = [what for what, absent in (("the items entrusted (scope)", not letter.scope), ("its term (valid_until)", letter.valid_until is None)) if absent]
    if missing:
        raise EntrustmentLetterIncomplete(f"{letter.instrument} does not state {' and '.join(missing)}")
    if code not in letter.scope:
        raise EntrustmentLetterIncomplete(f"{letter.instrument} entrusts {', '.join(letter.scope)}, not item {code} it is recorded for")
    for other in letter.scope:
        item_of(registry, other)
    assert letter.valid_until is not None
    if letter.valid_until < local_date(since):
        raise MalformedAct(f"{letter.instrument} ran until {letter.valid_until}, before it takes effect on {local_date(since)}")


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
        if isinstance(granted, EntrustmentGranted):
            _check_letter(registry, code, granted, since)
            grant = Grant(kind, granted.from_agency, granted.to_agency, granted.instrument, since,
                          valid_until=granted.valid_until, scope=tuple(granted.scope))
        else:
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
