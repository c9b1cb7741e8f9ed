"""Terminal helpers shared by the CLI, the demo and the benchmarks: one error line, exit codes, progress bars.

Kept apart from :mod:`zhifa.cli` so that the demo and the benchmarks use them without importing the CLI (the CLI
imports the demo; dependencies run one way).
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import NoReturn

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from domain.errors import DomainError
from ledger.court.keys import KeyFormatError, SigningKey, read_private_key
from ledger.errors import LedgerError, LedgerNotInitialised
from ledger.store import Store
from zhifa.settings import Settings

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
        # 400-class refusals (malformed act or envelope) are unusable input; the rest are refusals.
        fail(exc.one_line(), EXIT_UNUSABLE if exc.status == 400 else EXIT_INVALID)


def open_store(settings: Settings) -> Store:
    return Store(settings.database_url)


def key_file_name(name: str) -> str:
    return name.replace("/", "_") + ".key"


def read_key(path: Path) -> SigningKey:
    try:
        return read_private_key(path)
    except FileNotFoundError:
        fail(f"key file not found: {path}")
    except (KeyFormatError, UnicodeDecodeError) as exc:
        fail(f"not a private key file: {path}: {exc}")
