"""Reminder rows: writing a plan, adding a check-in, stopping, moving, reactivating.

Repositories never commit: the caller owns the transaction. Every row written or moved here
is handed to the dispatcher unplaced (`storage.placement`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence

from sqlalchemy import func, select, true, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.deliveries import DeliveryRepository as DeliveryRepository
from storage.models import Reminder, User
from storage.placement import DUE_KEY as DUE_KEY
from storage.placement import count, new_reminder, note_due, stop, unplaced
from storage.schedules import ReminderSchedule
from storage.schedules import one_off as one_off
from storage.statuses import UserState
from triage.schedule import CHECKIN, PlannedNudge
from triage.schedule import NOT_NUDGES as NOT_NUDGES

# The re-exported names above keep the edge's imports of this module working.


class ReminderRepository:
    """Reminder rows of a person: nudge series, check-ins, snooze copies."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add_nudges(
        self,
        user_id: int,
        episode_id: int | None,
        tz: str,
        planned: Sequence[PlannedNudge],
        now: dt.datetime,
    ) -> list[Reminder]:
        """One unplaced reminder per planned nudge (spec §3.4)."""
        rows = [
            new_reminder(
                user_id, episode_id, p.nudge_id, ReminderSchedule(p.schedule, p.slot), tz, now
            )
            for p in planned
        ]
        for row, plan in zip(rows, planned, strict=True):
            row.end_date = plan.schedule.end
        self._session.add_all(rows)
        if rows:
            note_due(self._session, now)
        await self._session.flush()
        return rows

    async def add_checkin(
        self, user_id: int, episode_id: int, tz: str, at_local: dt.datetime, now: dt.datetime
    ) -> Reminder:
        """A check-in at a local wall time (spec §4.1); the sender hands back the next one."""
        row = new_reminder(
            user_id, episode_id, CHECKIN, ReminderSchedule(one_off(at_local)), tz, now
        )
        self._session.add(row)
        note_due(self._session, now)
        await self._session.flush()
        return row

    async def add_one_off(
        self,
        user_id: int,
        episode_id: int,
        kind: str,
        tz: str,
        at_local: dt.datetime,
        now: dt.datetime,
    ) -> Reminder:
        """A single message of `kind` at a local wall time (the day-14 plan question)."""
        row = new_reminder(user_id, episode_id, kind, ReminderSchedule(one_off(at_local)), tz, now)
        row.end_date = at_local.date()
        self._session.add(row)
        note_due(self._session, now)
        await self._session.flush()
        return row

    async def reschedule_checkin(
        self, reminder_id: int, at_local: dt.datetime | None, now: dt.datetime
    ) -> None:
        """Move a check-in to another local wall time; None stops it."""
        if at_local is None:
            await stop(self._session, Reminder.id == reminder_id)
            return
        await self._session.execute(
            update(Reminder)
            .where(Reminder.id == reminder_id)
            .values(schedule=ReminderSchedule(one_off(at_local)), **unplaced(now, self._session))
        )

    async def deactivate(
        self,
        user_id: int,
        *,
        kinds: Collection[str] | None = None,
        episode_id: int | None = None,
    ) -> int:
        """Stop a person's reminders (all, or of these kinds, or of one episode): a count."""
        where = [Reminder.user_id == user_id, Reminder.active]
        if kinds is not None:
            where.append(Reminder.kind.in_(kinds))
        if episode_id is not None:
            where.append(Reminder.episode_id == episode_id)
        return await stop(self._session, *where)

    async def reactivate_user(self, user_id: int, now: dt.datetime) -> int:
        """After /start from a person who had blocked the bot: active again, from `now`."""
        await self._session.execute(
            update(User).where(User.id == user_id).values(state=UserState.ACTIVE)
        )
        result = await self._session.execute(
            update(Reminder)
            .where(
                Reminder.user_id == user_id,
                Reminder.active.is_(False),
                Reminder.next_due_at.is_not(None),
            )
            .values(active=True, **unplaced(now, self._session))
        )
        return count(result)

    async def change_zone(self, user_id: int, tz: str, now: dt.datetime) -> None:
        """The person moved: keep their local times, place every reminder again in `tz`."""
        await self._session.execute(
            update(Reminder)
            .where(Reminder.user_id == user_id, Reminder.next_due_at.is_not(None))
            .values(tz=tz, **unplaced(now, self._session))
        )

    async def for_user(self, user_id: int) -> list[Reminder]:
        result = await self._session.scalars(
            select(Reminder).where(Reminder.user_id == user_id).order_by(Reminder.id)
        )
        return list(result)

    async def earliest_due(self) -> dt.datetime | None:
        """The earliest `next_due_at` of an active reminder: when the dispatcher has work."""
        found: dt.datetime | None = await self._session.scalar(
            select(func.min(Reminder.next_due_at)).where(Reminder.active == true())
        )
        return found
