"""The write path on both backends: chained entries, and every refusal leaves the ledger untouched."""

from __future__ import annotations

import base64
import contextlib
import hashlib
import uuid

import msgspec
import pytest

from domain.errors import NotAuthorised
from ledger import canonical
from ledger.court.keys import SigningKey
from ledger.envelope import ZERO_HASH, Entry, SignedAct, entry_hash
from ledger.errors import (
    ActorMismatch,
    BadSignature,
    ClockSkew,
    KeyNotYetValid,
    KeyRevoked,
    MalformedEnvelope,
    NonceReused,
    UnknownKey,
    VersionConflict,
    WrongLog,
)
from ledger.ledger import AlreadyInitialised, entries, initialise
from ledger.writer import Writer
from tests.conftest import ORIGIN, LedgerFixture


def test_acts_are_chained_per_stream(ledger: LedgerFixture) -> None:
    officer = ledger.register("officer/3201-0007")
    case = str(uuid.uuid4())
    first = ledger.lead(officer, case)
    second = ledger.note(officer, case, 1)
    assert (first.version, second.version) == (1, 2)
    e1 = canonical.decode(first.entry, Entry)
    e2 = canonical.decode(second.entry, Entry)
    assert e1.prev == ZERO_HASH and e2.prev == entry_hash(first.entry)
    assert first.entry_hash == hashlib.sha256(b"\x00" + first.entry).digest()
    stored = list(entries(ledger.store, stream=case))
    assert [s.entry_bytes for s in stored] == [first.entry, second.entry]
    # The envelope is stored verbatim and its digest is in the entry.
    assert e2.act_digest == hashlib.sha256(stored[1].envelope).digest()
    assert second.position > first.position


def _refused(ledger: LedgerFixture, envelope: bytes, error: type[Exception]) -> Exception:
    before = ledger.store.position()
    nonce = None
    with contextlib.suppress(Exception):
        nonce = msgspec.json.decode(base64.b64decode(msgspec.json.decode(envelope)["act"]))["nonce"]
    with pytest.raises(error) as info:
        ledger.writer.append(envelope)
    assert ledger.store.position() == before, "a refused act must not be written"
    if nonce is not None and error is not NonceReused:
        assert not ledger.store.nonces_used([base64.b64decode(nonce)])
    return info.value


def test_unknown_key_is_refused(ledger: LedgerFixture) -> None:
    stranger = SigningKey.generate("officer/9999")
    err = _refused(ledger, ledger.act(stranger, str(uuid.uuid4()), 0, "case.note", {"text": "x"}), UnknownKey)
    assert err.status == 401 and "not registered" in str(err)


def test_revoked_key_is_refused_after_revocation_only(ledger: LedgerFixture) -> None:
    officer = ledger.register("officer/1")
    case = str(uuid.uuid4())
    ledger.lead(officer, case)
    ledger.writer.append(
        ledger.act(ledger.authority, "person:officer/1", 1, "key.revoked", {"kid": officer.kid_hex, "reason": "调离"})
    )
    _refused(ledger, ledger.act(officer, case, 1, "case.note", {"text": "x"}), KeyRevoked)


def test_key_not_yet_valid(ledger: LedgerFixture) -> None:
    later = canonical.format_timestamp(ledger.clock.now.replace(year=2027))
    officer = ledger.register("officer/2", valid_from=later)
    _refused(ledger, ledger.act(officer, str(uuid.uuid4()), 0, "case.note", {"text": "x"}), KeyNotYetValid)


def test_swapped_signature_is_refused(ledger: LedgerFixture) -> None:
    officer = ledger.register("officer/3")
    good = msgspec.json.decode(ledger.act(officer, str(uuid.uuid4()), 0, "case.note", {"text": "a"}), type=SignedAct)
    other = msgspec.json.decode(ledger.act(officer, str(uuid.uuid4()), 0, "case.note", {"text": "b"}), type=SignedAct)
    forged = canonical.encode(SignedAct(act=good.act, kid=good.kid, sig=other.sig))
    _refused(ledger, forged, BadSignature)


def test_reused_nonce_is_refused(ledger: LedgerFixture) -> None:
    officer = ledger.register("officer/4")
    nonce = bytes(range(16))
    ledger.writer.append(ledger.act(officer, str(uuid.uuid4()), 0, "lead.received", {"source": "inspection", "channel": "patrol", "summary": "s", "catalog_item": None}, nonce=nonce))
    replay = ledger.act(officer, str(uuid.uuid4()), 0, "lead.received", {"source": "inspection", "channel": "patrol", "summary": "s", "catalog_item": None}, nonce=nonce)
    err = _refused(ledger, replay, NonceReused)
    assert err.status == 409


def test_stale_version_is_a_conflict(ledger: LedgerFixture) -> None:
    officer = ledger.register("officer/5")
    case = str(uuid.uuid4())
    ledger.lead(officer, case)
    ledger.note(officer, case, 1)
    err = _refused(ledger, ledger.act(officer, case, 1, "case.note", {"text": "late"}), VersionConflict)
    assert err.status == 409 and "version 2" in str(err)
    _refused(ledger, ledger.act(officer, case, 7, "case.note", {"text": "ahead"}), VersionConflict)


def test_wrong_log_clock_skew_actor_and_garbage(ledger: LedgerFixture) -> None:
    officer = ledger.register("officer/6")
    case = str(uuid.uuid4())
    _refused(ledger, ledger.act(officer, case, 0, "case.note", {"text": "x"}, log="other.example/log"), WrongLog)
    skewed = ledger.clock.now.replace(hour=ledger.clock.now.hour + 1)
    _refused(ledger, ledger.act(officer, case, 0, "case.note", {"text": "x"}, claimed_at=skewed), ClockSkew)
    _refused(ledger, ledger.act(officer, case, 0, "case.note", {"text": "x"}, actor="officer/7"), ActorMismatch)
    _refused(ledger, b'{"act":"e30=","kid":"00000000","sig":""}', MalformedEnvelope)
    envelope = ledger.act(officer, case, 0, "case.note", {"text": "x"})
    _refused(ledger, envelope.replace(b'{"act"', b'{ "act"'), MalformedEnvelope)  # not canonical


def test_keys_are_registered_only_by_the_authority(ledger: LedgerFixture) -> None:
    officer = ledger.register("officer/8")
    rogue = SigningKey.generate("officer/rogue")
    err = _refused(
        ledger,
        ledger.act(officer, "person:officer/rogue", 0, "key.registered", {"vkey": rogue.verifier.text, "role": "officer", "agency": None, "valid_from": None}),
        NotAuthorised,
    )
    assert err.status == 403


def test_group_commit_isolates_refusals(ledger: LedgerFixture) -> None:
    officer = ledger.register("officer/9")
    case = str(uuid.uuid4())
    ledger.lead(officer, case)
    group = [
        ledger.act(officer, case, 1, "case.note", {"text": "a"}),
        ledger.act(officer, case, 1, "case.note", {"text": "conflicting"}),  # same version: refused alone
        ledger.act(officer, case, 2, "case.note", {"text": "b"}),  # follows the first of the group
    ]
    results = ledger.writer.append_group(group)
    assert [type(r).__name__ for r in results] == ["Receipt", "VersionConflict", "Receipt"]
    assert [e.version for e in entries(ledger.store, stream=case)] == [1, 2, 3]


def test_queued_writer_commits_in_groups(ledger: LedgerFixture) -> None:
    officer = ledger.register("officer/10")
    cases = [str(uuid.uuid4()) for _ in range(50)]
    futures = [ledger.writer.submit(ledger.act(officer, c, 0, "case.note", {"text": "x"})) for c in cases]
    # case.note on a new case is refused by the domain (a case starts with a lead): every future fails alone
    assert all(f.exception(timeout=30) is not None for f in futures)
    leads = [ledger.writer.submit(ledger.act(officer, c, 0, "lead.received", {"source": "complaint", "channel": "12345", "summary": "s", "catalog_item": None})) for c in cases]
    assert sorted(f.result(timeout=30).stream for f in leads) == sorted(cases)


def test_the_queued_writer_settles_asyncio_futures_on_their_loop(ledger: LedgerFixture) -> None:
    """``submit_async`` (the web service's path): receipts and refusals arrive on the caller's loop, a group at a
    time, and a caller that stopped waiting is skipped while its act is still appended."""
    import asyncio

    officer = ledger.register("officer/12")
    cases = [str(uuid.uuid4()) for _ in range(20)]
    lead = {"source": "complaint", "channel": "12345", "summary": "s", "catalog_item": None}

    async def run() -> tuple[list[object], str]:
        loop = asyncio.get_running_loop()
        leads = [ledger.writer.submit_async(ledger.act(officer, c, 0, "lead.received", lead)) for c in cases[:-1]]
        refused = ledger.writer.submit_async(ledger.act(officer, cases[0], 0, "case.note", {"text": "x"}))  # v0 again
        abandoned = ledger.writer.submit_async(ledger.act(officer, cases[-1], 0, "lead.received", lead))
        abandoned.cancel()
        results = await asyncio.gather(*leads, refused, return_exceptions=True)
        assert all(f.get_loop() is loop for f in leads)
        await asyncio.sleep(0.2)
        return list(results), cases[-1]

    results, last = asyncio.run(run())
    assert sorted(r.stream for r in results[:-1]) == sorted(cases[:-1])  # type: ignore[attr-defined]
    assert isinstance(results[-1], Exception) and type(results[-1]).__name__ == "VersionConflict"
    assert ledger.writer.submit(ledger.act(officer, last, 1, "case.note", {"text": "after"})).result(timeout=30).version == 2


def test_initialise_twice_is_refused(ledger: LedgerFixture) -> None:
    with pytest.raises(AlreadyInitialised):
        initialise(
            ledger.store, origin=ORIGIN, log_key=SigningKey.generate(ORIGIN), authority_key=SigningKey.generate("a/b")
        )


def test_a_second_writer_sees_the_first_writers_acts(ledger: LedgerFixture) -> None:
    officer = ledger.register("officer/11")
    case = str(uuid.uuid4())
    ledger.lead(officer, case)
    other = Writer(ledger.store, clock=ledger.clock)
    assert other.append(ledger.act(officer, case, 1, "case.note", {"text": "from the other writer"})).version == 2
    # the first writer is now behind; it catches up instead of forking
    with pytest.raises(VersionConflict):
        ledger.writer.append(ledger.act(officer, case, 1, "case.note", {"text": "stale"}))
    assert ledger.writer.append(ledger.act(officer, case, 2, "case.note", {"text": "fresh"})).version == 3
