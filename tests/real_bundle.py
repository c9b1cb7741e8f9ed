"""A real court bundle for the tamper and fuzz tests: the demo's cast and cases through the real ledger, sealed, and
the bundle of a case with an evidence act; plus the walks and edits those tests make on it.

``content(bundle)`` is what a bundle asserts — every field, streams in id order (their order carries nothing) —
so that "accepted" can be compared with "unchanged": a verifier that says VALID for a bundle whose content
differs from the real one has let an edit through.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

Path_ = tuple[str | int, ...]


@dataclass(frozen=True)
class RealBundle:
    bundle: dict[str, Any]
    log_vkey: str
    evidence_dir: Path  # holds every evidence file the bundle's acts name, by hash


EVIDENCE_BYTES = "现场照片（测试用证据文件）\n".encode() * 40


def build(tmp: Path, scenario: str = "investigating") -> RealBundle:
    """Seed the demo ledger into ``tmp`` (SQLite), add an evidence act for a real file to the case at ``scenario``
    (signed by its officers through the real writer and rules), seal, and bundle the case."""
    import datetime as dt
    import hashlib

    from rich.console import Console

    from ledger.bundle import make_bundle
    from ledger.court.keys import read_private_key
    from ledger.ledger import make_act, sign_act
    from ledger.sealer import Sealer
    from ledger.store import Store
    from ledger.writer import Writer
    from zhifa.console import key_file_name
    from zhifa.demo import seed
    from zhifa.scenarios import OFFICER_1, OFFICER_2
    from zhifa.settings import Settings

    settings = Settings(var_dir=tmp, database_url=f"sqlite:///{tmp / 'ledger.sqlite'}", max_skew_seconds=300, origin="demo.test/ledger")
    store = Store(settings.database_url)
    try:
        with open("/dev/null", "w") as null:
            seeded = seed(store, settings, Console(file=null))
        log_key = read_private_key(tmp / "keys" / "log.key")
        case = next(c for c, name in seeded.cases.items() if name == scenario)
        writer = Writer(store)
        version = store.stream_state(case)
        assert version is not None
        now = dt.datetime.now(dt.UTC)
        for actor, type_, payload in (
            (OFFICER_2, "evidence.collected", {
                "kind": "documentary", "sha256": hashlib.sha256(EVIDENCE_BYTES).hexdigest(), "size": len(EVIDENCE_BYTES),
                "officers": [OFFICER_1, OFFICER_2], "collected_at": now.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
                "description": "补充书证", "source": "当事人提供",
            }),
            (OFFICER_1, "act.cosigned", {"act_version": version[0] + 1}),
        ):
            key = read_private_key(tmp / "keys" / key_file_name(actor))
            act = make_act(log="demo.test/ledger", actor=actor, claimed_at=dt.datetime.now(dt.UTC), case=case,
                           case_version=store.stream_state(case)[0], type=type_, payload=payload)  # type: ignore[index]
            writer.append(sign_act(act, key))
        Sealer(store, log_key, None).seal_all()
        bundle = make_bundle(store, log_key, case)
    finally:
        store.close()
    evidence_dir = tmp / "evidence-files"
    evidence_dir.mkdir()
    (evidence_dir / hashlib.sha256(EVIDENCE_BYTES).hexdigest()).write_bytes(EVIDENCE_BYTES)
    assert len(bundle["evidence"]) == 2, "the chosen case has two evidence acts, one for a file at hand"
    return RealBundle(json.loads(json.dumps(bundle)), log_key.verifier.text, evidence_dir)


def content(bundle: Any) -> str:
    """What a bundle says, independent of JSON layout and of the order of its streams."""
    if isinstance(bundle, dict) and isinstance(bundle.get("streams"), list):
        streams = bundle["streams"]
        try:
            ordered = sorted(streams, key=lambda s: json.dumps(s, sort_keys=True))
        except TypeError:
            ordered = streams
        bundle = {**bundle, "streams": ordered}
    return json.dumps(bundle, sort_keys=True, ensure_ascii=False)


def paths(value: Any, prefix: Path_ = ()) -> Iterator[tuple[Path_, Any]]:
    """Every (path, value) in a JSON value, containers included, depth first."""
    yield prefix, value
    if isinstance(value, dict):
        for key, item in value.items():
            yield from paths(item, (*prefix, key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from paths(item, (*prefix, i))


def shape_of(path: Path_) -> Path_:
    """A path with list indexes replaced by ``*``: ``("streams", "*", "entries", "*", "proof")``."""
    return tuple("*" if isinstance(p, int) else p for p in path)


def get(root: Any, path: Path_) -> Any:
    for p in path:
        root = root[p]
    return root


def put(root: Any, path: Path_, value: Any) -> None:
    get(root, path[:-1])[path[-1]] = value


def delete(root: Any, path: Path_) -> None:
    del get(root, path[:-1])[path[-1]]


def edit_char(text: str, at: int) -> str:
    """``text`` with the character at ``at`` replaced by another (a different one, always)."""
    old = text[at]
    new = "B" if old != "B" else "C"
    if old == "\n":
        new = " "
    return text[:at] + new + text[at + 1 :]
