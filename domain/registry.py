"""The registry: keys, people, agencies and the catalog — replayed from registry acts in log order.

Root of trust (DESIGN.md, Keys): the log key (named by the log's origin) admits the personnel authority; the
authority registers and revokes every other key. A key is valid for an act if it was registered and not revoked
at the act's position in the log and the act's time is not before its ``valid_from``. The registry is immutable:
:func:`apply_registry` returns a new one, so a writer can stage a group of acts and drop them on failure.

Besides keys it holds people (roles, exams, certificates, training, reviews: :mod:`domain.personnel`, acts on
``person:<id>`` by the authority) and agencies and catalog items with their delegations and entrustments
(:mod:`domain.catalog`, acts on ``agency:<id>`` and ``item:<code>``). Case rules read it as of the act's position.

Layers, one way: the records (``personnel_model``, ``catalog_model``) ← this module (the ``Registry`` type and
its key lookups) ← the appliers and queries (``personnel``, ``catalog``) ← :mod:`domain.registry_acts`
(``apply_registry``, which dispatches every registry act).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TypeVar, cast

from domain.catalog_model import Agency, Item
from domain.errors import DomainError, MalformedAct
from domain.personnel_model import Person
from domain.review_model import ReviewPlan

T = TypeVar("T")
_MISSING = object()  # a memo entry not computed yet (None is an answer)

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


class LogNameReserved(DomainError):
    code = "log-name-reserved"
    title = "日志名称专属于日志密钥"
    title_en = "The log's name belongs to the log key alone"
    status = 403


class UnknownKid(DomainError):
    code = "unknown-kid"
    title = "被吊销的密钥不存在"
    title_en = "The key to revoke is not registered to this person"
    status = 422


class KeyAlreadyRevoked(DomainError):
    code = "key-already-revoked"
    title = "密钥已被吊销"
    title_en = "This key was revoked already (a second revocation is refused)"
    status = 409


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


@dataclass(frozen=True)
class RuleSetting:
    """One local rule an agency recorded (``agency.rule_set``, see :mod:`domain.local_rules`): for which domain
    (None: all), the value, the local instrument, from when, and the act (``agency:<id> v<n>``) that set it."""

    agency: str
    domain: str | None
    key: str
    value: int
    instrument: str
    basis: str
    effective_from: dt.datetime
    act_ref: str


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


def parse_valid_from(text: str | None) -> dt.datetime | None:
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
    rule_settings: Mapping[str, tuple[RuleSetting, ...]] = field(default_factory=dict)
    reviews: Mapping[str, ReviewPlan] = field(default_factory=dict)  # 案卷评查 / 双随机 plans (domain.review)
    #: Answers of pure queries on this (immutable) registry, e.g. a person's roles (:func:`domain.personnel.roles_of`):
    #: every case act asks them again, and a registry stands for many acts. Not a field of the value: not compared,
    #: not copied by ``dataclasses.replace`` (a changed registry starts empty), not pickled.
    memo: dict[tuple[str, ...], object] = field(default_factory=dict, init=False, compare=False, repr=False)

    def __getstate__(self) -> dict[str, object]:
        state = dict(self.__dict__)
        state.pop("memo", None)
        return state

    def __setstate__(self, state: dict[str, object]) -> None:
        self.__dict__.update(state)
        object.__setattr__(self, "memo", {})

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

    def remembered(self, key: tuple[str, ...], compute: Callable[[], T]) -> T:
        """``compute()``, once per registry: the answer to a pure query, kept in :attr:`memo` under ``key``."""
        try:
            return self.memo[key]  # type: ignore[return-value]
        except KeyError:
            found = self.memo[key] = compute()
            return found

    def role_of(self, person: str) -> str | None:
        """The role of the person's most recently registered active key (once per registry; the memo is read
        directly: the timeline asks for every act)."""
        key = ("role_of", person)
        found = self.memo.get(key, _MISSING)
        if found is not _MISSING:
            return cast(str | None, found)
        active = [k for k in self.keys_of(person) if k.active]
        role = self.memo[key] = max(active, key=lambda k: k.registered_version).role if active else None
        return role

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
