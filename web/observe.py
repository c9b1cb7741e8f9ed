"""Per-request observation in one ASGI middleware: the Prometheus HTTP metrics and, when enabled, the JSON request log.

It replaces litestar's ``PrometheusMiddleware`` plus a separate log middleware, which together cost about a third of
the app's time on ``POST /api/acts``: they built a ``Request`` and a label dict per request and looked up every
metric child by labels four times. Here the children are looked up once per (method, route, status) and kept, and
one send wrapper serves both. The metric families, names and labels are litestar's (``zhifa_http_requests_total``,
``zhifa_http_request_duration_seconds``, ``zhifa_http_requests_in_progress``, ``zhifa_http_requests_error_total``,
labelled ``method``, ``path`` — the route template —, ``status_code`` and ``app_name``), so dashboards keep working.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from litestar.middleware import ASGIMiddleware
from litestar.types import ASGIApp, Message, Receive, Scope, Send
from prometheus_client import Counter, Gauge, Histogram

from web.logs import log_fields, request_logger

APP_NAME = "zhifa"
METRICS_PATH = "/metrics"  # the scrape itself is not counted
_LABELS = ["method", "path", "status_code", "app_name"]

HTTP_REQUESTS = Counter("zhifa_http_requests_total", "Total requests", _LABELS)
HTTP_DURATION = Histogram("zhifa_http_request_duration_seconds", "Request duration, in seconds", _LABELS)
HTTP_IN_PROGRESS = Gauge("zhifa_http_requests_in_progress", "Total requests currently in progress", _LABELS,
                         multiprocess_mode="livesum")
HTTP_ERRORS = Counter("zhifa_http_requests_error_total", "Total errors in requests", _LABELS)


class ObserveRequests(ASGIMiddleware):
    """Count and time every routed HTTP request by route template and status; log one JSON line per request when
    ``request_log`` (method, path, status, duration — never the query string: it may hold access codes)."""

    scopes = ("http",)  # type: ignore[assignment]

    def __init__(self, *, request_log: bool) -> None:
        self.request_log = request_log
        self._done: dict[tuple[str, str, int], tuple[Any, Any]] = {}
        self._running: dict[tuple[str, str], Any] = {}

    def _finished(self, method: str, path: str, status: int) -> tuple[Any, Any]:
        children = self._done.get((method, path, status))
        if children is None:
            labels = (method, path, str(status), APP_NAME)
            children = self._done[(method, path, status)] = (HTTP_REQUESTS.labels(*labels), HTTP_DURATION.labels(*labels))
        return children

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        start = time.perf_counter()
        method = str(scope.get("method", ""))
        path: str = scope.get("path_template") or scope["path"]
        measured = path != METRICS_PATH
        span = [500, 0.0]  # status, seconds to the first body message

        async def observed_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                span[0] = message["status"]
            elif message["type"] == "http.response.body" and not span[1]:
                span[1] = time.perf_counter() - start
            await send(message)

        running = None
        if measured:
            running = self._running.get((method, path))
            if running is None:
                running = self._running[(method, path)] = HTTP_IN_PROGRESS.labels(method, path, "200", APP_NAME)
            running.inc()
        try:
            await next_app(scope, receive, observed_send)
        finally:
            status = int(span[0])
            if running is not None:
                running.dec()
                count, duration = self._finished(method, path, status)
                count.inc()
                duration.observe(span[1] or time.perf_counter() - start)
                if status >= 500:
                    HTTP_ERRORS.labels(method, path, str(status), APP_NAME).inc()
            if self.request_log and request_logger.isEnabledFor(logging.INFO):
                log_fields(
                    request_logger,
                    "request",
                    {
                        "method": method,
                        "path": scope["path"],
                        "status": status,
                        "duration_ms": round((time.perf_counter() - start) * 1000, 3),
                    },
                )
