"""Reminder rows under the dispatcher's lease: claiming them, holding, releasing, moving on.

A claimed row carries `lease_owner` and `lease_until`; `move` and `defer` only touch rows
the given owner still holds, so a replica whose lease ran out leaves alone a row another
one claimed since. Each helper runs in the caller's transaction and never commits.
"""

from __future__ import annotations

import datetime as dt
from typing import cast

from sqlalchemy import Table, bindparam, case, func, or_, select, true, update
from sqlalchemy.ext.asyncio import AsyncSession

from scheduler.jobs import Job, Move, Row, row_from
from scheduler.policy import Defer
from storage.models import Reminder
from storage.schedules import ReminderSchedule

REMINDERS = cast(Table, Reminder.__table__)
# `active = 1`, not a bare `active`: SQLite uses the (active, next_due_at) index only for an
# equality, and without it every claim scans the whole table.
ACTIVE = REMINDERS.c.active == true()

_ROW_COLUMNS = (
    REMINDERS.c.id,
    REMINDERS.c.user_id,
    REMINDERS.c.episode_id,
    REMINDERS.c.kind,
    REMINDERS.c.schedule,
    REMINDERS.c.tz,
    REMINDERS.c.next_due_at,
    REMINDERS.c.occurrence,
    REMINDERS.c.sent_count,
    REMINDERS.c.origin_id,
)


def on_postgresql(session: AsyncSession) -> bool:
    return session.get_bind().dialect.name == "postgresql"


async def next_wakeup(session: AsyncSession, now: dt.datetime) -> dt.datetime | None:
    """The earliest instant a tick would find work: a due row, or a lease running out."""
    r = REMINDERS.c
    free = or_(r.lease_until.is_(None), r.lease_until < now)
    overdue = select(func.min(case((free, r.next_due_at), else_=r.lease_until))).where(
        ACTIVE, r.next_due_at <= now
    )
    future = select(func.min(r.next_due_at)).where(ACTIVE, r.next_due_at > now)
    found = [await session.scalar(overdue), await session.scalar(future)]
    times = [t for t in found if t is not None]
    return min(times) if times else None


async def claim_due(
    session: AsyncSession, owner: str, now: dt.datetime, until: dt.datetime, limit: int
) -> list[Row | Move]:
    """Lease up to `limit` due rows nobody holds, earliest first, until `until`."""
    r = REMINDERS.c
    due = select(r.id).where(
        ACTIVE,
        r.next_due_at <= now,
        or_(r.lease_until.is_(None), r.lease_until < now),
    )
    if on_postgresql(session):
        due = due.with_for_update(skip_locked=True)
    claim = (
        update(REMINDERS)
        .where(r.id.in_(due.order_by(r.next_due_at).limit(limit)))
        .values(lease_owner=owner, lease_until=until)
        .returning(*_ROW_COLUMNS)
    )
    result = await session.execute(claim)
    return [row_from(m) for m in result.mappings()]


async def hold(session: AsyncSession, owner: str, ids: list[int], until: dt.datetime) -> set[int]:
    """Renew the lease, and so open the transaction with a write; the ids still `owner`'s.

    An id missing from the answer was claimed by another dispatcher after this one's lease
    ran out (a process starved of CPU for longer than a lease): that one sends it now.

    SQLite: a transaction that reads first and writes later fails at once (SQLITE_BUSY)
    if another connection committed in between; writing first takes the write lock up
    front, where the busy timeout applies.
    """
    if not ids:
        return set()
    r = REMINDERS.c
    renewed = await session.execute(
        update(REMINDERS)
        .where(r.id.in_(ids), r.lease_owner == owner)
        .values(lease_until=until)
        .returning(r.id)
    )
    return set(renewed.scalars())


async def release(session: AsyncSession, ids: list[int]) -> None:
    if ids:
        await session.execute(
            update(REMINDERS)
            .where(REMINDERS.c.id.in_(ids))
            .values(lease_owner=None, lease_until=None)
        )


async def release_owned(session: AsyncSession, owner: str) -> int:
    """Clear every lease `owner` holds (shutting down); how many rows were held."""
    result = await session.execute(
        update(REMINDERS)
        .where(REMINDERS.c.lease_owner == owner)
        .values(lease_owner=None, lease_until=None)
    )
    return int(getattr(result, "rowcount", 0) or 0)


async def move(session: AsyncSession, owner: str, moves: list[Move]) -> None:
    """Advance rows to their next occurrence (or end them) and clear the lease."""
    if not moves:
        return
    r = REMINDERS.c
    statement = (
        update(REMINDERS)
        .where(r.id == bindparam("b_id"), r.lease_owner == owner)
        .values(
            next_due_at=bindparam("b_due"),
            occurrence=bindparam("b_key"),
            active=bindparam("b_active"),
            sent_count=r.sent_count + bindparam("b_sent"),
            lease_owner=None,
            lease_until=None,
        )
    )
    await session.execute(
        statement,
        [
            {
                "b_id": m.row_id,
                "b_due": m.occurrence.due_at if m.occurrence else None,
                "b_key": m.occurrence.key if m.occurrence else None,
                "b_active": m.occurrence is not None,
                "b_sent": m.sent,
            }
            for m in moves
        ],
    )


async def defer(session: AsyncSession, owner: str, jobs: list[Job]) -> None:
    if not jobs:
        return
    r = REMINDERS.c
    statement = (
        update(REMINDERS)
        .where(r.id == bindparam("b_id"), r.lease_owner == owner)
        .values(
            next_due_at=bindparam("b_due"),
            occurrence=bindparam("b_key"),
            lease_owner=None,
            lease_until=None,
        )
    )
    # The occurrence is written too: a row placed in this very tick (a snooze's copy) would
    # otherwise be placed again from `until`, after its only occurrence, and end unsent.
    await session.execute(
        statement,
        [
            {"b_id": job.row.id, "b_due": job.decision.until, "b_key": job.row.occurrence.key}
            for job in jobs
            if isinstance(job.decision, Defer)
        ],
    )


async def reschedule(session: AsyncSession, row_id: int, schedule: ReminderSchedule) -> None:
    """Store the schedule a sender handed back for the row's following occurrences."""
    await session.execute(
        update(REMINDERS).where(REMINDERS.c.id == row_id).values(schedule=schedule)
    )
