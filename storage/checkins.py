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

    async def latest_open(self, episode_id: int) -> CheckIn | None:
        """The episode's newest check-in still waiting for answers."""
        query = (
            select(CheckIn)
            .where(CheckIn.episode_id == episode_id, CheckIn.status == CheckInStatus.OPEN)
            .order_by(CheckIn.id.desc())
            .limit(1)
        )
        return (await self.session.scalars(query)).first()

    async def asked_now(self, reminder_id: int, now: dt.datetime) -> Delivery:
        """An on-demand delivery of a check-in series (/checkin). Its occurrence key is not a
        wall time, so it never collides with a scheduled one."""
        delivery = Delivery(
            reminder_id=reminder_id,
            occurrence=f"asked-{now:%Y%m%dT%H%M%S}",
            due_at=now,
            status="pending",
            attempts=1,
        )
        self.session.add(delivery)
        await self.session.flush()
        return delivery

    async def mark_sent(self, delivery_id: int, now: dt.datetime, message_id: int) -> None:
        stored = await self.session.get_one(Delivery, delivery_id)
        stored.status, stored.sent_at, stored.message_id = "sent", now, message_id

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
