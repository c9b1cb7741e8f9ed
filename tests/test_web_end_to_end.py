"""Must-show 1, through HTTP only: sign an act with the CLI, POST it, see it on the SSE stream and in the case
timeline, fetch the feeds, download the bundle and verify it offline against /log/vkey; the same envelope posted
again is 409 and the log does not grow."""

from __future__ import annotations

import json
import threading
import time
import uuid

import feedparser
import httpx
from click.testing import CliRunner

from tests.conftest import ORIGIN
from tests.webkit import LiveServer, WebLedger
from zhifa.cli import main


def test_sign_post_stream_timeline_feed_bundle_verify_and_replay_refused(web_ledger: WebLedger) -> None:
    wl = web_ledger
    env = {"ZHIFA_DATABASE_URL": wl.settings.database_url, "ZHIFA_VAR_DIR": str(wl.settings.var_dir), "ZHIFA_ORIGIN": ORIGIN}
    cli = CliRunner()
    key_file = wl.settings.var_dir / "officer.key"
    wl.officer.write(key_file)
    case = str(uuid.uuid4())
    act_file = wl.settings.var_dir / "act.json"
    act_file.write_text(json.dumps({"case": case, "case_version": 0, "type": "lead.received", "payload": {
        "source": "complaint", "channel": "12345", "summary": "某超市销售过期食品", "catalog_item": None}}, ensure_ascii=False))
    signed = cli.invoke(main, ["act", "sign", "--key", str(key_file), str(act_file)], env=env)
    assert signed.exit_code == 0, signed.output
    envelope = signed.stdout.strip().encode()
    token = cli.invoke(main, ["tokens", "new", "--person", "supervisor/0001", "--role", "supervisor"], env=env).stdout.strip().splitlines()[-1]
    auth = {"Authorization": f"Bearer {token}"}

    with LiveServer(wl.app()) as server, httpx.Client(base_url=server.url, timeout=10) as http:
        while http.get("/checkpoint").status_code != 200:
            time.sleep(0.02)
        before = int(http.get("/checkpoint").text.splitlines()[1])
        seen: list[tuple[str, str]] = []

        def listen() -> None:  # the SSE stream from the current log position
            with httpx.stream("GET", f"{server.url}/events", headers={"Last-Event-ID": str(before)}, timeout=10) as resp:
                event = ""
                for line in resp.iter_lines():
                    if line.startswith("event: "):
                        event = line[7:]
                    elif line.startswith("data: ") and event:
                        seen.append((event, line[6:]))
                        if event == "checkpoint":
                            return

        listener = threading.Thread(target=listen)
        listener.start()
        r = http.post("/api/acts", content=envelope, headers={"Content-Type": "application/json"})
        assert r.status_code == 201, r.text
        receipt = r.json()
        listener.join(15)
        entries = [json.loads(d) for e, d in seen if e == "entry"]
        assert [e["entry_hash"] for e in entries] == [receipt["entry_hash"]]
        assert entries[0]["leaf_index"] == before and json.loads(seen[-1][1])["size"] == before + 1

        timeline = http.get(f"/api/cases/{case}/timeline", headers=auth).json()
        assert [(e["version"], e["type"], e["entry_hash"]) for e in timeline["entries"]] == [(1, "lead.received", receipt["entry_hash"])]
        assert timeline["entries"][0]["leaf_index"] == before

        feed = http.get("/feeds/checkpoints.json").json()
        assert feed["version"] == "https://jsonfeed.org/version/1.1" and feed["items"]
        atom = feedparser.parse(http.get("/feeds/disclosures.atom").content)
        assert not atom.bozo

        bundle = http.get(f"/cases/{case}/bundle", headers=auth)
        assert bundle.status_code == 200
        bundle_file = wl.settings.var_dir / "case.json"
        bundle_file.write_bytes(bundle.content)
        vkey = http.get("/log/vkey").text.strip()
        verified = cli.invoke(main, ["verify", str(bundle_file), "--log-key", vkey], env=env)
        assert verified.exit_code == 0, verified.output

        again = http.post("/api/acts", content=envelope)
        assert again.status_code == 409 and again.json()["code"] == "nonce-reused"
        time.sleep(0.3)  # a sealer pass
        assert int(http.get("/checkpoint").text.splitlines()[1]) == before + 1
        assert http.get(f"/log/entries/{before + 1}").status_code == 404
