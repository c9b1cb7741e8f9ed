"""The officer API: a signed act posted as bytes is appended (201 + receipt) or refused as problem+json with the
same code, titles and article the CLI prints, and then nothing is written. Evidence uploads are content-addressed."""

from __future__ import annotations

import base64
import hashlib
import json
import uuid

import pytest
from litestar.testing import TestClient

from ledger.errors import ActorMismatch, MalformedEnvelope, NonceReused, UnknownKey, VersionConflict
from ledger.ledger import sign
from tests.conftest import ORIGIN
from tests.webkit import WebLedger

LEAD = {"source": "complaint", "channel": "12345", "summary": "某超市销售过期食品", "catalog_item": None}


def _assert_problem(r: object, status: int, refusal: type) -> dict[str, object]:
    assert r.status_code == status, r.text  # type: ignore[attr-defined]
    assert r.headers["content-type"] == "application/problem+json"  # type: ignore[attr-defined]
    body: dict[str, object] = r.json()  # type: ignore[attr-defined]
    assert body["type"] == f"urn:zhifa:error:{refusal.code}" and body["code"] == refusal.code
    assert (body["title"], body["title_en"], body["status"]) == (refusal.title, refusal.title_en, status)
    assert set(body) == {"type", "title", "title_en", "status", "detail", "article", "code", "provisional"}
    return body


def test_a_signed_act_is_appended_and_answered_with_its_receipt(web_ledger: WebLedger) -> None:
    case, envelope = web_ledger.lead_envelope()
    with TestClient(web_ledger.app()) as client:
        before = web_ledger.fx.store.position()
        r = client.post("/api/acts", content=envelope, headers={"content-type": "application/json"})
        assert r.status_code == 201, r.text
        receipt = r.json()
        assert (receipt["stream"], receipt["version"], receipt["type"]) == (case, 1, "lead.received")
        assert receipt["position"] == before + 1 == web_ledger.fx.store.position()
        assert receipt["entry"]["act_digest"] == base64.b64encode(hashlib.sha256(envelope).digest()).decode()
        stored = web_ledger.fx.store.stream(case)[0]
        assert stored.envelope == envelope  # the signed bytes, untouched


def test_the_same_envelope_twice_is_409_nonce_reused_and_the_log_does_not_grow(web_ledger: WebLedger) -> None:
    _, envelope = web_ledger.lead_envelope()
    with TestClient(web_ledger.app()) as client:
        assert client.post("/api/acts", content=envelope).status_code == 201
        size = web_ledger.fx.store.position()
        body = _assert_problem(client.post("/api/acts", content=envelope), 409, NonceReused)
        assert "nonce" in str(body["detail"])
        assert web_ledger.fx.store.position() == size


def test_a_version_race_is_409_version_conflict(web_ledger: WebLedger) -> None:
    case = str(uuid.uuid4())
    envelope = sign(web_ledger.officer, log=ORIGIN, case=case, case_version=3, type="case.note", actor="officer/0001",
                    payload={"text": "现场检查"})
    with TestClient(web_ledger.app()) as client:
        size = web_ledger.fx.store.position()
        _assert_problem(client.post("/api/acts", content=envelope), 409, VersionConflict)
        assert web_ledger.fx.store.position() == size


@pytest.mark.parametrize("body", [b"", b"not json", b'{"act":"AA==","kid":"00000000","sig":"AA=="}', b"[1,2]", b'{"act": 1}'])
def test_malformed_envelopes_are_400(web_ledger: WebLedger, body: bytes) -> None:
    with TestClient(web_ledger.app()) as client:
        size = web_ledger.fx.store.position()
        _assert_problem(client.post("/api/acts", content=body), 400, MalformedEnvelope)
        assert web_ledger.fx.store.position() == size


def test_an_unregistered_key_is_401_and_a_key_signing_for_someone_else_is_403(web_ledger: WebLedger) -> None:
    from ledger.court.keys import SigningKey

    stranger = SigningKey.generate("officer/9999")
    _, envelope = web_ledger.lead_envelope(key=stranger)
    impostor = sign(web_ledger.officer, log=ORIGIN, case=str(uuid.uuid4()), case_version=0, type="lead.received",
                    actor="supervisor/0001", payload=LEAD)
    with TestClient(web_ledger.app()) as client:
        size = web_ledger.fx.store.position()
        _assert_problem(client.post("/api/acts", content=envelope), 401, UnknownKey)
        _assert_problem(client.post("/api/acts", content=impostor), 403, ActorMismatch)
        assert web_ledger.fx.store.position() == size


def test_a_rule_refusal_is_422_naming_the_article_exactly_as_the_cli_prints_it(web_ledger: WebLedger) -> None:
    from domain.case.common import CaseNotOpen

    case = str(uuid.uuid4())
    note = sign(web_ledger.officer, log=ORIGIN, case=case, case_version=0, type="case.note", actor="officer/0001",
                payload={"text": "现场检查"})
    with TestClient(web_ledger.app()) as client:
        body = _assert_problem(client.post("/api/acts", content=note), 422, CaseNotOpen)
        assert body["article"] == CaseNotOpen.article and "第五十四条" in str(body["article"])
    # the CLI refuses the same envelope with the same error, on one line (exit 1)
    from click.testing import CliRunner

    from zhifa.cli import main

    signed = web_ledger.settings.var_dir / "note.json"
    signed.write_bytes(note)
    env = {"ZHIFA_DATABASE_URL": web_ledger.settings.database_url, "ZHIFA_VAR_DIR": str(web_ledger.settings.var_dir),
           "ZHIFA_ORIGIN": ORIGIN}
    res = CliRunner().invoke(main, ["append", str(signed)], env=env)
    assert res.exit_code == 1
    line = f"{body['code']}: {body['title']} / {body['title_en']} {body['article']} — {body['detail']}"
    assert res.stderr.strip().replace("\n", "") == line
    assert web_ledger.fx.store.stream(case) == []


def test_an_oversized_act_body_is_413_problem_json(web_ledger: WebLedger) -> None:
    with TestClient(web_ledger.app(act_max_bytes=1024)) as client:
        r = client.post("/api/acts", content=b"{" + b" " * 4096 + b"}")
        assert r.status_code == 413 and r.headers["content-type"] == "application/problem+json"
        assert r.json()["code"] == "too-large"


# -- evidence -------------------------------------------------------------------------------------------------
def _token(wl: WebLedger, person: str = "officer/0001", role: str = "officer") -> str:
    from web.credentials import Credentials

    return Credentials(wl.fx.store).issue_token(person, role)


def test_evidence_is_stored_by_its_sha256_and_the_name_is_never_a_path(web_ledger: WebLedger) -> None:
    data = "现场照片".encode() * 5000
    auth = {"Authorization": f"Bearer {_token(web_ledger)}"}
    with TestClient(web_ledger.app()) as client:
        r = client.post("/api/evidence", content=data,
                        headers={**auth, "content-type": "application/octet-stream", "content-disposition": 'attachment; filename="../../x"'})
        assert r.status_code == 201, r.text
        assert r.json() == {"sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}
    folder = web_ledger.settings.evidence_dir
    assert sorted(p.name for p in folder.iterdir()) == [hashlib.sha256(data).hexdigest()]
    assert (folder / hashlib.sha256(data).hexdigest()).read_bytes() == data
    assert not (web_ledger.settings.var_dir.parent / "x").exists()


def test_an_upload_over_the_limit_is_413_and_nothing_is_kept(web_ledger: WebLedger) -> None:
    auth = {"Authorization": f"Bearer {_token(web_ledger)}"}

    def chunks() -> object:
        for _ in range(40):
            yield b"\x00" * 1024

    with TestClient(web_ledger.app(evidence_max_bytes=16 * 1024)) as client:
        r = client.post("/api/evidence", content=b"\x01" * (17 * 1024), headers=auth)
        assert r.status_code == 413 and r.json()["code"] == "too-large"
        r = client.post("/api/evidence", content=chunks(), headers=auth)  # streamed, no Content-Length
        assert r.status_code == 413 and r.json()["code"] == "too-large"
    folder = web_ledger.settings.evidence_dir
    assert not folder.exists() or list(folder.iterdir()) == []


def test_evidence_upload_needs_a_staff_credential(web_ledger: WebLedger) -> None:
    with TestClient(web_ledger.app()) as client:
        r = client.post("/api/evidence", content=b"x")
        assert r.status_code == 401 and r.json()["code"] == "unauthenticated"
        r = client.post("/api/evidence", content=b"x", headers={"Authorization": "Bearer zt_nope"})
        assert r.status_code == 401
    assert json.dumps(r.json(), ensure_ascii=False).count("zt_nope") == 0
