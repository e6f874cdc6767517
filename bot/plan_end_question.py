"""The day-14 question about the plan (spec §3.4): its words and buttons, and whether it still
makes sense to ask. The notifier asks and words it; `bot.handlers.plan_end` answers the taps
(callback data `w:<delivery>:yes|no`).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from telegram import InlineKeyboardMarkup

from bot import callbacks
from bot.catalogue import Catalogue
from bot.replies import keyboard
from scheduler.recurrence import next_occurrence
from storage.models import Delivery, Episode, Reminder
from storage.statuses import DeliveryResponse
from triage.levels import NUDGE_LEVELS, Level
from triage.schedule import CHECKIN, PLAN_END

AREA = "w"


def question(cat: Catalogue, delivery_id: int) -> tuple[str, InlineKeyboardMarkup]:
    """The day-14 question with Yes / No, thanks."""
    markup = keyboard(
        [
            [
                (cat.text("plan_end.yes"), callbacks.encode(AREA, delivery_id, "yes")),
                (cat.text("plan_end.no"), callbacks.encode(AREA, delivery_id, "no")),
            ]
        ]
    )
    return cat.text("plan_end.question"), markup


async def question_due(session: AsyncSession, episode_id: int | None, now: dt.datetime) -> bool:
    """Whether the day-14 question still makes sense: the episode is the person's newest,
    below L3, and some repeating nudge of its plan is still running."""
    episode = await session.get(Episode, episode_id) if episode_id is not None else None
    if episode is None or not await current(session, episode):
        return False
    return bool(await continuing(session, episode.id, now))


async def current(session: AsyncSession, episode: Episode) -> bool:
    """Whether the episode is the person's newest and below L3 (no nudges at L3/L4)."""
    newest = await session.scalar(
        select(func.max(Episode.id)).where(Episode.user_id == episode.user_id)
    )
    level = Level(episode.level) if episode.level else None
    return newest == episode.id and level in NUDGE_LEVELS


async def continuing(session: AsyncSession, episode_id: int, now: dt.datetime) -> list[Reminder]:
    """The plan's repeating nudge series the person has not stopped.

    A series counts when it is still running, or when it ran to its own end before day 14
    (a twice-weekly one, say) without the person tapping Stop on it.
    """
    rows = await session.scalars(
        select(Reminder)
        .where(
            Reminder.episode_id == episode_id,
            Reminder.origin_id.is_(None),
            Reminder.kind.not_in((CHECKIN, PLAN_END)),
        )
        .order_by(Reminder.id)
    )
    stopped = await _stopped_series(session, episode_id)
    return [
        row
        for row in rows
        if _repeating(row) and row.id not in stopped and (row.active or _ran_out(row, now))
    ]


async def _stopped_series(session: AsyncSession, episode_id: int) -> set[int]:
    """Series the person stopped with the nudge's own Stop button (on it or a snooze copy)."""
    found = await session.execute(
        select(Reminder.id, Reminder.origin_id)
        .join(Delivery, Delivery.reminder_id == Reminder.id)
        .where(Reminder.episode_id == episode_id, Delivery.response == DeliveryResponse.STOPPED)
    )
    return {origin or reminder_id for reminder_id, origin in found}


def _repeating(row: Reminder) -> bool:
    schedule = row.schedule.schedule
    return schedule.dates is None


def _ran_out(row: Reminder, now: dt.datetime) -> bool:
    schedule = row.schedule.schedule
    return next_occurrence(schedule, row.tz, now) is None
