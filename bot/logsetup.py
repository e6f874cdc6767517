"""Logging set-up: ids only, and secrets redacted.

HTTP clients may log request URLs, and Bot API URLs contain the token, so httpx and aiohttp's
client are quietened to WARNING, and every log record, from any logger and for any handler,
has each known secret replaced as the record is made (a record factory, so handlers added
later are covered too).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Callable, Iterable
from typing import Any

from bot.redaction import REDACTED, scrub, scrub_traceback

__all__ = ["REDACTED", "configure_logging", "protect", "redact"]
_secrets: set[str] = set()
_base_factory: Callable[..., logging.LogRecord] | None = None


def _redacting_factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
    assert _base_factory is not None
    record = _base_factory(*args, **kwargs)
    if _secrets:
        scrub_traceback(record, _secrets)
        try:
            message = record.getMessage()
        except (TypeError, ValueError):
            return record
        scrubbed = scrub(message, _secrets)
        if scrubbed != message:
            record.msg, record.args = scrubbed, None
    return record


def redact(secrets: Iterable[str]) -> None:
    """From now on, no log record carries any of `secrets`."""
    global _base_factory
    _secrets.update(secret for secret in secrets if secret)
    if _base_factory is None:
        _base_factory = logging.getLogRecordFactory()
        logging.setLogRecordFactory(_redacting_factory)


QUIET = {
    # Request URLs carry the token.
    "httpx": logging.WARNING,
    "httpcore": logging.WARNING,
    "aiohttp.access": logging.WARNING,
    "aiohttp.client": logging.WARNING,
    "apscheduler": logging.WARNING,
    # These DEBUG lines dump every update and message (PTB) or every SQL parameter
    # (aiosqlite, SQLAlchemy): health data.
    "telegram": logging.INFO,
    "aiosqlite": logging.INFO,
    "sqlalchemy": logging.WARNING,
}


def protect(secrets: Iterable[str]) -> None:
    """Redacts `secrets` and keeps the libraries that log content below DEBUG, whatever
    LOG_LEVEL says."""
    redact(secrets)
    for name, level in QUIET.items():
        logging.getLogger(name).setLevel(level)


class JsonFormatter(logging.Formatter):
    """One JSON object a line (LOG_FORMAT=json). The message is the already-redacted one; an
    exception is named by its class only, since its text and traceback can carry what a
    person wrote or a statement's parameters."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info and record.exc_info[0] is not None:
            entry["error"] = record.exc_info[0].__name__
        return json.dumps(entry, ensure_ascii=False)


def configure_logging(level: str, secrets: Iterable[str], fmt: str = "text") -> None:
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    if fmt == "json":
        for handler in logging.getLogger().handlers:
            handler.setFormatter(JsonFormatter())
    protect(secrets)
