"""Reading and writing people. Never commits: the caller owns the transaction."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import QUIET_END, QUIET_START, User
from storage.statuses import UserState

FIRST_STEP = "intro"


class UserRepository:
    """People by Telegram user id."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, user_id: int, *, for_update: bool = False) -> User | None:
        query = select(User).where(User.id == user_id)
        if for_update:
            query = query.with_for_update()
        return (await self.session.execute(query)).scalar_one_or_none()

    async def get_or_create(
        self, user_id: int, chat_id: int, language: str | None, now: dt.datetime
    ) -> User:
        user = await self.get(user_id, for_update=True)
        if user is None:
            user = User(
                id=user_id,
                chat_id=chat_id,
                language=(language or "en")[:16],
                onboarding_step=FIRST_STEP,
                created_at=now,
                last_seen_at=now,
                quiet_start=QUIET_START,
                quiet_end=QUIET_END,
                state=UserState.ACTIVE,
            )
            self.session.add(user)
            await self.session.flush()
        else:
            user.chat_id = chat_id
            user.last_seen_at = now
        return user
