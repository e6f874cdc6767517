"""Episodes hand out their JSON columns as the core's types and take them back, and every
closed set of statuses is stored as its string and read back as a member of the set."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.episodes import EpisodeRepository
from storage.models import Delivery, Episode, TriageSession, User
from storage.statuses import DeliveryStatus, EpisodeStatus, TriageStatus, UserState
from tests import factories
from triage.flow import advance, start
from triage.followup import FollowUpState
from triage.levels import Level

Sessions = async_sessionmaker[AsyncSession]
NOW = factories.NOW
TODAY = NOW.date()
FOLLOWUP = FollowUpState(
    level=Level.L1,
    reasons=("longer_than_2_weeks",),
    onset_date=TODAY - dt.timedelta(days=20),
    opened=TODAY,
    level_since=TODAY,
    next_checkin=dt.datetime.fromisoformat("2026-06-03T10:00"),  # naive local
)


async def _episode(sessions: Sessions) -> int:
    async with sessions.begin() as session:
        await factories.add(session, factories.user(7), factories.episode(7, id=3))
    return 3


async def _questionnaire(sessions: Sessions, *others: User) -> None:
    """Person 7's episode 3, its questionnaire 5 just begun, and `others` beside them."""
    async with sessions.begin() as session:
        await factories.add(
            session,
            factories.user(7),
            *others,
            factories.episode(7, id=3),
            factories.triage_session(7, 3, id=5),
        )


async def test_a_saved_follow_up_comes_back_as_the_same_state(sessions: Sessions) -> None:
    episode_id = await _episode(sessions)
    async with sessions.begin() as session:
        episode = await session.get_one(Episode, episode_id)
        assert episode.followup is None  # its triage has not finished yet
        episode.followup = FOLLOWUP
    async with sessions() as session:
        episode = await session.get_one(Episode, episode_id)
        assert episode.followup == FOLLOWUP


async def test_a_triage_in_progress_and_the_assessed_answers_come_back_as_states(
    sessions: Sessions,
) -> None:
    episode_id = await _episode(sessions)
    asked = advance(start().state, frozenset({"E_NONE"}), TODAY)
    async with sessions.begin() as session:
        repository = EpisodeRepository(session)
        triage = await repository.start_session(7, episode_id, "Q2", asked.state, NOW)
        (await session.get_one(Episode, episode_id)).answers = asked.state
    async with sessions() as session:
        triage = await session.get_one(TriageSession, triage.id)
        assert triage.answers == asked.state
        assert (await session.get_one(Episode, episode_id)).answers == asked.state
        assert triage.status is TriageStatus.ACTIVE


async def test_statuses_are_read_back_as_members_of_their_set(sessions: Sessions) -> None:
    async with sessions.begin() as session:
        await factories.add(session, factories.user(7, state="paused"), factories.episode(7, id=3))
        row = factories.reminder(7, 3)
        await factories.add(session, row)
        await factories.add(session, factories.delivery(row.id, status="skipped"))
    async with sessions() as session:
        user = await session.get_one(User, 7)
        episode = await session.get_one(Episode, 3)
        status = await session.scalar(select(Delivery.status))
    assert user.state is UserState.PAUSED
    assert episode.status is EpisodeStatus.TRIAGE
    assert status is DeliveryStatus.SKIPPED


async def test_statuses_are_written_as_the_plain_strings_stored_before(sessions: Sessions) -> None:
    async with sessions.begin() as session:
        await factories.add(session, factories.user(7), factories.episode(7, id=3))
        episode = await session.get_one(Episode, 3)
        episode.status = EpisodeStatus.CLOSED
    async with sessions() as session:
        stored = await session.scalar(text("SELECT status FROM episodes"))
    assert type(stored) is str and stored == "closed"


async def test_a_tap_reads_its_session_and_its_person_together_or_whichever_exists(
    sessions: Sessions,
) -> None:
    await _questionnaire(sessions, factories.user(8))
    async with sessions.begin() as session:
        repository = EpisodeRepository(session)
        triage, person = await repository.session_and_user(5, 7)
        assert (triage and triage.id, person and person.id) == (5, 7)
        # Another person's tap on this session: both rows, for the use case to refuse.
        triage, person = await repository.session_and_user(5, 8)
        assert (triage and triage.user_id, person and person.id) == (7, 8)
        # A session that is not there (forged, or erased with its person's data).
        triage, person = await repository.session_and_user(99, 7)
        assert (triage, person and person.id) == (None, 7)
        # Someone unknown tapping a real session's button.
        triage, person = await repository.session_and_user(5, 1234)
        assert (triage and triage.id, person) == (5, None)


async def test_a_taps_progress_is_written_once_and_a_tick_writes_only_the_ticks(
    sessions: Sessions,
) -> None:
    await _questionnaire(sessions)
    asked = advance(start().state, frozenset({"E_NONE"}), TODAY)
    later = NOW + dt.timedelta(minutes=1)
    async with sessions.begin() as session:
        repository = EpisodeRepository(session)
        triage, _ = await repository.session_and_user(5, 7)
        assert triage is not None
        triage.answers, triage.step, triage.selection = asked.state, "Q2_AREA", ["A_EYELID"]
        triage.version, triage.updated_at = triage.version + 1, later
        await repository.save_progress(triage)
        assert triage not in session  # the unit of work does not write it a second time
        assert triage.step == "Q2_AREA"  # what is said next reads the new values
    async with sessions.begin() as session:
        repository = EpisodeRepository(session)
        triage, _ = await repository.session_and_user(5, 7)
        assert triage is not None
        assert (triage.answers, triage.step, triage.selection) == (
            asked.state,
            "Q2_AREA",
            ["A_EYELID"],
        )
        assert (triage.version, triage.updated_at) == (1, later)
        triage.selection, triage.step, triage.version = ["A_EYELID", "A_FACE"], "Q3", 2
        await repository.save_progress(triage, ticks_only=True)
    async with sessions() as session:
        stored = await session.get_one(TriageSession, 5)
        assert stored.selection == ["A_EYELID", "A_FACE"] and stored.version == 2
        assert stored.step == "Q2_AREA"  # a tick never moves the question on
