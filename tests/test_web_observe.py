"""Per-request observation: the HTTP metrics count each routed request once by method, route template and status
(the scrape itself not counted), and the request log writes one line per request without the query string; the
receipt of ``POST /api/acts`` carries the entry's stored bytes verbatim, uncompressed."""

from __future__ import annotations

import hashlib
import json
import logging

from litestar import Litestar
from litestar.testing import TestClient
from prometheus_client.parser import text_string_to_metric_families

from tests.webkit import WebLedger, wait_for_size


def _requests(client: TestClient[Litestar]) -> dict[tuple[str, str, str], float]:
    """zhifa_http_requests_total by (method, path, status_code), as scraped from /metrics."""
    text = client.get("/metrics").text
    out: dict[tuple[str, str, str], float] = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == "zhifa_http_requests_total":
                assert sample.labels["app_name"] == "zhifa"
                out[(sample.labels["method"], sample.labels["path"], sample.labels["status_code"])] = sample.value
    return out


def test_each_request_is_counted_once_by_route_template_and_status_and_the_scrape_is_not(web_ledger: WebLedger) -> None:
    _, envelope = web_ledger.lead_envelope()
    with TestClient(web_ledger.app()) as client:
        wait_for_size(client, web_ledger.leaf_count())  # entries are served once sealed
        before = _requests(client)
        assert client.post("/api/acts", content=envelope).status_code == 201
        assert client.post("/api/acts", content=envelope).status_code == 409  # the replay
        assert client.get("/log/entries/0").status_code == 200
        assert client.get("/log/entries/1").status_code == 200
        after = _requests(client)
    grew = {k: v - before.get(k, 0.0) for k, v in after.items() if v != before.get(k, 0.0)}
    assert grew == {("POST", "/api/acts", "201"): 1, ("POST", "/api/acts", "409"): 1, ("GET", "/log/entries/{index}", "200"): 2}
    assert not any(path == "/metrics" for _, path, _ in after)


def test_the_request_log_has_one_line_per_request_and_never_the_query_string(web_ledger: WebLedger) -> None:
    lines: list[logging.LogRecord] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            lines.append(record)

    with TestClient(web_ledger.app(request_log=True)) as client:
        keep = Keep()
        logging.getLogger("zhifa.http").addHandler(keep)  # the app's logging config is applied on startup
        try:
            refused = client.get("/cases/x/bundle?code=secret-code").status_code
            assert client.get("/healthz").status_code == 200
        finally:
            logging.getLogger("zhifa.http").removeHandler(keep)
    logged = [(r.method, r.path, r.status) for r in lines]  # type: ignore[attr-defined]
    assert refused >= 400 and logged == [("GET", "/cases/x/bundle", refused), ("GET", "/healthz", 200)]
    assert all(isinstance(r.duration_ms, float) for r in lines)  # type: ignore[attr-defined]


def test_the_receipt_carries_the_entry_bytes_whose_hash_it_names(web_ledger: WebLedger) -> None:
    _, envelope = web_ledger.lead_envelope()
    with TestClient(web_ledger.app()) as client:
        r = client.post("/api/acts", content=envelope, headers={"accept-encoding": "gzip"})
    assert r.status_code == 201 and r.headers["content-type"] == "application/json"
    assert "content-encoding" not in r.headers  # a few hundred bytes are not worth gzip's time
    raw = r.content
    start = raw.index(b'"entry":') + len(b'"entry":')
    entry = raw[start:-1]  # the last key: its value runs to the closing brace
    assert hashlib.sha256(b"\x00" + entry).hexdigest() == json.loads(raw)["entry_hash"]


def test_a_record_logged_with_its_own_fields_formats_as_the_same_line_as_one_logged_with_extra() -> None:
    from web.logs import JsonFormatter, log_fields

    records: list[logging.LogRecord] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record)

    logger = logging.getLogger("zhifa.test-log-fields")
    logger.addHandler(keep := Keep())
    logger.setLevel(logging.INFO)
    fields: dict[str, str | int | float | bool | None] = {"method": "POST", "path": "/api/acts", "status": 201, "duration_ms": 1.5}
    try:
        log_fields(logger, "request", fields)
        logger.info("request", extra=fields)
    finally:
        logger.removeHandler(keep)
    fast, generic = (json.loads(JsonFormatter().format(r)) for r in records)
    assert fast.pop("time") and generic.pop("time")
    assert fast == generic == {"level": "info", "logger": "zhifa.test-log-fields", "message": "request", **fields}
