"""C2SP signed notes and tlog-checkpoints: the vectors of shared/vectors/README.md, the spec's example, and
malformed notes."""

from __future__ import annotations

import base64

import pytest

from ledger.court import merkle, note
from ledger.court.checkpoint import Checkpoint, CheckpointError, open_checkpoint, parse_unverified
from ledger.court.keys import SigningKey, parse_verifier_key

SEED = base64.b64decode("AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz")[1:]

V1_VKEY = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
V1_NOTE = (
    "If you think cryptography is the answer to your problem,\n"
    "then you don't know what your problem is.\n"
    "\n"
    "— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n"
)
V2_VKEY = "example.com/ledger-test+51e1d940+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
V2_NOTE = (
    "example.com/ledger-test\n"
    "8\n"
    "XcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\n"
    "\n"
    "— example.com/ledger-test UeHZQDpAIEB8fRvsp5pbR8Hd8AfuDCyEKjwAVDTRlwKjXGSOAvUsjLUOce8XXHsCfvH3wxA6LNLdkD95y9Ye2+9a+Aw=\n"
)
RFC6962_LEAVES = [
    "",
    "00",
    "10",
    "2021",
    "3031",
    "40414243",
    "5051525354555657",
    "606162636465666768696a6b6c6d6e6f",
]

# The example of c2sp.org/signed-note ("Verifier keys", Example).
SPEC_VKEY = "example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k"
SPEC_NOTE = (
    "This is an example message.\n"
    "\n"
    "— example.com/foo Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM=\n"
)


def test_vector1_key_ids() -> None:
    key = SigningKey("PeterNeumann", SEED)
    assert key.kid_hex == "c74f20a3"
    assert key.verifier.text == V1_VKEY
    assert SigningKey("example.com/ledger-test", SEED).kid_hex == "51e1d940"


def test_vector1_verifies_and_resigns_byte_for_byte() -> None:
    vkey = parse_verifier_key(V1_VKEY)
    opened = note.verify(V1_NOTE, [vkey])
    assert opened.text == V1_NOTE.split("\n\n")[0] + "\n"
    assert opened.signers == (vkey,)
    assert note.sign(opened.text, SigningKey("PeterNeumann", SEED)) == V1_NOTE
    assert note.verify(V1_NOTE.encode(), [vkey]).text == opened.text


def test_vector2_checkpoint_resigned_byte_for_byte() -> None:
    vkey = parse_verifier_key(V2_VKEY)
    assert vkey.kid_hex == "51e1d940"
    root = merkle.mth([bytes.fromhex(x) for x in RFC6962_LEAVES])
    checkpoint = Checkpoint("example.com/ledger-test", 8, root)
    assert checkpoint.sign(SigningKey("example.com/ledger-test", SEED)) == V2_NOTE
    assert open_checkpoint(V2_NOTE, vkey) == checkpoint
    assert Checkpoint.parse(checkpoint.text) == checkpoint


def test_spec_example_verifies() -> None:
    vkey = parse_verifier_key(SPEC_VKEY)
    assert note.verify(SPEC_NOTE, [vkey]).text == "This is an example message.\n"


def test_unknown_keys_are_ignored_but_someone_known_must_sign() -> None:
    vkey = parse_verifier_key(V1_VKEY)
    other = SigningKey.generate("witness.example/w1")
    cosigned = note.add_signatures(V1_NOTE, other)
    opened = note.verify(cosigned, [vkey])
    assert opened.signers == (vkey,)
    assert [s.name for s in opened.unverified] == ["witness.example/w1"]
    both = note.verify(cosigned, [vkey, other.verifier])
    assert set(both.signers) == {vkey, other.verifier}
    with pytest.raises(note.NoteVerificationError):
        note.verify(V1_NOTE, [other.verifier])
    with pytest.raises(note.NoteVerificationError):
        note.verify(V1_NOTE, [])
    # same name, different key (so a different key ID): ignored, not an error
    impostor = SigningKey.generate("PeterNeumann")
    with pytest.raises(note.NoteVerificationError):
        note.verify(V1_NOTE, [impostor.verifier])
    assert note.verify(note.add_signatures(V1_NOTE, impostor), [vkey]).signers == (vkey,)


def test_bad_signature_by_known_key_rejects_note() -> None:
    vkey = parse_verifier_key(V1_VKEY)
    changed = V1_NOTE.replace("cryptography", "Cryptography")
    with pytest.raises(note.NoteVerificationError):
        note.verify(changed, [vkey])
    sig = base64.b64decode(V1_NOTE.rsplit(" ", 1)[1])
    for i in (4, 30, 67):
        bad = bytearray(sig)
        bad[i] ^= 1
        text = V1_NOTE.rsplit(" ", 1)[0] + " " + base64.b64encode(bytes(bad)).decode() + "\n"
        with pytest.raises(note.NoteError):
            note.verify(text, [vkey])
    assert not note.signed_by(changed, vkey)
    assert note.signed_by(V1_NOTE, vkey)


def test_text_may_contain_blank_lines_split_at_last() -> None:
    key = SigningKey.generate("example.com/k")
    text = "first\n\nsecond\n\n"
    signed = note.sign(text, key)
    assert note.verify(signed, [key.verifier]).text == text


SIG_LINE = V1_NOTE.split("\n\n")[1]
BODY = V1_NOTE.split("\n\n")[0] + "\n"


@pytest.mark.parametrize(
    ("desc", "text"),
    [
        ("no blank line", BODY + SIG_LINE),
        ("no signatures", BODY + "\n"),
        ("signatures not newline-terminated", BODY + "\n" + SIG_LINE[:-1]),
        ("hyphen instead of em dash", BODY + "\n" + SIG_LINE.replace("—", "-")),
        ("missing space after dash", BODY + "\n" + SIG_LINE.replace("— ", "—")),
        ("no signature after name", BODY + "\n— PeterNeumann\n"),
        ("empty signature", BODY + "\n— PeterNeumann \n"),
        ("empty name", BODY + "\n— " + SIG_LINE.split(" ", 2)[2]),
        ("plus in name", BODY + "\n" + SIG_LINE.replace("PeterNeumann", "Peter+Neumann")),
        ("signature not base64", BODY + "\n— PeterNeumann not*base64\n"),
        ("signature too short", BODY + "\n— PeterNeumann AAAAAA==\n"),
        ("bad base64 padding", BODY + "\n" + SIG_LINE.replace("=\n", "\n")),
        ("blank line among signatures", BODY + "\n" + SIG_LINE + "\n" + SIG_LINE),
        ("control character", BODY.replace("problem,", "problem,\t") + "\n" + SIG_LINE),
        ("carriage return", BODY.replace("\n", "\r\n", 1) + "\n" + SIG_LINE),
        ("trailing garbage line", BODY + "\n" + SIG_LINE + "garbage\n"),
        ("too many signatures", BODY + "\n" + SIG_LINE * (note.MAX_SIGNATURES + 1)),
    ],
)
def test_malformed_notes_rejected(desc: str, text: str) -> None:
    vkey = parse_verifier_key(V1_VKEY)
    with pytest.raises(note.NoteError):
        note.verify(text, [vkey])


def test_invalid_utf8_rejected() -> None:
    vkey = parse_verifier_key(V1_VKEY)
    with pytest.raises(note.NoteError):
        note.verify(V1_NOTE.encode().replace(b"answer", b"\xffnswer"), [vkey])
    with pytest.raises(note.NoteError):
        note.parse("text \ud800\n\n" + SIG_LINE)


def test_sixteen_signatures_accepted() -> None:
    keys = [SigningKey.generate(f"example.com/w{i}") for i in range(16)]
    signed = note.sign("sixteen\n", *keys)
    assert len(note.verify(signed, [k.verifier for k in keys]).signers) == 16


def test_sign_refuses_bad_text_and_names() -> None:
    key = SigningKey.generate("example.com/k")
    for text in ("", "no newline", "tab\there\n"):
        with pytest.raises(note.NoteError):
            note.sign(text, key)
    with pytest.raises(note.NoteError):
        note.sign("text\n")
    with pytest.raises(note.NoteError):
        note.sign("text\n", SigningKey("bad name", SEED))


@pytest.mark.parametrize(
    "text",
    [
        "origin\n8\n",  # no root
        "origin\n08\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\n",  # leading zero
        "origin\n+8\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\n",
        "origin\n８\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\n",  # fullwidth digit
        "origin\n-1\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\n",
        "origin\n8\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQ=\n",  # 31 bytes
        "origin\n8\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg\n",  # unpadded
        "origin\n8\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyh=\n",  # non-canonical trailing bits
        "\n8\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\n",  # empty origin
        "origin\n8\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\n\nextension\n",  # empty line
        "origin\n8\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=",  # no final newline
        "origin\n18446744073709551616\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\n",  # > uint64
    ],
)
def test_malformed_checkpoints_rejected(text: str) -> None:
    with pytest.raises(CheckpointError):
        Checkpoint.parse(text)


def test_checkpoint_extensions_and_open() -> None:
    log = SigningKey.generate("example.com/log")
    cp = Checkpoint("example.com/log", 0, merkle.EMPTY_ROOT, ("ext one",))
    assert Checkpoint.parse(cp.text) == cp
    signed = cp.sign(log)
    assert open_checkpoint(signed, log.verifier) == cp
    assert parse_unverified(signed) == cp
    with pytest.raises(CheckpointError):
        open_checkpoint(signed, SigningKey.generate("example.com/log").verifier)  # other key, same name
    other_origin = Checkpoint("example.com/other", 0, merkle.EMPTY_ROOT).sign(log)
    with pytest.raises(CheckpointError):
        open_checkpoint(other_origin, log.verifier)
    assert (
        open_checkpoint(other_origin, log.verifier, origin="example.com/other").origin == "example.com/other"
    )
