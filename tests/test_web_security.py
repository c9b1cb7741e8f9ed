"""Security of the web surface: path traversal and oversized bodies are refused cleanly (problem+json, nothing
read or written outside the stores), and no public route shows a natural person's personal data even when an act
carries it (only the non-public case API, behind a credential, does)."""

from __future__ import annotations

import uuid

from litestar.testing import TestClient

from domain.redact import contains_personal_data, id_card_checksum_ok
from ledger.ledger import sign
from tests.conftest import ORIGIN
from tests.webkit import WebLedger, wait_for_size
from web.credentials import Credentials

ID_NUMBER = "11010519491231002X"
PHONE = "13912345678"
NAME = "王小明"


def test_path_traversal_is_refused_cleanly(web_ledger: WebLedger) -> None:
    secret = web_ledger.settings.var_dir / "keys" / "log.key"
    assert secret.exists()
    with TestClient(web_ledger.app()) as client:
        wait_for_size(client, web_ledger.leaf_count())
        for path in ("/static/../keys/log.key", "/static/%2e%2e/keys/log.key", "/static/..%2fkeys%2flog.key",
                     "/tile/../../keys/log.key", "/tile/entries/..%2f..%2fkeys", "/feeds/..%2f..%2fkeys%2flog.key.json",
                     "/log/entries/..%2f1", "/cases/..%2f..%2fkeys/bundle"):
            r = client.get(path)
            assert r.status_code in (400, 401, 404), (path, r.status_code)
            assert "PRIVATE+KEY" not in r.text, path


def test_no_public_route_shows_a_natural_persons_data_the_acts_carry(web_ledger: WebLedger) -> None:
    assert id_card_checksum_ok(ID_NUMBER)
    case = str(uuid.uuid4())
    lead = sign(web_ledger.officer, log=ORIGIN, case=case, case_version=0, type="lead.received", actor="officer/0001",
                payload={"source": "complaint", "channel": "12345", "catalog_item": None,
                         "summary": f"{NAME}（身份证 {ID_NUMBER}，电话 {PHONE}）举报某超市销售过期食品"})
    with TestClient(web_ledger.app()) as client:
        assert client.post("/api/acts", content=lead).status_code == 201
        wait_for_size(client, web_ledger.leaf_count())
        size = int(client.get("/checkpoint").text.splitlines()[1])
        public = ["/", "/directory", "/verify", "/log/checkpoint", "/log/vkey", "/checkpoint", "/tile/entries/000.p/" + str(size),
                  "/feeds/disclosures.json", "/feeds/disclosures.atom", "/feeds/checkpoints.json", "/feeds/checkpoints.rss",
                  "/docs/openapi.json", "/readyz", "/metrics"]
        public += [f"/log/entries/{i}" for i in range(size)]
        for path in public:
            r = client.get(path)
            assert r.status_code == 200, path
            text = r.content.decode("utf-8", "replace")
            for secret in (ID_NUMBER, PHONE, NAME):
                assert secret not in text, (path, secret)
            if path != "/metrics":  # byte counts and timestamps are long numbers; the exact secrets are checked above
                assert not contains_personal_data(text), path
        # the data is there, behind a credential: the test would see it if a public route leaked it
        token = Credentials(web_ledger.fx.store).issue_token("officer/0001", "officer")
        timeline = client.get(f"/api/cases/{case}/timeline", headers={"Authorization": f"Bearer {token}"})
        assert ID_NUMBER in timeline.text and PHONE in timeline.text
