"""schemathesis over the served OpenAPI schema: for every route, generated requests get no 5xx and no status or
content type the schema does not declare (problem+json included). Bounded examples keep it quick."""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.webkit import LiveServer, WebLedger
from web.credentials import Credentials

EXAMPLES = 12


def _operations(url: str) -> list[Any]:
    schema = schemathesis.openapi.from_url(f"{url}/docs/openapi.json")
    return [result.ok() for result in schema.get_all_operations()]


def _fuzz(op: Any, base_url: str, checks: list[Any], headers: dict[str, str]) -> Any:
    @settings(max_examples=EXAMPLES, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(case=op.as_strategy())
    def run(case: Any) -> None:
        case.call_and_validate(base_url=base_url, checks=checks, timeout=10, headers=headers)

    return run


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_every_route_answers_only_what_the_schema_declares(web_ledger: WebLedger) -> None:
    checks = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
    with LiveServer(web_ledger.app(keepalive_seconds=0.05)) as server:
        operations = [op for op in _operations(server.url) if op.path != "/events"]  # endless stream: tested apart
        assert {op.path for op in operations} >= {"/log/checkpoint", "/api/acts", "/tile/{tail}", "/feeds/{tail}"}
        failures: list[str] = []
        token = Credentials(web_ledger.fx.store).issue_token("supervisor/0001", "supervisor")
        for op in operations:
            for headers in ({}, {"Authorization": f"Bearer {token}"}):  # anonymous, and past the guards
                try:
                    _fuzz(op, server.url, checks, headers)()
                except Exception as exc:  # collect every operation's first failure, then fail once
                    failures.append(f"{op.method.upper()} {op.path} {sorted(headers)}: {exc}")
        assert not failures, "\n\n".join(failures)
