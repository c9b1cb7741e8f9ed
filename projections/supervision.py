"""Supervision queries (执法监督): clocks and yellow/red cards, metrics, 管罚分离 referral loops, and the recorded acts
today's rules refuse.

Nothing here is stored: every clock is recomputed from the current-state view's states and the clock passed in
(``domain.deadlines``), so a list changes when time passes without any new act. A clock is **red** when its last
day has passed, **yellow** when at most ``yellow_days`` working days are left (3 by default, configurable), with
the provisional flag of a last day that lies in a year the official calendar does not cover yet. Cards are listed
per case and counted per agency, township (the agency itself when it is a township or street, else its parent if
that is one) and officer. A finished case (closed, archived, declined) still shows the duties that outlive it: a
decision to publish or withdraw, a referred lead's result to send back. A recorded act that rules tightened since
refuse (``CaseState.nonconforming``) is listed by :func:`nonconforming` for review: it is on record and signed, and
changed nothing in its case's state. The CLI and the web API call these functions; they take a ``Store`` and plain
values.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Literal, cast

from domain import procedure as proc
from domain.calendar import default_calendar, local_date
from domain.case_state import CaseState
from domain.deadlines import CaseDeadline, deadlines
from domain.law import rule
from domain.personnel import person, roles_of, training_shortfall
from domain.registry import Registry
from ledger import canonical
from ledger.db import Cursor
from ledger.store import Store
from projections.cases import TABLE as CASES
from projections.cases import decode_state
from projections.disclosure import OBLIGATIONS, DisclosureView
from projections.runner import TRACKING_PREFIX, replay_registry
from projections.titles import title_of

Card = Literal["yellow", "red"]
DEFAULT_YELLOW_DAYS = 3  # local practice (粤执法, 浙江 platforms): yellow card this many working days before
FINISHED = ("closed", "archived", "declined")
REVERSED = frozenset({"changed", "revoked", "confirmed_illegal", "confirmed_void", "remake"})
TOWNSHIP_KINDS = frozenset({"township", "street", "town"})
DISCLOSURES = DisclosureView.name


@dataclass(frozen=True)
class Warning:
    """One running clock of one case with its card (None: not yet near its end)."""

    case_id: str
    agency: str | None
    township: str | None
    officers: list[str]
    rule: str
    title: str
    title_en: str
    article: str
    subject: str | None
    due: str
    working_days_left: int
    card: Card | None
    provisional: bool

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def card_of(clock: CaseDeadline, today: dt.date, yellow_days: int = DEFAULT_YELLOW_DAYS) -> tuple[Card | None, int]:
    """(card, working days left) of a clock on ``today``: red once its last day has passed, yellow near it."""
    if today > clock.due:
        return "red", -default_calendar().working_days_between(clock.due, today)
    left = default_calendar().working_days_between(today, clock.due)
    return ("yellow" if left <= yellow_days else None), left


def township_of(registry: Registry, agency: str | None) -> str | None:
    if agency is None:
        return None
    record = registry.agencies.get(agency)
    if record is None:
        return None
    if record.kind in TOWNSHIP_KINDS:
        return record.id
    parent = registry.agencies.get(record.parent or "")
    return parent.id if parent is not None and parent.kind in TOWNSHIP_KINDS else None


def open_states(cur: Cursor, agency: str | None = None) -> Iterator[CaseState]:
    """Every case the view holds that is not finished (closed, archived, declined), optionally of one agency — and
    every finished one that may still owe a duty outliving it (``domain.deadlines``): a referred lead (its result
    sent back), and, where the disclosure view is hosted, a decision it lists as not yet published or withdrawn."""
    marks = ",".join("?" * len(FINISHED))
    owing = "referred_by IS NOT NULL"
    if cur.execute("SELECT 1 FROM zhifa_tracking WHERE name=?", (TRACKING_PREFIX + DISCLOSURES,)).fetchone() is not None:
        owing += f" OR case_id IN (SELECT case_id FROM {OBLIGATIONS} WHERE done_at IS NULL)"
    sql = f"SELECT state FROM {CASES} WHERE (status NOT IN ({marks}) OR {owing})"
    params: list[Any] = list(FINISHED)
    if agency is not None:
        sql += " AND (agency = ? OR in_name_of = ?)"
        params += [agency, agency]
    for (state,) in cur.execute(sql + " ORDER BY case_id", params).fetchall():
        yield decode_state(state)


def warnings(
    store: Store,
    now: dt.datetime,
    *,
    agency: str | None = None,
    officer: str | None = None,
    township: str | None = None,
    yellow_days: int = DEFAULT_YELLOW_DAYS,
    cards: tuple[Card, ...] = ("yellow", "red"),
    registry: Registry | None = None,
) -> list[Warning]:
    """Every running clock with a card on ``now``'s Asia/Shanghai date, most urgent first."""
    registry = registry or replay_registry(store)[0]
    today = local_date(now)
    out: list[Warning] = []
    with store.db.read() as cur:
        states = list(open_states(cur, agency))
    for state in states:
        if officer is not None and officer not in state.officers:
            continue
        town = township_of(registry, state.agency)
        if township is not None and town != township:
            continue
        for clock in deadlines(state, registry, now):
            card, left = card_of(clock, today, yellow_days)
            if card is None or card not in cards:
                continue
            out.append(
                Warning(
                    state.case_id, state.agency, town, list(state.officers), clock.rule, clock.title, clock.title_en,
                    clock.article, clock.subject, clock.due.isoformat(), left, card, clock.provisional,
                )
            )
    return sorted(out, key=lambda w: (w.working_days_left, w.due, w.case_id, w.rule))


def overdue(store: Store, now: dt.datetime, **kw: Any) -> list[Warning]:
    """The red cards: clocks whose last day has passed by ``now``."""
    return warnings(store, now, cards=("red",), **kw)


def card_counts(items: list[Warning]) -> dict[str, dict[str, dict[str, int]]]:
    """Yellow and red counts per agency, township and officer."""
    out: dict[str, dict[str, Counter[str]]] = {"agency": defaultdict(Counter), "township": defaultdict(Counter), "officer": defaultdict(Counter)}
    for w in items:
        if w.card is None:
            continue
        out["agency"][w.agency or "-"][w.card] += 1
        if w.township is not None:
            out["township"][w.township][w.card] += 1
        for o in w.officers:
            out["officer"][o][w.card] += 1
    return {k: {name: dict(c) for name, c in sorted(v.items())} for k, v in out.items()}


# -- metrics ---------------------------------------------------------------------------------------------------------
@dataclass
class Metrics:
    period_from: str | None
    period_to: str | None
    cases: int = 0
    by_source: dict[str, int] = field(default_factory=dict)  # referral, hotline_12345, complaint, patrol, …
    by_channel: dict[str, int] = field(default_factory=dict)  # 12345, counter, …
    by_domain: dict[str, int] = field(default_factory=dict)
    by_agency: dict[str, int] = field(default_factory=dict)
    by_outcome: dict[str, int] = field(default_factory=dict)
    decided: int = 0
    decided_on_time: int = 0
    on_time_rate: float | None = None
    filed: int = 0
    closed: int = 0
    closure_rate: float | None = None
    remedies_decided: dict[str, int] = field(default_factory=dict)
    remedies_reversed: dict[str, int] = field(default_factory=dict)
    reversal_rate: dict[str, float | None] = field(default_factory=dict)
    follow_ups: int = 0
    satisfaction_mean: float | None = None
    complaints_received: int = 0
    complaints_answered: int = 0
    officers: list[dict[str, Any]] = field(default_factory=list)
    staffing: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def _rate(part: int, whole: int) -> float | None:
    return None if whole == 0 else round(part / whole, 4)


def outcome_of(state: CaseState) -> str:
    d = state.decision
    if d is not None:
        return "decision_void" if d.void else d.kind
    if state.declined_at is not None:
        return "declined"
    if state.transfer_sent:
        return "transferred"
    if state.terminated_at is not None:
        return "terminated"
    return "open"


def metrics(store: Store, now: dt.datetime, *, start: dt.datetime | None = None, end: dt.datetime | None = None,
            agency: str | None = None, registry: Registry | None = None) -> Metrics:
    """Cases opened in [start, end) (all if open-ended): sources, domains, agencies, outcomes, rates; officers'
    certificates and training hours for ``now``'s year; staffing of each township against its floor."""
    registry = registry or replay_registry(store)[0]
    m = Metrics(None if start is None else canonical.format_timestamp(start), None if end is None else canonical.format_timestamp(end))
    sql, params = f"SELECT state FROM {CASES} WHERE 1=1", []
    if start is not None:
        sql += " AND opened_at >= ?"
        params.append(canonical.format_timestamp(start))
    if end is not None:
        sql += " AND opened_at < ?"
        params.append(canonical.format_timestamp(end))
    if agency is not None:
        sql += " AND (agency = ? OR in_name_of = ?)"
        params += [agency, agency]
    source, channel, domain_, agency_, outcome = Counter[str](), Counter[str](), Counter[str](), Counter[str](), Counter[str]()
    decided_r, reversed_r = Counter[str](), Counter[str]()
    satisfaction: list[int] = []
    with store.db.read() as cur:
        rows = cur.execute(sql, params).fetchall()
    for (raw,) in rows:
        s = decode_state(raw)
        m.cases += 1
        lead = s.lead
        source[lead.source if lead else "-"] += 1
        channel[lead.channel if lead else "-"] += 1
        domain_[s.domain or "-"] += 1
        agency_[s.agency or "-"] += 1
        outcome[outcome_of(s)] += 1
        if s.filed_at is not None:
            m.filed += 1
            if s.closed_at is not None or s.archived_at is not None:  # closure rate: of filed cases (结案率)
                m.closed += 1
        d = s.decision
        if d is not None and d.kind != "simple" and s.filed_at is not None:
            limit = proc.decision_time_limit(s, d.decided_at)
            m.decided += 1
            if limit is not None and local_date(d.decided_at) <= limit.date:
                m.decided_on_time += 1
        for r in s.remedies:
            if r.decided_at is not None and r.outcome is not None:
                decided_r[r.kind] += 1
                if r.outcome in REVERSED:
                    reversed_r[r.kind] += 1
        satisfaction += [f.satisfaction for f in s.follow_ups]
        m.complaints_received += len(s.complaints)
        m.complaints_answered += sum(1 for c in s.complaints if c.answered_at is not None)
    m.by_source, m.by_channel, m.by_domain, m.by_agency, m.by_outcome = (
        dict(sorted(c.items())) for c in (source, channel, domain_, agency_, outcome)
    )
    m.on_time_rate = _rate(m.decided_on_time, m.decided)
    m.closure_rate = _rate(m.closed, m.filed)
    m.remedies_decided, m.remedies_reversed = dict(decided_r), dict(reversed_r)
    m.reversal_rate = {k: _rate(reversed_r[k], decided_r[k]) for k in sorted(decided_r)}
    m.follow_ups = len(satisfaction)
    m.satisfaction_mean = None if not satisfaction else round(sum(satisfaction) / len(satisfaction), 2)
    m.officers, m.staffing = officer_metrics(registry, now)
    return m


def officer_metrics(registry: Registry, now: dt.datetime) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Each officer's certificates in force today and training hours this year against the minimum; each township's
    certified officers against its staffing floor (灌云: 6 per town, 4 per street — a metric, never a refusal)."""
    today, year = local_date(now), local_date(now).year
    officers: list[dict[str, Any]] = []
    certified_at: Counter[str] = Counter()
    for pid in sorted(registry.persons):
        if "officer" not in roles_of(registry, pid):
            continue
        who = person(registry, pid)
        in_force = [c for c in who.certificates if c.status == "active" and c.valid_from <= today <= c.valid_until]
        officers.append({
            "officer": pid,
            "agency": who.agency,
            "certificates_in_force": [c.number for c in in_force],
            "certificate_status": "in_force" if in_force else ("exited" if who.exited else "none_in_force"),
            "training_hours": who.training_hours(year),
            "training_minimum": rule("training.hours_per_year").value,
            "training_shortfall": training_shortfall(registry, pid, year),
        })
        for agency in {c.agency for c in in_force}:
            certified_at[agency] += 1
    staffing = []
    for aid, record in sorted(registry.agencies.items()):
        if record.kind not in TOWNSHIP_KINDS:
            continue
        floor = rule("staffing.street_min" if record.kind == "street" else "staffing.town_min").value
        staffing.append({"township": aid, "name": record.name, "kind": record.kind, "certified_officers": certified_at[aid],
                         "floor": floor, "below_floor": certified_at[aid] < floor})
    return officers, staffing


# -- referral loops (管罚分离) ---------------------------------------------------------------------------------------
ReferralStage = Literal["referred", "filed", "filing_reported", "declined", "decided", "terminated", "transferred", "result_sent"]


@dataclass(frozen=True)
class ReferralLoop:
    case_id: str
    referred_by: str
    referral_ref: str | None
    received_at: str
    stage: ReferralStage
    result_sent_at: str | None  # the final result (the one naming the outcome), which closes the loop
    age_days: int  # calendar days from receipt to the final result sent back, or to ``now`` while open
    open: bool

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def _referral_stage(s: CaseState) -> ReferralStage:
    """Where the loop stands: the final result sent; else the outcome awaiting it; else filed (its filing reported
    or not); else referred."""
    if s.referral_final_at is not None:
        return "result_sent"
    outcome = s.referral_outcome
    if outcome is not None:
        return cast(ReferralStage, outcome[0])
    if s.filed_at is not None:
        return "filing_reported" if s.referral_reports else "filed"
    return "referred"


def _states_where(store: Store, condition: str, agency: str | None) -> list[CaseState]:
    """The states of the cases meeting ``condition`` (SQL on the view's columns), of ``agency`` (the case's own or
    the one it acts in the name of) if given, oldest case first."""
    sql, params = f"SELECT state FROM {CASES} WHERE {condition}", []
    if agency is not None:
        sql += " AND (agency = ? OR in_name_of = ?)"
        params += [agency, agency]
    with store.db.read() as cur:
        rows = cur.execute(sql + " ORDER BY opened_at, case_id", params).fetchall()
    return [decode_state(raw) for (raw,) in rows]


def referrals(store: Store, now: dt.datetime, *, open_only: bool = False, agency: str | None = None) -> list[ReferralLoop]:
    """Every referred lead: referred → filed (reported back) → declined, decided, terminated or transferred → the
    final result sent back (抄告), which alone closes the loop; open ones with their age."""
    out = []
    for s in _states_where(store, "referred_by IS NOT NULL", agency):
        lead = s.lead
        assert lead is not None and lead.referred_by is not None
        sent = s.referral_final_at
        if open_only and sent is not None:
            continue
        age = (local_date(sent or now) - local_date(lead.received_at)).days
        out.append(ReferralLoop(s.case_id, lead.referred_by, lead.referral_ref, canonical.format_timestamp(lead.received_at),
                                _referral_stage(s), None if sent is None else canonical.format_timestamp(sent), age, sent is None))
    return out


# -- recorded acts today's rules refuse ----------------------------------------------------------------------------
@dataclass(frozen=True)
class NonconformingAct:
    """One recorded act the rules now in force refuse (an upgrade tightened them after the writer accepted it): the
    act stays on record and in the full-process record, and changed nothing in its case's state."""

    case_id: str
    agency: str | None
    status: str  # the case's stage now
    version: int
    act_type: str
    title: str
    title_en: str
    recorded_at: str
    code: str
    article: str
    reason: str

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def nonconforming(store: Store, *, agency: str | None = None) -> list[NonconformingAct]:
    """Every recorded act today's rules refuse, by case (oldest case first) and version; ``agency`` filters by the
    case's agency or the agency it acts in the name of."""
    out = []
    for s in _states_where(store, "nonconforming > 0", agency):
        for n in s.nonconforming:
            zh, en = title_of(n.act_type)
            out.append(NonconformingAct(s.case_id, s.in_name_of or s.agency, s.status, n.version, n.act_type, zh, en,
                                        canonical.format_timestamp(n.recorded_at), n.code, n.article, n.reason))
    return out
