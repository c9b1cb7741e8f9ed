"""The web service as `zhifa serve` runs it by default: the sealer and the projection runner in one child process.
Acts appended through the API get sealed and projected by that child; a child that dies makes the service not
ready; and a child whose server was killed outright stops by itself."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

from litestar.testing import TestClient

from projections.cases import TABLE as CASES_TABLE
from tests.webkit import WebLedger, wait_for_size
from web.app import create_app
from zhifa.cli_web import serve_options


def _default_app(wl: WebLedger):  # type: ignore[no-untyped-def]
    """`zhifa serve`'s options with its default flags, but a short poll interval and no request log."""
    from dataclasses import replace

    opts = replace(serve_options(), poll_interval=0.05, request_log=False)
    return create_app(wl.settings, options=opts, store=wl.fx.store)


def test_by_default_a_child_process_seals_and_projects_what_the_api_appends(web_ledger: WebLedger) -> None:
    with TestClient(_default_app(web_ledger)) as client:
        services = client.app.state.services
        assert services._child is not None and services.sealer is None and not services.runner_running
        assert services.store.db.checkpoints_elsewhere  # the child checkpoints the WAL, not the server's commits
        cases = [web_ledger.lead_envelope() for _ in range(3)]
        for _, envelope in cases:
            assert client.post("/api/acts", content=envelope).status_code == 201
        wait_for_size(client, web_ledger.leaf_count(), timeout=30)
        assert services.runner.wait(web_ledger.fx.store.position(), timeout=30)
        for case, _ in cases:  # the case-state view holds them, written by the child
            with web_ledger.fx.store.db.read() as cur:
                assert cur.execute(f"SELECT 1 FROM {CASES_TABLE} WHERE case_id=?", (case,)).fetchone() is not None
        assert client.get("/readyz").status_code == 200


def test_the_followers_run_at_a_lower_cpu_priority_than_the_server(web_ledger: WebLedger) -> None:
    """The request path goes first when the cores are busy (web/followers.py); the child still seals and projects."""
    import os

    from web.followers import FOLLOWER_NICENESS

    assert FOLLOWER_NICENESS > 0
    with TestClient(_default_app(web_ledger)) as client:
        child = client.app.state.services._child
        expected = min(19, os.getpriority(os.PRIO_PROCESS, 0) + FOLLOWER_NICENESS)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and os.getpriority(os.PRIO_PROCESS, child.pid) != expected:
            time.sleep(0.02)  # the child lowers its own priority as it starts
        assert os.getpriority(os.PRIO_PROCESS, child.pid) == expected
        _, envelope = web_ledger.lead_envelope()
        assert client.post("/api/acts", content=envelope).status_code == 201
        wait_for_size(client, web_ledger.leaf_count(), timeout=30)
        assert client.app.state.services.runner.wait(web_ledger.fx.store.position(), timeout=30)


def test_a_dead_followers_process_makes_the_service_not_ready(web_ledger: WebLedger) -> None:
    with TestClient(_default_app(web_ledger)) as client:
        assert client.get("/readyz").status_code == 200
        child = client.app.state.services._child
        child.kill()
        child.wait(10)
        r = client.get("/readyz")
        assert r.status_code == 503
        assert any("followers' process" in p and str(child.returncode) in p for p in r.json()["problems"])


def test_the_followers_stop_by_themselves_when_their_server_is_killed(web_ledger: WebLedger, tmp_path: Path) -> None:
    s = web_ledger.settings
    parent = (
        "import os, signal, subprocess, sys\n"
        f"child = subprocess.Popen([sys.executable, '-m', 'web.followers', {s.database_url!r}, '', "
        f"{str(s.checkpoints_file)!r}, '0.05', str(os.getpid())])\n"
        "print(child.pid, flush=True)\n"
        "os.kill(os.getpid(), signal.SIGKILL)\n"
    )
    out = subprocess.run([sys.executable, "-c", parent], capture_output=True, text=True, timeout=60,
                         cwd=Path(__file__).resolve().parent.parent)
    pid = int(out.stdout.split()[0])
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and _running(pid):
        time.sleep(0.1)
    assert not _running(pid), "the orphaned followers process is still running"


def _running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state not in ("Z", "X")


def test_serve_runs_the_followers_as_a_child_process_unless_told_otherwise() -> None:
    assert serve_options().followers == "process" and serve_options().follow and serve_options().request_log
    assert serve_options(followers="threads").followers == "threads"


def test_a_failed_projection_batch_is_logged_and_following_goes_on(caplog) -> None:  # type: ignore[no-untyped-def]
    import threading

    from projections.runner import follow_retrying
    from web.followers import log

    stop = threading.Event()
    calls: list[float] = []

    class FailingOnce:
        def follow(self, stop_event: threading.Event, interval: float) -> None:
            calls.append(interval)
            if len(calls) == 1:
                raise RuntimeError("database is locked")
            stop_event.set()

    with caplog.at_level("ERROR", logger="zhifa.followers"):
        follow_retrying(FailingOnce(), stop, 0.01, log)  # type: ignore[arg-type]  # as web.followers.run calls it
    assert calls == [0.01, 0.01] and stop.is_set()
    assert "projection batch failed" in caplog.text and "database is locked" in caplog.text


def test_the_followers_checkpoint_thread_copies_the_wal_that_the_commits_leave(tmp_path: Path) -> None:
    import os
    import threading

    from tests.test_write_gate import _ledger, _write_pages
    from web.followers import checkpoint_wal

    path = tmp_path / "l.sqlite"
    store = _ledger(path)
    store.db.checkpoints_elsewhere = True
    try:
        _write_pages(store, 2500)
        grown = os.path.getsize(f"{path}-wal")
        stop = threading.Event()
        thread = threading.Thread(target=checkpoint_wal, args=(store, stop, 0.05))
        thread.start()
        time.sleep(0.5)
        stop.set()
        thread.join()
        _write_pages(store, 300)  # after the checkpoint the WAL is written again from its start
        assert os.path.getsize(f"{path}-wal") == grown
    finally:
        store.close()
