"""``make demo``: an embedded ledger under ./var with realistic demo data, then what to try next.

Demo history is seeded with a simulated server clock that walks forward from a few months ago (legal clocks run on
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

from ledger.court.keys import SigningKey, read_private_key
from ledger.envelope import sign_act
from ledger.ledger import initialise, make_act
from ledger.store import Store
from ledger.writer import SettableClock, Writer, state_cache_key
from zhifa.settings import Settings


@dataclass
class Seeded:
    cases: dict[str, str]  # case id -> scenario name
    acts: int


def _sign(key: SigningKey, origin: str, clock: SettableClock, **fields: Any) -> bytes:
    return sign_act(make_act(log=origin, actor=key.name, claimed_at=clock(), **fields), key)


def seed(store: Store, settings: Settings, console: Console, *, copies: int = 1) -> Seeded:
    """Keys for the whole cast, the catalog and personnel registry, then one case per scenario stage (``copies``
    cases per scenario: `make bench` builds a realistic ledger of thousands of cases this way)."""
    from zhifa import scenarios as sc
    from zhifa.console import key_file_name, progress_bar
    from zhifa.demo_disclosures import with_disclosures

    rng = random.Random(20261123)
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    origin = settings.origin
    # Every scenario's steps, placed so that the last step of each lies in the past.
    plans: list[tuple[str, str, list[sc.Step], dt.datetime]] = []
    spans = {name: max((s.offset for s in sc.scenario(name, now)), default=dt.timedelta()) for name in sc.SCENARIOS}
    for copy in range(copies):
        for i, name in enumerate(sc.SCENARIOS):
            span = spans[name]
            start = (now - span - dt.timedelta(days=2 + rng.randint(0, 20), hours=i)).replace(hour=1, minute=copy % 60)
            steps = with_disclosures(name, sc.scenario(name, start))
            plans.append((str(uuid.UUID(int=rng.getrandbits(128), version=4)), name, steps, start))
    setup_start = min(p[3] for p in plans) - dt.timedelta(days=3)
    clock = SettableClock(setup_start - dt.timedelta(hours=1))
    log_key = SigningKey.generate(origin)
    authority = SigningKey.generate("authority/personnel")
    initialise(store, origin=origin, log_key=log_key, authority_key=authority, clock=clock)
    log_key.write(settings.keys_dir / "log.key")
    authority.write(settings.keys_dir / key_file_name(authority.name))
    writer = Writer(store, clock=clock, cache_key=state_cache_key(log_key))
    keys: dict[str, SigningKey] = {authority.name: authority}
    versions: dict[str, int] = {}
    acts = 1

    def append(stream: str, type: str, actor: str, payload: dict[str, Any]) -> None:
        nonlocal acts
        version = versions.get(stream, 0)
        writer.append(_sign(keys[actor], origin, clock, case=stream, case_version=version, type=type, payload=payload))
        versions[stream] = version + 1
        acts += 1

    timeline: list[tuple[dt.datetime, int, str, sc.Step]] = []
    for n, (case, _, steps, start) in enumerate(plans):
        for k, step in enumerate(steps):
            timeline.append((start + step.offset, n * 1000 + k, case, step))
    timeline.sort(key=lambda t: (t[0], t[1]))
    setup = sc.setup_steps(setup_start, authority.name)
    members = list(sc.CAST)  # parties too: an enterprise signs its own statements and requests
    with progress_bar() as bar:
        task = bar.add_task("seeding the demo ledger", total=len(members) + len(setup) + len(timeline))
        for member in members:
            key = SigningKey.generate(member.id)
            key.write(settings.keys_dir / key_file_name(member.id))
            keys[member.id] = key
            clock.now = setup_start - dt.timedelta(minutes=30)
            append(f"person:{member.id}", "key.registered", authority.name,
                   {"vkey": key.verifier.text, "role": member.role, "agency": member.agency, "valid_from": None})
            bar.advance(task)
        for step in setup:
            clock.now = setup_start + step.offset
            append(step.stream or "", step.type, step.actor, step.payload)
            bar.advance(task)
        for at, _, case, step in timeline:
            clock.now = max(clock.now, at)
            append(step.stream or case, step.type, step.actor, step.payload)
            bar.advance(task)
    return Seeded({case: name for case, name, _, _ in plans}, acts)


def run_demo(settings: Settings, *, serve: bool, console: Console) -> None:
    from ledger.sealer import Sealer, Tree

    settings.var_dir.mkdir(parents=True, exist_ok=True)
    store = Store(settings.database_url)
    seeded: Seeded | None = None
    if store.meta("origin") is None:
        seeded = seed(store, settings, console)
        console.print(f"[green]seeded[/] {seeded.acts} signed acts: {len(seeded.cases)} cases, one per stage")
        Sealer(store, read_private_key(settings.keys_dir / "log.key"), settings.checkpoints_file).seal_all()
    else:
        console.print(f"ledger already initialised at {settings.database_url} — showing what is there")
    origin = store.meta("origin")
    position = store.position()
    cases = [s for s, _ in store.streams() if ":" not in s]
    log_vkey = store.meta("log_vkey")
    latest = Tree(store).latest_checkpoint()
    store.close()
    zhifa = ".venv/bin/zhifa"
    # the fullest case (every stage up to archiving) is the one worth opening first
    by_name = {name: case for case, name in seeded.cases.items()} if seeded else {}
    example = by_name.get("archived") or (cases[0] if cases else "<case id>")
    lines = [
        "",
        "[bold]zhifa-ledger demo[/]",
        f"  ledger      {settings.database_url}",
        f"  origin      {origin}",
        f"  log key     {log_vkey}",
        f"  entries     {position} in the log, {len(cases)} cases; checkpoint size {latest[0] if latest else 0}",
        f"  keys        {settings.keys_dir}/ (private keys, mode 0600; officers' keys are named by person id)",
    ]
    if seeded:
        lines.append("  cases")
        lines.extend(f"    {name:<24} {case}" for case, name in seeded.cases.items())
    lines += [
        "",
        "[bold]Try next[/]",
        f"  {zhifa} log entries --case {example}",
        f"  {zhifa} check --full                 # every signature, chain link and the Merkle log",
        f"  {zhifa} bundle {example} -o case.json",
        f"  {zhifa} verify case.json --log-key \"$({zhifa} log vkey)\"   # the court's offline check",
        f"  {zhifa} log checkpoint",
        f"  {zhifa} feed render atom               # 行政执法公示 (also rss, json; --agency, --party USCC, --withdrawals)",
        f"  {zhifa} disclosures list --overdue     # decisions not published in time",
        "",
    ]
    console.print("\n".join(lines), highlight=False, soft_wrap=True)
    if serve:
        from zhifa.demo_live import serve_demo

        serve_demo(settings, console, example_case=example if cases else None)
