"""People's records: roles, exams, certificates (执法证), training and reviews, and the personnel payload schemas.

No registry and no rules here: :mod:`domain.personnel` holds the queries and the applier, :mod:`domain.registry` the
``Registry`` that holds these records. The rules are explained in :mod:`domain.personnel`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

import msgspec

from domain.acts import REGISTRY_PAYLOADS, Payload, Text

Role = Literal["authority", "officer", "auxiliary", "legal_reviewer", "supervisor", "agency_head", "catalog_keeper", "party"]
CertificateStatus = Literal["active", "suspended", "withdrawn"]

# Roles that exercise enforcement power on their own; an auxiliary holds none of them.
ACTING_ROLES = frozenset({"officer", "agency_head", "legal_reviewer"})


# -- payloads ---------------------------------------------------------------------------------------------------
class PersonRegistered(Payload):
    name: Text
    agency: str | None = None
    roles: list[Role] = msgspec.field(default_factory=list)
    staff_number: str | None = None


class RoleAssigned(Payload):
    role: Role
    agency: str | None = None
    #: For ``agency_head`` only: a deputy head (副职负责人) who does not preside over the agency's work. Deputies
    #: decide and approve what the law gives to "the agency's head" (负责人), but not a transfer of a suspected
    #: crime (国务院令第310号 Art 5: 正职负责人或者主持工作的负责人). A deputy who takes over the agency's work is
    #: assigned the role again without it.
    deputy: bool = False


class RoleWithdrawn(Payload):
    role: Role
    reason: Text


class ExamPassed(Payload):
    exam: Text
    passed_on: dt.date
    score: int | None = None


class CertificateIssued(Payload):
    number: Text
    agency: Text
    domains: list[Text]
    valid_from: dt.date
    valid_until: dt.date


class CertificateChanged(Payload):
    """Suspension, reinstatement or withdrawal of a certificate, with the reason."""

    number: Text
    reason: Text


class TrainingRecorded(Payload):
    year: int
    hours: int = msgspec.field(default=0)
    course: Text = "training"


class AnnualReviewRecorded(Payload):
    year: int
    passed: bool
    note: str = ""


PERSONNEL_PAYLOADS: dict[str, type[Payload]] = {
    "person.registered": PersonRegistered,
    "role.assigned": RoleAssigned,
    "role.withdrawn": RoleWithdrawn,
    "exam.passed": ExamPassed,
    "certificate.issued": CertificateIssued,
    "certificate.suspended": CertificateChanged,
    "certificate.reinstated": CertificateChanged,
    "certificate.withdrawn": CertificateChanged,
    "training.recorded": TrainingRecorded,
    "annual_review.recorded": AnnualReviewRecorded,
}
REGISTRY_PAYLOADS.update(PERSONNEL_PAYLOADS)


# -- state ------------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Certificate:
    number: str
    agency: str
    domains: frozenset[str]
    valid_from: dt.date
    valid_until: dt.date
    status: CertificateStatus = "active"

    def in_force(self, agency: str, domain: str, on: dt.date) -> bool:
        return (
            self.status == "active"
            and self.agency == agency
            and domain in self.domains
            and self.valid_from <= on <= self.valid_until
        )


@dataclass(frozen=True)
class Person:
    id: str
    name: str | None = None
    agency: str | None = None
    assigned_roles: frozenset[str] = frozenset()
    withdrawn_roles: frozenset[str] = frozenset()
    exams: tuple[tuple[str, dt.date], ...] = ()
    certificates: tuple[Certificate, ...] = ()
    training: tuple[tuple[int, int], ...] = ()
    reviews: tuple[tuple[int, bool], ...] = ()
    exited: bool = False
    deputy_head: bool = False  # an agency head assigned as a deputy not presiding over the work (RoleAssigned.deputy)

    def training_hours(self, year: int) -> int:
        return sum(hours for y, hours in self.training if y == year)


