"""Handing reminder rows to the dispatcher and taking them back.

Storage sits beneath the scheduler, so it does not compute occurrences. A row written or
moved here is *unplaced*: `occurrence` is NULL and `next_due_at` is the instant to place it
from (usually `now`). The dispatcher claims it at once, places it at its first occurrence
strictly from that instant in the person's zone, and sends it when due; callers wake the
dispatcher after their commit. Each hand-over is noted in the session (`note_due`), so that
the wake-up after the commit happens only when there is something to place. A stopped
reminder also loses its `next_due_at`, so that only reminders stopped because the person
blocked the bot come back on /start.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Reminder
from storage.schedules import ReminderSchedule

DUE_KEY = "reminders_due_from"
"""`Session.info` key: the earliest instant a reminder written in the transaction is due from."""


def note_due(session: AsyncSession, since: dt.datetime) -> None:
    """Notes in the session that a reminder written in it is due from `since`."""
    known = session.info.get(DUE_KEY)
    session.info[DUE_KEY] = since if known is None else min(known, since)


def unplaced(since: dt.datetime, session: AsyncSession | None = None) -> dict[str, Any]:
    """Column values that hand a row to the dispatcher to place from `since`; noted in
    `session`, when given, for the wake-up after its commit."""
    if session is not None:
        note_due(session, since)
    return {"next_due_at": since, "occurrence": None, "lease_owner": None, "lease_until": None}


def new_reminder(
    user_id: int,
    episode_id: int | None,
    kind: str,
    schedule: ReminderSchedule,
    tz: str,
    now: dt.datetime,
) -> Reminder:
    """An active, unplaced reminder row of `kind` (not yet added to a session)."""
    return Reminder(
        user_id=user_id,
        episode_id=episode_id,
        kind=kind,
        schedule=schedule,
        tz=tz,
        active=True,
        sent_count=0,
        created_at=now,
        **unplaced(now),
    )


async def stop(session: AsyncSession, *where: Any) -> int:
    """Stop the reminders matching `where`: inactive, no due time, no lease; a count."""
    result = await session.execute(
        update(Reminder)
        .where(*where)
        .values(active=False, next_due_at=None, lease_owner=None, lease_until=None)
    )
    return count(result)


def count(result: Any) -> int:
    """The rows an UPDATE touched."""
    return int(result.rowcount or 0)
