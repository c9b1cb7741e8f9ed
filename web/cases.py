"""Case API (non-public: credential required, every read recorded in the access log): a case's state and
timeline, now or replayed as of a version or a time, and the court bundle (court, supervisor, or the case's party
with its per-case access code)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, Response, get
from litestar.params import FromPath, QueryParameter

from ledger.envelope import open_envelope
from ledger.store import TOPIC_REGISTRY, position_column, unframe
from projections.replay import CaseNotFound, Replayed, case_at, parse_moment
from web.credentials import Identity
from web.deps import ServicesDep
from web.guards import BUNDLE_READERS, CASE_READERS, identity_of, requires_role
from web.openapi import ANY_JSON_OBJECT, answers
from web.problems import BadRequest, NotFound, Unavailable, problems
from web.schemas import CaseTimeline, CaseView, TimelineEntry
from web.services import Services

_to_builtins = msgspec.to_builtins


def _case_rows(services: Services, case_id: str) -> list[tuple[int, int, bytes, bytes]]:
    """(log position, version, entry bytes, envelope bytes) of a case, in version order."""
    with services.store.db.read() as cur:
        col = position_column(cur.kind)
        rows = cur.execute(
            f"SELECT {col}, originator_version, state FROM stored_events WHERE originator_id=? AND topic<>? "
            "ORDER BY originator_version",
            (case_id, TOPIC_REGISTRY),
        ).fetchall()
    return [(int(r[0]), int(r[1]), *unframe(bytes(r[2]))) for r in rows]


def _as_of(text: str | None) -> dt.datetime | None:
    """A time as people give it (the ledger's stamp, ISO 8601, a date = its end in Asia/Shanghai), as the CLI reads it."""
    return None if text is None else parse_moment(text)


def _replayed(services: Services, case_id: str, version: int | None, as_of: str | None) -> Replayed:
    if version is not None and as_of is not None:
        raise BadRequest("give ?version= or ?as_of=, not both")
    if ":" in case_id:  # registry streams (person:…, agency:…) are not cases
        raise CaseNotFound(f"{case_id!r} is not a case")
    return case_at(services.store, case_id, version=version, as_of=_as_of(as_of))


VersionParam = Annotated[int | None, QueryParameter(ge=1, le=2**31, required=False)]
AsOfParam = Annotated[
    str | None,
    QueryParameter(required=False, description="the ledger's …Z stamp, ISO 8601 (Asia/Shanghai without offset), or a date"),
]


class CasesController(Controller):
    path = "/api/cases"
    tags = ["cases"]
    guards = [requires_role]
    opt = {"roles": CASE_READERS}
    security = [{"bearer": []}]

    @get("/{case_id:str}", responses=problems(401, 403, 404), sync_to_thread=True)
    def case_state(
        self, services: ServicesDep, request: Request[Any, Any, Any], case_id: FromPath[str], version: VersionParam = None, as_of: AsOfParam = None
    ) -> CaseView:
        """The case's state now, or replayed as of ``?version=`` or ``?as_of=`` (a recorded time)."""
        who: Identity = identity_of(request)
        replayed = _replayed(services, case_id, version, as_of)
        services.credentials.record_access(who, "case.state", case_id)
        last = replayed.acts[-1]
        return CaseView(case=case_id, version=replayed.version, recorded_at=last.recorded_at, state=_to_builtins(replayed.state))

    @get("/{case_id:str}/timeline", responses=problems(401, 403, 404), sync_to_thread=True)
    def timeline(
        self, services: ServicesDep, request: Request[Any, Any, Any], case_id: FromPath[str], version: VersionParam = None, as_of: AsOfParam = None
    ) -> CaseTimeline:
        """Every act of the case in order (全过程记录), up to ``?version=`` or ``?as_of=``, with entry hash and leaf."""
        who = identity_of(request)
        replayed = _replayed(services, case_id, version, as_of)
        services.credentials.record_access(who, "case.timeline", case_id)
        payloads = {version_: open_envelope(envelope).act.payload for _, version_, _, envelope in _case_rows(services, case_id)}
        entries = [
            TimelineEntry(
                version=row.version,
                type=row.type,
                title=row.title,
                title_en=row.title_en,
                actor=row.actor,
                role=row.role,
                recorded_at=row.recorded_at,
                claimed_at=row.claimed_at,
                entry_hash=row.entry_hash,
                leaf_index=row.leaf_index,
                cosigners=list(row.cosigners),
                evidence=list(row.evidence),
                payload=payloads.get(row.version, {}),
            )
            for row in replayed.acts
        ]
        return CaseTimeline(case=case_id, version=replayed.version, entries=entries)


class BundleController(Controller):
    path = "/cases"
    tags = ["cases"]

    @get(
        "/{case_id:str}/bundle",
        guards=[requires_role],
        opt={"roles": BUNDLE_READERS, "access_code": True},
        responses=problems(401, 403, 404, 409, 503),
        security=[{"bearer": []}, {"accessCode": []}],
        sync_to_thread=True,
        operation_class=answers({"200": ("The court bundle (zhifa-bundle/v1)", {"application/json": ANY_JSON_OBJECT})}),
    )
    def bundle(self, services: ServicesDep, request: Request[Any, Any, Any], case_id: FromPath[str]) -> Response[bytes]:
        """The court bundle (``zhifa-bundle/v1``) at the latest checkpoint: for a court, a supervisor or agency
        head (bearer token), or the case's party (``X-Access-Code``). Verify it offline against ``/log/vkey``."""
        from ledger.bundle import make_bundle

        who = identity_of(request)
        if services.log_key is None:
            raise Unavailable("bundles are signed by the log's host; this server does not hold the log key")
        if not _case_rows(services, case_id):
            raise NotFound(f"no case {case_id!r}")
        data = make_bundle(services.store, services.log_key, case_id)
        services.credentials.record_access(who, "case.bundle", case_id)
        body = msgspec.json.encode(data)
        return Response(
            body,
            media_type="application/json",
            headers={"Content-Disposition": f'attachment; filename="bundle-{re.sub(r"[^A-Za-z0-9-]", "_", case_id)}.json"', "Cache-Control": "no-store"},
        )
