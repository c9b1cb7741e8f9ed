"""The public portal (zh-CN HTML, readable on a phone, no external assets): latest checkpoint and disclosures,
one page per disclosure with its leaf index, entry hash and proof, the agency and officer directory (names masked),
and a verify page that checks an entry's inclusion in the browser (WebCrypto)."""

from __future__ import annotations

import base64
from typing import Annotated, Any

import msgspec
from litestar import Controller, MediaType, get
from litestar.params import PathParameter, QueryParameter
from litestar.response import Redirect, Template

from domain.disclosure import public_name
from domain.redact import mask_person_name
from ledger.envelope import entry_hash
from projections import disclosure as disclosure_view
from web.deps import ServicesDep
from web.problems import NotFound, problems
from web.services import Services
from web.verification import MAX_LEAF

LATEST = 20


def _latest_entries(services: Services) -> list[dict[str, Any]]:
    size = services.checkpoint_size()
    start = max(0, size - LATEST)
    rows = services.entries_by_leaf(start, size)
    out = []
    for i, body in zip(range(start, size), rows, strict=True):
        entry = msgspec.json.decode(body)
        out.append({"leaf_index": i, "recorded_at": entry["recorded_at"], "entry_hash": entry_hash(body).hex()})
    return list(reversed(out))


def _disclosure_view(item: disclosure_view.PublicItem) -> dict[str, Any]:
    out = item.public_dict()
    out["page_url"] = f"/disclosures/{item.leaf_index}"
    out["published"] = out["published_at"]
    return out


class PortalController(Controller):
    path = "/"
    tags = ["portal"]

    def _base(self, services: Services) -> dict[str, Any]:
        return {"origin": services.origin}

    @get("/", media_type=MediaType.HTML, sync_to_thread=True, responses=problems())
    def home(self, services: ServicesDep) -> Template:
        """首页: the latest checkpoint, disclosures and public entries."""
        published = services.published
        checkpoint = None
        if published is not None:
            checkpoint = {"size": published.size, "created_at": published.created_at, "root": base64.b64encode(published.root).decode()}
        current = disclosure_view.current_items(services.store, as_of=services.writer.clock())
        disclosures = [_disclosure_view(d) for d in reversed(current[-LATEST:])]
        return Template(
            "home.html",
            context={**self._base(services), "checkpoint": checkpoint, "disclosures": disclosures, "entries": _latest_entries(services)},
        )

    @get("/disclosures", media_type=MediaType.HTML, sync_to_thread=True, responses=problems())
    def disclosures(self, services: ServicesDep) -> Template:
        """Every disclosure in public view now (the feeds' alternate page)."""
        current = disclosure_view.current_items(services.store, as_of=services.writer.clock())
        return Template("disclosures.html", context={**self._base(services), "disclosures": [_disclosure_view(d) for d in reversed(current)]})

    @get("/log", responses=problems(), status_code=302, include_in_schema=False)
    async def log_home(self) -> Redirect:
        """The checkpoint feed's alternate page: the latest signed checkpoint."""
        return Redirect("/log/checkpoint")

    @get("/disclosures/{leaf:int}", media_type=MediaType.HTML, responses=problems(404), sync_to_thread=True)
    def disclosure(self, services: ServicesDep, leaf: Annotated[int, PathParameter(ge=0, le=MAX_LEAF)]) -> Template:
        """One disclosure (行政执法公示) with the leaf index and entry hash of the act it discloses."""
        found = disclosure_view.item_by_leaf(services.store, leaf)
        if not found:
            raise NotFound(f"no disclosure at leaf {leaf}")
        item = _disclosure_view(found[-1])
        size = services.checkpoint_size()
        return Template(
            "disclosure.html",
            context={**self._base(services), "item": item, "proof_url": f"/log/proof/inclusion?index={leaf}&size={size}"},
        )

    @get("/directory", media_type=MediaType.HTML, sync_to_thread=True, responses=problems())
    def directory(self, services: ServicesDep) -> Template:
        """Agencies and enforcement staff from the registry; natural persons' names masked (张某), and what was typed
        beside an agency's name (a contact, a private phone) as in every public text."""
        from feeds import feed_path

        registry = services.writer.registry
        agencies = [
            {"id": a.id, "name": public_name(a.name), "kind": a.kind, "feed": feed_path("agency", a.id) + ".atom"}
            for a in sorted(registry.agencies.values(), key=lambda a: a.id)
        ]
        people = [
            {
                "name": mask_person_name(o["name"]) if o.get("name") else "",
                "agency": o.get("agency_name") or o.get("agency") or "",
                "certificates": o.get("certificates", []),
            }
            for o in disclosure_view.officer_directory(services.store)
        ]
        return Template("directory.html", context={**self._base(services), "agencies": agencies, "people": people})

    @get("/verify", media_type=MediaType.HTML, responses=problems())
    async def verify(
        self,
        services: ServicesDep,
        # litestar 2.25 drops a falsy bound (ge=0) from the schema of an optional parameter: state it again
        index: Annotated[int | None, QueryParameter(ge=0, le=MAX_LEAF, required=False, schema_extra={"minimum": 0})] = None,
    ) -> Template:
        """Paste an entry and its leaf index: the browser checks its inclusion against the latest checkpoint."""
        return Template("verify.html", context={**self._base(services), "index": "" if index is None else index})

