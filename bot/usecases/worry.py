"""The answer to a typed disease question (spec §5.5 rev 2), by the person's current level."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot import worry
from bot.catalogue import Catalogue
from storage.models import User


async def disease_answer(
    sessions: async_sessionmaker[AsyncSession], cat: Catalogue, user: User
) -> str:
    async with sessions.begin() as session:
        return worry.disease_text(cat, user, await worry.current_level(session, user.id))
