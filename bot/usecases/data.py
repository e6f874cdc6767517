"""The person's data: their history, every row about them for /export, and erasing it all
(/delete). Each is one transaction."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.reports.history import History, load_history
from storage.erase import collect, erase_person
from storage.models import User
from storage.pseudonyms import person

log = logging.getLogger(__name__)

Sessions = async_sessionmaker[AsyncSession]


def sent(user_id: int, what: str) -> None:
    """Logs that the person got their data, by pseudonym only."""
    log.info("user %s %s", person(user_id), what)


async def user_of(sessions: Sessions, user_id: int) -> User | None:
    async with sessions.begin() as session:
        return await session.get(User, user_id)


async def history(
    sessions: Sessions, now: dt.datetime, user_id: int
) -> tuple[User | None, History | None]:
    async with sessions.begin() as session:
        user = await session.get(User, user_id)
        found = await load_history(session, user_id, now) if user else None
    return user, found


async def everything(
    sessions: Sessions, user_id: int
) -> tuple[User | None, dict[str, list[Mapping[str, Any]]]]:
    """The person and every row about them, by table."""
    async with sessions.begin() as session:
        user = await session.get(User, user_id)
        tables = await collect(session, user_id) if user else {}
    return user, tables


async def erase(sessions: Sessions, user_id: int) -> int:
    """Erases every row and reminder of the person; how many rows went."""
    async with sessions.begin() as session:
        return await erase_person(session, user_id)
