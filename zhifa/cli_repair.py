"""`zhifa log repair-checkpoints`: repair a torn last block of var/checkpoints.log, refuse and explain any other damage."""

from __future__ import annotations

import click

from ledger.published import CheckpointsDamaged, diagnose, repair
from zhifa.console import err_console, fail, open_store, refusals
from zhifa.settings import Settings


@click.command("repair-checkpoints")
@click.option("--dry-run", is_flag=True, help="say what is wrong and what a repair would do; change nothing")
@click.pass_obj
def repair_checkpoints(settings: Settings, dry_run: bool) -> None:
    """Repair var/checkpoints.log after a crash during a write: cut the torn last block and append the signed
    checkpoints the database holds and the file lacks. Any other damage (a block that is not a checkpoint signed
    by the log key, sizes going backwards, bytes no checkpoint of this database begins with) is refused, exit 2."""
    store = open_store(settings)
    try:
        path = settings.checkpoints_file
        found = diagnose(store, path)
        if found.state == "damaged":
            fail(CheckpointsDamaged(found.message).one_line())
        if dry_run or (found.state == "ok" and not found.append):
            more = f"; would append {len(found.append)} checkpoint(s) from the database" if found.state == "ok" and found.append else ""
            click.echo(found.message + more + (" (dry run: nothing changed)" if dry_run else ""))
            return
        with refusals():
            repair(store, path)
        after = diagnose(store, path)
        click.echo(f"repaired {path}: {len(after.published.checkpoints)} checkpoint(s), intact")
        err_console.print(found.message, markup=False, highlight=False, soft_wrap=True)
    finally:
        store.close()
