"""RFC 9457 problem details: every refusal and HTTP error answered as application/problem+json, declared per route.

The body is :meth:`domain.errors.Refusal.problem` — the same error object the CLI prints on one line
(:meth:`Refusal.one_line`), so the two renderings cannot drift. Litestar's own HTTP errors (404, 405, 413, a bad
parameter) are mapped onto the same shape with a stable code.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import msgspec
from litestar import Request, Response
from litestar.exceptions import HTTPException, ValidationException
from litestar.openapi.datastructures import ResponseSpec

from domain.errors import Refusal

PROBLEM_JSON = "application/problem+json"
REALM = "zhifa"


class Problem(msgspec.Struct, kw_only=True):
    """RFC 9457 problem details as zhifa answers them (``type`` is ``urn:zhifa:error:<code>``)."""

    type: str
    title: str
    title_en: str
    status: int
    detail: str
    article: str
    code: str
    provisional: bool = False  # the refusal rests on a calendar year not yet officially covered (domain/calendar.py)


# -- refusals raised by the web layer itself (identity, role, access, limits) ------------------------------------
class WebRefusal(Refusal):
    code = "web-refused"
    title = "请求被拒绝"
    title_en = "The request was refused"
    status = 400


class Unauthenticated(WebRefusal):
    code = "unauthenticated"
    title = "缺少有效的访问凭证"
    title_en = "A valid bearer token (or case access code) is required"
    status = 401

    def challenge(self) -> str:
        """The ``WWW-Authenticate`` a 401 MUST carry (RFC 9110 §11.6.1), in the bearer scheme (RFC 6750 §3):
        ``error="invalid_token"`` when a token was sent and refused (``Unauthenticated(…, invalid_token=True)``),
        no error code when none was sent (§3.1)."""
        error = ', error="invalid_token"' if self.context.get("invalid_token") else ""
        return f'Bearer realm="{REALM}"{error}'


class RoleRequired(WebRefusal):
    code = "role-required"
    title = "凭证所属人员不具有访问该资源的角色"
    title_en = "The credential's person does not hold a role that may read this"
    status = 403


class NotFound(WebRefusal):
    code = "not-found"
    title = "资源不存在"
    title_en = "No such resource"
    status = 404


class BadRequest(WebRefusal):
    code = "bad-request"
    title = "请求格式错误"
    title_en = "The request is malformed"
    status = 400


class TooLarge(WebRefusal):
    code = "too-large"
    title = "请求内容超过大小限制"
    title_en = "The request body exceeds the size limit"
    status = 413


class Unavailable(WebRefusal):
    code = "unavailable"
    title = "服务暂不可用"
    title_en = "The service is not ready"
    status = 503


_HTTP_CODES: dict[int, type[WebRefusal]] = {
    400: BadRequest,
    401: Unauthenticated,
    403: RoleRequired,
    404: NotFound,
    413: TooLarge,
    503: Unavailable,
}


class _HttpError(WebRefusal):
    """Any other HTTP status litestar answers (405, 406, 415, …), in the same shape."""


def problem_response(exc: Refusal, headers: dict[str, str] | None = None) -> Response[Any]:
    if isinstance(exc, Unauthenticated):
        headers = {**(headers or {}), "WWW-Authenticate": exc.challenge()}
    return Response(
        content=msgspec.json.encode(exc.problem()),
        status_code=exc.status,
        media_type=PROBLEM_JSON,
        headers=headers,
    )


def refusal_handler(_: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    assert isinstance(exc, Refusal)
    return problem_response(exc)


def http_error_handler(_: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    """Litestar's HTTP errors (routing, parameters, body limits) as problem+json with a stable code."""
    assert isinstance(exc, HTTPException)
    status = exc.status_code
    kind = _HTTP_CODES.get(status)
    detail = str(exc.detail or "")
    if isinstance(exc, ValidationException) and exc.extra:
        detail = f"{detail}: {msgspec.json.encode(exc.extra).decode()}"
    if kind is None:
        err: Refusal = _HttpError(detail)
        body = {**err.problem(), "status": status, "code": f"http-{status}", "type": f"urn:zhifa:error:http-{status}"}
        return Response(content=msgspec.json.encode(body), status_code=status, media_type=PROBLEM_JSON, headers=exc.headers)
    return problem_response(kind(detail), headers=exc.headers)


def internal_error_handler(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    request.logger.exception("unhandled error on %s", request.url.path)
    body = {
        "type": "urn:zhifa:error:internal",
        "title": "服务器内部错误",
        "title_en": "Internal server error",
        "status": 500,
        "detail": "the error was logged",
        "article": "",
        "code": "internal",
        "provisional": False,
    }
    return Response(content=msgspec.json.encode(body), status_code=500, media_type=PROBLEM_JSON)


_DESCRIPTIONS = {
    400: "Malformed request (problem+json)",
    401: "No valid credential (problem+json)",
    403: "The credential's person lacks the role (problem+json)",
    404: "Not found (problem+json)",
    409: "Version race or reused nonce (problem+json)",
    413: "Body too large (problem+json)",
    422: "Refused by a rule; the problem names the article (problem+json)",
    503: "Not ready (problem+json)",
}


def problems(*statuses: int) -> dict[int, ResponseSpec]:
    """OpenAPI response declarations for the problem statuses a route can answer (every route answers 400)."""
    wanted: Iterable[int] = sorted({400, *statuses})
    return {
        s: ResponseSpec(data_container=Problem, media_type=PROBLEM_JSON, description=_DESCRIPTIONS.get(s, "Problem"), generate_examples=False)
        for s in wanted
    }


def exception_handlers() -> dict[Any, Any]:
    return {Refusal: refusal_handler, HTTPException: http_error_handler, 500: internal_error_handler}


__all__ = [
    "PROBLEM_JSON",
    "BadRequest",
    "NotFound",
    "Problem",
    "RoleRequired",
    "TooLarge",
    "Unauthenticated",
    "Unavailable",
    "WebRefusal",
    "exception_handlers",
    "problem_response",
    "problems",
]
