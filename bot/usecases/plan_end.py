"""The day-14 question's answer (spec §3.4), in one transaction: Yes continues each repeating
nudge series of the plan once a week for four more weeks; No lets the plan end. A tap on
someone else's question, on an answered one, or on one whose episode is no longer the
person's newest or has risen to L3/L4 changes nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.plan_end_question import continuing, current
from storage.models import Delivery, Episode, Reminder, User
from storage.reminders import ReminderRepository
from storage.statuses import DeliveryResponse
from triage.plan_fit import fit_plan
from triage.quiet import QuietHours
from triage.schedule import PLAN_END, LocalSchedule, PlannedNudge

WEEKS = 4
RESPONSES = {"yes": DeliveryResponse.KEPT, "no": DeliveryResponse.DECLINED}


def weekly(row: Reminder, last_day: dt.date) -> PlannedNudge:
    """A series continued once a week for four weeks after `last_day`, at its own times."""
    schedule, slot = row.schedule
    weekday = last_day.weekday()
    if schedule.weekdays is not None and weekday not in schedule.weekdays:
        weekday = min(schedule.weekdays)
    lighter = LocalSchedule(
        times=schedule.times,
        start=last_day + dt.timedelta(days=1),
        end=last_day + dt.timedelta(weeks=WEEKS),
        weekdays=frozenset({weekday}),
    )
    return PlannedNudge(row.kind, lighter, slot)


def _together(planned: list[PlannedNudge]) -> list[PlannedNudge]:
    """One weekly series per nudge and slot: the rows a full plan kept apart (each time
    skipping its own days) continue as one."""
    merged: dict[tuple[str, str | None, LocalSchedule], list[dt.time]] = {}
    for item in planned:
        key = (item.nudge_id, item.slot, replace(item.schedule, times=()))
        merged.setdefault(key, []).extend(item.schedule.times)
    return [
        PlannedNudge(nudge_id, replace(schedule, times=tuple(sorted(set(times)))), slot)
        for (nudge_id, slot, schedule), times in merged.items()
    ]


def first_local(planned: list[PlannedNudge]) -> dt.datetime:
    """The local wall time of the first message of the weekly version."""
    return min(dt.datetime.combine(first_day(p.schedule), min(p.schedule.times)) for p in planned)


def first_day(schedule: LocalSchedule) -> dt.date:
    weekday = min(schedule.weekdays or {schedule.start.weekday()})
    return schedule.start + dt.timedelta(days=(weekday - schedule.start.weekday()) % 7)


@dataclass(frozen=True)
class Answer:
    """What a tap did: "stale" (nothing), "declined", or "kept" with the weekly series."""

    outcome: str
    planned: tuple[PlannedNudge, ...] = ()


async def answer(
    sessions: async_sessionmaker[AsyncSession],
    now: dt.datetime,
    telegram_id: int,
    delivery_id: int,
    choice: str,
) -> tuple[User | None, Answer]:
    """The person who tapped, and what their tap did."""
    async with sessions.begin() as session:
        user = await session.get(User, telegram_id)
        return user, await _answer(session, user, delivery_id, choice, now)


async def _answer(
    session: AsyncSession, user: User | None, delivery_id: int, choice: str, now: dt.datetime
) -> Answer:
    """Parse → decide → persist for one tap, in the caller's transaction."""
    delivery = await session.get(Delivery, delivery_id)
    row = await session.get(Reminder, delivery.reminder_id) if delivery else None
    if not await _answerable(session, user, delivery, row):
        return Answer("stale")
    assert delivery is not None and row is not None and user is not None
    delivery.response, delivery.responded_at = RESPONSES[choice], now
    if choice == "no":
        return Answer("declined")
    last_day = row.schedule.schedule
    lighter = [
        weekly(r, last_day.start) for r in await continuing(session, row.episode_id or 0, now)
    ]
    # The weekly version is held to the same rules: three a day, outside quiet hours.
    quiet = QuietHours.parse(user.quiet_start, user.quiet_end)
    planned = list(fit_plan(_together(lighter), quiet))
    await ReminderRepository(session).add_nudges(user.id, row.episode_id, row.tz, planned, now)
    return Answer("kept", tuple(planned))


async def _answerable(
    session: AsyncSession, user: User | None, delivery: Delivery | None, row: Reminder | None
) -> bool:
    """The caller's own, unanswered question, about their newest episode, still below L3."""
    if user is None or delivery is None or row is None or row.kind != PLAN_END:
        return False
    if row.user_id != user.id or delivery.response is not None or row.episode_id is None:
        return False
    episode = await session.get(Episode, row.episode_id)
    return episode is not None and await current(session, episode)
