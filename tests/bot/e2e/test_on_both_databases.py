"""The main path end to end on each database: SQLite, and PostgreSQL when it is available."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import select

from bot.playground.server import FakeBotApi
from storage.models import Delivery, Episode
from tests.bot.e2e.harness import BotRig
from tests.bot.e2e.steps import onboard
from tests.bot.e2e.test_triage import CALM, walk


@pytest.fixture
async def any_rig(database_url: str) -> AsyncIterator[BotRig]:
    """The real bot on a freshly migrated SQLite file or PostgreSQL database."""
    async with FakeBotApi() as api:
        rig = BotRig(api=api, database_url=database_url)
        await rig.start()
        try:
            yield rig
        finally:
            await rig.stop()


async def test_onboarding_triage_a_nudge_and_done_survive_a_restart(any_rig: BotRig) -> None:
    person = any_rig.user()
    await onboard(person)
    result = await walk(person, CALM)
    assert "Self-care and keep an eye on it" in result
    await any_rig.tick()
    await any_rig.restart()
    any_rig.clock.set(dt.datetime(2026, 11, 25, 10, 0, tzinfo=dt.UTC))
    await any_rig.tick()
    nudge = await person.next_message()
    while "💧" not in (nudge.text or ""):
        nudge = await person.next_message()
    await person.tap("Done ✔", message=nudge)
    await person.next_message()
    async with any_rig.deps.sessions() as session:
        episode = (await session.execute(select(Episode))).scalar_one()
        responses = [d.response for d in (await session.execute(select(Delivery))).scalars()]
    assert episode.level == "L0" and "done" in responses
