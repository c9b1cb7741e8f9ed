"""OpenAPI helpers: declare what a route answers when its handler returns bytes (exact entry bytes, bundles,
feeds, streams), so the schema states every status and media type the route can answer."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from litestar.openapi.spec import OpenAPIMediaType, OpenAPIResponse, OpenAPIType, Operation, Schema

ANY_JSON_OBJECT = Schema(type=OpenAPIType.OBJECT, additional_properties=True)
TEXT = Schema(type=OpenAPIType.STRING)


def answers(responses: dict[str, tuple[str, dict[str, Schema]]]) -> type[Operation]:
    """An Operation class whose responses ``{status: (description, {media type: schema})}`` replace litestar's."""

    @dataclass

    class _Declared(Operation):
        def __post_init__(self) -> None:
            declared: dict[str, Any] = dict(self.responses or {})
            for status, (description, content) in responses.items():
                declared[status] = OpenAPIResponse(
                    description=description, content={m: OpenAPIMediaType(schema=s) for m, s in content.items()} or None
                )
            self.responses = declared

    return _Declared


ENTRY_SCHEMA = Schema(
    type=OpenAPIType.OBJECT,
    required=["act_digest", "case", "prev", "recorded_at", "version"],
    properties={
        "act_digest": Schema(type=OpenAPIType.STRING, description="base64 SHA-256 of the signed envelope"),
        "case": Schema(type=OpenAPIType.STRING),
        "prev": Schema(type=OpenAPIType.STRING, description="base64 entry hash of the stream's previous entry"),
        "recorded_at": Schema(type=OpenAPIType.STRING),
        "version": Schema(type=OpenAPIType.INTEGER),
    },
    additional_properties=False,
)
