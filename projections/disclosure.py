"""The disclosure view (行政执法公示): redacted public items built from the log, and their feeds, exactly once.

Items, in the order they were published (``seq``), each anchored on acts of the log:

==============  ======================================  ==============================================
kind            made by                                 names (leaf index + entry hash) the act …
==============  ======================================  ==============================================
power           ``domain.registered``                   itself
catalog_item    ``item.added`` / ``item.amended``       itself
officer         ``certificate.*`` (执法人员公示)          itself
credentials     ``credentials.shown`` (亮证)            itself
notice          ``notice.issued`` (告知)                itself
decision        ``disclosure.published``                the decision it discloses
withdrawal      ``disclosure.withdrawn``                itself; ``withdraws`` the decision's leaf
expiry          ``credit.repaired``                     itself; ``ends`` the decision's leaf
expiry          the maximum publicity period running    the publication act; ``ends`` the decision's leaf
==============  ======================================  ==============================================

An item is public only once the act that made it is sealed (``zhifa_leaves`` has its position), so every item a
reader sees can be proved with ``/log/proof/inclusion``; queries join the leaf table and never show the rest.
The maximum period ends without an act. The view appends its expiry item when it applies the first act recorded
after the period's last day (data, not the clock), so the item sequence is a function of the log alone: it only
grows, a rebuild at any later time reproduces it, and archive pages never change. What is *current* also depends
on the time, and the readers supply it: ``current_items(as_of=…)`` and ``feeds.ledger.feed_page(as_of=…)`` drop
every decision whose maximum period ended by ``as_of`` (:func:`past_maximum`), and the feed page carries the
expiry items due that the log does not show yet (:func:`due_expiries` — the very item the view appends later:
same leaf, hash, text, and ``published_at`` = the period's end), so a quiet ledger never shows an item past its
maximum period and the page's ``updated`` and ETag still come from the data (the end passed, the number passed).

Why not an "expiry sweep" appending those items from the runner's clock: the writer stamps ``recorded_at``
before it takes the log's lock, so an act stamped before the sweep's moment can commit after the sweep; a
rebuild would then sequence the expiry after that act, not before it — another order, and changed archive
pages. Filtering at read time keeps the sequence the log's and needs no clock on the write path.

Everything public goes through :mod:`domain.disclosure` (张某, no digit of an ID, phone, address or account).
Queries beside the view (``items``, ``current_items``, ``overdue``, ``officer_directory`` …) take a ``Store`` and
serve the CLI and the web layer alike; ``feeds.ledger`` maps them onto feed pages.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal, cast

import msgspec

from domain import disclosure as rules
from domain.acts import ActRecord
from domain.calendar import LEGAL_TZ, local_date
from domain.case import CaseState
from domain.catalog_model import DOMAINS, ItemTerms
from domain.parties import Party
from domain.personnel import certificate_for
from domain.registry import Registry
from ledger import canonical
from ledger.db import Cursor
from ledger.store import TOPIC_CASE, TOPIC_REGISTRY, Store
from projections.view import Applied, View, local_iso

ITEMS = "zhifa_disclosure_items"
DECISIONS = "zhifa_disclosure_decisions"
#: Version 1 kept its own copy of each case's state here; the runner's states serve it now (``reads_case_states``).
_OLD_CASES = "zhifa_disclosure_cases"
OBLIGATIONS = "zhifa_disclosure_obligations"
OFFICERS = "zhifa_disclosure_officers"
META = "zhifa_disclosure_meta"

#: DESIGN.md: the checkpoint feed carries at most one checkpoint a minute — the first of each minute (so a page
#: never changes: a later checkpoint of the same minute never replaces it).
CHECKPOINT_MINUTE = 16  # len("YYYY-MM-DDTHH:MM") of the canonical timestamp

# Acts after which a case's disclosure duties can change.
_DUTY_ACTS = frozenset(
    {*rules.DECISION_ACTS, "disclosure.published", "disclosure.withdrawn", "credit.repaired",
     "reconsideration.decided", "litigation.decided"}
)
_CERTIFICATE_ACTS = {
    "certificate.issued": "颁发",
    "certificate.suspended": "暂扣",
    "certificate.reinstated": "恢复",
    "certificate.withdrawn": "注销",
}
_STATUS_NAMES = {"active": "有效", "suspended": "暂扣", "withdrawn": "注销"}
_UNKNOWN = object()


def _ts(moment: dt.datetime) -> str:
    return local_iso(moment)


def _parse(text: str) -> dt.datetime:
    return canonical.parse_timestamp(text)


def _agency_name(registry: Registry, agency: str | None) -> str | None:
    if agency is None:
        return None
    found = registry.agencies.get(agency)
    return rules.public_name(found.name if found is not None else agency)


def _item_terms(registry: Registry, code: str | None, when: dt.datetime) -> ItemTerms | None:
    if code is None:
        return None
    item = registry.items.get(code)
    return None if item is None else item.terms_at(when)


def _expiry_text(title: str, max_end: str) -> tuple[str, str, str]:
    """Title, summary and reason of the expiry item at the maximum publicity period (the view's and the feeds')."""
    ended_on = dt.date.fromisoformat(max_end) + dt.timedelta(days=1)
    return (
        f"{rules.KIND_TITLES['expiry']}：{title}",
        rules.expiry_summary(title, repaired=False, ended_on=ended_on),
        f"公示期届满（最长至{max_end}）",
    )


@dataclass(frozen=True, slots=True)
class _Seen:
    """What the view reads of a case's state right after one of its ``state_per_act`` acts, taken by the runner in
    its first phase (:meth:`DisclosureView.capture`): the runner goes on applying the batch's later acts to that
    state in place, and a deep copy of the whole state per such act was the largest single cost of a rebuild after
    ``apply_case``. Every field is immutable (``Party`` is frozen) or computed then."""

    case_id: str
    agency: str | None
    in_name_of: str | None
    domain: str | None
    catalog_item: str | None
    party: Party | None
    #: disclosure.published: the publicity class of that publication, and the decision it discloses
    publicity_class: str | None = None
    decided: tuple[tuple[str, ...], int, int, dt.datetime] | None = None  # penalties, fine, confiscation, decided_at
    #: the case's disclosure duties, after a duty act (``rules.obligations``)
    obligations: tuple[rules.Obligation, ...] | None = None
    #: notice.issued: the party was under 18 at the violation (未成年人保护法 Art 103: nothing of the case is published)
    minor: bool = False


def _duty_rows(state: _Seen) -> list[tuple[Any, ...]]:
    party = rules.public_party(state.party)
    return [
        (
            state.case_id, o.kind, o.decision_version, o.decision_kind, state.in_name_of or state.agency, state.domain,
            None if party is None else party.name, _ts(o.arose_at), o.due.date.isoformat(), int(o.due.provisional),
            None if o.done_at is None else _ts(o.done_at), o.done_version,
        )
        for o in state.obligations or ()
    ]


class DisclosureView(View):
    """Public items, decisions and their publicity, duties (for the overdue list) and the officer directory."""

    name = "disclosures"
    topics = (TOPIC_CASE, TOPIC_REGISTRY)
    version = 3  # 3: registry names and certificate numbers redacted, no notice of a minor's case
    tables = (ITEMS, DECISIONS, OBLIGATIONS, OFFICERS, META)
    reads_case_states = True  # the runner's, kept by the cases view: a second copy cost a tenth of a rebuild
    state_per_act = frozenset({*_DUTY_ACTS, "credentials.shown", "notice.issued"})  # what _case_act reads the state of

    def capture(self, act: ActRecord, state: CaseState) -> _Seen:
        publicity_class = decided = None
        if act.type == "disclosure.published":
            version = int(act.payload["decision_version"])
            publicity_class = next(d.publicity_class for d in state.disclosures if d.decision_version == version)
            d = next(d for d in [state.decision, *state.voided_decisions] if d is not None and d.version == version)
            decided = (tuple(d.penalties), d.fine_fen, d.confiscation_fen, d.decided_at)
        return _Seen(
            case_id=state.case_id, agency=state.agency, in_name_of=state.in_name_of, domain=state.domain,
            catalog_item=state.catalog_item, party=state.party, publicity_class=publicity_class, decided=decided,
            obligations=tuple(rules.obligations(state)) if act.type in _DUTY_ACTS else None,
            minor=act.type == "notice.issued" and rules.minor_at_violation(state) is not None,
        )

    def __init__(self) -> None:
        super().__init__()
        self._seq: int | None = None
        self._next_end: object = _UNKNOWN  # the earliest ends_at of a public decision ('' none), or unknown
        self._duties_of: dict[str, _Seen] = {}  # case → what it was after its last duty act of this batch
        # This batch's decisions as _decision wrote them (subject position, entry hash, kind, decided_at, detail),
        # for their publication: most decisions are published within the batch they were made in, and reading the
        # row back (and its detail's JSON) cost 10 µs a publication (240 of them in the bench's rebuild).
        self._decided: dict[tuple[str, int], tuple[int, str, rules.DecisionKind, str, dict[str, Any]]] = {}

    # -- schema --------------------------------------------------------------------------------------------------
    def schema(self, cur: Cursor) -> None:
        b = "INTEGER" if cur.kind == "sqlite" else "BIGINT"
        cur.execute(
            f"CREATE TABLE IF NOT EXISTS {ITEMS} (seq {b} PRIMARY KEY, position {b} NOT NULL, subject_position {b} NOT NULL, "
            "entry_hash TEXT NOT NULL, kind TEXT NOT NULL, stage TEXT NOT NULL, case_id TEXT, decision_version INTEGER, "
            "agency TEXT, agency_name TEXT, domain TEXT, party_uscc TEXT, party_name TEXT, title TEXT NOT NULL, "
            f"summary TEXT NOT NULL, published_at TEXT NOT NULL, reason TEXT, ref_position {b}, ended_seq {b})"
        )
        for column in ("position", "agency", "domain", "party_uscc", "kind"):
            cur.execute(f"CREATE INDEX IF NOT EXISTS disclosure_items_{column} ON {ITEMS} ({column})")
        cur.execute(
            f"CREATE TABLE IF NOT EXISTS {DECISIONS} (case_id TEXT NOT NULL, decision_version INTEGER NOT NULL, "
            f"subject_position {b} NOT NULL, entry_hash TEXT NOT NULL, kind TEXT NOT NULL, decided_at TEXT NOT NULL, "
            f"detail TEXT NOT NULL, item_seq {b}, publication_position {b}, publication_hash TEXT, publicity_class TEXT, "
            "max_end TEXT, ends_at TEXT, status TEXT NOT NULL, ended_at TEXT, title TEXT, "
            "PRIMARY KEY (case_id, decision_version))"
        )
        cur.execute(f"CREATE INDEX IF NOT EXISTS disclosure_decisions_ends ON {DECISIONS} (status, ends_at)")
        cur.execute(f"DROP TABLE IF EXISTS {_OLD_CASES}")
        cur.execute(
            f"CREATE TABLE IF NOT EXISTS {OBLIGATIONS} (case_id TEXT NOT NULL, kind TEXT NOT NULL, "
            "decision_version INTEGER NOT NULL, decision_kind TEXT NOT NULL, agency TEXT, domain TEXT, party_name TEXT, "
            "arose_at TEXT NOT NULL, due TEXT NOT NULL, provisional INTEGER NOT NULL, done_at TEXT, done_version INTEGER, "
            "PRIMARY KEY (case_id, kind, decision_version))"
        )
        cur.execute(f"CREATE INDEX IF NOT EXISTS disclosure_obligations_due ON {OBLIGATIONS} (done_at, due)")
        cur.execute(
            f"CREATE TABLE IF NOT EXISTS {OFFICERS} (person_id TEXT PRIMARY KEY, name TEXT NOT NULL, agency TEXT, "
            f"agency_name TEXT, certificates TEXT NOT NULL, position {b} NOT NULL)"
        )
        cur.execute(f"CREATE TABLE IF NOT EXISTS {META} (key TEXT PRIMARY KEY, value TEXT NOT NULL)")

    def discard(self) -> None:
        self._seq = None
        self._next_end = _UNKNOWN
        self._duties_of.clear()
        self._decided.clear()

    def flush(self, cur: Cursor) -> None:
        """Each case's disclosure duties after its last duty act of the batch (nothing reads them before): one
        rewrite per case and batch, not one per act."""
        deleted = [(case,) for case in self._duties_of]
        rows = [row for state in self._duties_of.values() for row in _duty_rows(state)]
        if deleted:
            cur.executemany(f"DELETE FROM {OBLIGATIONS} WHERE case_id=?", deleted)
        if rows:
            cur.executemany(
                f"INSERT INTO {OBLIGATIONS} (case_id, kind, decision_version, decision_kind, agency, domain, party_name, "
                "arose_at, due, provisional, done_at, done_version) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                rows,
            )
        self._duties_of.clear()
        self._decided.clear()

    # -- applying ------------------------------------------------------------------------------------------------
    def apply(self, cur: Cursor, act: Applied) -> None:
        if self._seq is None:
            row = cur.execute(f"SELECT COALESCE(MAX(seq), 0) FROM {ITEMS}").fetchone()
            self._seq = int(row[0]) if row else 0
            cur.execute(
                f"INSERT INTO {META} (key, value) VALUES ('created', ?) ON CONFLICT (key) DO NOTHING",
                (act.entry.recorded_at,),
            )
        self._expire(cur, act)
        if act.is_case:
            self._case_act(cur, act)
        else:
            self._registry_act(cur, act)

    def _add_item(self, cur: Cursor, act: Applied, *, kind: str, subject_position: int, entry_hash: str,
                  title: str, summary: str, published_at: dt.datetime, case_id: str | None = None,
                  decision_version: int | None = None, agency: str | None = None, agency_name: str | None = None,
                  domain: str | None = None, party: rules.PublicParty | None = None, reason: str | None = None,
                  ref_position: int | None = None) -> int:
        assert self._seq is not None
        self._seq += 1
        cur.execute(
            f"INSERT INTO {ITEMS} (seq, position, subject_position, entry_hash, kind, stage, case_id, decision_version, "
            "agency, agency_name, domain, party_uscc, party_name, title, summary, published_at, reason, ref_position, "
            "ended_seq) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,NULL)",
            (
                self._seq, act.position, subject_position, entry_hash, kind, rules.STAGE_OF[kind], case_id,
                decision_version, agency, agency_name, domain, None if party is None else party.uscc,
                None if party is None else party.name, title, summary, _ts(published_at), reason, ref_position,
            ),
        )
        return self._seq

    # -- the maximum publicity period ----------------------------------------------------------------------------
    def _expire(self, cur: Cursor, act: Applied) -> None:
        """Emit an expiry for every public decision whose last public day lies before this act's moment."""
        now = act.entry.recorded_at
        if self._next_end is _UNKNOWN:
            row = cur.execute(f"SELECT MIN(ends_at) FROM {DECISIONS} WHERE status='public'").fetchone()
            self._next_end = (row[0] if row and row[0] is not None else "")
        if self._next_end == "" or cast(str, self._next_end) > now:
            return
        due = cur.execute(
            f"SELECT case_id, decision_version, subject_position, publication_position, publication_hash, item_seq, "
            f"ends_at, max_end, title FROM {DECISIONS} WHERE status='public' AND ends_at <= ? "
            "ORDER BY ends_at, publication_position",
            (now,),
        ).fetchall()
        for case_id, version, subject, pub_position, pub_hash, item_seq, ends_at, max_end, title in due:
            decision = cur.execute(
                f"SELECT agency, agency_name, domain, party_uscc, party_name FROM {ITEMS} WHERE seq=?", (item_seq,)
            ).fetchone()
            assert decision is not None
            agency, agency_name, domain, uscc, party_name = decision
            item_title, summary, reason = _expiry_text(str(title), str(max_end))
            seq = self._add_item(
                cur, act, kind="expiry", subject_position=int(pub_position), entry_hash=str(pub_hash),
                title=item_title, summary=summary, published_at=_parse(ends_at), case_id=case_id,
                decision_version=int(version), agency=agency, agency_name=agency_name, domain=domain,
                party=None if party_name is None else rules.PublicParty(party_name, uscc, ""),
                reason=reason, ref_position=int(subject),
            )
            cur.execute(f"UPDATE {ITEMS} SET ended_seq=? WHERE seq=?", (seq, item_seq))
            cur.execute(
                f"UPDATE {DECISIONS} SET status='expired', ended_at=? WHERE case_id=? AND decision_version=?",
                (ends_at, case_id, version),
            )
        self._next_end = _UNKNOWN

    # -- case acts -----------------------------------------------------------------------------------------------
    def _case_act(self, cur: Cursor, act: Applied) -> None:
        if act.seen is None:
            return  # not an act this view publishes or whose duties it follows (``state_per_act``)
        state: _Seen = act.seen[self.name]
        kind = act.type
        if kind in rules.DECISION_ACTS:
            self._decision(cur, act, state)
        elif kind == "credentials.shown":
            self._credentials(cur, act, state)
        elif kind == "notice.issued":
            self._notice(cur, act, state)
        elif kind == "disclosure.published":
            self._published(cur, act, state)
        elif kind == "disclosure.withdrawn":
            self._ended(cur, act, state, "withdrawal")
        elif kind == "credit.repaired":
            self._ended(cur, act, state, "expiry")
        if kind in _DUTY_ACTS:
            self._duties(cur, state)

    def _decision(self, cur: Cursor, act: Applied, state: _Seen) -> None:
        payload = act.record.payload
        party = state.party
        facts, basis = payload.get("facts"), payload.get("basis")
        detail = {
            "facts": rules.public_text(facts, party) if isinstance(facts, str) else None,
            "basis": rules.public_text(basis, party) if isinstance(basis, str) else None,
            "reason": rules.public_text(payload["reason"], party) if isinstance(payload.get("reason"), str) else None,
        }
        row = (act.position, act.entry_hash.hex(), rules.DECISION_ACTS[act.type], act.entry.recorded_at, detail)
        cur.execute(
            f"INSERT INTO {DECISIONS} (case_id, decision_version, subject_position, entry_hash, kind, decided_at, detail, "
            "status) VALUES (?,?,?,?,?,?,?, 'decided')",
            (act.stream, act.version, *row[:4], msgspec.json.encode(detail).decode()),
        )
        self._decided[(act.stream, act.version)] = row

    def _case_context(self, act: Applied, state: _Seen) -> dict[str, Any]:
        agency = state.in_name_of or state.agency
        return {
            "case_id": act.stream,
            "agency": agency,
            "agency_name": _agency_name(act.registry, agency),
            "domain": state.domain,
        }

    def _credentials(self, cur: Cursor, act: Applied, state: _Seen) -> None:
        officers = act.record.payload.get("officers") or []
        shown = []
        for officer in officers:
            person = act.registry.persons.get(officer)
            cert = None
            if state.agency and state.domain:
                cert = certificate_for(act.registry, officer, state.agency, state.domain, act.record.recorded_at)
            name = rules.public_name(person.name if person is not None and person.name else officer)
            shown.append(f"{name}（执法证号 {rules.public_certificate_number(cert.number)}）" if cert is not None else name)
        ctx = self._case_context(act, state)
        self._add_item(
            cur, act, kind="credentials", subject_position=act.position, entry_hash=act.entry_hash.hex(),
            title=f"{rules.KIND_TITLES['credentials']}：{ctx['agency_name'] or ''}",
            summary=f"执法人员{'、'.join(shown)}于{local_date(act.record.recorded_at).isoformat()}出示行政执法证件，表明身份。",
            published_at=act.record.recorded_at, **ctx,
        )

    def _notice(self, cur: Cursor, act: Applied, state: _Seen) -> None:
        if state.minor:
            return  # a minor's decision is never published; its notice would show the case all the same
        payload = act.record.payload
        party = rules.public_party(state.party)
        penalties = [p for p in payload.get("penalties") or [] if isinstance(p, str)]
        fine = payload.get("fine_fen") if isinstance(payload.get("fine_fen"), int) else 0
        gains = payload.get("confiscation_fen") if isinstance(payload.get("confiscation_fen"), int) else 0
        ctx = self._case_context(act, state)
        self._add_item(
            cur, act, kind="notice", subject_position=act.position, entry_hash=act.entry_hash.hex(),
            title=f"{rules.KIND_TITLES['notice']}：{ctx['agency_name'] or ''}",
            summary=(
                f"{ctx['agency_name'] or ''}于{local_date(act.record.recorded_at).isoformat()}告知{rules.party_text(party)}"
                f"拟作出{rules.penalties_text(penalties, int(fine or 0), int(gains or 0))}的行政处罚，"
                "当事人依法享有陈述、申辩的权利，符合条件的可以要求听证。"
            ),
            published_at=act.record.recorded_at, party=party, **ctx,
        )

    def _published(self, cur: Cursor, act: Applied, state: _Seen) -> None:
        version = int(act.record.payload["decision_version"])
        decided = self._decided.get((act.stream, version))
        if decided is None:
            row = cur.execute(
                f"SELECT subject_position, entry_hash, kind, decided_at, detail FROM {DECISIONS} "
                "WHERE case_id=? AND decision_version=?",
                (act.stream, version),
            ).fetchone()
            assert row is not None, f"published decision {act.stream}@{version} not seen"
            decided = (*row[:4], msgspec.json.decode(row[4]))
        subject, entry_hash, kind, decided_at_text, detail = decided
        decided_at = _parse(decided_at_text)
        assert state.decided is not None and state.publicity_class is not None
        penalties, fine_fen, confiscation_fen, decision_decided_at = state.decided
        window = rules.publicity_window(decided_at, state.publicity_class)  # type: ignore[arg-type]
        ends_at = _ts(window.ends_at)
        due = rules.disclosure_due(decided_at, kind)
        party = rules.public_party(state.party)
        ctx = self._case_context(act, state)
        terms = _item_terms(act.registry, state.catalog_item, decision_decided_at)
        met = "按期公示" if rules.on_time(due, act.record.recorded_at) else "逾期公示"
        what = "不予行政处罚决定" if kind == "no_penalty" else "行政处罚决定"
        title = f"{ctx['agency_name'] or ''}{what}：{rules.party_text(party)}"
        summary = rules.decision_summary(
            kind=kind, agency_name=ctx["agency_name"] or "", party=party,
            item_name=None if terms is None else rules.public_name(terms.name),
            penalties=list(penalties), fine_fen=fine_fen, confiscation_fen=confiscation_fen,
            facts=detail.get("facts"), basis=detail.get("basis"), decided_on=window.starts, window=window,
            ground=detail.get("reason"),
        )
        summary += f"应公示期限：{due.date.isoformat()}{'（暂定）' if due.provisional else ''}，{met}。"
        note = act.record.payload.get("note")
        if isinstance(note, str) and note.strip():
            summary += f"备注：{rules.public_text(note, state.party)}"
        seq = self._add_item(
            cur, act, kind="decision", subject_position=int(subject), entry_hash=str(entry_hash), title=title,
            summary=summary, published_at=act.record.recorded_at, decision_version=version, party=party, **ctx,
        )
        cur.execute(
            f"UPDATE {DECISIONS} SET item_seq=?, publication_position=?, publication_hash=?, publicity_class=?, max_end=?, "
            "ends_at=?, status='public', title=? WHERE case_id=? AND decision_version=?",
            (seq, act.position, act.entry_hash.hex(), state.publicity_class, window.max_end.isoformat(), ends_at, title,
             act.stream, version),
        )
        # The earliest end of a public decision's period, kept instead of asked again (240 queries of 8.5 µs in the
        # bench's rebuild): this decision is the only one made public, so the earliest is the known one or its own
        # (a withdrawn or repaired one leaving early only makes the known earliest too early: _expire finds nothing
        # due and asks again).
        if self._next_end is not _UNKNOWN:
            self._next_end = min(cast(str, self._next_end) or ends_at, ends_at)

    def _ended(self, cur: Cursor, act: Applied, state: _Seen, kind: Literal["withdrawal", "expiry"]) -> None:
        version = int(act.record.payload["decision_version"])
        row = cur.execute(
            f"SELECT subject_position, item_seq, title FROM {DECISIONS} WHERE case_id=? AND decision_version=?",
            (act.stream, version),
        ).fetchone()
        assert row is not None and row[1] is not None
        subject, item_seq, title = row
        decision_item = cur.execute(f"SELECT party_uscc, party_name FROM {ITEMS} WHERE seq=?", (item_seq,)).fetchone()
        assert decision_item is not None
        party = None if decision_item[1] is None else rules.PublicParty(decision_item[1], decision_item[0], "")
        reason = rules.public_text(str(act.record.payload.get("reason") or ""), state.party)
        today = local_date(act.record.recorded_at)
        if kind == "withdrawal":
            ground = cast(rules.WithdrawalGround, act.record.payload["ground"])
            summary = rules.withdrawal_summary(ground, reason, str(title))
            status = "withdrawn"
        else:
            summary = rules.expiry_summary(str(title), repaired=True, ended_on=today) + f"修复理由：{reason}"
            status = "repaired"
        seq = self._add_item(
            cur, act, kind=kind, subject_position=act.position, entry_hash=act.entry_hash.hex(),
            title=f"{rules.KIND_TITLES[kind]}：{title}", summary=summary, published_at=act.record.recorded_at,
            decision_version=version, party=party, reason=reason, ref_position=int(subject),
            **self._case_context(act, state),
        )
        cur.execute(f"UPDATE {ITEMS} SET ended_seq=? WHERE seq=? AND ended_seq IS NULL", (seq, item_seq))
        cur.execute(
            f"UPDATE {DECISIONS} SET status=?, ended_at=? WHERE case_id=? AND decision_version=? AND status='public'",
            (status, act.entry.recorded_at, act.stream, version),
        )
        self._next_end = _UNKNOWN

    def _duties(self, cur: Cursor, state: _Seen) -> None:
        self._duties_of[state.case_id] = state  # written at the end of the batch (flush)

    # -- registry acts (事前) -------------------------------------------------------------------------------------
    def _registry_act(self, cur: Cursor, act: Applied) -> None:
        registry, payload, when = act.registry, act.record.payload, act.record.recorded_at
        if act.type == "domain.registered":
            agency = act.stream.removeprefix("agency:")
            domain = str(payload.get("domain") or "")
            name = rules.public_name(str(payload.get("name") or DOMAINS.get(domain, domain)))
            agency_name = _agency_name(registry, agency)
            self._add_item(
                cur, act, kind="power", subject_position=act.position, entry_hash=act.entry_hash.hex(),
                title=f"{rules.KIND_TITLES['power']}：{agency_name}（{name}）",
                summary=f"{agency_name}在{name}领域行使行政处罚权，依据：{rules.public_text(str(payload.get('basis') or ''))}。"
                f"救济途径：{rules.REMEDY_CHANNELS}",
                published_at=when, agency=agency, agency_name=agency_name, domain=domain,
            )
        elif act.type in ("item.added", "item.amended"):
            code = act.stream.removeprefix("item:")
            item = registry.items.get(code)
            if item is None or not item.versions:
                return
            terms = item.latest
            agency_name = _agency_name(registry, terms.agency)
            verb = "新增" if act.type == "item.added" else "调整"
            self._add_item(
                cur, act, kind="catalog_item", subject_position=act.position, entry_hash=act.entry_hash.hex(),
                title=f"{rules.KIND_TITLES['catalog_item']}（{verb}）：{rules.public_name(terms.name)}",
                summary=rules.catalog_item_summary(code, terms), published_at=when, agency=terms.agency,
                agency_name=agency_name, domain=terms.domain,
            )
        elif act.type in _CERTIFICATE_ACTS:
            self._officer(cur, act)

    def _officer(self, cur: Cursor, act: Applied) -> None:
        person_id = act.stream.removeprefix("person:")
        person = act.registry.persons.get(person_id)
        if person is None:
            return
        name = rules.public_name(person.name or person_id)
        number = str(act.record.payload.get("number") or "")
        cert = next((c for c in person.certificates if c.number == number), None)
        agency = cert.agency if cert is not None else person.agency
        agency_name = _agency_name(act.registry, agency)
        certificates = [
            {"number": rules.public_certificate_number(c.number), "agency": c.agency, "domains": sorted(c.domains),
             "valid_from": c.valid_from.isoformat(),
             "valid_until": c.valid_until.isoformat(), "status": c.status}
            for c in person.certificates
        ]
        cur.execute(
            f"INSERT INTO {OFFICERS} (person_id, name, agency, agency_name, certificates, position) VALUES (?,?,?,?,?,?) "
            "ON CONFLICT (person_id) DO UPDATE SET name=excluded.name, agency=excluded.agency, "
            "agency_name=excluded.agency_name, certificates=excluded.certificates, position=excluded.position",
            (person_id, name, agency, agency_name, msgspec.json.encode(certificates).decode(), act.position),
        )
        status = _STATUS_NAMES.get(cert.status, cert.status) if cert is not None else ""
        domains = "、".join(DOMAINS.get(d, d) for d in sorted(cert.domains)) if cert is not None else ""
        until = f"，有效期至{cert.valid_until.isoformat()}" if cert is not None else ""
        self._add_item(
            cur, act, kind="officer", subject_position=act.position, entry_hash=act.entry_hash.hex(),
            title=f"{rules.KIND_TITLES['officer']}：{name}（{_CERTIFICATE_ACTS[act.type]}执法证）",
            summary=f"{agency_name or ''}执法人员{name}，执法证号 {rules.public_certificate_number(number)}，执法领域：{domains}，"
            f"状态：{status}{until}。",
            published_at=act.record.recorded_at, agency=agency, agency_name=agency_name,
            domain=None if cert is None or len(cert.domains) != 1 else next(iter(cert.domains)),
        )


# == queries ===========================================================================================================
@dataclass(frozen=True)
class PublicItem:
    """One public item as stored, with its leaf indexes resolved (public: sealed)."""

    seq: int
    kind: str
    stage: str
    leaf_index: int
    entry_hash: str
    case_id: str | None
    decision_version: int | None
    agency: str | None
    agency_name: str | None
    domain: str | None
    party_uscc: str | None
    party_name: str | None
    title: str
    summary: str
    published_at: dt.datetime
    reason: str | None
    ref_leaf: int | None
    ended: bool  # a sealed withdrawal or expiry ended it
    proof_size: int | None  # the first checkpoint covering its leaf

    def public_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {k: getattr(self, k) for k in self.__dataclass_fields__}
        out["published_at"] = _ts(self.published_at)
        return out


_ITEM_SELECT = (
    f"SELECT i.seq, i.kind, i.stage, ls.leaf_index, i.entry_hash, i.case_id, i.decision_version, i.agency, "
    f"i.agency_name, i.domain, i.party_uscc, i.party_name, i.title, i.summary, i.published_at, i.reason, "
    f"lr.leaf_index, le.leaf_index, (SELECT MIN(c.size) FROM zhifa_checkpoints c WHERE c.size > ls.leaf_index) "
    f"FROM {ITEMS} i JOIN zhifa_leaves lt ON lt.position = i.position "
    f"JOIN zhifa_leaves ls ON ls.position = i.subject_position "
    f"LEFT JOIN zhifa_leaves lr ON lr.position = i.ref_position "
    f"LEFT JOIN {ITEMS} e ON e.seq = i.ended_seq LEFT JOIN zhifa_leaves le ON le.position = e.position"
)

_FILTERS: dict[str, str] = {
    "disclosures": "1=1",
    "agency": "i.agency = ?",
    "domain": "i.domain = ?",
    "party": "i.party_uscc = ?",
    "withdrawals": "i.kind = 'withdrawal'",
}


_KEYED = frozenset({"agency", "domain", "party"})


def _where(kind: str, key: str | None) -> tuple[str, tuple[Any, ...]]:
    if kind not in _FILTERS:
        raise ValueError(f"{kind!r} is not a kind of disclosure feed; expected one of {sorted(_FILTERS)}")
    if (kind in _KEYED) != (key is not None):
        raise ValueError(f"disclosure feed {kind!r} {'needs' if kind in _KEYED else 'takes no'} key")
    return _FILTERS[kind], (() if key is None else (key,))


def _item_of(row: Sequence[Any]) -> PublicItem:
    return PublicItem(
        seq=int(row[0]), kind=str(row[1]), stage=str(row[2]), leaf_index=int(row[3]), entry_hash=str(row[4]),
        case_id=row[5], decision_version=row[6], agency=row[7], agency_name=row[8], domain=row[9], party_uscc=row[10],
        party_name=row[11], title=str(row[12]), summary=str(row[13]), published_at=_parse(str(row[14])), reason=row[15],
        ref_leaf=None if row[16] is None else int(row[16]), ended=row[17] is not None,
        proof_size=None if row[18] is None else int(row[18]),
    )


def items(store: Store, kind: str = "disclosures", key: str | None = None, *,
          offset: int = 0, limit: int | None = None) -> list[PublicItem]:
    """The feed's public (sealed) items in publication order, ``[offset, offset + limit)``."""
    where, params = _where(kind, key)
    sql = f"{_ITEM_SELECT} WHERE {where} ORDER BY i.seq"
    if limit is not None:
        sql += f" LIMIT {int(limit)} OFFSET {int(offset)}"
    elif offset:
        sql += f" LIMIT -1 OFFSET {int(offset)}" if store.kind == "sqlite" else f" OFFSET {int(offset)}"
    with store.db.read() as cur:
        return [_item_of(r) for r in cur.execute(sql, params).fetchall()]


def count(store: Store, kind: str = "disclosures", key: str | None = None) -> int:
    """How many public items the feed has: its position (the ETag's input)."""
    where, params = _where(kind, key)
    with store.db.read() as cur:
        row = cur.execute(
            f"SELECT COUNT(*) FROM {ITEMS} i JOIN zhifa_leaves lt ON lt.position = i.position WHERE {where}", params
        ).fetchone()
    return int(row[0]) if row else 0


def past_maximum(store: Store, as_of: dt.datetime, kind: str = "disclosures", key: str | None = None) -> set[int]:
    """The ``seq`` of the feed's public decision items whose maximum publicity period ended by ``as_of`` (whatever
    ended them, or nothing yet): never in a current page again."""
    where, params = _where(kind, key)
    with store.db.read() as cur:
        rows = cur.execute(
            f"SELECT i.seq FROM {DECISIONS} d JOIN {ITEMS} i ON i.seq = d.item_seq "
            f"JOIN zhifa_leaves lt ON lt.position = i.position WHERE d.ends_at <= ? AND {where}",
            (_ts(as_of), *params),
        ).fetchall()
    return {int(r[0]) for r in rows}


def due_expiries(store: Store, as_of: dt.datetime, kind: str = "disclosures", key: str | None = None) -> list[PublicItem]:
    """The expiry items due by ``as_of`` that the log does not show yet (no act recorded since the last public day,
    or that act not sealed): exactly the items the view will append (same leaf, hash, text and ``published_at`` =
    the end of the period, from the data), in the order it will append them; ``seq`` 0 — not yet in the sequence."""
    where, params = _where(kind, key)
    with store.db.read() as cur:
        rows = cur.execute(
            f"SELECT d.title, d.max_end, d.ends_at, d.case_id, d.decision_version, lp.leaf_index, d.publication_hash, "
            f"ld.leaf_index, (SELECT MIN(c.size) FROM zhifa_checkpoints c WHERE c.size > lp.leaf_index), i.agency, "
            f"i.agency_name, i.domain, i.party_uscc, i.party_name FROM {DECISIONS} d JOIN {ITEMS} i ON i.seq = d.item_seq "
            f"JOIN zhifa_leaves lt ON lt.position = i.position JOIN zhifa_leaves lp ON lp.position = d.publication_position "
            f"JOIN zhifa_leaves ld ON ld.position = d.subject_position LEFT JOIN {ITEMS} e ON e.seq = i.ended_seq "
            f"LEFT JOIN zhifa_leaves le ON le.position = e.position "
            f"WHERE d.status IN ('public', 'expired') AND d.ends_at <= ? AND le.leaf_index IS NULL AND {where} "
            "ORDER BY d.ends_at, d.publication_position",
            (_ts(as_of), *params),
        ).fetchall()
    out = []
    for title, max_end, ends_at, case_id, version, leaf, pub_hash, ref_leaf, size, agency, agency_name, domain, uscc, party in rows:
        item_title, summary, reason = _expiry_text(str(title), str(max_end))
        out.append(PublicItem(
            seq=0, kind="expiry", stage=rules.STAGE_OF["expiry"], leaf_index=int(leaf), entry_hash=str(pub_hash),
            case_id=case_id, decision_version=int(version), agency=agency, agency_name=agency_name, domain=domain,
            party_uscc=None if party is None else uscc, party_name=party, title=item_title, summary=summary,
            published_at=_parse(str(ends_at)), reason=reason, ref_leaf=int(ref_leaf), ended=False,
            proof_size=None if size is None else int(size),
        ))
    return out


def next_maximum_end(store: Store, after: dt.datetime) -> dt.datetime | None:
    """The earliest end of a maximum publicity period later than ``after``: until then no current page changes
    by the passing of time (a cache of rendered pages may keep them so long)."""
    with store.db.read() as cur:
        row = cur.execute(f"SELECT MIN(ends_at) FROM {DECISIONS} WHERE ends_at > ?", (_ts(after),)).fetchone()
    return None if row is None or row[0] is None else _parse(str(row[0]))


def current_items(store: Store, *, agency: str | None = None, domain: str | None = None, party: str | None = None,
                  stage: str | None = None, as_of: dt.datetime | None = None) -> list[PublicItem]:
    """What is in public view now (portal pages): published, not withdrawn, not ended; withdrawals and expiries
    are not themselves current. ``as_of`` also hides decisions past their maximum period that no later act has
    closed yet (the pages may use the clock; the feeds never do)."""
    out = []
    hidden: set[tuple[str, int]] = set()
    if as_of is not None:
        with store.db.read() as cur:
            hidden = {
                (str(c), int(v))
                for c, v in cur.execute(
                    f"SELECT case_id, decision_version FROM {DECISIONS} WHERE status='public' AND ends_at <= ?", (_ts(as_of),)
                ).fetchall()
            }
    for item in items(store):
        if item.ended or item.kind in ("withdrawal", "expiry"):
            continue
        if item.kind == "decision" and (item.case_id, item.decision_version) in hidden:
            continue
        if (agency and item.agency != agency) or (domain and item.domain != domain) or (party and item.party_uscc != party):
            continue
        if stage and item.stage != stage:
            continue
        out.append(item)
    return out


def item_by_leaf(store: Store, leaf_index: int) -> list[PublicItem]:
    """The public items naming ``leaf_index`` (a portal's /disclosures/<leaf> page)."""
    with store.db.read() as cur:
        rows = cur.execute(f"{_ITEM_SELECT} WHERE ls.leaf_index = ? ORDER BY i.seq", (leaf_index,)).fetchall()
    return [_item_of(r) for r in rows]


@dataclass(frozen=True)
class Duty:
    """A disclosure duty for supervisors: publish or withdraw, its due date, and whether it was met."""

    case_id: str
    kind: str
    decision_version: int
    decision_kind: str
    agency: str | None
    domain: str | None
    party_name: str | None
    arose_at: str
    due: str
    provisional: bool
    done_at: str | None
    done_version: int | None

    def state(self, today: dt.date) -> str:
        if self.done_at is not None:
            done = _parse(self.done_at).astimezone(LEGAL_TZ).date().isoformat()
            return "met" if done <= self.due else "late"
        return "overdue" if today.isoformat() > self.due else "open"

    def as_dict(self, today: dt.date) -> dict[str, Any]:
        out: dict[str, Any] = {k: getattr(self, k) for k in self.__dataclass_fields__}
        out["state"] = self.state(today)
        return out


def duties(store: Store, *, agency: str | None = None) -> list[Duty]:
    sql = f"SELECT case_id, kind, decision_version, decision_kind, agency, domain, party_name, arose_at, due, provisional, done_at, done_version FROM {OBLIGATIONS}"
    params: tuple[Any, ...] = ()
    if agency is not None:
        sql += " WHERE agency = ?"
        params = (agency,)
    with store.db.read() as cur:
        rows = cur.execute(sql + " ORDER BY due, case_id, kind", params).fetchall()
    return [
        Duty(str(r[0]), str(r[1]), int(r[2]), str(r[3]), r[4], r[5], r[6], str(r[7]), str(r[8]), bool(r[9]), r[10],
             None if r[11] is None else int(r[11]))
        for r in rows
    ]


def overdue(store: Store, today: dt.date, *, agency: str | None = None) -> list[Duty]:
    """Disclosures and withdrawals not done by their last day (执法监督: listed per agency)."""
    return [d for d in duties(store, agency=agency) if d.state(today) == "overdue"]


def officer_directory(store: Store, *, agency: str | None = None) -> list[dict[str, Any]]:
    """执法人员公示: name, agency, certificate numbers and status (officers act in public office)."""
    sql = f"SELECT person_id, name, agency, agency_name, certificates FROM {OFFICERS}"
    params: tuple[Any, ...] = ()
    if agency is not None:
        sql += " WHERE agency = ?"
        params = (agency,)
    with store.db.read() as cur:
        rows = cur.execute(sql + " ORDER BY agency, person_id", params).fetchall()
    return [
        {"name": r[1], "agency": r[2], "agency_name": r[3], "certificates": [
            {k: c[k] for k in ("number", "agency", "domains", "valid_until", "status")} for c in msgspec.json.decode(r[4])
        ]}
        for r in rows
    ]


# == what the feeds need ================================================================================================
def log_created(store: Store) -> dt.datetime:
    """When the log began (its first act): the date of a feed's id and of a feed with no items."""
    with store.db.read() as cur:
        row = cur.execute(f"SELECT value FROM {META} WHERE key='created'").fetchone()
    return _parse(str(row[0])) if row else dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


def agency_label(store: Store, agency: str) -> str:
    """The agency's name as its items were published (its id if it has none yet)."""
    with store.db.read() as cur:
        row = cur.execute(f"SELECT agency_name FROM {ITEMS} WHERE agency=? AND agency_name IS NOT NULL LIMIT 1", (agency,)).fetchone()
    return str(row[0]) if row else agency


@dataclass(frozen=True)
class CheckpointRow:
    size: int
    root: bytes
    note: str
    created_at: dt.datetime


def checkpoints(store: Store) -> list[CheckpointRow]:
    """The first checkpoint of each minute, by size (at most one a minute; a page of them never changes)."""
    with store.db.read() as cur:
        rows = cur.execute(
            "SELECT c.size, c.root, c.note, c.created_at FROM zhifa_checkpoints c JOIN ("
            f"SELECT MIN(size) AS size FROM zhifa_checkpoints GROUP BY substr(created_at, 1, {CHECKPOINT_MINUTE})"
            ") m ON m.size = c.size ORDER BY c.size"
        ).fetchall()
    return [CheckpointRow(int(r[0]), bytes(r[1]), str(r[2]), _parse(str(r[3]))) for r in rows]


__all__ = [
    "CheckpointRow",
    "DisclosureView",
    "Duty",
    "PublicItem",
    "agency_label",
    "checkpoints",
    "count",
    "current_items",
    "due_expiries",
    "duties",
    "item_by_leaf",
    "items",
    "log_created",
    "next_maximum_end",
    "officer_directory",
    "overdue",
    "past_maximum",
]
