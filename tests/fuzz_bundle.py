"""Fuzz the court's bundle verifier with structural and byte mutations of a real bundle (issue 12, must-show 2).

    python -m tests.fuzz_bundle [--examples N] [--seed S] [--memory-mb M]

Builds a real bundle (tests/real_bundle.py), caps this process's address space (RLIMIT_AS: what it uses after
building, plus ``--memory-mb``), then lets hypothesis draw mutations — fields replaced by hostile values (10**15,
2**64, negative, wrong types, 100 kB strings), fields and list elements deleted, duplicated or swapped, unknown
fields added, characters edited, bytes flipped inside the base64 entries and signed acts, nesting 65 to 100,000
levels deep, then the JSON text itself flipped, cut, spliced — and runs each through what ``zhifa verify`` runs
(:func:`load_json` then :func:`verify_bundle`). It counts, and prints as one JSON line:

* ``crashes``: any exception but :class:`UnusableInput` (MemoryError under the cap included) — must be 0;
* ``accepted_changed``: a VALID verdict on a bundle whose content (``real_bundle.content``) differs from the real
  one's — must be 0; ``accepted_unchanged`` (a mutation that changed nothing, e.g. streams reordered) is fine;
* ``refused`` (INVALID) and ``unusable`` (exit 2), and the slowest example.

Exit 0 when both must-be-0 counts are 0, else 1 (with the first few offending mutations printed).
"""

from __future__ import annotations

import argparse
import base64
import copy
import json
import random
import resource
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st

from ledger.court.verify import UnusableInput, load_json, verify_bundle
from tests import real_bundle as rb

BOMB = "\x00bomb\x00"
HOSTILE: list[Any] = [10**15, -(10**15), -1, 0, 2**64, 2**63 - 1, 10**4000, True, False, None, "", "x" * 100_000,
                      [], {}, 1.5, [None] * 1000, {"a": 1}, "AAAA", "=", "\n\n", "\u202e", "\ud800"]


def _vm_bytes() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmSize:"):
            return int(line.split()[1]) * 1024
    return 0


def _mutate_object(obj: Any, rng: random.Random, data: st.DataObject, log: list[str]) -> None:
    all_paths = [p for p, _ in rb.paths(obj) if p]
    op = data.draw(st.sampled_from(["replace", "delete", "dup", "swap", "edit", "inner", "add", "bomb", "huge"]))
    path = rng.choice(all_paths)
    parent = rb.get(obj, path[:-1])
    if op == "replace":
        value = data.draw(st.one_of(st.sampled_from(HOSTILE), st.integers(), st.text(max_size=40)))
        rb.put(obj, path, value)
        log.append(f"replace {path} with {str(value)[:40]!r}")
    elif op == "delete":
        rb.delete(obj, path)
        log.append(f"delete {path}")
    elif op == "dup" and isinstance(parent, list):
        parent.insert(int(path[-1]), copy.deepcopy(parent[int(path[-1])]))
        log.append(f"duplicate {path}")
    elif op == "swap" and isinstance(parent, list) and len(parent) > 1:
        i, j = rng.sample(range(len(parent)), 2)
        parent[i], parent[j] = parent[j], parent[i]
        log.append(f"swap {path[:-1]} {i}<->{j}")
    elif op == "edit":
        strings = [p for p, v in rb.paths(obj) if isinstance(v, str) and v]
        if strings:
            p = rng.choice(strings)
            text = rb.get(obj, p)
            at = rng.randrange(len(text))
            char = data.draw(st.characters())
            how = rng.choice(["replace", "insert", "delete"])
            new = {"replace": text[:at] + char + text[at + 1 :], "insert": text[:at] + char + text[at:],
                   "delete": text[:at] + text[at + 1 :]}[how]
            rb.put(obj, p, new)
            log.append(f"edit {p} {how} at {at} {char!r}")
    elif op == "inner":
        blobs = [p for p, _ in rb.paths(obj) if p and p[-1] in ("entry", "envelope") and isinstance(rb.get(obj, p), str)]
        if blobs:
            p = rng.choice(blobs)
            try:
                raw = bytearray(base64.b64decode(rb.get(obj, p)))
            except ValueError:
                return
            inner = None
            if p[-1] == "envelope" and rng.random() < 0.5:
                try:  # an earlier mutation may have broken the envelope already: then flip its bytes instead
                    env = json.loads(raw)
                    inner = bytearray(base64.b64decode(env["act"]))
                except (ValueError, KeyError, TypeError):
                    inner = None
            if inner:
                inner[rng.randrange(len(inner))] ^= 1 << rng.randrange(8)
                env["act"] = base64.b64encode(bytes(inner)).decode()
                raw = bytearray(json.dumps(env, separators=(",", ":"), sort_keys=True, ensure_ascii=False).encode())
                log.append(f"flip a bit of the act inside {p}")
            elif raw:
                raw[rng.randrange(len(raw))] ^= 1 << rng.randrange(8)
                log.append(f"flip a bit inside {p}")
            rb.put(obj, p, base64.b64encode(bytes(raw)).decode())
    elif op == "add":
        dicts = [p for p, v in rb.paths(obj) if isinstance(v, dict)]
        target = rng.choice(dicts)
        rb.get(obj, target)[data.draw(st.text(max_size=8))] = data.draw(st.sampled_from(HOSTILE))
        log.append(f"add a field to {target}")
    elif op == "bomb":
        rb.put(obj, path, BOMB)
        log.append(f"nest at {path}")
    elif op == "huge":
        versions = [p for p, _ in rb.paths(obj) if p and p[-1] in ("version", "leaf_index", "size")]
        if versions:
            p = rng.choice(versions)
            value = data.draw(st.sampled_from([10**15, 2**64, 2**64 - 1, -(2**63), 10**18 + 7]))
            rb.put(obj, p, value)
            log.append(f"{p} = {value}")


def _mutate_bytes(text: bytes, rng: random.Random, log: list[str]) -> bytes:
    data = bytearray(text)
    if not data:
        return bytes(data)
    op = rng.choice(["flip", "cut", "insert", "truncate", "splice"])
    at = rng.randrange(len(data))
    if op == "flip":
        data[at] ^= 1 << rng.randrange(8)
    elif op == "cut":
        del data[at : at + rng.randint(1, 64)]
    elif op == "insert":
        data[at:at] = rng.choice([b"[", b"{", b"]", b"}", b",", b'"', b"\\", b"0", b"\xff", b"\x00", b"9" * 30])
    elif op == "truncate":
        del data[at:]
    else:
        start = rng.randrange(len(data))
        data[at:at] = data[start : start + rng.randint(1, 256)]
    log.append(f"bytes: {op} at {at}")
    return bytes(data)


def run(examples: int, seed_value: int, memory_mb: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        real = rb.build(Path(tmp))
    original = rb.content(real.bundle)
    assert verify_bundle(real.bundle, real.log_vkey).ok
    limit = _vm_bytes() + memory_mb * (1 << 20)
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    counts: Counter[str] = Counter()
    offending: list[str] = []
    slowest = [0.0, ""]

    @seed(seed_value)
    @settings(max_examples=examples, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(st.data())
    def one(data: st.DataObject) -> None:
        rng = random.Random(data.draw(st.integers(0, 2**32 - 1)))
        log: list[str] = []
        obj = copy.deepcopy(real.bundle)
        for _ in range(data.draw(st.sampled_from([0, 1, 1, 1, 2, 3]))):
            _mutate_object(obj, rng, data, log)
        try:
            text = json.dumps(obj, ensure_ascii=rng.random() < 0.5, indent=rng.choice([None, 1])).encode()
        except (ValueError, TypeError):  # a lone surrogate drawn into a string: not a bundle anyone can send
            counts["skipped"] += 1
            return
        depth = rng.choice([65, 1000, 100_000])
        text = text.replace(json.dumps(BOMB).encode(), b"[" * depth + b"]" * depth)
        byte_edits = data.draw(st.sampled_from([0, 0, 0, 1, 2])) if log else data.draw(st.integers(1, 2))
        for _ in range(byte_edits):
            text = _mutate_bytes(text, rng, log)
        counts["examples"] += 1
        started = time.perf_counter()
        try:
            parsed = load_json(text)
            report = verify_bundle(parsed, real.log_vkey)
        except UnusableInput:
            counts["unusable"] += 1
            return
        except BaseException as exc:  # counting every crash is the point
            counts["crashes"] += 1
            if len(offending) < 5:
                offending.append(f"CRASH {type(exc).__name__}: {str(exc)[:200]} after {log}")
            return
        finally:
            elapsed = time.perf_counter() - started
            if elapsed > slowest[0]:
                slowest[:] = [elapsed, "; ".join(log)[:200]]
        if not report.ok:
            counts["refused"] += 1
        elif rb.content(parsed) == original:
            counts["accepted_unchanged"] += 1
        else:
            counts["accepted_changed"] += 1
            if len(offending) < 5:
                offending.append(f"ACCEPTED a changed bundle after {log}")

    started = time.perf_counter()
    one()
    return {
        "examples": counts["examples"],
        "crashes": counts["crashes"],
        "accepted_changed": counts["accepted_changed"],
        "accepted_unchanged": counts["accepted_unchanged"],
        "refused": counts["refused"],
        "unusable": counts["unusable"],
        "skipped": counts["skipped"],
        "seconds": round(time.perf_counter() - started, 1),
        "slowest_example_ms": round(slowest[0] * 1000, 1),
        "slowest_example": slowest[1],
        "memory_cap_mb": limit >> 20,
        "offending": offending,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.fuzz_bundle", description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=300)
    parser.add_argument("--seed", type=int, default=20261201)
    parser.add_argument("--memory-mb", type=int, default=512, help="address space allowed beyond what the setup used")
    args = parser.parse_args(argv)
    result = run(args.examples, args.seed, args.memory_mb)
    print(json.dumps(result, ensure_ascii=False))
    return 0 if result["crashes"] == 0 and result["accepted_changed"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
