"""The case state machine: ``apply_case(state, act, registry)`` returns the next state or raises a DomainError.

Pure and deterministic: the same acts in the same order always give the same state (replay == live). Each act
type has one handler; before it runs, the common gates apply (``common.gate``: the case is not finished, no
recused officer takes part, auxiliary staff never act alone, advancing acts wait for every co-signature).

Several signers (Art 42, ACL Art 18): investigation, inspection, interview, preservation and coercion acts — and
an on-the-spot decision — name at least two ``officers`` certified for the case's agency and domain on that day
(and ``approved_by`` where the head approves); every other named person signs ``act.cosigned`` with their own key.
A non-emergency seizure is signed by the approving head (approval before the measure, ACL Art 18); an emergency
one by an officer, the head's co-signature following within 24 hours (ACL Art 19). A collective discussion is
co-signed by every head taking part (Art 57).

The legal time of every act is the ledger's ``recorded_at`` read as an Asia/Shanghai date; windows and limits are
recomputed from the state (``domain.procedure``), never stored. Payload schemas: ``domain.case_acts``; state:
``domain.case_state``; refusals: ``domain.refusals``.

Where each act's rule lives (``domain/case/<module>.py``; each module's ``HANDLERS`` maps the type to its handler):

==============================  ==========================  ====================
act type                        名称                        module
==============================  ==========================  ====================
lead.received                   线索登记（开案）            filing (``open_case``)
case.filed                      立案                        filing
case.declined                   不予立案                    filing
filing.extended                 延长立案期限                filing
referral.result_sent            移送线索处理结果抄告        filing
officers.assigned               指派执法人员                filing
credentials.shown               出示执法证件                investigation
rights.informed                 告知权利                    investigation
recusal.requested               申请回避                    investigation
recusal.decided                 回避决定                    investigation
evidence.collected              收集证据                    investigation
inspection.recorded             现场检查笔录                investigation
interview.recorded              询问笔录                    investigation
preservation.registered         先行登记保存证据            investigation
preservation.decided            登记保存处理决定            investigation
coercion.imposed                实施行政强制措施            coercion
coercion.extended               延长强制措施期限            coercion
coercion.lifted                 解除强制措施                coercion
pause.started                   期限中止（不计入）开始      time_limits
pause.ended                     期限中止结束                time_limits
extension.approved              延长办案期限                time_limits
notice.issued                   行政处罚事先告知            notice_hearing
statement.made                  陈述、申辩                  notice_hearing
right.waived                    放弃陈述申辩/听证           notice_hearing
hearing.requested               申请听证                    notice_hearing
hearing.withdrawn               撤回听证申请                notice_hearing
hearing.scheduled               听证通知                    notice_hearing
hearing.held                    举行听证                    notice_hearing
hearing.recorded                听证笔录                    notice_hearing
legal.reviewed                  法制审核                    decision
collective.discussed            集体讨论                    decision
decision.made                   行政处罚决定                decision
no_penalty.decided              不予处罚决定                decision
simple.decided                  简易程序当场处罚            decision
simple.reported                 当场处罚备案                decision
service.recorded                送达（告知书/听证通知/决定书）  service_execution
payment.recorded                缴纳罚款                    service_execution
cash.handed_in                  当场收缴罚款交至机关        service_execution
payment.deferred                暂缓、分期缴纳              service_execution
late_fee.assessed               加处罚款                    service_execution
reminder.sent                   催告                        service_execution
court_enforcement.applied       申请法院强制执行            service_execution
court_enforcement.concluded     法院强制执行结果            service_execution
reconsideration.filed           申请行政复议                remedies_transfer
reconsideration.decided         复议决定                    remedies_transfer
litigation.filed                提起行政诉讼                remedies_transfer
litigation.decided              诉讼判决                    remedies_transfer
transfer.reported               报请移送                    remedies_transfer
transfer.approved               批准移送                    remedies_transfer
transfer.sent                   移送司法机关                remedies_transfer
transfer.receipt                移送回执                    remedies_transfer
case.terminated                 终止调查                    closure
case.closed                     结案                        closure
case.archived                   归档                        closure
case.note                       附注                        notes
correction.recorded             更正                        notes
follow_up.visited               回访                        notes
complaint.received              投诉受理                    notes
complaint.answered              投诉答复                    notes
act.cosigned                    会签                        notes
disclosure.published            行政执法决定公示            disclosure
disclosure.withdrawn            撤回公示                    disclosure
credit.repaired                 信用修复（提前结束公示）    disclosure
==============================  ==========================  ====================

Shared gates, checks and helpers: ``common``; ``apply_case``, ``status_of``, ``invariant_violations`` and the
dispatch table: ``dispatch``.
"""

from __future__ import annotations

from domain.case.common import CaseAlreadyOpen, CaseNotOpen
from domain.case.dispatch import (
           apply_case,
           apply_recorded,
           copy_state,
           invariant_violations,
           note_refused,
           status_of,
)
from domain.case_acts import LeadReceived
from domain.case_state import CaseState

__all__ = ["CaseAlreadyOpen", "CaseNotOpen", "CaseState", "LeadReceived", "apply_case", "apply_recorded", "copy_state",
           "invariant_violations", "note_refused", "status_of"]
