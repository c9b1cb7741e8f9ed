"""Ed25519 keys in the C2SP signed-note text forms: verifier keys and Go-style private key files."""

from __future__ import annotations

import base64
import hashlib
import os
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

ALG_ED25519 = 0x01


class KeyFormatError(ValueError):
    """A key text is malformed or its key ID does not match."""


def check_key_name(name: str) -> None:
    """C2SP signed-note names: non-empty, no Unicode spaces, no ``+``."""
    if not name or "+" in name or any(ch.isspace() for ch in name):
        raise KeyFormatError(f"key name {name!r} must be non-empty, without spaces or '+'")


def key_id(name: str, public_key: bytes) -> bytes:
    """First 4 bytes of SHA-256(name ‖ 0x0A ‖ 0x01 ‖ public key)."""
    return hashlib.sha256(name.encode() + b"\n" + bytes([ALG_ED25519]) + public_key).digest()[:4]


def verifier_key_text(name: str, public_key: bytes) -> str:
    check_key_name(name)
    body = base64.b64encode(bytes([ALG_ED25519]) + public_key).decode()
    return f"{name}+{key_id(name, public_key).hex()}+{body}"


@dataclass(frozen=True)
class VerifierKey:
    name: str
    kid: bytes
    public_key: bytes

    @property
    def kid_hex(self) -> str:
        return self.kid.hex()

    @property
    def text(self) -> str:
        return verifier_key_text(self.name, self.public_key)

    def verify(self, signature: bytes, message: bytes) -> bool:
        try:
            Ed25519PublicKey.from_public_bytes(self.public_key).verify(signature, message)
        except InvalidSignature:
            return False
        return True


def parse_verifier_key(text: str) -> VerifierKey:
    parts = text.strip().split("+", 2)
    if len(parts) != 3:
        raise KeyFormatError("verifier key must be name+keyid+base64")
    name, kid_hex, body = parts
    check_key_name(name)
    try:
        raw = base64.b64decode(body, validate=True)
    except ValueError as exc:
        raise KeyFormatError("verifier key body is not base64") from exc
    if len(raw) != 33 or raw[0] != ALG_ED25519:
        raise KeyFormatError("verifier key must be an Ed25519 key (0x01 ‖ 32 bytes)")
    public_key = raw[1:]
    if len(kid_hex) != 8 or kid_hex != key_id(name, public_key).hex():
        raise KeyFormatError(f"key ID {kid_hex!r} does not match the key")
    return VerifierKey(name, key_id(name, public_key), public_key)


@dataclass(frozen=True)
class SigningKey:
    """A named Ed25519 seed. The key object and the verifier key are derived once per instance (each derivation
    is a scalar multiplication, about a signature's cost, and signing an act needs both); pickling carries only
    the name and the seed."""

    name: str
    seed: bytes

    @classmethod
    def generate(cls, name: str) -> SigningKey:
        check_key_name(name)
        return cls(name, os.urandom(32))

    def __getstate__(self) -> dict[str, object]:
        return {"name": self.name, "seed": self.seed}

    @cached_property
    def _private(self) -> Ed25519PrivateKey:
        return Ed25519PrivateKey.from_private_bytes(self.seed)

    @property
    def public_key(self) -> bytes:
        return self.verifier.public_key

    @cached_property
    def verifier(self) -> VerifierKey:
        pk = self._private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        return VerifierKey(self.name, key_id(self.name, pk), pk)

    @property
    def kid_hex(self) -> str:
        return self.verifier.kid_hex

    def sign(self, message: bytes) -> bytes:
        return self._private.sign(message)

    @property
    def private_text(self) -> str:
        body = base64.b64encode(bytes([ALG_ED25519]) + self.seed).decode()
        return f"PRIVATE+KEY+{self.name}+{self.kid_hex}+{body}"

    def write(self, path: Path) -> None:
        """Write the private key file with mode 0600 (created so, never widened)."""
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(self.private_text + "\n")


def parse_private_key(text: str) -> SigningKey:
    parts = text.strip().split("+", 4)
    if len(parts) != 5 or parts[0] != "PRIVATE" or parts[1] != "KEY":
        raise KeyFormatError("private key must be PRIVATE+KEY+name+keyid+base64")
    _, _, name, kid_hex, body = parts
    check_key_name(name)
    try:
        raw = base64.b64decode(body, validate=True)
    except ValueError as exc:
        raise KeyFormatError("private key body is not base64") from exc
    if len(raw) != 33 or raw[0] != ALG_ED25519:
        raise KeyFormatError("private key must be an Ed25519 seed (0x01 ‖ 32 bytes)")
    key = SigningKey(name, raw[1:])
    if key.kid_hex != kid_hex:
        raise KeyFormatError(f"key ID {kid_hex!r} does not match the key")
    return key


def read_private_key(path: Path) -> SigningKey:
    return parse_private_key(path.read_text())
