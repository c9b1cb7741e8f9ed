"""Web benchmarks on one uvicorn worker over a SQLite file, loopback only, every rate beside a baseline measured
in the same run: cached feed requests/s against the same server's plain ``GET /healthz``, the 304 rate, tile
serving, and ``POST /api/acts`` acts/s with p99 latency at concurrency 16 against the in-process writer's rate.

The server measured is ``zhifa serve`` itself, run as a user runs it: default flags (the sealer and projections
in a child process, one JSON access-log line per request — to the bench's /dev/null here), then with
``--followers threads`` and with ``--no-follow`` for comparison; only the settings come from the environment.

The load comes from a small HTTP/1.1 keep-alive client written on asyncio streams (httpx would be the bottleneck);
every loop is bounded by a request count.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import functools
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path

from rich.console import Console
from rich.table import Table

from ledger.court.keys import SigningKey
from ledger.ledger import initialise, sign
from ledger.sealer import Sealer
from ledger.store import Store
from ledger.writer import Writer
from web.followers import FOLLOWER_NICENESS
from zhifa.settings import Settings

ORIGIN = "bench.zhifa/web"
LEAD = {"source": "complaint", "channel": "12345", "summary": "某超市销售过期食品", "catalog_item": None}


def bench_settings(var_dir: Path) -> Settings:
    """The composition root's settings for a benchmark ledger in ``var_dir`` (SQLite file, wide clock skew)."""
    return Settings(var_dir=var_dir, database_url=f"sqlite:///{var_dir / 'zhifa.sqlite'}", max_skew_seconds=600, origin=ORIGIN)


def build_ledger(var_dir: Path, leaves: int) -> tuple[SigningKey, Settings]:
    """A ledger with an officer and ``leaves`` one-act cases, sealed; the log key under var/keys."""
    settings = bench_settings(var_dir)
    store = Store(settings.database_url)
    log_key, authority = SigningKey.generate(ORIGIN), SigningKey.generate("authority/bench")
    initialise(store, origin=ORIGIN, log_key=log_key, authority_key=authority)
    writer = Writer(store)
    officer = SigningKey.generate("officer/bench")
    writer.append(sign(authority, log=ORIGIN, case="person:officer/bench", case_version=0, type="key.registered",
                       actor=authority.name, payload={"vkey": officer.verifier.text, "role": "officer", "agency": None, "valid_from": None}))
    envelopes = [sign(officer, log=ORIGIN, case=str(uuid.uuid4()), case_version=0, type="lead.received", actor=officer.name,
                      payload=LEAD) for _ in range(leaves)]
    for i in range(0, len(envelopes), 512):
        writer.append_group(envelopes[i : i + 512])
    log_key.write(settings.keys_dir / "log.key")
    Sealer(store, log_key, settings.checkpoints_file).seal_all()
    store.close()
    return officer, settings


def zhifa_serve(var_dir: Path, port: int, *flags: str) -> subprocess.Popen[bytes]:
    """``zhifa serve --port PORT FLAGS…`` over the ledger in ``var_dir`` (its settings given as ``ZHIFA_*``, as an
    operator would); its output (the access log) goes to ``var_dir/serve-PORT.log``, shown in part on a failure."""
    settings = bench_settings(var_dir)
    env = {
        **os.environ,
        "PYTHONUNBUFFERED": "1",
        "ZHIFA_CONFIG": str(var_dir / "no-zhifa.toml"),  # never a zhifa.toml of the working directory
        "ZHIFA_VAR_DIR": str(settings.var_dir),
        "ZHIFA_DATABASE_URL": settings.database_url,
        "ZHIFA_MAX_SKEW_SECONDS": str(settings.max_skew_seconds),
        "ZHIFA_ORIGIN": settings.origin,
    }
    with open(var_dir / f"serve-{port}.log", "wb") as log:
        return subprocess.Popen([sys.executable, "-m", "zhifa.cli", "serve", "--port", str(port), *flags], env=env,
                                stdout=subprocess.DEVNULL, stderr=log)


def _server_errors(var_dir: Path, port: int) -> str:
    """The server's output but its access log, last lines first-to-last (for a failure's message)."""
    lines = (var_dir / f"serve-{port}.log").read_text(errors="replace").splitlines()
    return "\n".join([line for line in lines if '"logger":"zhifa.http"' not in line][-30:])


def _stop(server: subprocess.Popen[bytes]) -> None:
    server.terminate()
    server.wait(30)


# -- a minimal keep-alive HTTP/1.1 client ------------------------------------------------------------------------
async def _request(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, raw: bytes) -> tuple[int, bytes, bytes]:
    writer.write(raw)
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head[9:12])
    length = 0
    for line in head.split(b"\r\n")[1:]:
        if line[:15].lower() == b"content-length:":
            length = int(line[15:])
    body = await reader.readexactly(length) if length else b""
    return status, head, body


def _get(path: str, headers: dict[str, str] | None = None) -> bytes:
    extra = "".join(f"{k}: {v}\r\n" for k, v in (headers or {}).items())
    return f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n{extra}\r\n".encode()


def _post(path: str, body: bytes) -> bytes:
    return (f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\n\r\n").encode() + body


async def _load(port: int, requests: list[bytes], concurrency: int) -> tuple[float, list[float], dict[int, int]]:
    """Send every request once over ``concurrency`` keep-alive connections; (req/s, latencies, status counts)."""
    queue = list(reversed(requests))
    latencies: list[float] = []
    statuses: dict[int, int] = {}

    async def worker() -> None:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            while queue:
                raw = queue.pop()
                t0 = time.perf_counter()
                status, _, _ = await _request(reader, writer, raw)
                latencies.append(time.perf_counter() - t0)
                statuses[status] = statuses.get(status, 0) + 1
        finally:
            writer.close()

    start = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return len(requests) / (time.perf_counter() - start), latencies, statuses


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_up(port: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5) as sock:
                sock.sendall(_get("/readyz"))
                if b"200" in sock.recv(64):
                    return
        except OSError:
            pass
        time.sleep(0.1)
    raise RuntimeError("the bench server did not become ready")


def _caught_up(port: int, timeout: float, log: Callable[[], str]) -> float:
    """Wait until the server's followers have sealed and projected the whole log (so that a POST phase does not
    also pay for acts appended before it), by its /readyz; return how long that took (seconds, to within the
    server's 0.2 s refresh)."""
    import json

    async def state() -> dict[str, object]:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            _, _, body = await _request(reader, writer, _get("/readyz"))
        finally:
            writer.close()
        parsed: dict[str, object] = json.loads(body)
        return parsed

    start = time.monotonic()
    deadline = start + timeout
    while time.monotonic() < deadline:
        ready = asyncio.run(state())
        lags = ready["projections"]
        if (isinstance(lags, dict) and lags and not any(lags.values())
                and ready["sealed_position"] == ready["log_position"]):
            return time.monotonic() - start
        time.sleep(0.05)
    raise RuntimeError(f"the followers did not catch up within {timeout} s: {ready}")


def writer_rate(officer: SigningKey, var_dir: Path, n: int, concurrency: int | None = None) -> float:
    """Baseline: the in-process writer's queued rate on a ledger like the server's — ``concurrency`` threads each
    submitting one act and waiting for it (as 16 HTTP clients do), or all submitted at once (None)."""
    store = Store(f"sqlite:///{var_dir / 'zhifa.sqlite'}")
    from ledger.court.keys import read_private_key
    from ledger.writer import state_cache_key

    log_key = read_private_key(var_dir / "keys" / "log.key")
    writer = Writer(store, max_skew=dt.timedelta(minutes=10), cache_key=state_cache_key(log_key))
    envelopes = [sign(officer, log=ORIGIN, case=str(uuid.uuid4()), case_version=0, type="lead.received", actor=officer.name,
                      payload=LEAD) for _ in range(n)]
    writer.start()
    start = time.perf_counter()
    if concurrency is None:
        futures = [writer.submit(e) for e in envelopes]
        for f in futures:
            f.result()
    else:
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(concurrency) as pool:
            list(pool.map(lambda e: writer.submit(e).result(), envelopes))
    rate = n / (time.perf_counter() - start)
    writer.stop()
    store.close()
    return rate


def main() -> int:
    quick = "--quick" in sys.argv
    n_get, n_post, leaves = (4000, 800, 600) if quick else (20000, 4000, 3000)
    out = Console() if Console().is_terminal else Console(width=160)
    with tempfile.TemporaryDirectory(prefix="zhifa-bench-web-") as tmp:
        var = Path(tmp) / "server"
        officer, _ = build_ledger(var, leaves)
        baseline_var = Path(tmp) / "baseline"
        build_ledger_copy = build_ledger(baseline_var, 10)[0]
        port = _free_port()
        server = zhifa_serve(var, port)
        try:
            _wait_up(port)
            time.sleep(0.5)  # the first refresh of the published state
            gets = asyncio.run(_measure(port, n_get))
            _caught_up(port, timeout=60, log=functools.partial(_server_errors, var, port))
            posted = asyncio.run(_post_acts(port, officer, n_post))
            # The followers run at a lower CPU priority (web/followers.py): show they still keep up.
            settle = _caught_up(port, timeout=60, log=functools.partial(_server_errors, var, port))
        finally:
            _stop(server)
        others = {}
        for flag in ("--followers=threads", "--no-follow"):
            port = _free_port()
            server = zhifa_serve(var, port, flag)
            try:
                _wait_up(port)
                if flag != "--no-follow":
                    _caught_up(port, timeout=60, log=functools.partial(_server_errors, var, port))
                others[flag] = asyncio.run(_post_acts(port, officer, n_post))[:2]
            finally:
                _stop(server)
        inproc16 = writer_rate(build_ledger_copy, baseline_var, n_post, concurrency=16)
        inproc_all = writer_rate(build_ledger_copy, baseline_var, n_post)
    health, feed, not_modified, tile = gets
    acts, p99, _ = posted
    table = Table(title="web: one uvicorn worker over SQLite, loopback, bounded loops (rates beside same-run baselines)")
    for col in ("measure", "rate", "baseline", "baseline rate", "ratio", "target"):
        table.add_column(col, justify="right")
    table.add_row("GET /healthz (plain)", f"{health:,.0f} req/s", "–", "–", "–", "–")
    table.add_row("GET /feeds/checkpoints.atom (cached)", f"{feed:,.0f} req/s", "/healthz", f"{health:,.0f}", f"{feed / health:.2f}",
                  "≥0.5, ≥2,000/s " + ("✓" if feed >= 0.5 * health and feed >= 2000 else "✗"))
    table.add_row("feed 304 (If-None-Match)", f"{not_modified:,.0f} req/s", "/healthz", f"{health:,.0f}", f"{not_modified / health:.2f}", "–")
    table.add_row("GET /tile/0/000 (full tile)", f"{tile:,.0f} req/s", "/healthz", f"{health:,.0f}", f"{tile / health:.2f}", "–")
    rows = ((f"POST /api/acts, c=16: `zhifa serve` (followers in a child process at nice {FOLLOWER_NICENESS}, access log on; "
             f"sealed and projected {settle:.1f} s after the last POST)", acts, p99, True),
            ("the same, `--followers threads`", *others["--followers=threads"], False),
            ("the same, `--no-follow` (no sealer or projections)", *others["--no-follow"], False))
    for label, rate, tail, target in rows:
        verdict = ("≥0.5 " + ("✓" if rate >= 0.5 * inproc16 else "✗")) if target else "–"
        table.add_row(label, f"{rate:,.0f} acts/s, p99 {tail * 1000:.1f} ms", "in-process writer, 16 threads",
                      f"{inproc16:,.0f} acts/s", f"{rate / inproc16:.2f}", verdict)
    table.add_row("(stricter) same, against the writer fed all at once", f"{acts:,.0f} acts/s", "in-process writer, queue full",
                  f"{inproc_all:,.0f} acts/s", f"{acts / inproc_all:.2f}", "–")
    out.print(table)
    return 0


async def _measure(port: int, n_get: int) -> tuple[float, float, float, float]:
    await _load(port, [_get("/healthz"), _get("/feeds/checkpoints.atom")] * 200, 8)  # warm up
    health, _, s1 = await _load(port, [_get("/healthz")] * n_get, 32)
    feed, _, s2 = await _load(port, [_get("/feeds/checkpoints.atom")] * n_get, 32)
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    _, head, _ = await _request(reader, writer, _get("/feeds/checkpoints.atom"))
    writer.close()
    etag = next(line.split(b":", 1)[1].strip().decode() for line in head.split(b"\r\n") if line.lower().startswith(b"etag:"))
    not_modified, _, s3 = await _load(port, [_get("/feeds/checkpoints.atom", {"If-None-Match": etag})] * n_get, 32)
    tile, _, s4 = await _load(port, [_get("/tile/0/000")] * (n_get // 2), 32)
    assert s1 == {200: n_get} and s2 == {200: n_get} and s3 == {304: n_get} and s4 == {200: n_get // 2}, (s1, s2, s3, s4)
    return health, feed, not_modified, tile


async def _post_acts(port: int, officer: SigningKey, n: int) -> tuple[float, float, dict[int, int]]:
    envelopes = [sign(officer, log=ORIGIN, case=str(uuid.uuid4()), case_version=0, type="lead.received", actor=officer.name,
                      payload=LEAD) for _ in range(n)]
    acts, latencies, statuses = await _load(port, [_post("/api/acts", e) for e in envelopes], 16)
    assert statuses == {201: n}, statuses
    return acts, statuses_p99(latencies), statuses


def statuses_p99(latencies: list[float]) -> float:
    return statistics.quantiles(latencies, n=100)[98]


if __name__ == "__main__":
    sys.exit(main())
