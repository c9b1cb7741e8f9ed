"""The rules' fingerprint: which version of the rules (this package's code and data) is running.

Every reader of the log is a function of the log *and* of the rules, so what it caches is bound to this value: the
projection views (``projections.view``), the writer's sealed case states and its registry snapshot (``ledger``). After
an upgrade that changes anything under ``domain/``, each is recomputed from the signed log instead of believed.
"""

from __future__ import annotations

import hashlib
from pathlib import Path


def rules_fingerprint(root: Path | None = None) -> str:
    """The first 16 hex digits of SHA-256 over every file under ``domain/`` (its path and bytes, in path order)."""
    base = root or Path(__file__).resolve().parent
    digest = hashlib.sha256()
    for path in sorted(p for p in base.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        digest.update(path.relative_to(base).as_posix().encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()[:16]


RULES_FINGERPRINT = rules_fingerprint()

__all__ = ["RULES_FINGERPRINT", "rules_fingerprint"]
