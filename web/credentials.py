"""Credentials for the supervisory and case APIs: bearer tokens and per-case access codes (stored hashed), and the
access log of reads of non-public data (who, what, when).

Officers write only through signed acts; a token only lets a registered person *read* what their role may read. A
token is shown once when issued and only its SHA-256 is kept, so a copy of the database gives no usable credential.
A party's access code opens one case's bundle and nothing else.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from domain.registry import Registry
from ledger import canonical
from ledger.store import Store

TOKEN_PREFIX = "zt_"
ACCESS_CODE_PREFIX = "zc_"

# Who may hold a token. Courts and reconsideration bodies are outside the personnel registry (they receive
# bundles, they do not sign acts), so a "court" token is issued to a named body without a registry role.
STAFF_ROLES = ("officer", "legal_reviewer", "agency_head", "supervisor")
EXTERNAL_ROLES = ("court",)
TOKEN_ROLES = (*STAFF_ROLES, "party", *EXTERNAL_ROLES)


@dataclass(frozen=True)
class Identity:
    """Who a request speaks for: a person (or an external body) and the role the credential was issued for."""

    person: str
    role: str
    case: str | None = None  # set for a per-case access code: the only case it opens


def _digest(secret: str) -> bytes:
    return hashlib.sha256(secret.encode()).digest()


def _now() -> str:
    return canonical.format_timestamp(dt.datetime.now(dt.UTC))


def holds_role(registry: Registry, person: str, role: str) -> bool:
    """The person is registered with that role: an active key registered for it, or the role assigned to the
    person's record and not withdrawn. External bodies (courts) hold their role by the credential alone."""
    if role in EXTERNAL_ROLES:
        return True
    if any(k.active and k.role == role for k in registry.keys_of(person)):
        return True
    record = registry.persons.get(person)
    return record is not None and not record.exited and role in record.assigned_roles - record.withdrawn_roles


class Credentials:
    """Token, access-code and access-log tables in the ledger's database."""

    def __init__(self, store: Store) -> None:
        self.store = store
        b = store.db.blob
        with store.db.write() as cur:
            cur.execute(
                f"CREATE TABLE IF NOT EXISTS zhifa_tokens (digest {b} PRIMARY KEY, person TEXT NOT NULL, "
                "role TEXT NOT NULL, created_at TEXT NOT NULL, revoked_at TEXT)"
            )
            cur.execute(
                f"CREATE TABLE IF NOT EXISTS zhifa_access_codes (digest {b} PRIMARY KEY, case_id TEXT NOT NULL, "
                "issued_by TEXT NOT NULL, created_at TEXT NOT NULL, revoked_at TEXT)"
            )
            cur.execute(
                "CREATE TABLE IF NOT EXISTS zhifa_access_log (at TEXT NOT NULL, person TEXT NOT NULL, role TEXT NOT NULL, "
                "action TEXT NOT NULL, subject TEXT NOT NULL)"
            )

    # -- tokens -------------------------------------------------------------------------------------------
    def issue_token(self, person: str, role: str) -> str:
        if role not in TOKEN_ROLES:
            raise ValueError(f"role must be one of {', '.join(TOKEN_ROLES)}")
        token = TOKEN_PREFIX + secrets.token_urlsafe(32)
        with self.store.db.write() as cur:
            cur.execute(
                "INSERT INTO zhifa_tokens (digest, person, role, created_at) VALUES (?,?,?,?)",
                (_digest(token), person, role, _now()),
            )
        return token

    def revoke_token(self, token: str | None = None, *, person: str | None = None) -> int:
        """Revoke one token (by its text) or every token of a person; the number revoked."""
        with self.store.db.write() as cur:
            if token is not None:
                cur.execute("UPDATE zhifa_tokens SET revoked_at=? WHERE digest=? AND revoked_at IS NULL", (_now(), _digest(token)))
            else:
                cur.execute("UPDATE zhifa_tokens SET revoked_at=? WHERE person=? AND revoked_at IS NULL", (_now(), person))
            return int(cur.raw.rowcount)

    def token_identity(self, token: str) -> Identity | None:
        with self.store.db.read() as cur:
            row = cur.execute(
                "SELECT person, role FROM zhifa_tokens WHERE digest=? AND revoked_at IS NULL", (_digest(token),)
            ).fetchone()
        return None if row is None else Identity(str(row[0]), str(row[1]))

    # -- per-case access codes ----------------------------------------------------------------------------
    def issue_access_code(self, case_id: str, issued_by: str) -> str:
        code = ACCESS_CODE_PREFIX + secrets.token_urlsafe(24)
        with self.store.db.write() as cur:
            cur.execute(
                "INSERT INTO zhifa_access_codes (digest, case_id, issued_by, created_at) VALUES (?,?,?,?)",
                (_digest(code), case_id, issued_by, _now()),
            )
        return code

    def access_code_case(self, code: str) -> str | None:
        with self.store.db.read() as cur:
            row = cur.execute(
                "SELECT case_id FROM zhifa_access_codes WHERE digest=? AND revoked_at IS NULL", (_digest(code),)
            ).fetchone()
        return None if row is None else str(row[0])

    # -- access log -------------------------------------------------------------------------------------------
    def record_access(self, who: Identity, action: str, subject: str) -> None:
        with self.store.db.write() as cur:
            cur.execute(
                "INSERT INTO zhifa_access_log (at, person, role, action, subject) VALUES (?,?,?,?,?)",
                (_now(), who.person, who.role, action, subject),
            )

    def access_log(self, limit: int = 1000) -> list[tuple[str, str, str, str, str]]:
        with self.store.db.read() as cur:
            rows = cur.execute(
                "SELECT at, person, role, action, subject FROM zhifa_access_log ORDER BY at DESC LIMIT ?", (limit,)
            ).fetchall()
        return [(str(r[0]), str(r[1]), str(r[2]), str(r[3]), str(r[4])) for r in rows]
