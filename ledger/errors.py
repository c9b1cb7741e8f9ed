"""Errors of the write side: identity, form, replay and concurrency refusals (rendered like every Refusal)."""

from __future__ import annotations

from domain.errors import Refusal


class LedgerError(Refusal):
    code = "ledger-error"
    title = "账本拒绝写入"
    title_en = "The ledger refused the act"
    status = 400


class MalformedEnvelope(LedgerError):
    code = "malformed-envelope"
    title = "签名行为格式错误"
    title_en = "The signed act is malformed or not canonical"
    status = 400


class WrongLog(LedgerError):
    code = "wrong-log"
    title = "行为不属于本账本"
    title_en = "The act names another ledger"
    status = 422


class ClockSkew(LedgerError):
    code = "clock-skew"
    title = "行为时间与服务器时间相差过大"
    title_en = "claimed_at differs from server time by more than the allowed skew"
    status = 422


class UnknownKey(LedgerError):
    code = "unknown-key"
    title = "签名密钥未登记"
    title_en = "The signing key is not registered"
    status = 401


class KeyRevoked(LedgerError):
    code = "key-revoked"
    title = "签名密钥已被吊销"
    title_en = "The signing key was revoked"
    status = 401


class KeyNotYetValid(LedgerError):
    code = "key-not-yet-valid"
    title = "签名密钥尚未生效"
    title_en = "The signing key is not valid yet"
    status = 401


class BadSignature(LedgerError):
    code = "bad-signature"
    title = "签名无效"
    title_en = "The signature does not verify"
    status = 401


class ActorMismatch(LedgerError):
    code = "actor-mismatch"
    title = "签名人与行为人不符"
    title_en = "The key is not registered to the act's actor"
    status = 403


class NonceReused(LedgerError):
    code = "nonce-reused"
    title = "随机数已被使用（重放）"
    title_en = "The nonce was used before (replay)"
    status = 409


class VersionConflict(LedgerError):
    code = "version-conflict"
    title = "案件版本已变化"
    title_en = "The case is not at the version the act expects"
    status = 409


class StreamNotFound(LedgerError):
    code = "not-found"
    title = "案件或记录不存在"
    title_en = "No such case or stream"
    status = 404


class LedgerNotInitialised(LedgerError):
    code = "not-initialised"
    title = "账本尚未初始化"
    title_en = "The ledger has not been initialised (run zhifa init)"
    status = 503
