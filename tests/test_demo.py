"""End to end on both backends: the demo's cast, catalog and one case per stage go through the real ledger
(signed, verified, ruled on, chained), the whole ledger checks, and a court bundle verifies offline."""

from __future__ import annotations

from pathlib import Path

import msgspec
from rich.console import Console

from domain.case_state import CaseState
from ledger.bundle import make_bundle
from ledger.check import check_case_states, check_ledger, check_log
from ledger.court.keys import read_private_key
from ledger.court.verify import verify_bundle
from ledger.sealer import Sealer
from ledger.store import Store
from zhifa.demo import seed
from zhifa.settings import Settings


def test_demo_seed_reaches_every_stage_and_verifies(database_url: str, tmp_path: Path) -> None:
    settings = Settings(var_dir=tmp_path, database_url=database_url, max_skew_seconds=300, origin="demo.test/ledger")
    store = Store(database_url)
    try:
        seeded = seed(store, settings, Console(file=open("/dev/null", "w")))  # noqa: SIM115
        assert len(seeded.cases) >= 20
        statuses = {}
        for case, name in seeded.cases.items():
            row = store.stream_state(case)
            assert row is not None and row[2] is not None, name
            statuses[name] = msgspec.json.decode(row[2], type=CaseState).status
        assert len(set(statuses.values())) >= 8, statuses  # genuinely different stages
        log_key = read_private_key(tmp_path / "keys" / "log.key")
        Sealer(store, log_key, settings.checkpoints_file).seal_all()
        assert check_ledger(store, workers=2).ok
        assert check_log(store, checkpoints_file=settings.checkpoints_file).ok
        states = check_case_states(store)  # every case's cached state is what replaying its acts gives
        assert states.ok and states.streams >= 20, [p.one_line() for p in states.problems]
        archived = next(c for c, n in seeded.cases.items() if n == "archived")
        report = verify_bundle(make_bundle(store, log_key, archived), log_key.verifier)
        assert report.ok, [f.message_en for f in report.failures]
    finally:
        store.close()
