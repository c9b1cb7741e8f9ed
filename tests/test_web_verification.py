"""The verification API and the static tlog-tiles, as an outside auditor uses them: the root recomputed from
/log/entries equals the checkpoint's, the API's proofs verify, and a reader of the tiles alone gets the same root."""

from __future__ import annotations

import base64
import hashlib
import uuid

from litestar import Litestar
from litestar.testing import TestClient

from ledger.court import merkle
from ledger.court.checkpoint import open_checkpoint
from ledger.court.keys import parse_verifier_key
from tests.webkit import WebLedger, wait_for_size

LEAVES = 600  # two full level-0 tiles, a partial one of width 88, a partial level-1 tile of width 2


def _grow(wl: WebLedger, total: int) -> None:
    """Append one-act cases until the log holds ``total`` entries."""
    missing = total - wl.leaf_count()
    envelopes = [wl.fx.act(wl.officer, str(uuid.uuid4()), 0, "lead.received",
                           {"source": "complaint", "channel": "12345", "summary": "某超市销售过期食品", "catalog_item": None})
                 for i in range(missing)]
    for i in range(0, len(envelopes), 256):
        assert all(not isinstance(r, Exception) for r in wl.fx.writer.append_group(envelopes[i : i + 256]))
    assert wl.leaf_count() == total


def _checkpoint(client: TestClient[Litestar]) -> tuple[int, bytes]:
    vkey = parse_verifier_key(client.get("/log/vkey").text.strip())
    cp = open_checkpoint(client.get("/log/checkpoint").text, vkey)
    return cp.size, cp.root


def test_root_recomputed_from_log_entries_equals_the_signed_checkpoint(web_ledger: WebLedger) -> None:
    _grow(web_ledger, 40)
    with TestClient(web_ledger.app()) as client:
        wait_for_size(client, 40)
        r = client.get("/log/checkpoint")
        assert r.headers["content-type"] == "text/plain; charset=utf-8"
        size, root = _checkpoint(client)
        leaves = []
        for i in range(size):
            r = client.get(f"/log/entries/{i}")
            assert r.status_code == 200 and r.headers["content-type"] == "application/json"
            leaves.append(hashlib.sha256(b"\x00" + r.content).digest())
        assert merkle.reference_root(leaves) == root
        assert client.get(f"/log/entries/{size}").status_code == 404


def test_inclusion_and_consistency_proofs_from_the_api_verify(web_ledger: WebLedger) -> None:
    _grow(web_ledger, 37)
    with TestClient(web_ledger.app()) as client:
        wait_for_size(client, 37)
        size, root = _checkpoint(client)
        for index in (0, 1, 17, size - 1):
            leaf = hashlib.sha256(b"\x00" + client.get(f"/log/entries/{index}").content).digest()
            body = client.get("/log/proof/inclusion", params={"index": index, "size": size}).json()
            assert (body["index"], body["size"]) == (index, size)
            proof = [base64.b64decode(h) for h in body["hashes"]]
            assert merkle.verify_inclusion(leaf, index, size, proof, root)
            assert not merkle.verify_inclusion(leaf, index + 1 if index + 1 < size else 0, size, proof, root) or size == 1
        leaves = [hashlib.sha256(b"\x00" + client.get(f"/log/entries/{i}").content).digest() for i in range(size)]
        for first in (1, 5, 16, size - 1, size):
            body = client.get("/log/proof/consistency", params={"first": first, "second": size}).json()
            assert (body["first"], body["second"]) == (first, size)
            proof = [base64.b64decode(h) for h in body["hashes"]]
            assert merkle.verify_consistency(first, size, proof, merkle.reference_root(leaves[:first]), root)


def test_proof_requests_beyond_the_checkpoint_or_out_of_range_are_refused_as_problems(web_ledger: WebLedger) -> None:
    _grow(web_ledger, 10)
    with TestClient(web_ledger.app()) as client:
        wait_for_size(client, 10)
        r = client.get("/log/proof/inclusion", params={"index": 0, "size": 11})
        assert r.status_code == 404 and r.headers["content-type"] == "application/problem+json"
        assert r.json()["type"] == "urn:zhifa:error:not-found"
        r = client.get("/log/proof/inclusion", params={"index": 10, "size": 10})
        assert r.status_code == 400 and r.json()["code"] == "bad-request"
        r = client.get("/log/proof/consistency", params={"first": 9, "second": 4})
        assert r.status_code == 400
        r = client.get("/log/proof/inclusion", params={"index": "x", "size": 3})
        assert r.status_code == 400 and r.headers["content-type"] == "application/problem+json"


# -- a tile reader written from the C2SP tlog-tiles text, sharing no code with the server ----------------------
def _sha(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


def _mth(hashes: list[bytes]) -> bytes:
    """RFC 6962 Merkle tree hash over already-hashed leaves."""
    if len(hashes) == 1:
        return hashes[0]
    k = 1
    while k * 2 < len(hashes):
        k *= 2
    return _sha(b"\x01" + _mth(hashes[:k]) + _mth(hashes[k:]))


def _index_path(n: int) -> str:
    groups = [f"{n % 1000:03d}"]
    n //= 1000
    while n:
        groups.insert(0, f"x{n % 1000:03d}")
        n //= 1000
    return "/".join(groups)


class TileReader:
    """Reads a tiled log over HTTP: tiles of 256 hashes at height 8·L, partial ones as the checkpoint implies."""

    def __init__(self, client: TestClient[Litestar], size: int) -> None:
        self.client, self.size = client, size

    def tile(self, level: int, n: int) -> list[bytes]:
        width = min(256, (self.size >> (8 * level)) - n * 256)
        path = f"/tile/{level}/{_index_path(n)}" + ("" if width == 256 else f".p/{width}")
        r = self.client.get(path)
        assert r.status_code == 200, (path, r.text)
        assert r.headers["content-type"] == "application/octet-stream"
        assert len(r.content) == 32 * width
        if width == 256:
            assert "immutable" in r.headers["cache-control"]
        return [r.content[i : i + 32] for i in range(0, len(r.content), 32)]

    def entries(self, n: int) -> list[bytes]:
        width = min(256, self.size - n * 256)
        r = self.client.get(f"/tile/entries/{_index_path(n)}" + ("" if width == 256 else f".p/{width}"))
        assert r.status_code == 200
        data, out = r.content, []
        while data:
            length = int.from_bytes(data[:2], "big")
            out.append(data[2 : 2 + length])
            data = data[2 + length :]
        assert len(out) == width
        return out

    def subtree(self, start: int, height: int) -> bytes:
        """Hash of the perfect subtree of 2**height leaves from ``start``, from the highest tile level that has it."""
        level, within = divmod(height, 8)
        unit = 256**level
        first = start // unit
        hashes = [self.tile(level, (first + i) // 256)[(first + i) % 256] for i in range(1 << within)]
        return _mth(hashes)

    def root(self) -> bytes:
        """As Go's tlog.TreeHash: the tree splits into perfect subtrees by the bits of its size, largest first."""
        parts, start = [], 0
        for height in range(self.size.bit_length() - 1, -1, -1):
            if self.size >> height & 1:
                parts.append(self.subtree(start, height))
                start += 1 << height
        root = parts[-1]
        for left in reversed(parts[:-1]):
            root = _sha(b"\x01" + left + root)
        return root


def test_a_reader_of_the_tiles_alone_gets_the_checkpoint_root(web_ledger: WebLedger) -> None:
    _grow(web_ledger, LEAVES)
    with TestClient(web_ledger.app()) as client:
        note = wait_for_size(client, LEAVES)
        r = client.get("/checkpoint")
        assert r.headers["content-type"] == "text/plain; charset=utf-8"
        max_age = int(r.headers["cache-control"].split("max-age=")[1].split(",")[0])
        assert max_age <= 60
        size, root = _checkpoint(client)
        assert note.splitlines()[1] == str(size)
        reader = TileReader(client, size)
        assert reader.root() == root
        # every entry in the bundles hashes to its level-0 tile hash, and level 1 covers full level-0 tiles
        for n in range((size + 255) // 256):
            assert [_sha(b"\x00" + e) for e in reader.entries(n)] == reader.tile(0, n)
        assert reader.tile(1, 0)[0] == _mth(reader.tile(0, 0))
        # the same root from every leaf
        leaves = [h for n in range((size + 255) // 256) for h in reader.tile(0, n)]
        assert _mth(leaves) == root


def test_tiles_beyond_the_checkpoint_or_off_the_grammar_are_404(web_ledger: WebLedger) -> None:
    _grow(web_ledger, 300)
    with TestClient(web_ledger.app()) as client:
        wait_for_size(client, 300)
        size, _ = _checkpoint(client)
        width = size % 256
        assert client.get(f"/tile/0/001.p/{width}").status_code == 200
        assert client.get(f"/tile/0/001.p/{width - 1}").status_code == 200  # an earlier checkpoint's partial tile
        for path in (
            f"/tile/0/001.p/{width + 1}",  # wider than the checkpoint implies
            "/tile/0/001",  # not full yet
            "/tile/0/002.p/1",
            "/tile/1/000",
            "/tile/entries/001",
            "/tile/0/1",  # not three digits
            "/tile/0/x000/000",  # leading zero element
            "/tile/00/000",
            "/tile/0/000.p/256",
            "/tile/0/000.p/0",
            "/tile/../../etc/passwd",
        ):
            r = client.get(path)
            assert r.status_code == 404, path
            assert r.headers["content-type"] == "application/problem+json"
        # Go's sumdb spelling names the same tile
        assert client.get("/tile/8/0/000").content == client.get("/tile/0/000").content


def test_tiles_are_kept_once_served_and_a_tile_that_fills_up_is_served_whole(web_ledger: WebLedger) -> None:
    _grow(web_ledger, 300)
    with TestClient(web_ledger.app()) as client:
        wait_for_size(client, 300)
        size, _ = _checkpoint(client)
        width = size % 256
        partial = client.get(f"/tile/0/001.p/{width}").content
        bundle = client.get(f"/tile/entries/001.p/{width}").content
        services = client.app.state.services
        reads = {"nodes": 0}
        nodes = services.tree.nodes

        def counted(addresses, cur=None):  # type: ignore[no-untyped-def]
            if cur is None:
                reads["nodes"] += 1
            return nodes(addresses, cur)

        services.tree.nodes = counted
        assert client.get(f"/tile/0/001.p/{width}").content == partial  # from the cache: no read
        assert client.get(f"/tile/entries/001.p/{width}").content == bundle
        assert reads["nodes"] == 0
        _grow(web_ledger, 512)
        wait_for_size(client, 512)
        full = client.get("/tile/0/001").content  # not cached yet: read, 256 hashes, the partial one its prefix
        assert reads["nodes"] == 1 and len(full) == 256 * 32 and full[: 32 * width] == partial
        assert client.get(f"/tile/0/001.p/{width}").content == partial


def test_the_tile_cache_keeps_to_its_byte_budget() -> None:
    from web.tiles import TileCache

    cache = TileCache(max_bytes=100)
    cache.put("a", b"x" * 40)
    cache.put("b", b"y" * 40)
    assert cache.get("a") == b"x" * 40  # a is now the most recent
    cache.put("c", b"z" * 40)  # over budget: b, the least recently used, goes
    assert cache.get("b") is None and cache.get("a") is not None and cache.get("c") is not None
    cache.put("big", b"w" * 101)  # larger than the whole budget: not kept
    assert cache.get("big") is None and cache.get("a") is not None
