"""Terminal helpers shared by the CLI, the demo and the benchmarks: one error line, exit codes, progress bars.

Kept apart from :mod:`zhifa.cli` so that the demo and the benchmarks use them without importing the CLI (the CLI
imports the demo; dependencies run one way).
"""

from __future__ import annotations

import errno
import os
import stat
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NoReturn

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from domain.errors import DomainError, Refusal
from ledger.court.keys import KeyFormatError, SigningKey, parse_verifier_key, read_private_key
from ledger.errors import LedgerError, LedgerNotInitialised
from ledger.store import NoLedgerHere, Store, UnknownDatabaseUrl
from zhifa.settings import Settings, SettingsError

err_console = Console(stderr=True)

EXIT_OK, EXIT_INVALID, EXIT_UNUSABLE = 0, 1, 2


def fail(message: str, code: int = EXIT_UNUSABLE) -> NoReturn:
    err_console.print(message, markup=False, highlight=False, soft_wrap=True)
    sys.exit(code)


def progress_bar() -> Progress:
    return Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=err_console,
        transient=False,
    )


@contextmanager
def refusals() -> Iterator[None]:
    """Render refusals as one line (code, titles, article, detail) and exit 1."""
    try:
        yield
    except (LedgerError, DomainError) as exc:
        if isinstance(exc, LedgerNotInitialised):
            fail(exc.one_line() + "  (run `zhifa init` first)", EXIT_UNUSABLE)
        # 400 (malformed act or envelope) and 5xx (rolled back, damaged files) make the input or the ledger
        # unusable; the rest are refusals.
        fail(exc.one_line(), exit_code_for(exc))


def open_store(settings: Settings, *, create: bool = False) -> Store:
    """The ledger's store. Only ``zhifa init`` and the demo create one (``create=True``); every other command
    refuses with one line where there is no ledger, and creates nothing. A log key in the meta table that is not
    a verifier key, or not the one in ``var/keys/log.key``, is refused here too."""
    if settings.var_dir.exists() and not settings.var_dir.is_dir():
        fail(f"ZHIFA_VAR_DIR {settings.var_dir} is not a directory")
    try:
        store = Store(settings.database_url, create=create)
    except NoLedgerHere as exc:
        fail(str(exc))
    if not create:
        _check_log_key(settings, store)
    return store


def _check_log_key(settings: Settings, store: Store) -> None:
    vkey_text = store.meta("log_vkey")
    if vkey_text is None:
        return
    try:
        vkey = parse_verifier_key(vkey_text)
    except KeyFormatError as exc:
        store.close()
        fail(f"the log key in the database's meta table is not a verifier key ({exc}): the database was altered")
    log_key_file = settings.keys_dir / "log.key"
    if log_key_file.is_file():
        held = read_key(log_key_file)
        if held.verifier.text != vkey.text:
            store.close()
            fail(f"the log key in the database's meta table is not the key in {log_key_file}: the database was altered or belongs to another log")


def key_file_name(name: str) -> str:
    return name.replace("/", "_") + ".key"


def read_key(path: Path) -> SigningKey:
    """A private key file; refused when others may read it (as ssh does: ``chmod 600``), or not a key file."""
    try:
        mode = path.stat().st_mode
        if stat.S_ISDIR(mode):
            fail(f"key path {path} is a directory, not a private key file")
        if mode & 0o077:
            fail(f"private key file {path} is readable by others (mode {stat.S_IMODE(mode):04o}): run `chmod 600 {path}`")
        return read_private_key(path)
    except FileNotFoundError:
        fail(f"key file not found: {path}")
    except (KeyFormatError, UnicodeDecodeError) as exc:
        fail(f"not a private key file: {path}: {exc}")
    except OSError as exc:
        fail(f"cannot read key file {path}: {exc.strerror}")


def fault_line(exc: BaseException) -> str | None:
    """One line for a fault of the machine or its configuration (disk, database, files), or None if unknown."""
    import sqlite3

    import psycopg
    from eventsourcing.persistence import PersistenceError

    if isinstance(exc, Refusal):
        return exc.one_line()
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    if isinstance(exc, OSError):
        where = f" {exc.filename}" if exc.filename else ""
        if exc.errno == errno.ENOSPC:
            return f"disk full:{where} no space left on the device; nothing more was written (free space, then retry)"
        if exc.errno == errno.EROFS:
            return f"read-only file system:{where} cannot be written"
        return f"cannot use{where}: {exc.strerror or text}"
    if isinstance(exc, UnknownDatabaseUrl | SettingsError):
        return text
    if isinstance(exc, psycopg.OperationalError):
        return f"cannot reach the PostgreSQL database: {text}"
    if isinstance(exc, sqlite3.Error | PersistenceError | psycopg.Error):
        lowered = text.lower()
        if "full" in lowered:
            return f"disk full: the database cannot grow ({text}); nothing more was written (free space, then retry)"
        if "readonly" in lowered or "read-only" in lowered or "read only" in lowered:
            return f"the database is read-only ({text}): this command needs to write"
        if "unable to open" in lowered:
            return f"cannot open the database ({text}): is it missing, or on a read-only file system?"
        return f"database error: {text}"
    if isinstance(exc, KeyFormatError):
        return f"bad key: {text}"
    return None


def exit_code_for(exc: BaseException) -> int:
    if isinstance(exc, Refusal) and 400 < exc.status < 500:
        return EXIT_INVALID
    return EXIT_UNUSABLE


class GuardedGroup(click.Group):
    """The CLI's root group: a fault of the machine or its configuration (disk full, read-only database,
    unreachable PostgreSQL, malformed settings, damaged files) ends in one line on stderr and exit 2, never a
    traceback. ``ZHIFA_DEBUG=1`` re-raises unknown errors."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.exceptions.Abort, click.ClickException, SystemExit):
            raise
        except Exception as exc:
            line = fault_line(exc)
            if line is None:
                if os.environ.get("ZHIFA_DEBUG"):
                    raise
                line = f"internal error ({type(exc).__name__}): {str(exc).strip().splitlines()[0] if str(exc).strip() else 'no detail'}"
            fail(line, exit_code_for(exc))
