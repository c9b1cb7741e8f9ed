"""The offline verifier a court runs on a ``zhifa-bundle/v1`` case bundle.

    python -m ledger.court BUNDLE.json --log-key VKEY [--checkpoint OLDER_NOTE] [--evidence DIR]
    python -m ledger.verify …    (the same, under its older name)

Exit 0: valid. Exit 1: invalid (every failure is printed on one line, naming the stream, version and leaf
index, in Chinese and English). Exit 2: unusable input (unreadable file, not JSON, not a zhifa-bundle/v1, a log
key that does not parse, an older checkpoint of another size than the bundle's given but no consistency proof for it
in the bundle; an older checkpoint of the same size needs none: the roots must be equal).

What is checked (DESIGN.md, Formats):

* the checkpoint is signed by the log key and is for the log key's origin;
* the manifest is signed by the log key, is for this origin and checkpoint size, and every stream it names is in
  the bundle with exactly that head (version and entry hash) — a cut-off tail or a deleted entry is caught;
* per stream: entries are canonical, versions run 1..n, each ``prev`` is the previous entry's hash, each entry
  belongs to the stream, leaf indexes increase, the act digest matches the envelope, the act is for this log,
  this stream and this version, and the tlog-proof proves the entry under the bundle's checkpoint (whose note it
  embeds byte for byte);
* every act's signature is valid under its ``kid``, and that key was valid at the act's leaf index, replaying the
  key registry from the bundle's person streams in leaf order (rooted in the log key);
* optionally: consistency from an older checkpoint (a fork is reported with both notes), evidence file hashes.

This module imports only the standard library, ``cryptography`` and the modules of its own folder,
``ledger/court/`` (merkle, note, checkpoint, tlogproof, keys, bundle_format) — so a court's expert reads one folder,
and it runs without the rest of the project (a test holds the folder to that). Canonical JSON is re-implemented here with stdlib ``json``; it must and
does give the same bytes as the writer's msgspec encoding.
"""

from __future__ import annotations

import argparse
import base64
import binascii
import bisect
import datetime as dt
import hashlib
import json
import re
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from ledger.court import merkle, note, tlogproof
from ledger.court.bundle_format import (
    BundleFormatError,
    check_shape,
    entry_hash,
    evidence_json,
    evidence_named,
    parse_manifest,
)
from ledger.court.checkpoint import Checkpoint, CheckpointError, open_checkpoint, parse_unverified
from ledger.court.keys import KeyFormatError, VerifierKey, parse_verifier_key

ACT_DOMAIN = b"zhifa/act/v1\n"
ZERO_HASH = bytes(32)
ENTRY_KEYS = frozenset({"act_digest", "case", "prev", "recorded_at", "version"})
ENVELOPE_KEYS = frozenset({"act", "kid", "sig"})
ACT_KEYS = frozenset({"actor", "case", "case_version", "claimed_at", "log", "nonce", "payload", "type"})
REGISTRY_TYPES = frozenset({"authority.admitted", "key.registered", "key.revoked"})
PERSON_PREFIX = "person:"
_KID = re.compile(r"[0-9a-f]{8}")
_TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z", re.ASCII)

EXIT_VALID, EXIT_INVALID, EXIT_UNUSABLE = 0, 1, 2

# Bounds on what the verifier reads, so that it runs in bounded memory and time for any input. A 50-act case
# bundle is about 40 KB; a case of 50,000 acts fits in the size limit. A bundle is 5 levels deep and an act's
# payload a few more (the payload schemas nest objects in lists in objects); the depth limit leaves room.
MAX_BUNDLE_BYTES = 64 << 20
MAX_JSON_DEPTH = 64
MAX_KEY_FILE_BYTES = 64 << 10  # a verifier key is one line of about 100 bytes


class UnusableInput(ValueError):
    """The input cannot be verified at all (exit 2), as opposed to verifying as invalid (exit 1)."""


@dataclass(frozen=True)
class Failure:
    code: str
    stream: str | None
    version: int | None
    leaf_index: int | None
    message_zh: str
    message_en: str
    evidence: tuple[str, ...] = ()

    def line(self) -> str:
        where = []
        if self.stream is not None:
            where.append(f"流 stream {self.stream}")
        if self.version is not None:
            where.append(f"版本 version {self.version}")
        if self.leaf_index is not None:
            where.append(f"叶 leaf {self.leaf_index}")
        place = ", ".join(where) if where else "整体 bundle"
        return f"FAIL [{self.code}] {place}: {self.message_zh} / {self.message_en}"


@dataclass
class Report:
    failures: list[Failure] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    checkpoint: Checkpoint | None = None
    streams: int = 0
    entries: int = 0

    @property
    def ok(self) -> bool:
        return not self.failures

    def fail(
        self,
        code: str,
        zh: str,
        en: str,
        stream: str | None = None,
        version: int | None = None,
        leaf: int | None = None,
        evidence: tuple[str, ...] = (),
    ) -> None:
        self.failures.append(Failure(code, stream, version, leaf, zh, en, evidence))


# --- canonical JSON with the standard library ------------------------------------------------------------


class NonCanonical(ValueError):
    pass


def _no_float(text: str) -> Any:
    raise NonCanonical(f"number {text} is not an integer (no floats in canonical bytes)")


def canonical_dumps(obj: Any) -> bytes:
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


_JSON_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")


def json_depth_within(text: str, limit: int = MAX_JSON_DEPTH) -> bool:
    """True iff no array or object in the JSON ``text`` is nested deeper than ``limit``, scanned before parsing (the
    parser recurses once per level; 100,000 levels would exhaust the stack). Strings are skipped first (brackets in
    them do not count), then every other character but brackets, both in C; only the brackets are walked."""
    brackets = _NOT_BRACKET.sub("", _JSON_STRING.sub("", text))
    depth = 0
    for char in brackets:
        if char in "[{":
            depth += 1
            if depth > limit:
                return False
        else:
            depth -= 1
    return True


def load_json(data: bytes | str, what: str = "bundle") -> Any:
    """Parse untrusted JSON within the size and depth bounds, or raise :class:`UnusableInput` saying which bound."""
    if len(data) > MAX_BUNDLE_BYTES:
        raise UnusableInput(f"the {what} is larger than {MAX_BUNDLE_BYTES} bytes")
    try:
        text = data.decode("utf-8") if isinstance(data, bytes) else data
    except UnicodeError as exc:
        raise UnusableInput(f"the {what} is not UTF-8: {exc}") from exc
    if not json_depth_within(text):
        raise UnusableInput(f"the {what} nests arrays or objects deeper than {MAX_JSON_DEPTH} levels")
    try:
        return json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise UnusableInput(f"the {what} is not JSON: {str(exc)[:200]}") from exc


def canonical_loads(data: bytes) -> Any:
    """Decode canonical JSON bytes; refuse anything whose canonical re-encoding differs."""
    try:
        text = data.decode("utf-8")
        if not json_depth_within(text):
            raise NonCanonical(f"nested deeper than {MAX_JSON_DEPTH} levels")
        obj = json.loads(text, parse_float=_no_float, parse_constant=_no_float)
        again = canonical_dumps(obj)
    except (UnicodeError, ValueError, RecursionError) as exc:
        raise NonCanonical(f"not JSON: {exc}") from exc
    if again != data:
        raise NonCanonical("not canonical JSON (sorted keys, no whitespace, UTF-8 unescaped)")
    return obj


def _b64(value: Any, size: int | None = None) -> bytes:
    if not isinstance(value, str):
        raise NonCanonical("expected a base64 string")
    try:
        raw = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise NonCanonical("not base64") from exc
    if base64.b64encode(raw).decode() != value:
        raise NonCanonical("not canonical padded base64")
    if size is not None and len(raw) != size:
        raise NonCanonical(f"expected {size} bytes, got {len(raw)}")
    return raw


def _int(value: Any) -> bool:
    return type(value) is int


def parse_timestamp(text: Any) -> dt.datetime:
    if not isinstance(text, str) or not _TIMESTAMP.fullmatch(text):
        raise NonCanonical(f"timestamp {text!r} is not YYYY-MM-DDTHH:MM:SS.ffffffZ")
    try:
        return dt.datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=dt.UTC)
    except ValueError as exc:
        raise NonCanonical(f"timestamp {text!r} is not a valid time") from exc


@dataclass(frozen=True)
class Entry:
    act_digest: bytes
    case: str
    prev: bytes
    recorded_at: dt.datetime
    version: int


def decode_entry(data: bytes) -> Entry:
    obj = canonical_loads(data)
    if not isinstance(obj, dict) or set(obj) != ENTRY_KEYS:
        raise NonCanonical(f"an entry has exactly the fields {sorted(ENTRY_KEYS)}")
    if not isinstance(obj["case"], str) or not _int(obj["version"]) or obj["version"] < 1:
        raise NonCanonical("entry case must be a string and version a positive integer")
    return Entry(
        act_digest=_b64(obj["act_digest"], 32),
        case=obj["case"],
        prev=_b64(obj["prev"], 32),
        recorded_at=parse_timestamp(obj["recorded_at"]),
        version=obj["version"],
    )


@dataclass(frozen=True)
class Act:
    actor: str
    case: str
    case_version: int
    log: str
    type: str
    payload: dict[str, Any]


@dataclass(frozen=True)
class Envelope:
    act_bytes: bytes
    kid: str
    sig: bytes
    act: Act


def decode_envelope(data: bytes) -> Envelope:
    obj = canonical_loads(data)
    if not isinstance(obj, dict) or set(obj) != ENVELOPE_KEYS:
        raise NonCanonical(f"a signed act has exactly the fields {sorted(ENVELOPE_KEYS)}")
    kid = obj["kid"]
    if not isinstance(kid, str) or not _KID.fullmatch(kid):
        raise NonCanonical("kid must be 8 lowercase hex characters")
    sig = _b64(obj["sig"], 64)
    act_bytes = _b64(obj["act"])
    act = canonical_loads(act_bytes)
    if not isinstance(act, dict) or set(act) != ACT_KEYS:
        raise NonCanonical(f"an act has exactly the fields {sorted(ACT_KEYS)}")
    for key in ("actor", "case", "log", "type"):
        if not isinstance(act[key], str):
            raise NonCanonical(f"act {key} must be a string")
    if not _int(act["case_version"]) or act["case_version"] < 0:
        raise NonCanonical("act case_version must be an integer >= 0")
    if not isinstance(act["payload"], dict):
        raise NonCanonical("act payload must be an object")
    _b64(act["nonce"], 16)
    parse_timestamp(act["claimed_at"])
    return Envelope(
        act_bytes,
        kid,
        sig,
        Act(act["actor"], act["case"], act["case_version"], act["log"], act["type"], act["payload"]),
    )


# --- the key registry, replayed in leaf order ------------------------------------------------------------


@dataclass
class _Key:
    vkey: VerifierKey
    person: str
    role: str
    valid_from: dt.datetime | None
    registered_leaf: int
    revoked_leaf: int | None = None


@dataclass
class _Registry:
    origin: str
    keys: dict[str, _Key]
    authorities: dict[str, int] = field(default_factory=dict)

    @classmethod
    def genesis(cls, origin: str, log_key: VerifierKey) -> _Registry:
        return cls(origin, {log_key.kid_hex: _Key(log_key, origin, "log", None, -1)})


class RegistryError(ValueError):
    def __init__(self, zh: str, en: str) -> None:
        super().__init__(en)
        self.zh = zh
        self.en = en


def _payload_vkey(payload: dict[str, Any], person: str) -> VerifierKey:
    text = payload.get("vkey")
    if not isinstance(text, str):
        raise RegistryError("登记内容缺少公钥 vkey", "payload has no verifier key 'vkey'")
    try:
        vkey = parse_verifier_key(text)
    except KeyFormatError as exc:
        raise RegistryError(f"公钥格式错误：{exc}", f"malformed verifier key: {exc}") from exc
    if vkey.name != person:
        raise RegistryError(
            f"公钥名称 {vkey.name} 与人员 {person} 不符",
            f"key named {vkey.name!r} in the stream of {person!r}",
        )
    return vkey


def apply_registry_act(registry: _Registry, person: str, act: Act, leaf: int, kid: str) -> None:
    """Apply one (already signature-checked) registry act at ``leaf`` signed under ``kid``, or raise
    :class:`RegistryError`."""
    payload = act.payload
    if person == registry.origin:
        raise RegistryError(
            f"任何密钥不得使用日志名称 {person}", f"no key may take the log's name {person!r}"
        )
    if act.type == "authority.admitted":
        signer = registry.keys.get(kid)
        if act.actor != registry.origin or signer is None or signer.role != "log":
            raise RegistryError(
                "只有日志密钥本身可以接纳人事管理机构", "only the log key itself admits the personnel authority"
            )
        vkey = _payload_vkey(payload, person)
        if vkey.kid_hex in registry.keys:
            raise RegistryError(f"密钥 {vkey.kid_hex} 已登记", f"key {vkey.kid_hex} is already registered")
        registry.keys[vkey.kid_hex] = _Key(vkey, person, "authority", None, leaf)
        registry.authorities.setdefault(person, leaf)
    elif act.type == "key.registered":
        if act.actor not in registry.authorities:
            raise RegistryError(
                f"{act.actor} 不是人事管理机构，无权登记密钥", f"{act.actor!r} is not an authority"
            )
        vkey = _payload_vkey(payload, person)
        role, agency, valid_from = payload.get("role"), payload.get("agency"), payload.get("valid_from")
        if not isinstance(role, str) or not (agency is None or isinstance(agency, str)):
            raise RegistryError("登记内容的角色或机构格式错误", "payload role/agency malformed")
        try:
            since = None if valid_from is None else parse_timestamp(valid_from)
        except NonCanonical as exc:
            raise RegistryError("生效时间格式错误", f"valid_from malformed: {exc}") from exc
        if vkey.kid_hex in registry.keys:
            raise RegistryError(f"密钥 {vkey.kid_hex} 已登记", f"key {vkey.kid_hex} is already registered")
        registry.keys[vkey.kid_hex] = _Key(vkey, person, role, since, leaf)
    elif act.type == "key.revoked":
        if act.actor not in registry.authorities:
            raise RegistryError(
                f"{act.actor} 不是人事管理机构，无权吊销密钥", f"{act.actor!r} is not an authority"
            )
        revoked = payload.get("kid")
        key = registry.keys.get(revoked) if isinstance(revoked, str) else None
        if key is None or key.person != person:
            raise RegistryError(
                f"被吊销的密钥 {revoked} 不属于 {person}", f"revoked kid {revoked!r} is not a key of {person!r}"
            )
        if key.revoked_leaf is None:
            key.revoked_leaf = leaf


# --- the verifier ----------------------------------------------------------------------------------------


@dataclass
class _Item:
    stream: str
    version: int
    leaf: int
    entry_bytes: bytes | None = None
    entry: Entry | None = None
    envelope: Envelope | None = None
    included: bool = False
    digest_ok: bool = False
    form_ok: bool = False  # act belongs to this log, stream and version


@dataclass(frozen=True)
class Comparison:
    verdict: Literal["consistent", "fork"]
    older: Checkpoint
    newer: Checkpoint


def compare_checkpoints(note_a: str, note_b: str, log_key: VerifierKey, proof: Sequence[bytes]) -> Comparison:
    """Open two checkpoint notes of one log and decide whether the smaller is a prefix of the larger.

    ``proof`` is the RFC 9162 consistency proof between their sizes (empty for equal sizes). Raises
    :class:`CheckpointError` if a note is not signed by ``log_key`` or the origins differ. Two validly signed
    checkpoints that are not consistent are a fork (or a wrong proof): both notes are the evidence.
    """
    a = open_checkpoint(note_a, log_key)
    b = open_checkpoint(note_b, log_key)
    if a.origin != b.origin:
        raise CheckpointError(f"checkpoints of different logs: {a.origin!r} and {b.origin!r}")
    older, newer = (a, b) if a.size <= b.size else (b, a)
    if older.size == newer.size:
        consistent = older.root == newer.root
    elif older.size == 0:
        consistent = older.root == merkle.EMPTY_ROOT
    else:
        consistent = merkle.verify_consistency(older.size, newer.size, proof, older.root, newer.root)
    return Comparison("consistent" if consistent else "fork", older, newer)


def _only_the_log_signs(text: str, zh: str, en: str, report: Report) -> None:
    """A bundle's notes carry exactly one signature line, the log key's: a second line (a copy of it, or a
    signature by a key the court does not know) is bytes nothing authenticates, so it is refused rather than
    ignored. (This project's log has no witnesses yet; a cosigned note would be refused here until it does.)"""
    try:
        count = len(note.parse(text).signatures)
    except note.NoteError:
        return  # malformed: reported by the signature check
    if count != 1:
        report.fail(
            "note-extra-signatures",
            f"{zh}带有日志密钥签名以外的签名行",
            f"the {en} carries {count} signature lines; only the log key's one belongs there",
        )


def _check_checkpoint(bundle: dict[str, Any], log_key: VerifierKey, report: Report) -> Checkpoint | None:
    origin = bundle["origin"]
    _only_the_log_signs(bundle["checkpoint"], "检查点", "checkpoint", report)
    if origin != log_key.name:
        report.fail(
            "origin-mismatch",
            f"案卷包的日志 {origin} 与日志公钥名称 {log_key.name} 不符",
            f"bundle origin {origin!r} is not the log key's name {log_key.name!r}",
        )
    try:
        checkpoint = open_checkpoint(bundle["checkpoint"], log_key, origin)
    except CheckpointError as exc:
        report.fail(
            "checkpoint-signature",
            "检查点未经该日志密钥有效签名或格式错误",
            f"checkpoint is not validly signed by the log key or malformed: {exc}",
        )
        try:  # keep locating per-entry problems against the unverified tree head
            checkpoint = parse_unverified(bundle["checkpoint"])
        except CheckpointError:
            return None
    if checkpoint.origin != origin:
        report.fail(
            "checkpoint-origin",
            "检查点的日志名称与案卷包不符",
            f"checkpoint origin {checkpoint.origin!r} is not {origin!r}",
        )
    return checkpoint


def _check_manifest(
    bundle: dict[str, Any], log_key: VerifierKey, checkpoint: Checkpoint | None, report: Report
) -> None:
    _only_the_log_signs(bundle["manifest"], "清单", "manifest", report)
    try:
        text = note.verify(bundle["manifest"], [log_key]).text
    except note.NoteError as exc:
        report.fail(
            "manifest-signature",
            "清单未经日志密钥有效签名",
            f"manifest is not validly signed by the log key: {exc}",
        )
        return
    try:
        manifest = parse_manifest(text)
    except BundleFormatError as exc:
        report.fail("manifest-malformed", "清单格式错误", f"manifest is malformed: {exc}")
        return
    if manifest.origin != bundle["origin"]:
        report.fail("manifest-origin", "清单的日志名称与案卷包不符", f"manifest is for {manifest.origin!r}")
    if checkpoint is not None and manifest.size != checkpoint.size:
        report.fail(
            "manifest-size",
            f"清单对应的日志大小 {manifest.size} 与检查点 {checkpoint.size} 不符",
            f"manifest is for tree size {manifest.size}, the checkpoint for {checkpoint.size}",
        )
    present: dict[str, list[dict[str, Any]]] = {}
    for stream in bundle["streams"]:
        present.setdefault(stream["id"], stream["entries"])
    for sid, (head_version, head_hash) in manifest.heads.items():
        entries = present.get(sid)
        if entries is None:
            report.fail(
                "stream-missing",
                f"清单所列的流缺失（应至版本 {head_version}）",
                f"stream named in the manifest is missing (head version {head_version})",
                sid,
                head_version,
            )
            continue
        last = entries[-1] if entries else None
        last_version = last["version"] if last else 0
        if last_version < head_version:
            report.fail(
                "stream-truncated",
                f"流被截断：清单记载至版本 {head_version}，案卷包缺少版本 {last_version + 1} 起的条目",
                f"stream cut off: the manifest's head is version {head_version}, entries from version "
                f"{last_version + 1} are missing",
                sid,
                last_version + 1,
            )
            continue
        if last_version > head_version:
            report.fail(
                "stream-extra-entries",
                f"流中有清单之外的条目：清单记载至版本 {head_version}",
                f"stream has entries beyond the manifest's head version {head_version}",
                sid,
                head_version + 1,
            )
            continue
        assert last is not None
        try:
            last_hash = entry_hash(base64.b64decode(last["entry"], validate=True))
        except (binascii.Error, ValueError):
            last_hash = b""
        if last_hash != head_hash:
            report.fail(
                "stream-head-mismatch",
                "流的最新条目与清单记载的哈希不符",
                f"the stream's head entry does not match the manifest's hash {head_hash.hex()}",
                sid,
                head_version,
                last["leaf_index"],
            )
    for sid in present:
        if sid not in manifest.heads:
            report.fail(
                "stream-not-in-manifest", "该流不在签名清单中", "stream is not in the signed manifest", sid
            )


def _missing_between(low: int, high: int, present: Sequence[int]) -> tuple[int, int] | None:
    """The first and last version strictly between ``low`` and ``high`` missing from ``present`` (sorted, unique),
    or None. Binary searches only: a claimed version of 10**15 allocates nothing and costs O(log n)."""
    start, end = bisect.bisect_right(present, low), bisect.bisect_left(present, high)
    if end - start >= high - low - 1:
        return None
    # In present[start:end], present[i] - i grows by at least 0 per step; the first missing version follows the
    # longest prefix run low+1, low+2, … and the last precedes the longest suffix run …, high-2, high-1.
    lo, hi = start, end
    while lo < hi:
        mid = (lo + hi) // 2
        if present[mid] == low + 1 + (mid - start):
            lo = mid + 1
        else:
            hi = mid
    first = low + 1 + (lo - start)
    lo, hi = start, end
    while lo < hi:
        mid = (lo + hi) // 2
        if present[mid] == high - (end - mid):
            hi = mid
        else:
            lo = mid + 1
    last = high - 1 - (end - lo)
    return first, last


def _check_stream(
    sid: str,
    entries: list[dict[str, Any]],
    bundle: dict[str, Any],
    checkpoint: Checkpoint | None,
    report: Report,
) -> list[_Item]:
    items: list[_Item] = []
    prev_hash: bytes | None = ZERO_HASH
    prev_version = 0
    prev_leaf = -1
    all_versions = sorted({raw["version"] for raw in entries})
    for raw in entries:
        item = _Item(sid, raw["version"], raw["leaf_index"])
        items.append(item)
        v, leaf = item.version, item.leaf

        def fail(code: str, zh: str, en: str, v: int = v, leaf: int = leaf) -> None:
            report.fail(code, zh, en, sid, v, leaf)

        if v != prev_version + 1:
            missing = _missing_between(prev_version, v, all_versions)
            if missing:
                span = str(missing[0]) if missing[0] == missing[1] else f"{missing[0]}–{missing[1]}"
                fail(
                    "version-gap",
                    f"版本不连续：缺少版本 {span}（条目被删除？）",
                    f"version {span} missing before this entry (entry deleted?)",
                )
            else:
                fail(
                    "version-order",
                    f"版本顺序错误：版本 {v} 出现在版本 {prev_version} 之后（重排、重复或插入？）",
                    f"version {v} comes after version {prev_version} (reordered, repeated or inserted?)",
                )
        if leaf <= prev_leaf:
            fail(
                "leaf-order",
                f"叶索引未递增（前一条为 {prev_leaf}）",
                f"leaf index does not increase (previous entry at {prev_leaf})",
            )
        if checkpoint is not None and not 0 <= leaf < checkpoint.size:
            fail(
                "leaf-beyond-checkpoint",
                "叶索引超出检查点范围",
                f"leaf index is not below tree size {checkpoint.size}",
            )
        prev_version, prev_leaf = max(prev_version, v), leaf
        try:
            item.entry_bytes = _b64(raw["entry"])
            item.entry = decode_entry(item.entry_bytes)
        except NonCanonical as exc:
            fail("entry-malformed", "条目不是规范格式", f"entry is malformed: {exc}")
            prev_hash = None if item.entry_bytes is None else entry_hash(item.entry_bytes)
            continue
        leaf_h = entry_hash(item.entry_bytes)
        entry = item.entry
        if entry.version != v:
            fail(
                "entry-version-mismatch",
                f"条目自身的版本为 {entry.version}",
                f"entry says version {entry.version}",
            )
        if entry.case != sid:
            fail(
                "entry-wrong-stream",
                f"条目属于另一案件/流 {entry.case}（被移动？）",
                f"entry belongs to stream {entry.case!r} (moved?)",
            )
        if prev_hash is not None and entry.prev != prev_hash:
            fail(
                "chain-broken",
                "哈希链断裂：prev 不等于前一条目的哈希",
                "hash chain broken: prev is not the previous entry's hash",
            )
        prev_hash = leaf_h
        # inclusion proof under the bundle's checkpoint
        try:
            proof = tlogproof.parse(raw["proof"])
        except tlogproof.TlogProofError as exc:
            fail("proof-malformed", "包含证明格式错误", f"tlog-proof is malformed: {exc}")
        else:
            if proof.extra is not None:
                fail(
                    "proof-extra",
                    "包含证明带有未经认证的附加数据",
                    "the tlog-proof carries extra data, which nothing authenticates (a bundle has none)",
                )
            if proof.checkpoint != bundle["checkpoint"]:
                fail(
                    "proof-checkpoint-mismatch",
                    "包含证明中的检查点与案卷包的检查点不一致",
                    "the tlog-proof's checkpoint is not the bundle's checkpoint, byte for byte",
                )
            if proof.index != leaf:
                fail(
                    "proof-index-mismatch",
                    f"包含证明的索引 {proof.index} 与叶索引不符",
                    f"tlog-proof index {proof.index} is not the leaf index",
                )
            if checkpoint is not None:
                if merkle.verify_inclusion(leaf_h, leaf, checkpoint.size, proof.hashes, checkpoint.root):
                    item.included = True
                else:
                    fail(
                        "inclusion-proof",
                        "包含证明无效：该条目不在检查点所示的日志中（被篡改或伪造？）",
                        "inclusion proof fails: the entry is not in the checkpointed log (altered or forged?)",
                    )
        # envelope
        try:
            envelope_bytes = _b64(raw["envelope"])
            item.envelope = decode_envelope(envelope_bytes)
        except NonCanonical as exc:
            fail("envelope-malformed", "签名行为格式错误", f"signed act is malformed: {exc}")
            continue
        act = item.envelope.act
        item.digest_ok = hashlib.sha256(envelope_bytes).digest() == entry.act_digest
        if not item.digest_ok:
            fail(
                "act-digest-mismatch",
                "签名行为的摘要与条目中的 act_digest 不符",
                "SHA-256 of the signed act is not the entry's act_digest",
            )
        item.form_ok = True
        if act.case != entry.case:
            item.form_ok = False
            fail("act-wrong-case", f"行为所属案件 {act.case} 与条目不符", f"act is for stream {act.case!r}")
        if act.case_version != v - 1:
            item.form_ok = False
            fail(
                "act-version-mismatch",
                f"行为的 case_version {act.case_version} 应为 {v - 1}",
                f"act case_version {act.case_version} should be {v - 1}",
            )
        if act.log != bundle["origin"]:
            item.form_ok = False
            fail("act-wrong-log", f"行为属于另一日志 {act.log}", f"act is for another log {act.log!r}")
    return items


Progress = Callable[[str, int, int], None]
"""``progress(phase, done, total)``: ``entries`` (chains and proofs), ``signatures``, ``evidence`` (bytes hashed)."""


def _no_progress(phase: str, done: int, total: int) -> None:
    return None


def _check_signatures(items: list[_Item], log_key: VerifierKey, origin: str, report: Report,
                      progress: Progress = _no_progress) -> None:
    """Replay the key registry in leaf order; check each act's key validity and signature."""
    registry = _Registry.genesis(origin, log_key)
    ordered = sorted(
        (i for i in items if i.envelope is not None and i.entry is not None), key=lambda i: i.leaf
    )
    later: dict[str, int] = {}  # kid -> first leaf that claims to register it (for messages only)
    for item in ordered:
        assert item.envelope is not None
        act = item.envelope.act
        if act.type in ("authority.admitted", "key.registered") and isinstance(act.payload.get("vkey"), str):
            kid = act.payload["vkey"].split("+")[1:2]
            if kid:
                later.setdefault(kid[0], item.leaf)
    seen_leaf: dict[int, _Item] = {}
    progress("signatures", 0, len(ordered))
    for done, item in enumerate(ordered, 1):
        if done % 256 == 0 or done == len(ordered):
            progress("signatures", done, len(ordered))
        assert item.envelope is not None and item.entry is not None
        env, act = item.envelope, item.envelope.act
        where = (item.stream, item.version, item.leaf)
        if item.leaf in seen_leaf and seen_leaf[item.leaf] is not item:
            other = seen_leaf[item.leaf]
            report.fail(
                "leaf-duplicate",
                f"叶索引与 {other.stream} 版本 {other.version} 重复",
                f"leaf index also claimed by {other.stream} version {other.version}",
                *where,
            )
        seen_leaf.setdefault(item.leaf, item)
        key = registry.keys.get(env.kid)
        signed_ok = False
        if key is None:
            if env.kid in later and later[env.kid] > item.leaf:
                report.fail(
                    "key-not-yet-registered",
                    f"签名密钥 {env.kid} 在登记之前被使用",
                    f"signing key {env.kid} is used before it is registered (leaf {later[env.kid]})",
                    *where,
                )
            else:
                report.fail(
                    "key-unknown",
                    f"签名密钥 {env.kid} 未登记（密钥被替换？）",
                    f"signing key {env.kid} is not registered (key replaced?)",
                    *where,
                )
        elif key.revoked_leaf is not None and key.revoked_leaf < item.leaf:
            report.fail(
                "key-revoked",
                f"签名密钥 {env.kid} 已于叶 {key.revoked_leaf} 被吊销",
                f"signing key {env.kid} was revoked at leaf {key.revoked_leaf}",
                *where,
            )
        elif key.valid_from is not None and item.entry.recorded_at < key.valid_from:
            report.fail(
                "key-not-yet-valid",
                f"记录时间早于密钥 {env.kid} 的生效时间",
                f"recorded before signing key {env.kid}'s valid_from",
                *where,
            )
        elif act.actor != key.person:
            report.fail(
                "actor-mismatch",
                f"行为人 {act.actor} 不是密钥持有人 {key.person}",
                f"actor {act.actor!r} is not the key's holder {key.person!r}",
                *where,
            )
        elif not key.vkey.verify(env.sig, ACT_DOMAIN + env.act_bytes):
            report.fail(
                "signature-invalid", "签名无效", f"signature does not verify under key {env.kid}", *where
            )
        else:
            signed_ok = True
        if act.type in REGISTRY_TYPES:
            if not item.stream.startswith(PERSON_PREFIX):
                report.fail(
                    "registry-act-wrong-stream",
                    "密钥登记类行为不在人员流中",
                    f"registry act {act.type} outside a person stream",
                    *where,
                )
            elif signed_ok and item.included and item.digest_ok and item.form_ok:
                try:
                    apply_registry_act(registry, item.stream[len(PERSON_PREFIX) :], act, item.leaf, env.kid)
                except RegistryError as exc:
                    report.fail("registry-act-invalid", exc.zh, exc.en, *where)


def _check_consistency(
    bundle: dict[str, Any],
    log_key: VerifierKey,
    checkpoint: Checkpoint | None,
    older_checkpoint: str | None,
    report: Report,
) -> None:
    consistency = bundle["consistency"]
    if consistency is None:
        if older_checkpoint is None:
            return
        try:
            older_size: int | None = open_checkpoint(older_checkpoint, log_key).size
        except CheckpointError as exc:
            raise UnusableInput(f"the given older checkpoint is not signed by the log key: {exc}") from exc
        if checkpoint is None or older_size != checkpoint.size:
            raise UnusableInput(
                f"an older checkpoint (size {older_size}) was given but the bundle has no consistency proof: "
                "ask for a bundle made with `zhifa bundle CASE_ID -o FILE --since OLDER_NOTE`"
            )
        # The same size needs no proof (RFC 9162 2.1.4: the proof is empty): the two roots must be equal.
        consistency = {"from": older_checkpoint, "proof": []}
    try:
        proof = [_b64(h, 32) for h in consistency["proof"]]
    except NonCanonical as exc:
        report.fail("consistency-malformed", "一致性证明格式错误", f"consistency proof is malformed: {exc}")
        return
    from_note = consistency["from"]
    if bundle["consistency"] is not None:
        _only_the_log_signs(from_note, "一致性证明的起点检查点", "consistency proof's older checkpoint", report)
    if older_checkpoint is not None:
        try:
            older = open_checkpoint(older_checkpoint, log_key)
        except CheckpointError as exc:
            raise UnusableInput(f"the given older checkpoint is not signed by the log key: {exc}") from exc
        if checkpoint is not None and older.size > checkpoint.size:
            raise UnusableInput(
                f"the given checkpoint (size {older.size}) is newer than the bundle's (size {checkpoint.size})"
            )
        try:
            claimed = parse_unverified(from_note)
        except CheckpointError:
            claimed = None
        if claimed is None or claimed.origin != older.origin or claimed.size != older.size:
            raise UnusableInput("the bundle's consistency proof does not start at the given older checkpoint")
        if claimed.root != older.root:
            # The bundle claims another tree head for the same size: if the log signed it, that is a fork.
            try:
                verdict = compare_checkpoints(older_checkpoint, from_note, log_key, []).verdict
            except CheckpointError:
                verdict = "consistent"
            if verdict == "fork":
                report.fail(
                    "fork",
                    "分叉：日志对同一大小签发了两个不同的检查点",
                    "fork: the log signed two different checkpoints of the same size",
                    evidence=(older_checkpoint, from_note),
                )
                return
            raise UnusableInput("the bundle's consistency proof does not start at the given older checkpoint")
        from_note = older_checkpoint
    try:
        comparison = compare_checkpoints(from_note, bundle["checkpoint"], log_key, proof)
    except CheckpointError as exc:
        report.fail(
            "consistency-checkpoint",
            "一致性证明的起点检查点未经日志密钥签名",
            f"consistency start is not valid: {exc}",
        )
        return
    if comparison.verdict == "fork":
        report.fail(
            "fork",
            f"分叉：检查点（大小 {comparison.older.size}）与案卷包检查点（大小 {comparison.newer.size}）不一致",
            f"fork: checkpoint of size {comparison.older.size} is not consistent with the bundle's checkpoint "
            f"of size {comparison.newer.size} (or the proof is wrong)",
            evidence=(from_note, bundle["checkpoint"]),
        )


def _check_evidence(
    bundle: dict[str, Any], items: list[_Item], evidence_dir: Path | None, report: Report,
    progress: Progress = _no_progress,
) -> None:
    """The evidence files are the ones the signed acts name, with the hashes and sizes the acts give
    (:func:`evidence_named`); the bundle's list must be exactly that derived list (it only points to files, named by
    their hash), and with ``evidence_dir`` every file is hashed against the act, never against the list."""
    derived = evidence_named(item.envelope.act.payload for item in items if item.envelope is not None)
    if bundle["evidence"] != evidence_json(derived):
        report.fail(
            "evidence-list",
            "案卷包的证据清单与签名行为记载的证据（哈希、大小）不符",
            f"the bundle's evidence list is not the {len(derived)} file(s) the signed acts name "
            "(sha256, size, named by the hash)",
        )
    if evidence_dir is None:
        return
    hashed, to_hash = 0, sum(ev.size for ev in derived)
    progress("evidence", 0, to_hash)
    for ev in derived:
        label = f"evidence {ev.sha256} ({ev.size} bytes)"
        path = evidence_dir / ev.sha256
        if path.is_symlink() or not path.is_file():
            report.fail(
                "evidence-missing", f"证据文件 {ev.sha256} 缺失", f"{label}: no regular file {path}"
            )
            hashed += ev.size
            continue
        h = hashlib.sha256()
        total = 0
        with path.open("rb") as handle:
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                h.update(chunk)
                total += len(chunk)
                progress("evidence", hashed + min(total, ev.size), to_hash)
                if total > ev.size:
                    break
        hashed += ev.size
        if h.hexdigest() != ev.sha256 or total != ev.size:
            report.fail(
                "evidence-mismatch",
                f"证据文件 {ev.sha256} 的哈希或大小与签名行为记载不符",
                f"{label}: the file's hash/size is not what the signed act records",
            )


def verify_bundle(
    bundle: Any,
    log_key: VerifierKey | str,
    older_checkpoint: str | None = None,
    evidence_dir: Path | str | None = None,
    *,
    progress: Progress | None = None,
) -> Report:
    """Verify a parsed bundle. Raises :class:`UnusableInput` where the CLI exits 2. ``progress`` is told how far
    each phase has come (:data:`Progress`): a large bundle or evidence folder takes a while."""
    tell = progress or _no_progress
    if isinstance(log_key, str):
        try:
            log_key = parse_verifier_key(log_key)
        except KeyFormatError as exc:
            raise UnusableInput(f"log key does not parse: {exc}") from exc
    try:
        check_shape(bundle)
    except BundleFormatError as exc:
        raise UnusableInput(str(exc)) from exc
    report = Report()
    checkpoint = _check_checkpoint(bundle, log_key, report)
    report.checkpoint = checkpoint
    _check_consistency(bundle, log_key, checkpoint, older_checkpoint, report)
    _check_manifest(bundle, log_key, checkpoint, report)
    items: list[_Item] = []
    seen: set[str] = set()
    checked, to_check = 0, sum(len(stream["entries"]) for stream in bundle["streams"])
    tell("entries", 0, to_check)
    for stream in bundle["streams"]:
        tell("entries", checked, to_check)
        checked += len(stream["entries"])
        sid = stream["id"]
        if sid in seen:
            report.fail(
                "stream-duplicate", "同一流在案卷包中出现两次", "stream appears twice in the bundle", sid
            )
            continue
        seen.add(sid)
        items.extend(_check_stream(sid, stream["entries"], bundle, checkpoint, report))
        report.streams += 1
    tell("entries", to_check, to_check)
    report.entries = len(items)
    _check_signatures(items, log_key, bundle["origin"], report, tell)
    _check_evidence(bundle, items, None if evidence_dir is None else Path(evidence_dir), report, tell)
    return report


# --- command line ----------------------------------------------------------------------------------------


def _read_bounded(path: str, limit: int, what: str) -> bytes:
    """A file's bytes, refusing (not reading) more than ``limit``."""
    try:
        with open(path, "rb") as handle:
            data = handle.read(limit + 1)
    except OSError as exc:
        raise UnusableInput(f"cannot read the {what} {path!r}: {exc.strerror}") from exc
    if len(data) > limit:
        raise UnusableInput(f"the {what} {path!r} is larger than {limit} bytes")
    return data


def _read_log_key(arg: str) -> VerifierKey:
    try:
        return parse_verifier_key(arg)
    except KeyFormatError:
        pass
    try:
        text = _read_bounded(arg, MAX_KEY_FILE_BYTES, "log key file").decode("utf-8")
    except (UnusableInput, UnicodeError) as exc:
        raise UnusableInput(f"--log-key is neither a verifier key nor a readable key file: {arg[:200]!r}") from exc
    try:
        return parse_verifier_key(text)
    except KeyFormatError as exc:
        raise UnusableInput(f"log key does not parse: {exc}") from exc


PHASES = {"entries": "链与证明 chains, proofs", "signatures": "签名 signatures", "evidence": "证据文件 evidence bytes"}


class TextProgress:
    """A one-line progress bar on stderr for a terminal (standard library only, like the rest of this folder):
    ``核验 signatures ━━━━━━━━━━──────── 1,024/2,310``, redrawn at most ten times a second, cleared at the end."""

    def __init__(self, stream: Any) -> None:
        self.stream, self.last, self.drawn = stream, 0.0, False

    def __call__(self, phase: str, done: int, total: int) -> None:
        now = time.monotonic()
        if done < total and now - self.last < 0.1:
            return
        self.last = now
        width = 24
        filled = width if total <= 0 else width * done // total
        self.stream.write(f"\r核验 {PHASES.get(phase, phase)} {'━' * filled}{'─' * (width - filled)} {done:,}/{total:,}\033[K")
        self.stream.flush()
        self.drawn = True

    def __enter__(self) -> TextProgress:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.drawn:
            self.stream.write("\r\033[K")
            self.stream.flush()


@contextmanager
def _terminal_progress() -> Iterator[Progress]:
    """:class:`TextProgress` on stderr if it is a terminal, else nothing."""
    if not sys.stderr.isatty():
        yield _no_progress
        return
    with TextProgress(sys.stderr) as bar:
        yield bar


def main(argv: Sequence[str] | None = None,
         progress: Callable[[], AbstractContextManager[Progress]] = _terminal_progress) -> int:
    """The command line. ``progress`` makes what is told how far verification has come, closed before the report
    is printed: by default a text bar on a terminal's stderr (``zhifa verify`` passes rich's)."""
    parser = argparse.ArgumentParser(
        prog="python -m ledger.court", description="离线核验执法案卷包 / verify a zhifa case bundle offline"
    )
    parser.add_argument("bundle", help="zhifa-bundle/v1 JSON file")
    parser.add_argument("--log-key", required=True, help="the log's verifier key (text or a file holding it)")
    parser.add_argument("--checkpoint", help="an older checkpoint note file to check consistency from")
    parser.add_argument("--evidence", help="directory of evidence files to hash")
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return EXIT_UNUSABLE if exc.code else EXIT_VALID
    reconfigure = getattr(sys.stdout, "reconfigure", None)
    if reconfigure is not None:
        reconfigure(errors="backslashreplace")
    try:
        log_key = _read_log_key(args.log_key)
        bundle = load_json(_read_bounded(args.bundle, MAX_BUNDLE_BYTES, "bundle"))
        older = None
        if args.checkpoint is not None:
            try:
                older = _read_bounded(args.checkpoint, note.MAX_NOTE_BYTES, "older checkpoint").decode("utf-8")
            except UnicodeError as exc:
                raise UnusableInput(f"cannot read the older checkpoint: {exc}") from exc
        if args.evidence is not None and not Path(args.evidence).is_dir():
            raise UnusableInput(f"evidence directory {args.evidence!r} does not exist")
        with progress() as tell:
            report = verify_bundle(bundle, log_key, older, args.evidence, progress=tell)
    except UnusableInput as exc:
        print(f"无法核验 / unusable input: {exc}", file=sys.stderr)
        return EXIT_UNUSABLE
    for warning in report.warnings:
        print(f"WARN {warning}")
    for failure in report.failures:
        print(failure.line())
        for ev in failure.evidence:
            print("  证据 evidence:")
            for line in ev.splitlines():
                print(f"    {line}")
    cp = report.checkpoint
    size = cp.size if cp is not None else "?"
    if report.ok:
        print(
            f"核验通过 / VALID: {report.streams} streams, {report.entries} entries, "
            f"checkpoint {bundle['origin']} size {size}"
        )
        return EXIT_VALID
    print(
        f"核验未通过 / INVALID: {len(report.failures)} failure(s) in {report.streams} streams, {report.entries} entries"
    )
    return EXIT_INVALID


if __name__ == "__main__":
    sys.exit(main())
