"""Check-in rows: one per check-in sent, answered screen by screen. Never commits: the caller
owns the transaction."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import CheckIn, Delivery, Episode


class CheckInStatus(StrEnum):
    OPEN = "open"
    ANSWERED = "answered"
    EXPIRED = "expired"


class CheckInRepository:
    """The check-ins of an episode, and what a tap on one needs beside it."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, checkin_id: int, *, for_update: bool = False) -> CheckIn | None:
        return await self.session.get(CheckIn, checkin_id, with_for_update=for_update)

    async def episode(self, episode_id: int, *, for_update: bool = False) -> Episode | None:
        return await self.session.get(Episode, episode_id, with_for_update=for_update)

    async def delivery(self, delivery_id: int | None) -> Delivery | None:
        return await self.session.get(Delivery, delivery_id) if delivery_id else None

    async def still_open(self, episode_id: int) -> list[CheckIn]:
        """The episode's check-ins not yet answered nor expired, oldest first, locked."""
        query = select(CheckIn).where(
            CheckIn.episode_id == episode_id, CheckIn.status == CheckInStatus.OPEN
        )
        return list(
            (await self.session.scalars(query.order_by(CheckIn.id).with_for_update())).all()
        )

    async def open(self, episode_id: int, delivery_id: int, now: dt.datetime) -> CheckIn:
        row = CheckIn(
            episode_id=episode_id,
            delivery_id=delivery_id,
            step="safety",
            answers={},
            selection=[],
            status=CheckInStatus.OPEN,
            created_at=now,
        )
        self.session.add(row)
        await self.session.flush()
        return row
