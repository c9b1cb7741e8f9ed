"""Supervisor API (执法监督): lists for a registered supervisor, each as JSON and as CSV."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, Response, get
from litestar.params import QueryParameter

from web.deps import ServicesDep
from web.guards import identity_of, requires_role
from web.problems import problems
from web.schemas import AccessRecord

CSV = "text/csv; charset=utf-8"
LimitParam = Annotated[int, QueryParameter(ge=1, le=100_000)]


def csv_response(rows: Sequence[msgspec.Struct], fields: Sequence[str], filename: str) -> Response[str]:
    """Every list's CSV export: a header row of field names, then one row per item."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(fields)
    for row in rows:
        writer.writerow([getattr(row, f) for f in fields])
    return Response(
        out.getvalue(), media_type=CSV, headers={"Content-Disposition": f'attachment; filename="{filename}"'}
    )


class SuperviseController(Controller):
    path = "/api/supervise"
    tags = ["supervisor"]
    guards = [requires_role]
    opt = {"roles": ("supervisor",)}
    security = [{"bearer": []}]

    def _access(self, services: ServicesDep, request: Request[Any, Any, Any], limit: int) -> list[AccessRecord]:
        services.credentials.record_access(identity_of(request), "supervise.access-log", "*")
        return [AccessRecord(at=a, person=p, role=r, action=x, subject=s) for a, p, r, x, s in services.credentials.access_log(limit)]

    @get("/access-log", responses=problems(401, 403), sync_to_thread=True)
    def access_log(self, services: ServicesDep, request: Request[Any, Any, Any], limit: LimitParam = 1000) -> list[AccessRecord]:
        """Reads of non-public data (case state, timelines, bundles): who, what, when — newest first."""
        return self._access(services, request, limit)

    @get("/access-log.csv", media_type=CSV, responses=problems(401, 403), sync_to_thread=True)
    def access_log_csv(self, services: ServicesDep, request: Request[Any, Any, Any], limit: LimitParam = 1000) -> Response[str]:
        """The access log as CSV."""
        return csv_response(self._access(services, request, limit), list(AccessRecord.__struct_fields__), "access-log.csv")
