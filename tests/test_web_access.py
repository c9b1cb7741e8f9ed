"""Credentials and non-public reads: `zhifa tokens new` prints a token once (stored hashed), guards check the
person's role in the registry, case reads are recorded in the access log, and a party's access code opens only
its own case's bundle."""

from __future__ import annotations

import uuid

from click.testing import CliRunner
from litestar.testing import TestClient

from ledger.court.verify import verify_bundle
from tests.conftest import ORIGIN
from tests.webkit import WebLedger
from web.credentials import Credentials
from zhifa.cli import main


def _env(wl: WebLedger) -> dict[str, str]:
    return {"ZHIFA_DATABASE_URL": wl.settings.database_url, "ZHIFA_VAR_DIR": str(wl.settings.var_dir), "ZHIFA_ORIGIN": ORIGIN}


def _cli_token(wl: WebLedger, person: str, role: str) -> str:
    res = CliRunner().invoke(main, ["tokens", "new", "--person", person, "--role", role], env=_env(wl))
    assert res.exit_code == 0, res.output
    return res.stdout.strip().splitlines()[-1]


def _open_case(wl: WebLedger, client: TestClient) -> str:  # type: ignore[type-arg]
    case, envelope = wl.lead_envelope()
    assert client.post("/api/acts", content=envelope).status_code == 201
    return case


def test_tokens_new_prints_the_token_once_on_its_last_line_and_stores_only_its_hash(web_ledger: WebLedger) -> None:
    token = _cli_token(web_ledger, "supervisor/0001", "supervisor")
    assert token.startswith("zt_") and len(token) > 40
    with web_ledger.fx.store.db.read() as cur:
        rows = cur.execute("SELECT digest, person, role FROM zhifa_tokens").fetchall()
    assert len(rows) == 1 and rows[0][1:] == ("supervisor/0001", "supervisor")
    assert token.encode() not in rows[0][0] and len(rows[0][0]) == 32
    # a person not registered with the role gets no token
    res = CliRunner().invoke(main, ["tokens", "new", "--person", "officer/0001", "--role", "supervisor"], env=_env(web_ledger))
    assert res.exit_code == 1 and "not registered" in res.stderr


def test_unauthenticated_and_wrong_role_calls_get_401_and_403(web_ledger: WebLedger) -> None:
    officer = _cli_token(web_ledger, "officer/0001", "officer")
    with TestClient(web_ledger.app()) as client:
        case = _open_case(web_ledger, client)
        for path in (f"/api/cases/{case}", f"/api/cases/{case}/timeline", "/api/supervise/access-log",
                     "/api/supervise/access-log.csv", f"/cases/{case}/bundle"):
            r = client.get(path)
            assert r.status_code == 401 and r.json()["code"] == "unauthenticated", path
            r = client.get(path, headers={"Authorization": "Bearer zt_forged"})
            assert r.status_code == 401, path
            r = client.get(path, headers={"Authorization": "Basic abc"})
            assert r.status_code == 401, path
        auth = {"Authorization": f"Bearer {officer}"}
        r = client.get("/api/supervise/access-log", headers=auth)
        assert r.status_code == 403 and r.json()["code"] == "role-required"
        assert client.get(f"/cases/{case}/bundle", headers=auth).status_code == 403
        assert client.get(f"/api/cases/{case}", headers=auth).status_code == 200


def test_a_revoked_token_or_a_revoked_key_closes_the_door(web_ledger: WebLedger) -> None:
    token = _cli_token(web_ledger, "supervisor/0001", "supervisor")
    other = _cli_token(web_ledger, "officer/0001", "officer")
    auth = {"Authorization": f"Bearer {token}"}
    with TestClient(web_ledger.app()) as client:
        assert client.get("/api/supervise/access-log", headers=auth).status_code == 200
        res = CliRunner().invoke(main, ["tokens", "revoke", token], env=_env(web_ledger))
        assert res.exit_code == 0, res.output
        assert client.get("/api/supervise/access-log", headers=auth).status_code == 401
        # the officer's key revoked in the registry: the token no longer carries the role
        kid = web_ledger.officer.verifier.kid_hex
        fx = web_ledger.fx
        state = fx.store.stream_state("person:officer/0001")
        assert state is not None
        fx.writer.append(fx.act(fx.authority, "person:officer/0001", state[0], "key.revoked", {"kid": kid, "reason": "调离"}))
        client.app.state.services.refresh()
        case = str(uuid.uuid4())
        r = client.get(f"/api/cases/{case}", headers={"Authorization": f"Bearer {other}"})
        assert r.status_code == 403 and "no longer" in r.json()["detail"]


def test_case_state_and_timeline_replay_as_of_a_version_and_reads_are_in_the_access_log(web_ledger: WebLedger) -> None:
    from ledger.ledger import sign

    officer = _cli_token(web_ledger, "officer/0001", "officer")
    supervisor = _cli_token(web_ledger, "supervisor/0001", "supervisor")
    auth = {"Authorization": f"Bearer {officer}"}
    with TestClient(web_ledger.app()) as client:
        case = _open_case(web_ledger, client)
        for version in (1, 2):
            note = sign(web_ledger.officer, log=ORIGIN, case=case, case_version=version, type="case.note",
                        actor="officer/0001", payload={"text": f"第{version}次现场检查"})
            assert client.post("/api/acts", content=note).status_code == 201
        now = client.get(f"/api/cases/{case}", headers=auth).json()
        assert now["version"] == 3 and now["state"]["version"] == 3
        then = client.get(f"/api/cases/{case}", params={"version": 1}, headers=auth).json()
        assert then["version"] == 1 and then["state"]["version"] == 1 and then["state"]["acts"] == ["lead.received"]
        timeline = client.get(f"/api/cases/{case}/timeline", headers=auth).json()
        assert [e["type"] for e in timeline["entries"]] == ["lead.received", "case.note", "case.note"]
        cut = client.get(f"/api/cases/{case}/timeline", params={"as_of": timeline["entries"][0]["recorded_at"]}, headers=auth)
        assert [e["version"] for e in cut.json()["entries"]] == [1]
        assert client.get(f"/api/cases/{case}", params={"as_of": "not a time"}, headers=auth).status_code == 400
        assert client.get(f"/api/cases/{uuid.uuid4()}", headers=auth).status_code == 404
        log = client.get("/api/supervise/access-log", headers={"Authorization": f"Bearer {supervisor}"}).json()
        reads = [(e["person"], e["action"], e["subject"]) for e in log]
        assert ("officer/0001", "case.state", case) in reads and ("officer/0001", "case.timeline", case) in reads
        csv = client.get("/api/supervise/access-log.csv", headers={"Authorization": f"Bearer {supervisor}"})
        assert csv.headers["content-type"].startswith("text/csv")
        assert csv.text.splitlines()[0] == "at,person,role,action,subject" and case in csv.text


def test_a_bundle_for_a_supervisor_verifies_offline_against_the_published_log_key(web_ledger: WebLedger) -> None:
    supervisor = _cli_token(web_ledger, "supervisor/0001", "supervisor")
    with TestClient(web_ledger.app()) as client:
        case = _open_case(web_ledger, client)
        from tests.webkit import wait_for_size

        wait_for_size(client, web_ledger.leaf_count())
        r = client.get(f"/cases/{case}/bundle", headers={"Authorization": f"Bearer {supervisor}"})
        assert r.status_code == 200, r.text
        report = verify_bundle(r.json(), client.get("/log/vkey").text.strip())
        assert report.ok, report
        assert r.headers["cache-control"] == "no-store"


def test_a_partys_access_code_opens_its_own_case_bundle_and_no_other(web_ledger: WebLedger) -> None:
    with TestClient(web_ledger.app()) as client:
        mine, theirs = _open_case(web_ledger, client), _open_case(web_ledger, client)
        from tests.webkit import wait_for_size

        wait_for_size(client, web_ledger.leaf_count())
        res = CliRunner().invoke(main, ["tokens", "access-code", "--case", mine, "--issued-by", "supervisor/0001"], env=_env(web_ledger))
        assert res.exit_code == 0, res.output
        code = res.stdout.strip().splitlines()[-1]
        r = client.get(f"/cases/{mine}/bundle", headers={"X-Access-Code": code})
        assert r.status_code == 200 and r.json()["format"] == "zhifa-bundle/v1"
        r = client.get(f"/cases/{theirs}/bundle", headers={"X-Access-Code": code})
        assert r.status_code == 403 and r.json()["code"] == "role-required"
        assert client.get(f"/cases/{mine}/bundle", headers={"X-Access-Code": "zc_guess"}).status_code == 401
        # an access code opens the bundle only, not the case API
        assert client.get(f"/api/cases/{mine}", headers={"X-Access-Code": code}).status_code == 401
    assert Credentials(web_ledger.fx.store).access_log()[0][3] == "case.bundle"
