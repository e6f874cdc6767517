"""Check-in rows: one per check-in sent, holding its answers screen by screen, and what a tap
on one needs beside it (its episode and delivery).

Never commits: the caller owns the transaction. Answers are saved as they come, as plain
values under the screen's key; `answers` hands the finished set out as the core's
`CheckinAnswers`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import CheckIn, Delivery, Episode
from storage.statuses import CheckInStatus, DeliveryStatus
from triage.checkin_flow import answers_from
from triage.followup import CheckinAnswers
from triage.levels import Level

__all__ = ["CheckInRepository", "CheckInStatus"]

FIRST_SCREEN = "safety"
DONE = "done"


class CheckInRepository:
    """The check-ins of an episode."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, checkin_id: int, *, for_update: bool = True) -> CheckIn | None:
        """A check-in, locked for the rest of the transaction unless `for_update` is False."""
        return await self._session.get(CheckIn, checkin_id, with_for_update=for_update)

    async def episode(self, episode_id: int, *, for_update: bool = False) -> Episode | None:
        return await self._session.get(Episode, episode_id, with_for_update=for_update)

    async def delivery(self, delivery_id: int | None) -> Delivery | None:
        return await self._session.get(Delivery, delivery_id) if delivery_id else None

    async def open_for(self, episode_id: int) -> list[CheckIn]:
        """The episode's check-ins still being answered, oldest first, locked."""
        query = select(CheckIn).where(
            CheckIn.episode_id == episode_id, CheckIn.status == CheckInStatus.OPEN
        )
        return list(await self._session.scalars(query.order_by(CheckIn.id).with_for_update()))

    still_open = open_for

    async def latest_open(self, episode_id: int) -> CheckIn | None:
        """The episode's newest check-in still waiting for answers."""
        query = (
            select(CheckIn)
            .where(CheckIn.episode_id == episode_id, CheckIn.status == CheckInStatus.OPEN)
            .order_by(CheckIn.id.desc())
            .limit(1)
        )
        return (await self._session.scalars(query)).first()

    async def newest_open_of(self, user_id: int) -> CheckIn | None:
        """The person's newest check-in still waiting for answers, on a running episode."""
        query = (
            select(CheckIn)
            .join(Episode, Episode.id == CheckIn.episode_id)
            .where(
                Episode.user_id == user_id,
                Episode.closed_at.is_(None),
                CheckIn.status == CheckInStatus.OPEN,
            )
            .order_by(CheckIn.id.desc())
            .limit(1)
        )
        return (await self._session.scalars(query)).first()

    async def asked_now(self, reminder_id: int, now: dt.datetime) -> Delivery:
        """An on-demand delivery of a check-in series (/checkin). Its occurrence key is not a
        wall time, so it never collides with a scheduled one."""
        delivery = Delivery(
            reminder_id=reminder_id,
            occurrence=f"asked-{now:%Y%m%dT%H%M%S}",
            due_at=now,
            status=DeliveryStatus.PENDING,
            attempts=1,
        )
        self._session.add(delivery)
        await self._session.flush()
        return delivery

    async def mark_sent(self, delivery_id: int, now: dt.datetime, message_id: int) -> None:
        stored = await self._session.get_one(Delivery, delivery_id)
        stored.status, stored.sent_at, stored.message_id = DeliveryStatus.SENT, now, message_id

    async def open(self, episode_id: int, delivery_id: int | None, now: dt.datetime) -> CheckIn:
        """A new check-in on its first screen."""
        row = CheckIn(
            episode_id=episode_id,
            delivery_id=delivery_id,
            step=FIRST_SCREEN,
            answers={},
            selection=[],
            status=CheckInStatus.OPEN,
            created_at=now,
        )
        self._session.add(row)
        await self._session.flush()
        return row

    @staticmethod
    def save_answer(row: CheckIn, screen: str, value: object) -> None:
        # A new dict, so that the JSON column sees the change.
        row.answers = {**row.answers, screen: value}

    @staticmethod
    def note_escalation(row: CheckIn, rose: bool) -> None:
        """Whether the new signs raised the level during this check-in: once raised, it stays
        so even if the signs are answered again (read back as `CheckinAnswers.escalated`)."""
        CheckInRepository.save_answer(row, "escalated", CheckInRepository.escalated(row) or rose)

    @staticmethod
    def escalated(row: CheckIn) -> bool:
        """Whether the new signs raised the level during this check-in, however far it got."""
        return bool(row.answers.get("escalated"))

    @staticmethod
    def begun(row: CheckIn) -> bool:
        """Whether the person answered any of its screens, if not all."""
        return bool(row.answers)

    @staticmethod
    def answers(row: CheckIn) -> CheckinAnswers:
        """The answers as the follow-up rules take them; ValueError when they are not such."""
        return answers_from(row.answers)

    @staticmethod
    def expire(rows: Iterable[CheckIn]) -> None:
        """These check-ins went unanswered."""
        for row in rows:
            row.status = CheckInStatus.EXPIRED

    @staticmethod
    def finish(row: CheckIn, level_after: Level, now: dt.datetime) -> None:
        """The check-in was answered; the level stands at `level_after`."""
        row.status, row.step, row.completed_at = CheckInStatus.ANSWERED, DONE, now
        row.level_after = level_after.value
