"""Key IDs, verifier-key text and the act → envelope → entry format against ../shared/vectors/README.md."""

from __future__ import annotations

import base64
import hashlib
import os
import re
import stat
from pathlib import Path

import pytest

from ledger import canonical
from ledger.envelope import ACT_DOMAIN, Act, Entry, entry_bytes, entry_hash, open_envelope, sign_act
from ledger.keys import KeyFormatError, SigningKey, parse_private_key, parse_verifier_key
from tests.conftest import VECTORS

README = (VECTORS / "README.md").read_text()


def vector(label: str) -> str:
    """The first indented line after ``label`` in the vectors README."""
    rest = README[README.index(label) + len(label) :]
    return next(line.strip() for line in rest.splitlines() if line.strip())


SEED = base64.b64decode("AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz")[1:]  # vector 1 private seed


def test_vector_keys_from_readme() -> None:
    # All three verifier keys in the README share the vector-1 seed under different names.
    assert "AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz" in README
    for name in ("PeterNeumann", "example.com/ledger-test", "officer/3201-0007"):
        m = re.search(r"vkey: (" + re.escape(name) + r"\+[0-9a-f]{8}\+\S+)", README)
        assert m, name
        text = m.group(1)
        key = SigningKey(name, SEED)
        assert key.verifier.text == text
        parsed = parse_verifier_key(text)
        assert parsed.public_key == key.public_key and parsed.kid_hex == text.split("+")[1]
    assert SigningKey("PeterNeumann", SEED).kid_hex == "c74f20a3"
    assert SigningKey("example.com/ledger-test", SEED).kid_hex == "51e1d940"


def test_key_id_is_sha256_of_name_newline_alg_key() -> None:
    key = SigningKey.generate("officer/1")
    want = hashlib.sha256(b"officer/1\n\x01" + key.public_key).digest()[:4].hex()
    assert key.kid_hex == want


@pytest.mark.parametrize(
    "text",
    [
        "PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",  # wrong key id
        "PeterNeumann+c74f20a3+AhpcDQcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",  # wrong algorithm byte
        "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10",  # short key
        "Peter Neumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",  # space in name
        "PeterNeumann",
    ],
)
def test_bad_verifier_keys_are_refused(text: str) -> None:
    with pytest.raises(KeyFormatError):
        parse_verifier_key(text)


def test_private_key_file_roundtrip_and_mode(tmp_path: Path) -> None:
    key = SigningKey.generate("officer/3201-0007")
    path = tmp_path / "k" / "officer.key"
    key.write(path)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert parse_private_key(path.read_text()) == key
    with pytest.raises(FileExistsError):
        key.write(path)
    with pytest.raises(KeyFormatError):
        parse_private_key(path.read_text().replace("officer/3201-0007", "officer/3201-0008"))


def test_worked_example_byte_for_byte() -> None:
    key = SigningKey("officer/3201-0007", SEED)
    act_text = vector("Act bytes (canonical; the `nonce` is bytes 0..15):").encode()
    act = canonical.decode(act_text, Act)
    assert act.nonce == bytes(range(16))
    envelope = sign_act(act, key)
    assert envelope == vector("Signed act (the signature covers `zhifa/act/v1` ‖ newline ‖ act bytes):").encode()
    opened = open_envelope(envelope)
    assert key.verifier.verify(opened.signed.sig, ACT_DOMAIN + act_text)
    assert base64.b64encode(opened.act_digest).decode() == "RYlP7t1Tk7QrBqXdpSHhMBoIX3rNEEOKYymwFOfdX/I="
    entry = entry_bytes(
        Entry(
            act_digest=opened.act_digest,
            case=act.case,
            prev=bytes(32),
            recorded_at="2026-11-20T01:30:02.123456Z",
            version=1,
        )
    )
    assert entry == vector("Entry bytes (version 1, so `prev` is 32 zero bytes):").encode()
    assert entry_hash(entry).hex() == "cf05d66c8ed5d41c47d914029692974d135ae7c70d17be8eb209c6614ae9cd6e"
