"""Case API (non-public: credential required, every read recorded in the access log): a case's state and
timeline, now or replayed as of a version or a time, and the court bundle (court, supervisor, or the case's party
with its per-case access code)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, Response, get
from litestar.params import FromPath, QueryParameter

from domain.acts import ActRecord
from domain.case import CaseState, apply_case
from domain.registry import Registry
from domain.registry_acts import apply_registry
from ledger import canonical
from ledger.envelope import entry_hash, open_envelope
from ledger.store import TOPIC_REGISTRY, position_column, unframe
from ledger.writer import act_record
from web.credentials import Identity
from web.deps import ServicesDep
from web.guards import BUNDLE_READERS, CASE_READERS, identity_of, requires_role
from web.openapi import ANY_JSON_OBJECT, answers
from web.problems import BadRequest, NotFound, Unavailable, problems
from web.schemas import CaseTimeline, CaseView, TimelineEntry

_to_builtins = msgspec.to_builtins


def _case_rows(services: ServicesDep, case_id: FromPath[str]) -> list[tuple[int, int, bytes, bytes]]:
    """(log position, version, entry bytes, envelope bytes) of a case, in version order."""
    with services.store.db.read() as cur:
        col = position_column(cur.kind)
        rows = cur.execute(
            f"SELECT {col}, originator_version, state FROM stored_events WHERE originator_id=? AND topic<>? "
            "ORDER BY originator_version",
            (case_id, TOPIC_REGISTRY),
        ).fetchall()
    return [(int(r[0]), int(r[1]), *unframe(bytes(r[2]))) for r in rows]


def _cut(rows: list[tuple[int, int, bytes, bytes]], version: int | None, as_of: dt.datetime | None) -> list[Any]:
    if version is not None and as_of is not None:
        raise BadRequest("give ?version= or ?as_of=, not both")
    out = []
    for row in rows:
        entry = msgspec.json.decode(row[2])
        if version is not None and row[1] > version:
            break
        if as_of is not None and canonical.parse_timestamp(entry["recorded_at"]) > as_of:
            break
        out.append((row, entry))
    return out


def replay(services: ServicesDep, rows: list[Any]) -> CaseState | None:
    """The case's state after ``rows``: every act applied again under the registry as it stood at that act's
    log position (registry acts replayed up to it), exactly as the writer decided it."""
    registry = Registry.genesis(services.origin, services.log_vkey)
    if not rows:
        return None
    last = rows[-1][0][0]
    reg_rows = services.store.log_range(0, last, registry=True)
    i, state = 0, None
    for (position, version, _entry, envelope), entry in rows:
        while i < len(reg_rows) and reg_rows[i][0] < position:
            reg_entry, reg_env = unframe(reg_rows[i][3])
            opened = open_envelope(reg_env)
            at = canonical.parse_timestamp(msgspec.json.decode(reg_entry)["recorded_at"])
            registry = apply_registry(registry, act_record(opened, int(reg_rows[i][2]), at))
            i += 1
        record: ActRecord = act_record(open_envelope(envelope), version, canonical.parse_timestamp(entry["recorded_at"]))
        state = apply_case(state, record, registry)
    return state


def _as_of(text: str | None) -> dt.datetime | None:
    if text is None:
        return None
    try:
        moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError as exc:
        raise BadRequest(f"as_of must be an ISO 8601 time, e.g. 2026-03-02T08:00:00Z: {exc}") from exc
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


VersionParam = Annotated[int | None, QueryParameter(ge=1, le=2**31, required=False)]
AsOfParam = Annotated[str | None, QueryParameter(required=False, description="ISO 8601 time (UTC if no offset)")]


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
        rows = _cut(_case_rows(services, case_id), version, _as_of(as_of))
        if not rows:
            raise NotFound(f"no case {case_id!r} (at that version or time)")
        services.credentials.record_access(who, "case.state", case_id)
        state = replay(services, rows)
        assert state is not None
        return CaseView(case=case_id, version=rows[-1][0][1], recorded_at=rows[-1][1]["recorded_at"], state=_to_builtins(state))

    @get("/{case_id:str}/timeline", responses=problems(401, 403, 404), sync_to_thread=True)
    def timeline(
        self, services: ServicesDep, request: Request[Any, Any, Any], case_id: FromPath[str], version: VersionParam = None, as_of: AsOfParam = None
    ) -> CaseTimeline:
        """Every act of the case in order (全过程记录), up to ``?version=`` or ``?as_of=``, with entry hash and leaf."""
        who = identity_of(request)
        rows = _cut(_case_rows(services, case_id), version, _as_of(as_of))
        if not rows:
            raise NotFound(f"no case {case_id!r} (at that version or time)")
        services.credentials.record_access(who, "case.timeline", case_id)
        leaves = {leaf.version: leaf.leaf_index for leaf in services.tree.leaves_of(case_id)}
        entries = []
        for (_, version_, entry_bytes, envelope), entry in rows:
            act = open_envelope(envelope).act
            entries.append(
                TimelineEntry(
                    version=version_,
                    type=act.type,
                    actor=act.actor,
                    recorded_at=entry["recorded_at"],
                    claimed_at=act.claimed_at,
                    entry_hash=entry_hash(entry_bytes).hex(),
                    leaf_index=leaves.get(version_),
                    payload=act.payload,
                )
            )
        return CaseTimeline(case=case_id, version=rows[-1][0][1], entries=entries)


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
            headers={"Content-Disposition": f'attachment; filename="bundle-{case_id}.json"', "Cache-Control": "no-store"},
        )
