"""``make demo``: an embedded ledger under ./var with realistic demo data, then what to try next.

Demo history is seeded with a simulated server clock that walks forward from 120 days ago (legal clocks run on
``recorded_at``), so cases reach every stage with realistic gaps; every act is still signed, verified, ruled on
and chained by the real writer. Re-running on an existing ./var only prints the summary.
"""

from __future__ import annotations

import datetime as dt
import random
import uuid
from dataclasses import dataclass
from typing import Any

from rich.console import Console

from ledger.envelope import sign_act
from ledger.keys import SigningKey
from ledger.ledger import initialise, make_act
from ledger.store import Store
from ledger.writer import SettableClock, Writer
from zhifa.settings import Settings

AGENCY = "agency/360100-zhzf"  # 赣江新区综合行政执法局 (demo id)
OFFICERS = [
    ("officer/3601-0001", "officer"),
    ("officer/3601-0002", "officer"),
    ("officer/3601-0003", "officer"),
    ("officer/3601-0004", "legal_reviewer"),
    ("officer/3601-0005", "agency_head"),
    ("aux/3601-0101", "auxiliary"),
]
LEADS = [
    ("complaint", "12345", "群众投诉某超市销售过期食品"),
    ("inspection", "patrol", "日常巡查发现占道经营"),
    ("referral", "market_regulation", "行业监管部门移送:某餐饮店无证经营线索"),
    ("complaint", "12315", "消费者举报某药店销售假药"),
    ("report", "enterprise_contact_point", "企业联系点反映某工地夜间施工噪声扰民"),
    ("inspection", "double_random", "双随机抽查发现某加油站安全设施缺失"),
]


@dataclass
class Seeded:
    cases: list[str]
    acts: int


def _sign(key: SigningKey, origin: str, clock: SettableClock, **fields: Any) -> bytes:
    return sign_act(make_act(log=origin, actor=key.name, claimed_at=clock(), **fields), key)


def seed(store: Store, settings: Settings, console: Console) -> Seeded:
    from zhifa.cli import key_file_name, progress_bar

    rng = random.Random(20261123)
    clock = SettableClock(dt.datetime.now(dt.UTC) - dt.timedelta(days=120))
    origin = settings.origin
    log_key = SigningKey.generate(origin)
    authority = SigningKey.generate("authority/personnel")
    initialise(store, origin=origin, log_key=log_key, authority_key=authority, clock=clock)
    log_key.write(settings.keys_dir / "log.key")
    authority.write(settings.keys_dir / key_file_name(authority.name))
    writer = Writer(store, clock=clock)
    acts = 1
    officers: dict[str, SigningKey] = {}
    for name, role in OFFICERS:
        key = SigningKey.generate(name)
        key.write(settings.keys_dir / key_file_name(name))
        clock.advance(minutes=5)
        writer.append(
            _sign(
                authority,
                origin,
                clock,
                case=f"person:{name}",
                case_version=0,
                type="key.registered",
                payload={"vkey": key.verifier.text, "role": role, "agency": AGENCY, "valid_from": None},
            )
        )
        officers[name] = key
        acts += 1
    field_officers = [officers[n] for n, r in OFFICERS if r == "officer"]
    cases: list[str] = []
    total = 24
    with progress_bar() as bar:
        task = bar.add_task("seeding demo cases", total=total)
        for i in range(total):
            clock.advance(hours=rng.randint(20, 110))
            case = str(uuid.UUID(int=rng.getrandbits(128), version=4))
            source, channel, summary = LEADS[i % len(LEADS)]
            officer = field_officers[i % len(field_officers)]
            writer.append(
                _sign(
                    officer,
                    origin,
                    clock,
                    case=case,
                    case_version=0,
                    type="lead.received",
                    payload={"source": source, "channel": channel, "summary": summary, "catalog_item": None},
                )
            )
            acts += 1
            for version in range(1, rng.randint(1, 4)):
                clock.advance(hours=rng.randint(2, 30))
                writer.append(
                    _sign(officer, origin, clock, case=case, case_version=version, type="case.note", payload={"text": "现场核查记录"})
                )
                acts += 1
            cases.append(case)
            bar.advance(task)
    return Seeded(cases, acts)


def run_demo(settings: Settings, *, serve: bool, console: Console) -> None:
    settings.var_dir.mkdir(parents=True, exist_ok=True)
    store = Store(settings.database_url)
    if store.meta("origin") is None:
        seeded = seed(store, settings, console)
        console.print(f"[green]seeded[/] {seeded.acts} signed acts in {len(seeded.cases)} cases")
    else:
        console.print(f"ledger already initialised at {settings.database_url} — showing what is there")
    origin = store.meta("origin")
    position = store.position()
    cases = [s for s, _ in store.streams() if not s.startswith(("person:", "agency:", "item:"))]
    log_vkey = store.meta("log_vkey")
    store.close()
    zhifa = ".venv/bin/zhifa"
    console.print(f"""
[bold]zhifa-ledger demo[/]
  ledger      {settings.database_url}
  origin      {origin}
  log key     {log_vkey}
  entries     {position} in the log, {len(cases)} cases
  keys        {settings.keys_dir}/ (private keys, mode 0600)

[bold]Try next[/]
  {zhifa} log entries --case {cases[0] if cases else "<case id>"}
  {zhifa} check                      # re-verify every signature and chain link
  {zhifa} keys new officer/3601-0009 # then: {zhifa} keys register <printed vkey> --role officer
""", highlight=False, soft_wrap=True)
    if serve:
        try:
            from zhifa.serve import serve as serve_web
        except ImportError:
            console.print("(the web portal is not built yet; nothing to serve)")
            return
        serve_web(settings)
