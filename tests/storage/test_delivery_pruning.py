"""Delivery rows of active people are forgotten once /history and /report no longer show
them: settled, old, and of an earlier episode. Nothing in flight, and nothing of the latest
episode, is ever touched."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.models import Delivery
from storage.retention import DELIVERY_KEEP_DAYS, prune_deliveries
from tests.factories import add_person, delivery, episode, reminder

Sessions = async_sessionmaker[AsyncSession]
NOW = dt.datetime(2026, 11, 30, 3, 30, tzinfo=dt.UTC)
OLD = NOW - dt.timedelta(days=DELIVERY_KEEP_DAYS + 10)
RECENT = NOW - dt.timedelta(days=5)


async def test_old_settled_deliveries_of_an_earlier_episode_go_and_the_rest_stay(
    sessions: Sessions,
) -> None:
    await add_person(sessions, 1, OLD, tz="UTC")
    async with sessions.begin() as session:
        earlier, latest = episode(1, OLD), episode(1, RECENT)
        session.add_all([earlier, latest])
        await session.flush()
        before, now, loose = (
            reminder(1, earlier.id, OLD, next_due_at=NOW),
            reminder(1, latest.id, OLD, next_due_at=NOW),
            reminder(1, None, OLD, next_due_at=NOW),
        )
        session.add_all([before, now, loose])
        await session.flush()
        session.add_all(
            [
                delivery(before.id, OLD),  # goes: old, settled, an earlier episode
                delivery(before.id, OLD + dt.timedelta(days=1), status="skipped"),  # goes
                delivery(loose.id, OLD),  # goes: no episode shows it
                delivery(
                    before.id, OLD + dt.timedelta(days=2), status="pending"
                ),  # in flight: stays
                delivery(before.id, RECENT),  # recent: stays
                delivery(now.id, OLD),  # the latest episode's story: stays
            ]
        )
    async with sessions.begin() as session:
        forgotten = await prune_deliveries(session, NOW - dt.timedelta(days=DELIVERY_KEEP_DAYS))
    async with sessions() as session:
        left = list(await session.scalars(select(Delivery).order_by(Delivery.id)))
    assert forgotten == 3
    assert [(d.status, d.due_at) for d in left] == [
        ("pending", OLD + dt.timedelta(days=2)),
        ("sent", RECENT),
        ("sent", OLD),
    ]
