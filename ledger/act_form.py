"""The form of an act, decided before any state is read: sizes, the stream id, the type and the payload schema.

One decoder for everything that takes a signed act: the writer (``zhifa append``, the API) and ``zhifa act sign``
(which refuses to sign what the writer would refuse as malformed). The limits are technical, not legal, and
live here in one place; they bound what one act may cost to store, hash, verify and bundle:

- a whole signed act (envelope) is at most :data:`MAX_ENVELOPE_BYTES` bytes, checked before it is decoded;
- every string in the act and its payload at most :data:`MAX_TEXT_CHARS` characters (names and ids — actor,
  type, log, registry stream ids — at most :data:`MAX_NAME_CHARS`);
- every list at most :data:`MAX_LIST_ITEMS` items, every object at most :data:`MAX_OBJECT_KEYS` keys, nesting at
  most :data:`MAX_DEPTH` levels;
- a case stream id is a UUID in its canonical lowercase hyphenated spelling; a registry stream id is
  ``person:``/``agency:``/``item:`` and an id without whitespace or control characters, nor any personal data
  (an ID number, a phone: the id is public in every entry of its stream).

Papers and evidence are referenced by SHA-256 and size (``zhifa evidence add``), never carried in an act, so the
limits are far above what any real act needs (the demo's largest is under 4 KB).
"""

from __future__ import annotations

import re
import uuid
from typing import Any

import msgspec

import domain.case_acts  # noqa: F401  (fills CASE_PAYLOADS)
from domain.acts import CASE_PAYLOADS, REGISTRY_PAYLOADS, REGISTRY_STREAM_PREFIXES, stream_kind
from domain.errors import MalformedAct
from domain.redact import contains_personal_data
from ledger.envelope import Act, EnvelopeError, Opened, open_envelope
from ledger.errors import LedgerError, MalformedEnvelope

MAX_ENVELOPE_BYTES = 128 * 1024
"""A whole signed act, bytes (canonical JSON: act, kid, signature)."""
MAX_TEXT_CHARS = 10_000
"""Any one string in an act's payload, characters."""
MAX_NAME_CHARS = 200
"""actor, type, log and registry stream ids, characters."""
MAX_LIST_ITEMS = 500
"""Any one list in a payload."""
MAX_OBJECT_KEYS = 100
"""Any one object in a payload."""
MAX_DEPTH = 8
"""Nesting of lists and objects in a payload."""

_REGISTRY_ID = re.compile(r"[^\s\x00-\x1f\x7f]+")


class ActTooLarge(LedgerError):
    code = "act-too-large"
    title = "行为超出大小限制"
    title_en = "The act exceeds a size limit"
    status = 400


class BadStreamId(LedgerError):
    code = "bad-case-id"
    title = "案件编号格式错误"
    title_en = "The case id is not a UUID (or the registry stream id is malformed)"
    status = 400


def open_act(envelope: bytes) -> Opened:
    """Decode a signed act and check its whole form; raises ActTooLarge, MalformedEnvelope, BadStreamId,
    UnknownActType or MalformedAct (all 400: the act itself is unusable, whatever the ledger's state)."""
    if len(envelope) > MAX_ENVELOPE_BYTES:
        raise ActTooLarge(f"signed act is {len(envelope):,} bytes; the limit is {MAX_ENVELOPE_BYTES:,}")
    try:
        opened = open_envelope(envelope)
    except EnvelopeError as exc:
        raise MalformedEnvelope(str(exc)) from exc
    check_act(opened.act)
    return opened


def check_act(act: Act) -> None:
    for name in ("actor", "type", "log"):
        value = getattr(act, name)
        if not value or len(value) > MAX_NAME_CHARS:
            raise ActTooLarge(f"{name} must be 1 to {MAX_NAME_CHARS} characters, not {len(value)}")
    if len(act.claimed_at) > MAX_NAME_CHARS:
        raise ActTooLarge("claimed_at is too long")
    kind = stream_kind(act.type)  # UnknownActType
    check_stream_id(act.case, kind)
    _walk(act.payload, "payload", 1)
    schema = (REGISTRY_PAYLOADS if kind == "registry" else CASE_PAYLOADS)[act.type]
    try:
        msgspec.convert(act.payload, schema, strict=True)
    except msgspec.ValidationError as exc:
        raise MalformedAct(f"{act.type}: {exc}") from exc


def check_stream_id(stream: str, kind: str) -> None:
    if kind == "case":
        try:
            canonical_id = str(uuid.UUID(stream))
        except (ValueError, AttributeError):
            raise BadStreamId(f"case id {stream!r} is not a UUID") from None
        if canonical_id != stream:
            raise BadStreamId(f"case id {stream!r} must be written as {canonical_id!r} (lowercase, hyphenated)")
        return
    if len(stream) > MAX_NAME_CHARS:
        raise BadStreamId(f"registry stream id is {len(stream)} characters; the limit is {MAX_NAME_CHARS}")
    prefix = next((p for p in REGISTRY_STREAM_PREFIXES if stream.startswith(p)), None)
    if prefix is None or not _REGISTRY_ID.fullmatch(stream[len(prefix) :]):
        raise BadStreamId(
            f"registry stream id {stream!r} must be one of {', '.join(REGISTRY_STREAM_PREFIXES)} and an id without spaces"
        )
    if contains_personal_data(stream):
        # The stream id is the "case" of every public entry (/log/entries, entry bundles, SSE): a person is named
        # by a role and a number or a credit code, never by an ID number or phone (DESIGN.md: Personal data).
        raise BadStreamId(
            "a registry stream id is public in every log entry: it must not carry an ID number, phone or other "
            "personal data (name a person by role and staff number, a party by its credit code)"
        )


def _walk(value: Any, where: str, depth: int) -> None:
    if isinstance(value, str):
        if len(value) > MAX_TEXT_CHARS:
            raise ActTooLarge(f"{where} is {len(value):,} characters; the limit is {MAX_TEXT_CHARS:,}")
        return
    if isinstance(value, list | dict):
        if depth > MAX_DEPTH:
            raise ActTooLarge(f"{where} nests deeper than {MAX_DEPTH} levels")
        if isinstance(value, list):
            if len(value) > MAX_LIST_ITEMS:
                raise ActTooLarge(f"{where} has {len(value):,} items; the limit is {MAX_LIST_ITEMS:,}")
            for i, item in enumerate(value):
                _walk(item, f"{where}[{i}]", depth + 1)
            return
        if len(value) > MAX_OBJECT_KEYS:
            raise ActTooLarge(f"{where} has {len(value):,} keys; the limit is {MAX_OBJECT_KEYS:,}")
        for key, item in value.items():
            if len(key) > MAX_NAME_CHARS:
                raise ActTooLarge(f"a key in {where} is {len(key):,} characters; the limit is {MAX_NAME_CHARS}")
            _walk(item, f"{where}.{key}", depth + 1)
