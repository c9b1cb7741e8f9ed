"""People (执法人员、辅助人员、法制审核人员、监督人员、机关负责人): roles, exams, certificates, training, reviews.

Every personnel act is a registry act on the stream ``person:<id>`` signed by the personnel authority (the person
the log key admitted). A person's roles are the roles of their active keys plus roles assigned by ``role.assigned``,
minus roles withdrawn by ``role.withdrawn``. An officer acts only with a certificate (执法证) in force for the
case's agency and domain on the act's Asia/Shanghai date; a certificate is issued only after the exam is passed
(《行政处罚法》第四十二条). Local practice (灌云): 60 training hours a year is a metric (``training_shortfall``);
failing the annual review two years running withdraws every certificate and marks the person as exited — the
refusal then follows from the missing certificate.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import cast

from domain.acts import ActRecord, payload_as, person_of
from domain.calendar import local_date
from domain.errors import MalformedAct, NotAuthorised
from domain.local_rules import AppliedRule, local_rule
from domain.personnel_model import (
    ACTING_ROLES,
    PERSONNEL_PAYLOADS,
    AnnualReviewRecorded,
    Certificate,
    CertificateChanged,
    CertificateIssued,
    CertificateStatus,
    ExamPassed,
    Person,
    PersonRegistered,
    Role,
    RoleAssigned,
    RoleWithdrawn,
    TrainingRecorded,
)
from domain.refusals import (
    AuxiliaryNotCertifiable,
    DomainNotExercised,
    ExamRequired,
    UnknownAgency,
    UnknownCertificate,
)
from domain.registry import Registry

# The records are re-exported: ``from domain.personnel import Person`` reads as the domain speaks.
__all__ = [
    "ACTING_ROLES",
    "PERSONNEL_PAYLOADS",
    "AnnualReviewRecorded",
    "Certificate",
    "CertificateChanged",
    "CertificateIssued",
    "CertificateStatus",
    "ExamPassed",
    "Person",
    "PersonRegistered",
    "Role",
    "RoleAssigned",
    "RoleWithdrawn",
    "TrainingRecorded",
    "agency_of",
    "apply_personnel",
    "certificate_for",
    "is_auxiliary_only",
    "is_deputy_head",
    "is_head_of",
    "person",
    "roles_of",
    "staffing_floor",
    "staffing_shortfall",
    "training_required",
    "training_shortfall",
]


_NOT_ASKED = object()  # no memo entry yet (None is an answer)


# -- queries ----------------------------------------------------------------------------------------------------
def person(registry: Registry, person_id: str) -> Person:
    return registry.persons.get(person_id) or Person(person_id)


def roles_of(registry: Registry, person_id: str) -> frozenset[str]:
    """Roles of the person's active keys plus assigned roles, minus withdrawn ones (once per registry: every gate
    asks, several times an act — the memo is read directly, without building ``remembered``'s closure)."""
    key = ("roles_of", person_id)
    found = registry.memo.get(key)
    if found is not None:
        return cast(frozenset[str], found)
    who = person(registry, person_id)
    key_roles = {k.role for k in registry.keys_of(person_id) if k.active}
    roles = registry.memo[key] = frozenset((key_roles | who.assigned_roles) - who.withdrawn_roles)
    return roles


def agency_of(registry: Registry, person_id: str) -> str | None:
    """The person's agency: as registered, else that of their most recent active key."""
    who = registry.persons.get(person_id)
    if who is not None and who.agency is not None:
        return who.agency
    keys = [k for k in registry.keys_of(person_id) if k.active and k.agency is not None]
    return max(keys, key=lambda k: k.registered_version).agency if keys else None


def is_auxiliary_only(registry: Registry, person_id: str) -> bool:
    """An auxiliary who holds no role that may act alone."""
    roles = roles_of(registry, person_id)
    return "auxiliary" in roles and not (roles & ACTING_ROLES)


def certificate_for(registry: Registry, person_id: str, agency: str, domain: str, when: dt.datetime) -> Certificate | None:
    """The certificate in force for this agency and domain on the act's local date, if any (once per registry and
    day: nearly every act asks for each officer it names)."""
    on = local_date(when)
    key = ("certificate_for", person_id, agency, domain, on.isoformat())
    found = registry.memo.get(key, _NOT_ASKED)
    if found is not _NOT_ASKED:
        return cast(Certificate | None, found)
    cert: Certificate | None = None
    who = registry.persons.get(person_id)
    # An auxiliary's certificate (had one been issued before the role) never makes an officer.
    if who is not None and not who.exited and not is_auxiliary_only(registry, person_id):
        cert = next((c for c in who.certificates if c.in_force(agency, domain, on)), None)
    registry.memo[key] = cert
    return cert


def is_head_of(registry: Registry, person_id: str, agency: str | None) -> bool:
    return agency is not None and "agency_head" in roles_of(registry, person_id) and agency_of(registry, person_id) == agency


def is_deputy_head(registry: Registry, person_id: str) -> bool:
    """A deputy head not presiding over the agency's work (:attr:`RoleAssigned.deputy`)."""
    who = registry.persons.get(person_id)
    return who is not None and who.deputy_head


def training_shortfall(registry: Registry, person_id: str, year: int) -> int:
    """Hours still missing against the yearly minimum of the person's agency (local rule, default 60; a metric)."""
    return max(0, training_required(registry, person_id, year).value - person(registry, person_id).training_hours(year))


def training_required(registry: Registry, person_id: str, year: int) -> AppliedRule:
    """The training-hours rule governing the person's agency for ``year`` (as in force at the year's end)."""
    return local_rule(registry, agency_of(registry, person_id), None, "training.hours_per_year", _year_end(year))


def _year_end(year: int) -> dt.datetime:
    return dt.datetime(year, 12, 31, 15, 59, 59, tzinfo=dt.UTC)  # 23:59:59 in Beijing


def staffing_floor(registry: Registry, agency: str, when: dt.datetime) -> AppliedRule | None:
    """The local staffing floor (灌云: ≥ 6 officers per town, ≥ 4 per street) for a township or street, else None."""
    record = registry.agencies.get(agency)
    if record is None or record.kind not in ("township", "street"):
        return None
    key = "staffing.town_min" if record.kind == "township" else "staffing.street_min"
    return local_rule(registry, agency, None, key, when)


def staffing_shortfall(registry: Registry, agency: str, domain: str | None, when: dt.datetime) -> int:
    """Certified officers missing against the floor (a supervision metric, never a refusal); 0 where none applies."""
    floor = staffing_floor(registry, agency, when)
    if floor is None:
        return 0
    on = local_date(when)
    certified = [
        who.id
        for who in registry.persons.values()
        if not who.exited
        and any(
            c.in_force(agency, d, on) for c in who.certificates for d in (c.domains if domain is None else {domain})
        )
    ]
    return max(0, floor.value - len(certified))


# -- applying personnel acts ------------------------------------------------------------------------------------
def _replace_cert(who: Person, number: str, allowed: set[str], status: CertificateStatus) -> Person:
    for i, cert in enumerate(who.certificates):
        if cert.number == number and cert.status in allowed:
            certs = list(who.certificates)
            certs[i] = dataclasses.replace(cert, status=status)
            return dataclasses.replace(who, certificates=tuple(certs))
    raise UnknownCertificate(f"{who.id} holds no certificate {number!r} in status {sorted(allowed)}")


def apply_personnel(registry: Registry, act: ActRecord) -> Person:
    """Apply one personnel act; returns the person's new record (the registry stores it) or raises."""
    person_id = person_of(act.stream)
    if act.actor not in registry.authorities:
        raise NotAuthorised(f"{act.actor!r} is not the personnel authority; {act.type} is its act")
    who = person(registry, person_id)
    if act.type == "person.registered":
        reg = payload_as(act, PersonRegistered)
        if reg.agency is not None and reg.agency not in registry.agencies:
            raise UnknownAgency(f"agency {reg.agency!r} is not registered")
        return dataclasses.replace(
            who, name=reg.name, agency=reg.agency, assigned_roles=who.assigned_roles | set(reg.roles)
        )
    if act.type == "role.assigned":
        assigned = payload_as(act, RoleAssigned)
        if assigned.agency is not None and assigned.agency not in registry.agencies:
            raise UnknownAgency(f"agency {assigned.agency!r} is not registered")
        if assigned.deputy and assigned.role != "agency_head":
            raise MalformedAct(f"only an agency head is a deputy or not; {assigned.role} has no deputies")
        return dataclasses.replace(
            who,
            assigned_roles=who.assigned_roles | {assigned.role},
            withdrawn_roles=who.withdrawn_roles - {assigned.role},
            agency=assigned.agency or who.agency,
            deputy_head=assigned.deputy if assigned.role == "agency_head" else who.deputy_head,
        )
    if act.type == "role.withdrawn":
        withdrawn = payload_as(act, RoleWithdrawn)
        return dataclasses.replace(
            who,
            assigned_roles=who.assigned_roles - {withdrawn.role},
            withdrawn_roles=who.withdrawn_roles | {withdrawn.role},
            deputy_head=False if withdrawn.role == "agency_head" else who.deputy_head,
        )
    if act.type == "exam.passed":
        exam = payload_as(act, ExamPassed)
        return dataclasses.replace(who, exams=(*who.exams, (exam.exam, exam.passed_on)))
    if act.type == "certificate.issued":
        issued = payload_as(act, CertificateIssued)
        if is_auxiliary_only(registry, person_id):
            raise AuxiliaryNotCertifiable(f"{person_id} is auxiliary staff; a certificate is for officers")
        if not any(day <= issued.valid_from for _, day in who.exams):
            raise ExamRequired(f"{person_id} has passed no enforcement exam by {issued.valid_from}")
        if issued.valid_until < issued.valid_from or not issued.domains:
            raise MalformedAct("a certificate needs domains and valid_from ≤ valid_until")
        agency = registry.agencies.get(issued.agency)
        if agency is None:
            raise UnknownAgency(f"agency {issued.agency!r} is not registered")
        missing = sorted(set(issued.domains) - set(agency.domains))
        if missing:
            raise DomainNotExercised(f"{issued.agency} exercises no power in {missing}")
        if any(c.number == issued.number for c in who.certificates):
            raise MalformedAct(f"certificate {issued.number!r} was already issued to {person_id}")
        cert = Certificate(issued.number, issued.agency, frozenset(issued.domains), issued.valid_from, issued.valid_until)
        return dataclasses.replace(who, certificates=(*who.certificates, cert), exited=False)
    if act.type == "certificate.suspended":
        return _replace_cert(who, payload_as(act, CertificateChanged).number, {"active"}, "suspended")
    if act.type == "certificate.reinstated":
        return _replace_cert(who, payload_as(act, CertificateChanged).number, {"suspended"}, "active")
    if act.type == "certificate.withdrawn":
        return _replace_cert(who, payload_as(act, CertificateChanged).number, {"active", "suspended"}, "withdrawn")
    if act.type == "training.recorded":
        training = payload_as(act, TrainingRecorded)
        if training.hours <= 0:
            raise MalformedAct("training hours must be positive")
        return dataclasses.replace(who, training=(*who.training, (training.year, training.hours)))
    if act.type == "annual_review.recorded":
        review = payload_as(act, AnnualReviewRecorded)
        reviews = (*(r for r in who.reviews if r[0] != review.year), (review.year, review.passed))
        who = dataclasses.replace(who, reviews=tuple(sorted(reviews)))
        return _exit_after_failures(registry, who, act.recorded_at)
    raise MalformedAct(f"{act.type!r} is not a personnel act")


def _exit_after_failures(registry: Registry, who: Person, when: dt.datetime) -> Person:
    """Local rule (灌云, configurable per agency): failing the annual review N years running withdraws every certificate."""
    needed = local_rule(registry, who.agency or agency_of(registry, who.id), None, "review.failures_to_exit", when).value
    results = dict(who.reviews)
    if not results:
        return who
    last = max(results)
    run = [results.get(year) for year in range(last - needed + 1, last + 1)]
    if all(passed is False for passed in run):
        certs = tuple(dataclasses.replace(c, status="withdrawn") for c in who.certificates)
        return dataclasses.replace(who, certificates=certs, exited=True)
    return who
