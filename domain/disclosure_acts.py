"""Payload schemas of the disclosure acts on a case stream (公示、撤回公示、信用修复), registered as case acts.

The rules are in :mod:`domain.case.disclosure`, the public texts and periods in :mod:`domain.disclosure`.
"""

from __future__ import annotations

from typing import Annotated

import msgspec

from domain.acts import CASE_PAYLOADS, Payload, Sha256, Text
from domain.case_acts import CASE_ACTS
from domain.disclosure import PublicityClass, WithdrawalGround


class DisclosurePublished(Payload):
    """公示 (118号): the agency publishes the decision taken at ``decision_version`` of this case.

    ``publicity_class`` states the NDRC class when the agency decides it (default: derived from the penalties);
    ``note`` is a public remark and may carry no personal data."""

    decision_version: Annotated[int, msgspec.Meta(ge=1)]
    publicity_class: PublicityClass | None = None
    note: str = ""


class DisclosureWithdrawn(Payload):
    """撤回公示 (Art 48): the decision was changed, revoked, confirmed illegal or void; the reason is published."""

    decision_version: Annotated[int, msgspec.Meta(ge=1)]
    ground: WithdrawalGround
    reason: Text


class CreditRepaired(Payload):
    """信用修复 (NDRC 《信用修复管理办法》): on the party's application (``application_sha256``, its paper: required),
    once the decision is performed in full and after the minimum period, publicity ends. The field may be null in
    the schema so that a missing application is refused by its own rule (``credit-repair-without-application``)."""

    decision_version: Annotated[int, msgspec.Meta(ge=1)]
    reason: Text
    application_sha256: Sha256 | None = None


DISCLOSURE_ACTS: dict[str, type[Payload]] = {
    "disclosure.published": DisclosurePublished,
    "disclosure.withdrawn": DisclosureWithdrawn,
    "credit.repaired": CreditRepaired,
}
CASE_ACTS.update(DISCLOSURE_ACTS)
CASE_PAYLOADS.update(DISCLOSURE_ACTS)
