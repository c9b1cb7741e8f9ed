"""The supervisor API serves the same supervision queries as `zhifa supervise …`, as JSON and CSV, to a registered
supervisor only; each read lands in the access log."""

from __future__ import annotations

import datetime as dt

import pytest
from litestar.testing import TestClient

from projections import supervision as sv
from tests.webkit import WebLedger
from web.credentials import Credentials

ROUTES = ("overdue", "warnings", "metrics", "referrals", "nonconforming", "inspections/91350100M000100Y43")


@pytest.mark.parametrize("route", ROUTES)
def test_each_supervision_list_is_json_and_csv_for_a_supervisor_only(web_ledger: WebLedger, route: str) -> None:
    creds = Credentials(web_ledger.fx.store)
    supervisor = {"Authorization": f"Bearer {creds.issue_token('supervisor/0001', 'supervisor')}"}
    officer = {"Authorization": f"Bearer {creds.issue_token('officer/0001', 'officer')}"}
    with TestClient(web_ledger.app()) as client:
        assert client.get(f"/api/supervise/{route}").status_code == 401
        assert client.get(f"/api/supervise/{route}", headers=officer).status_code == 403
        r = client.get(f"/api/supervise/{route}", headers=supervisor)
        assert r.status_code == 200 and r.headers["content-type"].startswith("application/json")
        csv_path = f"{route}/visits.csv" if route.startswith("inspections/") else f"{route}.csv"
        c = client.get(f"/api/supervise/{csv_path}", headers=supervisor)
        assert c.status_code == 200 and c.headers["content-type"].startswith("text/csv")
        assert c.text.splitlines()[0].count(",") >= 1
        log = client.get("/api/supervise/access-log", headers=supervisor).json()
        assert any(e["action"].startswith("supervise.") and e["person"] == "supervisor/0001" for e in log)


def test_the_warnings_route_gives_what_the_supervision_query_gives(web_ledger: WebLedger) -> None:
    creds = Credentials(web_ledger.fx.store)
    supervisor = {"Authorization": f"Bearer {creds.issue_token('supervisor/0001', 'supervisor')}"}
    later = dt.datetime.now(dt.UTC) + dt.timedelta(days=90)  # the lead's clocks have run out by then
    at = later.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    with TestClient(web_ledger.app()) as client:
        case, envelope = web_ledger.lead_envelope()
        assert client.post("/api/acts", content=envelope).status_code == 201
        services = client.app.state.services
        assert services.runner.wait(web_ledger.fx.store.position(), timeout=10)
        expected = [w.as_dict() for w in sv.warnings(web_ledger.fx.store, later)]
        assert any(w["case_id"] == case and w["card"] == "red" for w in expected)
        got = client.get("/api/supervise/warnings", params={"at": at}, headers=supervisor).json()
        assert got == expected
        overdue = client.get("/api/supervise/overdue", params={"at": at}, headers=supervisor).json()
        assert overdue and all(w["card"] == "red" for w in overdue)
        assert client.get("/api/supervise/warnings", params={"at": "not a time"}, headers=supervisor).status_code == 400
