"""The state of one case as the rules see it: a msgspec Struct that round-trips through JSON (projections store it).

Everything a later rule needs is kept here — who investigated, which notice was served when, what the party said,
which measures run — so a rule decides from the state and the act alone. Clocks are not stored: they are computed
from these times (``domain.deadlines``).
"""

from __future__ import annotations

import datetime as dt

import msgspec

from domain.parties import Party


class _S(msgspec.Struct, kw_only=True):
    pass


class Lead(_S):
    source: str
    channel: str
    summary: str
    received_at: dt.datetime
    referred_by: str | None = None
    referral_ref: str | None = None
    ticket: str | None = None
    received_by: str | None = None


class ReferralReport(_S):
    """One 抄告 of a referred lead's result to the referring regulator: what it stated, when, at which version."""

    version: int
    result: str
    at: dt.datetime


class Pending(_S):
    """An act some named officers or approvers have still to co-sign."""

    version: int
    act_type: str
    awaiting: list[str]
    approver: str | None = None


class Recusal(_S):
    officer: str
    by: str
    reason: str
    requested_at: dt.datetime
    upheld: bool | None = None
    decided_at: dt.datetime | None = None


class Evidence(_S):
    version: int
    kind: str
    sha256: str
    size: int
    collected_by: list[str]
    collected_at: dt.datetime
    description: str
    recorded_at: dt.datetime | None = None


class Record(_S):
    version: int
    kind: str
    sha256: str
    officers: list[str]
    at: dt.datetime


class Preservation(_S):
    version: int
    started_at: dt.datetime
    approved_by: str
    decided_at: dt.datetime | None = None
    outcome: str | None = None
    emergency: bool = False


class Measure(_S):
    version: int
    kind: str
    imposed_at: dt.datetime
    days: int
    approved_by: str
    emergency: bool = False
    extension_days: int = 0
    extensions: int = 0
    lifted_at: dt.datetime | None = None
    transferred_at: dt.datetime | None = None


class Pause(_S):
    kind: str
    started_at: dt.datetime
    ended_at: dt.datetime | None = None
    measure: int | None = None
    fixed_days: int | None = None


class Review(_S):
    at: dt.datetime
    reviewer: str
    outcome: str


class Discussion(_S):
    at: dt.datetime
    participants: list[str]
    version: int = 0


class Extension(_S):
    at: dt.datetime
    days: int
    by: str


class Notice(_S):
    version: int
    issued_at: dt.datetime
    penalties: list[str]
    fine_fen: int
    confiscation_fen: int
    hearing_eligible: bool
    band: str | None = None
    served_at: dt.datetime | None = None
    service_method: str | None = None


class Statement(_S):
    at: dt.datetime
    by: str
    sha256: str


class Hearing(_S):
    requested_at: dt.datetime
    told_at: dt.datetime | None = None
    withdrawn_at: dt.datetime | None = None
    scheduled_at: dt.datetime | None = None
    hearing_at: dt.datetime | None = None
    presider: str | None = None
    public: bool = True
    held_at: dt.datetime | None = None
    party_present: bool | None = None
    record_at: dt.datetime | None = None
    record_sha256: str | None = None


class Decision(_S):
    version: int
    kind: str  # penalty / no_penalty / simple
    decided_at: dt.datetime
    by: str
    penalties: list[str] = msgspec.field(default_factory=list)
    fine_fen: int = 0
    confiscation_fen: int = 0
    band: str | None = None
    reason_outside_band: str | None = None
    ground: str | None = None
    served_at: dt.datetime | None = None
    service_method: str | None = None
    changed_fine_fen: int | None = None
    void: bool = False
    deciding_agency: str | None = None
    remedies_stated: bool = True

    @property
    def fine_in_force_fen(self) -> int:
        """The fine as a reconsideration or judgment changed it, else as imposed."""
        return self.fine_fen if self.changed_fine_fen is None else self.changed_fine_fen

    @property
    def money_due_fen(self) -> int:
        """Fine (as changed on review) plus confiscated gains: what the party pays."""
        if self.void or self.kind == "no_penalty":
            return 0
        gains = self.confiscation_fen if "confiscate_gains" in self.penalties else 0
        return self.fine_in_force_fen + gains


class Payment(_S):
    at: dt.datetime
    amount_fen: int
    method: str
    receipt_ref: str
    version: int = 0
    handed_in_at: dt.datetime | None = None


class Deferral(_S):
    at: dt.datetime
    kind: str
    until: dt.date | None = None
    instalments: list[tuple[dt.date, int]] = msgspec.field(default_factory=list)


class Remedy(_S):
    kind: str  # reconsideration / litigation
    filed_at: dt.datetime
    body: str
    received_on: dt.date | None = None  # the day the body received it (lodged_on), when not the day recorded
    decided_at: dt.datetime | None = None
    outcome: str | None = None
    final: bool = True
    served_at: dt.datetime | None = None
    procedural_only: bool = False  # revoked or ordered remade for a breach of procedure alone (复议法 Art 64(2))


class Transfer(_S):
    organ: str
    suspected_crime: str
    reported_at: dt.datetime
    approved_at: dt.datetime | None = None
    approved: bool | None = None
    sent_at: dt.datetime | None = None
    receipt_at: dt.datetime | None = None
    returned_at: dt.datetime | None = None


class FollowUp(_S):
    at: dt.datetime
    by: str
    satisfaction: int


class Complaint(_S):
    version: int
    at: dt.datetime
    by: str
    channel: str
    answered_at: dt.datetime | None = None


class Disclosure(_S):
    """事后公示 of one decision and how it ended (``domain/case/disclosure.py``); nothing here is ever removed."""

    decision_version: int
    published_at: dt.datetime
    published_version: int
    publicity_class: str
    withdrawn_at: dt.datetime | None = None
    withdrawn_version: int | None = None
    withdrawal_ground: str | None = None
    repaired_at: dt.datetime | None = None
    repaired_version: int | None = None


class Reliance(_S):
    """A rule (and day) the last accepted act rested on: the rule's source, the day, whether that day is provisional."""

    rule: str
    source: str = ""
    due: dt.date | None = None
    provisional: bool = False

    def describe(self) -> str:
        day = f" until {self.due.isoformat()}" if self.due is not None else ""
        flag = " [provisional: counted Monday–Friday, the official calendar does not cover that year]" if self.provisional else ""
        return f"{self.source or self.rule}{day}{flag}"


class Nonconformity(_S):
    """A recorded act that today's rules refuse (they were tightened after the writer accepted it): the act stays
    in the ledger and in the full-process record, but changes nothing in the state; supervisors see it here and
    ``zhifa check`` names it (``rules-refuse``)."""

    version: int
    act_type: str
    recorded_at: dt.datetime
    code: str
    article: str
    reason: str


class CaseState(msgspec.Struct, kw_only=True):
    """One case. ``status`` is derived from the fields after every act (see ``domain.case.status_of``)."""

    case_id: str
    version: int
    status: str
    opened_at: dt.datetime
    updated_at: dt.datetime
    catalog_item: str | None = None
    acts: list[str] = msgspec.field(default_factory=list)
    agency: str | None = None
    in_name_of: str | None = None
    domain: str | None = None
    procedure: str | None = None  # general / simple
    lead: Lead | None = None
    party: Party | None = None
    filed_at: dt.datetime | None = None
    filed_by: str | None = None
    remade_at: dt.datetime | None = None
    violation_began: dt.date | None = None
    violation_ended: dt.date | None = None
    major_public_interest: bool = False
    complex: bool = False
    filing_extended_at: dt.datetime | None = None
    declined_at: dt.datetime | None = None
    decline_ground: str | None = None
    referral_reports: list[ReferralReport] = msgspec.field(default_factory=list)
    """Every result of a referred lead sent back (抄告), in order; ``referral_final_at`` says which one closes it."""
    officers: list[str] = msgspec.field(default_factory=list)
    investigators: list[str] = msgspec.field(default_factory=list)
    credentials_shown_by: list[str] = msgspec.field(default_factory=list)
    rights_informed_at: dt.datetime | None = None
    recusals: list[Recusal] = msgspec.field(default_factory=list)
    recused: list[str] = msgspec.field(default_factory=list)
    evidence: list[Evidence] = msgspec.field(default_factory=list)
    records: list[Record] = msgspec.field(default_factory=list)
    preservations: list[Preservation] = msgspec.field(default_factory=list)
    measures: list[Measure] = msgspec.field(default_factory=list)
    pauses: list[Pause] = msgspec.field(default_factory=list)
    reviews: list[Review] = msgspec.field(default_factory=list)
    discussions: list[Discussion] = msgspec.field(default_factory=list)
    extensions: list[Extension] = msgspec.field(default_factory=list)
    notice: Notice | None = None
    notices_issued: int = 0
    earlier_notices: list[Notice] = msgspec.field(default_factory=list)
    statements: list[Statement] = msgspec.field(default_factory=list)
    statement_waived_at: dt.datetime | None = None
    hearing_waived_at: dt.datetime | None = None
    hearing: Hearing | None = None
    decision: Decision | None = None
    voided_decisions: list[Decision] = msgspec.field(default_factory=list)
    simple_reported_at: dt.datetime | None = None
    payments: list[Payment] = msgspec.field(default_factory=list)
    deferral: Deferral | None = None
    late_fees_fen: int = 0
    reminders: list[dt.datetime] = msgspec.field(default_factory=list)
    """When each written reminder (催告) was served: an announced one 30 days after it went up (ACL Arts 38, 54)."""
    court_applied_at: dt.datetime | None = None
    court_outcome: str | None = None
    remedies: list[Remedy] = msgspec.field(default_factory=list)
    transfer: Transfer | None = None
    terminated_at: dt.datetime | None = None
    termination_ground: str | None = None
    closed_at: dt.datetime | None = None
    closure_ground: str | None = None
    archived_at: dt.datetime | None = None
    follow_ups: list[FollowUp] = msgspec.field(default_factory=list)
    complaints: list[Complaint] = msgspec.field(default_factory=list)
    corrections: list[int] = msgspec.field(default_factory=list)
    pending: list[Pending] = msgspec.field(default_factory=list)
    disclosures: list[Disclosure] = msgspec.field(default_factory=list)
    relied_on: list[Reliance] = msgspec.field(default_factory=list)
    """What the last accepted act rested on (rule sources, days and whether provisional); reset by every act."""
    nonconforming: list[Nonconformity] = msgspec.field(default_factory=list)
    """Recorded acts the rules now refuse, in version order (``domain.case.apply_recorded``); empty on a ledger
    written under the rules that replay it."""

    @property
    def paid_fen(self) -> int:
        return sum(p.amount_fen for p in self.payments)

    @property
    def transfer_sent(self) -> bool:
        """The file is with the judicial organ: sent and not returned (国务院令310 Art 9: not filed, file returned)."""
        return self.transfer is not None and self.transfer.sent_at is not None and self.transfer.returned_at is None

    @property
    def referral_outcome(self) -> tuple[str, dt.datetime] | None:
        """How the lead ended, as the result sent back names it, and since when: declined, transferred (the file
        with the judicial organ), terminated, or decided (the decision in force, a remade one from its own day);
        None while the case runs. The final result of a referral (管罚分离 抄告) is the one naming this outcome."""
        if self.declined_at is not None:
            return "declined", self.declined_at
        if self.transfer_sent and self.transfer is not None and self.transfer.sent_at is not None:
            return "transferred", self.transfer.sent_at
        if self.terminated_at is not None:
            return "terminated", self.terminated_at
        if self.decision is not None:
            return "decided", self.decision.decided_at
        return None

    @property
    def referral_result_owed(self) -> str:
        """The result the case's stage lets the agency send back now: its outcome, else "filed" (or "referred" before
        filing, which no result names)."""
        outcome = self.referral_outcome
        if outcome is not None:
            return outcome[0]
        return "filed" if self.filed_at is not None else "referred"

    @property
    def referral_final_at(self) -> dt.datetime | None:
        """When the final result went back: the first report naming the outcome, sent once the outcome arose. A
        "filed" report alone never closes the loop, nor a "decided" one sent before the decision was remade."""
        outcome = self.referral_outcome
        if outcome is None:
            return None
        for report in self.referral_reports:
            if report.result == outcome[0] and report.at >= outcome[1]:
                return report.at
        return None

    @property
    def referral_result_due_from(self) -> dt.datetime | None:
        """From when a result is owed and not yet sent (the clock ``referral.result_within`` runs from it): the filing
        while nothing went back since it, then the outcome until its final result; None when nothing is owed."""
        if self.lead is None or self.lead.source != "referral" or self.referral_final_at is not None:
            return None
        if self.filed_at is not None and not any(r.at >= self.filed_at for r in self.referral_reports):
            return self.filed_at
        outcome = self.referral_outcome
        return outcome[1] if outcome is not None else None
