"""The supervisor API for 案卷评查 and 双随机: plans are read as published, the draw is what the seed checkpoint selects
(409 until that checkpoint exists), results are exported as CSV — the same queries as `zhifa review`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from litestar.testing import TestClient

from projections import review as rv
from tests.test_review import act, grow_and_seal, planned, world  # noqa: F401  (the review world fixture)
from tests.webkit import web_settings
from tests.workload import ORIGIN, Workload
from web.app import create_app
from web.credentials import Credentials
from web.services import WebOptions
from zhifa import scenarios as sc


def test_plans_draws_and_results_for_a_supervisor(world: Workload, tmp_path: Path) -> None:  # noqa: F811
    w = world
    plan_id, _ = planned(w)
    settings = web_settings(database_url="unused", var_dir=tmp_path / "var", origin=ORIGIN)
    app = create_app(settings, options=WebOptions(request_log=False, follow=False), store=w.store)
    token = Credentials(w.store).issue_token(sc.SUPERVISOR, "supervisor")
    auth: dict[str, Any] = {"Authorization": f"Bearer {token}"}
    with TestClient(app) as client:
        assert client.get("/api/supervise/reviews").status_code == 401
        plans = client.get("/api/supervise/reviews", headers=auth).json()
        assert [(p["plan_id"], p["drawn"]) for p in plans] == [(plan_id, False)]
        r = client.get(f"/api/supervise/reviews/{plan_id}/draw", headers=auth)
        assert r.status_code == 409 and r.json()["code"] == "review-seed-not-published"
        grow_and_seal(w)
        draw = client.get(f"/api/supervise/reviews/{plan_id}/draw", headers=auth).json()
        assert draw == rv.draw_payload(w.store, plan_id) and len(draw["selected"]) == 2
        w.writer.append(act(w, f"review:{plan_id}", "review.drawn", draw))
        client.app.state.services.refresh()
        published = client.get(f"/api/supervise/reviews/{plan_id}", headers=auth).json()
        assert published["format"] == "zhifa-review-plan/v1" and published["drawn"]["selected"] == draw["selected"]
        csv = client.get(f"/api/supervise/reviews/{plan_id}/results.csv", headers=auth)
        assert csv.text.splitlines()[0] == "case,vetoes,score,grade,by,at"
        assert client.get("/api/supervise/reviews/nope", headers=auth).status_code == 404
        assert client.get("/api/supervise/reviews.csv", headers=auth).text.count(plan_id) == 1
