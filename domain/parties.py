"""The party (当事人): a natural person, an organisation, or a sole trader (个体工商户) named by its USCC.

For the law's money thresholds a sole trader counts as a citizen (公民): 《民法典》第五十四条 makes a registered
individual business a natural person, so the 200-yuan simple-procedure cap and the natural-person hearing
threshold apply to it. Organisations and sole traders must carry a valid unified social credit code; public views
show a sole trader by business name and USCC, never by the operator's ID number.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

import msgspec

from domain.acts import Text
from domain.errors import MalformedAct
from domain.refusals import InvalidUscc
from domain.uscc import is_valid_uscc

PartyKind = Literal["natural_person", "organisation", "sole_trader"]


class Party(msgspec.Struct, forbid_unknown_fields=True, kw_only=True, frozen=True):
    """Who the case is against. ``person`` is the party's own signing identity when it holds a registered key."""

    kind: PartyKind
    name: Text
    uscc: str | None = None
    id_number: str | None = None
    person: str | None = None
    address: str | None = None
    birth_date: dt.date | None = None  # a natural person's; else read from an 18-digit ID number (APL Art 30)


def check_party(party: Party) -> Party:
    """Refuse a party whose identifiers do not fit its kind (USCC check digit included)."""
    if party.kind in ("organisation", "sole_trader"):
        if party.uscc is None:
            raise MalformedAct(f"a {party.kind} party is named by its unified social credit code")
        if not is_valid_uscc(party.uscc):
            raise InvalidUscc(f"{party.uscc!r} is not a valid unified social credit code")
    elif party.uscc is not None and not is_valid_uscc(party.uscc):
        raise InvalidUscc(f"{party.uscc!r} is not a valid unified social credit code")
    if party.birth_date is not None and party.kind != "natural_person":
        raise MalformedAct(f"a {party.kind} party has no date of birth")
    return party


def birth_date_of(party: Party | None) -> dt.date | None:
    """A natural person's date of birth: as stated, else digits 7–14 of an 18-digit resident ID number (GB 11643)."""
    if party is None or party.kind != "natural_person":
        return None
    if party.birth_date is not None:
        return party.birth_date
    number = (party.id_number or "").strip()
    if len(number) == 18 and number[:17].isdigit():
        try:
            return dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
        except ValueError:
            return None
    return None


def age_on(party: Party | None, day: dt.date) -> int | None:
    """Full years of a natural person's age on ``day`` (None when the date of birth is unknown)."""
    born = birth_date_of(party)
    if born is None:
        return None
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def is_citizen(party: Party) -> bool:
    """公民 for the money thresholds: a natural person or a sole trader (《民法典》第五十四条)."""
    return party.kind in ("natural_person", "sole_trader")
