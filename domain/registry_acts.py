"""``apply_registry``: every registry act — the log key admitting the authority, keys, people, catalog — applied in log order.

Key acts are decided here; personnel acts go to :func:`domain.personnel.apply_personnel` and agency and catalog
acts to :func:`domain.catalog.apply_catalog`. It sits above all three so that none of them imports another's
applier (no import circle).
"""

from __future__ import annotations

import dataclasses
import logging

from domain.acts import ActRecord, AuthorityAdmitted, KeyRegistered, KeyRevoked, payload_as, person_of
from domain.catalog import CATALOG_PAYLOADS, apply_catalog
from domain.errors import DomainError, MalformedAct, NotAuthorised
from domain.local_rules import RULE_SET
from domain.local_rules_acts import apply_rule_set
from domain.personnel import PERSONNEL_PAYLOADS, apply_personnel
from domain.registry import (
    ROLES,
    KeyAlreadyRegistered,
    KeyAlreadyRevoked,
    KeyNameMismatch,
    KeyRecord,
    LogNameReserved,
    Registry,
    UnknownKid,
    parse_valid_from,
    split_vkey,
)
from domain.review import REVIEW_PAYLOADS, apply_review

_log = logging.getLogger("zhifa.rules")


def apply_registry(registry: Registry, act: ActRecord) -> Registry:
    """Apply one registry act, or raise the DomainError that refuses it."""
    if act.type in PERSONNEL_PAYLOADS:
        return registry._with_person(apply_personnel(registry, act))
    if act.type in CATALOG_PAYLOADS:
        return apply_catalog(registry, act)
    if act.type == RULE_SET:
        return apply_rule_set(registry, act)
    if act.type in REVIEW_PAYLOADS:
        return apply_review(registry, act)
    person = person_of(act.stream)
    if person == registry.origin:
        # Root of trust: the log's name belongs to the log key alone (genesis); no key may be registered under it.
        raise LogNameReserved(f"no key may take the log's name {registry.origin!r}; only the log key holds it")
    if act.type == "authority.admitted":
        signer = registry.key(act.kid)
        if act.actor != registry.origin or signer is None or signer.role != "log":
            raise NotAuthorised("only the log key itself admits the personnel authority")
        admitted = payload_as(act, AuthorityAdmitted)
        name, kid = split_vkey(admitted.vkey)
        if name != person:
            raise KeyNameMismatch(f"key named {name!r} in stream {act.stream!r}")
        if kid in registry.keys:
            raise KeyAlreadyRegistered(f"kid {kid} is already registered")
        rec = KeyRecord(kid, admitted.vkey, person, "authority", admitted.agency, None, act.version)
        reg = registry._with_key(rec)
        return dataclasses.replace(reg, authorities=registry.authorities | {person})
    if act.type == "key.registered":
        if act.actor not in registry.authorities:
            raise NotAuthorised(f"{act.actor!r} is not the personnel authority; keys are registered by it")
        registered = payload_as(act, KeyRegistered)
        if registered.role not in ROLES:
            raise MalformedAct(f"role {registered.role!r} is not one of {sorted(ROLES)}")
        name, kid = split_vkey(registered.vkey)
        if name != person:
            raise KeyNameMismatch(f"key named {name!r} in stream {act.stream!r}")
        if kid in registry.keys:
            raise KeyAlreadyRegistered(f"kid {kid} is already registered")
        rec = KeyRecord(
            kid, registered.vkey, person, registered.role, registered.agency, parse_valid_from(registered.valid_from), act.version
        )
        return registry._with_key(rec)
    if act.type == "key.revoked":
        if act.actor not in registry.authorities:
            raise NotAuthorised(f"{act.actor!r} is not the personnel authority; keys are revoked by it")
        revoked = payload_as(act, KeyRevoked)
        existing = registry.keys.get(revoked.kid)
        if existing is None or existing.person != person:
            raise UnknownKid(f"kid {revoked.kid} is not a key of {person!r}")
        if existing.revoked:
            raise KeyAlreadyRevoked(f"kid {revoked.kid} of {person!r} is revoked already")
        return registry._with_key(dataclasses.replace(existing, revoked=True))
    raise MalformedAct(f"{act.type!r} is not a registry act")


def apply_registry_recorded(registry: Registry, act: ActRecord) -> Registry:
    """Replay one registry act the ledger already holds: ``apply_registry``, except that an act today's rules refuse
    (tightened since the writer took it) leaves the registry as it was instead of stopping every reader of the log —
    the writer's start, the projections, replay. ``zhifa check`` names such acts (``registry-replay``); a log line
    says so here. Never used for a new act (the writer appends with ``apply_registry`` and refuses)."""
    try:
        return apply_registry(registry, act)
    except DomainError as exc:
        _log.warning("recorded registry act %s v%d (%s) is refused by the current rules and skipped: %s",
                     act.stream, act.version, act.type, exc.one_line())
        return registry
