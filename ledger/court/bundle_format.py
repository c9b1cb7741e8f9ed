"""The court bundle ``zhifa-bundle/v1``: one JSON document a court verifies offline (see :mod:`ledger.court.verify`).

Shape (plain dicts and lists, stdlib ``json``)::

    {"format": "zhifa-bundle/v1",
     "origin": <log origin>,
     "checkpoint": <signed checkpoint note>,
     "streams": [{"id": <stream id>,
                  "entries": [{"version", "leaf_index",
                               "entry": base64(exact entry bytes), "envelope": base64(exact signed-act bytes),
                               "proof": <tlog-proof whose checkpoint is "checkpoint", byte for byte>}]}],
     "manifest": <note signed by the log key: see manifest_text>,
     "consistency": null | {"from": <older checkpoint note>, "proof": [base64 hash, ...]},
     "evidence": [{"sha256": hex, "size": int, "name": str}]}

The manifest fixes each stream's head (version and entry hash) at the checkpoint, so a bundle whose streams are
cut off or thinned out is caught. Imports only the standard library and ``cryptography``.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ledger.court import note
from ledger.court.checkpoint import parse_unverified
from ledger.court.keys import SigningKey

FORMAT = "zhifa-bundle/v1"
MANIFEST_HEADER = "zhifa-bundle-manifest/v1"
_STREAM_ID = re.compile(r"[^\s\x00-\x1f]+")
_HEX32 = re.compile(r"[0-9a-f]{64}")


class BundleFormatError(ValueError):
    """A bundle (or a part of one) does not have the zhifa-bundle/v1 shape."""


def entry_hash(entry: bytes) -> bytes:
    """SHA-256(0x00 ‖ entry): the chain link and the Merkle leaf hash."""
    return hashlib.sha256(b"\x00" + entry).digest()


@dataclass(frozen=True)
class BundleEntry:
    version: int
    leaf_index: int
    entry: bytes
    envelope: bytes
    proof: str  # tlog-proof text


@dataclass(frozen=True)
class BundleStream:
    id: str
    entries: Sequence[BundleEntry]


@dataclass(frozen=True)
class Evidence:
    sha256: str  # hex
    size: int
    name: str


@dataclass(frozen=True)
class Manifest:
    origin: str
    size: int
    heads: Mapping[str, tuple[int, bytes]] = field(default_factory=dict)  # stream -> (version, entry hash)


def check_stream_id(stream_id: str) -> None:
    if not _STREAM_ID.fullmatch(stream_id):
        raise BundleFormatError(
            f"stream id {stream_id!r} must be non-empty, without spaces or control characters"
        )


def manifest_text(origin: str, size: int, heads: Mapping[str, tuple[int, bytes]]) -> str:
    """``zhifa-bundle-manifest/v1``, origin, checkpoint size, then ``<stream> <version> <hash hex>`` sorted by id."""
    if not origin or "\n" in origin:
        raise BundleFormatError("origin must be a non-empty line")
    if size < 0:
        raise BundleFormatError("negative checkpoint size")
    lines = [MANIFEST_HEADER, origin, str(size)]
    for stream_id in sorted(heads):
        version, head_hash = heads[stream_id]
        check_stream_id(stream_id)
        if version < 1 or len(head_hash) != 32:
            raise BundleFormatError(f"bad head for stream {stream_id!r}")
        lines.append(f"{stream_id} {version} {head_hash.hex()}")
    return "".join(line + "\n" for line in lines)


def parse_manifest(text: str) -> Manifest:
    """Parse a manifest note *text* (after its signature has been verified)."""
    if not text.endswith("\n"):
        raise BundleFormatError("manifest must end in a newline")
    lines = text[:-1].split("\n")
    if len(lines) < 3 or lines[0] != MANIFEST_HEADER:
        raise BundleFormatError(f"manifest must start with {MANIFEST_HEADER!r}, origin and size")
    origin, size_text = lines[1], lines[2]
    if not origin or not re.fullmatch(r"0|[1-9][0-9]{0,19}", size_text, re.ASCII):
        raise BundleFormatError("manifest origin or size is malformed")
    if int(size_text) >= 1 << 64:
        raise BundleFormatError("manifest size out of range (a uint64)")
    heads: dict[str, tuple[int, bytes]] = {}
    for line in lines[3:]:
        parts = line.split(" ")
        if (
            len(parts) != 3
            or not re.fullmatch(r"[1-9][0-9]{0,19}", parts[1], re.ASCII)
            or not _HEX32.fullmatch(parts[2])
        ):
            raise BundleFormatError(f"malformed manifest line {line!r}")
        check_stream_id(parts[0])
        if parts[0] in heads:
            raise BundleFormatError(f"stream {parts[0]!r} appears twice in the manifest")
        if int(parts[1]) >= 1 << 64:
            raise BundleFormatError(f"manifest version out of range in line {line[:200]!r}")
        heads[parts[0]] = (int(parts[1]), bytes.fromhex(parts[2]))
    if list(heads) != sorted(heads):
        raise BundleFormatError("manifest lines must be sorted by stream id")
    return Manifest(origin, int(size_text), heads)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def evidence_named(payloads: Iterable[Any]) -> list[Evidence]:
    """The evidence files the signed acts name, derived (never taken from a bundle): every payload with a top-level
    ``sha256`` (64 lowercase hex) and ``size`` (an integer >= 0), once per (hash, size), sorted, each named by its hash
    (the evidence store keeps files as ``<sha256>``). The builder writes this list and the verifier recomputes it:
    a bundle's ``evidence`` may only point to files, it never decides which files or what they must hash to."""
    found: set[tuple[str, int]] = set()
    for payload in payloads:
        if not isinstance(payload, dict):
            continue
        digest, size = payload.get("sha256"), payload.get("size")
        if isinstance(digest, str) and _HEX32.fullmatch(digest) and type(size) is int and size >= 0:
            found.add((digest, size))
    return [Evidence(sha256=digest, size=size, name=digest) for digest, size in sorted(found)]


def evidence_json(evidence: Iterable[Evidence]) -> list[dict[str, Any]]:
    return [{"sha256": e.sha256, "size": e.size, "name": e.name} for e in evidence]


def _payload_of(envelope: bytes) -> Any:
    """The act payload inside signed-act bytes, or None when they do not decode (the verifier reports those)."""
    try:
        act = json.loads(base64.b64decode(json.loads(envelope)["act"], validate=True))
        return act["payload"] if isinstance(act, dict) else None
    except (ValueError, KeyError, TypeError, RecursionError):
        return None


def build_bundle(
    *,
    origin: str,
    checkpoint: str,
    streams: Sequence[BundleStream],
    log_key: SigningKey,
    consistency: tuple[str, Sequence[bytes]] | None = None,
) -> dict[str, Any]:
    """Assemble a bundle (pure: no I/O). ``consistency`` is ``(older checkpoint note, proof hashes)``.

    Checks what a honest builder must get right (stream ids, contiguous versions from 1, every proof carrying
    exactly ``checkpoint``) and signs the manifest with ``log_key``; it does not verify anything cryptographically:
    that is :mod:`ledger.court.verify`'s job. The evidence list is derived from the acts (:func:`evidence_named`).
    """
    cp = parse_unverified(checkpoint)
    if cp.origin != origin:
        raise BundleFormatError(f"checkpoint origin {cp.origin!r} is not {origin!r}")
    if log_key.name != origin:
        raise BundleFormatError("the manifest is signed by the log key, named by the origin")
    heads: dict[str, tuple[int, bytes]] = {}
    out_streams = []
    for stream in streams:
        check_stream_id(stream.id)
        if stream.id in heads:
            raise BundleFormatError(f"stream {stream.id!r} appears twice")
        if not stream.entries:
            raise BundleFormatError(f"stream {stream.id!r} has no entries")
        entries = []
        for n, item in enumerate(stream.entries, start=1):
            if item.version != n:
                raise BundleFormatError(f"stream {stream.id!r}: version {item.version} where {n} belongs")
            if not 0 <= item.leaf_index < cp.size:
                raise BundleFormatError(
                    f"stream {stream.id!r} v{n}: leaf {item.leaf_index} not under the checkpoint"
                )
            if not item.proof.endswith("\n\n" + checkpoint):
                raise BundleFormatError(
                    f"stream {stream.id!r} v{n}: the proof does not embed the bundle checkpoint"
                )
            entries.append(
                {
                    "version": item.version,
                    "leaf_index": item.leaf_index,
                    "entry": _b64(item.entry),
                    "envelope": _b64(item.envelope),
                    "proof": item.proof,
                }
            )
        last = stream.entries[-1]
        heads[stream.id] = (last.version, entry_hash(last.entry))
        out_streams.append({"id": stream.id, "entries": entries})
    manifest = note.sign(manifest_text(origin, cp.size, heads), log_key)
    consistency_obj: dict[str, Any] | None = None
    if consistency is not None:
        older, proof = consistency
        consistency_obj = {"from": older, "proof": [_b64(h) for h in proof]}
    return {
        "format": FORMAT,
        "origin": origin,
        "checkpoint": checkpoint,
        "streams": out_streams,
        "manifest": manifest,
        "consistency": consistency_obj,
        "evidence": evidence_json(
            evidence_named(_payload_of(item.envelope) for stream in streams for item in stream.entries)
        ),
    }


def _need(obj: Mapping[str, Any], key: str, kind: type | tuple[type, ...], where: str) -> Any:
    if key not in obj:
        raise BundleFormatError(f"{where}: missing {key!r}")
    value = obj[key]
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise BundleFormatError(f"{where}: {key!r} has the wrong type")
    return value


BUNDLE_KEYS = frozenset({"format", "origin", "checkpoint", "streams", "manifest", "consistency", "evidence"})
STREAM_KEYS = frozenset({"id", "entries"})
ENTRY_KEYS = frozenset({"version", "leaf_index", "entry", "envelope", "proof"})
CONSISTENCY_KEYS = frozenset({"from", "proof"})
EVIDENCE_KEYS = frozenset({"sha256", "size", "name"})


def _exact(obj: Mapping[str, Any], keys: frozenset[str], where: str) -> None:
    """No field outside the format: every field is signed, proven or checked as derived, so an extra one is refused."""
    extra = set(obj) - keys
    if extra:
        raise BundleFormatError(f"{where}: unknown field(s) {sorted(extra)[:5]!r}")


def check_shape(bundle: Any) -> None:
    """Raise :class:`BundleFormatError` unless ``bundle`` has the zhifa-bundle/v1 shape (types, not content)."""
    if not isinstance(bundle, dict):
        raise BundleFormatError("a bundle is a JSON object")
    if bundle.get("format") != FORMAT:
        raise BundleFormatError(f"format must be {FORMAT!r}, not {str(bundle.get('format'))[:80]!r}")
    _exact(bundle, BUNDLE_KEYS, "bundle")
    _need(bundle, "origin", str, "bundle")
    _need(bundle, "checkpoint", str, "bundle")
    _need(bundle, "manifest", str, "bundle")
    for stream in _need(bundle, "streams", list, "bundle"):
        if not isinstance(stream, dict):
            raise BundleFormatError("streams: each stream is an object")
        _exact(stream, STREAM_KEYS, "stream")
        sid = _need(stream, "id", str, "stream")[:200]
        for item in _need(stream, "entries", list, f"stream {sid}"):
            if not isinstance(item, dict):
                raise BundleFormatError(f"stream {sid}: each entry is an object")
            _exact(item, ENTRY_KEYS, f"stream {sid}")
            for key in ("version", "leaf_index"):
                if type(_need(item, key, int, f"stream {sid}")) is not int:
                    raise BundleFormatError(f"stream {sid}: {key!r} must be an integer")
            for key in ("entry", "envelope", "proof"):
                _need(item, key, str, f"stream {sid}")
    if "consistency" not in bundle:
        raise BundleFormatError("bundle: missing 'consistency' (null when absent)")
    consistency = bundle["consistency"]
    if consistency is not None:
        if not isinstance(consistency, dict):
            raise BundleFormatError("consistency must be null or an object")
        _exact(consistency, CONSISTENCY_KEYS, "consistency")
        _need(consistency, "from", str, "consistency")
        proof = _need(consistency, "proof", list, "consistency")
        if not all(isinstance(h, str) for h in proof):
            raise BundleFormatError("consistency: proof is a list of base64 strings")
    for item in _need(bundle, "evidence", list, "bundle"):
        if not isinstance(item, dict):
            raise BundleFormatError("evidence: each item is an object")
        _exact(item, EVIDENCE_KEYS, "evidence")
        _need(item, "sha256", str, "evidence")
        _need(item, "size", int, "evidence")
        _need(item, "name", str, "evidence")
