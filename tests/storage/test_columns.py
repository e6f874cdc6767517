"""The JSON columns that hold the core's values: rows stored as plain JSON read back as those
values, the values are stored as exactly the same JSON, and the empty `{}` of an episode
before its triage has finished reads as no value."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import JSON, insert, select, text, type_coerce
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.models import Episode, Reminder, TriageSession
from storage.schedules import ReminderSchedule
from tests import factories
from triage.flow import TriageState, advance, start
from triage.followup import FollowUpState
from triage.levels import Level
from triage.schedule import LocalSchedule

Sessions = async_sessionmaker[AsyncSession]
TODAY = factories.NOW.date()
ANSWERED = advance(start(episodes_90d=2).state, frozenset({"E_NONE"}), TODAY).state
FOLLOWUP = FollowUpState(
    level=Level.L2,
    reasons=("no_red_flags", "longer_than_2_weeks"),
    onset_date=TODAY - dt.timedelta(days=30),
    opened=TODAY - dt.timedelta(days=9),
    level_since=TODAY - dt.timedelta(days=2),
    checkins_done=3,
    unanswered=1,
    gone_since=TODAY,
    seen=True,
    onset_checkin=TODAY - dt.timedelta(days=12),
)
WARMUP = ReminderSchedule(
    LocalSchedule(
        times=(dt.time(10), dt.time(15)),
        start=dt.date(2026, 6, 1),
        end=dt.date(2026, 6, 14),
        weekdays=frozenset({0, 2, 4}),
        skip=frozenset({dt.date(2026, 6, 3)}),
    ),
    "warm-up",
)
COLUMNS = [
    ("episodes", "answers"),
    ("episodes", "followup"),
    ("triage_sessions", "answers"),
    ("reminders", "schedule"),
]
# Rows as the tables held them before the columns knew the core's types: plain JSON objects.
PLAIN_EPISODE = {"answers": ANSWERED.to_json(), "followup": FOLLOWUP.to_json()}
PLAIN_SCHEDULE = {
    "times": ["10:00", "15:00"],
    "start": "2026-06-01",
    "end": "2026-06-14",
    "weekdays": [0, 2, 4],
    "dates": None,
    "slot": "warm-up",
    "skip": ["2026-06-03"],
}


async def _stored(session: AsyncSession, table: str, column: str, row_id: int) -> str:
    """The column's stored text, read past every column type."""
    query = text(f"SELECT CAST({column} AS TEXT) FROM {table} WHERE id = :id")
    return str((await session.execute(query, {"id": row_id})).scalar_one())


@pytest.fixture
async def plain(sessions: Sessions) -> Sessions:
    """Episode 1, its triage session and reminder 1, written as plain JSON; episode 2 written
    empty."""
    async with sessions.begin() as session:
        await factories.add(session, factories.user(7), factories.episode(7, id=2))
        plain = {key: type_coerce(value, JSON) for key, value in PLAIN_EPISODE.items()}
        episodes, triages = Episode.__table__, TriageSession.__table__
        await session.execute(
            insert(episodes).values(id=1, user_id=7, opened_at=factories.NOW, **plain)
        )
        await session.execute(
            insert(triages).values(
                id=1,
                user_id=7,
                episode_id=1,
                step="Q2_AREA",
                answers=plain["answers"],
                created_at=factories.NOW,
                updated_at=factories.NOW,
            )
        )
        await session.execute(
            insert(Reminder.__table__).values(
                id=1,
                user_id=7,
                kind="N_WARMUP",
                schedule=type_coerce(PLAIN_SCHEDULE, JSON),
                tz="UTC",
                created_at=factories.NOW,
            )
        )
    return sessions


async def test_rows_stored_as_plain_json_read_back_as_the_cores_values(
    plain: Sessions,
) -> None:
    async with plain() as session:
        episode = await session.get_one(Episode, 1)
        triage = await session.get_one(TriageSession, 1)
        reminder = await session.get_one(Reminder, 1)
    assert isinstance(episode.answers, TriageState) and episode.answers == ANSWERED
    assert isinstance(episode.followup, FollowUpState) and episode.followup == FOLLOWUP
    assert triage.answers == ANSWERED
    assert reminder.schedule == WARMUP


async def test_the_cores_values_are_stored_as_exactly_the_json_stored_before(
    plain: Sessions,
) -> None:
    async with plain.begin() as session:
        empty = await session.get_one(Episode, 2)
        empty.answers, empty.followup = ANSWERED, FOLLOWUP
        await factories.add(
            session,
            factories.triage_session(7, 2, id=2, step="Q2_AREA", answers=ANSWERED),
            factories.reminder(7, id=2, kind="N_WARMUP", schedule=WARMUP),
        )
    async with plain() as session:
        for table, column in COLUMNS:
            assert await _stored(session, table, column, 2) == await _stored(
                session, table, column, 1
            )


async def test_an_episode_not_yet_assessed_holds_no_answers_and_no_follow_up(
    plain: Sessions,
) -> None:
    async with plain.begin() as session:
        fresh = await session.get_one(Episode, 2)
        assert (fresh.answers, fresh.followup) == (None, None)
        assessed = await session.get_one(Episode, 1)
        assessed.answers, assessed.followup = None, None  # as stored for a fresh episode
    async with plain() as session:
        for episode_id in (1, 2):
            assert await _stored(session, "episodes", "answers", episode_id) == "{}"
            assert await _stored(session, "episodes", "followup", episode_id) == "{}"
        episode = (await session.scalars(select(Episode).where(Episode.id == 1))).one()
        assert (episode.answers, episode.followup) == (None, None)
