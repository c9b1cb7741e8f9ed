"""The ``zhifa`` command line (click; progress bars with rich on stderr).

Exit codes everywhere: 0 success/valid, 1 refused/invalid (one line naming the rule and article on stderr),
2 unusable input (missing file, bad JSON, bad key, no ledger).
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click
import msgspec
from rich.progress import TaskID

from ledger.act_form import MAX_ENVELOPE_BYTES, open_act
from ledger.court.keys import KeyFormatError, SigningKey
from ledger.envelope import entry_hash, sign_act
from ledger.ledger import entries, initialise, make_act
from ledger.registry_snapshot import snapshot_key
from ledger.store import Store
from ledger.writer import Receipt, Writer, state_cache_key
from zhifa.calendar_file import HolidaysFileError, install_calendar
from zhifa.console import (
    EXIT_INVALID,
    GuardedGroup,
    err_console,
    fail,
    fault_line,
    key_file_name,
    open_store,
    progress_bar,
    read_key,
    refusals,
)
from zhifa.settings import Settings, load_settings


def read_input(path: str) -> bytes:
    if path == "-":
        return sys.stdin.buffer.read()
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        fail(f"cannot read {path}: {exc.strerror}")


def receipt_json(receipt: Receipt) -> dict[str, Any]:
    return {
        "stream": receipt.stream,
        "version": receipt.version,
        "type": receipt.act_type,
        "position": receipt.position,
        "recorded_at": receipt.recorded_at,
        "entry_hash": receipt.entry_hash.hex(),
        "entry": json.loads(receipt.entry),
        "provisional": receipt.provisional,
        "rules": list(receipt.rules),
    }


@click.group(cls=GuardedGroup)
@click.option("--config", type=click.Path(path_type=Path), default=None, help="zhifa.toml (default ./zhifa.toml)")
@click.pass_context
def main(ctx: click.Context, config: Path | None) -> None:
    """zhifa-ledger: signed, hash-chained case ledger for comprehensive administrative law enforcement."""
    ctx.obj = load_settings(config)
    try:
        install_calendar(ctx.obj.holidays_file)  # the calendar every rule counts with, before any act is decided
    except HolidaysFileError as exc:
        fail(str(exc))


@main.command()
@click.option("--origin", default=None, help="the log's origin (its name in checkpoints), e.g. js.example/zhifa")
@click.option("--authority", default="authority/personnel", show_default=True, help="person id of the personnel authority")
@click.pass_obj
def init(settings: Settings, origin: str | None, authority: str) -> None:
    """Create the ledger, the log's signing key and the personnel authority's key; print the log's verifier key."""
    origin = origin or settings.origin
    keys = settings.keys_dir
    log_path, auth_path = keys / "log.key", keys / key_file_name(authority)
    for path in (log_path, auth_path):
        if path.exists():
            fail(f"{path} exists: this directory already has a ledger (remove {settings.var_dir} to start over)")
    try:
        log_key, auth_key = SigningKey.generate(origin), SigningKey.generate(authority)
    except KeyFormatError as exc:
        fail(str(exc))
    store = open_store(settings, create=True)
    with refusals():
        receipt = initialise(store, origin=origin, log_key=log_key, authority_key=auth_key)
    log_key.write(log_path)
    auth_key.write(auth_path)
    store.close()
    err_console.print(f"initialised {settings.database_url}; admitted {authority} at log position {receipt.position}")
    err_console.print(f"log key: {log_path}  authority key: {auth_path}  (mode 0600)")
    click.echo(log_key.verifier.text)


@main.group()
def keys() -> None:
    """Signing keys: create, register with the personnel authority, revoke."""


@keys.command("new")
@click.argument("name")
@click.option("-o", "--out", type=click.Path(path_type=Path), default=None, help="private key file")
@click.pass_obj
def keys_new(settings: Settings, name: str, out: Path | None) -> None:
    """Write a new private key file (mode 0600) and print its verifier key."""
    try:
        key = SigningKey.generate(name)
    except KeyFormatError as exc:
        fail(str(exc))
    path = out or settings.keys_dir / key_file_name(name)
    try:
        key.write(path)
    except FileExistsError:
        fail(f"{path} exists; refusing to overwrite a private key")
    err_console.print(f"private key written to {path} (mode 0600)")
    click.echo(key.verifier.text)


def _append_one(settings: Settings, envelope: bytes) -> Receipt:
    store = open_store(settings)
    try:
        with refusals():
            log_key = _log_key(settings)  # on the log's host: sealed case states, an authenticated registry snapshot
            writer = Writer(
                store,
                max_skew=_skew(settings),
                cache_key=None if log_key is None else state_cache_key(log_key),
                checkpoints_file=settings.checkpoints_file,
                snapshot_key=None if log_key is None else snapshot_key(log_key),
            )
            return writer.append(envelope)
    finally:
        store.close()


def _skew(settings: Settings) -> dt.timedelta:
    return dt.timedelta(seconds=settings.max_skew_seconds)


def _registry_act(settings: Settings, authority_key: Path | None, stream: str, act_type: str, payload: dict[str, Any]) -> None:
    key = read_key(authority_key or settings.keys_dir / key_file_name("authority/personnel"))
    store = open_store(settings)
    origin = store.meta("origin")
    state = store.stream_state(stream)
    store.close()
    if origin is None:
        fail("no ledger here: run `zhifa init` first")
    envelope = sign_act(
        make_act(log=origin, case=stream, case_version=0 if state is None else state[0], type=act_type, actor=key.name, payload=payload),
        key,
    )
    click.echo(json.dumps(receipt_json(_append_one(settings, envelope)), ensure_ascii=False))


@keys.command("register")
@click.argument("vkey")
@click.option("--role", required=True, help="officer, auxiliary, legal_reviewer, supervisor, agency_head, …")
@click.option("--agency", default=None)
@click.option("--authority-key", type=click.Path(path_type=Path), default=None, help="the personnel authority's key file")
@click.pass_obj
def keys_register(settings: Settings, vkey: str, role: str, agency: str | None, authority_key: Path | None) -> None:
    """Register VKEY to the person its name names (act signed by the personnel authority)."""
    name = vkey.split("+", 1)[0]
    _registry_act(settings, authority_key, f"person:{name}", "key.registered", {"vkey": vkey, "role": role, "agency": agency, "valid_from": None})


@keys.command("revoke")
@click.argument("person")
@click.argument("kid")
@click.option("--reason", required=True)
@click.option("--authority-key", type=click.Path(path_type=Path), default=None)
@click.pass_obj
def keys_revoke(settings: Settings, person: str, kid: str, reason: str, authority_key: Path | None) -> None:
    """Revoke key KID of PERSON (act signed by the personnel authority)."""
    _registry_act(settings, authority_key, f"person:{person}", "key.revoked", {"kid": kid, "reason": reason})


@main.group()
def act() -> None:
    """Acts: sign one for appending."""


class _ActFile(msgspec.Struct, forbid_unknown_fields=True):
    """What ``act sign`` reads: the act's fields, ``actor``/``log``/``nonce``/``claimed_at`` optional."""

    case: str
    case_version: int
    type: str
    payload: dict[str, Any]
    actor: str | None = None
    log: str | None = None
    claimed_at: str | None = None
    nonce: str | None = None


@act.command("sign")
@click.option("--key", "key_path", required=True, type=click.Path(path_type=Path), help="private key file")
@click.argument("act_file")
@click.pass_obj
def act_sign(settings: Settings, key_path: Path, act_file: str) -> None:
    """Sign ACT_FILE (JSON: case, case_version, type, payload; actor/log/nonce/claimed_at filled when absent).

    The log is this ledger's origin (read from the database) unless the file names one. What is signed is checked
    with the writer's own decoder (ledger.act_form): an act `append` would refuse as malformed is not signed."""
    key = read_key(key_path)
    data = read_input(act_file)
    if len(data) > MAX_ENVELOPE_BYTES:
        fail(f"cannot sign {act_file}: {len(data):,} bytes; a signed act is at most {MAX_ENVELOPE_BYTES:,}")
    try:
        fields = msgspec.json.decode(data, type=_ActFile, strict=True)
        nonce = None if fields.nonce is None else base64.b64decode(fields.nonce, validate=True)
    except (msgspec.DecodeError, msgspec.ValidationError, ValueError) as exc:
        fail(f"cannot sign {act_file}: {exc}")
    log = fields.log
    if log is None:
        store = open_store(settings)
        log = store.meta("origin")
        store.close()
        if log is None:
            fail("no ledger here: run `zhifa init` first (the act's log is the ledger's origin)")
    try:
        envelope = sign_act(
            make_act(log=log, case=fields.case, case_version=fields.case_version, type=fields.type,
                     actor=fields.actor or key.name, payload=fields.payload, claimed_at=fields.claimed_at, nonce=nonce),
            key,
        )
    except (ValueError, TypeError, OverflowError, msgspec.EncodeError) as exc:
        fail(f"cannot sign {act_file}: {exc}")
    with refusals():
        open_act(envelope)
    click.echo(envelope.decode())


@main.command()
@click.argument("signed_file")
@click.pass_obj
def append(settings: Settings, signed_file: str) -> None:
    """Append a signed act (file or - for stdin); print the receipt."""
    data = read_input(signed_file).strip()
    receipt = _append_one(settings, data)
    click.echo(json.dumps(receipt_json(receipt), ensure_ascii=False))
    # On the log's host the checkpoint follows the append at once. The act is durable and receipted already: a
    # fault while sealing (disk full, …) is one warning line and exit 0 — the act must not be sent again — and
    # the next `zhifa seal` (or append) seals it.
    try:
        store = open_store(settings)
        try:
            _seal(settings, store)
        finally:
            store.close()
    except SystemExit as exc:
        if exc.code not in (0, None):
            err_console.print(f"warning: act recorded at position {receipt.position} but not sealed yet; run `zhifa seal`", markup=False, highlight=False, soft_wrap=True)
    except Exception as exc:
        line = fault_line(exc)
        if line is None:
            raise
        err_console.print(f"warning: act recorded at position {receipt.position} but not sealed yet ({line}); run `zhifa seal`", markup=False, highlight=False, soft_wrap=True)


@main.group()
def log() -> None:
    """The log: entries, checkpoints, keys."""


@log.command("entries")
@click.option("--case", "case", default=None, help="only this case (or registry stream)")
@click.pass_obj
def log_entries(settings: Settings, case: str | None) -> None:
    """Print entries as JSON lines, in log order (or one case's in version order)."""
    store = open_store(settings)
    for item in entries(store, stream=case):
        row = {
            "position": item.position or None,
            "stream": item.stream,
            "version": item.version,
            "entry_hash": entry_hash(item.entry_bytes).hex(),
            "entry": json.loads(item.entry_bytes),
        }
        click.echo(json.dumps(row, ensure_ascii=False))
    store.close()


@main.command()
@click.option("--full", is_flag=True, help="also verify against the Merkle log and checkpoints (when sealed)")
@click.option("--workers", type=int, default=None, help="processes for signature checks (default: all cores)")
@click.pass_obj
def check(settings: Settings, full: bool, workers: int | None) -> None:
    """Re-verify every entry: form, chain link, act digest, key validity, signature. Exit 0 valid, 1 invalid."""
    from ledger.check import check_ledger

    store = open_store(settings)
    if store.meta("origin") is None:
        fail("no ledger here: run `zhifa init` first")
    with progress_bar() as bar:
        task = bar.add_task("verifying", total=store.position())
        report = check_ledger(store, workers=workers, progress=lambda done, total: bar.update(task, completed=done, total=total))
        if full:
            from ledger.check import check_case_states, check_log, sort_problems

            task2 = bar.add_task("checking the Merkle log", total=store.position())
            log_report = check_log(
                store, checkpoints_file=settings.checkpoints_file,
                progress=lambda done, total: bar.update(task2, completed=done, total=total),
            )
            task3 = bar.add_task("recomputing case states", total=store.position())
            state_report = check_case_states(
                store, progress=lambda done, total: bar.update(task3, completed=done, total=total)
            )
            # One list in log order, so that the first line names the first bad entry whichever check found it.
            report.problems.extend(log_report.problems + state_report.problems)
            sort_problems(report.problems)
    store.close()
    for problem in report.problems:
        err_console.print(problem.one_line(), markup=False, highlight=False, soft_wrap=True)
    if not report.ok:
        first = report.problems[0]
        fail(f"INVALID: {len(report.problems)} problem(s); first bad entry: stream {first.stream} version {first.version}", EXIT_INVALID)
    click.echo(f"OK: {report.entries} entries in {report.streams} streams verified")


def _log_key(settings: Settings) -> SigningKey | None:
    path = settings.keys_dir / "log.key"
    return read_key(path) if path.exists() else None


def _seal(settings: Settings, store: Store) -> int:
    """Seal pending entries and publish a checkpoint, when this machine holds the log key."""
    from ledger.sealer import Sealer

    key = _log_key(settings)
    if key is None:
        return 0
    with refusals():
        return Sealer(store, key, settings.checkpoints_file).seal_all()


@main.command()
@click.option("--follow", is_flag=True, help="keep following the log (checkpoint within 1 s of an append)")
@click.option("--interval", default=0.2, show_default=True, help="poll interval in seconds with --follow")
@click.pass_obj
def seal(settings: Settings, follow: bool, interval: float) -> None:
    """Seal appended entries into the Merkle log and publish a signed checkpoint."""
    import time

    from ledger.sealer import Sealer

    key = _log_key(settings)
    if key is None:
        fail(f"no log key at {settings.keys_dir / 'log.key'}: only the log's host seals")
    store = open_store(settings)
    with refusals():
        sealer = Sealer(store, key, settings.checkpoints_file)
        backlog = sealer.backlog()
        if backlog > sealer.batch:  # more than one batch: a while
            with progress_bar() as bar:
                task = bar.add_task("sealing", total=backlog)
                n = sealer.seal_all(lambda done: bar.advance(task, done))
        else:
            n = sealer.seal_all()
        err_console.print(f"sealed {n} entries; tree size {sealer.tree.size()}")
        while follow:
            if sealer.seal_once() == 0:
                time.sleep(interval)
    store.close()


@log.command("checkpoint")
@click.pass_obj
def log_checkpoint(settings: Settings) -> None:
    """Print the latest signed checkpoint (C2SP tlog-checkpoint note), sealing pending entries first."""
    from ledger.sealer import Tree

    store = open_store(settings)
    if store.meta("origin") is None:
        fail("no ledger here: run `zhifa init` first")
    _seal(settings, store)
    latest = Tree(store).latest_checkpoint()
    store.close()
    if latest is None:
        fail("no checkpoint yet: run `zhifa seal` on the log's host", EXIT_INVALID)
    click.echo(latest[1], nl=False)


@log.command("proof")
@click.option("--leaf", "leaf", type=int, default=None, help="inclusion proof of this leaf index")
@click.option("--case", "case", default=None, help="…or of every entry of this case (stream)")
@click.option("--from-size", "from_size", type=int, default=None, help="consistency proof from this tree size")
@click.pass_obj
def log_proof(settings: Settings, leaf: int | None, case: str | None, from_size: int | None) -> None:
    """Proofs against the latest checkpoint, from stored nodes: inclusion (C2SP tlog-proof text, one per leaf,
    separated by a blank line) or consistency (base64 hashes, one per line)."""
    from ledger.court import merkle
    from ledger.court.tlogproof import make_proof
    from ledger.sealer import Tree

    if (leaf is not None) + (case is not None) + (from_size is not None) != 1:
        fail("give exactly one of --leaf, --case, --from-size")
    store = open_store(settings)
    _seal(settings, store)
    tree = Tree(store)
    latest = tree.latest_checkpoint()
    if latest is None:
        fail("no checkpoint yet: run `zhifa seal` on the log's host", EXIT_INVALID)
    size, checkpoint = latest
    try:
        if from_size is not None:
            for h in tree.consistency_proof(from_size, size) if from_size else []:
                click.echo(base64.b64encode(h).decode())
            return
        leaves = [leaf] if leaf is not None else [x.leaf_index for x in tree.leaves_of(case or "") if x.leaf_index < size]
        if not leaves:
            fail(f"no sealed entries for {case!r}", EXIT_INVALID)
        texts = [make_proof(i, tree.inclusion_proof(i, size), checkpoint) for i in leaves if i is not None]
        click.echo("\n".join(texts), nl=False)
    except merkle.ProofError as exc:
        fail(f"no such proof: {exc}")
    finally:
        store.close()


@log.command("vkey")
@click.pass_obj
def log_vkey(settings: Settings) -> None:
    """Print the log's verifier key (what a court passes to `zhifa verify --log-key`)."""
    store = open_store(settings)
    vkey = store.meta("log_vkey")
    store.close()
    if vkey is None:
        fail("no ledger here: run `zhifa init` first")
    click.echo(vkey)


@main.command()
@click.argument("case_id")
@click.option("-o", "--out", type=click.Path(path_type=Path), required=True, help="bundle file to write")
@click.option("--since", type=click.Path(path_type=Path), default=None, help="older checkpoint note: add a consistency proof")
@click.pass_obj
def bundle(settings: Settings, case_id: str, out: Path, since: Path | None) -> None:
    """Write CASE_ID's court bundle (entries, envelopes, signer keys, proofs, checkpoint, manifest)."""
    from ledger.bundle import make_bundle

    key = _log_key(settings)
    if key is None:
        fail(f"no log key at {settings.keys_dir / 'log.key'}: bundles are signed by the log's host")
    older = None
    if since is not None:
        try:
            older = since.read_text()
        except OSError as exc:
            fail(f"cannot read {since}: {exc.strerror}")
    from ledger.sealer import RolledBack, Sealer

    store = open_store(settings)
    with refusals():
        try:
            Sealer(store, key, settings.checkpoints_file).seal_all()
        except RolledBack:
            # A database behind its published tree cannot be bundled. When the case itself lost entries, name the
            # case and version (the bundle's own cross-check) rather than only the log position.
            make_bundle(store, key, case_id, since=older)
            raise
        data = make_bundle(store, key, case_id, since=older)
    store.close()
    out.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n")
    entries_count = sum(len(s["entries"]) for s in data["streams"])
    err_console.print(f"wrote {out}: {len(data['streams'])} streams, {entries_count} entries, checkpoint size {data['checkpoint'].splitlines()[1]}")


@main.group()
def evidence() -> None:
    """Evidence files: a content-addressed store (var/evidence/<sha256>); the ledger holds only hash and size."""


@evidence.command("add")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.pass_obj
def evidence_add(settings: Settings, files: tuple[Path, ...]) -> None:
    """Store FILES by their SHA-256 and print {name, sha256, size} for each (put these in evidence acts).

    Each file is hashed while it is copied into the store and renamed onto its hash (ledger.evidence_store): the
    name is always the hash of the stored bytes, and no link inside the store is followed."""
    from ledger.evidence_store import store_file

    for path in files:
        stored = store_file(path, settings.evidence_dir)
        click.echo(json.dumps({"name": path.name, "sha256": stored.sha256, "size": stored.size}, ensure_ascii=False))


@main.command(context_settings={"ignore_unknown_options": True, "allow_extra_args": True})
@click.pass_context
def verify(ctx: click.Context) -> None:
    """Verify a court bundle offline: FILE --log-key VKEY [--checkpoint OLDER] [--evidence DIR] (exit 0/1/2)."""
    from ledger.court.verify import PHASES
    from ledger.court.verify import main as verify_main

    @contextmanager
    def bars() -> Iterator[Callable[[str, int, int], None]]:
        with progress_bar() as bar:
            tasks: dict[str, TaskID] = {}

            def tell(phase: str, done: int, total: int) -> None:
                if phase not in tasks:
                    tasks[phase] = bar.add_task(f"核验 {PHASES.get(phase, phase)}", total=total)
                bar.update(tasks[phase], completed=done, total=total)

            yield tell

    sys.exit(verify_main(list(ctx.args), progress=bars))


@main.command()
@click.option("--serve/--no-serve", default=True, help="serve the portal after seeding (when the web part exists)")
@click.pass_obj
def demo(settings: Settings, serve: bool) -> None:
    """Initialise ./var with realistic demo data and show what to try next."""
    from zhifa.demo import run_demo

    run_demo(settings, serve=serve, console=err_console)


from zhifa.cli_repair import repair_checkpoints  # noqa: E402  (issue 12: checkpoints file repair)

log.add_command(repair_checkpoints)

from zhifa.cli_review import COMMANDS as REVIEW_COMMANDS  # noqa: E402  (review)
from zhifa.cli_supervise import COMMANDS as SUPERVISION_COMMANDS  # noqa: E402  (case, supervise, run, projections)

for _command in (*SUPERVISION_COMMANDS, *REVIEW_COMMANDS):
    main.add_command(_command)

from zhifa.cli_web import serve, tokens  # noqa: E402  (the web service's commands)

main.add_command(serve)
main.add_command(tokens)

from zhifa.cli_feeds import disclosures, feed  # noqa: E402  (issue 15: feeds and disclosure lists)

main.add_command(feed)
main.add_command(disclosures)

if __name__ == "__main__":  # pragma: no cover
    main()

