"""Several webhook replicas on one database: an update retried to two replicas at once is
processed once, a crashed replica's claim is taken over after its lease, a transient database
failure asks Telegram to retry, and a tap whose query is too old still does its work."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from dataclasses import dataclass

import pytest
from aiohttp import web

from bot.app import build_application
from bot.config import Settings
from bot.deps import Deps
from bot.playground.server import FakeBotApi
from bot.webhook import PATH, webhook_app
from scheduler.clock import FakeClock
from storage.db import create_engine, session_factory
from storage.updates import Claim, ProcessedUpdateRepository
from tests.bot.e2e.harness import START
from tests.bot.e2e.test_webhook import SECRET, post, start_update

INTRO = "I help with muscle twitches"


@dataclass
class Replicas:
    api: FakeBotApi
    urls: list[str]
    deps: list[Deps]
    clock: FakeClock

    def intros(self, user_id: int = 601) -> int:
        return sum(INTRO in (m.text or "") for m in self.api.messages(user_id))


async def start_replicas(
    stack: AsyncExitStack, api: FakeBotApi, url: str, n: int, secret: str = SECRET
) -> Replicas:
    clock = FakeClock(START)
    settings = Settings.from_mapping({"TELEGRAM_API_URL": api.root_url, "DATABASE_URL": url})
    urls, all_deps = [], []
    for index in range(n):
        engine = create_engine(url)
        stack.push_async_callback(engine.dispose)
        deps = Deps(sessions=session_factory(engine), clock=clock, settings=settings)
        app = build_application(api.token, deps)
        await stack.enter_async_context(app)
        runner = web.AppRunner(webhook_app(app, deps, secret, owner=f"replica-{index}"))
        await runner.setup()
        stack.push_async_callback(runner.cleanup)
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        urls.append(f"http://127.0.0.1:{port}{PATH}")
        all_deps.append(deps)
    api.user(user_id=601, first_name="Sam")
    return Replicas(api, urls, all_deps, clock)


@pytest.fixture
async def replicas(database_url: str) -> AsyncIterator[Replicas]:
    async with FakeBotApi() as api, AsyncExitStack() as stack:
        yield await start_replicas(stack, api, database_url, 2)


async def until_accepted(url: str, body: dict[str, object]) -> list[int]:
    """Posts like Telegram: again after a short pause while the answer is not 200."""
    statuses = [await post(url, body)]
    while statuses[-1] != 200 and len(statuses) < 50:
        await asyncio.sleep(0.1)
        statuses.append(await post(url, body))
    return statuses


async def test_one_update_posted_to_two_replicas_at_the_same_moment_is_processed_once(
    replicas: Replicas,
) -> None:
    for update_id in range(1, 6):
        first, second = await asyncio.gather(
            until_accepted(replicas.urls[0], start_update(update_id)),
            until_accepted(replicas.urls[1], start_update(update_id)),
        )
        assert first[-1] == second[-1] == 200
        assert set(first + second) <= {200, 503}
    assert replicas.intros() == 5


async def test_a_replica_finding_the_update_in_progress_answers_503(replicas: Replicas) -> None:
    async with replicas.deps[0].sessions.begin() as session:
        await ProcessedUpdateRepository(session).claim(
            40, "a-live-replica", replicas.clock.now(), dt.timedelta(seconds=60)
        )
    assert await post(replicas.urls[1], start_update(40)) == 503
    assert replicas.intros() == 0


async def test_the_retry_of_a_crashed_replicas_update_is_processed_after_the_lease(
    replicas: Replicas,
) -> None:
    async with replicas.deps[0].sessions.begin() as session:
        await ProcessedUpdateRepository(session).claim(
            41, "killed-replica", replicas.clock.now(), dt.timedelta(seconds=60)
        )
    assert await post(replicas.urls[1], start_update(41)) == 503
    replicas.clock.advance(dt.timedelta(seconds=61))
    assert await post(replicas.urls[1], start_update(41)) == 200
    assert replicas.intros() == 1
    async with replicas.deps[0].sessions.begin() as session:
        claim = await ProcessedUpdateRepository(session).claim(
            41, "late", replicas.clock.now(), dt.timedelta(seconds=60)
        )
    assert claim == Claim.DONE


async def test_a_tap_whose_query_is_too_old_to_answer_still_does_its_work(
    replicas: Replicas,
) -> None:
    assert await post(replicas.urls[0], start_update(60)) == 200
    consent = next(m for m in replicas.api.messages(601) if m.buttons)
    agree = consent.buttons[0][0].callback_data if consent.buttons else None
    tap = {
        "update_id": 61,
        "callback_query": {
            "id": "answered-by-a-replica-that-died",
            "from": {"id": 601, "is_bot": False, "first_name": "Sam", "language_code": "en"},
            "message": replicas.api.message_json(consent),
            "chat_instance": "601",
            "data": agree,
        },
    }
    before = len(replicas.api.messages(601))
    assert await post(replicas.urls[1], tap) == 200
    after = [m.text or "" for m in replicas.api.messages(601)[before:]]
    assert after, "the tap did nothing"
    assert not any("something went wrong" in text.lower() for text in after)
