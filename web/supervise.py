"""Supervisor API (执法监督): the supervision queries the CLI uses (projections.supervision, projections.inspections)
for a registered supervisor, each list as JSON and as CSV; every read is recorded in the access log."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from collections.abc import Sequence
from typing import Annotated, Any

from litestar import Controller, Request, Response, get
from litestar.params import FromPath, QueryParameter

from projections import review as rv
from projections import supervision as sv
from projections.inspections import DEFAULT_MAX_VISITS, DEFAULT_PERIOD_DAYS, InspectionReport, inspections
from projections.replay import parse_moment
from web.deps import ServicesDep
from web.guards import identity_of, requires_role
from web.problems import problems
from web.schemas import AccessRecord
from web.services import Services

CSV = "text/csv"  # litestar adds "; charset=utf-8" to every text/* type (a second one would be an error)
LimitParam = Annotated[int, QueryParameter(ge=1, le=100_000)]
TextFilter = Annotated[str | None, QueryParameter(required=False, max_length=200)]
AtParam = Annotated[
    str | None, QueryParameter(required=False, description="the clock: a ledger stamp, ISO 8601 or a date (default now)")
]
YellowDays = Annotated[int, QueryParameter(ge=0, le=60)]


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list | dict | tuple):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def csv_response(rows: Sequence[dict[str, Any]], columns: Sequence[str], filename: str) -> Response[str]:
    """Every list's CSV export: a header row of field names, then one row per item (lists and maps as JSON)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_cell(row.get(c)) for c in columns])
    safe = re.sub(r"[^A-Za-z0-9._-]", "_", filename)  # a header carries no client-chosen bytes
    return Response(out.getvalue(), media_type=CSV, headers={"Content-Disposition": f'attachment; filename="{safe}"'})


def _now(at: str | None) -> dt.datetime:
    return dt.datetime.now(dt.UTC) if at is None else parse_moment(at)


WARNING_COLUMNS = ("case_id", "agency", "township", "officers", "rule", "title", "title_en", "article", "subject", "due",
                   "working_days_left", "card", "provisional")
REFERRAL_COLUMNS = ("case_id", "referred_by", "referral_ref", "received_at", "stage", "result_sent_at", "age_days", "open")
NONCONFORMING_COLUMNS = ("case_id", "agency", "status", "version", "act_type", "title", "title_en", "recorded_at", "code",
                        "article", "reason")
VISIT_COLUMNS = ("at", "case_id", "version", "agency", "officers")


class SuperviseController(Controller):
    path = "/api/supervise"
    tags = ["supervisor"]
    guards = [requires_role]
    opt = {"roles": ("supervisor",)}
    security = [{"bearer": []}]

    def _record(self, services: Services, request: Request[Any, Any, Any], action: str, subject: str = "*") -> None:
        services.credentials.record_access(identity_of(request), f"supervise.{action}", subject)

    # -- access log -------------------------------------------------------------------------------------------
    def _access(self, services: Services, request: Request[Any, Any, Any], limit: int) -> list[AccessRecord]:
        self._record(services, request, "access-log")
        return [AccessRecord(at=a, person=p, role=r, action=x, subject=s) for a, p, r, x, s in services.credentials.access_log(limit)]

    @get("/access-log", responses=problems(401, 403), sync_to_thread=True)
    def access_log(self, services: ServicesDep, request: Request[Any, Any, Any], limit: LimitParam = 1000) -> list[AccessRecord]:
        """Reads of non-public data (case state, timelines, bundles, these lists): who, what, when — newest first."""
        return self._access(services, request, limit)

    @get("/access-log.csv", media_type=CSV, responses=problems(401, 403), sync_to_thread=True)
    def access_log_csv(self, services: ServicesDep, request: Request[Any, Any, Any], limit: LimitParam = 1000) -> Response[str]:
        rows = [{f: getattr(r, f) for f in AccessRecord.__struct_fields__} for r in self._access(services, request, limit)]
        return csv_response(rows, list(AccessRecord.__struct_fields__), "access-log.csv")

    # -- deadlines: yellow and red cards -------------------------------------------------------------------------
    def _warnings(self, services: Services, request: Request[Any, Any, Any], cards: tuple[sv.Card, ...], agency: str | None,
                  township: str | None, officer: str | None, at: str | None, yellow_days: int) -> list[dict[str, Any]]:
        self._record(services, request, "overdue" if cards == ("red",) else "warnings")
        found = sv.warnings(services.store, _now(at), agency=agency, township=township, officer=officer,
                            yellow_days=yellow_days, cards=cards, registry=services.writer.registry)
        return [w.as_dict() for w in found]

    @get("/overdue", responses=problems(401, 403), sync_to_thread=True)
    def overdue(self, services: ServicesDep, request: Request[Any, Any, Any], agency: TextFilter = None, township: TextFilter = None,
                officer: TextFilter = None, at: AtParam = None, yellow_days: YellowDays = sv.DEFAULT_YELLOW_DAYS) -> list[dict[str, Any]]:
        """Red cards: running clocks (办案期限, 听证, 送达 …) whose last day has passed, most urgent first."""
        return self._warnings(services, request, ("red",), agency, township, officer, at, yellow_days)

    @get("/overdue.csv", media_type=CSV, responses=problems(401, 403), sync_to_thread=True)
    def overdue_csv(self, services: ServicesDep, request: Request[Any, Any, Any], agency: TextFilter = None, township: TextFilter = None,
                    officer: TextFilter = None, at: AtParam = None, yellow_days: YellowDays = sv.DEFAULT_YELLOW_DAYS) -> Response[str]:
        rows = self._warnings(services, request, ("red",), agency, township, officer, at, yellow_days)
        return csv_response(rows, WARNING_COLUMNS, "overdue.csv")

    @get("/warnings", responses=problems(401, 403), sync_to_thread=True)
    def warnings(self, services: ServicesDep, request: Request[Any, Any, Any], agency: TextFilter = None, township: TextFilter = None,
                 officer: TextFilter = None, at: AtParam = None, yellow_days: YellowDays = sv.DEFAULT_YELLOW_DAYS) -> list[dict[str, Any]]:
        """Yellow (near the limit) and red (past it) cards."""
        return self._warnings(services, request, ("yellow", "red"), agency, township, officer, at, yellow_days)

    @get("/warnings.csv", media_type=CSV, responses=problems(401, 403), sync_to_thread=True)
    def warnings_csv(self, services: ServicesDep, request: Request[Any, Any, Any], agency: TextFilter = None, township: TextFilter = None,
                     officer: TextFilter = None, at: AtParam = None, yellow_days: YellowDays = sv.DEFAULT_YELLOW_DAYS) -> Response[str]:
        rows = self._warnings(services, request, ("yellow", "red"), agency, township, officer, at, yellow_days)
        return csv_response(rows, WARNING_COLUMNS, "warnings.csv")

    # -- metrics ---------------------------------------------------------------------------------------------------
    def _metrics(self, services: Services, request: Request[Any, Any, Any], start: str | None, end: str | None,
                 agency: str | None, at: str | None) -> dict[str, Any]:
        self._record(services, request, "metrics")
        lo = None if start is None else parse_moment(start, date_means="start")
        hi = None if end is None else parse_moment(end, date_means="start")
        return sv.metrics(services.store, _now(at), start=lo, end=hi, agency=agency, registry=services.writer.registry).as_dict()

    @get("/metrics", responses=problems(401, 403), sync_to_thread=True)
    def metrics(self, services: ServicesDep, request: Request[Any, Any, Any],
                start: Annotated[str | None, QueryParameter(name="from", required=False)] = None,
                end: Annotated[str | None, QueryParameter(name="to", required=False)] = None,
                agency: TextFilter = None, at: AtParam = None) -> dict[str, Any]:
        """Cases opened in [from, to): by source, channel, domain, agency and outcome; on-time, closure and reversal
        rates; follow-ups and complaints; officers' certificates and training; township staffing."""
        return self._metrics(services, request, start, end, agency, at)

    @get("/metrics.csv", media_type=CSV, responses=problems(401, 403), sync_to_thread=True)
    def metrics_csv(self, services: ServicesDep, request: Request[Any, Any, Any],
                    start: Annotated[str | None, QueryParameter(name="from", required=False)] = None,
                    end: Annotated[str | None, QueryParameter(name="to", required=False)] = None,
                    agency: TextFilter = None, at: AtParam = None) -> Response[str]:
        m = self._metrics(services, request, start, end, agency, at)
        return csv_response([{"metric": k, "value": v} for k, v in m.items()], ("metric", "value"), "metrics.csv")

    # -- referral loops (管罚分离) ------------------------------------------------------------------------------------
    def _referrals(self, services: Services, request: Request[Any, Any, Any], open_only: bool, agency: str | None,
                   at: str | None) -> list[dict[str, Any]]:
        self._record(services, request, "referrals")
        return [r.as_dict() for r in sv.referrals(services.store, _now(at), open_only=open_only, agency=agency)]

    @get("/referrals", responses=problems(401, 403), sync_to_thread=True)
    def referrals(self, services: ServicesDep, request: Request[Any, Any, Any],
                  open_only: Annotated[bool, QueryParameter(name="open")] = False, agency: TextFilter = None,
                  at: AtParam = None) -> list[dict[str, Any]]:
        """Every referred lead: referred → filed or declined → result sent back (抄告); open ones with their age."""
        return self._referrals(services, request, open_only, agency, at)

    @get("/referrals.csv", media_type=CSV, responses=problems(401, 403), sync_to_thread=True)
    def referrals_csv(self, services: ServicesDep, request: Request[Any, Any, Any],
                      open_only: Annotated[bool, QueryParameter(name="open")] = False, agency: TextFilter = None,
                      at: AtParam = None) -> Response[str]:
        return csv_response(self._referrals(services, request, open_only, agency, at), REFERRAL_COLUMNS, "referrals.csv")

    # -- recorded acts today's rules refuse ---------------------------------------------------------------------------
    def _nonconforming(self, services: Services, request: Request[Any, Any, Any], agency: str | None) -> list[dict[str, Any]]:
        self._record(services, request, "nonconforming")
        return [x.as_dict() for x in sv.nonconforming(services.store, agency=agency)]

    @get("/nonconforming", responses=problems(401, 403), sync_to_thread=True)
    def nonconforming(self, services: ServicesDep, request: Request[Any, Any, Any], agency: TextFilter = None) -> list[dict[str, Any]]:
        """Recorded acts the rules now in force refuse (tightened after the writer accepted them): each on record and
        signed, changing nothing in its case's state, with the rule's code, article and reason — for review."""
        return self._nonconforming(services, request, agency)

    @get("/nonconforming.csv", media_type=CSV, responses=problems(401, 403), sync_to_thread=True)
    def nonconforming_csv(self, services: ServicesDep, request: Request[Any, Any, Any], agency: TextFilter = None) -> Response[str]:
        return csv_response(self._nonconforming(services, request, agency), NONCONFORMING_COLUMNS, "nonconforming.csv")

    # -- inspections of one enterprise (扫码监督) -----------------------------------------------------------------------
    def _inspections(self, services: Services, request: Request[Any, Any, Any], uscc: str, max_visits: int,
                     period_days: int) -> InspectionReport:
        self._record(services, request, "inspections", uscc)
        with services.store.db.read() as cur:
            return inspections(cur, uscc, max_visits=max_visits, period_days=period_days)

    @get("/inspections/{uscc:str}", responses=problems(401, 403), sync_to_thread=True)
    def inspections(self, services: ServicesDep, request: Request[Any, Any, Any], uscc: FromPath[str],
                    max_visits: Annotated[int, QueryParameter(ge=1, le=1000)] = DEFAULT_MAX_VISITS,
                    period_days: Annotated[int, QueryParameter(ge=1, le=3660)] = DEFAULT_PERIOD_DAYS) -> dict[str, Any]:
        """Every inspection of one enterprise (by unified social credit code), and a too-frequent warning."""
        return self._inspections(services, request, uscc, max_visits, period_days).as_dict()

    @get("/inspections/{uscc:str}/visits.csv", media_type=CSV, responses=problems(401, 403), sync_to_thread=True)
    def inspections_csv(self, services: ServicesDep, request: Request[Any, Any, Any], uscc: FromPath[str],
                        max_visits: Annotated[int, QueryParameter(ge=1, le=1000)] = DEFAULT_MAX_VISITS,
                        period_days: Annotated[int, QueryParameter(ge=1, le=3660)] = DEFAULT_PERIOD_DAYS) -> Response[str]:
        report = self._inspections(services, request, uscc, max_visits, period_days)
        return csv_response([v.as_dict() for v in report.visits], VISIT_COLUMNS, f"inspections-{uscc}.csv")

    # -- 案卷评查 and 双随机: plans and draws (written by signed acts; read here) -------------------------------------------
    def _reviews(self, services: Services, request: Request[Any, Any, Any]) -> list[dict[str, Any]]:
        self._record(services, request, "reviews")
        return [
            {"plan_id": p.id, "kind": p.terms.kind, "title": p.terms.title, "planner": p.planner,
             "planned_at": p.planned_at.isoformat(), "drawn": p.drawn is not None, "results": len(p.results)}
            for p in sorted(services.writer.registry.reviews.values(), key=lambda p: p.planned_at)
        ]

    @get("/reviews", responses=problems(401, 403), sync_to_thread=True)
    def reviews(self, services: ServicesDep, request: Request[Any, Any, Any]) -> list[dict[str, Any]]:
        """Every review plan (案卷评查) and random-inspection plan (双随机): id, kind, title, planner, drawn or not."""
        return self._reviews(services, request)

    @get("/reviews.csv", media_type=CSV, responses=problems(401, 403), sync_to_thread=True)
    def reviews_csv(self, services: ServicesDep, request: Request[Any, Any, Any]) -> Response[str]:
        rows = self._reviews(services, request)
        return csv_response(rows, ("plan_id", "kind", "title", "planner", "planned_at", "drawn", "results"), "reviews.csv")

    @get("/reviews/{plan_id:str}", responses=problems(401, 403, 404), sync_to_thread=True)
    def review(self, services: ServicesDep, request: Request[Any, Any, Any], plan_id: FromPath[str]) -> dict[str, Any]:
        """The plan as published (enough to recompute its draw from the seed checkpoint), its draw and results."""
        self._record(services, request, "review", plan_id)
        return rv.published(services.store, plan_id)

    @get("/reviews/{plan_id:str}/draw", responses=problems(401, 403, 404, 409), sync_to_thread=True)
    def review_draw(self, services: ServicesDep, request: Request[Any, Any, Any], plan_id: FromPath[str]) -> dict[str, Any]:
        """What the plan's seed checkpoint selects (files or enterprises, and inspectors): anyone holding the
        checkpoint can recompute it; 409 until a checkpoint of the plan's size N is published."""
        self._record(services, request, "review.draw", plan_id)
        return rv.draw_payload(services.store, plan_id)

    @get("/reviews/{plan_id:str}/results.csv", media_type=CSV, responses=problems(401, 403, 404), sync_to_thread=True)
    def review_results_csv(self, services: ServicesDep, request: Request[Any, Any, Any], plan_id: FromPath[str]) -> Response[str]:
        """The plan's results (评查结果: vetoes, score, grade) as CSV."""
        self._record(services, request, "review", plan_id)
        results = rv.published(services.store, plan_id)["results"]
        return csv_response(results, ("case", "vetoes", "score", "grade", "by", "at"), f"review-{plan_id}.csv")
