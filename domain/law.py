"""The one rules table: every legal number the ledger enforces, with the article it comes from.

``scope`` says whose number it is: ``law`` (fixed by statute), ``sector`` (a sector rule used as the default)
or ``local`` (a local practice an agency configures). Code reads numbers only through :func:`rule`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Unit = Literal["working_days", "calendar_days", "months", "years", "hours", "fen", "yuan", "permille_per_day", "count"]
Scope = Literal["law", "sector", "local"]

APL = "《行政处罚法》"
ACL = "《行政强制法》"
ARL = "《行政复议法》"
ALL = "《行政诉讼法》"
CPL = "《民事诉讼法》"
SPC_ALL_INTERPRETATION = "《最高人民法院关于适用〈中华人民共和国行政诉讼法〉的解释》"
SC310 = "国务院令第310号"
GB118 = "国办发〔2018〕118号"
MS_RULES = "《市场监督管理行政处罚程序规定》"
MS_HEARING = "《市场监督管理行政处罚听证办法》"
NDRC_CREDIT = "《信用修复管理办法》"
CIVIL_CODE = "《民法典》"
GUANYUN = "灌政办〔2023〕32号"
GB_USCC = "GB 32100-2015"
OGI = "《政府信息公开条例》"
MINORS = "《未成年人保护法》"
GANJIANG = "赣江新区“1+7”综合行政执法改革（管罚分离）"


@dataclass(frozen=True)
class Rule:
    key: str
    value: int
    unit: Unit
    article: str
    scope: Scope
    note: str


_TABLE: tuple[Rule, ...] = (
    # Filing (立案)
    Rule("filing.decide_window", 15, "working_days", f"{MS_RULES}第十八条", "sector", "file or decline within 15 working days of discovering the lead"),
    Rule("filing.extension", 15, "working_days", f"{MS_RULES}第十八条", "sector", "+15 working days with the head's approval"),
    # Investigation
    Rule("investigation.min_officers", 2, "count", f"{APL}第四十二条", "law", "at least two certified officers; also 《行政强制法》第十八条"),
    Rule("preservation.decide_within", 7, "working_days", f"{APL}第五十六条", "law", "decide on registered preserved evidence within 7 working days"),
    Rule("preservation.emergency_approval", 24, "hours", f"{MS_RULES}第三十三条", "sector", "preservation on the spot in an emergency: reported to the head and approved within 24 hours"),
    # Coercive measures
    Rule("coercion.max_period", 30, "calendar_days", f"{ACL}第二十五条", "law", "seizure/detention at most 30 days"),
    Rule("coercion.max_extension", 30, "calendar_days", f"{ACL}第二十五条", "law", "one extension of at most 30 days, approved"),
    Rule("coercion.max_extensions", 1, "count", f"{ACL}第二十五条", "law", "the period may be extended once"),
    Rule("coercion.emergency_report", 24, "hours", f"{ACL}第十九条", "law", "emergency measure reported within 24 hours"),
    # Notice, statement, hearing
    Rule("notice.statement_window", 5, "working_days", f"{APL}第四十五条", "sector", "statement and defence window after service of the notice (MS practice)"),
    Rule("hearing.request_window", 5, "working_days", f"{APL}第六十四条", "law", "hearing request within 5 working days of the notice"),
    Rule("hearing.notice_before", 7, "working_days", f"{APL}第六十四条", "law", "party told 7 working days before the hearing"),
    Rule("hearing.fine_natural_person", 1_000_000, "fen", f"{MS_HEARING}第五条", "sector", "large fine/confiscation: ≥ 10,000 yuan for a natural person"),
    Rule("hearing.fine_organisation", 10_000_000, "fen", f"{MS_HEARING}第五条", "sector", "large fine/confiscation: ≥ 100,000 yuan for an organisation"),
    Rule("review.fine_natural_person", 1_000_000, "fen", f"{APL}第五十八条", "local", "legal-review threshold until the agency's 法制审核目录 sets its own"),
    Rule("review.fine_organisation", 10_000_000, "fen", f"{APL}第五十八条", "local", "legal-review threshold until the agency's 法制审核目录 sets its own"),
    # Decision
    Rule("decision.time_limit", 90, "calendar_days", f"{APL}第六十条", "law", "decide within 90 days of filing"),
    Rule("decision.extension", 30, "calendar_days", f"{MS_RULES}第六十四条", "sector", "+30 days with approval, further by collective discussion"),
    Rule("collective_discussion.min_heads", 3, "count", f"{APL}第五十七条", "local", "collective discussion by at least 3 of the agency's registered heads, each signing (the APL sets no number; local rules do)"),
    # Service
    Rule("service.within", 7, "working_days", f"{APL}第六十一条", "law", "serve within 7 working days when the party is absent"),
    Rule("service.announcement_deemed", 30, "calendar_days", f"{CPL}第九十五条", "law", "announcement deemed served after 30 days"),
    # Performance
    Rule("payment.window", 15, "calendar_days", f"{APL}第六十七条", "law", "pay within 15 days of receipt"),
    Rule("payment.late_fee_rate", 30, "permille_per_day", f"{APL}第七十二条", "law", "3 % of the fine a day, capped at the fine"),
    Rule("payment.on_the_spot_max", 10_000, "fen", f"{APL}第六十八条", "law", "on-the-spot collection for fines ≤ 100 yuan"),
    Rule("payment.cash_hand_in", 2, "working_days", f"{APL}第七十一条", "law", "cash collected on the spot handed in within 2 working days"),
    Rule("enforcement.reminder_wait", 10, "working_days", f"{ACL}第五十四条", "law", "apply to court after 10 working days unpaid after the reminder"),
    Rule("enforcement.apply_within", 3, "months", f"{ACL}第五十三条", "law", "apply to court within 3 months of the remedy periods' expiry"),
    # Remedies
    Rule("reconsideration.window", 60, "calendar_days", f"{ARL}第二十条", "law", "apply for reconsideration within 60 days of knowing"),
    Rule("reconsideration.window_untold", 1, "years", f"{ARL}第二十条", "law", "up to 1 year if not told of the right"),
    Rule("reconsideration.acceptance_review", 5, "working_days", f"{ARL}第三十条", "law", "the body examines an application within 5 working days; not refused by then, it is deemed accepted"),
    Rule("reconsideration.decide_within", 60, "calendar_days", f"{ARL}第六十二条", "law", "the body decides within 60 days of accepting (general procedure)"),
    Rule("reconsideration.max_extension", 30, "calendar_days", f"{ARL}第六十二条", "law", "an extension of at most 30 days, approved and notified in writing"),
    Rule("litigation.window", 6, "months", f"{ALL}第四十六条", "law", "lawsuit within 6 months"),
    Rule("litigation.window_untold", 1, "years", SPC_ALL_INTERPRETATION + "第六十四条", "law", "at most 1 year from knowing the act when the decision did not state the lawsuit period"),
    Rule("litigation.after_reconsideration", 15, "calendar_days", f"{ALL}第四十五条", "law", "lawsuit within 15 days after a reconsideration decision"),
    Rule("litigation.appeal_window", 15, "calendar_days", f"{ALL}第八十五条", "law", "appeal within 15 days of the first-instance judgment's service"),
    # Transfer
    Rule("transfer.head_decides", 3, "calendar_days", f"{SC310}第五条", "law", "the head decides on transfer within 3 days"),
    Rule("transfer.hand_over", 24, "hours", f"{SC310}第五条", "law", "the file is transferred within 24 hours of approval"),
    # Simple procedure
    Rule("simple.fine_citizen_max", 20_000, "fen", f"{APL}第五十一条", "law", "simple procedure: fine ≤ 200 yuan for a citizen"),
    Rule("simple.fine_organisation_max", 300_000, "fen", f"{APL}第五十一条", "law", "simple procedure: fine ≤ 3,000 yuan for an organisation"),
    Rule("simple.report_within", 24, "hours", f"{APL}第五十二条", "sector", "file the on-the-spot decision with the agency (police example: 24 hours)"),
    # Age of the party (natural persons)
    Rule("party.age_not_penalised", 14, "years", f"{APL}第三十条", "law", "under 14 at the violation: no penalty, the guardian is ordered to discipline"),
    Rule("party.age_mitigated", 18, "years", f"{APL}第三十条", "law", "14 to under 18 at the violation: the penalty is lighter or mitigated"),
    # Limitation
    Rule("limitation.general", 2, "years", f"{APL}第三十六条", "law", "no penalty for a violation not discovered within 2 years"),
    Rule("limitation.life_health_finance", 5, "years", f"{APL}第三十六条", "law", "5 years where life, health, safety or financial security was harmed"),
    # Disclosure
    Rule("disclosure.penalty_within", 7, "working_days", f"{GB118}", "law", "penalty decisions disclosed within 7 working days"),
    Rule("disclosure.other_within", 20, "working_days", f"{GB118}", "law", "other enforcement decisions disclosed within 20 working days"),
    Rule("disclosure.withdraw_within", 3, "working_days", f"{APL}第四十八条", "law", "withdraw a changed/revoked decision's disclosure within 3 working days"),
    Rule("referral.result_within", 5, "working_days", GANJIANG, "local", "send a referred lead's filing, then its outcome (declined, decided, terminated, transferred: the final result), back to the referring regulator (抄告), each from the day it arose; the reform sets no number, local practice gives 5 working days to tell the departments concerned of a decision — set the agency's own with agency.rule_set"),
    Rule("publicity.minor_min", 0, "months", f"{NDRC_CREDIT}", "law", "minor penalties: in principle not published, so no minimum"),
    Rule("publicity.minor_max", 3, "months", f"{NDRC_CREDIT}", "law", "minor penalties: at most 3 months if published"),
    Rule("publicity.general_min", 3, "months", f"{NDRC_CREDIT}", "law", "general penalties: at least 3 months"),
    Rule("publicity.general_max", 1, "years", f"{NDRC_CREDIT}", "law", "general penalties: at most 1 year"),
    Rule("publicity.serious_min", 1, "years", f"{NDRC_CREDIT}", "law", "serious penalties: at least 1 year"),
    Rule("publicity.serious_max", 3, "years", f"{NDRC_CREDIT}", "law", "serious penalties: at most 3 years"),
    # People (local practice, 灌云)
    Rule("training.hours_per_year", 60, "count", "灌云县综合行政执法改革实践", "local", "at least 60 training hours a year"),
    Rule("review.failures_to_exit", 2, "count", "灌云县综合行政执法改革实践", "local", "exit after failing the annual review two years running"),
    Rule("staffing.town_min", 6, "count", "灌云县综合行政执法改革实践", "local", "at least 6 officers per town (metric)"),
    Rule("staffing.street_min", 4, "count", "灌云县综合行政执法改革实践", "local", "at least 4 officers per street (metric)"),
    Rule("auxiliary.min_officers_with", 1, "count", f"{GUANYUN}（辅助人员管理）", "local", "an auxiliary's act on a forbidden kind needs certified officers with it (two for investigation and coercion)"),
    Rule("followup.satisfaction_max", 5, "count", "蓬江区综合行政执法改革实践", "local", "satisfaction on a 1–5 scale at follow-up visits (回访)"),
    # 案卷评查 (local practice; each agency configures its own scale): presentation 20 + content 80 points
    Rule("review.grade_excellent_min", 90, "count", "行政执法案卷评查（地方评查标准）", "local", "优秀 from this total, no veto item"),
    Rule("review.grade_pass_min", 60, "count", "行政执法案卷评查（地方评查标准）", "local", "合格 from this total, no veto item"),
)

RULES: dict[str, Rule] = {r.key: r for r in _TABLE}


def rule(key: str) -> Rule:
    """The rule named ``key``; a missing key is a programming error, not a legal one."""
    return RULES[key]
