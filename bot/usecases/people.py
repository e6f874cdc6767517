"""The person behind an update, read in a transaction of its own."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.models import User
from storage.users import UserRepository


async def user_of(sessions: async_sessionmaker[AsyncSession], telegram_id: int) -> User | None:
    async with sessions.begin() as session:
        return await UserRepository(session).get(telegram_id)
