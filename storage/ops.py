"""Operational queries: advisory locks for work one process at a time, and what the health
and metrics endpoints report (schema version, dispatcher lag, leases held).

On PostgreSQL a transaction-scoped advisory lock (`pg_try_advisory_xact_lock`) keeps a job to
one process across replicas and is released at commit or when the connection dies. SQLite
deployments are a single process, so the lock is always granted there.
"""

from __future__ import annotations

import datetime as dt
import logging

from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from storage.migrate import head_revision, stamped_revisions
from storage.models import Reminder
from storage.retention import DELIVERY_KEEP_DAYS, erase_inactive, prune_deliveries
from storage.updates import ProcessedUpdateRepository

log = logging.getLogger(__name__)

RETENTION_LOCK = 7_310_001
MIGRATION_LOCK = 7_310_002


async def try_lock(session: AsyncSession, key: int) -> bool:
    """Takes advisory lock `key` until the session's transaction ends, if no one holds it."""
    if session.get_bind().dialect.name != "postgresql":
        return True
    taken = await session.scalar(text("SELECT pg_try_advisory_xact_lock(:key)"), {"key": key})
    return bool(taken)


async def run_retention(
    sessions: async_sessionmaker[AsyncSession], now: dt.datetime, retention_days: int
) -> str:
    """The daily job, in one process at a time: forgets old update claims and erases people
    inactive for `retention_days`."""
    async with sessions.begin() as session:
        if not await try_lock(session, RETENTION_LOCK):
            return "skipped: another process is running it"
        pruned = await ProcessedUpdateRepository(session).prune(now)
        erased = await erase_inactive(session, now - dt.timedelta(days=retention_days))
        old = now - dt.timedelta(days=DELIVERY_KEEP_DAYS)
        forgotten = await prune_deliveries(session, old)
    return f"{erased} people erased, {pruned} update ids and {forgotten} deliveries forgotten"


async def schema_is_current(engine: AsyncEngine) -> bool:
    """Whether the database is at the newest migration this code knows."""
    async with engine.connect() as connection:
        return await stamped_revisions(connection) == {head_revision()}


async def dispatch_lag(session: AsyncSession, now: dt.datetime) -> dt.timedelta:
    """Now minus the oldest active reminder that is due (zero when none is)."""
    oldest = await session.scalar(
        select(func.min(Reminder.next_due_at)).where(
            Reminder.active.is_(True), Reminder.next_due_at <= now
        )
    )
    return max(now - oldest, dt.timedelta(0)) if oldest is not None else dt.timedelta(0)


async def leases_held(session: AsyncSession, now: dt.datetime) -> int:
    """Live claims: reminders being sent and updates being processed, by any process."""
    reminders = await session.scalar(
        select(func.count()).select_from(Reminder).where(Reminder.lease_until > now)
    )
    updates = await ProcessedUpdateRepository(session).held(now)
    return int(reminders or 0) + updates
