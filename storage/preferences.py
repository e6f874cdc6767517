"""A person's running plan as /settings sees it: its nudge series, switched on or off and
moved to other times, and check-ins held by a pause. Never commits: the caller owns the
transaction.

A row moved or switched on here is *unplaced* (see storage/placement.py): `occurrence` is
NULL and `next_due_at` is the instant to place it from, noted in the session (`note_due`);
the caller wakes the dispatcher after the commit.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Reminder
from storage.placement import note_due, unplaced
from storage.schedules import ReminderSchedule
from triage.schedule import CHECKIN, NOT_NUDGES


class PlanRepository:
    """The nudge series of a person's newest plan, and their check-ins."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def series(self, user_id: int) -> list[Reminder]:
        """The nudge series (not snooze copies) of the newest plan, on or off, in plan order."""
        newest = (
            select(func.max(Reminder.created_at))
            .where(
                Reminder.user_id == user_id,
                Reminder.kind.not_in(NOT_NUDGES),
                Reminder.origin_id.is_(None),
            )
            .scalar_subquery()
        )
        query = select(Reminder).where(
            Reminder.user_id == user_id,
            Reminder.kind.not_in(NOT_NUDGES),
            Reminder.origin_id.is_(None),
            Reminder.created_at == newest,
        )
        return list(await self._session.scalars(query.order_by(Reminder.id)))

    async def active(self, user_id: int) -> list[Reminder]:
        """Every reminder of the person that is running: nudges, snoozes and check-ins."""
        query = select(Reminder).where(Reminder.user_id == user_id, Reminder.active)
        return list(await self._session.scalars(query.order_by(Reminder.id)))

    async def retime(self, row: Reminder, schedule: ReminderSchedule, now: dt.datetime) -> None:
        """New local times for a series; a running one is placed again from `now`."""
        values: dict[str, Any] = {"schedule": schedule}
        if row.active:
            values |= unplaced(now, self._session)
        await self._session.execute(update(Reminder).where(Reminder.id == row.id).values(**values))

    async def switch(self, row: Reminder, on: bool, now: dt.datetime) -> None:
        """Turns a series on (placed afresh from `now`) or off (with its pending snoozes)."""
        if on:
            values: dict[str, Any] = {"active": True, **unplaced(now, self._session)}
            await self._session.execute(
                update(Reminder).where(Reminder.id == row.id).values(**values)
            )
            return
        await self._session.execute(
            update(Reminder)
            .where((Reminder.id == row.id) | (Reminder.origin_id == row.id))
            .values(active=False, next_due_at=None, lease_owner=None, lease_until=None)
        )

    async def placed_checkins(self, user_id: int, now: dt.datetime) -> list[Reminder]:
        """Running check-ins placed at an occurrence and waiting past `now` (perhaps held)."""
        query = select(Reminder).where(
            Reminder.user_id == user_id,
            Reminder.kind == CHECKIN,
            Reminder.active,
            Reminder.occurrence.is_not(None),
            Reminder.next_due_at > now,
            Reminder.lease_owner.is_(None),
        )
        return list(await self._session.scalars(query))

    async def due_now(self, reminder_ids: list[int], now: dt.datetime) -> None:
        """These rows come due at once, at the occurrence they already stand for."""
        if reminder_ids:
            note_due(self._session, now)
            await self._session.execute(
                update(Reminder).where(Reminder.id.in_(reminder_ids)).values(next_due_at=now)
            )
