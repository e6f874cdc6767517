"""Check-in rows: opened on the first screen, answered screen by screen, handed to the
follow-up rules as the core's answers, and closed as answered or expired."""

from __future__ import annotations

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.checkins import CheckInRepository
from storage.models import CheckIn
from storage.statuses import CheckInStatus
from tests import factories
from triage.followup import CheckinAnswers, Doctor, Status
from triage.levels import Level

Sessions = async_sessionmaker[AsyncSession]
NOW = factories.NOW


async def _opened(sessions: Sessions) -> int:
    async with sessions.begin() as session:
        await factories.add(session, factories.user(7), factories.episode(7, id=3))
        row = await CheckInRepository(session).open(3, None, NOW)
    return row.id


async def test_answers_saved_screen_by_screen_come_back_as_the_cores_answers(
    sessions: Sessions,
) -> None:
    checkin_id = await _opened(sessions)
    async with sessions.begin() as session:
        repository = CheckInRepository(session)
        row = await repository.get(checkin_id)
        assert row is not None and row.step == "safety"
        repository.save_answer(row, "safety", False)
        repository.save_answer(row, "status", "better")
        repository.save_answer(row, "new_signs", [])
        repository.save_answer(row, "doctor", "booked")
    async with sessions() as session:
        row = await session.get_one(CheckIn, checkin_id)
        answers = CheckInRepository(session).answers(row)
    assert answers == CheckinAnswers(
        safety_positive=False, status=Status.BETTER, doctor=Doctor.BOOKED
    )


async def test_only_open_check_ins_are_found_and_a_finished_one_keeps_its_level(
    sessions: Sessions,
) -> None:
    first = await _opened(sessions)
    async with sessions.begin() as session:
        repository = CheckInRepository(session)
        second = await repository.open(3, None, NOW)
        third = await repository.open(3, None, NOW)
        assert [row.id for row in await repository.open_for(3)] == [first, second.id, third.id]
        repository.expire([await session.get_one(CheckIn, first)])
        repository.finish(second, Level.L2, NOW)
    async with sessions() as session:
        repository = CheckInRepository(session)
        assert [row.id for row in await repository.open_for(3)] == [third.id]
        finished = await session.get_one(CheckIn, second.id)
        expired = await session.get_one(CheckIn, first)
    assert (finished.status, finished.step, finished.level_after) == (
        CheckInStatus.ANSWERED,
        "done",
        "L2",
    )
    assert finished.completed_at == NOW and expired.status is CheckInStatus.EXPIRED


@pytest.mark.parametrize("saved", [{"new_signs": "N_WEAK"}, {"status": "fine"}])
async def test_saved_answers_that_are_not_a_check_in_are_refused(
    sessions: Sessions, saved: dict[str, object]
) -> None:
    checkin_id = await _opened(sessions)
    async with sessions.begin() as session:
        row = await session.get_one(CheckIn, checkin_id)
        row.answers = saved
    async with sessions() as session:
        row = await session.get_one(CheckIn, checkin_id)
        with pytest.raises(ValueError):
            CheckInRepository(session).answers(row)


async def test_a_level_raised_during_a_check_in_stays_noted_when_its_signs_are_answered_again(
    sessions: Sessions,
) -> None:
    checkin_id = await _opened(sessions)
    noted = []
    async with sessions.begin() as session:
        row = await session.get_one(CheckIn, checkin_id)
        for rose in (False, True, False):
            CheckInRepository.note_escalation(row, rose)
            noted.append(CheckInRepository.answers(row).escalated)
    assert noted == [False, True, True]
