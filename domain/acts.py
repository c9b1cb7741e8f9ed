"""Acts as the domain sees them: the record of one accepted act, the act types and their payload schemas.

The ledger decodes and verifies the signed envelope; the domain receives an :class:`ActRecord` (who, what, when,
which stream and version) and decides. Payloads are plain dicts in the record (the signed bytes are the truth);
each act type has a msgspec Struct that the rules convert the payload into, refusing unknown or missing fields.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal, TypeVar

import msgspec

from domain.errors import MalformedAct, UnknownActType

StreamKind = Literal["registry", "case"]

# Payload field types shared by every act schema.
Timestamp = Annotated[dt.datetime, msgspec.Meta(tz=True)]
"""An aware timestamp (payloads write ``YYYY-MM-DDTHH:MM:SS.ffffffZ``); naive times are refused."""
Sha256 = Annotated[str, msgspec.Meta(pattern="^[0-9a-f]{64}$")]
"""A SHA-256 digest in lowercase hex: evidence files and signed papers are referenced, never stored here."""
PersonId = Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
Fen = Annotated[int, msgspec.Meta(ge=0)]
"""Money in integer fen (分); never floats."""
Text = Annotated[str, msgspec.Meta(min_length=1)]


class ActRecord(msgspec.Struct, frozen=True, kw_only=True):
    """One act as accepted at a stream version. ``recorded_at`` is the server's clock (legal time)."""

    type: str
    stream: str
    version: int
    actor: str
    kid: str
    payload: dict[str, Any]
    recorded_at: dt.datetime
    claimed_at: dt.datetime


class Payload(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """Base of every payload schema: unknown fields are refused, every field is named."""


# -- registry acts (root of trust and keys) -------------------------------------------------------------------
class AuthorityAdmitted(Payload):
    """The log key admits the personnel authority (人事/编制 authority of the bureau) and its key."""

    vkey: str
    name: str
    agency: str | None = None


class KeyRegistered(Payload):
    """The personnel authority registers a person's signing key, with role and agency."""

    vkey: str
    role: str
    agency: str | None = None
    valid_from: str | None = None


class KeyRevoked(Payload):
    kid: str
    reason: str


REGISTRY_PAYLOADS: dict[str, type[Payload]] = {
    "authority.admitted": AuthorityAdmitted,
    "key.registered": KeyRegistered,
    "key.revoked": KeyRevoked,
}

# Case act types register here (domain.case_acts fills this at import); registry types above.
CASE_PAYLOADS: dict[str, type[Payload]] = {}

P = TypeVar("P", bound=Payload)


# Registry streams are named ``<prefix><id>``: people, agencies, catalog items, and review / 双随机 plans.
REGISTRY_STREAM_PREFIXES = ("person:", "agency:", "item:", "review:")


def stream_kind(act_type: str) -> StreamKind:
    if act_type in REGISTRY_PAYLOADS:
        return "registry"
    if act_type in CASE_PAYLOADS:
        return "case"
    raise UnknownActType(f"act type {act_type!r} is not defined")


def payload_as(record: ActRecord, schema: type[P]) -> P:
    """Convert the record's payload into its schema, or refuse with MalformedAct naming the field."""
    try:
        return msgspec.convert(record.payload, schema, strict=True)
    except msgspec.ValidationError as exc:
        raise MalformedAct(f"{record.type}: {exc}") from exc


def entity_of(stream: str, prefix: str) -> str:
    """``<prefix>:<id>`` → ``<id>``; registry streams are named by :data:`REGISTRY_STREAM_PREFIXES`."""
    head = f"{prefix}:"
    if not stream.startswith(head) or len(stream) == len(head):
        raise MalformedAct(f"registry stream {stream!r} must be '{prefix}:<id>'")
    return stream[len(head) :]


def person_of(stream: str) -> str:
    """``person:<id>`` → ``<id>``; registry streams of people are named this way."""
    return entity_of(stream, "person")
