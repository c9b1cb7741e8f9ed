"""Operations: liveness, readiness (database reachable, sealer and projections within their lag) and Prometheus."""

from __future__ import annotations

import datetime as dt
import time

from litestar import Controller, Response, get
from litestar.openapi.datastructures import ResponseSpec
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from web.deps import ServicesDep
from web.schemas import Liveness, Readiness

# "text/plain; version=…; charset=utf-8" without its charset: litestar appends "; charset=utf-8" to every text/*
# media type, and a parameter given twice is an error (RFC 6838 §4.3).
METRICS_TYPE = "; ".join(p for p in CONTENT_TYPE_LATEST.split("; ") if not p.lower().startswith("charset="))


class OperationsController(Controller):
    path = "/"
    tags = ["operations"]

    @get("/healthz")
    async def healthz(self) -> Liveness:
        """The process is up (no I/O)."""
        return Liveness(status="ok")

    @get("/readyz", responses={503: ResponseSpec(Readiness, description="Not ready: the problems say why")})
    async def readyz(self, services: ServicesDep) -> Response[Readiness]:
        """Ready when the database answered recently and the sealer and projections are within their lag."""
        return readiness(services)

    @get("/metrics", media_type=METRICS_TYPE)
    async def metrics(self) -> Response[bytes]:
        """Prometheus metrics: append latency, refusals by code, sealer and projection lag, checkpoint age,
        HTTP latency by route."""
        return Response(generate_latest(), media_type=METRICS_TYPE)


def readiness(services: ServicesDep) -> Response[Readiness]:
    h, opts = services.health, services.options
    problems: list[str] = []
    stale = time.monotonic() - h.checked_at > max(5.0, 20 * opts.poll_interval)
    if not h.database_ok or stale:
        problems.append("database not reachable" if not h.database_ok else "published state not refreshed recently")
    ended = services.followers_exit_code()
    if ended is not None:
        problems.append(f"the followers' process (sealer and projections) exited with code {ended}")
    lag = services.sealer_lag_seconds()
    if lag > opts.max_sealer_lag_seconds:
        problems.append(f"sealer {lag:.1f} s behind the log")
    age = None
    if services.published is not None:
        age = (dt.datetime.now(dt.UTC) - services.published.created).total_seconds()
    for name, behind in h.projection_lag.items():
        if behind > opts.max_projection_lag:
            problems.append(f"projection {name} {behind} entries behind")
    body = Readiness(
        status="ready" if not problems else "not-ready",
        database=h.database_ok,
        log_position=h.position,
        sealed_position=h.sealed_position,
        sealer_lag_seconds=round(lag, 3),
        checkpoint_size=services.checkpoint_size(),
        checkpoint_age_seconds=None if age is None else round(age, 3),
        projections=dict(h.projection_lag),
        problems=problems,
    )
    return Response(body, status_code=200 if not problems else 503)
