"""RFC 6962 / RFC 9162 Merkle tree hashing, proofs from stored nodes, and proof verification.

Written by hand rather than taken from a library: there is no maintained, non-GPL Python implementation of
RFC 6962 that builds proofs from *stored* tree nodes (the maintained implementations are Go's
transparency-dev/merkle and Rust crates; the Python packages on PyPI are either unmaintained, GPL, or keep the
whole tree in memory). The algorithms are short and fully specified, and the probe corpus of
transparency-dev/merkle (``shared/vectors/merkle``) checks them.

Addressing. A *node* ``(level, index)`` is the perfect subtree covering leaves
``[index * 2**level, (index + 1) * 2**level)``; level 0 are the leaf hashes. Perfect nodes never change once
their last leaf is appended, so a database stores them (:class:`TreeBuilder` yields each as it completes).

RFC 6962 proofs for sizes that are not powers of two also need hashes of *imperfect* subtrees at the right
edge of the tree. Every hash a proof needs is therefore given as an :data:`Address`: a tuple of perfect nodes,
left to right, whose hashes fold right to left (``h = node_hash(left, h)``) into the needed hash. A caller
collects :func:`nodes_of` all addresses, fetches them in one query, and calls :func:`assemble` with the
``{(level, index): hash}`` mapping.

Imports only the standard library (the offline verifier depends on it).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence

HASH_SIZE = 32
EMPTY_ROOT = hashlib.sha256(b"").digest()

Node = tuple[int, int]
"""``(level, index)`` of a perfect subtree."""

Address = tuple[Node, ...]
"""Perfect nodes, left to right, that fold right to left into one (possibly imperfect) subtree hash."""

_sha256 = hashlib.sha256


class ProofError(ValueError):
    """A proof cannot be produced (bad index or sizes) or a stored node is missing."""


def leaf_hash(data: bytes) -> bytes:
    """SHA-256(0x00 ‖ data)."""
    return _sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """SHA-256(0x01 ‖ left ‖ right)."""
    return _sha256(b"\x01" + left + right).digest()


def _split(n: int) -> int:
    """The largest power of two strictly smaller than ``n`` (n >= 2)."""
    return 1 << ((n - 1).bit_length() - 1)


def root(leaf_hashes: Sequence[bytes]) -> bytes:
    """MTH of a list of leaf hashes (RFC 6962 §2.1), iteratively; the empty tree hashes to SHA-256("")."""
    if not leaf_hashes:
        return EMPTY_ROOT
    builder = TreeBuilder()
    for h in leaf_hashes:
        builder.append(h)
    return builder.root()


def mth(leaves: Sequence[bytes]) -> bytes:
    """MTH over raw leaf data (hashes each leaf with :func:`leaf_hash`)."""
    return root([leaf_hash(d) for d in leaves])


# --- addresses -------------------------------------------------------------------------------------------


def range_nodes(start: int, end: int) -> Address:
    """Perfect nodes covering ``[start, end)`` as RFC 6962 splits it: the bits of ``end - start``, largest first.

    Valid for every subtree the RFC 6962 recursion visits (``start`` is a multiple of the largest node in the
    decomposition); anything else raises :class:`ProofError`.
    """
    if not 0 <= start < end:
        raise ProofError(f"empty or negative range [{start}, {end})")
    out: list[Node] = []
    size = end - start
    while size:
        level = size.bit_length() - 1
        width = 1 << level
        if start & (width - 1):
            raise ProofError(f"range [{start}, {end}) is not an RFC 6962 subtree")
        out.append((level, start >> level))
        start += width
        size -= width
    return tuple(out)


def root_addresses(size: int) -> Address:
    """The perfect nodes whose fold is the root of a tree of ``size`` leaves (its "frontier")."""
    if size < 0:
        raise ProofError("negative tree size")
    return range_nodes(0, size) if size else ()


def inclusion_proof_addresses(index: int, size: int) -> list[Address]:
    """Addresses of the RFC 9162 §2.1.3.1 inclusion proof of leaf ``index`` in a tree of ``size``.

    In proof order: from the leaf's sibling up to the root's child.
    """
    if not 0 <= index < size:
        raise ProofError(f"leaf index {index} is not in a tree of size {size}")
    top_down: list[Address] = []
    start, end = 0, size
    while end - start > 1:
        k = _split(end - start)
        mid = start + k
        if index < mid:
            top_down.append(range_nodes(mid, end))
            end = mid
        else:
            top_down.append(((k.bit_length() - 1, start // k),))
            start = mid
    top_down.reverse()
    return top_down


def consistency_proof_addresses(size1: int, size2: int) -> list[Address]:
    """Addresses of the RFC 9162 §2.1.4.1 consistency proof from ``size1`` to ``size2`` (0 < size1 <= size2)."""
    if not 0 < size1 <= size2:
        raise ProofError(f"no consistency proof from size {size1} to size {size2}")
    top_down: list[Address] = []
    start, end, m, complete = 0, size2, size1, True
    while True:
        n = end - start
        if m == n:
            if not complete:
                top_down.append(range_nodes(start, end))
            break
        k = _split(n)
        mid = start + k
        if m <= k:
            top_down.append(range_nodes(mid, end))
            end = mid
        else:
            top_down.append(((k.bit_length() - 1, start // k),))
            start = mid
            m -= k
            complete = False
    top_down.reverse()
    return top_down


def nodes_of(addresses: Iterable[Address]) -> set[Node]:
    """Every stored node the addresses need (one query's worth)."""
    return {node for address in addresses for node in address}


def fold(address: Address, nodes: Mapping[Node, bytes]) -> bytes:
    """The subtree hash an address denotes."""
    try:
        h = nodes[address[-1]]
        for i in range(len(address) - 2, -1, -1):
            h = _sha256(b"\x01" + nodes[address[i]] + h).digest()
    except KeyError as exc:
        raise ProofError(f"stored node {exc.args[0]} is missing") from None
    except IndexError:
        raise ProofError("empty address") from None
    return h


def assemble(addresses: Sequence[Address], nodes: Mapping[Node, bytes]) -> list[bytes]:
    """Turn proof addresses and the fetched ``{(level, index): hash}`` into the proof (a list of hashes)."""
    return [fold(a, nodes) for a in addresses]


def root_from_nodes(size: int, nodes: Mapping[Node, bytes]) -> bytes:
    """The root of the tree of ``size`` leaves from stored perfect nodes."""
    return fold(root_addresses(size), nodes) if size else EMPTY_ROOT


def inclusion_proof(index: int, size: int, nodes: Mapping[Node, bytes]) -> list[bytes]:
    return assemble(inclusion_proof_addresses(index, size), nodes)


def consistency_proof(size1: int, size2: int, nodes: Mapping[Node, bytes]) -> list[bytes]:
    return assemble(consistency_proof_addresses(size1, size2), nodes)


# --- incremental building --------------------------------------------------------------------------------


class TreeBuilder:
    """Append leaf hashes; each append returns the perfect nodes it completes, as ``(level, index, hash)``.

    Keeps only the frontier (one hash per set bit of the size), so memory is O(log n). Resume a stored tree
    with :meth:`resume` from the hashes at :func:`root_addresses` of its size.
    """

    __slots__ = ("_frontier", "_size")

    def __init__(self) -> None:
        self._size = 0
        self._frontier: list[tuple[int, bytes]] = []  # (level, hash), levels strictly decreasing

    @classmethod
    def resume(cls, size: int, frontier: Sequence[bytes]) -> TreeBuilder:
        """A builder continuing a tree of ``size`` leaves, given the hashes of ``root_addresses(size)``."""
        addresses = root_addresses(size)
        if len(frontier) != len(addresses):
            raise ProofError(
                f"a tree of size {size} has {len(addresses)} frontier nodes, got {len(frontier)}"
            )
        builder = cls()
        builder._size = size
        builder._frontier = [(level, h) for (level, _), h in zip(addresses, frontier, strict=True)]
        return builder

    @property
    def size(self) -> int:
        return self._size

    def append(self, leaf: bytes) -> list[tuple[int, int, bytes]]:
        """Add one leaf hash; return the completed nodes (the leaf itself first, then its new ancestors)."""
        if len(leaf) != HASH_SIZE:
            raise ValueError("a leaf hash is 32 bytes")
        index = self._size
        out = [(0, index, leaf)]
        frontier = self._frontier
        level, h = 0, leaf
        while frontier and frontier[-1][0] == level:
            _, left = frontier.pop()
            h = _sha256(b"\x01" + left + h).digest()
            level += 1
            out.append((level, index >> level, h))
        frontier.append((level, h))
        self._size = index + 1
        return out

    def extend(self, leaves: Iterable[bytes]) -> list[tuple[int, int, bytes]]:
        out: list[tuple[int, int, bytes]] = []
        for leaf in leaves:
            out.extend(self.append(leaf))
        return out

    def frontier(self) -> list[bytes]:
        """Hashes of ``root_addresses(self.size)``."""
        return [h for _, h in self._frontier]

    def root(self) -> bytes:
        if not self._frontier:
            return EMPTY_ROOT
        h = self._frontier[-1][1]
        for i in range(len(self._frontier) - 2, -1, -1):
            h = _sha256(b"\x01" + self._frontier[i][1] + h).digest()
        return h


def all_nodes(leaf_hashes: Sequence[bytes]) -> dict[Node, bytes]:
    """Every perfect node of the tree over ``leaf_hashes`` (tests, small trees)."""
    builder = TreeBuilder()
    return {(lv, ix): h for leaf in leaf_hashes for lv, ix, h in builder.append(leaf)}


# --- reference recursive implementations (RFC 6962 §2.1.1, §2.1.2) ----------------------------------------


def reference_root(leaf_hashes: Sequence[bytes]) -> bytes:
    n = len(leaf_hashes)
    if n == 0:
        return EMPTY_ROOT
    if n == 1:
        return leaf_hashes[0]
    k = _split(n)
    return node_hash(reference_root(leaf_hashes[:k]), reference_root(leaf_hashes[k:]))


def reference_inclusion_proof(leaf_hashes: Sequence[bytes], index: int) -> list[bytes]:
    """PATH(m, D[n]) of RFC 6962 §2.1.1, recursively, over leaf hashes."""
    n = len(leaf_hashes)
    if not 0 <= index < n:
        raise ProofError(f"leaf index {index} is not in a tree of size {n}")
    if n == 1:
        return []
    k = _split(n)
    if index < k:
        return [*reference_inclusion_proof(leaf_hashes[:k], index), reference_root(leaf_hashes[k:])]
    return [*reference_inclusion_proof(leaf_hashes[k:], index - k), reference_root(leaf_hashes[:k])]


def reference_consistency_proof(leaf_hashes: Sequence[bytes], m: int) -> list[bytes]:
    """PROOF(m, D[n]) of RFC 6962 §2.1.2, recursively, over leaf hashes (0 < m <= n)."""
    if not 0 < m <= len(leaf_hashes):
        raise ProofError(f"no consistency proof from size {m} to size {len(leaf_hashes)}")
    return _subproof(m, leaf_hashes, True)


def _subproof(m: int, d: Sequence[bytes], complete: bool) -> list[bytes]:
    n = len(d)
    if m == n:
        return [] if complete else [reference_root(d)]
    k = _split(n)
    if m <= k:
        return [*_subproof(m, d[:k], complete), reference_root(d[k:])]
    return [*_subproof(m - k, d[k:], False), reference_root(d[:k])]


# --- verification (RFC 9162 §2.1.3.2, §2.1.4.2) -------------------------------------------------------------


def verify_inclusion(leaf: bytes, index: int, size: int, proof: Sequence[bytes], root_hash: bytes) -> bool:
    """True iff ``proof`` proves leaf hash ``leaf`` at ``index`` in the tree of ``size`` with ``root_hash``."""
    if not 0 <= index < size:
        return False
    if len(leaf) != HASH_SIZE or len(root_hash) != HASH_SIZE:
        return False
    fn, sn, r = index, size - 1, leaf
    for p in proof:
        if len(p) != HASH_SIZE or sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = _sha256(b"\x01" + p + r).digest()
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            r = _sha256(b"\x01" + r + p).digest()
        fn >>= 1
        sn >>= 1
    return sn == 0 and r == root_hash


def verify_consistency(size1: int, size2: int, proof: Sequence[bytes], root1: bytes, root2: bytes) -> bool:
    """True iff ``proof`` shows the tree (size1, root1) is a prefix of the tree (size2, root2).

    A proof from size 0 is an error; between equal sizes it is valid iff empty and the roots are equal bytes;
    otherwise every hash must be 32 bytes.
    """
    if size1 <= 0 or size2 < size1:
        return False
    if size1 == size2:
        return not proof and root1 == root2
    if not proof or len(root1) != HASH_SIZE or len(root2) != HASH_SIZE:
        return False
    if any(len(p) != HASH_SIZE for p in proof):
        return False
    path = list(proof)
    if size1 & (size1 - 1) == 0:  # size1 is a power of two: the old root is a node of the new tree
        path.insert(0, root1)
    fn, sn = size1 - 1, size2 - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr = _sha256(b"\x01" + c + fr).digest()
            sr = _sha256(b"\x01" + c + sr).digest()
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            sr = _sha256(b"\x01" + sr + c).digest()
        fn >>= 1
        sn >>= 1
    return fr == root1 and sr == root2 and sn == 0
