"""Webhook mode: Telegram's secret-token header is checked, each update is processed before the
200, and a retried update id is not handled twice."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
from aiohttp import web

from bot.app import build_application
from bot.config import Settings
from bot.deps import Deps
from bot.playground.server import FakeBotApi
from bot.webhook import PATH, SECRET_HEADER, webhook_app
from scheduler.clock import FakeClock
from storage.db import create_engine, session_factory
from storage.migrate import upgrade_async
from tests.bot.e2e.harness import START

SECRET = "a-long-webhook-secret-123"


def start_update(update_id: int, user_id: int = 601) -> dict[str, object]:
    return {
        "update_id": update_id,
        "message": {
            "message_id": update_id,
            "date": 1_790_000_000,
            "chat": {"id": user_id, "type": "private", "first_name": "Sam"},
            "from": {"id": user_id, "is_bot": False, "first_name": "Sam", "language_code": "en"},
            "text": "/start",
            "entities": [{"type": "bot_command", "offset": 0, "length": 6}],
        },
    }


@pytest.fixture
async def endpoint(tmp_path: Path) -> AsyncIterator[tuple[str, FakeBotApi]]:
    url = f"sqlite+aiosqlite:///{tmp_path / 'bot.sqlite3'}"
    await upgrade_async(url)
    async with FakeBotApi() as api:
        engine = create_engine(url)
        settings = Settings.from_mapping({"TELEGRAM_API_URL": api.root_url, "DATABASE_URL": url})
        deps = Deps(sessions=session_factory(engine), clock=FakeClock(START), settings=settings)
        app = build_application(api.token, deps)
        async with app:
            runner = web.AppRunner(webhook_app(app, deps, SECRET))
            await runner.setup()
            site = web.TCPSite(runner, "127.0.0.1", 0)
            await site.start()
            port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
            api.user(user_id=601, first_name="Sam")  # the chat exists on Telegram's side
            try:
                yield f"http://127.0.0.1:{port}{PATH}", api
            finally:
                await runner.cleanup()
        await engine.dispose()


async def post(url: str, body: object, secret: str = SECRET) -> int:
    headers = {SECRET_HEADER: secret}
    async with (
        aiohttp.ClientSession() as client,
        client.post(url, json=body, headers=headers) as response,
    ):
        return response.status


async def test_an_update_is_answered_only_after_the_bot_has_replied(
    endpoint: tuple[str, FakeBotApi],
) -> None:
    url, api = endpoint
    assert await post(url, start_update(1)) == 200
    sent = [m.text or "" for m in api.messages(601)]
    assert any("I help with muscle twitches" in text for text in sent)


async def test_a_call_without_the_secret_token_is_refused_and_not_processed(
    endpoint: tuple[str, FakeBotApi],
) -> None:
    url, api = endpoint
    assert await post(url, start_update(2), secret="wrong-secret-wrong-secret") == 401
    assert api.messages(601) == []


async def test_a_retried_update_id_is_processed_once(endpoint: tuple[str, FakeBotApi]) -> None:
    url, api = endpoint
    assert await post(url, start_update(3)) == 200
    first = len(api.messages(601))
    assert await post(url, start_update(3)) == 200
    assert len(api.messages(601)) == first


async def test_a_body_that_is_not_an_update_gets_400(endpoint: tuple[str, FakeBotApi]) -> None:
    url, _ = endpoint
    assert await post(url, ["not", "an", "update"]) == 400
