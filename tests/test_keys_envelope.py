"""Key IDs, verifier-key text and the act → envelope → entry format against ../shared/vectors/README.md."""

from __future__ import annotations

import base64
import hashlib
import os
import re
import stat
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ledger import canonical
from ledger.court.keys import KeyFormatError, SigningKey, parse_private_key, parse_verifier_key
from ledger.envelope import ACT_DOMAIN, Act, Entry, entry_bytes, entry_hash, open_envelope, sign_act
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


# -- open_entry: the inlined path of whole-ledger checks must judge every entry exactly as the reference functions --

_ENTRY_EDITS: list[tuple[str, object]] = [
    ("recorded_at", "2026-13-01T00:00:00.000000Z"),  # month 13: matches the pattern, not a date
    ("recorded_at", "2026-02-30T00:00:00.000000Z"),
    ("recorded_at", "2026-01-01T24:00:00.000000Z"),
    ("recorded_at", "2026-01-01 00:00:00.000000Z"),
    ("recorded_at", "2026-01-01T00:00:00Z"),
    ("version", -1),
    ("version", 1.5),
    ("version", "1"),
    ("prev", base64.b64encode(bytes(31)).decode()),
    ("act_digest", base64.b64encode(bytes(33)).decode()),
    ("extra", 1),
]
_ACT_EDITS: list[tuple[str, object]] = [
    ("claimed_at", "2026-13-01T00:00:00.000000Z"),
    ("claimed_at", "2026-01-01T00:60:00.000000Z"),
    ("nonce", base64.b64encode(bytes(15)).decode()),
    ("case_version", -1),
    ("payload", {"fine": 1.5}),
    ("payload", {"b": 1, "a": 2}),  # unsorted keys, if encoded unsorted
    ("payload", {"text": "\u6cd5"}),
    ("type", 7),
]
_SIGNED_EDITS: list[tuple[str, object]] = [
    ("kid", "ABCDEF01"),
    ("kid", "abcdef0"),
    ("sig", base64.b64encode(bytes(63)).decode()),
    ("sig", base64.b64encode(bytes(64)).decode()[:-3] + "B=="),  # non-zero padding bits: decodes, not canonical
]


def _json(value: dict[str, object], how: str) -> bytes:
    import json

    if how == "canonical":
        return canonical.ENCODER.encode(value)
    if how == "unsorted":
        return json.dumps(dict(reversed(list(value.items()))), separators=(",", ":"), ensure_ascii=False).encode()
    if how == "spaced":
        return json.dumps(value, sort_keys=True, ensure_ascii=False).encode()
    return json.dumps(value, sort_keys=True, separators=(",", ":")).encode()  # "escaped": \\uXXXX for non-ASCII


def _outcome(fn: object, entry_data: bytes, envelope: bytes) -> tuple[object, ...]:
    try:
        return ("accepted", fn(entry_data, envelope))  # type: ignore[operator]
    except ValueError as exc:
        return ("refused", type(exc).__name__, str(exc))


def _entry_pair() -> tuple[dict[str, object], dict[str, object], dict[str, object]]:
    key = SigningKey("officer/3201-0007", SEED)
    act = Act(
        actor="person:3201-0007", case="c0ffee00-0000-4000-8000-000000000001", case_version=0,
        claimed_at="2026-11-20T01:30:00.000000Z", log="example.gov.cn/zhifa", nonce=bytes(range(16)),
        payload={"summary": "\u4e3e\u62a5\u7ebf\u7d22", "amount": 5000}, type="lead",
    )
    envelope = sign_act(act, key)
    entry = Entry(act_digest=hashlib.sha256(envelope).digest(), case=act.case, prev=bytes(32),
                  recorded_at="2026-11-20T01:30:02.123456Z", version=1)
    import json

    signed = json.loads(envelope)
    return json.loads(entry_bytes(entry)), signed, json.loads(base64.b64decode(signed["act"]))


def _mutated(
    entry_edit: tuple[str, object] | None,
    act_edit: tuple[str, object] | None,
    signed_edit: tuple[str, object] | None,
    how: str = "canonical",
    layer: str = "entry",
    flip: tuple[str, int, int] | None = None,
) -> tuple[bytes, bytes]:
    entry, signed, act = _entry_pair()
    for edit, target in ((entry_edit, entry), (act_edit, act), (signed_edit, signed)):
        if edit is not None:
            target[edit[0]] = edit[1]
    act_bytes = _json(act, how if layer == "act" else "canonical")
    signed["act"] = base64.b64encode(act_bytes).decode()
    envelope = _json(signed, how if layer == "signed" else "canonical")
    entry_data = _json(entry, how if layer == "entry" else "canonical")
    if flip is not None:
        part, at, value = flip
        data = bytearray(entry_data if part == "entry" else envelope)
        data[at % len(data)] = value
        entry_data, envelope = (bytes(data), envelope) if part == "entry" else (entry_data, bytes(data))
    return entry_data, envelope


_SINGLE = (
    [(e, None, None, "canonical", "entry") for e in _ENTRY_EDITS]
    + [(None, e, None, "canonical", "entry") for e in _ACT_EDITS]
    + [(None, None, e, "canonical", "entry") for e in _SIGNED_EDITS]
    + [(None, None, None, how, layer) for how in ("unsorted", "spaced", "escaped") for layer in ("entry", "signed", "act")]
)


@pytest.mark.parametrize(("entry_edit", "act_edit", "signed_edit", "how", "layer"), _SINGLE)
def test_open_entry_refuses_each_malformation_as_the_reference_does(
    entry_edit: tuple[str, object] | None,
    act_edit: tuple[str, object] | None,
    signed_edit: tuple[str, object] | None,
    how: str,
    layer: str,
) -> None:
    from ledger.envelope import open_entry, open_entry_reference

    entry_data, envelope = _mutated(entry_edit, act_edit, signed_edit, how, layer)
    got = _outcome(open_entry, entry_data, envelope)
    assert got == _outcome(open_entry_reference, entry_data, envelope)
    # Still well-formed: a negative version is the chain check's to judge, the encoder sorts the payload's keys,
    # and only the act holds non-ASCII text to escape.
    well_formed = {("version", -1), ("payload", "{'b': 1, 'a': 2}"), ("payload", "{'text': '\u6cd5'}")}
    edit = entry_edit or act_edit or signed_edit
    unchanged = (edit is not None and (edit[0], edit[1] if isinstance(edit[1], int) else str(edit[1])) in well_formed) or (
        how == "escaped" and layer != "act"
    )
    assert got[0] == ("accepted" if unchanged else "refused"), got


@settings(max_examples=300, deadline=None)
@given(
    entry_edit=st.none() | st.sampled_from(_ENTRY_EDITS),
    act_edit=st.none() | st.sampled_from(_ACT_EDITS),
    signed_edit=st.none() | st.sampled_from(_SIGNED_EDITS),
    how=st.sampled_from(["canonical", "canonical", "unsorted", "spaced", "escaped"]),
    layer=st.sampled_from(["entry", "signed", "act"]),
    flip=st.none() | st.tuples(st.sampled_from(["entry", "envelope"]), st.integers(0, 10**6), st.integers(0, 255)),
)
def test_open_entry_judges_as_the_reference_functions(
    entry_edit: tuple[str, object] | None,
    act_edit: tuple[str, object] | None,
    signed_edit: tuple[str, object] | None,
    how: str,
    layer: str,
    flip: tuple[str, int, int] | None,
) -> None:
    """Edits combined, and any byte of either part changed to any value."""
    from ledger.envelope import open_entry, open_entry_reference

    entry_data, envelope = _mutated(entry_edit, act_edit, signed_edit, how, layer, flip)
    assert _outcome(open_entry, entry_data, envelope) == _outcome(open_entry_reference, entry_data, envelope)


def test_open_entry_accepts_a_well_formed_entry() -> None:
    """The property above would hold if both refused everything: the unedited pair must be accepted."""
    from ledger.envelope import open_entry

    entry, signed, _ = _entry_pair()
    got = open_entry(canonical.ENCODER.encode(entry), canonical.ENCODER.encode(signed))
    assert got[0].version == 1 and got[2].type == "lead" and got[1].kid == signed["kid"]


def test_signing_key_derives_once_and_pickles_as_name_and_seed() -> None:
    import pickle

    key = SigningKey("officer/3201-0007", SEED)
    signature = key.sign(b"message")
    assert key.verifier is key.verifier and key.kid_hex == key.verifier.kid_hex
    copy = pickle.loads(pickle.dumps(key))
    assert copy == key and copy.__dict__.keys() == {"name", "seed"}  # no key object travels (nor could it)
    assert copy.sign(b"message") == signature and copy.verifier == key.verifier
