"""Guards: who may read what. A bearer token names a person and a role; the person must still be registered with
that role in the ledger's registry (a withdrawn role or revoked key closes the door at once). A party's per-case
access code opens that one case's bundle."""

from __future__ import annotations

from typing import Any

from litestar.connection import ASGIConnection
from litestar.handlers.base import BaseRouteHandler

from web.credentials import ACCESS_CODE_PREFIX, Identity, holds_role
from web.problems import RoleRequired, Unauthenticated
from web.services import Services

ACCESS_CODE_HEADER = "X-Access-Code"
STAFF = ("officer", "legal_reviewer", "agency_head", "supervisor")
CASE_READERS = (*STAFF, "court")
BUNDLE_READERS = ("court", "supervisor", "agency_head")


def _services(connection: ASGIConnection[Any, Any, Any, Any]) -> Services:
    services: Services = connection.app.state.services
    return services


def bearer_identity(connection: ASGIConnection[Any, Any, Any, Any]) -> Identity | None:
    """The identity of a valid bearer token, None when no token was sent; a bad or revoked one is refused."""
    header = connection.headers.get("authorization")
    if header is None:
        return None
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthenticated("the Authorization header must be `Bearer <token>`")
    identity = _services(connection).credentials.token_identity(token.strip())
    if identity is None:
        raise Unauthenticated("the token is unknown or revoked", invalid_token=True)
    return identity


def access_code_identity(connection: ASGIConnection[Any, Any, Any, Any]) -> Identity | None:
    code = connection.headers.get(ACCESS_CODE_HEADER.lower())
    if code is None:
        return None
    case = _services(connection).credentials.access_code_case(code.strip()) if code.startswith(ACCESS_CODE_PREFIX) else None
    if case is None:
        raise Unauthenticated("the access code is unknown or revoked")
    return Identity(person=f"party-of:{case}", role="party", case=case)


def requires_role(connection: ASGIConnection[Any, Any, Any, Any], route_handler: BaseRouteHandler) -> None:
    """The handler's ``opt["roles"]``: a bearer token whose person holds one of them in the registry now (or,
    when ``opt["access_code"]`` is set, a party's access code for the case named by the ``case_id`` path
    parameter). The identity is left in ``connection.state.identity`` for the access log."""
    roles: tuple[str, ...] = route_handler.opt.get("roles", ())
    identity = bearer_identity(connection)
    if identity is None and route_handler.opt.get("access_code"):
        identity = access_code_identity(connection)
        if identity is not None:
            if identity.case != connection.path_params.get("case_id"):
                raise RoleRequired("this access code opens another case")
            connection.state.identity = identity
            return
    if identity is None:
        raise Unauthenticated("send `Authorization: Bearer <token>` (issued by `zhifa tokens new`)")
    if identity.role not in roles:
        raise RoleRequired(f"the token is for role {identity.role!r}; this needs one of {', '.join(roles)}")
    if not holds_role(_services(connection).writer.registry, identity.person, identity.role):
        raise RoleRequired(f"{identity.person} is not (or no longer) registered with role {identity.role!r}")
    connection.state.identity = identity


def identity_of(connection: ASGIConnection[Any, Any, Any, Any]) -> Identity:
    identity: Identity = connection.state.identity
    return identity
