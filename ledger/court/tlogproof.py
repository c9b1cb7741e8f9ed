"""C2SP tlog-proof (https://c2sp.org/tlog-proof): an offline-verifiable proof that an entry is in a log.

Format (lines end in a newline)::

    c2sp.org/tlog-proof@v1
    extra <base64>            (optional: opaque, unauthenticated)
    index <decimal, no leading zeros>
    <base64 proof hash>       (zero or more: RFC 6962 inclusion proof, leaf's sibling first)

    <the log's checkpoint note, verbatim>

Verification (the spec's steps): compute the leaf hash (the caller's part), check the checkpoint is signed by
the log key for its origin, then check the inclusion proof against the checkpoint's root. Witness cosignatures
are not required by this project's policy yet; signatures by unknown keys are ignored.

Imports only the standard library and ``cryptography``.
"""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass

from ledger.court import merkle
from ledger.court.checkpoint import Checkpoint, CheckpointError, b64_32, open_checkpoint
from ledger.court.keys import VerifierKey

HEADER = "c2sp.org/tlog-proof@v1"
_INDEX = re.compile(r"index (0|[1-9][0-9]{0,19})", re.ASCII)  # a uint64: at most 20 digits
MAX_INDEX = (1 << 64) - 1
MAX_PROOF_HASHES = 64  # a tree of 2**64 leaves has inclusion proofs of at most 64 hashes


class TlogProofError(ValueError):
    """A tlog-proof is malformed or does not verify."""


@dataclass(frozen=True)
class TlogProof:
    index: int
    hashes: tuple[bytes, ...]
    checkpoint: str  # the signed checkpoint note, verbatim
    extra: bytes | None = None

    @property
    def text(self) -> str:
        return format_proof(self)


def format_proof(proof: TlogProof) -> str:
    if proof.index < 0:
        raise TlogProofError("negative index")
    if any(len(h) != merkle.HASH_SIZE for h in proof.hashes):
        raise TlogProofError("proof hashes are 32 bytes")
    if len(proof.hashes) > MAX_PROOF_HASHES:
        raise TlogProofError("too many proof hashes")
    if proof.extra is not None and not proof.extra:
        raise TlogProofError("extra data, when present, is non-empty")
    lines = [HEADER]
    if proof.extra is not None:
        lines.append("extra " + base64.b64encode(proof.extra).decode())
    lines.append(f"index {proof.index}")
    lines.extend(base64.b64encode(h).decode() for h in proof.hashes)
    return "".join(line + "\n" for line in lines) + "\n" + proof.checkpoint


def make_proof(index: int, hashes: list[bytes], checkpoint_note: str, extra: bytes | None = None) -> str:
    return format_proof(TlogProof(index, tuple(hashes), checkpoint_note, extra))


def parse(text: str | bytes) -> TlogProof:
    """Parse a tlog-proof (structure only: the checkpoint's signature is checked by :func:`verify`)."""
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise TlogProofError("tlog-proof is not UTF-8") from exc
    head, sep, checkpoint_note = text.partition("\n\n")
    if not sep:
        raise TlogProofError("tlog-proof has no blank line before its checkpoint")
    if not checkpoint_note:
        raise TlogProofError("tlog-proof has no checkpoint")
    lines = head.split("\n")
    if lines[0] != HEADER:
        raise TlogProofError(f"tlog-proof must start with {HEADER!r}")
    pos = 1
    extra: bytes | None = None
    if pos < len(lines) and lines[pos].startswith("extra "):
        try:
            extra = base64.b64decode(lines[pos][6:], validate=True)
        except (binascii.Error, ValueError) as exc:
            raise TlogProofError("extra data is not base64") from exc
        if not extra or base64.b64encode(extra).decode() != lines[pos][6:]:
            raise TlogProofError("extra data must be non-empty canonical base64")
        pos += 1
    if pos >= len(lines):
        raise TlogProofError("tlog-proof has no index line")
    match = _INDEX.fullmatch(lines[pos])
    if not match:
        raise TlogProofError(f"malformed index line {lines[pos]!r}")
    index = int(match.group(1))
    if index > MAX_INDEX:
        raise TlogProofError("index out of range (a uint64)")
    hash_lines = lines[pos + 1 :]
    if len(hash_lines) > MAX_PROOF_HASHES:
        raise TlogProofError("too many proof hashes")
    try:
        hashes = tuple(b64_32(line, "proof hash") for line in hash_lines)
    except CheckpointError as exc:
        raise TlogProofError(str(exc)) from exc
    return TlogProof(index, hashes, checkpoint_note, extra)


def verify(
    text: str | bytes, leaf_hash: bytes, log_key: VerifierKey, origin: str | None = None
) -> Checkpoint:
    """Verify a tlog-proof for ``leaf_hash``; return the (verified) checkpoint it proves inclusion in."""
    proof = parse(text)
    try:
        checkpoint = open_checkpoint(proof.checkpoint, log_key, origin)
    except CheckpointError as exc:
        raise TlogProofError(str(exc)) from exc
    if not merkle.verify_inclusion(leaf_hash, proof.index, checkpoint.size, proof.hashes, checkpoint.root):
        raise TlogProofError(f"inclusion proof of leaf {proof.index} does not match the checkpoint root")
    return checkpoint
