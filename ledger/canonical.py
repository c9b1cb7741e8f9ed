"""Canonical JSON bytes (DESIGN.md, Formats): sorted keys, no whitespace, UTF-8, no floats.

Written over msgspec rather than a general JCS library because the format is exactly
``msgspec.json.encode(x, order="sorted")`` plus two refusals (floats, non-canonical input).
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from typing import Any, TypeVar

import msgspec

T = TypeVar("T")

_encoder = msgspec.json.Encoder(order="sorted")
TIMESTAMP_PATTERN = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$")


class NonCanonicalError(ValueError):
    """Input bytes are not the canonical encoding of what they decode to."""


def encode(obj: Any) -> bytes:
    """Canonical bytes of ``obj`` (Structs, dicts, lists, str, int, bool, None, bytes)."""
    _refuse_floats(obj)
    return _encoder.encode(obj)


def _no_floats(text: str) -> Any:
    raise msgspec.ValidationError("floats are not allowed in canonical bytes (money is integer fen)")


_decoders: dict[Any, msgspec.json.Decoder[Any]] = {}


def decoder(type: type[T]) -> msgspec.json.Decoder[T]:
    """The strict decoder :func:`decode` uses for ``type`` (floats refused). It checks types, not canonical form:
    a caller using it directly must compare ``ENCODER.encode(obj)`` with the input, as :func:`decode` does."""
    found = _decoders.get(type)
    if found is None:
        found = _decoders[type] = msgspec.json.Decoder(type, strict=True, float_hook=_no_floats)
    return found


ENCODER = _encoder
"""The canonical encoder, for values that cannot hold floats (decoded by :func:`decoder`): :func:`encode` without the
float walk."""


def decode(data: bytes, type: type[T]) -> T:
    """Decode ``data`` as ``type`` and refuse it unless re-encoding gives the same bytes."""
    decoder_ = decoder(type)
    try:
        obj: T = decoder_.decode(data)
    except (msgspec.ValidationError, msgspec.DecodeError) as exc:
        raise NonCanonicalError(f"malformed: {exc}") from exc
    # No floats can be in ``obj`` (the float hook refused them), so the plain encoder gives canonical bytes.
    if _encoder.encode(obj) != data:
        raise NonCanonicalError("not canonical: keys must be sorted, no whitespace, UTF-8 unescaped, no floats")
    return obj


def _refuse_floats(obj: Any) -> None:
    if isinstance(obj, float):
        raise TypeError("floats are not allowed in canonical bytes (money is integer fen)")
    if isinstance(obj, dict):
        for value in obj.values():
            _refuse_floats(value)
    elif isinstance(obj, list | tuple):
        for value in obj:
            _refuse_floats(value)
    elif isinstance(obj, msgspec.Struct):
        for field in obj.__struct_fields__:
            _refuse_floats(getattr(obj, field))


def format_timestamp(moment: dt.datetime) -> str:
    """``YYYY-MM-DDTHH:MM:SS.ffffffZ`` in UTC, always six fractional digits."""
    if moment.tzinfo is None:
        raise ValueError("timestamps must be timezone-aware")
    return _utc_text(moment)


@functools.lru_cache(maxsize=8192)
def _utc_text(moment: dt.datetime) -> str:
    """Remembered for recent moments (a projection writes a case's opening, filing, decision… times again with
    every row of it, at about 2 µs each); equal instants hash alike whatever their zone, and have one UTC text.
    isoformat, not strftime: the same text (always four year digits, six fraction digits) in a fifth of the time."""
    return moment.astimezone(dt.UTC).replace(tzinfo=None).isoformat(timespec="microseconds") + "Z"


def parse_timestamp(text: str) -> dt.datetime:
    """Inverse of :func:`format_timestamp`; refuses any other spelling."""
    if not TIMESTAMP_PATTERN.match(text):
        raise ValueError(f"timestamp {text!r} is not YYYY-MM-DDTHH:MM:SS.ffffffZ")
    try:
        return dt.datetime.fromisoformat(text)  # the pattern above admits only the one spelling; 'Z' is UTC
    except ValueError as exc:  # e.g. month 13
        raise ValueError(f"timestamp {text!r} is not a valid date and time") from exc
