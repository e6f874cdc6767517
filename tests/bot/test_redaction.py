"""Secrets never reach a log line, a traceback or a shown URL."""

from __future__ import annotations

import io
import logging
import sys

import pytest

from bot.config import Settings
from bot.logsetup import protect
from bot.redaction import api_url_for_logs, database_url_for_logs, describe
from bot.startup import scrub_uncaught

TOKEN = "5550001:AAFtracebackTOKEN_never_shown_abcdef"
PASSWORD = "dbPasswordNeverShown"
DATABASE = f"postgresql+asyncpg://bot:{PASSWORD}@db.internal:5432/twitch"


def captured(logger: logging.Logger) -> io.StringIO:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(levelname)s %(message)s"))
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    return stream


def test_a_traceback_carrying_the_token_is_logged_without_it_at_debug() -> None:
    settings = Settings.from_mapping({"TELEGRAM_BOT_TOKEN": TOKEN, "DATABASE_URL": DATABASE})
    protect(settings.secrets)
    logger = logging.getLogger("tests.redaction.traceback")
    stream = captured(logger)

    try:
        raise RuntimeError(f"The token `{TOKEN}` was rejected; password {PASSWORD}")
    except RuntimeError:
        logger.debug("start-up check failed", exc_info=True)
        logger.exception("again, at error level")

    output = stream.getvalue()
    assert "RuntimeError" in output and "Traceback" in output
    assert TOKEN not in output and TOKEN.partition(":")[2] not in output
    assert PASSWORD not in output


def test_the_database_password_is_a_secret_and_shown_as_stars() -> None:
    settings = Settings.from_mapping({"DATABASE_URL": DATABASE})

    assert PASSWORD in settings.secrets
    assert database_url_for_logs(DATABASE) == "postgresql+asyncpg://bot:***@db.internal:5432/twitch"
    assert PASSWORD not in repr(settings)
    assert PASSWORD not in describe(settings)


def test_a_bot_api_url_is_shown_without_its_user_password_or_token_path() -> None:
    shown = api_url_for_logs(f"https://user:hunter2@api.example.org:8443/bot{TOKEN}/getMe")

    assert shown == "https://api.example.org:8443/bot[redacted]"


def test_a_traceback_python_prints_itself_has_the_secrets_replaced(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    scrub_uncaught([TOKEN])
    try:
        raise RuntimeError(f"token {TOKEN} in an error nobody caught")
    except RuntimeError as error:
        sys.excepthook(RuntimeError, error, error.__traceback__)

    printed = capsys.readouterr().err
    assert "RuntimeError: token [redacted] in an error nobody caught" in printed
    assert TOKEN not in printed
