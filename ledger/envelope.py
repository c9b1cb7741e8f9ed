"""Acts, signed acts (envelopes) and ledger entries: the three byte formats of DESIGN.md, Formats."""

from __future__ import annotations

import hashlib
import os
import re
from typing import Any

import msgspec

from ledger import canonical
from ledger.keys import SigningKey, VerifierKey

ACT_DOMAIN = b"zhifa/act/v1\n"
ZERO_HASH = bytes(32)
NONCE_SIZE = 16
_KID = re.compile(r"^[0-9a-f]{8}$")


class Act(msgspec.Struct, forbid_unknown_fields=True):
    """What a person signs. ``case`` names the stream (a case UUID, or a registry stream id)."""

    actor: str
    case: str
    case_version: int
    claimed_at: str
    log: str
    nonce: bytes
    payload: dict[str, Any]
    type: str


class SignedAct(msgspec.Struct, forbid_unknown_fields=True):
    act: bytes
    kid: str
    sig: bytes


class Entry(msgspec.Struct, forbid_unknown_fields=True):
    """The public Merkle leaf: a digest of the envelope, linked to the previous entry of its stream."""

    act_digest: bytes
    case: str
    prev: bytes
    recorded_at: str
    version: int


class EnvelopeError(ValueError):
    """An act or envelope is malformed (not canonical, wrong sizes, unknown fields)."""


def act_bytes(act: Act) -> bytes:
    return canonical.encode(act)


def sign_act(act: Act, key: SigningKey) -> bytes:
    """Canonical signed-act bytes for ``act`` under ``key``."""
    body = act_bytes(act)
    return canonical.encode(SignedAct(act=body, kid=key.kid_hex, sig=key.sign(ACT_DOMAIN + body)))


def new_nonce() -> bytes:
    return os.urandom(NONCE_SIZE)


class Opened(msgspec.Struct, frozen=True):
    """A decoded envelope: its verbatim bytes, the act bytes and the decoded act."""

    envelope: bytes
    signed: SignedAct
    act: Act

    @property
    def act_digest(self) -> bytes:
        return hashlib.sha256(self.envelope).digest()


def open_envelope(envelope: bytes) -> Opened:
    """Decode and check the form of a signed act (not its signature: that needs the key registry)."""
    try:
        signed = canonical.decode(envelope, SignedAct)
        act = canonical.decode(signed.act, Act)
    except canonical.NonCanonicalError as exc:
        raise EnvelopeError(str(exc)) from exc
    if not _KID.match(signed.kid):
        raise EnvelopeError("kid must be 8 lowercase hex characters")
    if len(signed.sig) != 64:
        raise EnvelopeError("sig must be a 64-byte Ed25519 signature")
    if len(act.nonce) != NONCE_SIZE:
        raise EnvelopeError(f"nonce must be {NONCE_SIZE} bytes")
    if act.case_version < 0:
        raise EnvelopeError("case_version must be >= 0")
    try:
        canonical.parse_timestamp(act.claimed_at)
    except ValueError as exc:
        raise EnvelopeError(str(exc)) from exc
    return Opened(envelope=envelope, signed=signed, act=act)


def signature_valid(opened: Opened, key: VerifierKey) -> bool:
    return key.verify(opened.signed.sig, ACT_DOMAIN + opened.signed.act)


def entry_bytes(entry: Entry) -> bytes:
    return canonical.encode(entry)


def entry_hash(entry_data: bytes) -> bytes:
    """SHA-256(0x00 ‖ entry): the chain link and the RFC 6962 leaf hash at once."""
    return hashlib.sha256(b"\x00" + entry_data).digest()


def decode_entry(entry_data: bytes) -> Entry:
    try:
        entry = canonical.decode(entry_data, Entry)
    except canonical.NonCanonicalError as exc:
        raise EnvelopeError(str(exc)) from exc
    if len(entry.act_digest) != 32 or len(entry.prev) != 32:
        raise EnvelopeError("act_digest and prev must be 32 bytes")
    return entry
