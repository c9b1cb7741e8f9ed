"""``zhifa feed render`` and ``zhifa disclosures list``: the public feeds and the supervisors' disclosure lists.

Both bring the disclosure view up to the log first (a no-op when ``zhifa run projections`` keeps it current; a
progress bar on stderr when there is much to apply), then read it. Only sealed acts are public.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import sys
from typing import Any

import click
from rich.table import Table

from domain.calendar import LEGAL_TZ
from feeds import ledger as feed_ledger
from feeds.errors import FeedInputError
from feeds.kinds import FeedKind
from feeds.model import PAGE_SIZE, Format
from feeds.paging import resolve_archive
from ledger.store import Store
from projections import disclosure as view
from projections.disclosure import DisclosureView
from projections.runner import Runner, RunnerConflict
from zhifa.console import EXIT_UNUSABLE, fail, open_store, progress_bar, refusals
from zhifa.settings import Settings


def caught_up(settings: Settings) -> Store:
    """The store, with the disclosure view applied up to the log's head."""
    store = open_store(settings)
    if store.meta("origin") is None:
        fail("no ledger here (run `zhifa init` first)", EXIT_UNUSABLE)
    runner = Runner(store, [DisclosureView()])
    behind = sum(s.lag for s in runner.status())
    try:
        if behind > 10_000:
            with progress_bar() as bar:
                task = bar.add_task("applying the log to the disclosure view", total=behind)
                runner.catch_up(lambda n: bar.advance(task, n))
        else:
            runner.catch_up()
    except RunnerConflict:
        pass  # another process is applying it right now: read what it has committed
    return store


def _feed_kind(agency: str | None, domain: str | None, party: str | None, withdrawals: bool,
               checkpoints: bool) -> tuple[FeedKind, str | None]:
    chosen: list[tuple[FeedKind, str | None]] = []
    if agency is not None:
        chosen.append(("agency", agency))
    if domain is not None:
        chosen.append(("domain", domain))
    if party is not None:
        chosen.append(("party", party))
    if withdrawals:
        chosen.append(("withdrawals", None))
    if checkpoints:
        chosen.append(("checkpoints", None))
    if len(chosen) > 1:
        fail("choose one feed: --agency, --domain, --party, --withdrawals or --checkpoints", EXIT_UNUSABLE)
    return chosen[0] if chosen else ("disclosures", None)


@click.group()
def feed() -> None:
    """Public feeds (Atom, RSS 2.0, JSON Feed 1.1) of the disclosures and the signed checkpoints."""


@feed.command("render")
@click.argument("fmt", metavar="atom|rss|json", type=click.Choice(["atom", "rss", "json"]))
@click.option("--agency", default=None, help="only this agency's disclosures (agency id)")
@click.option("--domain", "domain_", default=None, help="only this domain's disclosures (e.g. market_supervision)")
@click.option("--party", default=None, help="only this party's disclosures (unified social credit code)")
@click.option("--withdrawals", is_flag=True, help="the withdrawals feed (撤回公示)")
@click.option("--checkpoints", is_flag=True, help="the signed checkpoints feed (at most one a minute)")
@click.option("--archive", type=int, default=None, help="RFC 5005 archive page N (0 is the oldest) instead of the current page")
@click.option("--page-size", type=int, default=PAGE_SIZE, show_default=True, help="items per archive page")
@click.option("--base-url", default=feed_ledger.DEFAULT_BASE_URL, show_default=True, help="where the portal is served")
@click.option("--as-of", "as_of_text", default=None,
              help="the moment the current page is for, ISO 8601 (Beijing time if no offset; default now): "
              "decisions past their maximum publicity period by then have left it")
@click.pass_obj
def feed_render(settings: Settings, fmt: Format, agency: str | None, domain_: str | None, party: str | None,
                withdrawals: bool, checkpoints: bool, archive: int | None, page_size: int, base_url: str,
                as_of_text: str | None) -> None:
    """Print one feed document on stdout."""
    kind, key = _feed_kind(agency, domain_, party, withdrawals, checkpoints)
    try:
        as_of = dt.datetime.now(dt.UTC) if as_of_text is None else dt.datetime.fromisoformat(as_of_text)
    except ValueError:
        fail(f"--as-of {as_of_text!r} is not an ISO 8601 moment", EXIT_UNUSABLE)
    if as_of.tzinfo is None:
        as_of = as_of.replace(tzinfo=LEGAL_TZ)
    with refusals():
        store = caught_up(settings)
        try:
            if archive is not None:
                state = resolve_archive(feed_ledger.count(store, kind, key), archive, page_size)
                if state == "missing":
                    fail(f"archive {archive} does not exist", EXIT_UNUSABLE)
                if state == "current":
                    archive = None  # the page still filling is the subscription document
            body = feed_ledger.render_feed(store, fmt, kind, key, archive, base_url=base_url, page_size=page_size,
                                           as_of=as_of)
        except FeedInputError as exc:
            fail(f"{exc.code}: {exc}", EXIT_UNUSABLE)
        finally:
            store.close()
    sys.stdout.buffer.write(body)
    sys.stdout.flush()


@click.group()
def disclosures() -> None:
    """Disclosure items (行政执法公示) and the duties to publish and withdraw them."""


def _emit(rows: list[dict[str, Any]], columns: list[str], as_json: bool, as_csv: bool, title: str) -> None:
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    if as_csv:
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=columns, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
        click.echo(out.getvalue(), nl=False)
        return
    from rich.console import Console

    table = Table(title=title)
    for column in columns:
        table.add_column(column)
    for row in rows:
        table.add_row(*("" if row.get(c) is None else str(row.get(c)) for c in columns))
    console = Console()
    if not console.is_terminal:
        console = Console(width=240)  # piped: do not cut ids and titles to an 80-column guess
    console.print(table)


@disclosures.command("list")
@click.option("--overdue", is_flag=True, help="duties to publish or withdraw not done by their last day (supervisors)")
@click.option("--all", "show_all", is_flag=True, help="every item ever published, withdrawals and expiries included")
@click.option("--agency", default=None, help="only this agency")
@click.option("--today", type=click.DateTime(["%Y-%m-%d"]), default=None, help="the Beijing date to judge by (default today)")
@click.option("--json", "as_json", is_flag=True, help="JSON instead of a table")
@click.option("--csv", "as_csv", is_flag=True, help="CSV instead of a table")
@click.pass_obj
def disclosures_list(settings: Settings, overdue: bool, show_all: bool, agency: str | None, today: dt.datetime | None,
                     as_json: bool, as_csv: bool) -> None:
    """Disclosures in public view now (default), every item (--all), or the overdue duties (--overdue)."""
    if as_json and as_csv:
        fail("choose --json or --csv", EXIT_UNUSABLE)
    day = today.date() if today is not None else dt.datetime.now(LEGAL_TZ).date()
    with refusals():
        store = caught_up(settings)
        try:
            if overdue:
                duties = [d.as_dict(day) for d in view.overdue(store, day, agency=agency)]
                columns = ["case_id", "kind", "decision_version", "decision_kind", "due", "provisional", "agency", "party_name", "state"]
                _emit(duties, columns, as_json, as_csv, f"逾期未公示或未撤回（截至 {day.isoformat()}）")
                return
            if show_all:
                found = view.items(store)
                if agency is not None:
                    found = [i for i in found if i.agency == agency]
            else:
                now = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), tzinfo=LEGAL_TZ).astimezone(dt.UTC)
                found = view.current_items(store, agency=agency, as_of=now)
            rows = [i.public_dict() for i in found]
            columns = ["leaf_index", "kind", "stage", "published_at", "agency_name", "party_name", "party_uscc", "title"]
            if show_all:
                columns.insert(2, "ended")
            _emit(rows, columns, as_json, as_csv, "行政执法公示" + ("（全部）" if show_all else "（公示中）"))
        finally:
            store.close()


@disclosures.command("officers")
@click.option("--agency", default=None, help="only this agency")
@click.option("--json", "as_json", is_flag=True)
@click.option("--csv", "as_csv", is_flag=True)
@click.pass_obj
def disclosures_officers(settings: Settings, agency: str | None, as_json: bool, as_csv: bool) -> None:
    """执法人员公示: every officer's name, agency, certificate number and status."""
    with refusals():
        store = caught_up(settings)
        try:
            rows = [
                {"name": o["name"], "agency": o["agency_name"] or o["agency"], "certificate": c["number"],
                 "domains": " ".join(c["domains"]), "valid_until": c["valid_until"], "status": c["status"]}
                for o in view.officer_directory(store, agency=agency)
                for c in o["certificates"]
            ]
        finally:
            store.close()
    _emit(rows, ["name", "agency", "certificate", "domains", "valid_until", "status"], as_json, as_csv, "执法人员公示")


__all__ = ["disclosures", "feed"]
