"""``agency.rule_set``: recording an agency's local or sector rule (see :mod:`domain.local_rules`), or refusing it."""

from __future__ import annotations

import dataclasses
from types import MappingProxyType

from domain.acts import ActRecord, entity_of, payload_as
from domain.law import RULES
from domain.local_rules import (
    CONFIGURABLE_SCOPES,
    NOT_PER_AGENCY,
    UNIT_RANGE,
    RuleNotConfigurable,
    RuleSetPayload,
    RuleValueOutOfRange,
    UnknownRuleKey,
)
from domain.personnel import roles_of
from domain.refusals import CatalogKeeperRequired, DomainNotExercised, UnknownAgency
from domain.registry import Registry, RuleSetting


def apply_rule_set(registry: Registry, act: ActRecord) -> Registry:
    """Record an ``agency.rule_set`` act, or refuse it (unknown key, a number fixed by law, a value out of range)."""
    agency_id = entity_of(act.stream, "agency")
    if not (act.actor in registry.authorities or "catalog_keeper" in roles_of(registry, act.actor)):
        raise CatalogKeeperRequired(f"{act.actor!r} may not set an agency's local rules")
    p = payload_as(act, RuleSetPayload)
    agency = registry.agencies.get(agency_id)
    if agency is None:
        raise UnknownAgency(f"agency {agency_id!r} is not registered")
    law = RULES.get(p.key)
    if law is None:
        raise UnknownRuleKey(f"{p.key!r} is not a key of the rules table (domain/law.py)")
    if law.scope not in CONFIGURABLE_SCOPES:
        raise RuleNotConfigurable(f"{p.key} = {law.value} {law.unit} is fixed by law", article=law.article)
    if p.key in NOT_PER_AGENCY:
        raise RuleNotConfigurable(f"{p.key}: {NOT_PER_AGENCY[p.key]}", article=law.article)
    low, high = UNIT_RANGE[law.unit]
    if not low <= p.value <= high:
        raise RuleValueOutOfRange(f"{p.key} counts {law.unit}; {p.value} is outside {low}–{high}", article=law.article)
    if p.domain is not None and p.domain not in agency.domains:
        raise DomainNotExercised(f"{agency_id} exercises no power in {p.domain!r}")
    setting = RuleSetting(
        agency=agency_id,
        domain=p.domain,
        key=p.key,
        value=p.value,
        instrument=p.instrument,
        basis=p.basis,
        effective_from=max(p.effective_from, act.recorded_at),
        act_ref=f"{act.stream} v{act.version}",
    )
    settings = dict(registry.rule_settings)
    settings[agency_id] = (*settings.get(agency_id, ()), setting)
    return dataclasses.replace(registry, rule_settings=MappingProxyType(settings))
