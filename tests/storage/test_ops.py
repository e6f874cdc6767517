"""Work done one process at a time: simultaneous migrations all succeed, and the retention
job runs in one process while another holds its lock."""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import sys

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from storage.db import create_engine
from storage.ops import RETENTION_LOCK, run_retention, schema_is_current, try_lock
from tests.conftest import NO_POSTGRES, POSTGRES_URL, _drop_postgres_database
from tests.conftest import _fresh_postgres_database as fresh_postgres_database

NOW = dt.datetime(2026, 11, 30, 3, 30, tzinfo=dt.UTC)
NOTHING_TO_DO = "0 people erased, 0 update ids and 0 deliveries forgotten"


async def migrate_in_a_process(url: str) -> int:
    """`python -m bot migrate` as a container would run it; its exit status."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "migrate",
        env={**os.environ, "DATABASE_URL": url},
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )
    return await asyncio.wait_for(process.wait(), 60)


@pytest.mark.skipif(not POSTGRES_URL, reason=NO_POSTGRES)
async def test_three_simultaneous_migrations_of_an_empty_database_all_succeed() -> None:
    url, name = await fresh_postgres_database()
    try:
        results = await asyncio.gather(*(migrate_in_a_process(url) for _ in range(3)))
        assert results == [0, 0, 0]
        engine = create_engine(url)
        try:
            assert await schema_is_current(engine)
        finally:
            await engine.dispose()
    finally:
        await _drop_postgres_database(name)


async def test_a_migrated_database_is_current(engine: AsyncEngine) -> None:
    assert await schema_is_current(engine)


async def test_the_retention_job_is_skipped_while_another_process_holds_its_lock(
    sessions: async_sessionmaker[AsyncSession], database_url: str
) -> None:
    if not database_url.startswith("postgresql"):
        assert await run_retention(sessions, NOW, 180) == NOTHING_TO_DO
        return
    async with sessions.begin() as holder:
        assert await try_lock(holder, RETENTION_LOCK)
        assert (await run_retention(sessions, NOW, 180)).startswith("skipped")
    assert await run_retention(sessions, NOW, 180) == NOTHING_TO_DO
