"""Secrets out of text: URLs shown with their password hidden, and known secrets replaced.

The log record factory (`bot.logsetup`) and the start-up error line (`bot.startup`) both pass
text through `scrub`, so a token inside an exception message or a traceback never reaches the
output.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import TYPE_CHECKING
from urllib.parse import urlsplit, urlunsplit

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

if TYPE_CHECKING:
    from bot.config import Settings

REDACTED = "[redacted]"


def scrub(text: str, secrets: Iterable[str]) -> str:
    """`text` with each of `secrets` replaced; longest first, so a secret that contains
    another is hidden whole."""
    for secret in sorted((s for s in secrets if s), key=len, reverse=True):
        text = text.replace(secret, REDACTED)
    return text


def database_url_for_logs(url: str) -> str:
    """A database URL with its password shown as ***."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return REDACTED


def api_url_for_logs(url: str) -> str:
    """A Bot API URL with any user and password dropped and any `/bot<token>` path hidden."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    path = parts.path
    if "/bot" in path:
        path = path[: path.index("/bot")] + "/bot" + REDACTED
    return urlunsplit((parts.scheme, host, path, "", ""))


_FORMATTER = logging.Formatter()


def scrub_traceback(record: logging.LogRecord, secrets: Iterable[str]) -> None:
    """Formats `record`'s traceback and stack now, with `secrets` replaced, so every handler
    prints the scrubbed text (a formatter uses `exc_text` when it is already set)."""
    if record.exc_info and record.exc_info[0] is not None and not record.exc_text:
        record.exc_text = scrub(_FORMATTER.formatException(record.exc_info), secrets)
    if record.stack_info:
        record.stack_info = scrub(record.stack_info, secrets)


def describe(settings: Settings) -> str:
    """Where the bot talks to, for the start-up log line, with no secret in it."""
    api = api_url_for_logs(settings.telegram_api_url)
    return f"Bot API {api}, database {database_url_for_logs(settings.database_url)}"
