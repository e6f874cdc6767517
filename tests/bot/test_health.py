"""/healthz, /readyz and /metrics: ready only while the database answers with the newest schema
and the dispatcher ticks; unready, naming the failing check, otherwise, and ready again after."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from dataclasses import dataclass

import aiohttp
import asyncpg
import pytest
from aiohttp import web
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.health import Health, Pulse
from bot.health_routes import add_routes
from scheduler.clock import FakeClock
from storage.db import session_factory
from tests.conftest import POSTGRES_URL

NOW = dt.datetime(2026, 11, 30, 12, 0, tzinfo=dt.UTC)
IDLE = dt.timedelta(seconds=30)


@dataclass
class Ticks:
    last: dt.datetime | None = NOW

    def pulse(self) -> Pulse:
        return Pulse(self.last, IDLE)


@dataclass
class Served:
    root: str
    ticks: Ticks
    wall: list[dt.datetime]


@pytest.fixture
async def served(engine: AsyncEngine) -> AsyncIterator[Served]:
    ticks, wall = Ticks(), [NOW + dt.timedelta(seconds=5)]
    health = Health(
        engine, session_factory(engine), FakeClock(NOW), ticks.pulse, wall=lambda: wall[0]
    )
    server = web.Application()
    add_routes(server, health)
    runner = web.AppRunner(server)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    try:
        yield Served(f"http://127.0.0.1:{port}", ticks, wall)
    finally:
        await runner.cleanup()


async def get(url: str) -> tuple[int, str]:
    async with aiohttp.ClientSession() as client, client.get(url) as response:
        return response.status, await response.text()


async def test_a_process_with_a_current_database_and_a_recent_tick_is_alive_and_ready(
    served: Served,
) -> None:
    assert (await get(f"{served.root}/healthz"))[0] == 200
    status, body = await get(f"{served.root}/readyz")
    assert status == 200, body


async def test_a_dispatcher_silent_for_more_than_twice_its_idle_interval_is_not_ready(
    served: Served,
) -> None:
    served.wall[0] = NOW + 2 * IDLE + dt.timedelta(seconds=1)
    status, body = await get(f"{served.root}/readyz")
    assert status == 503 and '"dispatcher": "late"' in body
    served.ticks.last = served.wall[0]
    assert (await get(f"{served.root}/readyz"))[0] == 200


async def test_a_dispatcher_that_never_ticked_is_not_ready_until_its_first_tick(
    served: Served,
) -> None:
    served.ticks.last = None
    status, body = await get(f"{served.root}/readyz")
    assert status == 503 and "no tick yet" in body
    served.ticks.last = served.wall[0]
    assert (await get(f"{served.root}/readyz"))[0] == 200


async def test_metrics_are_prometheus_text_with_the_bots_gauges(served: Served) -> None:
    status, body = await get(f"{served.root}/metrics")
    assert status == 200
    for name in ("twitchbot_dispatch_lag_seconds", "twitchbot_leases_held", "twitchbot_updates"):
        assert name in body


async def _allow_connections(database: str, allowed: bool) -> None:
    base = make_url(POSTGRES_URL)
    conn = await asyncpg.connect(host=base.host, port=base.port or 5432, user=base.username)
    try:
        await conn.execute(f'ALTER DATABASE "{database}" ALLOW_CONNECTIONS {str(allowed).lower()}')
        if not allowed:
            await conn.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1",
                database,
            )
    finally:
        await conn.close()


async def test_readiness_turns_unready_while_postgresql_refuses_connections_and_back_after(
    served: Served, database_url: str
) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("needs a PostgreSQL server to take away")
    database = make_url(database_url).database
    assert database
    await _allow_connections(database, False)
    try:
        status, body = await get(f"{served.root}/readyz")
        assert status == 503 and '"database": "unreachable"' in body
        assert (await get(f"{served.root}/healthz"))[0] == 200
    finally:
        await _allow_connections(database, True)
    assert (await get(f"{served.root}/readyz"))[0] == 200
