from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.playground.server import FakeBotApi
from storage.migrate import upgrade_async
from tests.bot.e2e.harness import BotRig


@pytest.fixture
async def rig(tmp_path: Path) -> AsyncIterator[BotRig]:
    """The real bot polling the stand-in, on a fresh SQLite file."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'bot.sqlite3'}"
    await upgrade_async(url)
    async with FakeBotApi() as api:
        rig = BotRig(api=api, database_url=url)
        await rig.start()
        try:
            yield rig
        finally:
            await rig.stop()
