"""Deliveries: what was sent, and what the person answered (done, snoozed, stopped).

Repositories never commit: the caller owns the transaction.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Delivery, Reminder
from storage.placement import new_reminder, note_due, stop
from storage.schedules import ReminderSchedule, one_off
from storage.statuses import DeliveryResponse

RESPONSES = frozenset({DeliveryResponse.DONE, DeliveryResponse.SNOOZED, DeliveryResponse.STOPPED})
"""A nudge's answers; the plan-end question's are its own use case's."""


class UnknownResponse(ValueError):
    """A delivery response other than done, snoozed or stopped."""


class DeliveryRepository:
    """Deliveries: what was sent, and what the person answered."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, delivery_id: int) -> Delivery | None:
        return await self._session.get(Delivery, delivery_id)

    async def same_message(self, delivery: Delivery, user_id: int) -> list[Delivery]:
        """Every delivery the person got in the same message (a digest carries several)."""
        if delivery.message_id is None:
            return [delivery]
        query = (
            select(Delivery)
            .join(Reminder, Reminder.id == Delivery.reminder_id)
            .where(Delivery.message_id == delivery.message_id, Reminder.user_id == user_id)
            .order_by(Delivery.id)
        )
        return list(await self._session.scalars(query))

    async def respond(self, delivery_id: int, response: str, now: dt.datetime) -> Delivery | None:
        """Record done / snoozed / stopped; "stopped" ends the series the delivery belongs to."""
        if response not in RESPONSES:
            raise UnknownResponse(response)
        delivery = await self.get(delivery_id)
        if delivery is None:
            return None
        delivery.response, delivery.responded_at = DeliveryResponse(response), now
        if response == DeliveryResponse.STOPPED:
            series = await self._same_words(await self._series_id(delivery.reminder_id))
            await stop(self._session, Reminder.id.in_(series) | Reminder.origin_id.in_(series))
        await self._session.flush()
        return delivery

    async def snooze(
        self, delivery_id: int, now: dt.datetime, delay: dt.timedelta = dt.timedelta(hours=1)
    ) -> None:
        """Send this delivery's message once more after `delay`; the series keeps its times.

        A one-off copy of the reminder (`origin_id` = the series) fires at the local wall
        time `delay` from now; it has its own deliveries, so the series' are untouched.
        """
        delivery = await self.get(delivery_id)
        if delivery is None:
            return
        source = await self._session.get_one(Reminder, delivery.reminder_id)
        series = source.origin_id or source.id
        at_local = _wall(now + delay, source.tz)
        slot = source.schedule.slot
        copy = new_reminder(
            source.user_id,
            source.episode_id,
            source.kind,
            ReminderSchedule(one_off(at_local), slot),
            source.tz,
            now,
        )
        copy.origin_id, copy.sent_count = series, source.sent_count
        delivery.response, delivery.responded_at = DeliveryResponse.SNOOZED, now
        self._session.add(copy)
        note_due(self._session, now)
        await self._session.flush()

    async def _same_words(self, series_id: int) -> list[int]:
        """The series and its siblings: the same nudge and slot of the same plan, kept as
        rows of their own when they skip different days (`triage.plan_fit`)."""
        series = await self._session.get_one(Reminder, series_id)
        slot = series.schedule.slot
        siblings = await self._session.scalars(
            select(Reminder).where(
                Reminder.user_id == series.user_id,
                Reminder.episode_id == series.episode_id,
                Reminder.kind == series.kind,
                Reminder.origin_id.is_(None),
            )
        )
        return [row.id for row in siblings if row.schedule.slot == slot]

    async def _series_id(self, reminder_id: int) -> int:
        origin = await self._session.scalar(
            select(Reminder.origin_id).where(Reminder.id == reminder_id)
        )
        return origin or reminder_id


def _wall(when: dt.datetime, tz: str) -> dt.datetime:
    """The naive local wall time of an instant, to the minute (occurrence keys are minutes)."""
    return when.astimezone(ZoneInfo(tz)).replace(tzinfo=None, second=0, microsecond=0)
