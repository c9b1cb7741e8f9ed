"""Crash trials (`make trials`, not part of `make test`): SIGKILL of `zhifa append` and `zhifa seal --follow` at random
moments, the in-process writer and sealer killed (tests/crash_worker.py), and a disk filling up.

The promise checked afterwards, on each backend:
- every act that got a receipt is in the ledger, with the receipt's entry hash;
- no act without a receipt: an append that was refused (disk full, …) left nothing; an append killed mid-way is
  retried by its client with the same signed bytes and answers either with a receipt (it was not written) or
  ``nonce-reused`` (it was: the client then finds it by case id) — so every stored act is accounted for;
- `zhifa check --full` is clean, and the checkpoints file agrees with the database.

Run: ``python -m tests.trials [--kills N] [--backend sqlite|postgres|both] [--no-disk]``; it prints the counts.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import secrets
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PG_URL = os.environ.get("ZHIFA_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
OFFICER = "officer/trial"


@dataclass
class Tally:
    backend: str
    append_kills: int = 0
    follower_kills: int = 0
    worker_kills: int = 0
    receipts: int = 0
    worker_acks: int = 0
    worker_unacknowledged: int = 0
    killed_then_present: int = 0
    killed_then_absent: int = 0
    refused_disk_full: int = 0
    warnings_not_sealed: int = 0
    entries: int = 0
    problems: list[str] = field(default_factory=list)

    def line(self) -> str:
        return (
            f"{self.backend}: {self.append_kills} append kills, {self.follower_kills} seal --follow kills, "
            f"{self.worker_kills} writer+sealer process kills; {self.receipts} CLI receipts + {self.worker_acks} worker "
            f"acknowledgements all present; killed appends retried: {self.killed_then_present} had been written "
            f"(nonce-reused), {self.killed_then_absent} had not (receipt on retry); {self.refused_disk_full} refused "
            f"for a full disk left nothing; {self.warnings_not_sealed} appended-but-not-sealed warnings; "
            f"{self.worker_unacknowledged} worker acts written but killed before their acknowledgement (at most one per "
            f"kill); {self.entries} entries; check --full: {'clean' if not self.problems else 'PROBLEMS'}"
        )


class Ledger:
    def __init__(self, var: Path, url: str, scratch: Path) -> None:
        self.var, self.url, self.scratch = var, url, scratch
        self.env = {**os.environ, "ZHIFA_VAR_DIR": str(var), "ZHIFA_DATABASE_URL": url, "PYTHONPATH": str(ROOT)}
        self.env.pop("ZHIFA_ORIGIN", None)

    def popen(self, *args: str) -> subprocess.Popen[str]:
        return subprocess.Popen([sys.executable, "-m", "zhifa.cli", *args], env=self.env, cwd=self.scratch,
                                stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

    def run(self, *args: str, input: str | None = None) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "zhifa.cli", *args], env=self.env, cwd=self.scratch, input=input,
                              capture_output=True, text=True, timeout=120)

    def setup(self) -> None:
        assert self.run("init", "--origin", "trials.example/ledger").returncode == 0
        vkey = self.run("keys", "new", OFFICER).stdout.strip()
        res = self.run("keys", "register", vkey, "--role", "officer", "--agency", "agency/trial")
        assert res.returncode == 0, res.stderr

    def sign(self, summary: str = "crash trial") -> tuple[str, str]:
        """A signed lead (in this process: signing is the officer's side, not under trial)."""
        from ledger.court.keys import read_private_key
        from ledger.ledger import sign

        key = read_private_key(self.var / "keys" / "officer_trial.key")
        case = str(uuid.uuid4())
        payload = {"source": "complaint", "channel": "12345", "summary": summary, "catalog_item": None}
        envelope = sign(key, log="trials.example/ledger", case=case, case_version=0, type="lead.received", actor=key.name, payload=payload)
        return case, envelope.decode()

    def stored(self) -> dict[tuple[str, int], str]:
        res = self.run("log", "entries")
        assert res.returncode == 0, res.stderr
        rows = [json.loads(line) for line in res.stdout.splitlines()]
        return {(r["stream"], r["version"]): r["entry_hash"] for r in rows}


def _receipt(stdout: str) -> dict[str, object] | None:
    for line in stdout.splitlines():
        try:
            data = json.loads(line)
        except json.JSONDecodeError:
            continue  # a line cut off by the kill was never a receipt
        if isinstance(data, dict) and "entry_hash" in data:
            return data
    return None


def _one_line(stderr: str) -> bool:
    lines = [x for x in stderr.splitlines() if x.strip()]
    return len(lines) == 1 and "Traceback" not in stderr


def cli_kills(ledger: Ledger, tally: Tally, kills: int, rng: random.Random, receipts: dict[tuple[str, int], str]) -> None:
    """Appends killed at random moments beside a `seal --follow` that is itself killed and restarted."""
    # how long an append takes here, to aim the kills inside it
    t0 = time.monotonic()
    case, signed = ledger.sign()
    res = ledger.run("append", "-", input=signed)
    duration = time.monotonic() - t0
    receipt = _receipt(res.stdout)
    assert res.returncode == 0 and receipt is not None, res.stderr
    receipts[(case, 1)] = str(receipt["entry_hash"])
    tally.receipts += 1
    follower = ledger.popen("seal", "--follow", "--interval", "0.05")
    while tally.append_kills < kills:
        case, signed = ledger.sign()
        signed_file = ledger.scratch / "signed.json"
        signed_file.write_text(signed)
        proc = ledger.popen("append", str(signed_file))
        if rng.random() < 0.8:  # most appends are killed somewhere inside their run
            time.sleep(rng.uniform(0.3, 1.05) * duration)
        out, err = "", ""
        if proc.poll() is None and rng.random() < 0.8:
            os.kill(proc.pid, signal.SIGKILL)
            killed = True
        else:
            killed = False
        out, err = proc.communicate(timeout=120)
        if killed and proc.returncode == -signal.SIGKILL:
            tally.append_kills += 1
        receipt = _receipt(out)
        if receipt is not None:
            receipts[(case, 1)] = str(receipt["entry_hash"])
            tally.receipts += 1
            if "not sealed yet" in err:
                tally.warnings_not_sealed += 1
        elif proc.returncode == -signal.SIGKILL:
            retry = ledger.run("append", "-", input=signed)  # the client sends the same signed act again
            again = _receipt(retry.stdout)
            if again is not None:
                receipts[(case, 1)] = str(again["entry_hash"])
                tally.receipts += 1
                tally.killed_then_absent += 1
            elif "nonce-reused" in retry.stderr and _one_line(retry.stderr):
                tally.killed_then_present += 1
                found = ledger.run("log", "entries", "--case", case)
                rows = [json.loads(x) for x in found.stdout.splitlines()]
                if [r["version"] for r in rows] != [1]:
                    tally.problems.append(f"{case}: killed append answered nonce-reused but the case holds {rows}")
                receipts[(case, 1)] = rows[0]["entry_hash"] if rows else "missing"
            else:
                tally.problems.append(f"retry of a killed append: exit {retry.returncode}: {retry.stderr.strip()[:300]}")
        else:
            tally.problems.append(f"append exit {proc.returncode} without a receipt: {err.strip()[:300]}")
        if "Traceback" in err:
            tally.problems.append(f"traceback from append: {err.strip()[-300:]}")
        if rng.random() < 0.25 or follower.poll() is not None:
            if follower.poll() is not None:
                _, ferr = follower.communicate()
                tally.problems.append(f"seal --follow exited by itself ({follower.returncode}): {ferr.strip()[-300:]}")
            else:
                os.kill(follower.pid, signal.SIGKILL)
                follower.communicate()
                tally.follower_kills += 1
            follower = ledger.popen("seal", "--follow", "--interval", "0.05")
    os.kill(follower.pid, signal.SIGKILL)
    follower.communicate()
    tally.follower_kills += 1


def worker_kills(ledger: Ledger, tally: Tally, rounds: int, rng: random.Random, receipts: dict[tuple[str, int], str]) -> None:
    """tests/crash_worker.py: one process appending through the writer and sealing in a thread, killed at random."""
    from ledger.court.keys import read_private_key

    keys = ledger.scratch / "worker-keys"
    keys.mkdir(exist_ok=True)
    for name, src in (("log.key", "log.key"), ("officer.key", "officer_trial.key")):
        if not (keys / name).exists():
            read_private_key(ledger.var / "keys" / src).write(keys / name)
    for _ in range(rounds):
        proc = subprocess.Popen([sys.executable, "-m", "tests.crash_worker", ledger.url, str(keys), str(ledger.var / "checkpoints.log")],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT, env=ledger.env, text=True)
        assert proc.stdout is not None
        ready, _, _ = select.select([proc.stdout], [], [], 60)
        first = proc.stdout.readline() if ready else ""
        time.sleep(rng.uniform(0.05, 0.6))
        os.kill(proc.pid, signal.SIGKILL)
        out, err = proc.communicate()
        tally.worker_kills += 1
        lines = [line.split() for line in (first + out).splitlines() if line.startswith("ACK ")]
        if not lines:
            tally.problems.append(f"crash worker acknowledged nothing: {err.strip()[-300:]}")
        for p in lines:
            if len(p) == 4 and len(p[3]) == 64:
                receipts[(p[1], int(p[2]))] = p[3]
                tally.worker_acks += 1


def verify(ledger: Ledger, tally: Tally, receipts: dict[tuple[str, int], str]) -> None:
    res = ledger.run("seal")
    if res.returncode != 0:
        tally.problems.append(f"seal after the trial: {res.stderr.strip()}")
    stored = ledger.stored()
    tally.entries = len(stored)
    for key, digest in receipts.items():
        if stored.get(key) != digest:
            tally.problems.append(f"receipted act {key} is {'missing' if key not in stored else 'different'}")
    unreceipted = [key for key in stored if not key[0].startswith("person:") and key not in receipts]
    # The crash worker prints its acknowledgement after the commit: a kill in between leaves one act written and
    # unacknowledged (its client would retry and get nonce-reused, as the CLI trial shows). At most one per kill.
    tally.worker_unacknowledged = len(unreceipted)
    if len(unreceipted) > tally.worker_kills:
        tally.problems.append(f"{len(unreceipted)} acts stored without a receipt after {tally.worker_kills} worker kills: {unreceipted[:5]}")
    full = ledger.run("check", "--full")
    if full.returncode != 0:
        tally.problems.append(f"check --full: {full.stderr.strip()[-500:]}")


def _mount_tmpfs(where: Path, size: str) -> bool:
    where.mkdir(parents=True, exist_ok=True)
    return subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(where)], capture_output=True).returncode == 0


def disk_fills_up(scratch: Path, tally: Tally, rng: random.Random) -> None:
    """SQLite on a small tmpfs: appends until the disk is full, then more space, more appends; all accounted for."""
    mount = scratch / "small-disk"
    if not _mount_tmpfs(mount, "700k"):
        tally.problems.append("disk-full trial skipped: cannot mount a tmpfs (needs root)")
        return
    try:
        ledger = Ledger(mount / "var", f"sqlite:///{mount / 'var' / 'zhifa.sqlite'}", scratch)
        ledger.setup()
        receipts: dict[tuple[str, int], str] = {}
        refused: set[str] = set()
        for round_ in range(2):
            full = 0
            for i in range(2000 if round_ == 0 else 10):  # after the disk grows: ten appends, all must succeed
                case, signed = ledger.sign(summary="满" * rng.randint(500, 3000) + str(i))
                res = ledger.run("append", "-", input=signed)
                receipt = _receipt(res.stdout)
                if receipt is not None:
                    receipts[(case, 1)] = str(receipt["entry_hash"])
                    tally.receipts += 1
                    if "not sealed yet" in res.stderr:
                        tally.warnings_not_sealed += 1
                    continue
                if res.returncode != 2 or not _one_line(res.stderr) or "disk full" not in res.stderr:
                    tally.problems.append(f"disk full: exit {res.returncode}: {res.stderr.strip()[-300:]}")
                refused.add(case)
                tally.refused_disk_full += 1
                full += 1
                if full >= 5:
                    break
            if round_ == 0:
                subprocess.run(["mount", "-o", "remount,size=2m", str(mount)], check=True)
            elif full:
                tally.problems.append(f"after the disk grew, {full} of 10 appends were refused")
        for case in refused:
            found = ledger.run("log", "entries", "--case", case)
            if found.stdout.strip():
                tally.problems.append(f"act refused for a full disk is stored: {case}")
        verify(ledger, tally, receipts)
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def trial(backend: str, kills: int, worker_rounds: int, seed: int, scratch: Path) -> Tally:
    tally = Tally(backend)
    rng = random.Random(seed)
    work = scratch / backend
    work.mkdir()
    schema = None
    if backend == "sqlite":
        url = f"sqlite:///{work / 'var' / 'zhifa.sqlite'}"
    else:
        schema = f"trial_{secrets.token_hex(5)}"
        url = f"{PG_URL}{'&' if '?' in PG_URL else '?'}schema={schema}"
    try:
        ledger = Ledger(work / "var", url, work)
        ledger.setup()
        receipts: dict[tuple[str, int], str] = {}
        cli_kills(ledger, tally, kills, rng, receipts)
        worker_kills(ledger, tally, worker_rounds, rng, receipts)
        verify(ledger, tally, receipts)
    finally:
        if schema is not None:
            import psycopg

            with psycopg.connect(PG_URL, autocommit=True) as conn:
                conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
    return tally


def run(kills: int, backends: list[str], disk: bool, worker_rounds: int = 5, seed: int = 12) -> list[Tally]:
    scratch = Path(tempfile.mkdtemp(prefix="zhifa-trials-"))
    try:
        tallies = []
        for backend in backends:
            tallies.append(trial(backend, kills, worker_rounds, seed, scratch))
            print(tallies[-1].line(), flush=True)
        if disk:
            t = Tally("sqlite, disk filling up")
            disk_fills_up(scratch, t, random.Random(seed))
            tallies.append(t)
            print(t.line(), flush=True)
        return tallies
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kills", type=int, default=50, help="SIGKILLs of `zhifa append` per backend (default 50)")
    parser.add_argument("--workers", type=int, default=5, help="kills of the writer+sealer process per backend")
    parser.add_argument("--backend", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--no-disk", action="store_true", help="skip the disk-full trial")
    parser.add_argument("--seed", type=int, default=12)
    args = parser.parse_args()
    backends = ["sqlite", "postgres"] if args.backend == "both" else [args.backend]
    started = time.monotonic()
    tallies = run(args.kills, backends, not args.no_disk, args.workers, args.seed)
    for t in tallies:
        for problem in t.problems[:20]:
            print("  PROBLEM:", problem)
    print(f"trials took {time.monotonic() - started:.0f} s")
    return 1 if any(t.problems for t in tallies) else 0


if __name__ == "__main__":
    sys.exit(main())
