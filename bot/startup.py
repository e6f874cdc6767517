"""Starting honestly: refuse to take updates the bot cannot handle, and say why in one line.

Before any update is taken off Telegram the database must answer and carry the newest
schema; the Bot API must accept the token. Each failure ends the process with one plain
line (no traceback, no secret) and an exit status a supervisor can act on:

    StartupError             exit 1: something outside the bot is not ready yet
    ├── DatabaseNotReady     unreachable, refused, or an old schema
    └── TokenRevoked         exit 2: Telegram refuses the token; restarting will not help
"""

from __future__ import annotations

import asyncio
import logging
import sys
import traceback
from collections.abc import Coroutine
from types import TracebackType
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine
from telegram.error import InvalidToken, TelegramError

from bot.config import Settings
from bot.redaction import api_url_for_logs, database_url_for_logs, describe, scrub
from storage.migrate import head_revision, stamped_revisions, upgrade

log = logging.getLogger(__name__)

FAILED = 1
REFUSED = 2


class StartupError(Exception):
    """The bot cannot serve; the message is one plain line without secrets."""

    status = FAILED


class DatabaseNotReady(StartupError):
    """The database does not answer, or its schema is not the newest."""


class TokenRevoked(StartupError):
    """Telegram says the token is not (or no longer) valid."""

    status = REFUSED


async def require_database(engine: AsyncEngine, url: str) -> None:
    """Raises DatabaseNotReady unless the database answers with the newest schema."""
    shown = database_url_for_logs(url)
    try:
        async with engine.connect() as connection:
            stamped = await stamped_revisions(connection)
    except Exception as exc:  # any failure to reach it means the same: not ready
        raise DatabaseNotReady(
            f"the database {shown} cannot be reached ({type(exc).__name__})"
        ) from None
    head = head_revision()
    if stamped != {head}:
        current = ", ".join(sorted(stamped)) or "none"
        raise DatabaseNotReady(
            f"the database {shown} has schema {current}, not {head}: "
            "run `python -m bot migrate` first"
        )


def token_refusal(error: InvalidToken, settings: Settings) -> TokenRevoked:
    """The one line for a start-up check Telegram refused: 401 (token) or 404 (URL)."""
    if "not found" in _innermost(error).lower():
        return TokenRevoked(
            f"the Bot API at {api_url_for_logs(settings.telegram_api_url)} answered 404 Not "
            "Found: check TELEGRAM_API_URL and the shape of TELEGRAM_BOT_TOKEN"
        )
    return TokenRevoked(
        "Telegram refused TELEGRAM_BOT_TOKEN (401 Unauthorized): it was revoked or "
        "mistyped; get the current one from @BotFather"
    )


def _innermost(error: BaseException) -> str:
    while error.__cause__ is not None:
        error = error.__cause__
    return str(error)


def run(serving: Coroutine[Any, Any, None], settings: Settings) -> int:
    """Runs `serving` to the end; returns the exit status, printing one line on failure."""
    log.info("starting; %s", describe(settings))
    try:
        asyncio.run(serving)
    except InvalidToken as exc:
        return _fail(token_refusal(exc, settings), settings)
    except StartupError as exc:
        return _fail(exc, settings)
    except TelegramError as exc:
        shown = api_url_for_logs(settings.telegram_api_url)
        return _fail(StartupError(f"the Bot API at {shown} failed: {exc}"), settings)
    return 0


def migrate(settings: Settings) -> int:
    """`python -m bot migrate`: the newest schema, or one line saying why not."""
    try:
        upgrade(settings.database_url)
    except Exception as exc:  # any failure here means the same: the schema was not changed
        shown = database_url_for_logs(settings.database_url)
        return _fail(DatabaseNotReady(f"migrating {shown} failed ({type(exc).__name__})"), settings)
    print("Database is up to date.")
    return 0


def scrub_uncaught(secrets: list[str]) -> None:
    """Any traceback Python itself prints from now on has `secrets` replaced."""

    def excepthook(
        kind: type[BaseException], error: BaseException, trace: TracebackType | None
    ) -> None:
        text = "".join(traceback.format_exception(kind, error, trace))
        print(scrub(text, secrets), file=sys.stderr, end="")

    sys.excepthook = excepthook


def _fail(error: StartupError, settings: Settings) -> int:
    print(f"Cannot run: {scrub(str(error), settings.secrets)}", file=sys.stderr)
    return error.status
