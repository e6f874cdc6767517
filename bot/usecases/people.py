"""The person behind an update, read or changed in a transaction of its own."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.emergency import Recorded, confirm_typed_emergency
from storage.checkins import CheckInRepository
from storage.episodes import EpisodeRepository
from storage.models import CheckIn, TriageSession, User
from storage.users import UserRepository


async def user_of(sessions: async_sessionmaker[AsyncSession], telegram_id: int) -> User | None:
    async with sessions.begin() as session:
        return await UserRepository(session).get(telegram_id)


async def with_questionnaire(
    sessions: async_sessionmaker[AsyncSession], telegram_id: int
) -> tuple[User | None, TriageSession | None, CheckIn | None]:
    """The person, and what waits for their answers: the questionnaire they are in the middle
    of, or the newest check-in still open. When both wait, the one that came to them last: a
    check-in that arrived after the questionnaire's last answer, or the questionnaire answered
    since the check-in arrived."""
    async with sessions.begin() as session:
        user = await UserRepository(session).get(telegram_id)
        if user is None:
            return None, None, None
        waiting = await EpisodeRepository(session).active_session(user.id)
        checkin = await CheckInRepository(session).newest_open_of(user.id)
    if waiting is not None and checkin is not None:
        if checkin.created_at > waiting.updated_at:
            return user, None, checkin
        return user, waiting, None
    return user, waiting, checkin


async def confirm_emergency(
    sessions: async_sessionmaker[AsyncSession], telegram_id: int, now: dt.datetime
) -> tuple[User | None, Recorded | None]:
    """ "This is happening now" after danger words: the episode raised to L4 (F-E1) and its one
    check-in planned, for a person who consented to health data; nothing stored otherwise."""
    async with sessions.begin() as session:
        user = await UserRepository(session).get(telegram_id)
        recorded = None
        if user is not None and user.consent_health_at is not None:
            recorded = await confirm_typed_emergency(session, user, now)
    return user, recorded
