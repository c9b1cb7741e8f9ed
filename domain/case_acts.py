"""Payload schemas of every case act, one msgspec Struct per act type, from lead to archive.

Money is integer fen; times are aware timestamps; papers and evidence files are referenced by SHA-256. The
legal time of an act is the ledger's ``recorded_at``; a payload time (``collected_at``, ``hearing_at``) says
when something happened or will happen and is checked against it.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

import msgspec

from domain.acts import CASE_PAYLOADS, Fen, Payload, PersonId, Sha256, Text, Timestamp
from domain.catalog import Band, PenaltyKind
from domain.law import rule
from domain.parties import Party

LeadSource = Literal[
    "patrol",
    "inspection",
    "random_inspection",
    "complaint",
    "report",
    "hotline_12345",
    "referral",
    "assignment",
    "non_site_monitoring",
    "self_report",
]
"""Art 54 lead sources: patrol and inspection (双随机 included), complaints and reports (12345 hotline),
referral by a regulator (管罚分离), assignment from above, non-site monitoring (Art 41), self-report."""

EvidenceKind = Literal[
    "documentary",
    "physical",
    "audio_visual",
    "electronic",
    "witness",
    "party_statement",
    "expert_opinion",
    "inspection_record",
]
"""Art 46: 书证、物证、视听资料、电子数据、证人证言、当事人的陈述、鉴定意见、勘验笔录和现场笔录."""

DeclineGround = Literal[
    "no_violation",
    "insufficient_evidence",
    "not_jurisdiction",
    "time_barred",
    "minor_corrected",
    "first_violation_slight",
    "no_fault",
    "other",
]
NoPenaltyGround = Literal["minor_corrected", "first_violation_slight", "no_fault", "minor_age", "mental_illness"]
"""Art 33 (and Arts 30–31): 轻微并及时改正 / 首违轻微 / 无主观过错 / 未满十四周岁 / 精神病人."""

ServiceMethod = Literal["on_the_spot", "direct", "left_at_residence", "mail", "electronic", "announcement"]
ServedDocument = Literal["notice", "hearing_notice", "decision"]
RemedyOutcome = Literal[
    "upheld", "changed", "revoked", "confirmed_illegal", "confirmed_void", "remake", "dismissed", "withdrawn"
]
PauseKind = Literal["testing", "inspection", "quarantine", "appraisal", "hearing", "announcement", "suspension"]
# ACL Art 25: only these periods, fixed and notified in writing, are left out of a seizure's 30 + 30 days.
MEASURE_PAUSE_KINDS = frozenset({"testing", "inspection", "quarantine", "appraisal"})
Harm = Literal["none", "slight", "harmful"]
Officers = Annotated[list[PersonId], msgspec.Meta(max_length=20)]


class LeadReceived(Payload):
    """线索: source and receipt (the act's time). ``officers`` names those accepting with an auxiliary signer."""

    source: LeadSource
    channel: str
    summary: str
    catalog_item: str | None = None
    agency: str | None = None
    referred_by: str | None = None
    referral_ref: str | None = None
    ticket: str | None = None
    party: Party | None = None
    officers: Officers = msgspec.field(default_factory=list)


class CaseNote(Payload):
    text: str


class CaseFiled(Payload):
    """立案 (Art 54): the item, the party and the facts as known; flags that make the case major or complex."""

    facts: Text
    catalog_item: str | None = None
    party: Party | None = None
    violation_began: dt.date | None = None
    violation_ended: dt.date | None = None
    major_public_interest: bool = False
    complex: bool = False


class FilingExtended(Payload):
    """The head extends the filing decision by 15 working days (MS rules Art 18, sector default)."""

    reason: Text


class CaseDeclined(Payload):
    ground: DeclineGround
    reason: Text


ReferralResult = Literal["filed", "declined", "decided", "terminated", "transferred"]
"""What a referred lead's result says: filed (立案), declined (不予立案), decided (处罚或不予处罚决定), terminated (终止调查,
no penalty), transferred (移送司法机关). All but "filed" are final: they name how the case ended."""


class ReferralResultSent(Payload):
    """抄告: the result of a referred lead goes back to the referring regulator (and the approval department).

    ``to`` is the referring regulator; ``result`` names the case's stage when it is sent — "filed" while the case
    runs, then its outcome, which is the final result closure waits for."""

    to: Text
    result: ReferralResult
    copy_to: list[str] = msgspec.field(default_factory=list)
    note: str = ""


class OfficersAssigned(Payload):
    officers: Officers


class CredentialsShown(Payload):
    """亮证 (Art 55): the named officers showed their certificates to the party or the persons present."""

    officers: Officers
    to: Text = "party"


class RightsInformed(Payload):
    officers: Officers
    rights: list[Text]


class RecusalRequested(Payload):
    officer: PersonId
    by: Literal["party", "self", "agency"]
    reason: Text


class RecusalDecided(Payload):
    officer: PersonId
    upheld: bool
    reason: Text


class DeviceRecord(msgspec.Struct, forbid_unknown_fields=True, kw_only=True, frozen=True):
    """Where evidence comes from an electronic monitoring device (非现场执法, APL Art 41): the device, the reference
    of its legal and technical review, whether its location was published, and the review of this record."""

    device_id: Text
    approval_ref: str | None = None  # 法制和技术审核 of the device (Art 41 para 1)
    location_published: bool = False  # 设置地点应当向社会公布 (Art 41 para 1)
    record_review_sha256: Sha256 | None = None  # 审核记录内容 (Art 41 para 2)
    reviewed_by: PersonId | None = None


class EvidenceCollected(Payload):
    """An evidence item: kind, SHA-256 and size of the file, who collected it and when (the officers).

    A device's record (``device``) counts as evidence only if the device passed its legal and technical review, its
    location was published and an officer reviewed this record (Art 41)."""

    kind: EvidenceKind
    sha256: Sha256
    size: Annotated[int, msgspec.Meta(ge=0)]
    officers: Officers
    collected_at: Timestamp
    description: Text
    source: str = ""
    device: DeviceRecord | None = None


class InspectionRecorded(Payload):
    officers: Officers
    place: Text
    findings: Text
    record_sha256: Sha256
    party_present: bool = True


class InterviewRecorded(Payload):
    officers: Officers
    interviewee: Text
    record_sha256: Sha256


class PreservationRegistered(Payload):
    """先行登记保存 (Art 56): 经负责人批准 — the approving head signs the act (approval before); only in an
    emergency (MS rules Art 33) an officer signs and the head co-signs within 24 hours. Decided within 7 working days."""

    officers: Officers
    items: list[Text]
    approved_by: PersonId
    record_sha256: Sha256
    emergency: bool = False


class PreservationDecided(Payload):
    preservation: int
    outcome: Literal["returned", "seized", "confiscation_proposed", "transferred", "released"]
    reason: Text


class CoercionImposed(Payload):
    """查封、扣押 (ACL Arts 18, 24–25): at most 30 days. The approving head signs the act (approval before the
    measure); only in an emergency (ACL Art 19) an officer signs and the head co-signs within 24 hours."""

    kind: Literal["seal", "seize"]
    officers: Officers
    items: list[Text]
    reason: Text
    days: int
    approved_by: PersonId
    emergency: bool = False


class CoercionExtended(Payload):
    """延长 (ACL Art 25): the head's decision, notified to the party in writing with its reasons (the paper's hash)."""

    measure: int
    days: int
    reason: Text
    notice_sha256: Sha256 | None = None


class CoercionLifted(Payload):
    measure: int
    reason: Text


class PauseStarted(Payload):
    """Start of excluded time (testing, appraisal, hearing, announcement…); ``measure`` names a coercion it pauses.

    A seizure's pause (ACL Art 25) is a testing, inspection, quarantine or appraisal period whose length is fixed
    (``fixed_days``) and notified to the party in writing (``notice_sha256``); at most that length is excluded.
    A suspension of the investigation (中止调查) is signed by the agency head (MS rules Art 47)."""

    kind: PauseKind
    reason: Text
    measure: int | None = None
    fixed_days: Annotated[int, msgspec.Meta(ge=1)] | None = None
    notice_sha256: Sha256 | None = None


class PauseEnded(Payload):
    kind: PauseKind
    measure: int | None = None


class LegalReviewed(Payload):
    outcome: Literal["passed", "failed"]
    opinion: Text


class CollectiveDiscussed(Payload):
    """集体讨论 (Art 57): the agency's registered heads, at least the quorum, each signing (co-signatures)."""

    participants: Annotated[list[PersonId], msgspec.Meta(min_length=1)]
    conclusion: Text


class ExtensionApproved(Payload):
    days: int
    reason: Text


class NoticeIssued(Payload):
    """告知 (Art 44): facts, reasons, basis and the proposed penalty; windows run from its service. The kinds are
    judged by the terms 从旧兼从轻 picks (Art 37) from ``violation_ended`` (else the date the filing recorded)."""

    facts: Text
    basis: Text
    penalties: list[PenaltyKind]
    fine_fen: Fen = 0
    confiscation_fen: Fen = 0
    band: Band | None = None
    major_public_interest: bool = False
    complex: bool = False
    violation_ended: dt.date | None = None


class ServiceAttempt(msgspec.Struct, forbid_unknown_fields=True, kw_only=True, frozen=True):
    """A service by another method that failed (mail returned, nobody at the address…), with its record's hash."""

    method: Literal["on_the_spot", "direct", "left_at_residence", "mail", "electronic"]
    on: dt.date
    record_sha256: Sha256


class ServiceMeans(Payload):
    """What a paper served by the civil-procedure methods records besides its method (ACL Art 38; 民诉法 Arts 89,
    90, 95): shared by ``service.recorded`` and ``reminder.sent``."""

    consent_ref: str | None = None
    confirmation_ref: str | None = None
    receipt_sha256: Sha256 | None = None
    announcement_ground: Literal["whereabouts_unknown", "other_methods_failed"] | None = None
    ground_sha256: Sha256 | None = None
    failed_attempts: list[ServiceAttempt] = msgspec.field(default_factory=list)


class ServiceRecorded(ServiceMeans, kw_only=True):
    """送达 (Art 61): electronic service needs the party's consent and a signed confirmation.

    Announcement (公告送达, 《民事诉讼法》第九十五条) is the last resort: only when the party's whereabouts are unknown
    (``announcement_ground`` "whereabouts_unknown", with ``ground_sha256`` the record of the search) or the other
    methods could not serve the paper ("other_methods_failed", with at least one ``failed_attempts`` entry); it is
    deemed served 30 days after the announcement."""

    document: ServedDocument
    method: ServiceMethod


class StatementMade(Payload):
    """陈述、申辩 (Art 45): signed by the party, or recorded by an officer with the signed paper's hash.

    Sent by post: ``posted_on`` (the postmark's date) with ``envelope_sha256`` (the envelope's scan); time in the
    post is not counted (《民事诉讼法》第八十五条)."""

    summary: Text
    content_sha256: Sha256
    paper_sha256: Sha256 | None = None
    posted_on: dt.date | None = None
    envelope_sha256: Sha256 | None = None


class RightWaived(Payload):
    right: Literal["statement", "hearing"]
    paper_sha256: Sha256 | None = None


class HearingRequested(Payload):
    """听证申请 (Art 64): in time if received, or posted (postmark date and envelope hash), within the window."""

    paper_sha256: Sha256 | None = None
    posted_on: dt.date | None = None
    envelope_sha256: Sha256 | None = None


class HearingWithdrawn(Payload):
    paper_sha256: Sha256 | None = None


class HearingScheduled(Payload):
    """听证通知 (Art 64): the party is told at least 7 working days before; presided by a non-investigator."""

    presider: PersonId
    hearing_at: Timestamp
    place: Text
    public: bool = True
    reason_not_public: str | None = None


class HearingHeld(Payload):
    presider: PersonId
    party_present: bool
    attendees: list[str] = msgspec.field(default_factory=list)


class HearingRecorded(Payload):
    record_sha256: Sha256
    signed_by_party: bool = True


class DecisionMade(Payload):
    """处罚决定 (Art 59). Outside the chosen band needs ``reason_outside_band`` (and then legal review).

    ``deciding_agency`` is the agency in whose name the decision is made (the holder, or the entruster). The Art 33
    grounds are stated: ``minor`` with ``corrected`` and ``harm`` "none" (33(1)), and ``no_fault_proven`` (33(2))
    — either forbids a penalty. ``violation_ended`` picks the catalog terms in force (从旧兼从轻, Art 37).
    ``remedies_stated``: the decision told the party its remedy channels and their deadlines (Art 59(5)); when it
    did not, the reconsideration window is up to 1 year (复议法 Art 20)."""

    penalties: Annotated[list[PenaltyKind], msgspec.Meta(min_length=1)]
    facts: Text
    basis: Text
    violation_ended: dt.date
    fine_fen: Fen = 0
    confiscation_fen: Fen = 0
    band: Band | None = None
    reason_outside_band: str | None = None
    violation_began: dt.date | None = None
    first_violation: bool = False
    corrected: bool = False
    harm: Harm = "harmful"
    life_health_finance_harm: bool = False
    minor: bool = False
    no_fault_proven: bool = False
    deciding_agency: str | None = None
    remedies_stated: bool = True


class NoPenaltyDecided(Payload):
    """不予行政处罚 (Art 33) with its ground; the education given to the party is recorded (its paper's hash)."""

    ground: NoPenaltyGround
    reason: Text
    education_sha256: Sha256
    deciding_agency: str | None = None


class SimpleDecided(Payload):
    """当场处罚 (Arts 51–52): warning or a small fine, on a standard form, credentials shown, party heard.

    ``band`` is the discretion band the form applies; a minor of 14–17 (Art 30) is penalised only in the ``lighter``
    or ``mitigated`` band, and a named band's range binds the fine as in the general procedure."""

    party: Party
    catalog_item: Text
    penalties: Annotated[list[PenaltyKind], msgspec.Meta(min_length=1)]
    facts: Text
    basis: Text
    officers: Officers
    form_sha256: Sha256
    violation_ended: dt.date
    fine_fen: Fen = 0
    credentials_shown: bool = True
    party_heard: bool = True
    first_violation: bool = False
    corrected: bool = False
    harm: Harm = "harmful"
    minor: bool = False
    no_fault_proven: bool = False
    deciding_agency: str | None = None
    remedies_stated: bool = True
    band: Band | None = None


class SimpleReported(Payload):
    """备案 (Art 52): the on-the-spot decision filed with the agency."""

    to: Text
    note: str = ""


class PaymentRecorded(Payload):
    """缴纳罚款. On the spot (当场收缴) only after an on-the-spot decision with a fine ≤ 100 yuan or hard to collect
    later (Art 68), or in a remote area on the party's request (``remote_area``, Art 69)."""

    amount_fen: Annotated[int, msgspec.Meta(gt=0)]
    method: Literal["bank", "online", "on_the_spot"]
    receipt_ref: Text
    hard_to_collect: bool = False
    remote_area: bool = False


class CashHandedIn(Payload):
    """当场收缴的罚款交至行政机关 (Art 71): within 2 working days of the collection (``payment`` is its version)."""

    payment: int
    receipt_ref: Text


class Instalment(msgspec.Struct, forbid_unknown_fields=True, kw_only=True, frozen=True):
    due: dt.date
    amount_fen: Annotated[int, msgspec.Meta(gt=0)]


class PaymentDeferred(Payload):
    """暂缓或者分期缴纳 (Art 66), on the party's application (``application_sha256``, its paper) and the head's approval."""

    kind: Literal["deferral", "instalments"]
    reason: Text
    until: dt.date | None = None
    instalments: list[Instalment] = msgspec.field(default_factory=list)
    application_sha256: Sha256 | None = None


class LateFeeAssessed(Payload):
    amount_fen: Annotated[int, msgspec.Meta(gt=0)]
    as_of: dt.date


class ReminderSent(ServiceMeans, kw_only=True):
    """催告 (ACL Art 54) before applying to the court. Served directly, else by the 民事诉讼法's methods (ACL Art 38),
    with what each needs as for ``service.recorded``: electronic service the party's consent and confirmation
    (``consent_ref``, ``confirmation_ref``), leaving it at the residence its record (``receipt_sha256``), an
    announcement its ground (``announcement_ground`` with ``ground_sha256`` or ``failed_attempts``)."""

    amount_due_fen: Fen
    method: ServiceMethod = "direct"


class CourtEnforcementApplied(Payload):
    court: Text


class CourtEnforcementConcluded(Payload):
    outcome: Literal["executed", "terminated"]
    ruling_ref: Text


class RemedyFiled(Payload):
    """复议申请 / 起诉. Sent by post: the postmark date with the envelope's hash (time in the post not counted).

    A reconsideration delayed by force majeure or another good reason (复议法 Art 20(2)) names the obstacle's
    days (``obstacle_from``–``obstacle_until``) and its evidence (``obstacle_sha256``): the window runs on after it.
    Recorded after the body received it: ``lodged_on`` with the hash of the body's notice (受理/答复通知书) that shows
    the day — the window is judged on that day, not on the day the agency learns of it."""

    body: Text
    posted_on: dt.date | None = None
    envelope_sha256: Sha256 | None = None
    obstacle_from: dt.date | None = None
    obstacle_until: dt.date | None = None
    obstacle_sha256: Sha256 | None = None
    lodged_on: dt.date | None = None
    lodged_sha256: Sha256 | None = None


class RemedyDecided(Payload):
    """复议决定 / 判决. ``served_at``: when the decision reached the party (the 15-day lawsuit window after a
    reconsideration runs from it, 行政诉讼法 Art 45); when null, the act's own time. ``procedural_only``: a decision
    revoked, or ordered remade, for a breach of the statutory procedure alone (以违反法定程序为由) — the agency may
    then remake the same decision (复议法 Art 64(2); 行诉法解释 Art 90); otherwise not on the same facts and reasons."""

    outcome: RemedyOutcome
    changed_fine_fen: Fen | None = None
    final: bool = True
    served_at: Timestamp | None = None
    procedural_only: bool = False


class TransferReported(Payload):
    organ: Text
    suspected_crime: Text


class TransferApproved(Payload):
    approved: bool
    reason: Text


class TransferSent(Payload):
    """移送 (国务院令310 Art 5; ACL Art 21): ``measures`` names every seizure in force, whose property goes with the file."""

    organ: Text
    file_sha256: Sha256
    items: list[str] = msgspec.field(default_factory=list)
    measures: list[int] = msgspec.field(default_factory=list)


class TransferReceipt(Payload):
    """移送回执; ``outcome`` "declined": the organ decided not to file the case and returned the file (国务院令310
    Art 9), so the agency decides the case itself (Art 13)."""

    organ: Text
    receipt_ref: Text
    outcome: Literal["received", "declined"] = "received"


class CaseTerminated(Payload):
    ground: Text


class CaseClosed(Payload):
    summary: str = ""


class CaseArchived(Payload):
    file_sha256: Sha256
    pages: Annotated[int, msgspec.Meta(ge=1)]


class FollowUpVisited(Payload):
    satisfaction: Annotated[int, msgspec.Meta(ge=1, le=rule("followup.satisfaction_max").value)]
    notes: str = ""


class ComplaintReceived(Payload):
    by: Text
    channel: Text
    content: Text


class ComplaintAnswered(Payload):
    complaint: int
    answer: Text


class ActCosigned(Payload):
    """A named officer's or approver's own signature on an earlier act of this case (the two-officer rule)."""

    act_version: int


class CorrectionRecorded(Payload):
    """更正、补正: names the earlier act it corrects and why; nothing is edited."""

    corrects: int
    reason: Text
    correction: Text


CASE_ACTS: dict[str, type[Payload]] = {
    "lead.received": LeadReceived,
    "case.note": CaseNote,
    "case.filed": CaseFiled,
    "case.declined": CaseDeclined,
    "filing.extended": FilingExtended,
    "referral.result_sent": ReferralResultSent,
    "officers.assigned": OfficersAssigned,
    "credentials.shown": CredentialsShown,
    "rights.informed": RightsInformed,
    "recusal.requested": RecusalRequested,
    "recusal.decided": RecusalDecided,
    "evidence.collected": EvidenceCollected,
    "inspection.recorded": InspectionRecorded,
    "interview.recorded": InterviewRecorded,
    "preservation.registered": PreservationRegistered,
    "preservation.decided": PreservationDecided,
    "coercion.imposed": CoercionImposed,
    "coercion.extended": CoercionExtended,
    "coercion.lifted": CoercionLifted,
    "pause.started": PauseStarted,
    "pause.ended": PauseEnded,
    "legal.reviewed": LegalReviewed,
    "collective.discussed": CollectiveDiscussed,
    "extension.approved": ExtensionApproved,
    "notice.issued": NoticeIssued,
    "service.recorded": ServiceRecorded,
    "statement.made": StatementMade,
    "right.waived": RightWaived,
    "hearing.requested": HearingRequested,
    "hearing.withdrawn": HearingWithdrawn,
    "hearing.scheduled": HearingScheduled,
    "hearing.held": HearingHeld,
    "hearing.recorded": HearingRecorded,
    "decision.made": DecisionMade,
    "no_penalty.decided": NoPenaltyDecided,
    "simple.decided": SimpleDecided,
    "simple.reported": SimpleReported,
    "payment.recorded": PaymentRecorded,
    "cash.handed_in": CashHandedIn,
    "payment.deferred": PaymentDeferred,
    "late_fee.assessed": LateFeeAssessed,
    "reminder.sent": ReminderSent,
    "court_enforcement.applied": CourtEnforcementApplied,
    "court_enforcement.concluded": CourtEnforcementConcluded,
    "reconsideration.filed": RemedyFiled,
    "reconsideration.decided": RemedyDecided,
    "litigation.filed": RemedyFiled,
    "litigation.decided": RemedyDecided,
    "transfer.reported": TransferReported,
    "transfer.approved": TransferApproved,
    "transfer.sent": TransferSent,
    "transfer.receipt": TransferReceipt,
    "case.terminated": CaseTerminated,
    "case.closed": CaseClosed,
    "case.archived": CaseArchived,
    "follow_up.visited": FollowUpVisited,
    "complaint.received": ComplaintReceived,
    "complaint.answered": ComplaintAnswered,
    "act.cosigned": ActCosigned,
    "correction.recorded": CorrectionRecorded,
}
CASE_PAYLOADS.update(CASE_ACTS)

# Kinds of act auxiliary staff may never perform alone (灌政办〔2023〕32号): 受理、立案、调查取证、审核、决定、强制措施.
AUXILIARY_FORBIDDEN: dict[str, str] = {
    "lead.received": "accept",
    "case.filed": "file",
    "case.declined": "file",
    "filing.extended": "decide",
    "evidence.collected": "investigate",
    "inspection.recorded": "investigate",
    "interview.recorded": "investigate",
    "preservation.registered": "investigate",
    "legal.reviewed": "review",
    "decision.made": "decide",
    "no_penalty.decided": "decide",
    "simple.decided": "decide",
    "preservation.decided": "decide",
    "recusal.decided": "decide",
    "extension.approved": "decide",
    "transfer.approved": "decide",
    "case.terminated": "decide",
    "coercion.imposed": "coerce",
    "coercion.extended": "coerce",
}
# Acts that record facts or annotate: allowed after closure and archive too.
ANNOTATIONS = frozenset({"case.note", "correction.recorded", "follow_up.visited", "complaint.received", "complaint.answered"})
