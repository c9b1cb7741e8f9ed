"""`zhifa feed render` and `zhifa disclosures list` on a real ledger: what a journalist and a supervisor type."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path
from typing import Any

import feedparser
from click.testing import CliRunner

from projections import disclosure as pd
from tests.ledger_world import Bureau
from tests.test_disclosure_projection import revoked_world, world  # noqa: F401  (fixture)
from zhifa.cli import main
from zhifa.scenarios import BUREAU, COMPANY


def run(b: Bureau, tmp: Path, *args: str) -> Any:
    env = {"ZHIFA_DATABASE_URL": b.url, "ZHIFA_VAR_DIR": str(tmp / "var")}
    return CliRunner().invoke(main, list(args), env=env)


def test_feed_render_prints_every_kind_and_archive(world: Bureau, tmp_path: Path) -> None:  # noqa: F811
    cases = revoked_world(world)
    for args in (["atom"], ["rss", "--agency", BUREAU], ["json", "--party", COMPANY["uscc"]], ["atom", "--withdrawals"],
                 ["rss", "--checkpoints"], ["atom", "--domain", "market_supervision"]):
        res = run(world, tmp_path, "feed", "render", *args)
        assert res.exit_code == 0, res.output
        if args[0] == "json":
            assert json.loads(res.stdout)["items"]
        else:
            parsed = feedparser.parse(res.stdout_bytes)
            assert parsed.bozo == 0 and parsed.entries, args
    res = run(world, tmp_path, "feed", "render", "atom", "--archive", "0", "--page-size", "3")
    assert res.exit_code == 0, res.output
    assert len(feedparser.parse(res.stdout_bytes).entries) == 3
    assert run(world, tmp_path, "feed", "render", "atom", "--archive", "999").exit_code == 2
    assert run(world, tmp_path, "feed", "render", "atom", "--agency", BUREAU, "--withdrawals").exit_code == 2
    assert cases


def test_disclosures_list_current_all_and_overdue(world: Bureau, tmp_path: Path) -> None:  # noqa: F811
    cases = revoked_world(world)
    res = run(world, tmp_path, "disclosures", "list", "--json")
    assert res.exit_code == 0, res.output
    current = json.loads(res.stdout)
    assert current and all(i["kind"] not in ("withdrawal", "expiry") for i in current)
    res = run(world, tmp_path, "disclosures", "list", "--all", "--csv")
    rows = list(csv.DictReader(io.StringIO(res.stdout)))
    assert {"withdrawal", "decision"} <= {r["kind"] for r in rows}
    duty = next(d for d in pd.duties(world.store) if d.case_id == cases["silent"])
    late = (dt.date.fromisoformat(duty.due) + dt.timedelta(days=1)).isoformat()
    res = run(world, tmp_path, "disclosures", "list", "--overdue", "--today", late, "--json")
    assert res.exit_code == 0, res.output
    assert [(d["case_id"], d["state"]) for d in json.loads(res.stdout)] == [(cases["silent"], "overdue")]
    res = run(world, tmp_path, "disclosures", "list", "--overdue", "--today", late)
    assert res.exit_code == 0 and cases["silent"][:8] in res.stdout
    res = run(world, tmp_path, "disclosures", "officers", "--json")
    assert res.exit_code == 0 and json.loads(res.stdout)[0]["certificate"]


def test_feed_render_as_of_leaves_out_decisions_past_their_maximum_period(world: Bureau, tmp_path: Path) -> None:  # noqa: F811
    from domain import disclosure as rules
    from tests.test_disclosure_projection import D, one_case
    from zhifa.scenarios import organisation_case

    _, _, decided_at = one_case(world, organisation_case, dt.datetime(2026, 3, 2, 1, tzinfo=dt.UTC), "served",
                                publish_after=2 * D)
    world.publish()
    ends = rules.publicity_window(decided_at, "general").ends_at

    def kinds(moment: str) -> list[str]:
        res = run(world, tmp_path, "feed", "render", "json", "--as-of", moment)
        assert res.exit_code == 0, res.output
        return [i["_zhifa"]["kind"] for i in json.loads(res.stdout)["items"]]

    before, after = kinds((ends - dt.timedelta(hours=1)).isoformat()), kinds((ends + dt.timedelta(hours=1)).isoformat())
    assert "decision" in before and "expiry" not in before
    assert "decision" not in after and "expiry" in after
    res = run(world, tmp_path, "feed", "render", "json", "--as-of", "next spring")
    assert res.exit_code == 2 and "--as-of" in res.output
