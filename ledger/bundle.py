"""Write a court bundle (``zhifa-bundle/v1``) for one case from the database, at the latest checkpoint.

The bundle holds the case's entries and envelopes, and — so that a court can check key validity offline — the
person streams of every signer, closed over who signed those (officers → the personnel authority → the log key).
Every entry carries its leaf index and an inclusion proof (C2SP tlog-proof) against the bundle's checkpoint;
all proof nodes are fetched in one query. With ``since`` (an older checkpoint note of the same log) it adds the
consistency proof from that checkpoint.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ledger.court import merkle
from ledger.court.bundle_format import BundleEntry, BundleStream, Evidence, build_bundle
from ledger.court.checkpoint import parse_unverified
from ledger.court.keys import SigningKey
from ledger.court.tlogproof import make_proof
from ledger.envelope import open_envelope
from ledger.errors import LedgerError, StreamNotFound
from ledger.sealer import Tree
from ledger.store import Store


def evidence_of(items: Sequence[tuple[Any, Any]]) -> list[Evidence]:
    """Evidence files the case's acts name (SHA-256 hex and size), named by digest as the evidence store keeps them."""
    out: dict[str, Evidence] = {}
    for _, rec in items:
        payload = open_envelope(rec.envelope).act.payload
        digest, size = payload.get("sha256"), payload.get("size")
        if isinstance(digest, str) and len(digest) == 64 and isinstance(size, int) and not isinstance(size, bool):
            out.setdefault(digest, Evidence(sha256=digest, size=size, name=digest))
    return list(out.values())


class NotSealed(LedgerError):
    code = "not-sealed"
    title = "案件尚未纳入已签名的检查点"
    title_en = "The case is not yet covered by a signed checkpoint"
    status = 409


def make_bundle(
    store: Store,
    log_key: SigningKey,
    case_id: str,
    *,
    since: str | None = None,
    evidence: Sequence[Evidence] = (),
) -> dict[str, Any]:
    origin = store.meta("origin") or ""
    tree = Tree(store)
    latest = tree.latest_checkpoint()
    if latest is None:
        raise NotSealed("no checkpoint has been published yet (run `zhifa seal`)")
    size, checkpoint = latest
    if not store.stream(case_id, lte=1):
        raise StreamNotFound(f"no case {case_id!r} in this ledger")
    # Close over signers: the case, then the person stream of every actor who signed an included entry.
    wanted, order, raw = [case_id], [], {}
    while wanted:
        stream = wanted.pop(0)
        if stream in raw:
            continue
        leaves = {leaf.version: leaf for leaf in tree.leaves_of(stream) if leaf.leaf_index < size}
        recs = [r for r in store.stream(stream) if r.originator_version in leaves]
        if not recs:
            if stream == case_id:
                raise NotSealed(f"case {case_id} has no entry under checkpoint {size}; seal first")
            continue
        raw[stream] = [(leaves[r.originator_version], r) for r in recs]
        order.append(stream)
        for _, rec in raw[stream]:
            actor = open_envelope(rec.envelope).act.actor
            if actor != origin and f"person:{actor}" not in raw:
                wanted.append(f"person:{actor}")
    addresses = {
        leaf.leaf_index: merkle.inclusion_proof_addresses(leaf.leaf_index, size)
        for items in raw.values()
        for leaf, _ in items
    }
    nodes = tree.nodes(list(merkle.nodes_of(a for addrs in addresses.values() for a in addrs)))
    streams = [
        BundleStream(
            stream,
            [
                BundleEntry(
                    version=rec.originator_version,
                    leaf_index=leaf.leaf_index,
                    entry=rec.entry,
                    envelope=rec.envelope,
                    proof=make_proof(leaf.leaf_index, merkle.assemble(addresses[leaf.leaf_index], nodes), checkpoint),
                )
                for leaf, rec in raw[stream]
            ],
        )
        for stream in order
    ]
    if not evidence:
        evidence = evidence_of(raw[case_id])
    consistency = None
    if since is not None:
        older = parse_unverified(since)
        if older.origin != origin:
            raise LedgerError(f"the older checkpoint is for {older.origin!r}, not {origin!r}")
        if older.size > size:
            raise LedgerError(f"the older checkpoint ({older.size}) is ahead of the latest ({size})")
        proof = tree.consistency_proof(older.size, size) if older.size else []
        consistency = (since, proof)
    return build_bundle(
        origin=origin, checkpoint=checkpoint, streams=streams, log_key=log_key, consistency=consistency, evidence=evidence
    )
