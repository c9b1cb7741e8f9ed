"""Verification API and static C2SP tlog-tiles: public, cacheable, the same bytes the court's verifier checks.

``/log/entries/{index}`` is exactly the entry's canonical bytes, so SHA-256(0x00 ‖ body) is the leaf hash; proofs
follow RFC 9162 and are built from stored nodes (one query). Tiles and entry bundles exist only within the latest
checkpoint; full tiles never change and are cached as immutable, the checkpoint only for a few seconds.
"""

from __future__ import annotations

import base64
from typing import Annotated

from litestar import Controller, Response, get
from litestar.concurrency import sync_to_thread
from litestar.params import FromPath, PathParameter, QueryParameter

from ledger.court import merkle
from web.deps import ServicesDep
from web.openapi import ENTRY_SCHEMA, answers
from web.problems import BadRequest, NotFound, Unavailable, problems
from web.schemas import ConsistencyProof, InclusionProof
from web.services import Services
from web.tiles import (
    TilePathError,
    TileRef,
    entry_bundle,
    exists,
    leaf_range,
    node_addresses,
    parse_tile_path,
)

TEXT = "text/plain"  # litestar adds "; charset=utf-8"
OCTETS = "application/octet-stream"
CHECKPOINT_CACHE = "public, max-age=5"  # mutable: a few seconds (C2SP tlog-tiles), at most a minute
IMMUTABLE = "public, max-age=31536000, immutable"
MAX_LEAF = 10**10 - 1  # tree sizes and indexes accepted in requests (one shard's log stays far below)


def _b64(hashes: list[bytes]) -> list[str]:
    return [base64.b64encode(h).decode() for h in hashes]


def _published(services: ServicesDep) -> tuple[int, str]:
    if services.published is None:
        raise Unavailable("no checkpoint has been published yet")
    return services.published.size, services.published.note


class VerificationController(Controller):
    """Public: the signed checkpoint, the log key, entries and RFC 9162 proofs."""

    path = "/log"
    tags = ["verification"]

    @get("/checkpoint", media_type=TEXT, responses=problems(404, 503), cache_control=None)
    async def checkpoint(
        self,
        services: ServicesDep,
        size: Annotated[int | None, QueryParameter(ge=1, le=MAX_LEAF)] = None,
    ) -> Response[str]:
        """The latest signed checkpoint (C2SP tlog-checkpoint as a signed note); with ``?size=N`` the checkpoint
        the log published at tree size N (what the checkpoint feed's items link to), 404 if it published none."""
        latest, note = _published(services)
        if size is None or size == latest:
            return Response(note, media_type=TEXT, headers={"Cache-Control": CHECKPOINT_CACHE if size is None else IMMUTABLE})
        older = None if size > latest else await sync_to_thread(services.tree.checkpoint_at, size)
        if older is None:
            raise NotFound(f"no checkpoint was published at tree size {size} (latest {latest})")
        return Response(older, media_type=TEXT, headers={"Cache-Control": IMMUTABLE})

    @get("/vkey", media_type=TEXT, responses=problems(503))
    async def vkey(self, services: ServicesDep) -> Response[str]:
        """The log's verifier key (``name+keyid+base64``): what a court passes to ``zhifa verify --log-key``."""
        if not services.log_vkey:
            raise Unavailable("no ledger in this database")
        return Response(services.log_vkey + "\n", media_type=TEXT, headers={"Cache-Control": "public, max-age=3600"})

    @get(
        "/entries/{index:int}",
        media_type="application/json",
        responses=problems(404, 503),
        sync_to_thread=True,
        operation_class=answers({"200": ("The entry's exact canonical bytes", {"application/json": ENTRY_SCHEMA})}),
    )
    def entry(self, services: ServicesDep, index: Annotated[int, PathParameter(ge=0, le=MAX_LEAF)]) -> Response[bytes]:
        """Exactly the entry's canonical bytes at this leaf index (within the latest checkpoint)."""
        size, _ = _published(services)
        if index >= size:
            raise NotFound(f"leaf {index} is not in the latest checkpoint (size {size})")
        (body,) = services.entries_by_leaf(index, index + 1)
        return Response(body, media_type="application/json", headers={"Cache-Control": IMMUTABLE})

    @get("/proof/inclusion", responses=problems(404, 503), sync_to_thread=True)
    def inclusion(
        self,
        services: ServicesDep,
        index: Annotated[int, QueryParameter(ge=0, le=MAX_LEAF)],
        size: Annotated[int, QueryParameter(ge=1, le=MAX_LEAF)],
    ) -> Response[InclusionProof]:
        """RFC 9162 inclusion proof of leaf ``index`` in the tree of ``size`` leaves (size ≤ the latest checkpoint)."""
        latest, _ = _published(services)
        if size > latest:
            raise NotFound(f"tree size {size} is beyond the latest checkpoint ({latest})")
        if index >= size:
            raise BadRequest(f"index {index} is not below size {size}")
        try:
            hashes = services.tree.inclusion_proof(index, size)
        except merkle.ProofError as exc:
            raise BadRequest(str(exc)) from exc
        return Response(InclusionProof(index=index, size=size, hashes=_b64(hashes)), headers={"Cache-Control": IMMUTABLE})

    @get("/proof/consistency", responses=problems(404, 503), sync_to_thread=True)
    def consistency(
        self,
        services: ServicesDep,
        first: Annotated[int, QueryParameter(ge=1, le=MAX_LEAF)],
        second: Annotated[int, QueryParameter(ge=1, le=MAX_LEAF)],
    ) -> Response[ConsistencyProof]:
        """RFC 9162 consistency proof from tree size ``first`` to ``second`` (second ≤ the latest checkpoint)."""
        latest, _ = _published(services)
        if second > latest:
            raise NotFound(f"tree size {second} is beyond the latest checkpoint ({latest})")
        if first > second:
            raise BadRequest(f"first ({first}) must not exceed second ({second})")
        try:
            hashes = services.tree.consistency_proof(first, second) if first < second else []
        except merkle.ProofError as exc:
            raise BadRequest(str(exc)) from exc
        body = ConsistencyProof(first=first, second=second, hashes=_b64(hashes))
        return Response(body, headers={"Cache-Control": IMMUTABLE})


class TilesController(Controller):
    """Public: C2SP tlog-tiles (checkpoint, hash tiles, entry bundles) for witnesses, monitors and tile readers."""

    path = "/"
    tags = ["tlog-tiles"]

    @get("/checkpoint", media_type=TEXT, responses=problems(503))
    async def checkpoint(self, services: ServicesDep) -> Response[str]:
        """The latest checkpoint (``text/plain; charset=utf-8``, cacheable for a few seconds)."""
        _, note = _published(services)
        return Response(note, media_type=TEXT, headers={"Cache-Control": CHECKPOINT_CACHE})

    @get("/tile/{tail:path}", media_type=OCTETS, responses=problems(404, 503))
    async def tile(self, services: ServicesDep, tail: FromPath[str]) -> Response[bytes]:
        """``/tile/<L>/<N>[.p/<W>]`` (256 hashes at height 8·L per full tile) or ``/tile/entries/<N>[.p/<W>]``
        (uint16-length-prefixed entries). 404 for anything beyond the latest checkpoint."""
        size, _ = _published(services)
        try:
            ref = parse_tile_path(tail)
        except TilePathError as exc:
            raise NotFound(f"not a tile path: {exc}") from exc
        if not exists(ref, size):
            raise NotFound(f"{ref.path()} is beyond the latest checkpoint (size {size})")
        path = ref.path()
        body = services.tiles.get(path)
        if body is None:  # read from the database in a worker thread, then kept: a tile's bytes never change
            body = await sync_to_thread(_tile_bytes, services, ref)
            services.tiles.put(path, body)
        return Response(body, media_type=OCTETS, headers={"Cache-Control": IMMUTABLE})


def _tile_bytes(services: Services, ref: TileRef) -> bytes:
    if ref.level is None:
        return entry_bundle(services.entries_by_leaf(*leaf_range(ref)))
    addresses = node_addresses(ref)
    found = services.tree.nodes(addresses)
    return b"".join(found[a] for a in addresses)
