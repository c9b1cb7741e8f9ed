"""The registry: keys, people, agencies and the catalog — replayed from registry acts in log order.

Root of trust (DESIGN.md, Keys): the log key (named by the log's origin) admits the personnel authority; the
authority registers and revokes every other key. A key is valid for an act if it was registered and not revoked
at the act's position in the log and the act's time is not before its ``valid_from``. The registry is immutable:
:func:`apply_registry` returns a new one, so a writer can stage a group of acts and drop them on failure.

Besides keys it holds people (roles, exams, certificates, training, reviews: :mod:`domain.personnel`, acts on
``person:<id>`` by the authority) and agencies and catalog items with their delegations and entrustments
(:mod:`domain.catalog`, acts on ``agency:<id>`` and ``item:<code>``). Case rules read it as of the act's position.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING

from domain.acts import (
    ActRecord,
    AuthorityAdmitted,
    KeyRegistered,
    KeyRevoked,
    payload_as,
    person_of,
)
from domain.catalog import CATALOG_PAYLOADS, apply_catalog
from domain.errors import DomainError, MalformedAct, NotAuthorised
from domain.personnel import PERSONNEL_PAYLOADS, apply_personnel

if TYPE_CHECKING:
    from domain.catalog import Agency, Item
    from domain.personnel import Person

ROLES = frozenset(
    {
        "authority",  # personnel authority (registers keys, people, credentials)
        "officer",  # 执法人员 with a certificate
        "auxiliary",  # 辅助人员: may not act alone on the forbidden acts
        "legal_reviewer",  # 法制审核人员
        "supervisor",  # 执法监督
        "agency_head",  # 机关负责人
        "catalog_keeper",  # maintains agencies, catalog items, delegations
        "party",  # 当事人 holding its own key (enterprises with digital certificates)
    }
)


class KeyAlreadyRegistered(DomainError):
    code = "key-already-registered"
    title = "密钥已登记"
    title_en = "This key is already registered"
    status = 409


class KeyNameMismatch(DomainError):
    code = "key-name-mismatch"
    title = "密钥名称与人员不符"
    title_en = "The key's name must be the person's id"
    status = 400


class UnknownKid(DomainError):
    code = "unknown-kid"
    title = "被吊销的密钥不存在"
    title_en = "The key to revoke is not registered to this person"
    status = 422


@dataclass(frozen=True)
class KeyRecord:
    kid: str
    vkey: str
    person: str
    role: str
    agency: str | None
    valid_from: dt.datetime | None
    registered_version: int
    revoked: bool = False

    @property
    def active(self) -> bool:
        return not self.revoked

    def valid_at(self, when: dt.datetime) -> bool:
        return self.valid_from is None or when >= self.valid_from


def split_vkey(text: str) -> tuple[str, str]:
    """``name+kid+base64`` → (name, kid). Syntax only; the ledger checks the kid against the key bytes."""
    parts = text.split("+", 2)
    if len(parts) != 3 or not parts[0] or len(parts[1]) != 8:
        raise MalformedAct(f"not a verifier key: {text!r}")
    try:
        int(parts[1], 16)
    except ValueError as exc:
        raise MalformedAct(f"verifier key id is not hex: {text!r}") from exc
    return parts[0], parts[1].lower()


def _ts(text: str | None) -> dt.datetime | None:
    if text is None:
        return None
    try:
        value = dt.datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ")
    except ValueError as exc:
        raise MalformedAct(f"timestamp {text!r} is not YYYY-MM-DDTHH:MM:SS.ffffffZ") from exc
    return value.replace(tzinfo=dt.UTC)


@dataclass(frozen=True)
class Registry:
    origin: str
    keys: Mapping[str, KeyRecord] = field(default_factory=dict)
    authorities: frozenset[str] = frozenset()
    persons: Mapping[str, Person] = field(default_factory=dict)
    agencies: Mapping[str, Agency] = field(default_factory=dict)
    items: Mapping[str, Item] = field(default_factory=dict)
    person_kids: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    @classmethod
    def genesis(cls, origin: str, log_vkey: str) -> Registry:
        name, kid = split_vkey(log_vkey)
        if name != origin:
            raise KeyNameMismatch(f"the log key is named {name!r}, the log is {origin!r}")
        root = KeyRecord(kid, log_vkey, origin, "log", None, None, 0)
        return cls(origin=origin)._with_key(root)

    def key(self, kid: str) -> KeyRecord | None:
        return self.keys.get(kid)

    def keys_of(self, person: str) -> list[KeyRecord]:
        return [self.keys[kid] for kid in self.person_kids.get(person, ())]

    def role_of(self, person: str) -> str | None:
        """The role of the person's most recently registered active key."""
        active = [k for k in self.keys_of(person) if k.active]
        return max(active, key=lambda k: k.registered_version).role if active else None

    def _with_key(self, record: KeyRecord) -> Registry:
        keys = dict(self.keys)
        fresh = record.kid not in keys
        keys[record.kid] = record
        index = self.person_kids
        if fresh:
            index = dict(index)
            index[record.person] = (*index.get(record.person, ()), record.kid)
        return dataclasses.replace(self, keys=MappingProxyType(keys), person_kids=MappingProxyType(index))

    def _with_person(self, record: Person) -> Registry:
        persons = dict(self.persons)
        persons[record.id] = record
        return dataclasses.replace(self, persons=MappingProxyType(persons))


def apply_registry(registry: Registry, act: ActRecord) -> Registry:
    """Apply one registry act, or raise the DomainError that refuses it."""
    if act.type in PERSONNEL_PAYLOADS:
        return registry._with_person(apply_personnel(registry, act))
    if act.type in CATALOG_PAYLOADS:
        return apply_catalog(registry, act)
    person = person_of(act.stream)
    if act.type == "authority.admitted":
        if act.actor != registry.origin:
            raise NotAuthorised("only the log key admits the personnel authority")
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
            kid, registered.vkey, person, registered.role, registered.agency, _ts(registered.valid_from), act.version
        )
        return registry._with_key(rec)
    if act.type == "key.revoked":
        if act.actor not in registry.authorities:
            raise NotAuthorised(f"{act.actor!r} is not the personnel authority; keys are revoked by it")
        revoked = payload_as(act, KeyRevoked)
        existing = registry.keys.get(revoked.kid)
        if existing is None or existing.person != person:
            raise UnknownKid(f"kid {revoked.kid} is not a key of {person!r}")
        return registry._with_key(dataclasses.replace(existing, revoked=True))
    raise MalformedAct(f"{act.type!r} is not a registry act")
