"""C2SP tlog-tiles over the stored Merkle tree: tile paths, which tiles a checkpoint implies, and their bytes.

A tile at level L holds the Merkle tree hashes at tree height 8·L, 256 to a full tile: hash i of tile N is the
stored perfect node ``(8·L, N·256 + i)`` (ledger/sealer.py stores every perfect node), so serving a tile is one
query. Level-0 tiles are leaf hashes; entry bundles carry the entries themselves, each as a big-endian uint16
length then its bytes. Only tiles within the latest checkpoint exist: a full tile when its 256 hashes are
complete, a partial tile ``.p/W`` when its first W hashes are (W from 1 to 255), as every earlier checkpoint's
size implies one.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from dataclasses import dataclass

TILE_HEIGHT = 8
TILE_WIDTH = 1 << TILE_HEIGHT  # 256 hashes per full tile
MAX_LEVEL = 63
ENTRY_MAX_BYTES = 0xFFFF  # uint16 length prefix

_LEVEL = re.compile(r"0|[1-9][0-9]?")
_WIDTH = re.compile(r"[1-9][0-9]{0,2}")
_SEGMENT_INNER = re.compile(r"x[0-9]{3}")
_SEGMENT_LAST = re.compile(r"[0-9]{3}")


class TilePathError(ValueError):
    """Not a tile path of the C2SP grammar (served as 404: no such resource)."""


@dataclass(frozen=True)
class TileRef:
    level: int | None  # None: an entry bundle
    index: int
    width: int  # 256 for a full tile

    @property
    def partial(self) -> bool:
        return self.width < TILE_WIDTH

    def path(self) -> str:
        """The tile's path below the prefix, e.g. ``tile/0/x001/234.p/7``."""
        head = "entries" if self.level is None else str(self.level)
        tail = f".p/{self.width}" if self.partial else ""
        return f"tile/{head}/{encode_index(self.index)}{tail}"


def encode_index(n: int) -> str:
    """Zero-padded 3-digit path elements, all but the last prefixed by ``x``: 1234067 → ``x001/x234/067``."""
    if n < 0:
        raise ValueError("tile index must be non-negative")
    groups = []
    while True:
        groups.append(f"{n % 1000:03d}")
        n //= 1000
        if n == 0:
            break
    groups.reverse()
    return "/".join([*("x" + g for g in groups[:-1]), groups[-1]])


def parse_index(segments: list[str]) -> int:
    if not segments or not _SEGMENT_LAST.fullmatch(segments[-1]):
        raise TilePathError("the last index element must be three digits")
    if any(not _SEGMENT_INNER.fullmatch(s) for s in segments[:-1]):
        raise TilePathError("index elements before the last must be x followed by three digits")
    if len(segments) > 1 and segments[0] == "x000":
        raise TilePathError("tile index has a leading zero element")
    return int("".join(s.lstrip("x") for s in segments))


def parse_tile_path(tail: str) -> TileRef:
    """Parse what follows ``/tile/``: ``<L>/<N>[.p/<W>]`` or ``entries/<N>[.p/<W>]``. Go's sumdb spelling
    ``8/<L>/<N>[.p/<W>]`` (tile height in the path, as ``golang.org/x/mod/sumdb/tlog`` names tiles) is accepted too."""
    parts = tail.strip("/").split("/") if tail.strip("/") else []
    width = TILE_WIDTH
    if len(parts) >= 2 and parts[-2].endswith(".p"):
        if not _WIDTH.fullmatch(parts[-1]) or int(parts[-1]) >= TILE_WIDTH:
            raise TilePathError("partial tile width must be 1 to 255")
        width = int(parts[-1])
        parts = [*parts[:-2], parts[-2][: -len(".p")]]
    if len(parts) < 2:
        raise TilePathError("a tile path is <L>/<N> or entries/<N>")
    if parts[0] == str(TILE_HEIGHT) and len(parts) >= 3 and _LEVEL.fullmatch(parts[1]):
        parts = parts[1:]  # Go sumdb: tile/8/<L>/<N>
    head, segments = parts[0], parts[1:]
    if head == "entries":
        return TileRef(None, parse_index(segments), width)
    if not _LEVEL.fullmatch(head) or int(head) > MAX_LEVEL:
        raise TilePathError("tile level must be 0 to 63 without leading zeros")
    return TileRef(int(head), parse_index(segments), width)


def available_width(ref: TileRef, tree_size: int) -> int:
    """How many of the tile's hashes (or entries) a tree of ``tree_size`` has completed (0 to 256)."""
    level = ref.level or 0
    complete = tree_size >> (TILE_HEIGHT * level)
    return max(0, min(TILE_WIDTH, complete - ref.index * TILE_WIDTH))


def exists(ref: TileRef, tree_size: int) -> bool:
    """A full tile exists once complete; a partial tile of width W once its first W hashes are complete."""
    return available_width(ref, tree_size) >= ref.width


def node_addresses(ref: TileRef) -> list[tuple[int, int]]:
    """The stored tree nodes ``(height, index)`` of a hash tile, in order."""
    assert ref.level is not None
    height = TILE_HEIGHT * ref.level
    first = ref.index * TILE_WIDTH
    return [(height, first + i) for i in range(ref.width)]


def leaf_range(ref: TileRef) -> tuple[int, int]:
    first = ref.index * TILE_WIDTH
    return first, first + ref.width


def entry_bundle(entries: list[bytes]) -> bytes:
    out = bytearray()
    for entry in entries:
        if len(entry) > ENTRY_MAX_BYTES:
            raise ValueError("entry longer than a uint16 length prefix allows")
        out += len(entry).to_bytes(2, "big") + entry
    return bytes(out)


class TileCache:
    """The bytes of tiles already served, by path, up to ``max_bytes`` (least recently used first out). A tile's
    bytes never change — a full tile is final, and a partial one names its width — so nothing is ever invalidated;
    a monitor or witness polling the same tiles is answered without touching the database."""

    def __init__(self, max_bytes: int = 32 << 20) -> None:
        self.max_bytes = max_bytes
        self._held: OrderedDict[str, bytes] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def get(self, path: str) -> bytes | None:
        with self._lock:
            body = self._held.get(path)
            if body is not None:
                self._held.move_to_end(path)
            return body

    def put(self, path: str, body: bytes) -> None:
        if len(body) > self.max_bytes:
            return
        with self._lock:
            old = self._held.pop(path, None)
            self._bytes += len(body) - (0 if old is None else len(old))
            self._held[path] = body
            while self._bytes > self.max_bytes:
                _, dropped = self._held.popitem(last=False)
                self._bytes -= len(dropped)
