"""The offline verifier (``python -m ledger.verify``) on synthetic bundles, and a tamper matrix.

Bundles are built here from first principles (stdlib canonical JSON, Ed25519 keys, ledger.merkle, signed
checkpoints, build_bundle), with no database, so each test states exactly what the log contains. Every tamper
must be detected *and located*: the failure names the stream and version it concerns.
"""

from __future__ import annotations

import base64
import copy
import datetime as dt
import hashlib
import json
import os
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from ledger.court import merkle, tlogproof
from ledger.court.bundle_format import BundleEntry, BundleStream, build_bundle, manifest_text
from ledger.court.checkpoint import Checkpoint
from ledger.court.keys import SigningKey
from ledger.court.verify import (
    ACT_DOMAIN,
    UnusableInput,
    canonical_dumps,
    compare_checkpoints,
    decode_entry,
    decode_envelope,
    main,
    verify_bundle,
)

ORIGIN = "zhifa.test/ledger"
ZERO = bytes(32)
T0 = dt.datetime(2026, 11, 20, 1, 30, tzinfo=dt.UTC)
PROJECT = Path(__file__).resolve().parents[1]
README = Path(__file__).resolve().parent / "vectors" / "README.md"


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def ts(moment: dt.datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


@dataclass
class Rec:
    stream: str
    version: int
    leaf: int
    entry: bytes
    envelope: bytes

    @property
    def hash(self) -> bytes:
        return merkle.leaf_hash(self.entry)


@dataclass
class Log:
    """A whole synthetic log: every stream's entries in leaf order, as the writer and sealer would make them."""

    log_key: SigningKey
    records: list[Rec] = field(default_factory=list)

    def head(self, stream: str) -> tuple[int, bytes]:
        for rec in reversed(self.records):
            if rec.stream == stream:
                return rec.version, rec.hash
        return 0, ZERO

    def append(
        self,
        key: SigningKey,
        stream: str,
        type: str,
        payload: dict[str, Any],
        *,
        actor: str | None = None,
    ) -> Rec:
        version, prev = self.head(stream)
        leaf = len(self.records)
        when = T0 + dt.timedelta(seconds=leaf)
        act = {
            "actor": actor if actor is not None else key.name,
            "case": stream,
            "case_version": version,
            "claimed_at": ts(when),
            "log": ORIGIN,
            "nonce": b64(os.urandom(16)),
            "payload": payload,
            "type": type,
        }
        act_bytes = canonical_dumps(act)
        envelope = canonical_dumps(
            {"act": b64(act_bytes), "kid": key.kid_hex, "sig": b64(key.sign(ACT_DOMAIN + act_bytes))}
        )
        entry = canonical_dumps(
            {
                "act_digest": b64(hashlib.sha256(envelope).digest()),
                "case": stream,
                "prev": b64(prev),
                "recorded_at": ts(when + dt.timedelta(microseconds=123456)),
                "version": version + 1,
            }
        )
        rec = Rec(stream, version + 1, leaf, entry, envelope)
        self.records.append(rec)
        return rec

    def nodes(self, size: int) -> dict[merkle.Node, bytes]:
        return merkle.all_nodes([r.hash for r in self.records[:size]])

    def checkpoint(self, size: int | None = None, key: SigningKey | None = None) -> str:
        size = len(self.records) if size is None else size
        root = merkle.root_from_nodes(size, self.nodes(size))
        return Checkpoint(ORIGIN, size, root).sign(key or self.log_key)

    def bundle(
        self,
        streams: list[str],
        *,
        since: int | None = None,
    ) -> dict[str, Any]:
        size = len(self.records)
        nodes = self.nodes(size)
        cp = self.checkpoint(size)
        out = []
        for sid in streams:
            entries = [
                BundleEntry(
                    r.version,
                    r.leaf,
                    r.entry,
                    r.envelope,
                    tlogproof.make_proof(r.leaf, merkle.inclusion_proof(r.leaf, size, nodes), cp),
                )
                for r in self.records
                if r.stream == sid
            ]
            out.append(BundleStream(sid, entries))
        consistency = None
        if since is not None:
            consistency = (self.checkpoint(since), merkle.consistency_proof(since, size, nodes))
        return build_bundle(
            origin=ORIGIN,
            checkpoint=cp,
            streams=out,
            log_key=self.log_key,
            consistency=consistency,
        )


@dataclass
class World:
    log: Log
    authority: SigningKey
    officer_a: SigningKey
    officer_b: SigningKey
    case1: str
    case2: str
    evidence_sha: str

    @property
    def streams(self) -> list[str]:
        return [self.case1, self.case2, *self.person_streams]

    @property
    def person_streams(self) -> list[str]:
        return [f"person:{k.name}" for k in (self.authority, self.officer_a, self.officer_b)]


EVIDENCE_BYTES = "现场检查笔录 on-site inspection record\n".encode()


def register(log: Log, authority: SigningKey, key: SigningKey, valid_from: str | None = None) -> Rec:
    return log.append(
        authority,
        f"person:{key.name}",
        "key.registered",
        {"vkey": key.verifier.text, "role": "officer", "agency": "市场监管局", "valid_from": valid_from},
    )


def make_world() -> World:
    log = Log(SigningKey.generate(ORIGIN))
    authority = SigningKey.generate("hr/authority")
    officer_a = SigningKey.generate("officer/3201-0007")
    officer_b = SigningKey.generate("officer/3201-0008")
    case1, case2 = str(uuid.uuid4()), str(uuid.uuid4())
    sha = hashlib.sha256(EVIDENCE_BYTES).hexdigest()
    log.append(
        log.log_key,
        f"person:{authority.name}",
        "authority.admitted",
        {"vkey": authority.verifier.text, "name": "人事管理机构", "agency": None},
    )
    register(log, authority, officer_a)
    register(log, authority, officer_b)
    log.append(officer_a, case1, "lead.received", {"summary": "某超市销售过期食品", "source": "complaint"})
    log.append(officer_b, case2, "lead.received", {"summary": "无照经营", "source": "inspection"})
    log.append(officer_a, case1, "case.filed", {"catalog_item": "SC-FOOD-122"})
    log.append(officer_b, case1, "evidence.collected", {"sha256": sha, "size": len(EVIDENCE_BYTES)})
    log.append(officer_b, case2, "case.filed", {"catalog_item": "SC-LIC-001"})
    log.append(officer_a, case1, "notice.served", {"fine_fen": 500000})
    log.append(officer_a, case2, "evidence.collected", {"note": "photos"})
    log.append(officer_b, case1, "decision.made", {"fine_fen": 500000})
    log.append(officer_a, case1, "case.closed", {})
    return World(log, authority, officer_a, officer_b, case1, case2, sha)


@pytest.fixture(scope="module")
def world() -> World:
    return make_world()


@pytest.fixture(scope="module")
def good(world: World) -> dict[str, Any]:
    bundle = world.log.bundle(world.streams)
    assert bundle["evidence"] == [{"sha256": world.evidence_sha, "size": len(EVIDENCE_BYTES), "name": world.evidence_sha}]
    return bundle


def run(bundle: dict[str, Any], world: World, **kwargs: Any) -> list[tuple[str, str | None, int | None]]:
    report = verify_bundle(bundle, world.log.log_key.verifier, **kwargs)
    return [(f.code, f.stream, f.version) for f in report.failures]


def stream_of(bundle: dict[str, Any], sid: str) -> list[dict[str, Any]]:
    for stream in bundle["streams"]:
        if stream["id"] == sid:
            entries: list[dict[str, Any]] = stream["entries"]
            return entries
    raise KeyError(sid)


def edit_json(b64text: str, change: dict[str, Any]) -> str:
    obj = json.loads(base64.b64decode(b64text))
    obj.update(change)
    return b64(canonical_dumps(obj))


# --- the format itself ------------------------------------------------------------------------------------


def test_readme_worked_example_with_stdlib_only() -> None:
    """shared/vectors/README.md, worked example: the stdlib decoding finds the same digest and entry hash."""
    lines = [line.strip() for line in README.read_text(encoding="utf-8").splitlines()]
    envelope = next(line for line in lines if line.startswith('{"act":"')).encode()
    entry = next(line for line in lines if line.startswith('{"act_digest":')).encode()
    opened = decode_envelope(envelope)
    assert opened.act.payload["summary"] == "某超市销售过期食品"
    assert opened.kid == "74cb787e"
    seed = base64.b64decode("AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz")[1:]
    officer = SigningKey("officer/3201-0007", seed)
    assert officer.kid_hex == opened.kid
    assert officer.verifier.verify(opened.sig, ACT_DOMAIN + opened.act_bytes)
    decoded = decode_entry(entry)
    assert decoded.act_digest == hashlib.sha256(envelope).digest()
    assert merkle.leaf_hash(entry).hex() == "cf05d66c8ed5d41c47d914029692974d135ae7c70d17be8eb209c6614ae9cd6e"


def test_stdlib_canonical_refuses_non_canonical() -> None:
    from ledger.court.verify import NonCanonical, canonical_loads

    for bad in (b'{"b":1,"a":2}', b'{"a": 1}', b'{"a":1.0}', b'{"a":"\\u4e2d"}', b'{"a":NaN}', b"\xff"):
        with pytest.raises(NonCanonical):
            canonical_loads(bad)
    assert canonical_loads('{"a":"中","b":[1,null,true]}'.encode()) == {"a": "中", "b": [1, None, True]}


def test_stdlib_canonical_matches_msgspec() -> None:
    """The writer encodes with msgspec; the verifier's stdlib spelling must be the same bytes."""
    msgspec = pytest.importorskip("msgspec")
    samples: list[Any] = [
        {"z": 1, "a": [1, 2, {"y": None, "b": True}], "中文": '某超市\n\t"引号" \\ /', "e": "\u2028\x7f\x01"},
        {"n": -(2**62), "s": "😀", "empty": {}, "list": []},
    ]
    for sample in samples:
        assert canonical_dumps(sample) == msgspec.json.encode(sample, order="sorted")


def test_manifest_text_format() -> None:
    text = manifest_text(ORIGIN, 12, {"b": (3, b"\x01" * 32), "a": (1, b"\x02" * 32)})
    assert text == (f"zhifa-bundle-manifest/v1\n{ORIGIN}\n12\na 1 {'02' * 32}\nb 3 {'01' * 32}\n")


# --- the valid bundle ---------------------------------------------------------------------------------------


def test_valid_bundle_passes(world: World, good: dict[str, Any]) -> None:
    report = verify_bundle(good, world.log.log_key.verifier)
    assert report.ok, [f.line() for f in report.failures]
    assert report.streams == 5
    assert report.entries == len(world.log.records)
    assert not report.warnings


def test_cli_valid_exit_0(
    world: World, good: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "bundle.json"
    path.write_text(json.dumps(good, ensure_ascii=False), encoding="utf-8")
    assert main([str(path), "--log-key", world.log.log_key.verifier.text]) == 0
    assert "VALID" in capsys.readouterr().out
    key_file = tmp_path / "log.vkey"
    key_file.write_text(world.log.log_key.verifier.text + "\n")
    assert main([str(path), "--log-key", str(key_file)]) == 0


def test_cli_as_module_in_subprocess(world: World, good: dict[str, Any], tmp_path: Path) -> None:
    path = tmp_path / "bundle.json"
    path.write_text(json.dumps(good))
    vkey = world.log.log_key.verifier.text
    ok = subprocess.run([sys.executable, "-m", "ledger.verify", str(path), "--log-key", vkey], cwd=PROJECT)
    assert ok.returncode == 0
    bad = copy.deepcopy(good)
    stream_of(bad, world.case1)[1]["entry"] = edit_json(
        stream_of(bad, world.case1)[1]["entry"], {"recorded_at": ts(T0)}
    )
    path.write_text(json.dumps(bad))
    out = subprocess.run(
        [sys.executable, "-m", "ledger.verify", str(path), "--log-key", vkey],
        cwd=PROJECT,
        capture_output=True,
        text=True,
    )
    assert out.returncode == 1
    assert (
        f"stream {world.case1}" in out.stdout
        and "version 2" in out.stdout
        and "inclusion-proof" in out.stdout
    )


def test_import_isolation() -> None:
    code = (
        "import sys; import ledger.court.verify; "
        "bad=[m for m in sys.modules if m.split('.')[0] in ('msgspec','eventsourcing','domain','litestar')]; "
        "assert not bad, bad"
    )
    subprocess.run([sys.executable, "-c", code], cwd=PROJECT, check=True)


@pytest.mark.parametrize(
    "case",
    [
        "missing file",
        "not json",
        "wrong format",
        "not an object",
        "bad log key",
        "older without proof",
        "no log key",
    ],
)
def test_cli_unusable_input_exit_2(world: World, good: dict[str, Any], tmp_path: Path, case: str) -> None:
    path = tmp_path / "bundle.json"
    path.write_text(json.dumps(good))
    vkey = world.log.log_key.verifier.text
    args = [str(path), "--log-key", vkey]
    if case == "missing file":
        args[0] = str(tmp_path / "nope.json")
    elif case == "not json":
        path.write_text("{not json")
    elif case == "wrong format":
        path.write_text(json.dumps({**good, "format": "zhifa-bundle/v0"}))
    elif case == "not an object":
        path.write_text("[1, 2]")
    elif case == "bad log key":
        args[2] = vkey.replace("+", "-", 1)
    elif case == "older without proof":
        older = tmp_path / "older.note"
        older.write_text(world.log.checkpoint(5))
        args += ["--checkpoint", str(older)]
    elif case == "no log key":
        args = args[:1]
    assert main(args) == 2


def test_api_raises_unusable(world: World, good: dict[str, Any]) -> None:
    with pytest.raises(UnusableInput):
        verify_bundle({**good, "streams": "x"}, world.log.log_key.verifier)
    with pytest.raises(UnusableInput):
        verify_bundle(good, "not a key")
    with pytest.raises(UnusableInput):
        verify_bundle(good, world.log.log_key.verifier, older_checkpoint=world.log.checkpoint(4))


def test_bundle_verification_is_fast() -> None:
    """DESIGN.md: a 50-act case verifies in < 50 ms (asserted with slack for loaded CI machines)."""
    log = Log(SigningKey.generate(ORIGIN))
    authority, officer = SigningKey.generate("hr/authority"), SigningKey.generate("officer/1")
    log.append(log.log_key, "person:hr/authority", "authority.admitted", {"vkey": authority.verifier.text})
    register(log, authority, officer)
    case = str(uuid.uuid4())
    for i in range(50):
        log.append(officer, case, "note.added", {"n": i})
        log.append(officer, str(uuid.uuid4()), "noise", {})  # other cases in between
    bundle = log.bundle([case, "person:hr/authority", "person:officer/1"])
    verify_bundle(bundle, log.log_key.verifier)  # warm up
    start = time.perf_counter()
    report = verify_bundle(bundle, log.log_key.verifier)
    elapsed = time.perf_counter() - start
    assert report.ok, [f.line() for f in report.failures]
    assert elapsed < 0.25, f"{elapsed * 1000:.1f} ms"


# --- evidence ---------------------------------------------------------------------------------------------


def test_evidence_files(world: World, good: dict[str, Any], tmp_path: Path) -> None:
    """Files are found by their hash and checked against the hash and size in the signed act."""
    (tmp_path / world.evidence_sha).write_bytes(EVIDENCE_BYTES)
    assert run(good, world, evidence_dir=tmp_path) == []
    (tmp_path / world.evidence_sha).write_bytes(EVIDENCE_BYTES + b"altered")
    assert run(good, world, evidence_dir=tmp_path) == [("evidence-mismatch", None, None)]
    (tmp_path / world.evidence_sha).unlink()
    assert run(good, world, evidence_dir=tmp_path) == [("evidence-missing", None, None)]
    (tmp_path / "elsewhere").write_bytes(EVIDENCE_BYTES)
    (tmp_path / world.evidence_sha).symlink_to(tmp_path / "elsewhere")  # never followed
    assert run(good, world, evidence_dir=tmp_path) == [("evidence-missing", None, None)]


def test_the_evidence_list_is_derived_from_the_signed_acts(world: World, good: dict[str, Any], tmp_path: Path) -> None:
    """Emptying, extending, renaming or resizing the bundle's list is refused; the tampered file is still caught."""
    (tmp_path / world.evidence_sha).write_bytes(EVIDENCE_BYTES + b"altered")
    emptied = {**good, "evidence": []}
    assert run(emptied, world, evidence_dir=tmp_path) == [("evidence-list", None, None), ("evidence-mismatch", None, None)]
    extra = copy.deepcopy(good)
    extra["evidence"].append({"sha256": "ab" * 32, "size": 1, "name": "ab" * 32})
    assert run(extra, world) == [("evidence-list", None, None)]
    for key, value in (("name", "笔录.txt"), ("name", "../etc/passwd"), ("size", 1), ("sha256", "ab" * 32)):
        edited = copy.deepcopy(good)
        edited["evidence"][0][key] = value
        assert run(edited, world) == [("evidence-list", None, None)], key


# --- consistency and forks --------------------------------------------------------------------------------


def test_consistency_from_older_checkpoint(world: World, tmp_path: Path) -> None:
    older = world.log.checkpoint(5)
    bundle = world.log.bundle(world.streams, since=5)
    assert run(bundle, world, older_checkpoint=older) == []
    assert run(bundle, world) == []  # the bundle's own consistency proof is checked too
    path, note_path = tmp_path / "b.json", tmp_path / "older.note"
    path.write_text(json.dumps(bundle))
    note_path.write_text(older)
    assert (
        main([str(path), "--log-key", world.log.log_key.verifier.text, "--checkpoint", str(note_path)]) == 0
    )
    # a proof from size 5 says nothing about a checkpoint of size 4
    with pytest.raises(UnusableInput):
        verify_bundle(bundle, world.log.log_key.verifier, older_checkpoint=world.log.checkpoint(4))
    broken = copy.deepcopy(bundle)
    broken["consistency"]["proof"] = broken["consistency"]["proof"][:-1]
    assert run(broken, world, older_checkpoint=older) == [("fork", None, None)]


def test_same_size_checkpoint_needs_no_proof(world: World, good: dict[str, Any]) -> None:
    """A court holding the very checkpoint the bundle carries (or another note of that size) can check it without
    a consistency proof: equal sizes, so the roots must be equal (RFC 9162 2.1.4)."""
    assert good["consistency"] is None
    assert run(good, world, older_checkpoint=good["checkpoint"]) == []
    assert run(good, world, older_checkpoint=world.log.checkpoint()) == []
    fork = _forked(world)
    while len(fork.records) < len(world.log.records):
        fork.append(world.officer_a, world.case1, "case.closed", {})
    theirs = fork.checkpoint()  # the bundle's size, another root, signed by the log key
    report = verify_bundle(good, world.log.log_key.verifier, older_checkpoint=theirs)
    assert [(f.code, f.stream) for f in report.failures] == [("fork", None)]
    assert report.failures[0].evidence == (theirs, good["checkpoint"])


def test_older_checkpoint_without_proof_is_unusable(world: World, good: dict[str, Any]) -> None:
    with pytest.raises(UnusableInput, match="--since"):
        verify_bundle(good, world.log.log_key.verifier, older_checkpoint=world.log.checkpoint(4))
    stranger = Log(SigningKey.generate("other/log"), []).checkpoint(0)
    with pytest.raises(UnusableInput, match="not signed by the log key"):
        verify_bundle(good, world.log.log_key.verifier, older_checkpoint=stranger)


def test_a_newer_checkpoint_than_the_bundles_is_unusable_input(world: World, tmp_path: Path) -> None:
    """DESIGN.md: no proof for the given checkpoint → exit 2. A checkpoint newer than the bundle's cannot be the
    older end of a consistency proof, whether or not the bundle carries one."""
    plain, since = world.log.bundle(world.streams), world.log.bundle(world.streams, since=5)
    grown = Log(world.log.log_key, list(world.log.records))  # a copy: `world` is shared by the module's tests
    grown.append(world.officer_a, world.case1, "case.note", {"text": "后补记录"})
    newer = grown.checkpoint()
    note_path = tmp_path / "newer.note"
    note_path.write_text(newer)
    for bundle in (plain, since):
        with pytest.raises(UnusableInput):
            verify_bundle(bundle, world.log.log_key.verifier, older_checkpoint=newer)
        path = tmp_path / "b.json"
        path.write_text(json.dumps(bundle))
        assert main([str(path), "--log-key", world.log.log_key.verifier.text, "--checkpoint", str(note_path)]) == 2
        assert main([str(path), "--log-key", world.log.log_key.verifier.text]) == 0


def _forked(world: World) -> Log:
    """The same log key, the same first 6 entries, then different history: the log equivocated."""
    fork = Log(world.log.log_key, list(world.log.records[:6]))
    fork.append(world.officer_a, world.case1, "case.filed", {"catalog_item": "SC-OTHER-1"})
    fork.append(world.officer_a, world.case1, "case.closed", {})
    return fork


def test_fork_same_size(world: World, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    fork = _forked(world)
    theirs = fork.checkpoint(8)  # the court saw this one
    bundle = world.log.bundle(world.streams, since=8)
    report = verify_bundle(bundle, world.log.log_key.verifier, older_checkpoint=theirs)
    assert [(f.code, f.stream) for f in report.failures] == [("fork", None)]
    assert report.failures[0].evidence == (theirs, bundle["consistency"]["from"])
    path, note_path = tmp_path / "b.json", tmp_path / "older.note"
    path.write_text(json.dumps(bundle))
    note_path.write_text(theirs)
    assert (
        main([str(path), "--log-key", world.log.log_key.verifier.text, "--checkpoint", str(note_path)]) == 1
    )
    out = capsys.readouterr().out
    assert "[fork]" in out and theirs.splitlines()[2] in out
    assert bundle["consistency"]["from"].splitlines()[2] in out


def test_fork_proof_does_not_fit(world: World) -> None:
    """The bundle claims consistency from the court's checkpoint itself, with the real log's proof."""
    fork = _forked(world)
    theirs = fork.checkpoint(7)
    bundle = world.log.bundle(world.streams, since=7)
    bundle["consistency"]["from"] = theirs
    assert run(bundle, world, older_checkpoint=theirs) == [("fork", None, None)]


def test_compare_checkpoints(world: World) -> None:
    vkey = world.log.log_key.verifier
    nodes = world.log.nodes(len(world.log.records))
    a, b = world.log.checkpoint(3), world.log.checkpoint()
    proof = merkle.consistency_proof(3, len(world.log.records), nodes)
    assert compare_checkpoints(a, b, vkey, proof).verdict == "consistent"
    assert compare_checkpoints(b, a, vkey, proof).verdict == "consistent"
    assert compare_checkpoints(b, b, vkey, []).verdict == "consistent"
    assert compare_checkpoints(_forked(world).checkpoint(), b, vkey, []).verdict == "fork"
    proof7 = merkle.consistency_proof(7, len(world.log.records), nodes)
    assert compare_checkpoints(world.log.checkpoint(7), b, vkey, proof7).verdict == "consistent"
    assert compare_checkpoints(_forked(world).checkpoint(7), b, vkey, proof7).verdict == "fork"


# --- the tamper matrix ------------------------------------------------------------------------------------


def _versions(world: World, sid: str) -> list[Rec]:
    return [r for r in world.log.records if r.stream == sid]


def test_entry_byte_changed(world: World, good: dict[str, Any]) -> None:
    bad = copy.deepcopy(good)
    entries = stream_of(bad, world.case1)
    entries[2]["entry"] = edit_json(entries[2]["entry"], {"recorded_at": ts(T0 + dt.timedelta(days=1))})
    failures = run(bad, world)
    assert ("inclusion-proof", world.case1, 3) in failures
    assert ("chain-broken", world.case1, 4) in failures  # version 4 no longer links to it
    assert {s for _, s, _ in failures} == {world.case1}
    # a raw byte flip that breaks canonical form is caught too, at the same place
    raw = bytearray(base64.b64decode(good["streams"][0]["entries"][2]["entry"]))
    raw[0] = ord(" ")
    bad["streams"][0]["entries"][2]["entry"] = b64(bytes(raw))
    assert ("entry-malformed", world.case1, 3) in run(bad, world)


def test_envelope_altered(world: World, good: dict[str, Any]) -> None:
    bad = copy.deepcopy(good)
    entries = stream_of(bad, world.case1)
    env = json.loads(base64.b64decode(entries[4]["envelope"]))
    act = json.loads(base64.b64decode(env["act"]))
    act["payload"]["fine_fen"] = 5000  # 5,000 元 → 50 元
    env["act"] = b64(canonical_dumps(act))
    entries[4]["envelope"] = b64(canonical_dumps(env))
    failures = run(bad, world)
    assert ("act-digest-mismatch", world.case1, 5) in failures
    assert ("signature-invalid", world.case1, 5) in failures


def test_signature_swapped_between_entries(world: World, good: dict[str, Any]) -> None:
    bad = copy.deepcopy(good)
    entries = stream_of(bad, world.case1)
    e1, e2 = (json.loads(base64.b64decode(entries[i]["envelope"])) for i in (1, 3))
    e1["sig"], e2["sig"] = e2["sig"], e1["sig"]
    entries[1]["envelope"], entries[3]["envelope"] = b64(canonical_dumps(e1)), b64(canonical_dumps(e2))
    failures = run(bad, world)
    for version in (2, 4):
        assert ("signature-invalid", world.case1, version) in failures
        assert ("act-digest-mismatch", world.case1, version) in failures


def test_whole_envelopes_swapped(world: World, good: dict[str, Any]) -> None:
    bad = copy.deepcopy(good)
    entries = stream_of(bad, world.case1)
    entries[1]["envelope"], entries[3]["envelope"] = entries[3]["envelope"], entries[1]["envelope"]
    failures = run(bad, world)
    for version in (2, 4):
        assert ("act-digest-mismatch", world.case1, version) in failures
        assert ("act-version-mismatch", world.case1, version) in failures


def test_entry_deleted_from_middle(world: World, good: dict[str, Any]) -> None:
    bad = copy.deepcopy(good)
    del stream_of(bad, world.case1)[2]
    failures = run(bad, world)
    assert ("version-gap", world.case1, 4) in failures
    assert ("chain-broken", world.case1, 4) in failures
    # the deleted entry was the evidence act: the list its file came from is no longer what the acts name
    assert all(s == world.case1 or code == "evidence-list" for code, s, _ in failures)


def test_entries_reordered(world: World, good: dict[str, Any]) -> None:
    bad = copy.deepcopy(good)
    entries = stream_of(bad, world.case1)
    entries[2], entries[3] = entries[3], entries[2]
    failures = run(bad, world)
    assert ("version-order", world.case1, 4) in failures
    assert ("version-order", world.case1, 3) in failures
    assert ("leaf-order", world.case1, 3) in failures
    assert ("chain-broken", world.case1, 4) in failures


def test_tail_truncated_caught_by_manifest(world: World, good: dict[str, Any]) -> None:
    bad = copy.deepcopy(good)
    entries = stream_of(bad, world.case1)
    last = len(entries)
    del entries[-2:]
    failures = run(bad, world)
    assert failures == [("stream-truncated", world.case1, last - 1)]  # chains and proofs alone cannot see it


def test_stream_dropped_or_added(world: World, good: dict[str, Any]) -> None:
    bad = copy.deepcopy(good)
    bad["streams"] = [s for s in bad["streams"] if s["id"] != world.case2]
    assert run(bad, world) == [("stream-missing", world.case2, 3)]
    bad = copy.deepcopy(good)
    bad["streams"].append({"id": "extra", "entries": []})
    assert ("stream-not-in-manifest", "extra", None) in run(bad, world)


def test_manifest_forged_or_stripped(world: World, good: dict[str, Any]) -> None:
    bad = copy.deepcopy(good)
    del stream_of(bad, world.case1)[-1]
    forger = SigningKey.generate(ORIGIN)
    heads = {
        s["id"]: (s["entries"][-1]["version"], merkle.leaf_hash(base64.b64decode(s["entries"][-1]["entry"])))
        for s in bad["streams"]
    }
    from ledger.court import note

    bad["manifest"] = note.sign(manifest_text(ORIGIN, len(world.log.records), heads), forger)
    assert run(bad, world) == [("manifest-signature", None, None)]


def test_forged_entry_inserted(world: World, good: dict[str, Any]) -> None:
    """An insider forges a validly signed act between versions 2 and 3, chained onto version 2."""
    recs = _versions(world, world.case1)
    forger_log = Log(world.log.log_key, list(world.log.records[: recs[2].leaf]))
    forged = forger_log.append(world.officer_a, world.case1, "case.dismissed", {"reason": "伪造"})
    assert forged.version == 3 and forged.entry != recs[2].entry
    bad = copy.deepcopy(good)
    entries = stream_of(bad, world.case1)
    proof = entries[2]["proof"]
    entries.insert(
        2,
        {
            "version": 3,
            "leaf_index": forged.leaf,
            "entry": b64(forged.entry),
            "envelope": b64(forged.envelope),
            "proof": proof,
        },
    )
    report = verify_bundle(bad, world.log.log_key.verifier)
    located = {(f.code, f.stream, f.version, f.leaf_index) for f in report.failures}
    assert ("inclusion-proof", world.case1, 3, forged.leaf) in located
    assert ("version-order", world.case1, 3, recs[2].leaf) in located
    assert ("chain-broken", world.case1, 3, recs[2].leaf) in located


def test_forged_entry_appended_at_tail(world: World, good: dict[str, Any]) -> None:
    recs = _versions(world, world.case1)
    forger_log = Log(world.log.log_key, list(world.log.records))
    forged = forger_log.append(world.officer_a, world.case1, "case.reopened", {})
    bad = copy.deepcopy(good)
    stream_of(bad, world.case1).append(
        {
            "version": forged.version,
            "leaf_index": forged.leaf,
            "entry": b64(forged.entry),
            "envelope": b64(forged.envelope),
            "proof": stream_of(bad, world.case1)[-1]["proof"],
        }
    )
    failures = run(bad, world)
    assert ("stream-extra-entries", world.case1, len(recs) + 1) in failures
    assert ("leaf-beyond-checkpoint", world.case1, len(recs) + 1) in failures
    assert ("inclusion-proof", world.case1, len(recs) + 1) in failures


def test_entry_moved_to_another_case(world: World, good: dict[str, Any]) -> None:
    bad = copy.deepcopy(good)
    moved = stream_of(bad, world.case2).pop()
    assert moved["version"] == 3
    stream_of(bad, world.case1).append(moved)
    failures = run(bad, world)
    assert ("entry-wrong-stream", world.case1, 3) in failures
    assert ("stream-truncated", world.case2, 3) in failures


def test_registry_entry_replaced(world: World, good: dict[str, Any]) -> None:
    """Officer A's key registration is swapped for one registering the attacker's key under A's name."""
    attacker = SigningKey.generate(world.officer_a.name)
    sid = f"person:{world.officer_a.name}"
    original = _versions(world, sid)[0]
    forger_log = Log(world.log.log_key, list(world.log.records[: original.leaf]))
    forged = register(forger_log, attacker, attacker)  # self-signed: no authority key available
    bad = copy.deepcopy(good)
    entries = stream_of(bad, sid)
    entries[0]["entry"], entries[0]["envelope"] = b64(forged.entry), b64(forged.envelope)
    failures = run(bad, world)
    assert ("inclusion-proof", sid, 1) in failures
    assert ("key-unknown", sid, 1) in failures
    assert ("stream-head-mismatch", sid, 1) in failures
    # officer A's genuine acts now have no registered key: each is reported where it is
    for rec in _versions(world, world.case1):
        if json.loads(rec.envelope)["kid"] == world.officer_a.kid_hex:
            assert ("key-unknown", world.case1, rec.version) in failures


def test_registry_payload_key_swapped(world: World, good: dict[str, Any]) -> None:
    """Only the vkey inside the authority's signed registration is replaced."""
    attacker = SigningKey.generate(world.officer_b.name)
    sid = f"person:{world.officer_b.name}"
    bad = copy.deepcopy(good)
    entries = stream_of(bad, sid)
    env = json.loads(base64.b64decode(entries[0]["envelope"]))
    act = json.loads(base64.b64decode(env["act"]))
    act["payload"]["vkey"] = attacker.verifier.text
    env["act"] = b64(canonical_dumps(act))
    entries[0]["envelope"] = b64(canonical_dumps(env))
    failures = run(bad, world)
    assert ("act-digest-mismatch", sid, 1) in failures
    assert ("signature-invalid", sid, 1) in failures
    assert any(code == "key-unknown" and s == world.case1 for code, s, _ in failures)


def test_checkpoint_resigned_by_another_key(world: World, good: dict[str, Any]) -> None:
    forger = SigningKey.generate(ORIGIN)
    forged_cp = world.log.checkpoint(key=forger)
    bad = json.loads(
        json.dumps(good).replace(json.dumps(good["checkpoint"])[1:-1], json.dumps(forged_cp)[1:-1])
    )
    assert bad["checkpoint"] == forged_cp and stream_of(bad, world.case1)[0]["proof"].endswith(forged_cp)
    assert run(bad, world) == [("checkpoint-signature", None, None)]
    # only the bundle's checkpoint replaced: every proof now embeds another note, each one is reported
    bad2 = copy.deepcopy(good)
    bad2["checkpoint"] = forged_cp
    failures = run(bad2, world)
    assert ("checkpoint-signature", None, None) in failures
    assert ("proof-checkpoint-mismatch", world.case1, 1) in failures


def test_checkpoint_of_another_tree(world: World, good: dict[str, Any]) -> None:
    """A validly signed but older checkpoint swapped in: entries beyond it cannot be proven."""
    bad = copy.deepcopy(good)
    bad["checkpoint"] = world.log.checkpoint(9)
    failures = run(bad, world)
    assert ("manifest-size", None, None) in failures
    assert ("leaf-beyond-checkpoint", world.case1, 5) in failures
    assert ("inclusion-proof", world.case1, 1) in failures


def test_wrong_log_key(world: World, good: dict[str, Any]) -> None:
    other = SigningKey.generate("zhifa.other/ledger")
    failures = [f[0] for f in run_with(good, other)]
    assert (
        "origin-mismatch" in failures
        and "checkpoint-signature" in failures
        and "manifest-signature" in failures
    )


def run_with(bundle: dict[str, Any], key: SigningKey) -> list[tuple[str, str | None, int | None]]:
    return [(f.code, f.stream, f.version) for f in verify_bundle(bundle, key.verifier).failures]


# --- key validity in the log itself (the log accepted what it should not have) ------------------------------


def test_revoked_key_and_key_before_registration() -> None:
    log = Log(SigningKey.generate(ORIGIN))
    authority = SigningKey.generate("hr/authority")
    a, b, late = (SigningKey.generate(f"officer/{n}") for n in ("a", "b", "late"))
    log.append(log.log_key, "person:hr/authority", "authority.admitted", {"vkey": authority.verifier.text})
    register(log, authority, a)
    register(log, authority, b)
    case = str(uuid.uuid4())
    log.append(a, case, "lead.received", {})  # v1 fine
    log.append(b, case, "case.filed", {})  # v2 fine
    log.append(authority, "person:officer/b", "key.revoked", {"kid": b.kid_hex, "reason": "调离"})
    log.append(b, case, "notice.served", {})  # v3 signed by a revoked key
    log.append(late, case, "evidence.collected", {})  # v4 signed before its key is registered
    register(log, authority, late)
    log.append(late, case, "decision.made", {})  # v5 fine
    log.append(a, case, "case.closed", {}, actor="officer/b")  # v6 actor is not the key holder
    future = ts(T0 + dt.timedelta(days=365))
    early = SigningKey.generate("officer/early")
    register(log, authority, early, valid_from=future)
    log.append(early, case, "note.added", {})  # v7 before the key's valid_from
    log.append(
        a,
        "person:officer/x",
        "key.registered",
        {
            "vkey": SigningKey.generate("officer/x").verifier.text,
            "role": "officer",
            "agency": None,
            "valid_from": None,
        },
    )
    streams = [case, *sorted({r.stream for r in log.records if r.stream.startswith("person:")})]
    bundle = log.bundle(streams)
    report = verify_bundle(bundle, log.log_key.verifier)
    got = sorted((f.code, f.stream, f.version) for f in report.failures)
    assert got == sorted(
        [
            ("key-revoked", case, 3),
            ("key-not-yet-registered", case, 4),
            ("actor-mismatch", case, 6),
            ("key-not-yet-valid", case, 7),
            ("registry-act-invalid", "person:officer/x", 1),  # a non-authority registering a key
        ]
    ), [f.line() for f in report.failures]
