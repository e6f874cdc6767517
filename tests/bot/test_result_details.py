"""The details behind a result's buttons, worded again from what is stored: a result held at
its episode's higher level (a re-run scoring lower) explains that level by what set it."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.screens.result import WHY
from bot.usecases.result_details import read_detail
from storage.statuses import TriageStatus
from tests.factories import CALM_ANSWERS, add, consented_user, episode, triage_session


async def test_why_for_a_result_held_at_its_episode_level_names_what_set_that_level(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with sessions.begin() as session:
        person, spread = consented_user(1), episode(1, level="L1", reasons=["R-R2"])
        await add(session, person, spread)
        finished = triage_session(1, spread.id, answers=CALM_ANSWERS, status=TriageStatus.FINISHED)
        await add(session, finished)
    _, why = await read_detail(sessions, 1, "en", finished.id, WHY)
    assert why is not None
    assert "Because it's in more than one place, though" in why
