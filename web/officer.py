"""Officer API: append a signed act (its bytes untouched), upload evidence into the content-addressed store.

``POST /api/acts`` is the one hot write path, so its handler does no more per request than the act needs: it takes
the raw body from the request (no body extractor or signature model: the writer decodes the envelope itself, once),
reads the services from the app's state, and answers a ready ASGI response (no Response to render, no gzip of a
few hundred bytes) whose body is encoded in one msgspec call with the entry's canonical JSON spliced in
(``msgspec.Raw``) rather than decoded and encoded again. Refusals still raise into the app's problem+json handlers.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import msgspec
from litestar import Controller, Request, post
from litestar.openapi.datastructures import ResponseSpec
from litestar.openapi.spec import OpenAPIMediaType, OpenAPIType, Operation, RequestBody, Schema
from litestar.response.base import ASGIResponse

from domain.errors import Refusal
from ledger.writer import Receipt
from web.deps import ServicesDep
from web.guards import STAFF, requires_role
from web.problems import TooLarge, problems
from web.schemas import ActReceipt, EvidenceStored
from web.services import ACTS_ACCEPTED, ACTS_REFUSED, APPEND_SECONDS, EvidenceTooLarge, Services

_ENVELOPE_SCHEMA_DOC = (
    "The signed envelope exactly as `zhifa act sign` prints it: canonical JSON "
    '`{"act": base64(act bytes), "kid": "…", "sig": base64(Ed25519 signature)}`. The bytes are stored verbatim.'
)


@dataclass


class _EnvelopeBody(Operation):
    """The OpenAPI operation of POST /api/acts: its body (taken raw, so the signed bytes stay untouched) is a
    signed envelope."""

    def __post_init__(self) -> None:
        b64 = Schema(type=OpenAPIType.STRING, description="standard padded base64")
        envelope = Schema(
            type=OpenAPIType.OBJECT,
            required=["act", "kid", "sig"],
            properties={"act": b64, "kid": Schema(type=OpenAPIType.STRING, description="8 hex digits"), "sig": b64},
            additional_properties=False,
        )
        self.request_body = RequestBody(
            content={"application/json": OpenAPIMediaType(schema=envelope)}, required=True, description=_ENVELOPE_SCHEMA_DOC
        )


@dataclass


class _OctetBody(Operation):
    def __post_init__(self) -> None:
        self.request_body = RequestBody(
            content={"application/octet-stream": OpenAPIMediaType(schema=Schema(type=OpenAPIType.STRING, format=None))},
            required=True,
            description="the evidence file's bytes (its name is not used)",
        )


# ActReceipt as sent: its fields in its order (taken from it, so the two cannot drift), but the entry as its stored
# JSON (msgspec.Raw, copied into the body without a decode and re-encode).
_ReceiptWire = msgspec.defstruct(
    "_ReceiptWire",
    [(f.name, msgspec.Raw if f.name == "entry" else f.type) for f in msgspec.structs.fields(ActReceipt)],
    kw_only=True,
)


_encode_receipt = msgspec.json.Encoder().encode


def receipt_json(receipt: Receipt) -> bytes:
    """The 201 body: an :class:`ActReceipt` whose ``entry`` is the entry's canonical bytes, verbatim."""
    return _encode_receipt(
        _ReceiptWire(
            stream=receipt.stream,
            version=receipt.version,
            type=receipt.act_type,
            position=receipt.position,
            recorded_at=receipt.recorded_at,
            entry_hash=receipt.entry_hash.hex(),
            entry=msgspec.Raw(receipt.entry),
        )
    )


class ActsController(Controller):
    path = "/api"
    tags = ["officer"]

    @post(
        "/acts",
        status_code=201,
        responses={
            201: ResponseSpec(ActReceipt, description="The act is durable: its receipt", generate_examples=False),
            **problems(401, 403, 404, 409, 413, 422, 503),
        },
        media_type="application/json",
        opt={"no_compression": True},  # a receipt is a few hundred bytes: gzip would cost more than it saves
        summary="Append a signed act",
        description=_ENVELOPE_SCHEMA_DOC,
        operation_class=_EnvelopeBody,
    )
    async def append_act(self, request: Request[Any, Any, Any]) -> ASGIResponse:
        """Verify, authorise, rule on and chain the act; 201 with the receipt, or the refusal as problem+json
        (400 malformed, 401/403 identity and role, 409 version race or reused nonce, 422 a rule) — nothing written."""
        services: Services = request.app.state.services
        body = await request.body()
        start = time.perf_counter()
        try:
            receipt = await services.writer.submit_async(body.strip())
        except Refusal as exc:
            ACTS_REFUSED.labels(code=exc.code).inc()
            raise
        APPEND_SECONDS.observe(time.perf_counter() - start)
        ACTS_ACCEPTED.inc()
        return ASGIResponse(body=receipt_json(receipt), status_code=201, media_type="application/json")

    @post(
        "/evidence",
        status_code=201,
        guards=[requires_role],
        opt={"roles": STAFF},
        request_max_body_size=None,
        responses=problems(401, 403, 413),
        security=[{"bearer": []}],
        operation_class=_OctetBody,
    )
    async def upload_evidence(self, services: ServicesDep, request: Request[Any, Any, Any]) -> EvidenceStored:
        """Store the body (any bytes, ``application/octet-stream``) by SHA-256, hashing while streaming; over the
        size limit the upload is refused (413) and nothing is kept. File names are never used as paths."""
        declared = request.headers.get("content-length")
        if declared is not None and declared.isdigit() and int(declared) > services.evidence.max_bytes:
            raise TooLarge(f"upload of {declared} bytes exceeds the limit of {services.evidence.max_bytes}")
        try:
            sha256, size = await services.evidence.put_stream(request.stream())
        except EvidenceTooLarge as exc:
            raise TooLarge(str(exc)) from exc
        return EvidenceStored(sha256=sha256, size=size)
