"""Supervisors' commands: replay a case, the full-process record, cards and metrics, and the projection runner.

``zhifa case show|timeline`` replay from the ledger (not the views). ``zhifa supervise …`` read the views (caught up
first, unless ``--no-catch-up``) and compute clocks at the given time. Lists print as a table by default, ``--json``
for scripts and ``--csv`` for spreadsheets. ``zhifa run projections`` follows the log as its own process;
``zhifa projections rebuild|status`` rebuild a view with a progress bar and show each view's position and lag.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
import json
import signal
import sys
import threading
from collections.abc import Callable, Sequence
from typing import Any

import click
import msgspec
from rich.console import Console
from rich.table import Table

from ledger.store import Store
from projections import supervision as sv
from projections.catalog import default_views, view_names
from projections.inspections import DEFAULT_MAX_VISITS, DEFAULT_PERIOD_DAYS, inspections
from projections.replay import case_at, parse_moment
from projections.runner import DEFAULT_BATCH, Runner, RunnerConflict
from zhifa.console import err_console, open_store, progress_bar, refusals
from zhifa.settings import Settings

out_console = Console(soft_wrap=True, width=None if sys.stdout.isatty() else 240)


# -- output ------------------------------------------------------------------------------------------------------
def output_options(command: Callable[..., Any]) -> Callable[..., Any]:
    command = click.option("--csv", "as_csv", is_flag=True, help="CSV for spreadsheets")(command)
    return click.option("--json", "as_json", is_flag=True, help="JSON for scripts")(command)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


def emit(rows: Sequence[dict[str, Any]], columns: Sequence[str], *, as_json: bool, as_csv: bool, title: str | None = None) -> None:
    """One list, three renderings: a table (default), JSON lines of objects in one array, or CSV with a header."""
    if as_json:
        click.echo(json.dumps(list(rows), ensure_ascii=False, indent=2, default=str))
        return
    if as_csv:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(columns)
        for row in rows:
            writer.writerow([_cell(row.get(c)) for c in columns])
        click.echo(buffer.getvalue(), nl=False)
        return
    table = Table(title=title, show_lines=False)
    for c in columns:
        table.add_column(c)
    for row in rows:
        table.add_row(*[_cell(row.get(c)) for c in columns])
    out_console.print(table)
    if not rows:
        err_console.print("(none)")


def _moment(text: str | None, *, date_means: str = "end") -> dt.datetime:
    if text is None:
        return dt.datetime.now(dt.UTC)
    with refusals():
        return parse_moment(text, date_means=date_means)


def _store(settings: Settings, catch_up: bool = True) -> Store:
    store = open_store(settings)
    if catch_up:
        with contextlib.suppress(RunnerConflict):  # a `zhifa run projections` process is advancing them right now
            Runner(store, default_views()).catch_up()
    return store


# -- zhifa case ----------------------------------------------------------------------------------------------------
@click.group("case")
def case_group() -> None:
    """A case replayed from the ledger: its state as of a version or a time, and its full-process record."""


@case_group.command("show")
@click.argument("case_id")
@click.option("--as-of", "as_of", default=None, help="a time: 2026-05-01T10:00 (Asia/Shanghai), …+08:00, or a ledger stamp …Z")
@click.option("--version", "version", type=int, default=None, help="the case version to show")
@click.option("--json", "as_json", is_flag=True, help="the state as JSON")
@click.pass_obj
def case_show(settings: Settings, case_id: str, as_of: str | None, version: int | None, as_json: bool) -> None:
    """The case as it stood after its last act at or before --as-of, or after --version (default: now)."""
    moment = None if as_of is None else _moment(as_of)
    store = open_store(settings)
    with refusals():
        replayed = case_at(store, case_id, version=version, as_of=moment)
    store.close()
    if as_json:
        click.echo(json.dumps(replayed.as_dict(), ensure_ascii=False, indent=2, default=str))
        return
    s = replayed.state
    last = replayed.acts[-1]
    lines = [
        f"case {s.case_id}  version {replayed.version} of {replayed.head_version}  status {s.status}",
        f"  as of      {last.recorded_at} ({last.type} by {last.actor})",
        f"  agency     {s.agency or '-'}{' (in the name of ' + s.in_name_of + ')' if s.in_name_of else ''}  domain {s.domain or '-'}",
        f"  item       {s.catalog_item or '-'}  procedure {s.procedure or '-'}",
        f"  party      {'-' if s.party is None else s.party.kind + ' ' + (s.party.uscc or '')}",
        f"  officers   {', '.join(s.officers) or '-'}",
        f"  decision   {'-' if s.decision is None else s.decision.kind + ' ' + str(s.decision.fine_fen) + ' fen' + (' (void)' if s.decision.void else '')}",
        f"  paid       {s.paid_fen} fen",
        f"  remedies   {', '.join(r.kind + ':' + (r.outcome or 'pending') for r in s.remedies) or '-'}",
    ]
    # Recorded acts the current rules refuse (tightened since they were taken): on record, not applied.
    lines += [f"  refused    v{n.version} {n.act_type}: {n.code} {n.article} — {n.reason} (recorded, not applied)"
              for n in s.nonconforming]
    click.echo("\n".join(lines))


TIMELINE_COLUMNS = ("version", "recorded_at", "claimed_at", "type", "title", "title_en", "actor", "role", "cosigners",
                    "evidence", "position", "leaf_index", "entry_hash")


@case_group.command("timeline")
@click.argument("case_id")
@click.option("--json", "as_json", is_flag=True, help="JSON (every field of every act)")
@click.option("--csv", "as_csv", is_flag=True, help="CSV for spreadsheets (one row per act)")
@click.pass_obj
def case_timeline(settings: Settings, case_id: str, as_json: bool, as_csv: bool) -> None:
    """The full-process record (全过程记录) from the ledger: one line per act."""
    store = open_store(settings)
    with refusals():
        acts = case_at(store, case_id).acts
    store.close()
    if as_json:
        click.echo(json.dumps([a.as_dict() for a in acts], ensure_ascii=False, indent=2))
        return
    if as_csv:
        emit([a.as_dict() for a in acts], TIMELINE_COLUMNS, as_json=False, as_csv=True)
        return
    for a in acts:
        cosigned = f" co-signed by {', '.join(a.cosigners)}" if a.cosigners else ""
        files = f" files {len(a.evidence)}" if a.evidence else ""
        leaf = "-" if a.leaf_index is None else str(a.leaf_index)
        click.echo(
            f"v{a.version:<3} {a.recorded_at}  {a.title} ({a.title_en})  {a.actor} [{a.role or '-'}]{cosigned}{files}  "
            f"leaf {leaf}  entry {a.entry_hash[:16]}…"
        )


# -- zhifa supervise -----------------------------------------------------------------------------------------------
NONCONFORMING_COLUMNS = ("case_id", "agency", "status", "version", "act_type", "title", "recorded_at", "code", "article", "reason")
WARNING_COLUMNS = ("card", "case_id", "agency", "township", "rule", "title", "due", "working_days_left", "provisional", "officers", "article")


@click.group("supervise")
def supervise_group() -> None:
    """执法监督: overdue and near-overdue clocks, metrics, referral loops, inspections of an enterprise."""


def _clock_options(command: Callable[..., Any]) -> Callable[..., Any]:
    for option in (
        click.option("--no-catch-up", "no_catch_up", is_flag=True, help="read the views as they are"),
        click.option("--yellow-days", type=int, default=sv.DEFAULT_YELLOW_DAYS, show_default=True, help="yellow card at ≤ N working days left"),
        click.option("--at", "at", default=None, help="the clock: a date or time (default now; a date means its end, Asia/Shanghai)"),
        click.option("--officer", default=None),
        click.option("--township", default=None),
        click.option("--agency", default=None),
    ):
        command = option(command)
    return output_options(command)


def _warnings(settings: Settings, cards: tuple[sv.Card, ...], agency: str | None, township: str | None, officer: str | None,
              at: str | None, yellow_days: int, no_catch_up: bool) -> list[sv.Warning]:
    now = _moment(at)
    store = _store(settings, not no_catch_up)
    with refusals():
        found = sv.warnings(store, now, agency=agency, township=township, officer=officer, yellow_days=yellow_days, cards=cards)
    store.close()
    return found


@supervise_group.command("overdue")
@_clock_options
@click.pass_obj
def supervise_overdue(settings: Settings, agency: str | None, township: str | None, officer: str | None, at: str | None,
                      yellow_days: int, no_catch_up: bool, as_json: bool, as_csv: bool) -> None:
    """Red cards: every clock whose last day has passed (per case; filter by agency, township, officer)."""
    found = _warnings(settings, ("red",), agency, township, officer, at, yellow_days, no_catch_up)
    emit([w.as_dict() for w in found], WARNING_COLUMNS, as_json=as_json, as_csv=as_csv, title="逾期 overdue (red)")


@supervise_group.command("warnings")
@_clock_options
@click.option("--summary", is_flag=True, help="counts per agency, township and officer instead of the list")
@click.pass_obj
def supervise_warnings(settings: Settings, agency: str | None, township: str | None, officer: str | None, at: str | None,
                       yellow_days: int, no_catch_up: bool, as_json: bool, as_csv: bool, summary: bool) -> None:
    """Yellow and red cards: clocks with at most --yellow-days working days left, and those past their last day."""
    found = _warnings(settings, ("yellow", "red"), agency, township, officer, at, yellow_days, no_catch_up)
    if summary:
        rows = [{"by": by, "name": name, "yellow": c.get("yellow", 0), "red": c.get("red", 0)}
                for by, groups in sv.card_counts(found).items() for name, c in groups.items()]
        emit(rows, ("by", "name", "yellow", "red"), as_json=as_json, as_csv=as_csv, title="黄牌/红牌 cards")
        return
    emit([w.as_dict() for w in found], WARNING_COLUMNS, as_json=as_json, as_csv=as_csv, title="预警 warnings")


@supervise_group.command("metrics")
@click.option("--from", "start", default=None, help="cases opened from this date or time")
@click.option("--to", "end", default=None, help="… up to (not including) this date or time")
@click.option("--agency", default=None)
@click.option("--at", "at", default=None, help="the clock for certificates and training (default now)")
@click.option("--no-catch-up", "no_catch_up", is_flag=True)
@output_options
@click.pass_obj
def supervise_metrics(settings: Settings, start: str | None, end: str | None, agency: str | None, at: str | None,
                      no_catch_up: bool, as_json: bool, as_csv: bool) -> None:
    """Cases by source, domain, agency and outcome; on-time, closure and reversal rates; follow-ups, complaints;
    officers' certificates and training hours; staffing per township against its floor."""
    lo = None if start is None else _moment(start, date_means="start")
    hi = None if end is None else _moment(end, date_means="start")
    store = _store(settings, not no_catch_up)
    with refusals():
        m = sv.metrics(store, _moment(at), start=lo, end=hi, agency=agency)
    store.close()
    data = m.as_dict()
    if as_json:
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    rows: list[dict[str, Any]] = []
    for key, value in data.items():
        if key in ("officers", "staffing"):
            continue
        if isinstance(value, dict):
            rows += [{"metric": f"{key}.{k}", "value": v} for k, v in value.items()]
        else:
            rows.append({"metric": key, "value": value})
    rows += [{"metric": f"officer.{o['officer']}", "value": f"{o['certificate_status']}; training {o['training_hours']}/{o['training_minimum']} h"}
             for o in m.officers]
    rows += [{"metric": f"staffing.{s['township']}", "value": f"{s['certified_officers']}/{s['floor']}{' BELOW FLOOR' if s['below_floor'] else ''}"}
             for s in m.staffing]
    emit(rows, ("metric", "value"), as_json=False, as_csv=as_csv, title="监督指标 metrics")


@supervise_group.command("referrals")
@click.option("--open", "open_only", is_flag=True, help="only loops whose result was not sent back yet")
@click.option("--agency", default=None)
@click.option("--at", "at", default=None, help="the clock for the age of open loops (default now)")
@click.option("--no-catch-up", "no_catch_up", is_flag=True)
@output_options
@click.pass_obj
def supervise_referrals(settings: Settings, open_only: bool, agency: str | None, at: str | None, no_catch_up: bool,
                        as_json: bool, as_csv: bool) -> None:
    """管罚分离 loops: referred → filed or declined → result sent back (抄告), with their age in days."""
    store = _store(settings, not no_catch_up)
    loops = sv.referrals(store, _moment(at), open_only=open_only, agency=agency)
    store.close()
    emit([x.as_dict() for x in loops], ("case_id", "referred_by", "referral_ref", "received_at", "stage", "result_sent_at", "age_days", "open"),
         as_json=as_json, as_csv=as_csv, title="移送闭环 referrals")


@supervise_group.command("nonconforming")
@click.option("--agency", default=None)
@click.option("--no-catch-up", "no_catch_up", is_flag=True)
@output_options
@click.pass_obj
def supervise_nonconforming(settings: Settings, agency: str | None, no_catch_up: bool, as_json: bool, as_csv: bool) -> None:
    """Recorded acts today's rules refuse (tightened after the act was accepted): on record, signed, and changing
    nothing in their case's state — each with the rule, its article and why, for review."""
    store = _store(settings, not no_catch_up)
    found = sv.nonconforming(store, agency=agency)
    store.close()
    emit([x.as_dict() for x in found], NONCONFORMING_COLUMNS, as_json=as_json, as_csv=as_csv, title="不符合现行规则的已记录行为 nonconforming")


@supervise_group.command("inspections")
@click.argument("uscc")
@click.option("--max-visits", type=int, default=DEFAULT_MAX_VISITS, show_default=True, help="warn above this many visits …")
@click.option("--period-days", type=int, default=DEFAULT_PERIOD_DAYS, show_default=True, help="… within this many days")
@click.option("--no-catch-up", "no_catch_up", is_flag=True)
@output_options
@click.pass_obj
def supervise_inspections(settings: Settings, uscc: str, max_visits: int, period_days: int, no_catch_up: bool,
                          as_json: bool, as_csv: bool) -> None:
    """Every inspection of one enterprise (by unified social credit code) and a too-frequent warning."""
    store = _store(settings, not no_catch_up)
    with store.db.read() as cur:
        report = inspections(cur, uscc, max_visits=max_visits, period_days=period_days)
    store.close()
    if as_json:
        click.echo(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
        return
    emit([v.as_dict() for v in report.visits], ("at", "case_id", "version", "agency", "officers"), as_json=False, as_csv=as_csv,
         title=f"检查记录 inspections of {uscc}")
    if report.too_frequent and not as_csv:
        err_console.print(f"warning: {len(report.busiest_window)} inspections within {period_days} days (more than {max_visits})")


# -- the runner ------------------------------------------------------------------------------------------------------
@click.group("run")
def run_group() -> None:
    """Long-running processes."""


@run_group.command("projections")
@click.option("--interval", type=float, default=0.2, show_default=True, help="poll interval in seconds")
@click.option("--batch", type=int, default=DEFAULT_BATCH, show_default=True, help="notifications per transaction")
@click.pass_obj
def run_projections(settings: Settings, interval: float, batch: int) -> None:
    """Follow the log and keep every view current (poll; PostgreSQL NOTIFY wakes it early). Stops on SIGTERM/Ctrl-C."""
    store = open_store(settings)
    runner = Runner(store, default_views(), batch=batch)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    caught = runner.catch_up()
    err_console.print(f"caught up {caught} notifications; following {settings.database_url}")
    try:
        runner.follow(stop, interval)
    except KeyboardInterrupt:
        pass
    finally:
        store.close()


@click.group("projections")
def projections_group() -> None:
    """The views: rebuild from the log, and where each stands."""


@projections_group.command("rebuild")
@click.argument("name", required=False, type=click.Choice(view_names()))
@click.pass_obj
def projections_rebuild(settings: Settings, name: str | None) -> None:
    """Empty a view (all if no NAME) and apply the whole log again, with a progress bar."""
    store = open_store(settings)
    runner = Runner(store, default_views())
    total = store.position()
    with progress_bar() as bar, refusals():
        task = bar.add_task(f"rebuilding {name or 'all views'}", total=total)
        n = runner.rebuild(name, progress=lambda k: bar.advance(task, k))
    store.close()
    err_console.print(f"rebuilt {name or ', '.join(view_names())} from {n} notifications")


@projections_group.command("status")
@output_options
@click.pass_obj
def projections_status(settings: Settings, as_json: bool, as_csv: bool) -> None:
    """Each view's position, the log's head and how far behind it is."""
    store = open_store(settings)
    rows = [msgspec.structs.asdict(s) if isinstance(s, msgspec.Struct) else dict(s.__dict__) for s in Runner(store, default_views()).status()]
    store.close()
    emit(rows, ("name", "version", "position", "head", "lag", "behind_since"), as_json=as_json, as_csv=as_csv, title="projections")


COMMANDS = (case_group, supervise_group, run_group, projections_group)
