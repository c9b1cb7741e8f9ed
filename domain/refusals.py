"""Every refusal a rule can give: one DomainError subclass each, with a stable code, zh/en titles and the article.

Status follows DESIGN.md: 403 when the signer lacks the role, certificate or power (authorisation), 422 when the
procedure forbids the act at this point, 400 when the act itself is malformed. Where an article depends on the
case (a fine range comes from the item's own legal basis), the rule passes ``article=`` and the class attribute
is the default.
"""

from __future__ import annotations

from domain.errors import DomainError
from domain.law import (
    ACL,
    ALL,
    APL,
    ARL,
    CPL,
    GANJIANG,
    GB118,
    GB_USCC,
    GUANYUN,
    MINORS,
    MS_RULES,
    NDRC_CREDIT,
    OGI,
    SC310,
    rule,
)


# -- authorisation: who may act (403) --------------------------------------------------------------------------
class AuxiliaryActingAlone(DomainError):
    """辅助人员 may assist but never alone accept, file, investigate, review, decide or impose coercion."""

    code = "auxiliary-acting-alone"
    title = "辅助人员不得独立从事受理、立案、调查、审核、决定或行政强制措施"
    title_en = "Auxiliary staff may not perform this enforcement act alone"
    article = f"{GUANYUN}（辅助人员管理）"
    status = 403


class OfficerNotCertified(DomainError):
    code = "officer-not-certified"
    title = "执法人员不具有该机关该领域的有效行政执法证件"
    title_en = "The officer holds no valid enforcement certificate for this agency and domain"
    article = f"{APL}第四十二条"
    status = 403


class ItemNotHeld(DomainError):
    code = "item-not-held"
    title = "本机关不具有该事项的行政处罚权"
    title_en = "The agency does not hold the power for this catalog item"
    article = f"{APL}第十七条"
    status = 403


class ReDelegationForbidden(DomainError):
    """An entrusted body may not re-entrust (Art 20); a township holding delegated power may not pass it on."""

    code = "re-delegation-forbidden"
    title = "受委托组织不得再委托，承接赋权的乡镇街道不得再行下放"
    title_en = "An entrusted or delegated body may not entrust or delegate the power further"
    article = f"{APL}第二十条"
    status = 403


class OfficerRecused(DomainError):
    code = "officer-recused"
    title = "已决定回避的执法人员不得再参与本案"
    title_en = "An officer whose recusal was upheld may not act in this case again"
    article = f"{APL}第四十三条"
    status = 403


class AgencyHeadRequired(DomainError):
    code = "agency-head-required"
    title = "须由行政机关负责人决定或批准"
    title_en = "Only the agency head may decide or approve this"
    article = f"{APL}第五十七条"
    status = 403


class LegalReviewerRequired(DomainError):
    code = "legal-reviewer-required"
    title = "法制审核须由法制审核人员进行"
    title_en = "Only a legal reviewer may record a legal review"
    article = f"{APL}第五十八条"
    status = 403


class NotTheParty(DomainError):
    code = "not-the-party"
    title = "该行为须由当事人本人签署或由执法人员记录"
    title_en = "Only the party, or an officer recording the party's paper, may sign this act"
    article = f"{APL}第四十五条"
    status = 403


class CatalogKeeperRequired(DomainError):
    code = "catalog-keeper-required"
    title = "目录与赋权事项须由人事编制机关、目录管理人员或委托机关负责人登记"
    title_en = "Catalog acts are signed by the authority, a catalog keeper or (entrustment) the entrusting agency head"
    article = f"{APL}第二十条、第二十四条"
    status = 403


# -- catalog and personnel registry rules (422) ----------------------------------------------------------------
class DelegationNotPublished(DomainError):
    code = "delegation-not-published"
    title = "赋权决定或委托书须书面并公布"
    title_en = "A delegation decision or letter of entrustment must be written and published"
    article = f"{APL}第二十四条"


class DelegationTargetInvalid(DomainError):
    code = "delegation-target-invalid"
    title = "赋权对象须为乡镇人民政府或街道办事处"
    title_en = "Power is delegated only to township governments and street offices"
    article = f"{APL}第二十四条"


class UnknownCatalogItem(DomainError):
    code = "unknown-catalog-item"
    title = "监管事项目录中无此事项"
    title_en = "The catalog has no such enforcement item"
    article = f"{APL}第三十四条"


class UnknownAgency(DomainError):
    code = "unknown-agency"
    title = "执法机关未登记"
    title_en = "The agency is not registered"
    article = f"{APL}第十七条"


class DomainNotExercised(DomainError):
    code = "domain-not-exercised"
    title = "该机关未登记行使该领域的处罚权"
    title_en = "The agency does not exercise power in this domain"
    article = f"{APL}第十八条"


class ExamRequired(DomainError):
    code = "exam-required"
    title = "未通过执法资格考试不得核发执法证件"
    title_en = "A certificate is issued only after the enforcement exam is passed"
    article = f"{APL}第四十二条"


class UnknownCertificate(DomainError):
    code = "unknown-certificate"
    title = "执法证件不存在或已注销"
    title_en = "No such certificate in force for this person"
    article = f"{APL}第四十二条"


# -- procedure (422) -------------------------------------------------------------------------------------------
class ActNotAllowedNow(DomainError):
    """The act does not fit the case's stage; the raiser names the article of the step it skips."""

    code = "act-not-allowed-now"
    title = "当前程序阶段不允许该行为"
    title_en = "This act is not allowed at the case's current stage"
    article = f"{APL}第五十四条"


class CaseNotFiled(DomainError):
    code = "case-not-filed"
    title = "案件尚未立案"
    title_en = "The case has not been filed"
    article = f"{APL}第五十四条"


class CaseFinished(DomainError):
    code = "case-finished"
    title = "案件已结案或归档，不得再实施执法行为"
    title_en = "The case is closed or archived; only annotations may follow"
    article = f"{APL}第四十七条"


class TooFewOfficers(DomainError):
    code = "too-few-officers"
    title = "执法人员不得少于两人"
    title_en = "At least two certified officers must take part"
    article = rule("investigation.min_officers").article


class CoSignaturePending(DomainError):
    code = "cosignature-pending"
    title = "有执法人员或批准人尚未确认签署"
    title_en = "A named officer or approver has not yet co-signed an earlier act"
    article = rule("investigation.min_officers").article


class CoSignatureNotExpected(DomainError):
    code = "cosignature-not-expected"
    title = "签署人不是该行为所列的执法人员或批准人，或已确认"
    title_en = "The signer is not named on that act, or has already co-signed it"
    article = rule("investigation.min_officers").article


class CredentialsNotShown(DomainError):
    code = "credentials-not-shown"
    title = "调查检查前须出示执法证件"
    title_en = "Officers show their credentials before inspecting or interviewing"
    article = f"{APL}第五十五条"


class DecisionWithoutNotice(DomainError):
    code = "notice-required"
    title = "未履行告知程序不得作出行政处罚决定"
    title_en = "No penalty decision without a served pre-decision notice"
    article = f"{APL}第六十二条"


class StatementWindowOpen(DomainError):
    code = "statement-window-open"
    title = "陈述、申辩期限尚未届满"
    title_en = "The statement and defence window has not closed"
    article = rule("notice.statement_window").article


class HearingRequestWindowOpen(DomainError):
    code = "hearing-request-window-open"
    title = "听证申请期限尚未届满"
    title_en = "The hearing-request window has not closed"
    article = rule("hearing.request_window").article


class HearingRequired(DomainError):
    code = "hearing-required"
    title = "当事人要求听证的，应当组织听证"
    title_en = "The party requested a hearing; it must be held before deciding"
    article = f"{APL}第六十三条"


class HearingNotAvailable(DomainError):
    code = "hearing-not-available"
    title = "拟作出的处罚不属于听证范围"
    title_en = "The proposed penalty does not carry a right to a hearing"
    article = f"{APL}第六十三条"


class HearingRequestLate(DomainError):
    code = "hearing-request-late"
    title = "听证申请超过期限"
    title_en = "The hearing request came after its window closed"
    article = rule("hearing.request_window").article


class HearingPresiderInvestigated(DomainError):
    code = "hearing-presider-investigated"
    title = "听证由非本案调查人员主持"
    title_en = "The hearing must be presided over by someone who did not investigate the case"
    article = f"{APL}第六十四条"


class HearingNoticeTooShort(DomainError):
    code = "hearing-notice-too-short"
    title = "应当在举行听证的七日前通知当事人"
    title_en = "The party must be told at least 7 working days before the hearing"
    article = rule("hearing.notice_before").article


class HearingRecordRequired(DomainError):
    code = "hearing-record-required"
    title = "听证结束后，应当根据听证笔录作出决定"
    title_en = "The decision rests on the hearing record, which is missing"
    article = f"{APL}第六十五条"


class LegalReviewRequired(DomainError):
    code = "legal-review-required"
    title = "未经法制审核或者审核未通过的，不得作出决定"
    title_en = "This decision needs a passed legal review first"
    article = f"{APL}第五十八条"


class CollectiveDiscussionRequired(DomainError):
    code = "collective-discussion-required"
    title = "情节复杂或者重大违法行为应当由负责人集体讨论决定"
    title_en = "Complex or major cases are decided by the heads' collective discussion"
    article = f"{APL}第五十七条"


class FineOutsideRange(DomainError):
    code = "fine-outside-range"
    title = "罚款数额超出法定幅度"
    title_en = "The fine is outside the range the item's legal basis allows"
    article = f"{APL}第三十四条"


class FineOutsideBand(DomainError):
    code = "fine-outside-band"
    title = "罚款超出所选裁量基准档次且未说明理由"
    title_en = "The fine is outside the chosen discretion band and no reason is stated"
    article = f"{APL}第三十四条"


class PenaltyNotInBasis(DomainError):
    code = "penalty-not-in-basis"
    title = "处罚种类无法定依据"
    title_en = "The item's legal basis does not provide this kind of penalty"
    article = f"{APL}第三十八条"


class ExemptFirstViolation(DomainError):
    code = "exempt-first-violation"
    title = "免罚清单事项，初次违法且危害后果轻微并及时改正的，不予行政处罚"
    title_en = "A first, slight, corrected violation of an exemption-list item may not be penalised"
    article = f"{APL}第三十三条"


class LightPenaltyListIgnored(DomainError):
    code = "light-penalty-list-ignored"
    title = "轻罚清单事项应当从轻或者减轻处罚"
    title_en = "A light-penalty-list item with its conditions met is penalised in the lighter or mitigated band"
    article = f"{APL}第三十二条"


class HeavierAfterDefence(DomainError):
    code = "heavier-after-defence"
    title = "不得因当事人陈述、申辩而给予更重的处罚"
    title_en = "No heavier penalty than the one notified after the party's statement and defence"
    article = f"{APL}第四十五条"


class DecisionExceedsNotice(DomainError):
    code = "decision-exceeds-notice"
    title = "处罚决定重于告知的拟处罚内容，须重新告知"
    title_en = "The decision is heavier than the notified penalty; notify again first"
    article = f"{APL}第四十四条"


class SimpleProcedureNotAllowed(DomainError):
    code = "simple-procedure-threshold"
    title = "超出简易程序适用范围"
    title_en = "Above the simple-procedure limit (warning, or fine ≤ 200 yuan citizen / ≤ 3,000 yuan organisation)"
    article = rule("simple.fine_citizen_max").article


class DecisionTimeLimitExceeded(DomainError):
    code = "decision-time-limit"
    title = "超过作出行政处罚决定的期限"
    title_en = "More than 90 days since filing and no approved extension covers today"
    article = rule("decision.time_limit").article


class ExtensionNotAllowed(DomainError):
    code = "extension-not-allowed"
    title = "延长办案期限不符合规定"
    title_en = "This extension exceeds what may be approved (30 days; further ones by collective discussion)"
    article = rule("decision.extension").article


class CoercionTooLong(DomainError):
    code = "coercion-too-long"
    title = "查封、扣押期限不得超过三十日，延长不得超过三十日且仅一次"
    title_en = "Seizure lasts at most 30 days, extended once by at most 30"
    article = rule("coercion.max_period").article


class CoercionNotActive(DomainError):
    code = "coercion-not-active"
    title = "该强制措施不存在、已解除或已期满"
    title_en = "No such measure in force"
    article = rule("coercion.max_period").article


class CoercionBarred(DomainError):
    code = "no-coercion-list"
    title = "该事项列入不予实施行政强制措施清单"
    title_en = "The item is on the no-coercion list"
    article = f"{ACL}第十六条"


class ClosureBeforePerformance(DomainError):
    code = "closure-before-performance"
    title = "处罚决定尚未履行完毕、终止或移送，不得结案"
    title_en = "A case closes only when its decision is performed, terminated or transferred"
    article = f"{APL}第六十六条；{MS_RULES}（结案）"


class PenaltyTimeBarred(DomainError):
    code = "limitation-expired"
    title = "违法行为超过追责期限未被发现的，不再给予行政处罚"
    title_en = "The violation was not discovered within the limitation period"
    article = rule("limitation.general").article


class ReferralResultRequired(DomainError):
    code = "referral-result-required"
    title = "移送案件的处理结果须抄告移送部门"
    title_en = "The result of a referred lead must be sent back to the referring regulator first"
    article = GANJIANG


class EnforcementPremature(DomainError):
    code = "enforcement-premature"
    title = "申请人民法院强制执行的条件尚未具备"
    title_en = "Court enforcement needs a written reminder, 10 working days unpaid and the remedy periods expired"
    article = f"{ACL}第五十三条、第五十四条"


class OnTheSpotCollectionNotAllowed(DomainError):
    code = "on-the-spot-collection"
    title = "不符合当场收缴罚款的条件"
    title_en = "On-the-spot collection only for fines ≤ 100 yuan or where later collection is hard"
    article = rule("payment.on_the_spot_max").article


class LateFeeExcessive(DomainError):
    code = "late-fee-excessive"
    title = "加处罚款超过法定数额"
    title_en = "The late fee exceeds 3 % a day of the fine, or the fine itself"
    article = rule("payment.late_fee_rate").article


class TransferNotApproved(DomainError):
    code = "transfer-not-approved"
    title = "移送涉嫌犯罪案件须经负责人批准"
    title_en = "A suspected crime is transferred only after the head's approval"
    article = f"{SC310}第五条"


class PrincipalHeadRequired(DomainError):
    code = "principal-head-required"
    title = "移送涉嫌犯罪案件须经正职负责人或者主持工作的负责人批准"
    title_en = "Only the principal head, or the head presiding over the agency's work, approves a transfer"
    article = f"{SC310}第五条"
    status = 403


class ReconsiderationFirst(DomainError):
    code = "reconsideration-first"
    title = "对当场作出的行政处罚决定不服的，应当先申请行政复议"
    title_en = "An on-the-spot decision goes to reconsideration before a lawsuit"
    article = f"{ARL}第二十三条"


class LitigationWindowInvalid(DomainError):
    code = "remedy-not-available"
    title = "尚无可申请复议或提起诉讼的决定"
    title_en = "There is no decision in force to challenge"
    article = f"{ALL}第四十六条"


class InvalidUscc(DomainError):
    code = "invalid-uscc"
    title = "统一社会信用代码无效"
    title_en = "The unified social credit code is not valid (check digit or alphabet)"
    article = GB_USCC
    status = 400


# -- issue 13: acts accepted before that a court would hold unlawful ---------------------------------------------
class MinorCorrectedNotPenalised(DomainError):
    code = "minor-corrected-no-penalty"
    title = "违法行为轻微并及时改正，没有造成危害后果的，不予行政处罚"
    title_en = "A minor violation corrected in time with no harmful consequence may not be penalised"
    article = f"{APL}第三十三条第一款"


class NoFaultNotPenalised(DomainError):
    code = "no-fault-no-penalty"
    title = "当事人有证据足以证明没有主观过错的，不予行政处罚"
    title_en = "No penalty where the party proves it had no subjective fault"
    article = f"{APL}第三十三条第二款"


class LitigationWindowClosed(DomainError):
    """The lawsuit came after its window: 15 days from a reconsideration decision's service, else 6 months."""

    code = "litigation-window-closed"
    title = "超过法定起诉期限"
    title_en = "The lawsuit was filed after its statutory window"
    article = rule("litigation.window").article


class EnforcementApplicationLate(DomainError):
    code = "enforcement-application-late"
    title = "申请人民法院强制执行超过法定期限"
    title_en = "Court enforcement is applied for within 3 months after the remedy periods that ran expired"
    article = f"{ACL}第五十三条；《最高人民法院关于适用〈中华人民共和国行政诉讼法〉的解释》第一百五十六条"


class MinorNotPenalised(DomainError):
    code = "minor-not-penalised"
    title = "不满十四周岁的未成年人有违法行为的，不予行政处罚"
    title_en = "A child under 14 at the violation is not penalised (the guardian is ordered to discipline)"
    article = f"{APL}第三十条"


class MinorPenaltyNotMitigated(DomainError):
    code = "minor-penalty-not-mitigated"
    title = "已满十四周岁不满十八周岁的未成年人有违法行为的，应当从轻或者减轻行政处罚"
    title_en = "A minor of 14 to 17 at the violation gets a lighter or mitigated penalty"
    article = f"{APL}第三十条"


class NonSiteEvidenceNotAllowed(DomainError):
    code = "non-site-evidence-not-allowed"
    title = "电子技术监控设备记录未经审核或设备未经审核、公布设置地点的，不得作为行政处罚的证据"
    title_en = "A monitoring device's record is evidence only from a reviewed, published device and once reviewed itself"
    article = f"{APL}第四十一条"


class AnnouncementServiceNotAllowed(DomainError):
    code = "announcement-service-not-allowed"
    title = "公告送达仅适用于受送达人下落不明或者用其他方式无法送达的情形"
    title_en = "Service by announcement only when the party cannot be found or other methods failed"
    article = f"{CPL}第九十五条"


class CoercionPauseNotExcluded(DomainError):
    code = "coercion-pause-not-excluded"
    title = "查封、扣押期间仅不包括明确并书面告知当事人的检测、检验、检疫或者技术鉴定期间"
    title_en = "Only a testing, inspection, quarantine or appraisal period fixed and notified in writing pauses a seizure"
    article = f"{ACL}第二十五条"


class CoercionExtensionNotNotified(DomainError):
    code = "coercion-extension-not-notified"
    title = "延长查封、扣押的决定应当及时书面告知当事人，并说明理由"
    title_en = "An extension of a seizure is notified to the party in writing with its reasons"
    article = f"{ACL}第二十五条"


class RightsNotInformed(DomainError):
    code = "rights-not-informed"
    title = "调查取证和实施强制措施前须告知当事人权利"
    title_en = "The party is told of its rights before evidence is collected or a measure is imposed"
    article = f"{APL}第五十五条"


class CoercionApprovalRequired(DomainError):
    code = "coercion-approval-required"
    title = "实施行政强制措施前须向行政机关负责人报告并经批准"
    title_en = "A non-emergency measure needs the head's approval before it is imposed (the head signs it)"
    article = f"{ACL}第十八条"


class CoercionApprovalLate(DomainError):
    code = "coercion-approval-late"
    title = "当场实施行政强制措施的，应当在二十四小时内报告并补办批准手续"
    title_en = "An emergency measure is approved by the head within 24 hours of its imposition"
    article = rule("coercion.emergency_report").article


class CollectiveDiscussionQuorum(DomainError):
    code = "collective-discussion-quorum"
    title = "集体讨论的行政机关负责人人数不足"
    title_en = "Too few of the agency's registered heads took part in the collective discussion"
    article = rule("collective_discussion.min_heads").article


class TransferWithoutSeizedProperty(DomainError):
    code = "transfer-seized-property"
    title = "移送司法机关时，查封、扣押的物品应当一并移送，或者依法解除"
    title_en = "Seized property goes with the transfer to the judicial organ, or the measure is lifted first"
    article = f"{ACL}第二十一条"


class DecidingAgencyWrong(DomainError):
    code = "deciding-agency-wrong"
    title = "处罚决定书应当载明作出决定的行政机关名称，且须为享有该处罚权的机关"
    title_en = "The decision names the agency in whose name it is made, the one the power is held for"
    article = f"{APL}第五十九条"
    status = 403


class CashNotHandedIn(DomainError):
    code = "cash-not-handed-in"
    title = "当场收缴的罚款应当自收缴之日起二日内交至行政机关"
    title_en = "Cash collected on the spot is handed in to the agency (within 2 working days) before the case closes"
    article = rule("payment.cash_hand_in").article


class HearingNotPublicWithoutReason(DomainError):
    code = "hearing-not-public-without-reason"
    title = "除涉及国家秘密、商业秘密或者个人隐私依法予以保密外，听证公开举行"
    title_en = "A hearing is public unless state secrets, trade secrets or privacy are given as the reason"
    article = f"{APL}第六十四条"


class NotInCase(DomainError):
    code = "not-in-case"
    title = "仅本案当事人、本案或本机关执法人员可对案件作附注"
    title_en = "Only the party, people named in the case or staff of its agency may annotate the case"
    article = f"{APL}第四十七条"
    status = 403

# -- disclosure (行政执法公示, domain/case/disclosure.py) ------------------------------------------------------------
class DisclosureWithoutDecision(DomainError):
    code = "disclosure-without-decision"
    title = "公示的决定不存在或已失效"
    title_en = "There is no decision in force at that version to disclose"
    article = GB118


class AlreadyDisclosed(DomainError):
    code = "already-disclosed"
    title = "该决定已经公示"
    title_en = "This decision has already been disclosed"
    article = GB118


class MinorNotPublic(DomainError):
    code = "minor-not-public"
    title = "涉及未成年人的案件信息不得公开"
    title_en = "A case concerning a minor is never published"
    article = f"{MINORS}第一百零三条"


class PersonalDataInDisclosure(DomainError):
    code = "personal-data-in-disclosure"
    title = "公示内容不得包含个人隐私信息"
    title_en = "A public text may not carry a natural person's data (ID or other document number, phone, address, bank account, plate, name)"
    article = f"{OGI}第十五条"


class NotDisclosed(DomainError):
    code = "not-disclosed"
    title = "该决定未公示或已撤回"
    title_en = "The decision has no disclosure in public view"
    article = f"{APL}第四十八条"


class WithdrawalWithoutGround(DomainError):
    code = "withdrawal-without-ground"
    title = "撤回公示须以决定被变更、撤销、确认违法或者确认无效为前提"
    title_en = "A disclosure is withdrawn only after the decision was changed, revoked, confirmed illegal or void"
    article = f"{APL}第四十八条"


class CreditRepairTooEarly(DomainError):
    code = "credit-repair-too-early"
    title = "最短公示期届满前不得信用修复"
    title_en = "Credit repair ends publicity only after the minimum publicity period"
    article = NDRC_CREDIT


class PublicityEnded(DomainError):
    code = "publicity-ended"
    title = "公示期已经届满"
    title_en = "The maximum publicity period has already run out"
    article = NDRC_CREDIT


# -- found by the adversarial review after issue 13 --------------------------------------------------------------
class ReconsiderationWindowClosed(DomainError):
    """复议法 Art 20: 60 days from knowing the act; up to 1 year when the decision did not state the remedy."""

    code = "reconsideration-window-closed"
    title = "超过法定申请行政复议期限"
    title_en = "The reconsideration window has closed"
    article = rule("reconsideration.window").article
    status = 422


class RemedyChannelTaken(DomainError):
    """复议法 Art 29: no lawsuit while an accepted reconsideration runs, no reconsideration once a lawsuit is
    accepted; the reconsideration decision is not reconsidered again (one level, Art 26 aside)."""

    code = "remedy-channel-taken"
    title = "已选择的救济途径排斥另一途径"
    title_en = "The remedy chosen excludes this one"
    article = f"{ARL}第二十九条"
    status = 422


class PenaltyInsteadOfTransfer(DomainError):
    """国务院令310 Art 11: a suspected crime reported for transfer is not decided here instead (以罚代刑)."""

    code = "penalty-instead-of-transfer"
    title = "不得以行政处罚代替移送"
    title_en = "A case reported for transfer as a suspected crime may not be decided instead of being transferred"
    article = f"{SC310}第十一条"
    status = 422


class PreservationApprovalRequired(DomainError):
    """APL Art 56: 经行政机关负责人批准 — the head approves before; only an emergency is approved after."""

    code = "preservation-approval-required"
    title = "先行登记保存须事先经行政机关负责人批准"
    title_en = "Evidence preservation needs the head's approval before it is registered"
    article = f"{APL}第五十六条"
    status = 422


class PreservationApprovalLate(DomainError):
    code = "preservation-approval-late"
    title = "紧急先行登记保存未在二十四小时内补办批准手续"
    title_en = "An emergency preservation was not approved within 24 hours"
    article = rule("preservation.emergency_approval").article
    status = 422


class PreservationLapsed(DomainError):
    """APL Art 56: decided within 7 working days; after that the preservation has lapsed (MS rules Art 34)."""

    code = "preservation-lapsed"
    title = "先行登记保存逾期未处理，已自动解除"
    title_en = "The preservation was not decided within 7 working days and has lapsed"
    article = rule("preservation.decide_within").article
    status = 422


class CoercionNotEntrustable(DomainError):
    """ACL Art 17: 行政强制措施权不得委托 — an entrusted body does not impose or extend a coercive measure."""

    code = "coercion-not-entrustable"
    title = "行政强制措施权不得委托"
    title_en = "The power of coercive measures cannot be entrusted"
    article = f"{ACL}第十七条"
    status = 403


class DeferralWithoutApplication(DomainError):
    """APL Art 66: deferral or instalments 经当事人申请和行政机关批准 — the party applies, the head approves."""

    code = "deferral-without-application"
    title = "暂缓或者分期缴纳罚款须经当事人申请"
    title_en = "Deferral or instalments need the party's application"
    article = f"{APL}第六十六条"
    status = 422


class PreservationSeizedWithoutMeasure(DomainError):
    """Preserved evidence is seized by a coercive measure imposed as the ACL requires, not by the preservation's
    decision alone (ACL Arts 18, 24; MS rules Art 34(3))."""

    code = "preservation-seized-without-measure"
    title = "对登记保存物品采取查封扣押须依法实施行政强制措施"
    title_en = "Preserved items are seized only by a coercive measure imposed under the ACL"
    article = f"{ACL}第十八条"
    status = 422


# -- found by the rules audit (session 8) ---------------------------------------------------------------------------
class PenaltyWithoutEvidence(DomainError):
    """APL Art 40: 违法事实不清、证据不足的，不得给予行政处罚 — a penalty rests on evidence or records of this case."""

    code = "no-evidence-no-penalty"
    title = "违法事实不清、证据不足的，不得给予行政处罚"
    title_en = "No penalty without evidence: the case records no evidence item, inspection or interview record"
    article = f"{APL}第四十条"


class AuxiliaryNotCertifiable(DomainError):
    """辅助人员 hold no enforcement certificate: they assist certified officers and never count as one (Art 42)."""

    code = "auxiliary-not-certifiable"
    title = "辅助人员不得核发行政执法证件"
    title_en = "Auxiliary staff are not issued enforcement certificates"
    article = f"{APL}第四十二条；{GUANYUN}（辅助人员管理）"


class NoPenaltyGroundUnfounded(DomainError):
    """APL Art 30: 不满十四周岁 is a ground only for a child under 14 at the violation."""

    code = "no-penalty-ground-unfounded"
    title = "不予行政处罚的理由与当事人情况不符"
    title_en = "The stated ground for no penalty does not fit the party (not under 14 at the violation)"
    article = f"{APL}第三十条"


class LeftAtResidenceUnrecorded(DomainError):
    """民事诉讼法 Art 89 (留置送达): the refusal is recorded on the service receipt signed by a witness, or the
    leaving of the paper is photographed or filmed — without that record it is no service."""

    code = "left-at-residence-unrecorded"
    title = "留置送达应当记明拒收事由并由见证人签名，或者以拍照、录像等方式记录送达过程"
    title_en = "Service by leaving the paper at the residence needs its record (witnessed receipt, photos or video)"
    article = f"{CPL}第八十九条"


class RecusalPending(DomainError):
    """APL Art 43: a recusal asked for is decided by the head; the investigation goes on meanwhile, the decision on
    the case waits for it — else the person the party objected to may have shaped the outcome unanswered."""

    code = "recusal-pending"
    title = "回避申请尚未决定，不得作出处理决定"
    title_en = "A recusal request is still undecided; the case is not decided before it"
    article = f"{APL}第四十三条"


class WaiverBeforeNotice(DomainError):
    """APL Arts 44, 62: the party waives the statement (or, Art 64, the hearing) only once the notice told it the
    facts, the proposed penalty and the right — a waiver signed before the notice was served waives nothing, and
    would let the decision follow the service at once."""

    code = "waiver-before-notice-served"
    title = "告知书送达前当事人放弃陈述、申辩或者听证权利的，不发生放弃的效力"
    title_en = "A right is waived only after the pre-decision notice was served on the party"
    article = f"{APL}第四十四条、第六十二条"


# -- found by the rules audit (session 12) --------------------------------------------------------------------------
class ReferralResultMismatch(DomainError):
    """管罚分离 抄告: the result sent back names the stage the case has reached — "filed" once filed, then how it ended
    (declined, decided, terminated, transferred) — and goes to the regulator that referred the lead."""

    code = "referral-result-mismatch"
    title = "抄告的处理结果与案件办理情况不符"
    title_en = "The result sent back does not match the case's stage, or does not go to the referring regulator"
    article = GANJIANG


class CoercionAfterDecision(DomainError):
    """ACL Arts 25, 27: a seizure serves the investigation; within its period the agency makes its handling decision
    (confiscate, destroy or lift), so once the case is decided or terminated the period is not extended (Art 28(3):
    no longer needed, it is lifted)."""

    code = "coercion-after-decision"
    title = "已作出处理决定或者终止调查的，不得延长查封、扣押期限"
    title_en = "A seizure is not extended once the case has been decided or terminated"
    article = f"{ACL}第二十五条、第二十七条"


class CoercionHandedOver(DomainError):
    """ACL Art 21; 国务院令310 Art 5: the seized property went with the file to the judicial organ, which now
    disposes of it; the transferring agency no longer lifts, extends or pauses that measure."""

    code = "coercion-handed-over"
    title = "查封、扣押的物品已随案移送司法机关，移送机关不得再解除、延长或者中止计算期限"
    title_en = "The seizure was handed over with the transferred file; the transferring agency no longer acts on it"
    article = f"{ACL}第二十一条"


class CreditRepairWithoutApplication(DomainError):
    """NDRC 《信用修复管理办法》: credit repair is on the party's application (申请), recorded by its paper's hash."""

    code = "credit-repair-without-application"
    title = "信用修复须由当事人提出申请"
    title_en = "Credit repair needs the party's application (the paper's SHA-256)"
    article = NDRC_CREDIT


class CreditRepairBeforePerformance(DomainError):
    """NDRC 《信用修复管理办法》: repair is possible only once the party has fully performed the penalty decision's
    obligations (the fine, the confiscated sums and the late fees paid; a court's enforcement executed)."""

    code = "credit-repair-before-performance"
    title = "当事人未完全履行行政处罚决定规定的义务，不得信用修复"
    title_en = "Credit repair only after the penalty decision has been performed in full"
    article = NDRC_CREDIT


class EntrustmentLetterIncomplete(DomainError):
    """APL Art 20: 委托书应当载明委托的具体事项、权限、期限等内容 — the letter names the items entrusted (its scope,
    which includes the item it is recorded for) and the last day of its term."""

    code = "entrustment-letter-incomplete"
    title = "委托书应当载明委托的具体事项、权限、期限等内容"
    title_en = "The letter of entrustment must state the items entrusted and its term"
    article = f"{APL}第二十条"


# -- found by the fifth adversarial review (session 13) ----------------------------------------------------------
class CoercionUnapproved(DomainError):
    """ACL Art 19: an emergency measure is reported to the head and approved within 24 hours, or lifted at once; one
    still awaiting that approval is not prolonged — neither extended nor given a testing period off its clock."""

    code = "coercion-unapproved"
    title = "当场实施的行政强制措施未补办批准手续的，不得延长或者扣除期间，应当补办批准或者立即解除"
    title_en = "An emergency measure the head has not approved is neither extended nor paused: approve it within 24 hours or lift it"
    article = rule("coercion.emergency_report").article


class ChangeToDetriment(DomainError):
    """复议法 Art 63: within the applicant's request the reconsideration body does not change the decision to the
    applicant's detriment (no third party asks otherwise here); nor does a court's changing judgment add to the
    plaintiff's duties (行政诉讼法 Art 77). A changed fine is therefore at most the fine in force."""

    code = "change-to-detriment"
    title = "行政复议机关不得作出对申请人更为不利的变更决定"
    title_en = "A reconsideration or a judgment does not change the decision to the applicant's detriment"
    article = f"{ARL}第六十三条"


class DeferralBeforeDueDate(DomainError):
    """APL Arts 66–67: a deferral or instalment plan postpones payment for a party in economic difficulty; it never
    brings it forward — the 15 days from service stand, and late fees (Art 72) run only after they end."""

    code = "deferral-before-due-date"
    title = "暂缓或者分期缴纳罚款的期限不得早于法定缴纳期限届满之日"
    title_en = "A deferral or instalment plan ends after the statutory 15 days to pay, not before"
    article = f"{APL}第六十六条、第六十七条"


class PauseStillOpen(DomainError):
    """MS rules Art 64 (APL Art 60): testing, inspection, quarantine or appraisal time and a suspended investigation
    are left out of the 90 days only for as long as they ran. Deciding while such a pause is still open would leave
    out every day since it began — an open test would stretch the limit without end — so the pause is ended first,
    on the day the report came back or the investigation resumed."""

    code = "pause-still-open"
    title = "检测、检验、检疫、鉴定或者中止调查的期间尚未结束，不得作出处理决定"
    title_en = "A testing or suspension period of the time limit is still open: end it before deciding"
    article = f"{MS_RULES}第六十四条"


class InvestigationSuspended(DomainError):
    """MS rules Art 47: a suspended investigation (中止调查, approved by the head) resumes as soon as its cause is
    gone (应当立即恢复案件调查) — and the resumption is what ends the pause, whose time is left out of the 90 days.
    Investigating, notifying, hearing or reviewing while the suspension is still open would count the same days both
    as work on the case and as time it stood still; the pause is ended first (``pause.ended``, kind suspension)."""

    code = "investigation-suspended"
    title = "案件中止调查期间，恢复调查前不得继续调查或者推进处罚程序"
    title_en = "The investigation is suspended: record its resumption before investigating or proceeding"
    article = f"{MS_RULES}第四十七条"


class RemadeDecisionSame(DomainError):
    """复议法 Art 64(2); 行政诉讼法 Art 71: ordered to remake its decision, the agency does not make the same or
    substantially the same decision on the same facts and reasons — unless the order rested on a breach of procedure
    alone (行诉法解释 Art 90). The file shows new facts as evidence or records made after the order; without them a
    decision at least as heavy as the voided one (its kinds, its fine and confiscation) is the same decision again."""

    code = "remade-decision-same"
    title = "被责令重新作出行政行为的，不得以同一事实和理由作出与原行政行为相同或者基本相同的行政行为"
    title_en = "Ordered to remake its decision, the agency does not make the same decision on the same facts and reasons"
    article = f"{ARL}第六十四条第二款"


class HearingNotAsNotified(DomainError):
    """APL Art 64(2), (6): the party is told the hearing's time and place 7 working days before; only its absence
    then, without good reason, is a waiver. A hearing "held" with the party absent on another day than the one it
    was told of (or before the hour) is no hearing the party missed: set a new date and tell the party."""

    code = "hearing-not-as-notified"
    title = "听证未在通知的时间举行，当事人未到场不视为放弃听证"
    title_en = "The party's absence is a waiver only at the hearing's notified time"
    article = f"{APL}第六十四条"


class ElectronicServiceWithoutConsent(DomainError):
    """《民事诉讼法》第九十条 (APL Art 61; ACL Art 38): a paper is served electronically only with the party's consent,
    confirmed in writing — a reminder sent by e-mail or message without them has not reached the party in law, so
    the 10 working days before court enforcement never start."""

    code = "electronic-service-without-consent"
    title = "未经受送达人同意并确认，不得采用电子方式送达"
    title_en = "Electronic service needs the party's consent and its signed confirmation"
    article = f"{CPL}第九十条"


class ReminderAmountExcessive(DomainError):
    """ACL Art 35(3): a reminder (催告) names the sum the party is to pay; demanding more than is owed — the fine and
    gains unpaid, late fees never above the fine (APL Art 72) — is no reminder of the duty the decision imposed, and
    the court enforcement that follows it would rest on it."""

    code = "reminder-amount-excessive"
    title = "催告书载明的金额超出当事人应当履行的金钱给付义务"
    title_en = "A reminder demands no more than the party owes"
    article = f"{ACL}第三十五条"


class PublicityClassTooLight(DomainError):
    """《信用修复管理办法》: the publicity period follows the penalty — a licence revoked, closure, business
    suspended, qualification lowered or employment restricted is a serious one (1 to 3 years); only warnings,
    criticism and low fines are minor (in principle not published, at most 3 months). The agency may class a
    decision more heavily than its penalties, never more lightly: a lighter class would let credit repair end the
    publicity of a revocation after days."""

    code = "publicity-class-too-light"
    title = "公示期限类别不得低于处罚种类对应的类别"
    title_en = "A decision is not published in a lighter publicity class than its penalties"
    article = NDRC_CREDIT
