"""Polling through Telegram's bad moments: 401s that pass and 5xx answers are waited out, a
token refused again and again stops the bot, and a malformed update is skipped, not stuck."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot.app import build_application
from bot.config import Settings
from bot.deps import Deps
from bot.playground.server import FakeBotApi
from bot.polling import Poller
from bot.startup import TokenRevoked
from scheduler.clock import FakeClock
from storage.db import create_engine, session_factory
from storage.migrate import upgrade_async
from tests.bot.e2e.harness import START
from tests.bot.e2e.steps import read_until

FAST = {"first_backoff": 0.05, "max_backoff": 0.2, "long_poll": 0.5}


@pytest.fixture
async def bot(tmp_path: Path) -> AsyncIterator[tuple[FakeBotApi, Any]]:
    """The real application, started but not yet polling, against the stand-in."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'bot.sqlite3'}"
    await upgrade_async(url)
    engine = create_engine(url)
    async with FakeBotApi() as api:
        settings = Settings.from_mapping({"TELEGRAM_API_URL": api.root_url, "DATABASE_URL": url})
        deps = Deps(sessions=session_factory(engine), clock=FakeClock(START), settings=settings)
        app = build_application(api.token, deps)
        await app.initialize()
        await app.start()
        try:
            yield api, app
        finally:
            if app.running:
                await app.stop()
            await app.shutdown()
            await engine.dispose()


async def test_polling_waits_out_401s_and_bad_gateways_then_answers(
    bot: tuple[FakeBotApi, Any], caplog: pytest.LogCaptureFixture
) -> None:
    api, app = bot
    stopped = asyncio.Event()
    api.fail_next("getUpdates", 3, status=401, description="Unauthorized")
    api.fail_next("getUpdates", 2, status=502, description="Bad Gateway")
    person = api.user(user_id=601)

    async with Poller(app, on_revoked=stopped.set, revoked_after=5, **FAST).polling():
        await person.send("/help")
        await read_until(person, "/triage")

    assert not stopped.is_set()
    assert "Telegram refused the token (3 of 5" in caplog.text
    assert "getUpdates failed (NetworkError); polling again in" in caplog.text


async def test_a_token_refused_every_time_stops_polling_as_revoked(
    bot: tuple[FakeBotApi, Any],
) -> None:
    api, app = bot
    stopped = asyncio.Event()

    with pytest.raises(TokenRevoked):
        async with Poller(app, on_revoked=stopped.set, revoked_after=3, **FAST).polling():
            api.token = "999:" + "Z" * 35  # Telegram no longer knows the bot's token
            await asyncio.wait_for(stopped.wait(), 5)

    assert not app.running


async def test_a_malformed_update_is_skipped_and_the_next_one_answered(
    bot: tuple[FakeBotApi, Any],
) -> None:
    api, app = bot
    person = api.user(user_id=602)
    api.deliver("message", {"message_id": "x", "date": 2**40, "chat": {"id": 602}})

    async with Poller(app, on_revoked=lambda: None, **FAST).polling():
        await person.send("/help")
        await read_until(person, "/triage")

    assert api.pending_updates() == 0
