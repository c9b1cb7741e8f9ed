"""Structured JSON logs: one JSON object per line (time, level, logger, message, and request fields); the request
log lines themselves are written by :class:`web.observe.ObserveRequests`."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

import msgspec

_encoder = msgspec.json.Encoder()
_STANDARD = set(logging.LogRecord("", 0, "", 0, "", (), None).__dict__) | {"message", "asctime"}

request_logger = logging.getLogger("zhifa.http")
FIELDS = "_fields"  # a record's own JSON fields, set by log_fields (the formatter need not sift its attributes)


def log_fields(logger: logging.Logger, message: str, fields: dict[str, str | int | float | bool | None]) -> None:
    """Log ``message`` at INFO with ``fields`` as top-level JSON keys — the line ``logger.info(message,
    extra=fields)`` gives, at a third of the cost: no caller lookup (the request log's caller is always the
    middleware) and no scan of the record's attributes by :class:`JsonFormatter`. Call it when INFO is enabled."""
    record = logger.makeRecord(logger.name, logging.INFO, "", 0, message, (), None, extra=fields)
    record.__dict__[FIELDS] = fields
    logger.handle(record)


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        out: dict[str, Any] = {
            "time": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(timespec="microseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        fields = record.__dict__.get(FIELDS)
        if fields is not None and not record.exc_info:
            out.update(fields)
            return _encoder.encode(out).decode()
        for key, value in record.__dict__.items():
            if key not in _STANDARD and not key.startswith("_"):
                out[key] = value if isinstance(value, str | int | float | bool | type(None)) else repr(value)
        if record.exc_info:
            out["exception"] = self.formatException(record.exc_info)
        return _encoder.encode(out).decode()
