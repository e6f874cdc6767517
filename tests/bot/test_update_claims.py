"""A replica keeps its claim on an update for as long as it is processing it: a duplicate
reaching another replica after the lease has run out still finds it busy, so a slow update is
processed once; only a replica that stopped renewing (a crashed one) is taken over. A failure
a retry may cure (the database refused a connection, timed out) asks Telegram to retry, with
no apology to the person."""

from __future__ import annotations

import asyncio
import datetime as dt
from contextlib import AsyncExitStack
from pathlib import Path

from aiohttp import web
from sqlalchemy import exc as sa_exc
from sqlalchemy import text

from bot.app import build_application
from bot.config import Settings
from bot.deps import Deps
from bot.playground.server import FakeBotApi
from bot.webhook import PATH, is_transient, webhook_app
from scheduler.clock import SystemClock
from storage.db import create_engine, session_factory
from storage.migrate import upgrade_async
from storage.updates import ProcessedUpdateRepository
from tests.bot.e2e.test_webhook import SECRET, post, start_update
from tests.bot.e2e.test_webhook_replicas import start_replicas

LEASE = 0.6


async def replica(stack: AsyncExitStack, api: FakeBotApi, url: str, name: str) -> tuple[str, Deps]:
    settings = Settings.from_mapping(
        {"TELEGRAM_API_URL": api.root_url, "DATABASE_URL": url, "UPDATE_LEASE_SECONDS": str(LEASE)}
    )
    engine = create_engine(url)
    stack.push_async_callback(engine.dispose)
    deps = Deps(sessions=session_factory(engine), clock=SystemClock(), settings=settings)
    app = build_application(api.token, deps)
    await stack.enter_async_context(app)
    runner = web.AppRunner(webhook_app(app, deps, SECRET, owner=name))
    await runner.setup()
    stack.push_async_callback(runner.cleanup)
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    return f"http://127.0.0.1:{port}{PATH}", deps


async def test_a_duplicate_arriving_after_the_lease_of_a_slow_update_is_not_processed_again(
    database_url: str,
) -> None:
    async with FakeBotApi() as api, AsyncExitStack() as stack:
        (first, _), (second, _) = [
            await replica(stack, api, database_url, name) for name in ("one", "two")
        ]
        api.user(user_id=601, first_name="Sam")
        api.set_latency(3 * LEASE)  # Telegram is slow: the update outlasts its first lease
        slow = asyncio.create_task(post(first, start_update(70)))
        await asyncio.sleep(2 * LEASE)
        assert not slow.done()
        assert await post(second, start_update(70)) == 503
        assert await slow == 200
        assert await post(second, start_update(70)) == 200
        intros = [m for m in api.messages(601) if "I help with muscle twitches" in (m.text or "")]
        assert len(intros) == 1


async def test_a_claim_is_renewed_only_by_its_owner_and_not_once_processed(
    database_url: str,
) -> None:
    now, lease = dt.datetime(2026, 12, 1, tzinfo=dt.UTC), dt.timedelta(seconds=60)
    engine = create_engine(database_url)
    try:
        async with session_factory(engine).begin() as session:
            claims = ProcessedUpdateRepository(session)
            await claims.claim(80, "one", now, lease)
            assert not await claims.renew(80, "two", now, lease)
            assert await claims.renew(80, "one", now, lease)
            await claims.finish(80, "one", now)
            assert not await claims.renew(80, "one", now, lease)
    finally:
        await engine.dispose()


class TooManyConnections(Exception):
    sqlstate = "53300"


def driver_error(cause: BaseException | None) -> sa_exc.DBAPIError:
    """A database error as SQLAlchemy raises it, its driver error caused by `cause`."""
    orig = Exception("driver error")
    orig.__cause__ = cause
    return sa_exc.DBAPIError("SELECT 1", {}, orig)


def test_a_refused_or_timed_out_connection_is_transient_and_a_plain_error_is_not() -> None:
    assert is_transient(driver_error(TooManyConnections("too many clients already")))
    assert is_transient(driver_error(TimeoutError()))
    assert is_transient(driver_error(ConnectionRefusedError()))
    assert not is_transient(driver_error(None))
    assert not is_transient(driver_error(ValueError("a bug")))
    assert not is_transient(ValueError("a bug"))


async def test_a_transient_failure_is_not_apologised_for_and_the_retry_answers(
    tmp_path: Path,
) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'bot.sqlite3'}"
    await upgrade_async(url)
    async with FakeBotApi() as api, AsyncExitStack() as stack:
        replicas = await start_replicas(stack, api, url, 1)
        async with replicas.deps[0].sessions.begin() as session:
            await session.execute(text("ALTER TABLE users RENAME TO users_away"))
        assert await post(replicas.urls[0], start_update(90)) == 503
        async with replicas.deps[0].sessions.begin() as session:
            await session.execute(text("ALTER TABLE users_away RENAME TO users"))
        assert await post(replicas.urls[0], start_update(90)) == 200
        texts = [m.text or "" for m in api.messages(601)]
        assert not any("something went wrong" in t for t in texts), texts
        assert replicas.intros() == 1
