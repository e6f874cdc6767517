"""Country use cases (spec §0.4 rev 2): awaiting a typed country, and saving the one chosen."""

from __future__ import annotations

import logging

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.awaiting import Awaiting
from bot.countries import LEGACY_EU, LEGACY_EU_ASKED
from storage.models import User
from storage.pseudonyms import person
from storage.users import UserRepository

log = logging.getLogger(__name__)


async def await_country(
    sessions: async_sessionmaker[AsyncSession], user_id: int, *, then_triage: bool, legacy: bool
) -> None:
    """From now a typed country name is the answer; `then_triage` starts the questionnaire."""
    async with sessions.begin() as session:
        row = await UserRepository(session).get(user_id, for_update=True)
        assert row is not None
        row.awaiting = Awaiting.COUNTRY_THEN_TRIAGE if then_triage else Awaiting.COUNTRY
        if legacy and row.country == LEGACY_EU:
            # Asked once: from now on the person keeps 112 until they pick, and is not re-asked.
            row.country = LEGACY_EU_ASKED


async def save_country(
    sessions: async_sessionmaker[AsyncSession], user_id: int, code: str | None
) -> User:
    """Stores the chosen country (None: somewhere else) and stops awaiting a typed one."""
    async with sessions.begin() as session:
        user = await UserRepository(session).get(user_id, for_update=True)
        assert user is not None
        user.country, user.awaiting = code, None
    log.info("user %s chose a country", person(user_id))
    return user
