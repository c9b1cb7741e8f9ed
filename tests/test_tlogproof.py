"""C2SP tlog-proof: format, parse and verify against the RFC 6962 8-leaf tree of the shared vectors."""

from __future__ import annotations

import base64
from collections.abc import Callable

import pytest

from ledger.court import merkle, tlogproof
from ledger.court.checkpoint import Checkpoint
from ledger.court.keys import SigningKey
from tests.test_note import RFC6962_LEAVES, SEED, V2_NOTE, V2_VKEY

LOG = SigningKey("example.com/ledger-test", SEED)
LEAF_HASHES = [merkle.leaf_hash(bytes.fromhex(x)) for x in RFC6962_LEAVES]
NODES = merkle.all_nodes(LEAF_HASHES)

# The example of c2sp.org/tlog-proof, with its (elided) checkpoint replaced by shared vector 2.
SPEC_HEAD = (
    "c2sp.org/tlog-proof@v1\n"
    "extra YWdlLXYxLjIuMS1kYXJ3aW4tYXJtNjQudGFyLmd6kYXJ3aW4tYXJ\n"
    "index 73894\n"
    "gSKyXoYZUgZ6jduWYrkDOARinOMGJveXjgMkBTcdPlQ=\n"
    "B95lDa8R83lS8n0eG+o0buTxRKQTYFi//1U8anccXmA=\n"
    "EKNzoDWG8LGC0Yp9o+sv3qllpMP9uHQ9B20KNL+Q1zs=\n"
    "RoopEkOdqkYqMB4MJXrbt/hMjOxsVn0IrWjpz1ZMMes=\n"
    "AHCioX9nLjsrse6YhjRRmk1WUEirVOLLRoOQ6vfO5vk=\n"
    "\n"
)


def _proof(index: int) -> str:
    return tlogproof.make_proof(index, merkle.inclusion_proof(index, 8, NODES), V2_NOTE)


def test_vector_checkpoint_is_this_tree() -> None:
    assert LOG.verifier.text == V2_VKEY
    assert Checkpoint("example.com/ledger-test", 8, merkle.root_from_nodes(8, NODES)).sign(LOG) == V2_NOTE


@pytest.mark.parametrize("index", range(8))
def test_every_leaf_verifies(index: int) -> None:
    text = _proof(index)
    assert text.startswith(f"c2sp.org/tlog-proof@v1\nindex {index}\n")
    assert text.endswith("\n\n" + V2_NOTE)
    checkpoint = tlogproof.verify(text, LEAF_HASHES[index], LOG.verifier)
    assert checkpoint.size == 8
    assert tlogproof.parse(text).text == text
    for other in range(8):
        if other != index:
            with pytest.raises(tlogproof.TlogProofError):
                tlogproof.verify(text, LEAF_HASHES[other], LOG.verifier)


def test_exact_text_for_leaf_5() -> None:
    proof = merkle.inclusion_proof(5, 8, NODES)
    want = (
        "c2sp.org/tlog-proof@v1\nindex 5\n"
        + "".join(base64.b64encode(h).decode() + "\n" for h in proof)
        + "\n"
        + V2_NOTE
    )
    assert _proof(5) == want
    assert len(proof) == 3


def test_spec_example_parses() -> None:
    proof = tlogproof.parse(SPEC_HEAD + V2_NOTE)
    assert proof.index == 73894
    assert len(proof.hashes) == 5
    assert proof.extra == base64.b64decode("YWdlLXYxLjIuMS1kYXJ3aW4tYXJtNjQudGFyLmd6kYXJ3aW4tYXJ")
    assert proof.checkpoint == V2_NOTE
    assert proof.text == SPEC_HEAD + V2_NOTE
    with pytest.raises(tlogproof.TlogProofError):  # index 73894 is not in a tree of 8
        tlogproof.verify(SPEC_HEAD + V2_NOTE, LEAF_HASHES[0], LOG.verifier)


def test_extra_round_trips_and_is_not_needed_to_verify() -> None:
    text = tlogproof.make_proof(3, merkle.inclusion_proof(3, 8, NODES), V2_NOTE, extra=b"context")
    assert "\nextra Y29udGV4dA==\n" in text
    assert tlogproof.parse(text).extra == b"context"
    tlogproof.verify(text, LEAF_HASHES[3], LOG.verifier)


def test_tampering_detected() -> None:
    good = _proof(2)
    lines = good.split("\n")
    # wrong index
    with pytest.raises(tlogproof.TlogProofError):
        tlogproof.verify(good.replace("index 2\n", "index 3\n"), LEAF_HASHES[2], LOG.verifier)
    # flipped proof hash
    h = bytearray(base64.b64decode(lines[2]))
    h[0] ^= 0x80
    flipped = good.replace(lines[2], base64.b64encode(bytes(h)).decode())
    with pytest.raises(tlogproof.TlogProofError):
        tlogproof.verify(flipped, LEAF_HASHES[2], LOG.verifier)
    # dropped proof hash
    with pytest.raises(tlogproof.TlogProofError):
        tlogproof.verify(good.replace(lines[3] + "\n", "", 1), LEAF_HASHES[2], LOG.verifier)
    # checkpoint signed by another key of the same name
    forged_log = SigningKey.generate("example.com/ledger-test")
    forged = Checkpoint("example.com/ledger-test", 8, merkle.root_from_nodes(8, NODES)).sign(forged_log)
    with pytest.raises(tlogproof.TlogProofError):
        tlogproof.verify(good.replace(V2_NOTE, forged), LEAF_HASHES[2], LOG.verifier)
    # checkpoint of a different tree
    other_root = merkle.root([*LEAF_HASHES, merkle.leaf_hash(b"x")])
    other = Checkpoint("example.com/ledger-test", 9, other_root).sign(LOG)
    with pytest.raises(tlogproof.TlogProofError):
        tlogproof.verify(good.replace(V2_NOTE, other), LEAF_HASHES[2], LOG.verifier)


@pytest.mark.parametrize(
    ("desc", "mutate"),
    [
        ("wrong header", lambda t: t.replace("tlog-proof@v1", "tlog-proof@v2")),
        ("leading zero index", lambda t: t.replace("index 2\n", "index 02\n")),
        ("negative index", lambda t: t.replace("index 2\n", "index -2\n")),
        ("index without space", lambda t: t.replace("index 2\n", "index2\n")),
        ("no index", lambda t: t.replace("index 2\n", "")),
        ("extra after index", lambda t: t.replace("index 2\n", "index 2\nextra AA==\n")),
        ("empty extra", lambda t: t.replace("index 2\n", "extra \nindex 2\n")),
        ("short hash", lambda t: t.replace("index 2\n", "index 2\nAAAA\n")),
        ("unpadded hash", lambda t: t.replace("=\n", "\n", 1)),
        ("no blank line", lambda t: t.replace("\n\n", "\n", 1)),
        ("no checkpoint", lambda t: t.split("\n\n")[0] + "\n\n"),
        ("CRLF", lambda t: t.replace("\n", "\r\n", 2)),
    ],
)
def test_malformed_proofs_rejected(desc: str, mutate: Callable[[str], str]) -> None:
    text = mutate(_proof(2))
    assert text != _proof(2)
    with pytest.raises(tlogproof.TlogProofError):
        tlogproof.verify(text, LEAF_HASHES[2], LOG.verifier)
