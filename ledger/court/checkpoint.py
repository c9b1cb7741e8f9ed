"""C2SP tlog-checkpoint (https://c2sp.org/tlog-checkpoint): a log's signed tree head as a signed note.

Note text: the origin line, the tree size (ASCII decimal, no leading zeros), the base64 root hash, then
optional non-empty extension lines; every line ends in a newline. Parsing is strict: base64 must be the
canonical padded encoding of exactly 32 bytes, so each checkpoint has exactly one spelling.

Imports only the standard library and ``cryptography`` (through :mod:`ledger.court.note`).
"""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass, field

from ledger.court import note
from ledger.court.keys import SigningKey, VerifierKey
from ledger.court.merkle import HASH_SIZE

_SIZE = re.compile(r"(?:0|[1-9][0-9]{0,19})", re.ASCII)  # at most 20 digits: a uint64 (larger is refused below)
MAX_SIZE = (1 << 64) - 1


class CheckpointError(ValueError):
    """A checkpoint is malformed, not signed by the log's key, or for another origin."""


def b64_32(text: str, what: str) -> bytes:
    """Decode canonical padded base64 of exactly 32 bytes."""
    try:
        raw = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise CheckpointError(f"{what} is not base64") from exc
    if len(raw) != HASH_SIZE or base64.b64encode(raw).decode() != text:
        raise CheckpointError(f"{what} must be the base64 of 32 bytes")
    return raw


@dataclass(frozen=True)
class Checkpoint:
    origin: str
    size: int
    root: bytes
    extensions: tuple[str, ...] = field(default=())

    def __post_init__(self) -> None:
        if not self.origin or "\n" in self.origin:
            raise CheckpointError("origin must be a non-empty line")
        if not 0 <= self.size <= MAX_SIZE:
            raise CheckpointError("tree size out of range")
        if len(self.root) != HASH_SIZE:
            raise CheckpointError("root hash must be 32 bytes")
        for ext in self.extensions:
            if not ext or "\n" in ext:
                raise CheckpointError("extension lines must be non-empty lines")

    @property
    def text(self) -> str:
        """The note text (what the log signs)."""
        lines = [self.origin, str(self.size), base64.b64encode(self.root).decode(), *self.extensions]
        return "".join(line + "\n" for line in lines)

    @classmethod
    def parse(cls, text: str) -> Checkpoint:
        """Parse a checkpoint *note text* (not a signed note: see :func:`open_checkpoint`)."""
        if not text.endswith("\n"):
            raise CheckpointError("checkpoint text must end in a newline")
        lines = text[:-1].split("\n")
        if len(lines) < 3:
            raise CheckpointError("checkpoint text needs origin, size and root lines")
        if any(not line for line in lines):
            raise CheckpointError("checkpoint lines must be non-empty")
        origin, size_text, root_text, *extensions = lines
        if not _SIZE.fullmatch(size_text):
            raise CheckpointError(f"tree size {size_text!r} is not a decimal without leading zeros")
        size = int(size_text)
        if size > MAX_SIZE:
            raise CheckpointError("tree size out of range")
        return cls(origin, size, b64_32(root_text, "root hash"), tuple(extensions))

    def sign(self, *keys: SigningKey) -> str:
        """The signed note of this checkpoint."""
        return note.sign(self.text, *keys)


def sign_checkpoint(checkpoint: Checkpoint, *keys: SigningKey) -> str:
    return checkpoint.sign(*keys)


def parse_unverified(note_text: str | bytes) -> Checkpoint:
    """The checkpoint in a signed note, *without* checking any signature (for reporting only)."""
    try:
        return Checkpoint.parse(note.parse(note_text).text)
    except note.NoteError as exc:
        raise CheckpointError(str(exc)) from exc


def open_checkpoint(note_text: str | bytes, log_key: VerifierKey, origin: str | None = None) -> Checkpoint:
    """Verify the log's signature on a checkpoint note and parse it.

    ``origin`` defaults to the log key's name (the project's rule: the log key is named by the origin).
    """
    expected = log_key.name if origin is None else origin
    try:
        verified = note.verify(note_text, [log_key])
    except note.NoteError as exc:
        raise CheckpointError(f"checkpoint not signed by {log_key.name}+{log_key.kid_hex}: {exc}") from exc
    checkpoint = Checkpoint.parse(verified.text)
    if checkpoint.origin != expected:
        raise CheckpointError(f"checkpoint origin {checkpoint.origin!r} is not {expected!r}")
    return checkpoint
