"""A person's country for the safety net, even when storage fails (spec §0.4, §2.1).

The safety net asks storage with a short timeout; when storage is down or slow it uses a
hint remembered in memory: filled whenever a handler loads the person, bounded, lost on
restart, dropped when the person is gone. Without either, the spec's fallback text names
999, 112 and 911.
"""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.users import UserRepository

log = logging.getLogger(__name__)

CAPACITY = 100_000


class CountryHints:
    """The last known country of each Telegram user id, least recently seen dropped first."""

    def __init__(self, capacity: int = CAPACITY) -> None:
        self._capacity = capacity
        self._known: OrderedDict[int, str | None] = OrderedDict()

    def remember(self, telegram_id: int, country: str | None) -> None:
        self._known[telegram_id] = country
        self._known.move_to_end(telegram_id)
        while len(self._known) > self._capacity:
            self._known.popitem(last=False)

    def forget(self, telegram_id: int) -> None:
        self._known.pop(telegram_id, None)

    def country(self, telegram_id: int) -> str | None:
        return self._known.get(telegram_id)


LOOKUP_TIMEOUT = 1.5
"""Seconds the safety net waits for the stored country before it answers without it."""


async def country_of(
    sessions: async_sessionmaker[AsyncSession],
    hints: CountryHints,
    telegram_id: int,
    timeout: float = LOOKUP_TIMEOUT,
) -> str | None:
    """The person's stored country, or the hint when storage fails or is slow.

    The emergency text must not wait behind a lock or an outage, so any storage error or a
    lookup longer than `timeout` falls back to what memory holds (None: the fallback text).
    """
    try:
        async with asyncio.timeout(timeout):
            async with sessions() as session:
                user = await UserRepository(session).get(telegram_id)
    except (SQLAlchemyError, OSError, TimeoutError) as exc:
        log.warning("safety net answered without storage: %s", type(exc).__name__)
        return hints.country(telegram_id)
    if user is None:
        return hints.country(telegram_id)
    hints.remember(telegram_id, user.country)
    return user.country
