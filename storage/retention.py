"""Erasing the data of people who have been inactive longer than the retention period.

Activity is the latest moment the person did something the bot recorded: opening the bot
(`last_seen_at`), a triage answer, a check-in answer, or a tap on a nudge. A nudge the bot
sent on its own is not activity: reminders nobody answers must not keep data alive. Never
commits: `purge` owns its own transaction, `erase_inactive` runs in the caller's.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from sqlalchemy import ColumnElement, Select, delete, func, literal, select, union_all
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.erase import erase_person
from storage.models import CheckIn, Delivery, Episode, Reminder, TriageSession, User, UtcDateTime
from storage.statuses import DeliveryStatus
from triage.followup import EPISODE_WINDOW_DAYS

log = logging.getLogger(__name__)


def _last_active() -> Select[Any]:
    """(user id, latest activity) per person, over every kind of activity recorded."""
    moments = union_all(
        select(User.id.label("user_id"), User.last_seen_at.label("at")),
        select(TriageSession.user_id, TriageSession.updated_at),
        select(Episode.user_id, CheckIn.completed_at).join(
            CheckIn, CheckIn.episode_id == Episode.id
        ),
        select(Reminder.user_id, Delivery.responded_at).join(
            Delivery, Delivery.reminder_id == Reminder.id
        ),
    ).subquery()
    latest = func.max(moments.c.at).label("at")
    return select(moments.c.user_id, latest).group_by(moments.c.user_id)


async def inactive_since(session: AsyncSession, cutoff: dt.datetime) -> list[int]:
    """Ids of people whose latest activity is before `cutoff`."""
    last = _last_active().subquery()
    stale: ColumnElement[bool] = last.c.at < literal(cutoff, UtcDateTime())
    return list((await session.scalars(select(last.c.user_id).where(stale))).all())


async def erase_inactive(session: AsyncSession, cutoff: dt.datetime) -> int:
    """Erases everyone inactive since before `cutoff`; returns how many people were erased."""
    people = await inactive_since(session, cutoff)
    for user_id in people:
        await erase_person(session, user_id)
    if people:
        log.info("retention erased %s inactive people", len(people))
    return len(people)


async def purge(
    sessions: async_sessionmaker[AsyncSession], now: dt.datetime, retention_days: int
) -> int:
    """The daily job: one transaction erasing everyone inactive for `retention_days`."""
    cutoff = now - dt.timedelta(days=retention_days)
    async with sessions.begin() as session:
        return await erase_inactive(session, cutoff)


DELIVERY_KEEP_DAYS = EPISODE_WINDOW_DAYS
"""Settled deliveries of earlier episodes are kept this long (the 90-day episode window)."""


async def prune_deliveries(session: AsyncSession, cutoff: dt.datetime) -> int:
    """Forgets settled deliveries due before `cutoff` that /history and /report no longer
    show: those of a person's earlier episodes, or of no episode. The latest episode keeps
    its whole story; a pending delivery (a send in flight) is never touched, and an old
    occurrence is never claimed again (its reminder has moved past it), so nothing resends."""
    latest = select(func.max(Episode.id)).group_by(Episode.user_id)
    shown = select(Reminder.id).where(Reminder.episode_id.in_(latest))
    result = await session.execute(
        delete(Delivery).where(
            Delivery.status != DeliveryStatus.PENDING,
            Delivery.due_at < literal(cutoff, UtcDateTime()),
            Delivery.reminder_id.not_in(shown),
        )
    )
    count = int(getattr(result, "rowcount", 0) or 0)
    if count:
        log.info("retention forgot %s old deliveries", count)
    return count
