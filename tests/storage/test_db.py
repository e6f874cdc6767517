"""The engine's own protections: private SQLite files, and PostgreSQL statement and lock
timeouts that fail a stuck query fast instead of holding every reply behind it."""

from __future__ import annotations

import stat
import time
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from storage.db import create_engine
from storage.migrate import upgrade_async
from tests.conftest import NO_POSTGRES, POSTGRES_URL


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


async def test_a_new_sqlite_file_and_its_folder_are_private_to_the_bot(tmp_path: Path) -> None:
    database = tmp_path / "data" / "bot.sqlite3"
    url = f"sqlite+aiosqlite:///{database}"
    await upgrade_async(url)
    engine = create_engine(url)
    try:
        async with engine.begin() as connection:
            await connection.execute(text("SELECT count(*) FROM users"))
    finally:
        await engine.dispose()

    assert mode(database.parent) == 0o700
    assert mode(database) == 0o600
    for companion in database.parent.iterdir():
        assert mode(companion) == 0o600, companion.name


async def test_an_existing_world_readable_sqlite_file_is_made_private(tmp_path: Path) -> None:
    database = tmp_path / "bot.sqlite3"
    database.touch(mode=0o644)
    database.chmod(0o644)

    engine = create_engine(f"sqlite+aiosqlite:///{database}")
    await engine.dispose()

    assert mode(database) == 0o600


@pytest.mark.skipif(not POSTGRES_URL, reason=NO_POSTGRES)
async def test_a_statement_longer_than_the_limit_fails_instead_of_waiting() -> None:
    engine = create_engine(POSTGRES_URL, statement_timeout=0.3)
    began = time.monotonic()
    try:
        with pytest.raises(DBAPIError, match="statement timeout"):
            async with engine.connect() as connection:
                await connection.execute(text("SELECT pg_sleep(5)"))
    finally:
        await engine.dispose()
    assert time.monotonic() - began < 3


@pytest.mark.skipif(not POSTGRES_URL, reason=NO_POSTGRES)
async def test_a_lock_held_elsewhere_fails_a_write_after_the_lock_timeout() -> None:
    holder = create_engine(POSTGRES_URL)
    waiter = create_engine(POSTGRES_URL, lock_timeout=0.3)
    table = f"lock_probe_{time.monotonic_ns()}"
    try:
        async with holder.begin() as setup:
            await setup.execute(text(f"CREATE TABLE {table} (id int)"))
        async with holder.connect() as held:
            await held.execute(text(f"LOCK TABLE {table} IN ACCESS EXCLUSIVE MODE"))
            began = time.monotonic()
            with pytest.raises(DBAPIError, match="lock timeout"):
                async with waiter.begin() as connection:
                    await connection.execute(text(f"INSERT INTO {table} VALUES (1)"))
            assert time.monotonic() - began < 3
            await held.rollback()
        async with holder.begin() as cleanup:
            await cleanup.execute(text(f"DROP TABLE {table}"))
    finally:
        await holder.dispose()
        await waiter.dispose()
