"""What a dispatcher tick reads about people and records about deliveries.

A delivery row is keyed by (reminder, local occurrence): it is written before the send
(pending, or skipped with the policy's reason) and marked with the result after it, so the
key decides what may still be sent (see `scheduler.dispatcher`). Each helper runs in the
caller's transaction and never commits.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any, cast

from sqlalchemy import Table, bindparam, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from scheduler.jobs import Job, Move, Recipient, is_today
from scheduler.leases import REMINDERS, on_postgresql
from scheduler.policy import Person, Skip, is_nudge
from storage.models import Delivery, User
from storage.statuses import DeliveryStatus, UserState
from triage.quiet import QuietHours
from triage.schedule import CHECKIN, CHECKIN_GAP

DELIVERIES = cast(Table, Delivery.__table__)
USERS = cast(Table, User.__table__)


async def people(
    session: AsyncSession, user_ids: set[int], now: dt.datetime
) -> tuple[dict[int, Person], dict[int, Recipient]]:
    """The people the rows are for, with their history, and where their messages go."""
    u = USERS.c
    result = await session.execute(
        select(
            u.id,
            u.chat_id,
            u.language,
            u.ring_nudges,
            u.country,
            u.tz,
            u.state,
            u.paused_until,
            u.quiet_start,
            u.quiet_end,
        ).where(u.id.in_(user_ids))
    )
    found: dict[int, Person] = {}
    chats: dict[int, Recipient] = {}
    for m in result.mappings():
        chats[m["id"]] = Recipient(
            m["chat_id"], m["language"], bool(m["ring_nudges"]), m["country"]
        )
        found[m["id"]] = Person(
            tz=m["tz"] or "UTC",
            state=m["state"],
            paused_until=m["paused_until"],
            quiet=QuietHours.parse(m["quiet_start"], m["quiet_end"]),
        )
    return await with_history(session, found, now), chats


async def with_history(
    session: AsyncSession, people: dict[int, Person], now: dt.datetime
) -> dict[int, Person]:
    """Today's nudge messages, recent check-ins and coming check-ins, per person."""
    r, d = REMINDERS.c, DELIVERIES.c
    sent = await session.execute(
        select(r.user_id, r.kind, r.origin_id, d.message_id, d.sent_at)
        .join_from(DELIVERIES, REMINDERS, d.reminder_id == r.id)
        .where(
            r.user_id.in_(people),
            d.status == DeliveryStatus.SENT,
            d.sent_at > now - dt.timedelta(days=2),
        )
    )
    messages: dict[int, set[int]] = defaultdict(set)
    checkins_sent: dict[int, list[dt.datetime]] = defaultdict(list)
    for user_id, kind, origin_id, message_id, sent_at in sent:
        if kind == CHECKIN:
            checkins_sent[user_id].append(sent_at)
        elif is_nudge(kind) and origin_id is None and is_today(sent_at, people[user_id], now):
            messages[user_id].add(message_id)
    # Only the person filter in SQL: given `active = 1` too, SQLite prefers the due index
    # and walks every row due within the hour instead of these people's few rows.
    coming = await session.execute(
        select(r.user_id, r.next_due_at, r.active, r.occurrence).where(
            r.user_id.in_(people), r.kind == CHECKIN
        )
    )
    checkins_due: dict[int, list[dt.datetime]] = defaultdict(list)
    for user_id, due, active, placed in coming:
        # An unplaced row's `next_due_at` is the instant to place it from, not its time.
        if active and placed is not None and due is not None and due < now + CHECKIN_GAP:
            checkins_due[user_id].append(due)
    return {
        uid: replace(
            p,
            nudges_today=len(messages[uid]),
            checkins_sent=tuple(checkins_sent[uid]),
            checkins_due=tuple(checkins_due[uid]),
        )
        for uid, p in people.items()
    }


async def existing(
    session: AsyncSession, keys: Sequence[tuple[int, str]]
) -> dict[tuple[int, str], tuple[int, DeliveryStatus, int, dt.datetime]]:
    """Deliveries already recorded for (reminder, occurrence): id, status, attempts, due."""
    if not keys:
        return {}
    d = DELIVERIES.c
    # By reminder id (indexed), then by key here: SQLite scans the table for a row-value IN.
    result = await session.execute(
        select(d.reminder_id, d.occurrence, d.id, d.status, d.attempts, d.due_at).where(
            d.reminder_id.in_({reminder_id for reminder_id, _ in keys})
        )
    )
    wanted = set(keys)
    return {(m[0], m[1]): (m[2], m[3], m[4], m[5]) for m in result if (m[0], m[1]) in wanted}


async def insert_deliveries(session: AsyncSession, jobs: list[Job]) -> None:
    """Record each job's delivery; one already recorded by someone else is left as it is."""
    if not jobs:
        return
    values = [
        {
            "reminder_id": job.row.id,
            "occurrence": job.row.occurrence.key,
            "due_at": job.due_at,
            "status": DeliveryStatus.SKIPPED
            if isinstance(job.decision, Skip)
            else DeliveryStatus.PENDING,
            "reason": str(job.decision.reason) if isinstance(job.decision, Skip) else None,
            "attempts": 0,
        }
        for job in jobs
    ]
    dialect = postgresql if on_postgresql(session) else sqlite
    insert = dialect.insert(DELIVERIES).on_conflict_do_nothing(
        index_elements=["reminder_id", "occurrence"]
    )
    await session.execute(insert, values)


async def skip_pending(session: AsyncSession, jobs: list[Job]) -> None:
    """A retried delivery that the policy now skips (e.g. too late) is recorded skipped."""
    if not jobs:
        return
    d = DELIVERIES.c
    statement = (
        update(DELIVERIES)
        .where(d.id == bindparam("b_id"), d.status == DeliveryStatus.PENDING)
        .values(status=DeliveryStatus.SKIPPED, reason=bindparam("b_reason"))
    )
    reasons = [str(job.decision.reason) for job in jobs if isinstance(job.decision, Skip)]
    rows = [{"b_id": job.delivery_id, "b_reason": r} for job, r in zip(jobs, reasons, strict=True)]
    await session.execute(statement, rows)


async def retry(
    session: AsyncSession, owner: str, job: Job, at: dt.datetime, attempts: int
) -> None:
    await session.execute(
        update(DELIVERIES).where(DELIVERIES.c.id == job.delivery_id).values(attempts=attempts)
    )
    r = REMINDERS.c
    await session.execute(
        update(REMINDERS)
        .where(r.id == job.row.id, r.lease_owner == owner)
        .values(next_due_at=at, lease_owner=None, lease_until=None)
    )


async def finish(
    session: AsyncSession,
    job: Job,
    status: DeliveryStatus,
    reason: str | None,
    message_id: int | None,
    now: dt.datetime,
    attempts: int,
) -> None:
    values: dict[str, Any] = {"status": status, "reason": reason, "attempts": attempts}
    if status is DeliveryStatus.SENT:
        values |= {"sent_at": now, "message_id": message_id}
    await session.execute(
        update(DELIVERIES).where(DELIVERIES.c.id == job.delivery_id).values(**values)
    )


async def block(session: AsyncSession, job: Job, now: dt.datetime, attempts: int) -> None:
    await finish(session, job, DeliveryStatus.BLOCKED, "Blocked", None, now, attempts)
    await session.execute(
        update(USERS).where(USERS.c.id == job.row.user_id).values(state=UserState.BLOCKED)
    )
    await session.execute(
        update(REMINDERS)
        .where(REMINDERS.c.user_id == job.row.user_id)
        .values(active=False, lease_owner=None, lease_until=None)
    )


@dataclass
class Settled:
    """Delivery updates and reminder moves gathered from a batch's results."""

    deliveries: list[dict[str, Any]] = field(default_factory=list)
    moves: list[Move] = field(default_factory=list)

    def finish(
        self,
        job: Job,
        status: DeliveryStatus,
        reason: str | None,
        message_id: int | None,
        sent_at: dt.datetime | None,
        attempts: int,
    ) -> None:
        self.deliveries.append(
            {
                "b_id": job.delivery_id,
                "b_status": status,
                "b_reason": reason,
                "b_message": message_id,
                "b_sent_at": sent_at,
                "b_attempts": attempts,
            }
        )


async def finish_many(session: AsyncSession, rows: list[dict[str, Any]]) -> None:
    if not rows:
        return
    d = DELIVERIES.c
    statement = (
        update(DELIVERIES)
        .where(d.id == bindparam("b_id"))
        .values(
            status=bindparam("b_status", type_=d.status.type),
            reason=bindparam("b_reason"),
            message_id=bindparam("b_message"),
            sent_at=bindparam("b_sent_at", type_=d.sent_at.type),
            attempts=bindparam("b_attempts"),
        )
    )
    await session.execute(statement, rows)
