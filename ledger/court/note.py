"""C2SP signed notes (https://c2sp.org/signed-note) with Ed25519 signatures.

A note is a text ending in a newline, a blank line, and one or more signature lines
``— <key name> base64(key ID ‖ signature)``. The text is split from the signatures at the *last* blank line.
Parsing follows the spec and golang.org/x/mod/sumdb/note: valid UTF-8, no ASCII control characters other than
newline, every signature line well formed, at most :data:`MAX_SIGNATURES` signatures. Verification ignores
signatures by unknown keys, rejects the note if a known key's signature fails, and rejects it if no known key
signed.

Imports only the standard library, ``cryptography`` (through :mod:`ledger.court.keys`) — the offline verifier uses it.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Iterable
from dataclasses import dataclass

from ledger.court.keys import KeyFormatError, SigningKey, VerifierKey, check_key_name

SIG_PREFIX = "\u2014 "  # em dash, space
MAX_SIGNATURES = 100  # the spec: at least 16 MUST be accepted; Go's note package stops at 100
MAX_NOTE_BYTES = 1 << 20  # 1 MiB: a checkpoint is ~100 bytes, 100 post-quantum signatures ~500 kB
ED25519_SIG_SIZE = 64
_CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f]")


class NoteError(ValueError):
    """A note is malformed."""


class NoteVerificationError(NoteError):
    """A note is well formed but no known key signed it, or a known key's signature is invalid."""


@dataclass(frozen=True)
class Signature:
    name: str
    key_id: bytes  # 4 bytes
    signature: bytes  # the signature proper (after the key ID)

    @property
    def line(self) -> str:
        return f"{SIG_PREFIX}{self.name} {base64.b64encode(self.key_id + self.signature).decode()}\n"


@dataclass(frozen=True)
class Note:
    text: str
    signatures: tuple[Signature, ...]

    def format(self) -> str:
        return format_note(self)


@dataclass(frozen=True)
class Verified:
    """An opened note: its text, the known keys whose signatures verified, the signatures by unknown keys."""

    text: str
    signers: tuple[VerifierKey, ...]
    unverified: tuple[Signature, ...]


def _as_text(note: str | bytes) -> str:
    if isinstance(note, bytes):
        if len(note) > MAX_NOTE_BYTES:
            raise NoteError("note is too large")
        try:
            return note.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise NoteError("note is not valid UTF-8") from exc
    try:
        size = len(note.encode("utf-8"))
    except UnicodeEncodeError as exc:  # lone surrogates
        raise NoteError("note is not valid UTF-8") from exc
    if size > MAX_NOTE_BYTES:
        raise NoteError("note is too large")
    return note


def check_text(text: str) -> None:
    """A note text: non-empty, ends in a newline, valid UTF-8, no control characters but newline."""
    _as_text(text)
    if not text.endswith("\n"):
        raise NoteError("note text must end in a newline")
    if _CONTROL.search(text):
        raise NoteError("note text contains an ASCII control character")


def _check_name(name: str) -> None:
    try:
        check_key_name(name)
    except KeyFormatError as exc:
        raise NoteError(str(exc)) from exc


def _b64(text: str) -> bytes:
    if not text:
        raise NoteError("empty base64")
    try:
        raw = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise NoteError("signature is not base64") from exc
    return raw


def parse(note: str | bytes) -> Note:
    """Split a signed note into its text and signature lines (no signature is checked here)."""
    msg = _as_text(note)
    if _CONTROL.search(msg):
        raise NoteError("note contains an ASCII control character")
    split = msg.rfind("\n\n")
    if split < 0:
        raise NoteError("note has no blank line before its signatures")
    text, sigs = msg[: split + 1], msg[split + 2 :]
    if not sigs or not sigs.endswith("\n"):
        raise NoteError("note has no signature lines, or they do not end in a newline")
    lines = sigs[:-1].split("\n")
    if len(lines) > MAX_SIGNATURES:
        raise NoteError(f"note has more than {MAX_SIGNATURES} signatures")
    out: list[Signature] = []
    for line in lines:
        if not line.startswith(SIG_PREFIX):
            raise NoteError(f"malformed signature line {line!r}")
        name, sep, b64 = line[len(SIG_PREFIX) :].partition(" ")
        if not sep:
            raise NoteError(f"malformed signature line {line!r}")
        _check_name(name)
        raw = _b64(b64)
        if len(raw) < 5:
            raise NoteError(f"signature of {name!r} is too short")
        out.append(Signature(name, raw[:4], raw[4:]))
    return Note(text, tuple(out))


def format_note(note: Note) -> str:
    check_text(note.text)
    if not note.signatures:
        raise NoteError("a signed note needs at least one signature")
    if len(note.signatures) > MAX_SIGNATURES:
        raise NoteError(f"more than {MAX_SIGNATURES} signatures")
    for sig in note.signatures:
        _check_name(sig.name)
    return note.text + "\n" + "".join(sig.line for sig in note.signatures)


def sign(text: str, *keys: SigningKey) -> str:
    """Sign ``text`` with each key (Ed25519) and return the signed note."""
    check_text(text)
    if not keys:
        raise NoteError("sign needs at least one key")
    message = text.encode("utf-8")
    sigs = []
    for key in keys:
        _check_name(key.name)
        sigs.append(Signature(key.name, key.verifier.kid, key.sign(message)))
    return format_note(Note(text, tuple(sigs)))


def add_signatures(note: str | bytes, *keys: SigningKey) -> str:
    """Cosign an existing note: keep its signatures (those by ``keys`` are replaced) and add the new ones."""
    parsed = parse(note)
    message = parsed.text.encode("utf-8")
    new = tuple(Signature(k.name, k.verifier.kid, k.sign(message)) for k in keys)
    replaced = {(s.name, s.key_id) for s in new}
    kept = tuple(s for s in parsed.signatures if (s.name, s.key_id) not in replaced)
    return format_note(Note(parsed.text, new + kept))


def verify(note: str | bytes, known: Iterable[VerifierKey]) -> Verified:
    """Open a note: verify every signature by a known key (name and key ID both match).

    Raises :class:`NoteError` if the note is malformed, :class:`NoteVerificationError` if a known key's
    signature fails or no known key signed.
    """
    parsed = parse(note)
    by_id = {(k.name, k.kid): k for k in known}
    message = parsed.text.encode("utf-8")
    signers: list[VerifierKey] = []
    unverified: list[Signature] = []
    seen: set[tuple[str, bytes]] = set()
    for sig in parsed.signatures:
        key = by_id.get((sig.name, sig.key_id))
        if key is None:
            if sig not in unverified:
                unverified.append(sig)
            continue
        if (sig.name, sig.key_id) in seen:
            continue
        seen.add((sig.name, sig.key_id))
        if len(sig.signature) != ED25519_SIG_SIZE or not key.verify(sig.signature, message):
            raise NoteVerificationError(f"invalid signature by known key {key.name}+{key.kid_hex}")
        signers.append(key)
    if not signers:
        raise NoteVerificationError("no known key signed the note")
    return Verified(parsed.text, tuple(signers), tuple(unverified))


def signed_by(note: str | bytes, key: VerifierKey) -> bool:
    """True iff the note is well formed and ``key`` signed it (other signatures are ignored)."""
    try:
        return key in verify(note, [key]).signers
    except NoteError:
        return False
