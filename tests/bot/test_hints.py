"""The safety net's country: stored when storage answers, remembered when it does not."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from bot.hints import CountryHints, country_of
from storage.db import create_engine, session_factory
from storage.migrate import upgrade_async
from storage.users import UserRepository

NOW = dt.datetime(2026, 11, 25, 9, 0, tzinfo=dt.UTC)


def test_the_least_recently_seen_person_is_forgotten_first() -> None:
    hints = CountryHints(capacity=2)
    hints.remember(1, "GB")
    hints.remember(2, "US")
    hints.remember(1, "GB")
    hints.remember(3, "DE")
    assert (hints.country(1), hints.country(2), hints.country(3)) == ("GB", None, "DE")


async def test_when_storage_cannot_be_opened_the_remembered_country_is_used() -> None:
    hints = CountryHints()
    hints.remember(501, "GB")
    broken = create_engine("sqlite+aiosqlite:////nonexistent/folder/bot.sqlite3")
    try:
        assert await country_of(session_factory(broken), hints, 501) == "GB"
        assert await country_of(session_factory(broken), hints, 502) is None
    finally:
        await broken.dispose()


async def test_a_storage_that_hangs_is_given_up_on_within_the_timeout() -> None:
    @asynccontextmanager
    async def hanging() -> AsyncIterator[Any]:
        await asyncio.sleep(30)
        yield None

    hints = CountryHints()
    hints.remember(501, "US")
    loop = asyncio.get_running_loop()
    started = loop.time()
    assert await country_of(hanging, hints, 501, timeout=0.2) == "US"  # type: ignore[arg-type]
    assert loop.time() - started < 1


async def test_a_stored_country_is_read_and_remembered(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'bot.sqlite3'}"
    await upgrade_async(url)
    engine = create_engine(url)
    sessions = session_factory(engine)
    try:
        async with sessions.begin() as session:
            user = await UserRepository(session).get_or_create(501, 501, "en", NOW)
            user.country = "CA"
        hints = CountryHints()
        assert await country_of(sessions, hints, 501) == "CA"
        assert hints.country(501) == "CA"
    finally:
        await engine.dispose()
