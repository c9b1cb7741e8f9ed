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
from ledger.court.bundle_format import BundleEntry, BundleStream, build_bundle, entry_hash
from ledger.court.checkpoint import parse_unverified
from ledger.court.keys import SigningKey
from ledger.court.tlogproof import make_proof
from ledger.envelope import open_envelope
from ledger.errors import LedgerError, StreamNotFound
from ledger.sealer import Leaf, Tree
from ledger.store import Store


class LedgerInconsistent(LedgerError):
    """The stored rows disagree with the sealed leaves or the stream-state table: a bundle would mislead a court."""

    code = "ledger-inconsistent"
    title = "账本记录与已封存的日志不一致，拒绝出具案卷包"
    title_en = "The stored entries disagree with the sealed log or the recorded stream head; no bundle is made"
    status = 409

    def __init__(self, stream: str, version: int, detail: str) -> None:
        super().__init__(f"stream {stream} version {version}: {detail} (run `zhifa check --full`)")
        self.stream = stream
        self.version = version


def cross_check(
    stream: str, rows: Sequence[Any], sealed: Sequence[Leaf], recorded: tuple[int, bytes, Any] | None, size: int
) -> None:
    """Refuse (naming the stream and version) unless the stream's stored rows run 1..n, end at the head recorded
    with its last append, and hold every entry the log sealed for it under ``size`` at its sealed position — as
    ``zhifa check`` does. Without this a deleted last act (or a deleted key revocation) would go unnoticed: the
    manifest is signed over whatever rows are found."""
    for n, rec in enumerate(rows, start=1):
        if rec.originator_version != n:
            raise LedgerInconsistent(stream, n, f"entry missing (found version {rec.originator_version} next)")
    last = len(rows)
    if recorded is None:
        if rows:
            raise LedgerInconsistent(stream, last, "entries stored but no head recorded in the stream-state table")
    else:
        # The head is read before the rows: an append landing in between adds rows beyond it, never fewer.
        version, head = recorded[0], recorded[1]
        if version > last:
            raise LedgerInconsistent(
                stream, last + 1, f"the recorded head is version {version}, the stored entries end at {last}"
            )
        if version and entry_hash(rows[version - 1].entry) != head:
            raise LedgerInconsistent(stream, version, "the entry differs from the head recorded at its append")
    positions = {rec.originator_version: rec for rec in rows}
    for leaf in sealed:
        if leaf.leaf_index >= size:
            continue
        if leaf.version not in positions:
            raise LedgerInconsistent(
                stream, leaf.version, f"sealed at leaf {leaf.leaf_index} but the entry is not in the database"
            )


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
        recorded = store.stream_state(stream)
        stored = store.stream(stream)
        cross_check(stream, stored, tree.sealed_leaves_of(stream), recorded, size)
        recs = [r for r in stored if r.originator_version in leaves]
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
        origin=origin, checkpoint=checkpoint, streams=streams, log_key=log_key, consistency=consistency
    )
