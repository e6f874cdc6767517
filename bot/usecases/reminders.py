"""A tap under a nudge: Done, Snooze 1 h or Stop, recorded for every nudge of its message."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from scheduler.policy import SLEEP, quiet_end
from storage.models import Reminder, User
from storage.reminders import DeliveryRepository
from storage.statuses import DeliveryResponse
from triage.quiet import QuietHours

RESPONSES = {
    "done": DeliveryResponse.DONE,
    "snooze": DeliveryResponse.SNOOZED,
    "stop": DeliveryResponse.STOPPED,
}
SNOOZE = dt.timedelta(hours=1)


async def respond(
    sessions: async_sessionmaker[AsyncSession],
    now: dt.datetime,
    user_id: int,
    delivery_id: int,
    action: str,
) -> tuple[str, dt.datetime | None]:
    """What the tap did ("ok", "already" or "foreign"), and for a snooze that quiet hours hold
    back, the local time it comes."""
    async with sessions.begin() as session:
        deliveries = DeliveryRepository(session)
        delivery = await deliveries.get(delivery_id)
        reminder = await session.get(Reminder, delivery.reminder_id) if delivery else None
        if delivery is None or reminder is None or reminder.user_id != user_id:
            return "foreign", None
        if delivery.response is not None:
            return "already", None
        # A digest's buttons answer for every nudge in it.
        for each in await deliveries.same_message(delivery, user_id):
            if each.response is not None:
                continue
            if action == "snooze":
                await deliveries.snooze(each.id, now)
            else:
                await deliveries.respond(each.id, RESPONSES[action], now)
        if action != "snooze" or reminder.kind == SLEEP:
            return "ok", None
        user = await session.get(User, user_id)
        return "ok", _held_until(now + SNOOZE, reminder.tz, user) if user else None


def _held_until(at: dt.datetime, tz: str, user: User) -> dt.datetime | None:
    """The local wall time a snooze due `at` really comes, when quiet hours hold it back."""
    end = quiet_end(at, tz, QuietHours.parse(user.quiet_start, user.quiet_end))
    return end.astimezone(ZoneInfo(tz)) if end is not None else None
